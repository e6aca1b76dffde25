"""How far one press of a step key moves: groups of frames (a unit, a layer,
a pass), found from the trace's layout without building its frames."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from bpsim.model.trace.frames import Frame, FrameKind, Trace
from bpsim.model.trace.layout import Place


class Granularity(StrEnum):
    """How far one press of a step key moves."""

    FRAME = "frame"
    UNIT = "unit"
    LAYER = "layer"
    PASS = "pass"
    STEP = "step"
    EPOCH = "epoch"


GRANULARITY_LABELS = {
    Granularity.FRAME: "One operation",
    Granularity.UNIT: "One unit",
    Granularity.LAYER: "One layer",
    Granularity.PASS: "One pass",
    Granularity.STEP: "One training step",
    Granularity.EPOCH: "One epoch",
}

_GROUP_KIND = {  # frames of one unit that belong together
    FrameKind.NET: "forward",
    FrameKind.OUT: "forward",
    FrameKind.LOSS_TERM: "loss",
    FrameKind.LOSS: "loss",
}


def group_key(frame: Frame | Place, granularity: Granularity) -> tuple[object, ...]:
    """Frames with equal keys, one after the other, form one group (a frame
    or its :class:`~bpsim.model.trace.layout.Place`: the same key)."""
    phase = frame.phase
    if granularity is Granularity.FRAME:
        return (frame.index,)
    if granularity is Granularity.UNIT:
        kind = _GROUP_KIND.get(frame.kind, frame.kind)
        unit = None if kind == "loss" else frame.unit
        return (frame.sample, kind, frame.layer, unit)
    if granularity is Granularity.LAYER:
        return (frame.sample, phase, frame.layer)
    return (frame.sample, phase)


def _span(trace: Trace, k: int, granularity: Granularity) -> tuple[int, int]:
    """Frames around ``k`` that surely share its group (its segment, its
    unit's run), found from the layout without building a frame."""
    if granularity is Granularity.FRAME:
        return k, k + 1
    if granularity is Granularity.UNIT:
        return trace.layout.unit_span(k)
    return trace.layout.segment_span(k)


def group_end(trace: Trace, k: int, granularity: Granularity) -> int:
    """The last frame of the group frame ``k`` belongs to."""
    key = group_key(trace.place(k), granularity)
    n = len(trace)
    while True:
        stop = _span(trace, k, granularity)[1]
        if stop >= n or group_key(trace.place(stop), granularity) != key:
            return stop - 1
        k = stop


def group_start(trace: Trace, k: int, granularity: Granularity) -> int:
    """The first frame of the group frame ``k`` belongs to."""
    key = group_key(trace.place(k), granularity)
    while True:
        start = _span(trace, k, granularity)[0]
        if start == 0 or group_key(trace.place(start - 1), granularity) != key:
            return start
        k = start - 1


def group_ends(trace: Trace, granularity: Granularity) -> Iterator[int]:
    """The last frame of each group of ``granularity``, in order."""
    k = 0
    while k < len(trace):
        k = group_end(trace, k, granularity)
        yield k
        k += 1
