"""Kept for scripts written against the old layout: the module moved to
:mod:`bpsim.model.engine.training`."""

from bpsim.model.engine.training import (
    Evaluation,
    Snapshot,
    Trainer,
    evaluate,
)

__all__ = [
    "Evaluation",
    "Snapshot",
    "Trainer",
    "evaluate",
]
