"""bpsim: see backpropagation, frame by frame."""

__version__ = "0.1.0"
