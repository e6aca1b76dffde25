"""Where each frame of a trace sits, worked out from the network's shape alone.

A trace is a run of *segments*, each a block of frames of one kind of
computation for one layer (the forward pass of layer 2, the gradients of the
weights feeding layer 1, ...). A one-sample step is one block of segments
followed by the updates; a mini-batch repeats the per-sample block for each
sample (the same segments, shifted by one block's length), then the batch
loss, the mean gradients and the updates. So frame ``k``'s segment, sample and
place in its segment are a division and a bisection away, and a trace of
millions of frames needs no table of them: frames are built when asked for
(:class:`~bpsim.model.trace.frames.Trace`).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from bpsim.model.trace.kinds import PHASE_OF, FrameKind, Phase

IntArray = NDArray[np.int64]


class Part(IntEnum):
    """What a segment computes."""

    INPUTS = 0
    FORWARD = 1  # net then out of each unit (softmax: all nets, then all outs)
    LOSS_TERMS = 2
    LOSS_TOTAL = 3
    OUTPUT_DELTAS = 4
    GRADIENTS = 5  # one sample: each weight's gradient, then the unit's bias
    HIDDEN_DELTAS = 6
    CONTRIBUTIONS = 7  # mini-batch: one sample's share of each gradient
    BATCH_LOSS = 8
    MEAN_GRADIENTS = 9
    UPDATES = 10


_PER_PARAMETER = (Part.GRADIENTS, Part.CONTRIBUTIONS, Part.MEAN_GRADIENTS, Part.UPDATES)
_PARAMETER_KINDS = {  # (weight kind, bias kind)
    Part.GRADIENTS: (FrameKind.WEIGHT_GRADIENT, FrameKind.BIAS_GRADIENT),
    Part.CONTRIBUTIONS: (FrameKind.WEIGHT_CONTRIBUTION, FrameKind.BIAS_CONTRIBUTION),
    Part.MEAN_GRADIENTS: (FrameKind.WEIGHT_GRADIENT, FrameKind.BIAS_GRADIENT),
    Part.UPDATES: (FrameKind.WEIGHT_UPDATE, FrameKind.BIAS_UPDATE),
}
_SINGLE_KIND = {
    Part.INPUTS: FrameKind.INPUT,
    Part.LOSS_TERMS: FrameKind.LOSS_TERM,
    Part.LOSS_TOTAL: FrameKind.LOSS,
    Part.OUTPUT_DELTAS: FrameKind.OUTPUT_DELTA,
    Part.HIDDEN_DELTAS: FrameKind.DELTA,
    Part.BATCH_LOSS: FrameKind.LOSS,
}


@dataclass(frozen=True)
class Segment:
    """``length`` frames of ``part`` for ``layer``, from ``start`` (relative
    to the sample's block for per-sample segments)."""

    part: Part
    layer: int
    start: int
    length: int

    @property
    def stop(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Place:
    """Where frame ``index`` sits: its segment, its offset in it and its
    sample (None for a one-sample step and for the frames about the whole
    batch); ``unit`` and ``source`` as the frame names them."""

    index: int
    segment: Segment
    offset: int
    sample: int | None
    kind: FrameKind
    layer: int
    unit: int | None
    source: int | None
    segment_start: int  # absolute index of the segment's first frame

    @property
    def phase(self) -> Phase:
        return PHASE_OF[self.kind]


@dataclass(frozen=True)
class TraceLayout:
    """The segments of a trace of a network of ``sizes`` on ``n_samples``
    samples. ``coupled`` lists, per weight layer, whether its activation
    couples the layer's units (softmax)."""

    sizes: tuple[int, ...]
    n_samples: int
    train_biases: bool
    loss_terms: bool  # one frame per output's share of the loss (not cross-entropy)
    coupled: tuple[bool, ...]
    # The in-place update order: each layer's updates follow its gradients, from
    # the output back (one sample: before the deltas of the layer below, nothing
    # after the block; a mini-batch: after the layer's mean gradients, at the end,
    # the samples' blocks first, their hidden deltas already from the new weights).
    in_place: bool = False
    block: tuple[Segment, ...] = field(init=False)  # one sample's segments
    tail: tuple[Segment, ...] = field(init=False)  # after the samples, absolute
    _block_starts: list[int] = field(init=False, repr=False)
    _tail_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sizes, L = self.sizes, len(self.sizes) - 1
        batched = self.n_samples > 1
        parts: list[tuple[Part, int, int]] = [(Part.INPUTS, 0, 1)]
        parts += [(Part.FORWARD, layer, 2 * sizes[layer]) for layer in range(1, L + 1)]
        parts.append((Part.LOSS_TERMS, L, sizes[L] if self.loss_terms else 0))
        parts += [(Part.LOSS_TOTAL, L, 1), (Part.OUTPUT_DELTAS, L, sizes[L])]
        share = Part.CONTRIBUTIONS if batched else Part.GRADIENTS
        in_place = self.in_place and not batched
        for layer in range(L, 0, -1):
            parts.append((share, layer, self.parameters_of(layer)))
            if in_place:
                parts.append((Part.UPDATES, layer, self.parameters_of(layer)))
            if layer > 1:
                parts.append((Part.HIDDEN_DELTAS, layer - 1, sizes[layer - 1]))
        block = _segments(parts, 0)
        period = block[-1].stop
        tail_parts: list[tuple[Part, int, int]] = []
        if batched:
            tail_parts.append((Part.BATCH_LOSS, L, 1))
            for layer in range(L, 0, -1):  # in place: each layer's mean, then its updates
                tail_parts.append((Part.MEAN_GRADIENTS, layer, self.parameters_of(layer)))
                if self.in_place:
                    tail_parts.append((Part.UPDATES, layer, self.parameters_of(layer)))
        if not self.in_place:
            tail_parts += [(Part.UPDATES, lay, self.parameters_of(lay)) for lay in range(1, L + 1)]
        tail = _segments(tail_parts, period * self.n_samples)
        object.__setattr__(self, "block", block)
        object.__setattr__(self, "tail", tail)
        object.__setattr__(self, "_block_starts", [s.start for s in block])
        object.__setattr__(self, "_tail_starts", [s.start for s in tail])

    # -- sizes -----------------------------------------------------------------

    def parameters_of(self, layer: int) -> int:
        """Frames per parameter segment of ``layer``: its weights and biases."""
        return self.sizes[layer] * self.row(layer)

    def row(self, layer: int) -> int:
        """Frames per unit of a parameter segment: one per input weight, and the bias."""
        return self.sizes[layer - 1] + int(self.train_biases)

    @property
    def period(self) -> int:
        """Frames per sample."""
        return self.block[-1].stop

    def __len__(self) -> int:
        return self.tail[-1].stop if self.tail else self.samples_end

    @property
    def samples_end(self) -> int:
        """The first frame after the per-sample blocks."""
        return self.period * self.n_samples

    # -- where a frame is ----------------------------------------------------------

    def place(self, k: int) -> Place:
        """Frame ``k``'s place (``0 <= k < len(self)``)."""
        if k < self.samples_end:
            s, r = divmod(k, self.period)
            seg = self.block[bisect.bisect_right(self._block_starts, r) - 1]
            offset, base = r - seg.start, k - r
            sample = s if self.n_samples > 1 else None
        else:
            seg = self.tail[bisect.bisect_right(self._tail_starts, k) - 1]
            offset, base, sample = k - seg.start, 0, None
        kind, unit, source = self._what(seg, offset)
        return Place(k, seg, offset, sample, kind, seg.layer, unit, source, base + seg.start)

    def _what(self, seg: Segment, offset: int) -> tuple[FrameKind, int | None, int | None]:
        part = seg.part
        if part in _PARAMETER_KINDS:
            j, i = divmod(offset, self.row(seg.layer))
            weight, bias = _PARAMETER_KINDS[part]
            if i == self.sizes[seg.layer - 1]:
                return bias, j, None
            return weight, j, i
        if part is Part.FORWARD:
            n = self.sizes[seg.layer]
            if self.coupled[seg.layer - 1]:
                j, out = offset % n, offset >= n
            else:
                j, out = offset // 2, offset % 2 == 1
            return (FrameKind.OUT if out else FrameKind.NET), j, None
        kind = _SINGLE_KIND[part]
        unit = None if part in (Part.INPUTS, Part.LOSS_TOTAL, Part.BATCH_LOSS) else offset
        return kind, unit, None

    def segment_span(self, k: int) -> tuple[int, int]:
        """The absolute range ``(start, stop)`` of frame ``k``'s segment."""
        p = self.place(k)
        return p.segment_start, p.segment_start + p.segment.length

    def unit_span(self, k: int) -> tuple[int, int]:
        """The frames around ``k``, in its segment, of its kind and unit: a
        unit's net and out, its weights' gradients (or shares, or updates),
        the loss terms; other frames stand alone."""
        p = self.place(k)
        seg, start = p.segment, p.segment_start
        if seg.part is Part.LOSS_TERMS:
            return start, start + seg.length
        if seg.part is Part.FORWARD and not self.coupled[seg.layer - 1]:
            first = start + p.offset - p.offset % 2
            return first, first + 2
        if seg.part in _PER_PARAMETER and p.source is not None:
            first = start + p.offset - p.offset % self.row(seg.layer)
            return first, first + self.sizes[seg.layer - 1]
        return k, k + 1

    def sample_of(self, k: int) -> int:
        """The sample frame ``k`` shows (the last one for frames about the batch)."""
        return min(k // self.period, self.n_samples - 1)

    # -- when a number becomes known (relative to its sample's block) -------------

    def segment(self, part: Part, layer: int) -> Segment:
        for seg in (*self.block, *self.tail):
            if seg.part is part and seg.layer == layer:
                return seg
        raise KeyError((part, layer))

    def unit_frames(self, layer: int) -> tuple[IntArray, IntArray]:
        """The frames (relative to a sample's block) of the net and the out of
        each unit of ``layer`` (``layer >= 1``)."""
        seg, n = self.segment(Part.FORWARD, layer), self.sizes[layer]
        j = np.arange(n, dtype=np.int64)
        if self.coupled[layer - 1]:
            return seg.start + j, seg.start + n + j
        return seg.start + 2 * j, seg.start + 2 * j + 1

    def delta_frames(self, layer: int) -> IntArray:
        """The frames (relative to a sample's block) of the deltas of ``layer``."""
        L = len(self.sizes) - 1
        part = Part.OUTPUT_DELTAS if layer == L else Part.HIDDEN_DELTAS
        seg = self.segment(part, layer)
        return seg.start + np.arange(self.sizes[layer], dtype=np.int64)

    def parameter_frames(self, part: Part, layer: int) -> tuple[IntArray, IntArray | None]:
        """The frames of each weight ``(i, j)`` feeding ``layer`` and of each
        bias ``j`` in segment ``part`` (absolute for the tail's segments,
        relative for the per-sample ones); None for untrained biases."""
        seg, n_in, n_out = self.segment(part, layer), self.sizes[layer - 1], self.sizes[layer]
        first = seg.start + self.row(layer) * np.arange(n_out, dtype=np.int64)
        weights = first[None, :] + np.arange(n_in, dtype=np.int64)[:, None]
        return weights, (first + n_in if self.train_biases else None)

    def update_start(self, layer: int) -> int:
        """The first update frame of the parameters feeding ``layer``."""
        return self.segment(Part.UPDATES, layer).start


def _segments(parts: list[tuple[Part, int, int]], start: int) -> tuple[Segment, ...]:
    starts = list(itertools.accumulate((n for _, _, n in parts), initial=start))
    pairs = zip(parts, starts[:-1], strict=True)
    segments = [Segment(p, layer, s, n) for (p, layer, n), s in pairs]
    return tuple(seg for seg in segments if seg.length)


@lru_cache(maxsize=64)
def trace_layout(
    sizes: tuple[int, ...],
    n_samples: int,
    train_biases: bool,
    loss_terms: bool,
    coupled: tuple[bool, ...],
    in_place: bool = False,
) -> TraceLayout:
    """The (shared) layout of a trace of this shape."""
    return TraceLayout(sizes, n_samples, train_biases, loss_terms, coupled, in_place)
