"""The units of the network view: circles, values, names, biases, targets.

:func:`paint_units` draws every unit of a scene with the fonts and label
decisions of a :class:`~bpsim.ui.network_style.NetworkStyle`; a highlighted
bias is boxed in the highlight's accent colour.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter

from bpsim.model.notation import fmt
from bpsim.scene import Scene
from bpsim.scene_highlight import Highlight
from bpsim.ui.colors import text_color_for
from bpsim.ui.network_style import NetworkStyle, font


def paint_units(
    p: QPainter,
    st: NetworkStyle,
    scene: Scene,
    fills: list[list[QBrush]],
    hl: Highlight | None,
    accent: QColor,
) -> None:
    """Every unit: its circle filled by activation, the value inside, its name
    above, its bias below, its delta (hidden units) and its target (output units)."""
    lay, r, fp, pal = st.layout, st.layout.radius, st.font_px, st.pal
    last = len(st.sizes) - 1
    for layer, n in enumerate(st.sizes):
        x = float(lay.xs[layer])
        fm_name = QFontMetricsF(st.f_names[layer])
        out, net, delta = scene.out[layer], scene.net[layer], scene.delta[layer]
        for j in range(n):
            y = float(lay.ys[layer][j])
            c = QPointF(x, y)
            known = not np.isnan(out[j])
            has_delta = not np.isnan(delta[j])
            p.setBrush(fills[layer][j])
            p.setPen(st.delta_pen if has_delta else st.unit_pen if known else st.unknown_pen)
            p.drawEllipse(c, r, r)
            if st.show_values:
                _paint_value(p, st, c, fills[layer][j].color(), out[j], net[j], layer)
            if st.show_name[layer] or n == 1:
                p.setFont(st.f_names[layer])
                p.setPen(pal.foreground)
                name = scene.unit_names[layer][j]
                w = fm_name.horizontalAdvance(name)
                p.drawText(QPointF(x - w / 2, y - r - st.name_lift), name)
            if layer and (st.show_bias[layer] or n == 1):
                _paint_bias(p, st, c, scene, layer, j, hl, accent)
            if has_delta and st.show_values and 0 < layer < last and st.show_name[layer]:
                text = f"δ = {fmt(float(delta[j]))}"
                w = QFontMetricsF(st.f_small_bold).horizontalAdvance(text)
                name_w = fm_name.horizontalAdvance(scene.unit_names[layer][j])
                left = x + max(0.75 * r, name_w / 2 + 0.3 * fp)
                at = QPointF(left + w / 2, y - r - st.name_lift - 0.35 * fm_name.height())
                st.label(p, at, text, st.f_small_bold, pal.backward, pal.backward)
            if layer == last and scene.targets is not None:
                _paint_target(p, st, c, scene, j)


def _short(st: NetworkStyle, x: float) -> str:
    if not st.short_values:
        return fmt(x)
    return fmt(float(f"{x:.3g}"))


def _paint_value(
    p: QPainter, st: NetworkStyle, c: QPointF, fill: QColor, out: float, net: float, layer: int
) -> None:
    """The activation inside the circle, the net input under it; before the
    activation is known, the net input alone (muted)."""
    r = st.layout.radius
    has_out, has_net = not np.isnan(out), layer > 0 and not np.isnan(net)
    if not (has_out or has_net):
        return
    main = _short(st, float(out if has_out else net))
    f_value = st.f_value
    wide = st.fm_value.horizontalAdvance(main) / (1.85 * r)
    if wide > 1.0:  # a long number (e.g. −0.00149): a smaller font for this one
        f_value = font(f_value.pixelSize() / wide, bold=True)
    box = QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)
    color = text_color_for(fill) if has_out else QColor(st.pal.muted)
    vh, sh = st.fm_value.height(), QFontMetricsF(st.f_sub).height()
    if not has_net or not st.show_sub or 2 * r < 1.25 * (vh + sh):
        p.setFont(f_value)
        p.setPen(color)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, main)
        return
    lines = [(main, f_value, vh), (f"net {_short(st, float(net))}", st.f_sub, sh)]
    if not has_out:
        lines = [("net", st.f_sub, sh), (main, f_value, vh)]
    y = c.y() - (vh + sh) / 2
    p.setPen(color)
    for text, f, h in lines:
        p.setFont(f)
        p.drawText(QRectF(box.left(), y, box.width(), h), Qt.AlignmentFlag.AlignCenter, text)
        y += h


def _paint_bias(
    p: QPainter,
    st: NetworkStyle,
    c: QPointF,
    scene: Scene,
    layer: int,
    j: int,
    hl: Highlight | None,
    accent: QColor,
) -> None:
    r, fp = st.layout.radius, st.font_px
    mine = hl is not None and hl.bias_label and (layer, j) in hl.main
    text = (
        hl.bias_label
        if hl is not None and mine
        else (f"b = {fmt(float(scene.biases[layer - 1][j]))}")
    )
    f = st.f_small_bold if mine else st.f_small
    fm = QFontMetricsF(f)
    at = QPointF(c.x(), c.y() + r + 0.25 * fp + fm.height() / 2)
    if mine:
        st.label(p, at, text, f, accent, accent)
    else:
        p.setFont(f)
        p.setPen(st.pal.muted)
        p.drawText(
            QPointF(
                at.x() - fm.horizontalAdvance(text) / 2, at.y() + fm.ascent() - fm.height() / 2
            ),
            text,
        )


def _paint_target(p: QPainter, st: NetworkStyle, c: QPointF, scene: Scene, j: int) -> None:
    """Target, loss term and delta of output unit ``j``, right of the unit."""
    assert scene.targets is not None
    fm, pitch, pal = st.fm_small, st.pitch[-1], st.pal
    lines = [(f"t{j + 1} = {fmt(float(scene.targets[j]))}", st.f_small, pal.foreground)]
    term = np.nan if scene.loss_terms is None else float(scene.loss_terms[j])
    if not np.isnan(term):
        lines.append((f"E = {fmt(term)}", st.f_small, pal.foreground))
    delta = float(scene.delta[-1][j])
    if not np.isnan(delta):
        lines.append((f"δ = {fmt(delta)}", st.f_small_bold, pal.backward))
    lines = lines[: int(min(pitch / (1.05 * fm.height()), len(lines)))]
    x = c.x() + st.layout.radius + 0.5 * st.font_px
    y = c.y() - fm.height() * len(lines) / 2 + fm.ascent()
    for k, (text, f, color) in enumerate(lines):
        p.setFont(f)
        p.setPen(color)
        p.drawText(QPointF(x, y + k * fm.height()), text)
