"""Loss functions, each averaged over the samples of a batch.

Conventions (the worked example's, written out so nobody has to guess):

- ``mse``: per sample ½ Σ_j (t_j − out_j)², averaged over samples. The ½
  cancels the 2 of the derivative, as in the classic worked example.
- ``bce``: binary cross-entropy, per sample −Σ_j [t_j log out_j + (1 − t_j)
  log(1 − out_j)], averaged over samples; needs a sigmoid output layer and is
  computed from the pre-activations, so it never takes log(0).
- ``cross_entropy``: categorical cross-entropy −Σ_j t_j log out_j with a
  softmax output layer, computed with log-sum-exp from the pre-activations.

Each loss returns its value and the gradient with respect to the output
layer's pre-activations (the output deltas), already divided by the batch size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.activations import Activation, row_sums, softmax_backward

Array = NDArray[np.float64]

LOSS_NAMES = ("mse", "bce", "cross_entropy")

# The output activation a loss needs, where it needs one.
REQUIRED_OUTPUT = {"bce": "sigmoid", "cross_entropy": "softmax"}


@dataclass(frozen=True)
class Loss:
    """A named loss: its value and its output deltas for a batch."""

    name: str

    def value(self, z: Array, a: Array, y: Array) -> float:
        """Mean loss over the batch, from pre-activations ``z`` and outputs ``a``."""
        if self.name == "mse":
            diff = a - y
            return 0.5 * float(np.vdot(diff, diff)) / len(y)
        if self.name == "cross_entropy":  # Σ_i lse_i·Σ_j t_ij − Σ_ij t_ij z_ij, in dot products
            return (float(np.dot(self._lse(z), row_sums(y))) - float(np.vdot(y, z))) / len(y)
        return float(self.per_sample(z, a, y).sum()) / len(y)

    @staticmethod
    def _lse(z: Array) -> Array:
        """log Σ_j e^z_ij of each row, without overflow."""
        zmax = z.max(axis=1, keepdims=True)
        shifted = z - zmax
        np.exp(shifted, out=shifted)
        out: Array = zmax[:, 0] + np.log(row_sums(shifted))
        return out

    def per_output(self, z: Array, a: Array, y: Array) -> Array:
        """Each output's share of each sample's loss (mse and bce only)."""
        if self.name == "mse":
            diff = a - y
            out: Array = 0.5 * diff * diff
            return out
        if self.name == "bce":
            # log(1 + e^z) − t z, stable for any z: max(z, 0) − t z + log1p(e^−|z|)
            out = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
            return out
        raise ValueError("cross-entropy does not split over outputs")

    def per_sample(self, z: Array, a: Array, y: Array) -> Array:
        """The loss of each sample (shape ``(n,)``)."""
        if self.name == "mse":
            diff = a - y
            out: Array = 0.5 * np.einsum("ij,ij->i", diff, diff)
            return out
        if self.name == "bce":
            out = row_sums(self.per_output(z, a, y))
            return out
        # cross_entropy with softmax: logsumexp(z) − Σ t z (for one-hot or soft t)
        out = self._lse(z) * row_sums(y) - row_sums(y * z)
        return out

    def output_delta(self, z: Array, a: Array, y: Array, activation: Activation) -> Array:
        """dE/dz at the output layer for the mean loss of the batch."""
        n = len(y)
        if self.name in REQUIRED_OUTPUT:
            # sigmoid + bce and softmax + cross-entropy both simplify to out − t
            # (for soft targets of cross-entropy: out·Σt − t).
            if self.name == "cross_entropy":
                delta: Array = (a * row_sums(y)[:, None] - y) / n
            else:
                delta = (a - y) / n
            return delta
        g = (a - y) / n
        if activation.derivative is None:
            return softmax_backward(a, g)
        delta = g * activation.derivative(z, a)
        return delta


def get_loss(name: str) -> Loss:
    """Look a loss up by name, with a message listing the valid names."""
    if name not in LOSS_NAMES:
        raise ValueError(f"unknown loss {name!r}; choose one of: {', '.join(LOSS_NAMES)}")
    return Loss(name)
