"""bpsim's model: a numpy neural network that explains itself.

``engine`` (the network and its maths, training), ``trace`` (one step as
frames), ``data`` (data sets, CSV, presets) and ``sessions`` (a session and
its file). Nothing here imports Qt or anything above the model; the view-model
and the UI read the data this package returns. The modules at this level
beside ``errors`` and ``notation`` keep the scripting API's old import paths.
"""

from bpsim.model.engine.network import Network
from bpsim.model.errors import BpsimError, DataError, DivergedError, SessionError
from bpsim.model.trace.frames import Frame, FrameKind, Phase, Trace

__all__ = [
    "BpsimError",
    "DataError",
    "DivergedError",
    "Frame",
    "FrameKind",
    "Network",
    "Phase",
    "SessionError",
    "Trace",
]
