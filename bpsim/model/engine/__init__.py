"""The engine: the network and its maths (activations, losses, initialisers,
optimizers), gradient checking and training."""
