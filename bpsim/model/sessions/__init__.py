"""Sessions: a network, its data and its trainer as one thing; their files
(written atomically) and the network settings a user can change."""
