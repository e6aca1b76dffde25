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
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, overload

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import DEFAULT_DIGITS, render
from bpsim.model.trace.kinds import PHASE_OF, FrameKind, Phase
from bpsim.model.trace.layout import Part, Place, TraceLayout

__all__ = ["PHASE_OF", "Frame", "FrameKind", "Frames", "Phase", "Trace", "frames_per_step"]

Array = NDArray[np.float64]
Edge = tuple[int, int, int]  # (target layer, source unit, target unit)


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


class FrameSource(Protocol):
    """What builds the frames of a trace (the trace builder)."""

    def frame(self, k: int) -> Frame: ...

    def sample_rows(self, s: int) -> tuple[tuple[Array, ...], ...]: ...


class Frames(Sequence[Frame]):
    """The frames of a trace, each built when it is first asked for.

    Indexing (negative indices and slices too), ``len`` and iteration work
    as on a tuple. Built frames are kept, up to :attr:`KEEP` of them (the
    earliest built go first), so memory follows the frames looked at, not
    the length of the step.
    """

    KEEP = 16_384

    def __init__(self, n: int, source: FrameSource) -> None:
        self._n = n
        self._source = source
        self._built: dict[int, Frame] = {}

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, k: int) -> Frame: ...
    @overload
    def __getitem__(self, k: slice) -> tuple[Frame, ...]: ...
    def __getitem__(self, k: int | slice) -> Frame | tuple[Frame, ...]:
        if isinstance(k, slice):
            return tuple(self[i] for i in range(*k.indices(self._n)))
        k = operator.index(k)
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError(f"frame {k} out of range 0..{self._n - 1}")
        frame = self._built.get(k)
        if frame is None:
            frame = self._source.frame(k)
            if len(self._built) >= self.KEEP:
                del self._built[next(iter(self._built))]
            self._built[k] = frame
        return frame

    def __iter__(self) -> Iterator[Frame]:
        for k in range(self._n):
            yield self[k]

    def __repr__(self) -> str:
        return f"<{self._n} frames, {len(self._built)} built>"


@dataclass(frozen=True, eq=False)
class Trace:
    """The frames of one training step and the arrays they were read from.

    Arrays are per sample along their first axis. ``weights_before`` and
    ``weights_after`` bracket the update; :meth:`weights_at` gives the
    weights as shown at a frame (updates so far applied). ``frames`` are
    built on demand; ``layout`` says where each frame sits without building
    it (:meth:`place`).
    """

    frames: Frames
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
    layout: TraceLayout = field(repr=False)

    def __len__(self) -> int:
        return len(self.frames)

    @overload
    def __getitem__(self, k: int) -> Frame: ...
    @overload
    def __getitem__(self, k: slice) -> tuple[Frame, ...]: ...
    def __getitem__(self, k: int | slice) -> Frame | tuple[Frame, ...]:
        return self.frames[k]

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.frames)

    def place(self, k: int) -> Place:
        """Where frame ``k`` sits (its kind, layer, unit, sample, phase),
        without building it."""
        if not 0 <= k < len(self.frames):
            raise IndexError(f"frame {k} out of range 0..{len(self.frames) - 1}")
        return self.layout.place(k)

    def sample_rows(self, s: int) -> tuple[tuple[Array, ...], ...]:
        """Pre-activations, activations (the input first) and deltas of each
        layer as the frames of sample ``s`` show them (a mini-batch's
        frames show each sample's own pass)."""
        return self.frames._source.sample_rows(s)

    def _at(
        self, k: int, biases: bool, before: tuple[Array, ...], after: tuple[Array, ...]
    ) -> list[Array]:
        out = []
        for layer, (old, new) in enumerate(zip(before, after, strict=True), start=1):
            start = self.layout.update_start(layer)
            if k < start:
                out.append(old.copy())
            elif k >= start + self.layout.parameters_of(layer) - 1:
                out.append(new.copy())
            else:
                w_at, b_at = self.layout.parameter_frames(Part.UPDATES, layer)
                at = b_at if biases else w_at
                out.append(old.copy() if at is None else np.where(at <= k, new, old))
        return out

    def weights_at(self, k: int) -> list[Array]:
        """The weights as they stand after frame ``k`` (updates so far applied)."""
        return self._at(k, False, self.weights_before, self.weights_after)

    def biases_at(self, k: int) -> list[Array]:
        """The biases as they stand after frame ``k``."""
        return self._at(k, True, self.biases_before, self.biases_after)


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
