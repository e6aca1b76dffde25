"""The trace: one training step as an immutable sequence of frames (frames),
built by the forward and backward builders from the vectorised step (step)."""
