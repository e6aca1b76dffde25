"""The data of a trace: frames and the trace that holds them.

One training step is an ordered, immutable sequence of frames.

The frames follow the order a lecturer explains a step in: the inputs; for
each unit its weighted sum and its activation; the loss; the output deltas;
then backwards, layer by layer, the gradients of the weights feeding a layer
and the deltas of the layer below; finally every update (all applied at once,
from the same gradients). A mini-batch trace shows each sample's forward and
backward pass and its contribution to each gradient, then the mean.

The numbers come from the vectorised computation that training uses
(``Network.forward_cache``, ``backward``, ``apply_update``): the loss, the
gradients and the update of a step are training's to the last bit, and so is
every frame of a one-sample step. In a mini-batch each sample's frames are
that sample's own pass, which agrees with the batch's rows to rounding.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import DEFAULT_DIGITS, render

Array = NDArray[np.float64]
Edge = tuple[int, int, int]  # (target layer, source unit, target unit)


class Phase(StrEnum):
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"


class FrameKind(StrEnum):
    INPUT = "input"
    NET = "net"  # a unit's weighted sum
    OUT = "out"  # a unit's activation
    LOSS_TERM = "loss_term"  # one output's share of the loss
    LOSS = "loss"
    OUTPUT_DELTA = "output_delta"
    DELTA = "delta"  # a hidden unit's delta
    WEIGHT_CONTRIBUTION = "weight_contribution"  # one sample's share (mini-batch)
    BIAS_CONTRIBUTION = "bias_contribution"
    WEIGHT_GRADIENT = "weight_gradient"
    BIAS_GRADIENT = "bias_gradient"
    WEIGHT_UPDATE = "weight_update"
    BIAS_UPDATE = "bias_update"


PHASE_OF = {
    FrameKind.INPUT: Phase.FORWARD,
    FrameKind.NET: Phase.FORWARD,
    FrameKind.OUT: Phase.FORWARD,
    FrameKind.LOSS_TERM: Phase.LOSS,
    FrameKind.LOSS: Phase.LOSS,
    FrameKind.OUTPUT_DELTA: Phase.BACKWARD,
    FrameKind.DELTA: Phase.BACKWARD,
    FrameKind.WEIGHT_CONTRIBUTION: Phase.BACKWARD,
    FrameKind.BIAS_CONTRIBUTION: Phase.BACKWARD,
    FrameKind.WEIGHT_GRADIENT: Phase.BACKWARD,
    FrameKind.BIAS_GRADIENT: Phase.BACKWARD,
    FrameKind.WEIGHT_UPDATE: Phase.UPDATE,
    FrameKind.BIAS_UPDATE: Phase.UPDATE,
}


@dataclass(frozen=True)
class Frame:
    """One computation of a training step, with everything needed to show it.

    ``layer`` and ``unit`` name the unit the frame computes for (layer 0 is
    the input layer); edge frames also name the ``source`` unit in
    ``layer - 1``. ``symbolic`` is the rule in names; ``template`` the same
    rule with its numbers substituted, each number marked exactly (see
    :func:`bpsim.model.notation.render`), so that it can be written to any
    number of digits (:meth:`substituted_at`). ``inputs`` are the named
    values the computation reads,
    ``value`` the number it produces (``None`` for a frame that produces
    none: the inputs frame, which only shows the sample) and ``before`` a
    parameter's value before an update. ``edges`` are the edges to highlight, each as
    ``(layer, source, unit)``.
    """

    index: int
    kind: FrameKind
    layer: int
    unit: int | None
    label: str
    symbolic: str
    template: str
    value: float | None
    inputs: tuple[tuple[str, float], ...] = ()
    source: int | None = None
    sample: int | None = None
    before: float | None = None
    edges: tuple[Edge, ...] = ()

    @property
    def phase(self) -> Phase:
        return PHASE_OF[self.kind]

    def substituted_at(self, digits: int = DEFAULT_DIGITS, *, decimals: bool = False) -> str:
        """The rule with its numbers, each to ``digits`` significant digits
        (with ``decimals``: decimal places)."""
        return render(self.template, digits, decimals=decimals)

    @property
    def substituted(self) -> str:
        """The rule with its numbers, to the default number of digits."""
        return self.substituted_at()

    def formula_at(self, digits: int = DEFAULT_DIGITS, *, decimals: bool = False) -> str:
        """Symbolic form and numbers in one line."""
        return f"{self.symbolic} = {self.substituted_at(digits, decimals=decimals)}"

    @property
    def formula(self) -> str:
        """Symbolic form and numbers in one line, as the formula card shows it."""
        return self.formula_at()


@dataclass(frozen=True)
class Trace:
    """The frames of one training step and the arrays they were read from.

    Arrays are per sample along their first axis. ``weights_before`` and
    ``weights_after`` bracket the update; :meth:`weights_at` gives the
    weights as shown at a frame (updates so far applied).
    """

    frames: tuple[Frame, ...]
    sizes: tuple[int, ...]
    lr: float
    loss: float
    X: Array
    Y: Array
    zs: tuple[Array, ...]
    acts: tuple[Array, ...]
    deltas: tuple[Array, ...]
    grad_weights: tuple[Array, ...]
    grad_biases: tuple[Array, ...]
    weights_before: tuple[Array, ...]
    biases_before: tuple[Array, ...]
    weights_after: tuple[Array, ...]
    biases_after: tuple[Array, ...]
    _update_index: dict[tuple[str, int, int, int], int] = field(repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, k: int) -> Frame:
        return self.frames[k]

    def _at(
        self, k: int, kind: str, before: tuple[Array, ...], after: tuple[Array, ...]
    ) -> list[Array]:
        out = [b.copy() for b in before]
        for (what, layer, i, j), index in self._update_index.items():
            if what == kind and index <= k:
                if kind == "w":
                    out[layer - 1][i, j] = after[layer - 1][i, j]
                else:
                    out[layer - 1][j] = after[layer - 1][j]
        return out

    def weights_at(self, k: int) -> list[Array]:
        """The weights as they stand after frame ``k`` (updates so far applied)."""
        return self._at(k, "w", self.weights_before, self.weights_after)

    def biases_at(self, k: int) -> list[Array]:
        """The biases as they stand after frame ``k``."""
        return self._at(k, "b", self.biases_before, self.biases_after)


MAX_FRAMES = 20_000  # frames of one step: more makes opening a step slow (~1 s)
# One sample's step of a wide data set may have more: the widest CSV bpsim reads
# (10,000 columns) with 8 hidden units has about 160,000 frames.
MAX_SAMPLE_FRAMES = 200_000


def frames_per_step(sizes: Sequence[int], batch: int, train_biases: bool, loss: str) -> int:
    """How many frames the trace of one step has (as bpsim.model.trace.step builds it)."""
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    units = sum(sizes[1:])
    per_bias = units if train_biases else 0
    loss_terms = 0 if loss == "cross_entropy" else sizes[-1]  # one per output, then the total
    per_sample = 1 + 2 * units + loss_terms + 1 + units  # inputs, net and out, loss, deltas
    if batch == 1:
        return per_sample + 2 * (weights + per_bias)  # gradients and updates
    # each sample's share of every gradient, then the means and the updates
    return batch * (per_sample + weights + per_bias) + 1 + 2 * (weights + per_bias)


def step_is_short_enough(sizes: Sequence[int], batch: int, train_biases: bool, loss: str) -> bool:
    """Whether bpsim shows a step of this size: at most :data:`MAX_FRAMES`
    frames, or a one-sample step of at most :data:`MAX_SAMPLE_FRAMES` (the
    batch cannot shrink further). One rule for building a session from data,
    saving it and opening it, so that whatever is saved opens again."""
    frames = frames_per_step(sizes, batch, train_biases, loss)
    return frames <= MAX_FRAMES or (batch == 1 and frames <= MAX_SAMPLE_FRAMES)
