"""The units of the network view: circles, values, names, biases, targets.

:func:`paint_units` draws every unit's circle of a scene, with its value
inside, in the fonts of a :class:`~bpsim.ui.network_style.NetworkStyle`;
:func:`unit_labels` says where the text around the units goes (names above,
biases below, a hidden unit's delta beside its name, an output unit's target
to its right; the bias a frame is about boxed in the highlight's accent
colour, under its unit or beside it, wherever it covers nothing).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter

from bpsim.model.notation import fmt
from bpsim.scene import Scene
from bpsim.scene_highlight import Highlight
from bpsim.ui.colors import text_color_for
from bpsim.ui.network_style import Label, LabelBoard, NetworkStyle, font, metrics


def paint_units(p: QPainter, st: NetworkStyle, scene: Scene, fills: list[list[QBrush]]) -> None:
    """Every unit: its circle filled by activation, the value inside."""
    lay, r = st.layout, st.layout.radius
    for layer, n in enumerate(st.sizes):
        x = float(lay.xs[layer])
        out, net, delta = scene.out[layer], scene.net[layer], scene.delta[layer]
        for j in range(n):
            c = QPointF(x, float(lay.ys[layer][j]))
            known = not np.isnan(out[j])
            p.setBrush(fills[layer][j])
            p.setPen(
                st.delta_pen if not np.isnan(delta[j]) else st.unit_pen if known else st.unknown_pen
            )
            p.drawEllipse(c, r, r)
            if st.show_values:
                _paint_value(p, st, c, fills[layer][j].color(), out[j], net[j], layer)


def unit_labels(
    st: NetworkStyle, scene: Scene, hl: Highlight | None, accent: QColor, board: LabelBoard
) -> list[Label]:
    """The text around every unit, added to ``board``: names, deltas, biases, targets."""
    lay, r, fp, pal = st.layout, st.layout.radius, st.font_px, st.pal
    last = len(st.sizes) - 1
    labels: list[Label] = []
    for layer, n in enumerate(st.sizes):
        x = float(lay.xs[layer])
        f_name = st.f_names[layer]
        for j in range(n):
            y = float(lay.ys[layer][j])
            name = None
            if st.show_name[layer] or n == 1:  # above the unit, clear of a highlight ring
                name = Label.at(scene.unit_names[layer][j], f_name, pal.foreground, x, 0.0)
                name.rect.moveBottom(y - r - st.name_gap)
                labels.append(name)
            delta = float(scene.delta[layer][j])
            if not np.isnan(delta) and st.show_values and 0 < layer < last and name is not None:
                left = x + max(0.75 * r, name.rect.width() / 2 + 0.3 * fp)
                cy = name.rect.center().y()
                b, text = pal.backward, f"δ = {fmt(delta)}"
                f = st.f_deltas[layer]
                labels.append(Label.at(text, f, b, left, cy, anchor="left", boxed=True, border=b))
            mine = hl is not None and bool(hl.bias_label) and (layer, j) in hl.main
            if layer and not mine and (st.show_bias[layer] or n == 1):
                text = f"b = {fmt(float(scene.biases[layer - 1][j]))}"
                below = y + r + 0.25 * fp + st.fm_small.height() / 2
                labels.append(Label.at(text, st.f_small, pal.muted, x, below))
            if layer == last and scene.targets is not None:
                labels += _target_labels(st, x + r + 0.5 * fp, y, scene, j)
    for lab in labels:
        board.add(lab)
    if hl is not None and hl.bias_label:
        for unit in hl.main:
            labels.append(_bias_callout(st, unit, hl.bias_label, accent, board))
    return labels


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
        f_value = font(f_value.pixelSize() / wide, bold=True, floor=8)
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


def _bias_callout(
    st: NetworkStyle, unit: tuple[int, int], text: str, accent: QColor, board: LabelBoard
) -> Label:
    """The bias a frame is about, boxed in ``accent``: under its unit, else
    beside it where that covers nothing (even where biases do not fit)."""
    x, y = st.layout.center(*unit)
    r, fp = st.layout.radius, st.font_px
    lab = Label.at(text, st.f_small_bold, accent, x, y, boxed=True, border=accent)
    w, h = lab.rect.width(), lab.rect.height()
    reach = r + 1.4 * st.ring_w + 0.3 * fp
    below = y + r + 0.25 * fp + 0.6 * h  # where biases go
    spots = [
        (x, below),
        (x + reach + w / 2, y),  # right of the unit
        (x - reach - w / 2, y),  # left of it
        *((x + dx, below + k * h) for k in (1, 2, 3) for dx in (0, -w / 2, w / 2)),
        (x - reach - w / 2, y + r),
    ]
    placed = board.place(lab, np.array(spots), must=True)
    assert placed is not None
    return placed


def _target_labels(st: NetworkStyle, x: float, y: float, scene: Scene, j: int) -> list[Label]:
    """Target, loss term and delta of output unit ``j``, left-aligned at ``x``."""
    assert scene.targets is not None
    pitch, pal = st.pitch[-1], st.pal
    lines = [(f"t{j + 1} = {fmt(float(scene.targets[j]))}", st.f_small, pal.foreground)]
    term = np.nan if scene.loss_terms is None else float(scene.loss_terms[j])
    if not np.isnan(term):
        lines.append((f"E = {fmt(term)}", st.f_small, pal.foreground))
    delta = float(scene.delta[-1][j])
    if not np.isnan(delta):
        lines.append((f"δ = {fmt(delta)}", st.f_small_bold, pal.backward))
    labels = [Label.at(text, f, color, x, 0.0, anchor="left") for text, f, color in lines]
    step = max(lab.rect.height() for lab in labels)
    labels = labels[: int(min(pitch / (1.05 * step), len(labels)))]
    top = y - step * len(labels) / 2
    for k, lab in enumerate(labels):
        lab.rect.moveTop(top + k * step)
    return labels
