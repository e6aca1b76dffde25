"""Kept for scripts written against the old layout: the module moved to
:mod:`bpsim.model.engine.optimizers`."""

from bpsim.model.engine.optimizers import (
    OPTIMIZERS,
    SGD,
    Adam,
    Momentum,
    Optimizer,
    Proposal,
    make_optimizer,
)

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "Momentum",
    "Optimizer",
    "Proposal",
    "make_optimizer",
]
