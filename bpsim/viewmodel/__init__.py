"""What the app shows, without Qt: the timeline (a cursor over frames and
steps), the scene the network view draws and its layout, highlights and
text, the data panel's surface and the bounded loss history.

Imports the model only; a test fails if anything here imports Qt or pyqtgraph."""
