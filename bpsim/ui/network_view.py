"""The network view: units, edges and the current frame of a training step.

The view draws a :class:`~bpsim.scene.Scene` and nothing else: it never
computes a value. Edges (the expensive part: pixels, not Python) are drawn
once into a cached pixmap, grouped by quantized pen, and redrawn only when
the numbers they show change or the widget is resized; each paint then draws
the cache, the highlighted frame, the units and their labels on top. Layers
with more edges than ``max_edges`` show only the strongest ones (the legend
says so). The view owns no timer: a controller animates the pulse along the
highlighted edges with :meth:`NetworkView.set_transition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from bpsim.model.frames import FrameKind
from bpsim.model.notation import bias_name, fmt, weight_name
from bpsim.scene import MODES, Layout, Scene, layout_network
from bpsim.ui.colors import (
    Palette,
    PenBank,
    blend,
    diverging_rgb,
    is_dark,
    line_pen,
    palette_for,
    text_color_for,
)
from bpsim.ui.legend import LegendInfo, paint_legend

LEVELS = 24  # pen widths per sign
DIM_OPACITY = 0.38  # the cached edges behind a highlighted frame
DEFAULT_MAX_EDGES = 800  # per weight layer, beyond which only the strongest are drawn

MAX_LABELLED_EDGES = 24  # small networks show every weight on its edge
EDGE_LABEL_T = 0.27  # where along an edge (from the source) its label sits

BoolArray = NDArray[np.bool_]


Edge = tuple[int, int, int]
Unit = tuple[int, int]


def font(px: float, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(max(7, round(px)))
    f.setBold(bold)
    return f


@dataclass(frozen=True)
class Highlight:
    """What a frame highlights: edges (with the pulse direction: +1 source to
    target, -1 back, 0 none), the unit it computes, the units it reads."""

    accent: QColor
    edges: tuple[Edge, ...] = ()
    direction: int = 0
    main: tuple[Unit, ...] = ()
    read: tuple[Unit, ...] = ()
    edge_label: str = ""
    bias_label: str = ""
    arrows: bool = False


def highlight_of(scene: Scene, pal: Palette) -> Highlight | None:
    """The highlight of the scene's frame (None without a frame)."""
    f = scene.frame
    if f is None:
        return None
    kind, layer, j = f.kind, f.layer, f.unit
    accent = pal.accent(str(f.phase))
    unit = () if j is None else ((layer, j),)
    if kind is FrameKind.INPUT:
        return Highlight(accent, main=tuple((0, i) for i in range(scene.sizes[0])))
    if kind is FrameKind.NET:
        read = tuple((e[0] - 1, e[1]) for e in f.edges)
        return Highlight(accent, f.edges, 1, unit, read)
    if kind is FrameKind.LOSS:
        return Highlight(accent, main=tuple((layer, k) for k in range(scene.sizes[layer])))
    if kind is FrameKind.DELTA:
        read = tuple((e[0], e[2]) for e in f.edges)
        return Highlight(accent, f.edges, -1, unit, read, arrows=True)
    if kind in (FrameKind.WEIGHT_GRADIENT, FrameKind.WEIGHT_CONTRIBUTION):
        assert f.source is not None and j is not None
        label = f"{f.label} = {fmt(f.value)}"
        return Highlight(accent, f.edges, -1, (), ((layer - 1, f.source), (layer, j)), label)
    if kind is FrameKind.WEIGHT_UPDATE:
        assert f.source is not None and j is not None
        name = weight_name(scene.sizes, layer, f.source, j)
        label = f"{name}: {fmt(f.before or 0.0)} → {fmt(f.value)}"
        return Highlight(accent, f.edges, 0, (), (), label)
    if kind in (FrameKind.BIAS_GRADIENT, FrameKind.BIAS_CONTRIBUTION, FrameKind.BIAS_UPDATE):
        text = f"{fmt(f.before or 0.0)} → {fmt(f.value)}" if f.before is not None else fmt(f.value)
        return Highlight(accent, main=unit, bias_label=f"{f.label} = {text}")
    return Highlight(accent, main=unit)  # OUT, LOSS_TERM, OUTPUT_DELTA


def _value(x: float) -> str:
    return "not yet computed" if np.isnan(x) else fmt(float(x))


def tooltip_text(scene: Scene, hit: tuple[int, ...]) -> str:
    """What hovering a unit ``(layer, j)`` or an edge ``(layer, i, j)`` shows."""
    sizes = scene.sizes
    if len(hit) == 3:
        layer, i, j = hit
        name = weight_name(sizes, layer, i, j)
        src, dst = scene.unit_names[layer - 1][i], scene.unit_names[layer][j]
        return (
            f"{name}: {src} → {dst}\nweight = {_value(scene.weights[layer - 1][i, j])}\n"
            f"∂E/∂{name} = {_value(scene.gradients[layer - 1][i, j])}"
        )
    layer, j = hit
    name = scene.unit_names[layer][j]
    if layer == 0:
        return f"{name} (input)\nvalue = {_value(scene.out[0][j])}"
    lines = [
        name,
        f"net = {_value(scene.net[layer][j])}",
        f"out = {_value(scene.out[layer][j])}",
        f"δ = {_value(scene.delta[layer][j])}",
        f"{bias_name(sizes, layer, j)} = {_value(scene.biases[layer - 1][j])}",
    ]
    if layer == len(sizes) - 1 and scene.targets is not None:
        lines.append(f"target t{j + 1} = {_value(scene.targets[j])}")
    return "\n".join(lines)


class _NetworkPainter:
    """Paints edges, units and labels for one widget size and palette."""

    def __init__(self, sizes: tuple[int, ...], pal: Palette, fp: float, *, legend: bool) -> None:
        self.sizes = sizes
        self.pal = pal
        self.font_px = fp
        self.f_name = font(0.95 * fp, bold=True)
        self.f_small = font(0.78 * fp)
        self.f_small_bold = font(0.78 * fp, bold=True)
        self.f_caption = font(0.9 * fp, bold=True)
        self.f_tag = font(fp, bold=True)
        self.fm_small = QFontMetricsF(self.f_small)
        out_label = self.fm_small.horizontalAdvance("E = −0.0000") if sizes[-1] <= 12 else 0.0
        bottom = 3.2 * 0.9 * fp + (2.4 * fp if legend else 0.6 * fp)
        self.margins = (1.0 * fp, 2.9 * fp, 1.4 * fp + out_label, bottom)
        self.unit_pen = QPen(pal.outline, max(1.0, 0.1 * fp))
        self.unknown_pen = QPen(pal.muted, max(1.0, 0.08 * fp), Qt.PenStyle.DashLine)
        self.delta_pen = QPen(pal.backward, max(1.5, 0.16 * fp))
        self.levels: list[NDArray[np.int64]] = []
        self.visible: list[BoolArray] = []
        self.pens: PenBank | None = None

    def set_layout(self, layout: Layout) -> None:
        """Decide, per layer, which labels fit at this size."""
        self.layout = layout
        r, fp = layout.radius, self.font_px
        small_h = self.fm_small.height()
        self.pitch = [float(np.min(np.diff(ys))) if len(ys) > 1 else np.inf for ys in layout.ys]
        gaps = [p - 2 * r for p in self.pitch]
        # names shrink to fit between units, down to a legible minimum
        name_px = [min(0.95 * fp, (g - 0.2 * fp) / 1.3) for g in gaps]
        self.f_names = [font(px, bold=True) for px in name_px]
        self.show_name = [px >= min(9.0, 0.9 * fp) for px in name_px]
        self.show_bias = [
            i > 0 and g >= 1.3 * (0.95 * fp) + 1.3 * small_h for i, g in enumerate(gaps)
        ]
        # small circles show three significant digits, large ones four (as fmt)
        self.short_values = r < 1.6 * fp
        widest = "−0.000" if self.short_values else "−0.0000"
        em = QFontMetricsF(font(100, bold=True)).horizontalAdvance(widest) / 100
        value_px = min(0.95 * fp, 0.45 * r, 1.75 * r / em)
        self.show_values = value_px >= 8.0
        self.f_value = font(value_px, bold=True)
        self.f_sub = font(0.7 * value_px)
        self.show_sub = 0.7 * value_px >= 8.5
        self.fm_value = QFontMetricsF(self.f_value)
        n_edges = sum(a * b for a, b in pairwise(self.sizes))
        self.edge_labels = n_edges <= MAX_LABELLED_EDGES and min(self.pitch) >= 2.2 * small_h
        finite = [p for p in self.pitch if np.isfinite(p)] or [4 * r]
        self.halo = min(max(0.28 * fp, 1.5), max(1.5, 0.2 * min(finite)))
        self.ring_w = max(1.5, min(0.2 * fp, 0.35 * r))
        self.dot = max(2.5, min(0.35 * fp, 0.8 * r))
        self.name_lift = max(0.3 * fp, 1.5 * self.ring_w + 2)  # names clear a highlight ring

    def set_edges(
        self, levels: list[NDArray[np.int64]], visible: list[BoolArray], pens: PenBank
    ) -> None:
        self.levels, self.visible, self.pens = levels, visible, pens

    # -- the cached part: all edges, grouped by pen ------------------------------------

    def paint_edges(self, painter: QPainter, values: tuple[NDArray[np.float64], ...]) -> None:
        pens, lay = self.pens, self.layout
        assert pens is not None
        for layer in range(1, len(self.sizes)):
            vals, vis = values[layer - 1], self.visible[layer - 1]
            y0 = np.broadcast_to(lay.ys[layer - 1][:, None], vals.shape)[vis]
            y1 = np.broadcast_to(lay.ys[layer][None, :], vals.shape)[vis]
            v = vals[vis]
            key = np.where(np.isnan(v), -1, self.levels[layer - 1][vis] * 2 + (v > 0))
            order = np.argsort(key, kind="stable")
            bounds = np.flatnonzero(np.diff(key[order])) + 1
            x0, x1 = float(lay.xs[layer - 1]), float(lay.xs[layer])
            for chunk in np.split(order, bounds):
                if not chunk.size:
                    continue
                k = int(key[chunk[0]])
                painter.setPen(pens.unknown if k < 0 else pens.pens[k % 2][k // 2])
                lines = [
                    QLineF(x0, a, x1, b)
                    for a, b in zip(y0[chunk].tolist(), y1[chunk].tolist(), strict=True)
                ]
                painter.drawLines(lines)

    # -- the per-frame part ----------------------------------------------------------------

    def paint_overlay(
        self,
        p: QPainter,
        scene: Scene,
        hl: Highlight | None,
        fills: list[list[QBrush]],
        hover: tuple[int, ...] | None,
        progress: float,
    ) -> None:
        if hl is not None:
            self._paint_highlight_edges(p, scene, hl)
        if hover is not None and len(hover) == 3:
            self._paint_edge(p, scene, hover, QColor(self.pal.foreground), halo=2.0)
        if self.edge_labels:
            self._paint_edge_labels(p, scene, hl)
        self._paint_units(p, scene, fills, hl)
        if hl is not None:
            self._paint_rings(p, hl)
            if hl.arrows:
                self._paint_arrows(p, hl)
            self._paint_pulse(p, scene, hl, progress)
            if hl.edge_label and hl.edges:
                self._paint_edge_highlight_label(p, hl)
        if hover is not None and len(hover) == 2:
            self._ring(p, hover, QColor(self.pal.foreground), 1.5, 0.15)
        self._paint_captions(p, scene)

    def _label(
        self, p: QPainter, at: QPointF, text: str, f: QFont, color: QColor, border: QColor | None
    ) -> None:
        """Text in a rounded box centred at ``at``."""
        fm = QFontMetricsF(f)
        pad = 0.25 * fm.height()
        w, h = fm.horizontalAdvance(text) + 2 * pad, fm.height() + 0.4 * pad
        box = QRectF(at.x() - w / 2, at.y() - h / 2, w, h)
        p.setPen(QPen(border, 1.6) if border is not None else Qt.PenStyle.NoPen)
        p.setBrush(self.pal.label_background)
        p.drawRoundedRect(box, h / 4, h / 4)
        p.setFont(f)
        p.setPen(color)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _edge_value(self, scene: Scene, e: Edge) -> float:
        return float(scene.edge_values()[e[0] - 1][e[1], e[2]])

    def _edge_pen(self, scene: Scene, e: Edge) -> QPen:
        """The pen of a highlighted edge: its sign colour, at least 2 px wide."""
        assert self.pens is not None
        value = self._edge_value(scene, e)
        width = max(2.0, self.pens.widths[self.levels[e[0] - 1][e[1], e[2]]])
        if np.isnan(value):
            return line_pen(self.pal.muted, width)
        return line_pen(self.pal.negative if value < 0 else self.pal.positive, width)

    def _paint_edge(self, p: QPainter, scene: Scene, e: Edge, accent: QColor, halo: float) -> None:
        x0, y0 = self.layout.center(e[0] - 1, e[1])
        x1, y1 = self.layout.center(e[0], e[2])
        pen = self._edge_pen(scene, e)
        p.setPen(line_pen(blend(self.pal.background, accent, 0.45), pen.widthF() + 2 * halo))
        p.drawLine(QLineF(x0, y0, x1, y1))
        p.setPen(pen)
        p.drawLine(QLineF(x0, y0, x1, y1))

    def _paint_highlight_edges(self, p: QPainter, scene: Scene, hl: Highlight) -> None:
        for e in hl.edges:
            self._paint_edge(p, scene, e, hl.accent, self.halo)

    def _arrow(self, p: QPainter, tip: QPointF, ux: float, uy: float, size: float) -> None:
        """A filled arrowhead with its tip at ``tip``, pointing along (ux, uy)."""
        bx, by = tip.x() - ux * size, tip.y() - uy * size
        px, py = -uy * 0.6 * size, ux * 0.6 * size
        p.drawPolygon(QPolygonF([tip, QPointF(bx + px, by + py), QPointF(bx - px, by - py)]))

    def _paint_arrows(self, p: QPainter, hl: Highlight) -> None:
        """Arrowheads pointing back along the edges that carry a delta back."""
        size = max(8.0, 0.7 * self.font_px)
        p.setPen(QPen(self.pal.background, 1.2))
        p.setBrush(hl.accent)
        reach = self.layout.radius + 1.6 * self.ring_w + 2.0
        for e in hl.edges:
            x0, y0 = self.layout.center(e[0] - 1, e[1])
            x1, y1 = self.layout.center(e[0], e[2])
            n = float(np.hypot(x0 - x1, y0 - y1)) or 1.0
            ux, uy = (x0 - x1) / n, (y0 - y1) / n
            self._arrow(p, QPointF(x0 - ux * reach, y0 - uy * reach), ux, uy, size)
            mid = QPointF((x0 + x1) / 2 + ux * size / 2, (y0 + y1) / 2 + uy * size / 2)
            self._arrow(p, mid, ux, uy, size)

    def _paint_edge_highlight_label(self, p: QPainter, hl: Highlight) -> None:
        at = self._edge_label_point(hl.edges[0])
        self._label(p, at, hl.edge_label, self.f_name, QColor(self.pal.foreground), hl.accent)

    def _edge_label_point(self, e: Edge) -> QPointF:
        x0, y0, x1, y1 = self.layout.segment(*e)
        t = EDGE_LABEL_T if self.edge_labels else 0.5
        return QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0))

    def _paint_edge_labels(self, p: QPainter, scene: Scene, hl: Highlight | None) -> None:
        skip = set(hl.edges) if hl is not None and hl.edge_label else set()
        p.setOpacity(0.75 if hl is not None else 1.0)
        for layer in range(1, len(self.sizes)):
            for i in range(self.sizes[layer - 1]):
                for j in range(self.sizes[layer]):
                    if (layer, i, j) in skip:
                        continue
                    name = weight_name(self.sizes, layer, i, j)
                    if scene.mode == "weights":
                        text = f"{name} = {fmt(float(scene.weights[layer - 1][i, j]))}"
                    elif np.isnan(g := float(scene.gradients[layer - 1][i, j])):
                        continue
                    else:
                        text = f"∂E/∂{name} = {fmt(g)}"
                    at = self._edge_label_point((layer, i, j))
                    self._label(p, at, text, self.f_small, QColor(self.pal.muted), None)
        p.setOpacity(1.0)

    def _paint_units(
        self, p: QPainter, scene: Scene, fills: list[list[QBrush]], hl: Highlight | None
    ) -> None:
        lay, r, fp, pal = self.layout, self.layout.radius, self.font_px, self.pal
        last = len(self.sizes) - 1
        for layer, n in enumerate(self.sizes):
            x = float(lay.xs[layer])
            fm_name = QFontMetricsF(self.f_names[layer])
            out, net, delta = scene.out[layer], scene.net[layer], scene.delta[layer]
            for j in range(n):
                y = float(lay.ys[layer][j])
                c = QPointF(x, y)
                known = not np.isnan(out[j])
                has_delta = not np.isnan(delta[j])
                p.setBrush(fills[layer][j])
                p.setPen(
                    self.delta_pen if has_delta else self.unit_pen if known else self.unknown_pen
                )
                p.drawEllipse(c, r, r)
                if self.show_values:
                    self._paint_value(p, c, fills[layer][j].color(), out[j], net[j], layer)
                if self.show_name[layer] or n == 1:
                    p.setFont(self.f_names[layer])
                    p.setPen(pal.foreground)
                    name = scene.unit_names[layer][j]
                    w = fm_name.horizontalAdvance(name)
                    p.drawText(QPointF(x - w / 2, y - r - self.name_lift), name)
                if layer and (self.show_bias[layer] or n == 1):
                    self._paint_bias(p, c, scene, layer, j, hl)
                if has_delta and self.show_values and 0 < layer < last and self.show_name[layer]:
                    text = f"δ = {fmt(float(delta[j]))}"
                    w = QFontMetricsF(self.f_small_bold).horizontalAdvance(text)
                    name_w = fm_name.horizontalAdvance(scene.unit_names[layer][j])
                    left = x + max(0.75 * r, name_w / 2 + 0.3 * fp)
                    at = QPointF(left + w / 2, y - r - self.name_lift - 0.35 * fm_name.height())
                    self._label(p, at, text, self.f_small_bold, pal.backward, pal.backward)
                if layer == last and scene.targets is not None:
                    self._paint_target(p, c, scene, j)

    def _short(self, x: float) -> str:
        if not self.short_values:
            return fmt(x)
        return fmt(float(f"{x:.3g}"))

    def _paint_value(
        self, p: QPainter, c: QPointF, fill: QColor, out: float, net: float, layer: int
    ) -> None:
        """The activation inside the circle, the net input under it; before the
        activation is known, the net input alone (muted)."""
        r = self.layout.radius
        has_out, has_net = not np.isnan(out), layer > 0 and not np.isnan(net)
        if not (has_out or has_net):
            return
        main = self._short(float(out if has_out else net))
        f_value = self.f_value
        wide = self.fm_value.horizontalAdvance(main) / (1.85 * r)
        if wide > 1.0:  # a long number (e.g. −0.00149): a smaller font for this one
            f_value = font(f_value.pixelSize() / wide, bold=True)
        box = QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)
        color = text_color_for(fill) if has_out else QColor(self.pal.muted)
        vh, sh = self.fm_value.height(), QFontMetricsF(self.f_sub).height()
        if not has_net or not self.show_sub or 2 * r < 1.25 * (vh + sh):
            p.setFont(f_value)
            p.setPen(color)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, main)
            return
        lines = [(main, f_value, vh), (f"net {self._short(float(net))}", self.f_sub, sh)]
        if not has_out:
            lines = [("net", self.f_sub, sh), (main, f_value, vh)]
        y = c.y() - (vh + sh) / 2
        p.setPen(color)
        for text, f, h in lines:
            p.setFont(f)
            p.drawText(QRectF(box.left(), y, box.width(), h), Qt.AlignmentFlag.AlignCenter, text)
            y += h

    def _paint_bias(
        self, p: QPainter, c: QPointF, scene: Scene, layer: int, j: int, hl: Highlight | None
    ) -> None:
        r, fp = self.layout.radius, self.font_px
        mine = hl is not None and hl.bias_label and (layer, j) in hl.main
        text = (
            hl.bias_label
            if hl is not None and mine
            else (f"b = {fmt(float(scene.biases[layer - 1][j]))}")
        )
        f = self.f_small_bold if mine else self.f_small
        fm = QFontMetricsF(f)
        at = QPointF(c.x(), c.y() + r + 0.25 * fp + fm.height() / 2)
        if mine:
            assert hl is not None
            self._label(p, at, text, f, hl.accent, hl.accent)
        else:
            p.setFont(f)
            p.setPen(self.pal.muted)
            p.drawText(
                QPointF(
                    at.x() - fm.horizontalAdvance(text) / 2, at.y() + fm.ascent() - fm.height() / 2
                ),
                text,
            )

    def _paint_target(self, p: QPainter, c: QPointF, scene: Scene, j: int) -> None:
        """Target, loss term and delta of output unit ``j``, right of the unit."""
        assert scene.targets is not None
        fm, pitch, pal = self.fm_small, self.pitch[-1], self.pal
        lines = [(f"t{j + 1} = {fmt(float(scene.targets[j]))}", self.f_small, pal.foreground)]
        term = np.nan if scene.loss_terms is None else float(scene.loss_terms[j])
        if not np.isnan(term):
            lines.append((f"E = {fmt(term)}", self.f_small, pal.foreground))
        delta = float(scene.delta[-1][j])
        if not np.isnan(delta):
            lines.append((f"δ = {fmt(delta)}", self.f_small_bold, pal.backward))
        lines = lines[: int(min(pitch / (1.05 * fm.height()), len(lines)))]
        x = c.x() + self.layout.radius + 0.5 * self.font_px
        y = c.y() - fm.height() * len(lines) / 2 + fm.ascent()
        for k, (text, f, color) in enumerate(lines):
            p.setFont(f)
            p.setPen(color)
            p.drawText(QPointF(x, y + k * fm.height()), text)

    def _ring(self, p: QPainter, unit: Unit, color: QColor, width: float, gap: float) -> None:
        r = self.layout.radius
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(color, width))
        p.drawEllipse(QPointF(*self.layout.center(*unit)), r + gap + width / 2, r + gap + width / 2)

    def _paint_rings(self, p: QPainter, hl: Highlight) -> None:
        w = self.ring_w
        soft = QColor(hl.accent)
        soft.setAlpha(150)
        for unit in hl.read:
            self._ring(p, unit, soft, 0.6 * w, 0.4 * w)
        for unit in hl.main:
            self._ring(p, unit, hl.accent, w, 0.4 * w)

    def _paint_pulse(self, p: QPainter, scene: Scene, hl: Highlight, progress: float) -> None:
        if not 0.0 < progress < 1.0:
            return
        dot = self.dot
        if hl.edges and hl.direction:
            outline = QPen(self.pal.background, max(1.0, 0.25 * dot))
            trail = [QColor(hl.accent) for _ in range(3)]
            for color, alpha in zip(trail, (50, 90, 140), strict=True):
                color.setAlpha(alpha)
            for e in hl.edges:
                x0, y0, x1, y1 = self.layout.segment(*e)
                if hl.direction < 0:
                    x0, y0, x1, y1 = x1, y1, x0, y0
                p.setPen(Qt.PenStyle.NoPen)
                for k, color in enumerate(trail):
                    t = max(progress - 0.03 * (3 - k), 0.0)
                    p.setBrush(color)
                    rr = dot * (0.55 + 0.12 * k)
                    p.drawEllipse(QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0)), rr, rr)
                p.setPen(outline)
                p.setBrush(hl.accent)
                at = QPointF(x0 + progress * (x1 - x0), y0 + progress * (y1 - y0))
                p.drawEllipse(at, dot, dot)
        elif hl.edges:  # an update: the edge glows
            swell = float(np.sin(np.pi * progress))
            for e in hl.edges:
                x0, y0, x1, y1 = self.layout.segment(*e)
                line = QLineF(x0, y0, x1, y1)
                p.setPen(line_pen(blend(self.pal.background, hl.accent, 0.6), 2 * dot * swell))
                p.drawLine(line)
                p.setPen(self._edge_pen(scene, e))
                p.drawLine(line)
        else:  # a unit: a ring spreads out
            color = QColor(hl.accent)
            color.setAlpha(int(255 * (1 - progress)))
            for unit in hl.main:
                self._ring(
                    p, unit, color, max(2.0, 0.15 * self.font_px), progress * self.layout.radius
                )

    def _paint_captions(self, p: QPainter, scene: Scene, hl: Highlight | None = None) -> None:
        fp, pal, last = self.font_px, self.pal, len(self.sizes) - 1
        y = self.layout.height - self.margins[3] + 1.2 * fp
        fm_cap, fm = QFontMetricsF(self.f_caption), self.fm_small
        for layer, n in enumerate(self.sizes):
            x = float(self.layout.xs[layer])
            if layer == 0:
                title, sub = "Input", f"{n} value" + ("s" if n > 1 else "")
            else:
                title = "Output" if layer == last else "Hidden" + (f" {layer}" if last > 2 else "")
                sub = f"{n} × {scene.activation_names[layer - 1]}"
            lines = [
                (title, self.f_caption, fm_cap, pal.foreground),
                (sub, self.f_small, fm, pal.muted),
            ]
            if layer == last and not np.isnan(scene.loss):
                lines.append((f"E = {fmt(scene.loss)}", self.f_caption, fm_cap, pal.foreground))
            yy = y
            for text, f, m, color in lines:
                p.setFont(f)
                p.setPen(color)
                w = m.horizontalAdvance(text)
                left = min(max(x - w / 2, 0.3 * fp), self.layout.width - w - 0.3 * fp)
                p.drawText(QPointF(left, yy), text)
                yy += m.height()
        frame = scene.frame
        if frame is not None:
            phase = str(frame.phase)
            text = f"{phase.capitalize()} · {frame.label}"
            if scene.sample is not None:
                text += f" · sample {scene.sample + 1} of {scene.n_samples}"
            p.setFont(self.f_tag)
            p.setPen(pal.accent(phase))
            p.drawText(QPointF(self.margins[0], 1.3 * fp), text)


def _same(a: tuple[NDArray[np.float64], ...], b: tuple[NDArray[np.float64], ...]) -> bool:
    return len(a) == len(b) and all(
        x is y or np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b, strict=True)
    )


class NetworkView(QWidget):
    """Draws a :class:`Scene`: set it with :meth:`set_scene`.

    Signals: ``sigUnitHovered(layer, unit)`` and ``sigEdgeHovered(layer,
    source, target)`` when the pointer moves onto a unit or edge (all -1 when
    it leaves), ``sigModeChanged(mode)``, ``sigLegendChanged(LegendInfo)``.
    """

    sigUnitHovered = Signal(int, int)
    sigEdgeHovered = Signal(int, int, int)
    sigModeChanged = Signal(str)
    sigLegendChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(240, 160)
        self._scene: Scene | None = None
        self._progress = 1.0
        self._font_scale = 1.0
        self._dark_override: bool | None = None
        self._max_edges = DEFAULT_MAX_EDGES
        self._legend_visible = True
        self._pal = palette_for(is_dark(self.palette()))
        self._layout: Layout | None = None
        self._pens: PenBank | None = None
        self._painter: _NetworkPainter | None = None
        self._levels: list[NDArray[np.int64]] = []
        self._visible: list[BoolArray] = []
        self._scale = 1.0
        self._fills: list[list[QBrush]] = []
        self._legend = LegendInfo()
        self._cache: QPixmap | None = None
        self._geometry_dirty = True
        self._edges_dirty = True
        self._cache_dirty = True
        self._hover: tuple[int, ...] | None = None
        self._highlight: Highlight | None = None
        self._base_renders = 0
        self._draft = False
        self._mode = "weights"  # until a scene says otherwise

    # -- public API ---------------------------------------------------------------

    def set_scene(self, scene: Scene) -> None:
        """Show ``scene`` (its ``mode`` decides what edge thickness shows)."""
        old = self._scene
        self._scene = scene
        if old is None or old.sizes != scene.sizes:
            self._geometry_dirty = True
        elif (
            old.mode != scene.mode
            or old.edge_scale() != scene.edge_scale()
            or not _same(old.edge_values(), scene.edge_values())
        ):
            self._edges_dirty = True
        self._fills = []
        self._highlight = None
        self.update()

    def scene(self) -> Scene | None:
        return self._scene

    def set_transition(self, progress: float) -> None:
        """Place the pulse along the highlighted edges (0..1; 1 means at rest)."""
        self._progress = min(max(float(progress), 0.0), 1.0)
        self.update()

    def transition(self) -> float:
        return self._progress

    def set_mode(self, mode: str) -> None:
        """Draw edges by ``"weights"`` or by ``"gradients"`` (the scenes a
        controller sets later carry their own ``mode``)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if mode == self.mode():
            return
        self._mode = mode
        if self._scene is not None:
            self.set_scene(self._scene.with_mode(mode))
        self.sigModeChanged.emit(mode)

    def mode(self) -> str:
        return self._scene.mode if self._scene is not None else self._mode

    def set_font_scale(self, scale: float) -> None:
        """Scale every label (1.0 follows the widget size; 1.5 for a large hall)."""
        self._font_scale = max(0.4, float(scale))
        self._invalidate_geometry()

    def font_scale(self) -> float:
        return self._font_scale

    def set_dark(self, dark: bool | None) -> None:
        """Force the dark or light palette; None follows the application palette."""
        self._dark_override = dark
        self._invalidate_geometry()

    def set_max_edges(self, n: int) -> None:
        """Level of detail: at most ``n`` edges per weight layer (the strongest)."""
        self._max_edges = max(1, int(n))
        self._edges_dirty = True
        self.update()

    def set_draft(self, draft: bool) -> None:
        """Draft quality while training: edges without antialiasing, at least
        1 px wide (about 5-10x cheaper on the software rasterizer). Turn it
        off when training stops, for the full-quality picture."""
        if bool(draft) != self._draft:
            self._draft = bool(draft)
            self._invalidate_geometry()

    def is_draft(self) -> bool:
        return self._draft

    def set_legend_visible(self, visible: bool) -> None:
        self._legend_visible = bool(visible)
        self._invalidate_geometry()

    def legend_info(self) -> LegendInfo:
        self._prepare()
        return self._legend

    def edge_pen_width(self, layer: int, i: int, j: int) -> float:
        """The width the edge ``(layer, i, j)`` is drawn with (0 when hidden)."""
        self._prepare()
        assert self._pens is not None
        if not self._visible[layer - 1][i, j]:
            return 0.0
        if self._unknown(layer, i, j):
            return float(self._pens.unknown.widthF())
        return float(self._pens.widths[self._levels[layer - 1][i, j]])

    def edge_color(self, layer: int, i: int, j: int) -> QColor:
        """The colour the edge ``(layer, i, j)`` is drawn with."""
        self._prepare()
        assert self._pens is not None and self._scene is not None
        if self._unknown(layer, i, j):
            return QColor(self._pens.unknown.color())
        value = self._scene.edge_values()[layer - 1][i, j]
        pen = self._pens.pens[int(value > 0)][self._levels[layer - 1][i, j]]
        return QColor(pen.color())

    def unit_center(self, layer: int, j: int) -> QPointF:
        self._prepare()
        assert self._layout is not None
        return QPointF(*self._layout.center(layer, j))

    def unit_radius(self) -> float:
        self._prepare()
        assert self._layout is not None
        return self._layout.radius

    def edge_point(self, layer: int, i: int, j: int, t: float = 0.5) -> QPointF:
        """A point a fraction ``t`` along the edge, from source to target."""
        self._prepare()
        assert self._layout is not None
        x0, y0, x1, y1 = self._layout.segment(layer, i, j)
        return QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0))

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip text for a point of the widget ('' if nothing is there)."""
        hit = self._hit(pos)
        if hit is None or self._scene is None:
            return ""
        return tooltip_text(self._scene, hit)

    def base_render_count(self) -> int:
        """How often the cached edges were redrawn (stepping frames should not)."""
        return self._base_renders

    def sizeHint(self) -> QSize:
        return QSize(960, 560)

    # -- Qt events ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._scene is None:
            self._pal = palette_for(self._is_dark())
            painter.fillRect(self.rect(), self._pal.background)
            painter.end()
            return
        self._prepare()
        painter.fillRect(self.rect(), self._pal.background)
        assert self._painter is not None
        hl = self._current_highlight()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self._paint_base(painter, DIM_OPACITY if hl is not None else 1.0)
        self._painter.paint_overlay(
            painter, self._scene, hl, self._fills, self._hover, self._progress
        )
        if self._legend_visible:
            fp = self._painter.font_px
            rect = QRectF(
                self._painter.margins[0], self.height() - 2.1 * fp, self.width(), 1.6 * fp
            )
            paint_legend(painter, rect, self._legend, self._pal, 0.78 * fp)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # grab() of a hidden widget sends resize events of an unchanged size
        lay = self._layout
        if lay is None or (lay.width, lay.height) != (self.width(), self.height()):
            self._geometry_dirty = True
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        kinds = (QEvent.Type.PaletteChange, QEvent.Type.StyleChange, QEvent.Type.ThemeChange)
        if event.type() in kinds:
            self._invalidate_geometry()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._on_hover(self._hit(event.position()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._on_hover(None)
        super().leaveEvent(event)

    # -- internals -----------------------------------------------------------------------

    def _on_hover(self, hit: tuple[int, ...] | None) -> None:
        if hit == self._hover:
            return
        old, self._hover = self._hover, hit
        if old is not None and len(old) == 2 and (hit is None or len(hit) != 2):
            self.sigUnitHovered.emit(-1, -1)
        if old is not None and len(old) == 3 and (hit is None or len(hit) != 3):
            self.sigEdgeHovered.emit(-1, -1, -1)
        if hit is not None and len(hit) == 2:
            self.sigUnitHovered.emit(*hit)
        elif hit is not None:
            self.sigEdgeHovered.emit(*hit)
        self.update()

    def _hit(self, pos: QPointF) -> tuple[int, ...] | None:
        if self._scene is None:
            return None
        self._prepare()
        assert self._layout is not None and self._painter is not None
        x, y = pos.x(), pos.y()
        unit = self._layout.unit_at(x, y)
        if unit is not None:
            return unit
        tol = max(4.0, 0.3 * self._painter.font_px)
        return self._layout.edge_at(x, y, tol, self._visible)

    def _is_dark(self) -> bool:
        dark = self._dark_override
        return is_dark(self.palette()) if dark is None else dark

    def _invalidate_geometry(self) -> None:
        self._geometry_dirty = True
        self.update()

    def _unknown(self, layer: int, i: int, j: int) -> bool:
        assert self._scene is not None
        return bool(np.isnan(self._scene.edge_values()[layer - 1][i, j]))

    def _current_highlight(self) -> Highlight | None:
        if self._highlight is None and self._scene is not None and self._scene.frame is not None:
            self._highlight = highlight_of(self._scene, self._pal)
        return self._highlight

    def _prepare(self) -> None:
        """Bring geometry, edge levels and unit fills up to date (no painting)."""
        scene = self._scene
        if scene is None:
            return
        if self._geometry_dirty:
            self._layout_scene(scene)
        if self._edges_dirty:
            self._quantize_edges(scene)
        if not self._fills:
            self._fills = [
                [QBrush(QColor(*map(int, rgb))) for rgb in diverging_rgb(out, self._pal)]
                for out in scene.out
            ]

    def _layout_scene(self, scene: Scene) -> None:
        self._pal = palette_for(self._is_dark())
        w, h = max(self.width(), 1), max(self.height(), 1)
        fp = min(max(min(w / 72, h / 40), 9.0), 48.0) * self._font_scale
        painter = _NetworkPainter(scene.sizes, self._pal, fp, legend=self._legend_visible)
        self._layout = layout_network(
            scene.sizes, w, h, margins=painter.margins, max_radius=3.0 * fp
        )
        painter.set_layout(self._layout)
        self._painter = painter
        r = self._layout.radius
        w_max = min(max(0.3 * r, 1.2), 0.5 * fp)
        # aliased lines thinner than 1 px take Qt's slow cosmetic path: 1.01 px
        w_min = 1.01 if self._draft else min(0.7, w_max / 2)
        self._pens = PenBank(self._pal, w_min, max(w_max, w_min), LEVELS, fade=scene.n_edges > 40)
        self._fills = []
        self._geometry_dirty = False
        self._edges_dirty = True

    def _quantize_edges(self, scene: Scene) -> None:
        assert self._pens is not None and self._painter is not None
        self._scale = scene.edge_scale()
        self._levels, self._visible = [], []
        shown = 0
        for values in scene.edge_values():
            self._levels.append(self._pens.quantize(values, self._scale))
            mask = np.ones(values.shape, dtype=bool)
            if values.size > self._max_edges:
                strength = np.nan_to_num(np.abs(values), nan=-1.0).ravel()
                keep = np.argpartition(-strength, self._max_edges - 1)[: self._max_edges]
                mask = np.zeros(values.size, dtype=bool)
                mask[keep] = True
                mask = mask.reshape(values.shape)
            self._visible.append(mask)
            shown += int(mask.sum())
        self._painter.set_edges(self._levels, self._visible, self._pens)
        samples = tuple(
            (v, self._pens.widths[int(self._pens.quantize(np.array([v]), self._scale)[0])])
            for v in (float(f"{self._scale / k:.2g}") for k in (4, 2, 1))
        )
        info = LegendInfo(scene.mode, samples, shown, scene.n_edges, self._pal.dark)
        self._edges_dirty = False
        self._cache_dirty = True
        if info != self._legend:
            self._legend = info
            self.sigLegendChanged.emit(info)

    def _paint_base(self, painter: QPainter, opacity: float) -> None:
        """Every edge in its base state: the cached pixmap (redrawn when stale)."""
        self._ensure_cache()
        assert self._cache is not None
        painter.setOpacity(opacity)
        painter.drawPixmap(0, 0, self._cache)
        painter.setOpacity(1.0)

    def _ensure_cache(self) -> None:
        dpr = self.devicePixelRatioF()
        size = QSize(round(self.width() * dpr), round(self.height() * dpr))
        cache = self._cache
        if cache is None or cache.size() != size or cache.devicePixelRatio() != dpr:
            cache = QPixmap(size)
            cache.setDevicePixelRatio(dpr)
            self._cache = cache
            self._cache_dirty = True
        if not self._cache_dirty:
            return
        assert self._painter is not None and self._scene is not None
        cache.fill(Qt.GlobalColor.transparent)
        painter = QPainter(cache)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not self._draft)
        self._painter.paint_edges(painter, self._scene.edge_values())
        painter.end()
        self._cache_dirty = False
        self._base_renders += 1
