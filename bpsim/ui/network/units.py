"""The units of the network view: circles and the values inside them.

:func:`paint_units` draws every unit's circle of a scene, with its value
inside, in the fonts of a :class:`~bpsim.ui.network.style.NetworkStyle`. The
text around the units (names, biases, deltas, targets) is placed by
:mod:`bpsim.viewmodel.network.labels`.

A frame about a whole mini-batch (:attr:`~bpsim.viewmodel.network.scene.Scene.whole_batch`)
shows the units faded, with no values in them and no deltas, targets or loss
terms beside them: those are the last sample's, not the batch's.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter

from bpsim.model.notation import fmt
from bpsim.ui.colors import Palette, blend, diverging_rgb, text_color_for
from bpsim.ui.network.style import NetworkStyle, font, metrics
from bpsim.viewmodel.network.scene import Scene
from bpsim.viewmodel.network.scene_text import number_variants

FADED = 0.3  # how much of a unit's colour a whole-batch frame keeps
SHRINK = 0.7  # a long value's font shrinks at most this much, then the value is shortened


FILLS_KEPT = 64  # sets of fills kept: the frames of a step share a few
_fills: dict[tuple[object, ...], list[list[QBrush]]] = {}


def unit_fills(scene: Scene, pal: Palette) -> list[list[QBrush]]:
    """Each unit's fill by its activation, faded on a whole-batch frame (the
    same activations as a recent frame's: the same brushes, not made anew)."""
    fade = scene.whole_batch
    key = (pal, fade, *(out.tobytes() for out in scene.out))
    if (fills := _fills.get(key)) is not None:
        return fills
    fills = []
    for out in scene.out:
        colors = [QColor(*map(int, rgb)) for rgb in diverging_rgb(out, pal)]
        fills.append([QBrush(blend(pal.background, c, FADED) if fade else c) for c in colors])
    if len(_fills) >= FILLS_KEPT:
        _fills.clear()
    _fills[key] = fills
    return fills


def paint_units(p: QPainter, st: NetworkStyle, scene: Scene, fills: list[list[QBrush]]) -> None:
    """Every unit: its circle filled by activation, the value inside (on a
    whole-batch frame faded, without value, outlined as if no delta were known)."""
    lay, r, fade = st.layout, st.layout.radius, scene.whole_batch
    for layer, n in enumerate(st.sizes):
        x = float(lay.xs[layer])
        out, net, delta = scene.out[layer], scene.net[layer], scene.delta[layer]
        for j in range(n):
            c = QPointF(x, float(lay.ys[layer][j]))
            known = not np.isnan(out[j])
            p.setBrush(fills[layer][j])
            has_delta = not (fade or np.isnan(delta[j]))
            p.setPen(st.delta_pen if has_delta else st.unit_pen if known else st.unknown_pen)
            p.drawEllipse(c, r, r)
            if st.show_values and not fade:
                _paint_value(p, st, c, fills[layer][j].color(), out[j], net[j], layer)


def _short(st: NetworkStyle, x: float) -> str:
    """``x`` as the digits setting writes it (small circles: at most three
    significant figures, as :func:`fmt` writes them)."""
    number = st.geo.number
    if not st.short_values:
        return number(x)
    text = number(x)
    short = fmt(float(f"{x:.3g}"))
    return short if len(short) < len(text) else text


def _fitting(st: NetworkStyle, x: float, room: float) -> str:
    """``x`` in full where the font need not shrink below :data:`SHRINK` to
    fit ``room`` pixels, else shorter (the tooltip has it in full)."""
    text = _short(st, x)
    if st.fm_value.horizontalAdvance(text) <= room / SHRINK:
        return text
    variants = number_variants(x, st.geo.number)
    fits = (t for t in variants if st.fm_value.horizontalAdvance(t) <= room / SHRINK)
    return next(fits, variants[-1])


def value_text(st: NetworkStyle, x: float) -> tuple[str, QFont]:
    """How ``x`` is written inside a unit: the text and its font, within the
    circle's width (a long number is set smaller, down to 8 px, then shorter;
    '' when not even its shortest form fits: the tooltip has it)."""
    room = 1.85 * st.layout.radius
    text = _fitting(st, x, room)
    wide = st.fm_value.horizontalAdvance(text) / room
    if wide <= 1.0:
        return text, st.f_value
    f_value = font(st.f_value.pixelSize() / wide, bold=True, floor=8)
    fm = metrics(f_value)
    if fm.horizontalAdvance(text) > room:  # at the smallest font too: shorter
        variants = number_variants(x, st.geo.number)
        text = next((v for v in variants if fm.horizontalAdvance(v) <= room), "")
    return text, f_value


def _paint_value(
    p: QPainter, st: NetworkStyle, c: QPointF, fill: QColor, out: float, net: float, layer: int
) -> None:
    """The activation inside the circle, the net input under it; before the
    activation is known, the net input alone (muted)."""
    r = st.layout.radius
    has_out, has_net = not np.isnan(out), layer > 0 and not np.isnan(net)
    if not (has_out or has_net):
        return
    main, f_value = value_text(st, float(out if has_out else net))
    if not main:
        return
    box = QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)
    color = text_color_for(fill) if has_out else QColor(st.pal.muted)
    vh, sh = st.fm_value.height(), metrics(st.f_sub).height()
    net_text = f"net {_short(st, float(net))}"
    if (
        not has_net
        or not st.show_sub
        or 2 * r < 1.25 * (vh + sh)
        or (has_out and metrics(st.f_sub).horizontalAdvance(net_text) > 1.9 * r)
    ):
        p.setFont(f_value)
        p.setPen(color)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, main)
        return
    lines = [(main, f_value, vh), (net_text, st.f_sub, sh)]
    if not has_out:
        lines = [("net", st.f_sub, sh), (main, f_value, vh)]
    y = c.y() - (vh + sh) / 2
    p.setPen(color)
    for text, f, h in lines:
        p.setFont(f)
        p.drawText(QRectF(box.left(), y, box.width(), h), Qt.AlignmentFlag.AlignCenter, text)
        y += h
