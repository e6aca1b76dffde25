"""What the app shows, without Qt: the timeline (a cursor over frames and
steps), the network picture (:mod:`bpsim.viewmodel.network`), the loss
history and what the plot says of it, the training pace, the data panel's
surface and the data's own units.

Imports the model only; a test fails if anything here imports Qt or pyqtgraph."""
