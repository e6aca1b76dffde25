"""What the frame of a scene highlights (plain data, no Qt).

A :class:`Highlight` names the edges a frame is about (with the direction a
pulse runs along them), the unit it computes, the units it reads, and the
labels it puts on an edge or under a bias. Colours are the view's business:
it draws a highlight in the accent colour of its ``phase``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bpsim.model.notation import weight_name
from bpsim.model.trace.frames import Frame, FrameKind
from bpsim.viewmodel.network.scene import Scene
from bpsim.viewmodel.network.scene_text import FOUR, OF_SAMPLE

Edge = tuple[int, int, int]  # (layer, source, target)
Unit = tuple[int, int]  # (layer, unit)


@dataclass(frozen=True)
class Highlight:
    """What a frame highlights: edges (with the pulse direction: +1 source to
    target, -1 back, 0 none), the unit it computes, the units it reads."""

    phase: str
    edges: tuple[Edge, ...] = ()
    direction: int = 0
    main: tuple[Unit, ...] = ()
    read: tuple[Unit, ...] = ()
    edge_label: str = ""
    bias_label: str = ""
    arrows: bool = False


def highlight_of(scene: Scene, fmt: Callable[[float], str] = FOUR) -> Highlight | None:
    """The highlight of the scene's frame (None without a frame); its labels'
    numbers written by ``fmt`` (e.g. a :class:`~bpsim.viewmodel.network.scene_text.Numbers`)."""

    def _number(f: Frame) -> str:
        """The frame's value, formatted; only the inputs frame has none."""
        if f.value is None:
            raise ValueError(f"a {f.kind.value} frame carries a value")
        return fmt(f.value)

    f = scene.frame
    if f is None:
        return None
    kind, layer, j = f.kind, f.layer, f.unit
    phase = str(f.phase)
    unit = () if j is None else ((layer, j),)
    if kind is FrameKind.INPUT:
        return Highlight(phase, main=tuple((0, i) for i in range(scene.sizes[0])))
    if kind is FrameKind.NET:
        read = tuple((e[0] - 1, e[1]) for e in f.edges)
        return Highlight(phase, f.edges, 1, unit, read)
    if kind is FrameKind.LOSS:
        return Highlight(phase, main=tuple((layer, k) for k in range(scene.sizes[layer])))
    if kind is FrameKind.DELTA:
        read = tuple((e[0], e[2]) for e in f.edges)
        return Highlight(phase, f.edges, -1, unit, read, arrows=True)
    if kind in (FrameKind.WEIGHT_GRADIENT, FrameKind.WEIGHT_CONTRIBUTION):
        assert f.source is not None and j is not None
        label = f"{OF_SAMPLE.sub('', f.label)} = {_number(f)}"  # the title says which sample
        return Highlight(phase, f.edges, -1, (), ((layer - 1, f.source), (layer, j)), label)
    if kind is FrameKind.WEIGHT_UPDATE:
        assert f.source is not None and j is not None
        name = weight_name(scene.sizes, layer, f.source, j)
        label = f"{name}: {fmt(f.before or 0.0)} → {_number(f)}"
        return Highlight(phase, f.edges, 0, (), (), label)
    if kind in (FrameKind.BIAS_GRADIENT, FrameKind.BIAS_CONTRIBUTION, FrameKind.BIAS_UPDATE):
        text = f"{fmt(f.before or 0.0)} → {_number(f)}" if f.before is not None else _number(f)
        return Highlight(phase, main=unit, bias_label=f"{OF_SAMPLE.sub('', f.label)} = {text}")
    return Highlight(phase, main=unit)  # OUT, LOSS_TERM, OUTPUT_DELTA
