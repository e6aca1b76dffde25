"""The trace: one training step as an immutable sequence of frames (frames),
built on demand by the forward and backward builders from the step's arrays
(data, kept by step) at the place the layout gives each frame (layout)."""
