"""The gradient check of the shown step, as a table: per parameter, the
gradient backpropagation computes and the one central differences measure.

For the network as it stands before the shown step and the step's batch,
:func:`gradient_table` lists every weight and bias with its analytic
gradient (``Network.gradients``, what training uses), the numerical one
((E(θ + ε) − E(θ − ε)) / 2ε, :func:`bpsim.model.engine.gradcheck.numerical_gradient`),
their difference and their relative error |a − n| / max(|a|, |n|). A
parameter agrees when |a − n| ≤ atol + rtol · max(|a|, |n|): gradients
near zero are compared absolutely, where a relative error means nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.engine.gradcheck import numerical_gradient
from bpsim.model.engine.network import Network
from bpsim.model.notation import bias_name, weight_name

Array = NDArray[np.float64]
RTOL = 1e-5
ATOL = 1e-8
EPS = 1e-6
REL_FLOOR = 1e-12  # below this both gradients are zero for the relative error
# Central differences lose ~1e-10 to rounding (float64, ε = 1e-6): the summary's
# largest relative error counts only gradients larger than this.
SIGNIFICANT = 1e-5


@dataclass(frozen=True)
class GradientRow:
    name: str
    analytic: float
    numerical: float

    @property
    def difference(self) -> float:
        return abs(self.analytic - self.numerical)

    @property
    def relative_error(self) -> float:
        scale = max(abs(self.analytic), abs(self.numerical))
        return 0.0 if scale < REL_FLOOR else self.difference / scale

    def agrees(self, rtol: float = RTOL, atol: float = ATOL) -> bool:
        scale = max(abs(self.analytic), abs(self.numerical))
        return self.difference <= atol + rtol * scale


@dataclass(frozen=True)
class GradientTable:
    """Every parameter's row, and what the check used."""

    rows: tuple[GradientRow, ...]
    samples: int
    eps: float = EPS
    rtol: float = RTOL
    atol: float = ATOL

    def in_reading_order(self) -> tuple[GradientRow, ...]:
        """The rows as a lecturer reads them: the weights by number (w1, w2, …),
        then the biases ("rows" is in the network's parameter order)."""
        weights = sorted(
            (r for r in self.rows if r.name[1:].isdigit()), key=lambda r: int(r.name[1:])
        )
        return (*weights, *(r for r in self.rows if not r.name[1:].isdigit()))

    @property
    def disagreeing(self) -> tuple[GradientRow, ...]:
        return tuple(r for r in self.rows if not r.agrees(self.rtol, self.atol))

    @property
    def all_agree(self) -> bool:
        return not self.disagreeing

    @property
    def worst_relative_error(self) -> float:
        """The largest relative error among gradients larger than :data:`SIGNIFICANT`."""
        errors = [
            r.relative_error
            for r in self.rows
            if max(abs(r.analytic), abs(r.numerical)) > SIGNIFICANT
        ]
        return max(errors, default=0.0)

    def summary(self) -> str:
        n = len(self.rows)
        worst = f"largest relative error {self.worst_relative_error:.2g}"
        on = f"on the step's {self.samples} sample" + ("s" if self.samples != 1 else "")
        if self.all_agree:
            return f"All {n:,} gradients agree {on}: {worst} (tolerance {self.rtol:g})."
        bad = len(self.disagreeing)
        return f"{bad:,} of {n:,} gradients disagree {on}: {worst} (tolerance {self.rtol:g})."


def parameter_names(sizes: tuple[int, ...]) -> list[str]:
    """Names of the parameters in ``Network.params`` order: each layer's
    weights (source by source, each to every target unit), then its biases."""
    names: list[str] = []
    for layer in range(1, len(sizes)):
        n_in, n_out = sizes[layer - 1], sizes[layer]
        names += [weight_name(sizes, layer, i, j) for i in range(n_in) for j in range(n_out)]
        names += [bias_name(sizes, layer, j) for j in range(n_out)]
    return names


def gradient_table(
    net: Network, inputs: ArrayLike, targets: ArrayLike, eps: float = EPS
) -> GradientTable:
    """Analytic against numerical gradients of ``net``'s loss on the batch.
    The network is left exactly as it was."""
    x = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
    y = np.asarray(targets, dtype=np.float64).reshape(len(x), -1)
    gw, gb = net.gradients(x, y)
    analytic = np.concatenate([np.concatenate([w.ravel(), b]) for w, b in zip(gw, gb, strict=True)])
    numerical = numerical_gradient(net, x, y, eps)
    rows = tuple(
        GradientRow(name, float(a), float(n))
        for name, a, n in zip(parameter_names(net.sizes), analytic, numerical, strict=True)
    )
    return GradientTable(rows, len(x), eps)
