"""bpsim's model: a numpy neural network that explains itself.

Nothing here imports Qt; the UI reads the data this package returns.
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
