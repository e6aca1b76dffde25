"""Kept for scripts written against the old layout: the module moved to
:mod:`bpsim.model.engine.gradcheck`."""

from bpsim.model.engine.gradcheck import (
    GradCheck,
    check_gradients,
    numerical_gradient,
)

__all__ = [
    "GradCheck",
    "check_gradients",
    "numerical_gradient",
]
