"""The units of the network view: circles, values, names, biases, targets.

:func:`paint_units` draws every unit's circle of a scene, with its value
inside, in the fonts of a :class:`~bpsim.ui.network.style.NetworkStyle`;
:func:`unit_labels` says where the text around the units goes (names above,
biases below, a hidden unit's delta beside its name, an output unit's target,
loss term and delta to its right, :func:`output_room` wide; the bias a frame
is about boxed in the highlight's accent colour, under its unit or beside it,
wherever it covers nothing).

A frame about a whole mini-batch (:attr:`~bpsim.viewmodel.scene.Scene.whole_batch`)
shows the units faded, with no values in them and no deltas, targets or loss
terms beside them: those are the last sample's, not the batch's.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter

from bpsim.model.notation import fmt
from bpsim.ui.colors import Palette, blend, diverging_rgb, text_color_for
from bpsim.ui.network.style import Label, LabelBoard, NetworkStyle, font, metrics, set_text
from bpsim.viewmodel.highlight import Highlight
from bpsim.viewmodel.scene import Scene
from bpsim.viewmodel.scene_text import number_variants

ROOM_PROBE = -0.0001234  # written the widest way fmt writes an everyday number
MAX_ROOM = 0.25  # of the width at most, for the labels right of the output units
FADED = 0.3  # how much of a unit's colour a whole-batch frame keeps

Line = tuple[str, float, QFont, QColor]  # a name, its value, the font and colour


def unit_fills(scene: Scene, pal: Palette) -> list[list[QBrush]]:
    """Each unit's fill by its activation, faded on a whole-batch frame."""
    fade = scene.whole_batch
    fills = []
    for out in scene.out:
        colors = [QColor(*map(int, rgb)) for rgb in diverging_rgb(out, pal)]
        fills.append([QBrush(blend(pal.background, c, FADED) if fade else c) for c in colors])
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
            delta = np.nan if scene.whole_batch else float(scene.delta[layer][j])
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
    for lab in labels:
        board.add(lab)
    if scene.targets is not None and not scene.whole_batch:
        labels += _output_labels(st, scene, board)
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


def _output_lines(st: NetworkStyle, scene: Scene, j: int) -> list[Line]:
    """What is known right of output unit ``j``: its target, loss term, delta."""
    assert scene.targets is not None
    pal = st.pal
    lines: list[Line] = [(f"t{j + 1}", float(scene.targets[j]), st.f_small, pal.foreground)]
    term = np.nan if scene.loss_terms is None else float(scene.loss_terms[j])
    if not np.isnan(term):
        lines.append(("E", term, st.f_small, pal.foreground))
    delta = float(scene.delta[-1][j])
    if not np.isnan(delta):
        lines.append(("δ", delta, st.f_small_bold, pal.backward))
    return lines


def output_room(st: NetworkStyle, scene: Scene, width: float, height: float) -> float:
    """The width the labels right of the output units take: the widest of the
    scene's own and of :data:`ROOM_PROBE` on each line (so that stepping
    through a trace finds the same room), each in its font (the delta bold);
    none where no line fits between the units, at most :data:`MAX_ROOM` of
    ``width`` (a wider label is shortened or goes under its unit)."""
    n, (_, top, _, bottom) = st.sizes[-1], st.margins
    probe = [(f"t{n}", ROOM_PROBE, st.f_small), ("E", ROOM_PROBE, st.f_small)]
    probe.append(("δ", ROOM_PROBE, st.f_small_bold))
    if scene.targets is not None:
        probe += [line[:3] for j in range(n) for line in _output_lines(st, scene, j)]
    texts = [set_text(f"{name} = {fmt(value)}", f) for name, value, f in probe]
    if (height - top - bottom) / n < 1.05 * max(t.height for t in texts):
        return 0.0
    return min(max(t.width for t in texts), MAX_ROOM * width)


def _output_labels(st: NetworkStyle, scene: Scene, board: LabelBoard) -> list[Label]:
    """Target, loss term and delta of each output unit (as many as fit between
    the units), left-aligned right of it. Where they would leave the picture,
    they go under a lone output unit where that covers nothing, else stay right
    of it with shorter numbers (:func:`~bpsim.viewmodel.scene_text.number_variants`); a
    line that fits no way is left out (the tooltip has it). None is clipped."""
    lay, r, fp = st.layout, st.layout.radius, st.font_px
    x, end = float(lay.xs[-1]), lay.width - 0.3 * fp
    left, under = x + r + 0.5 * fp, r + 0.4 * fp + st.fm_small.height()  # under the bias
    placed: list[Label] = []
    for j in range(st.sizes[-1]):
        y, lines = float(lay.ys[-1][j]), _output_lines(st, scene, j)
        labels = [
            Label.at(f"{name} = {fmt(v)}", f, c, left, 0.0, anchor="left")
            for name, v, f, c in lines
        ]
        step = max(lab.rect.height() for lab in labels)
        keep = int(min(st.pitch[-1] / (1.05 * step), len(labels)))
        lines, labels = lines[:keep], labels[:keep]
        if any(lab.rect.right() > end for lab in labels):
            # under the unit only where no other output unit could seem to own them
            if st.sizes[-1] == 1 and _moved_under(st, board, labels, x, y + under, step):
                placed += [board.add(lab) for lab in labels]
                continue
            labels = [lab for line in lines if (lab := _shortened(line, left, end)) is not None]
        top = y - step * len(labels) / 2
        for k, lab in enumerate(labels):
            lab.rect.moveTop(top + k * step)
            placed.append(board.add(lab))
    return placed


def _moved_under(
    st: NetworkStyle, board: LabelBoard, labels: list[Label], x: float, top: float, step: float
) -> bool:
    """Move ``labels`` into a block centred under ``x`` from ``top`` down, if
    that block is inside the picture and covers nothing."""
    if not labels:
        return False
    w, pad = max(lab.rect.width() for lab in labels), 0.3 * st.font_px
    left = min(max(x - w / 2, pad), st.layout.width - pad - w)
    if not board.free(QRectF(left, top, w, step * len(labels))):
        return False
    for k, lab in enumerate(labels):
        lab.rect.moveTopLeft(QPointF(left, top + k * step))
    return True


def _shortened(line: Line, left: float, end: float) -> Label | None:
    """The line from ``left`` with its number written as long as ends by ``end``."""
    name, value, f, color = line
    for text in number_variants(value):
        lab = Label.at(f"{name} = {text}", f, color, left, 0.0, anchor="left")
        if lab.rect.right() <= end:
            return lab
    return None
