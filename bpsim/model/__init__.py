"""bpsim's model: a numpy neural network that explains itself.

Nothing here imports Qt; the UI reads the data this package returns.
"""

from bpsim.model.errors import BpsimError, DataError, DivergedError, SessionError
from bpsim.model.frames import Frame, FrameKind, Phase, Trace
from bpsim.model.network import Network

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
