"""The panels beside the network: the formula card and its text, the loss plot
and its axes, the data view."""
