"""See inside the network: pictures of what its hidden units compute."""
