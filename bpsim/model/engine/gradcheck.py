"""Check analytic gradients against central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.engine.network import Network

Array = NDArray[np.float64]


@dataclass(frozen=True)
class GradCheck:
    """Analytic and numerical gradients (flat, as ``Network.params``)."""

    analytic: Array
    numerical: Array

    @property
    def max_abs_error(self) -> float:
        return float(np.max(np.abs(self.analytic - self.numerical)))

    @property
    def max_rel_error(self) -> float:
        """Largest |a − n| / max(|a|, |n|, 1e-8) over the parameters."""
        scale = np.maximum(np.maximum(np.abs(self.analytic), np.abs(self.numerical)), 1e-8)
        return float(np.max(np.abs(self.analytic - self.numerical) / scale))

    def ok(self, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
        return bool(np.allclose(self.analytic, self.numerical, rtol=rtol, atol=atol))


def numerical_gradient(net: Network, X: ArrayLike, Y: ArrayLike, eps: float = 1e-6) -> Array:
    """Central differences (E(θ + ε) − E(θ − ε)) / 2ε of ``net.loss`` for
    every parameter. The network is left exactly as it was."""
    saved = net.params.copy()
    grad = np.empty_like(saved)
    try:
        for k in range(saved.size):
            net.params[k] = saved[k] + eps
            up = net.loss(X, Y)
            net.params[k] = saved[k] - eps
            down = net.loss(X, Y)
            net.params[k] = saved[k]
            grad[k] = (up - down) / (2 * eps)
    finally:
        net.params[...] = saved
    return grad


def check_gradients(net: Network, X: ArrayLike, Y: ArrayLike, eps: float = 1e-6) -> GradCheck:
    """Compare ``net.gradients`` with :func:`numerical_gradient`."""
    gw, gb = net.gradients(X, Y)
    analytic = np.concatenate([np.concatenate([w.ravel(), b]) for w, b in zip(gw, gb, strict=True)])
    return GradCheck(analytic, numerical_gradient(net, X, Y, eps))
