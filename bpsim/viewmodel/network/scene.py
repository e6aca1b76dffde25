"""What the network view draws, computed from model data (numpy only, no Qt).

A :class:`Scene` is one picture of the network: every unit's weighted sum,
activation and delta, every weight, bias and gradient as they stand, NaN for a
number that is not yet known at this moment of the step, and the frame to
highlight. :func:`scene_from_trace` builds the scene at frame ``k`` of a
trace; :func:`scene_from_network` the idle or training picture (one forward
pass, nothing backward).

Layers are indexed as in :mod:`bpsim.model.trace.frames`: layer 0 is the input
layer, so ``net[l][j]`` belongs to unit ``j`` of layer ``l`` and the edge
``(l, i, j)`` from unit ``i`` of layer ``l - 1`` has the weight
``weights[l - 1][i, j]``.

Where the units sit on screen is :mod:`bpsim.viewmodel.network.layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.errors import quiet_fp
from bpsim.model.notation import unit_name
from bpsim.model.trace.frames import Frame, Trace
from bpsim.viewmodel.network.trace_index import TraceIndex

__all__ = ["Scene", "TraceIndex", "scene_from_network", "scene_from_trace", "trace_index"]

if TYPE_CHECKING:
    from bpsim.model.engine.network import Network

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]

MODES = ("weights", "gradients")


def _frozen(a: ArrayLike) -> Array:
    out = np.array(a, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class Scene:
    """One picture of the network.

    Per layer (input layer first): ``net`` (z; NaN for the input layer),
    ``out`` (activation; the inputs for layer 0) and ``delta`` (dE/dz).
    Per weight layer ``l - 1``: ``weights``, ``biases``, ``gradients`` and
    ``bias_gradients``. NaN marks a number not yet computed at this frame.
    ``mode`` says whether edges are drawn by weight or by gradient;
    ``weight_scale`` and ``gradient_scale`` (when finite) are the magnitudes
    drawn at full width, fixed over a trace so that only the edge an update
    changes changes its thickness (NaN: the largest value shown).
    ``input_captions`` and ``output_captions`` name the input and output
    units in the user's terms (a data set's column names, ``p(pass)``), or
    are empty.
    """

    sizes: tuple[int, ...]
    unit_names: tuple[tuple[str, ...], ...]
    net: tuple[Array, ...]
    out: tuple[Array, ...]
    delta: tuple[Array, ...]
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    gradients: tuple[Array, ...]
    activation_names: tuple[str, ...]
    frame: Frame | None = None
    mode: str = "weights"
    bias_gradients: tuple[Array, ...] = ()
    targets: Array | None = None
    loss_terms: Array | None = None
    loss: float = float("nan")
    sample: int | None = None
    n_samples: int = 1
    train_biases: bool = True
    weight_scale: float = float("nan")
    gradient_scale: float = float("nan")
    input_captions: tuple[str, ...] = ()
    output_captions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")

    @property
    def n_layers(self) -> int:
        """Number of weight layers."""
        return len(self.sizes) - 1

    @property
    def n_edges(self) -> int:
        return sum(a * b for a, b in pairwise(self.sizes))

    @property
    def whole_batch(self) -> bool:
        """Whether the frame is about a whole mini-batch (the batch loss, the
        mean gradients, the updates): the units then hold the last sample's
        values, which are not the batch's."""
        return self.sample is not None and self.frame is not None and self.frame.sample is None

    def edge_values(self) -> tuple[Array, ...]:
        """What edge thickness shows: the weights or the gradients, by mode."""
        return self.weights if self.mode == "weights" else self.gradients

    def edge_scale(self) -> float:
        """The magnitude drawn at full width in the current mode."""
        fixed = self.weight_scale if self.mode == "weights" else self.gradient_scale
        if np.isfinite(fixed) and fixed > 0:
            return float(fixed)
        values = [np.abs(v[np.isfinite(v)]) for v in self.edge_values()]
        peak = max((float(v.max()) for v in values if v.size), default=0.0)
        return peak if peak > 0 else 1.0

    def with_mode(self, mode: str) -> Scene:
        return self if mode == self.mode else replace(self, mode=mode)


def _unit_names(sizes: Sequence[int]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(unit_name(sizes, layer, j) for j in range(n)) for layer, n in enumerate(sizes)
    )


_index_cache: list[TraceIndex] = []
_CACHE_SIZE = 4


def trace_index(trace: Trace) -> TraceIndex:
    """The (cached) :class:`TraceIndex` of ``trace``; recent traces are kept."""
    for idx in _index_cache:
        if idx.trace_ref() is trace:
            return idx
    idx = TraceIndex(trace)
    _index_cache.insert(0, idx)
    del _index_cache[_CACHE_SIZE:]
    return idx


def _known(values: Array, known_at: IntArray, k: int) -> Array:
    return _frozen(np.where(known_at <= k, values, np.nan))


def scene_from_trace(
    trace: Trace,
    k: int,
    *,
    activation_names: Sequence[str],
    mode: str = "weights",
    index: TraceIndex | None = None,
) -> Scene:
    """The scene at frame ``k`` of ``trace``.

    A unit's net input and activation are known from their frames on (the
    inputs from frame 0), deltas from their delta frames, gradients from
    their gradient frames; weights and biases stand as after frame ``k``
    (as :meth:`Trace.weights_at`). In a mini-batch trace the units show the
    sample the current frame belongs to (the last sample once the frames
    are about the whole batch: :attr:`Scene.whole_batch`).
    """
    idx = index if index is not None else trace_index(trace)
    if not 0 <= k < idx.n_frames:
        raise IndexError(f"frame {k} out of range 0..{idx.n_frames - 1}")
    s = idx.sample_of_frame[k]
    sample = idx.sample(s)
    per_unit = {
        name: tuple(
            _known(v, at, k)
            for v, at in zip(sample.values[name], sample.known_at[name], strict=True)
        )
        for name in ("net", "out", "delta")
    }
    weights = tuple(
        _frozen(np.where(at <= k, after, before))
        for at, before, after in zip(
            idx.update_at, idx.weights_before, idx.weights_after, strict=True
        )
    )
    biases = tuple(
        _frozen(np.where(at <= k, after, before))
        for at, before, after in zip(
            idx.bias_update_at, idx.biases_before, idx.biases_after, strict=True
        )
    )
    return Scene(
        sizes=idx.sizes,
        unit_names=_unit_names(idx.sizes),
        net=per_unit["net"],
        out=per_unit["out"],
        delta=per_unit["delta"],
        weights=weights,
        biases=biases,
        gradients=tuple(
            _known(v, at, k) for v, at in zip(idx.grad_values, idx.grad_at, strict=True)
        ),
        bias_gradients=tuple(
            _known(v, at, k) for v, at in zip(idx.bias_grad_values, idx.bias_grad_at, strict=True)
        ),
        activation_names=tuple(activation_names),
        frame=trace.frames[k],
        mode=mode,
        targets=_frozen(sample.target),
        loss_terms=_known(sample.loss_terms, sample.loss_terms_at, k),
        loss=idx.loss_at_frame(k, s),
        sample=s if idx.batched else None,
        n_samples=idx.n_samples,
        train_biases=idx.train_biases,
        weight_scale=idx.weight_scale,
        gradient_scale=idx.gradient_scale,
    )


def scene_from_network(
    net: Network,
    x: ArrayLike | None = None,
    *,
    mode: str = "weights",
    targets: ArrayLike | None = None,
) -> Scene:
    """The idle or training picture: the forward pass of one input ``x``
    (no values at all when ``x`` is None), no deltas, no gradients, no frame."""
    sizes = net.sizes
    nan_units = [np.full(n, np.nan) for n in sizes]
    if x is None:
        nets, outs = list(nan_units), list(nan_units)
    else:
        xs = np.asarray(x, dtype=np.float64).reshape(1, sizes[0])
        with quiet_fp():  # a diverging network's sums overflow silently, to their limits
            zs, acts = net.forward_cache(xs)
        nets = [nan_units[0], *(z[0] for z in zs)]
        outs = [a[0] for a in acts]
    return Scene(
        sizes=sizes,
        unit_names=_unit_names(sizes),
        net=tuple(_frozen(v) for v in nets),
        out=tuple(_frozen(v) for v in outs),
        delta=tuple(_frozen(v) for v in nan_units),
        weights=tuple(_frozen(w) for w in net.weights),
        biases=tuple(_frozen(b) for b in net.biases),
        gradients=tuple(_frozen(np.full(w.shape, np.nan)) for w in net.weights),
        bias_gradients=tuple(_frozen(np.full(b.shape, np.nan)) for b in net.biases),
        activation_names=net.activation_names,
        frame=None,
        mode=mode,
        targets=None if targets is None else _frozen(np.ravel(targets)),
        train_biases=net.train_biases,
    )
