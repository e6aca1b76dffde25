"""Exceptions raised by the model. Each carries a message fit to show a user."""

from __future__ import annotations

import numpy as np


class BpsimError(Exception):
    """Base class of every error bpsim raises on purpose."""


class DivergedError(BpsimError, FloatingPointError):
    """A training step would have made the loss or a parameter non-finite.

    The step was refused: the network keeps its last finite parameters.
    ``reason`` says what went wrong in a few words ("the loss became inf").
    ``step_back`` is how many steps back the last good parameters are: 0
    when the refused step's own update went wrong, 1 when the loss at the
    current parameters is already beyond the limit (the step before made it).
    """

    def __init__(self, reason: str, step_back: int = 0) -> None:
        super().__init__(f"{reason}: training diverged; the parameters were kept")
        self.reason = reason
        self.step_back = step_back


class DataError(BpsimError, ValueError):
    """A data set or a CSV file cannot be used; the message says why."""


class SessionError(BpsimError, ValueError):
    """A session file cannot be read or written; the message says why."""


def quiet_fp() -> np.errstate:
    """Silence numpy's floating-point warnings: divergence is detected by
    checking results for finiteness, and reported as DivergedError."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
