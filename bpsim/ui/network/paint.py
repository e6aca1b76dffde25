"""Painting the network view: cached edges, then the frame on top.

:class:`NetworkPainter` draws, for one widget size and palette (its
:class:`~bpsim.ui.network.style.NetworkStyle`), two layers: every edge grouped
by quantized pen (:meth:`~NetworkPainter.paint_edges`, which the view caches
in a pixmap) and, each paint, the overlay (:meth:`~NetworkPainter.paint_overlay`):
the highlighted edges, weights on the edges of small networks, the units, the
highlight rings, arrows and pulse, the hover marks and the captions.

Where the text goes is decided once per scene (:meth:`~NetworkPainter.place_labels`,
which the view caches): first the fixed text around the units and the captions,
then the highlighted edge's callout at the first point along its edge where it
covers no unit and no other label (else beside the edge, else smaller), then
(small networks) each edge's weight, the edges leaving one unit at staggered
points, off the other edges where possible; a weight that finds no free point
is left out (its tooltip still has it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF

from bpsim.model.notation import fmt, weight_name
from bpsim.ui.colors import blend, line_pen
from bpsim.ui.network.legend import LegendInfo, paint_legend
from bpsim.ui.network.style import MIN_TEXT_PX, Label, LabelBoard, NetworkStyle, font, metrics
from bpsim.ui.network.units import output_room, paint_units, unit_labels
from bpsim.viewmodel.highlight import Edge, Highlight, Unit
from bpsim.viewmodel.scene import Scene
from bpsim.viewmodel.scene_text import frame_title

CALLOUT_T = (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8, 0.13, 0.87)  # tried in this order
EDGE_T = (0.2, 0.78)  # the range of preferred points of the edges leaving one unit
EDGE_T_STEP, EDGE_T_RANGE = 0.06, (0.1, 0.9)  # then tried around it, within this range


@dataclass
class PlacedLabels:
    """Every label of one scene, in the groups the overlay paints in turn."""

    edges: list[Label] = field(default_factory=list)
    units: list[Label] = field(default_factory=list)
    callout: list[Label] = field(default_factory=list)
    captions: list[Label] = field(default_factory=list)

    def rects(self) -> list[QRectF]:
        groups = (self.units, self.captions, self.callout, self.edges)
        return [QRectF(lab.rect) for group in groups for lab in group]


@lru_cache(maxsize=256)
def _candidates(preferred: float) -> NDArray[np.float64]:
    """Points along an edge to try: ``preferred``, then ever further either side."""
    steps = np.arange(1, 14) * EDGE_T_STEP
    ts = np.concatenate(
        [[preferred], np.column_stack([preferred + steps, preferred - steps]).ravel()]
    )
    lo, hi = EDGE_T_RANGE
    return ts[(ts >= lo) & (ts <= hi)]


class NetworkPainter(NetworkStyle):
    """Paints edges, units and labels for one widget size and palette.

    Before the layout: :meth:`make_room` widens the right margin for the
    labels right of the output units, measured on a scene.
    """

    def make_room(self, scene: Scene, width: float, height: float) -> None:
        """Widen the right margin by what the output units' labels take
        (:func:`~bpsim.ui.network.units.output_room`)."""
        left, top, right, bottom = self.margins
        self.margins = (left, top, right + output_room(self, scene, width, height), bottom)

    def new_board(self) -> LabelBoard:
        """An empty board for this size: the units are obstacles, rings included."""
        lay = self.layout
        board = LabelBoard(QRectF(0, 0, lay.width, lay.height), max(1.5, 0.12 * self.font_px))
        board.set_obstacles(*self._obstacles)
        return board

    @cached_property
    def _obstacles(self) -> tuple[NDArray[np.float64], NDArray[np.float64], list[Edge]]:
        lay = self.layout
        reach = lay.radius + 1.4 * self.ring_w
        circles = np.array(
            [(x, y, reach) for x, ys in zip(lay.xs, lay.ys, strict=True) for y in ys]
        )
        ids: list[Edge] = []
        if self.edge_labels:  # few edges: labels keep off the edges they do not belong to
            ids = [
                (layer, i, j)
                for layer in range(1, len(self.sizes))
                for i in range(self.sizes[layer - 1])
                for j in range(self.sizes[layer])
            ]
        segments = np.array([lay.segment(*e) for e in ids]).reshape(-1, 4)
        return circles, segments, ids

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

    # -- where the text goes (once per scene) -------------------------------------------

    def place_labels(self, scene: Scene, hl: Highlight | None, accent: QColor) -> PlacedLabels:
        """Every label of ``scene`` with ``hl`` (in ``accent``), none covering another."""
        board = self.new_board()
        captions = self._caption_labels(scene, board)
        placed = PlacedLabels(units=unit_labels(self, scene, hl, accent, board))
        if hl is not None and hl.edge_label and hl.edges:
            placed.callout = [self._place_callout(hl.edges[0], hl.edge_label, accent, board)]
        if self.edge_labels:
            placed.edges = self._place_edge_labels(scene, hl, board)
        placed.captions = board.kept(captions)  # a callout with no other room covers some
        return placed

    def _edge_points(self, e: Edge, ts: NDArray[np.float64]) -> NDArray[np.float64]:
        """Points a fraction ``ts`` along the edge ``e`` (rim to rim), as rows x, y."""
        x0, y0, x1, y1 = self.layout.segment(*e)
        return np.column_stack([x0 + ts * (x1 - x0), y0 + ts * (y1 - y0)])

    def _place_callout(self, e: Edge, text: str, accent: QColor, board: LabelBoard) -> Label:
        """The highlighted edge's label at the first free point along it, else
        beside it (see :meth:`LabelBoard.place`), in smaller fonts if that finds
        no room; it is always shown, inside the picture."""
        color, on_edge = QColor(self.pal.foreground), self._edge_points(e, np.array(CALLOUT_T))
        fonts = (self.f_name, self.f_small_bold, font(0.65 * self.font_px, bold=True))
        for f in fonts:
            lab = Label.at(text, f, color, 0, 0, boxed=True, border=accent)
            lift = np.array([0.0, 0.5 * lab.rect.height() + 0.3 * self.font_px])
            points = np.vstack([on_edge, on_edge - lift, on_edge + lift])  # on it, else beside
            placed = board.place(lab, points, must=f is fonts[-1])
            if placed is not None:
                return placed
        raise AssertionError("a label that must be placed always is")

    def _place_edge_labels(
        self, scene: Scene, hl: Highlight | None, board: LabelBoard
    ) -> list[Label]:
        """Each edge's weight (or known gradient), at a point where it covers nothing;
        the edges leaving one unit prefer staggered points, so that their labels
        do not stack into a column. An edge with a callout shows no plain label."""
        skip = set(hl.edges) if hl is not None and hl.edge_label else set()
        color, placed = self.pal.secondary, []
        for layer in range(1, len(self.sizes)):
            n_src, n_dst = self.sizes[layer - 1], self.sizes[layer]
            for i in range(n_src):
                for j in range(n_dst):
                    if (layer, i, j) in skip:
                        continue
                    name = weight_name(self.sizes, layer, i, j)
                    if scene.mode == "weights":
                        text = f"{name} = {fmt(float(scene.weights[layer - 1][i, j]))}"
                    elif np.isnan(g := float(scene.gradients[layer - 1][i, j])):
                        continue
                    else:
                        text = f"∂E/∂{name} = {fmt(g)}"
                    lab = Label.at(text, self.f_small, color, 0, 0, boxed=True)
                    # the edges leaving one unit prefer points ever further along
                    # (rotated per source, so that those entering one unit differ too)
                    k = (j + i) % n_dst
                    pref = EDGE_T[0] + (EDGE_T[1] - EDGE_T[0]) * k / max(n_dst - 1, 1)
                    e = (layer, i, j)
                    points = self._edge_points(e, _candidates(pref))
                    if (cand := board.place(lab, points, edge=e)) is not None:
                        placed.append(cand)
        return placed

    def _caption_labels(self, scene: Scene, board: LabelBoard) -> list[Label]:
        """Under each layer its name and activation (under the output layer, a
        little apart, the loss E); the frame's title top left."""
        fp, pal, last = self.font_px, self.pal, len(self.sizes) - 1
        top = self.layout.height - self.margins[3] + 0.3 * fp
        labels = []
        for layer, n in enumerate(self.sizes):
            x = float(self.layout.xs[layer])
            if layer == 0:
                title, sub = "Input", f"{n} value" + ("s" if n > 1 else "")
            else:
                title = "Output" if layer == last else "Hidden" + (f" {layer}" if last > 2 else "")
                sub = f"{n} × {scene.activation_names[layer - 1]}"
            lines = [
                (title, self.f_caption, pal.foreground, 0.0),
                (sub, self.f_small, pal.muted, 0.0),
            ]
            if layer == last and not np.isnan(scene.loss):
                lines.append((f"E = {fmt(scene.loss)}", self.f_caption, pal.foreground, 0.35 * fp))
            y = top
            for text, f, color, gap in lines:
                lab = Label.at(text, f, color, x, 0.0)
                w = lab.rect.width()
                left = min(max(x - w / 2, 0.3 * fp), self.layout.width - w - 0.3 * fp)
                lab.rect.moveTopLeft(QPointF(left, y + gap))
                y = lab.rect.top() + metrics(f).height()
                labels.append(lab)
        for lab in labels:  # a layer's caption yields to a callout with no other room
            board.add(lab, yielding=True)
        if scene.frame is not None:  # in a smaller font where it would not fit
            phase, x = str(scene.frame.phase), self.margins[0]
            for f in (self.f_tag, self.f_small_bold):
                lab = Label.at(frame_title(scene), f, pal.accent(phase), x, 0.0, anchor="left")
                if lab.rect.right() <= self.layout.width - 0.3 * fp:
                    break
            lab.rect.moveTop(1.3 * fp - lab.text.ascent)
            labels.append(board.add(lab))
        return labels

    # -- the per-frame part ----------------------------------------------------------------

    def paint_overlay(
        self,
        p: QPainter,
        scene: Scene,
        hl: Highlight | None,
        accent: QColor,
        labels: PlacedLabels,
        fills: list[list[QBrush]],
        hover: tuple[int, ...] | None,
        progress: float,
    ) -> None:
        """The frame over the cached edges: ``hl`` drawn in ``accent``, the units,
        the hovered unit or edge, the pulse at ``progress`` (0..1), the ``labels``."""
        bg = self.pal.label_background
        if hl is not None:
            self._paint_highlight_edges(p, scene, hl, accent)
        if hover is not None and len(hover) == 3:
            self._paint_edge(p, scene, hover, QColor(self.pal.foreground), halo=2.0)
        for lab in labels.edges:
            lab.paint(p, bg)
        paint_units(p, self, scene, fills)
        for lab in labels.units:
            lab.paint(p, bg)
        if hl is not None:
            self._paint_rings(p, hl, accent)
            if hl.arrows:
                self._paint_arrows(p, hl, accent)
            self._paint_pulse(p, scene, hl, accent, progress)
        for lab in labels.callout:
            lab.paint(p, bg)
        if hover is not None and len(hover) == 2:
            self._ring(p, hover, QColor(self.pal.foreground), 1.5, 0.15)
        for lab in labels.captions:
            lab.paint(p, bg)

    def paint_legend(self, p: QPainter, width: float, height: float, info: LegendInfo) -> None:
        """The legend strip along the bottom, in a smaller font where it would not
        fit, left out where it would not fit even in the smallest font."""
        fp, left = self.font_px, self.margins[0]
        rect = QRectF(left, height - 2.0 * fp, width - 2 * left, 1.6 * fp)
        px = 0.8 * fp
        while paint_legend(None, rect, info, self.pal, px) > rect.width():
            if px <= MIN_TEXT_PX:
                return
            px = max(MIN_TEXT_PX, px - 1.0)
        paint_legend(p, rect, info, self.pal, px)

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

    def _paint_highlight_edges(
        self, p: QPainter, scene: Scene, hl: Highlight, accent: QColor
    ) -> None:
        for e in hl.edges:
            self._paint_edge(p, scene, e, accent, self.halo)

    def _arrow(self, p: QPainter, tip: QPointF, ux: float, uy: float, size: float) -> None:
        """A filled arrowhead with its tip at ``tip``, pointing along (ux, uy)."""
        bx, by = tip.x() - ux * size, tip.y() - uy * size
        px, py = -uy * 0.6 * size, ux * 0.6 * size
        p.drawPolygon(QPolygonF([tip, QPointF(bx + px, by + py), QPointF(bx - px, by - py)]))

    def _paint_arrows(self, p: QPainter, hl: Highlight, accent: QColor) -> None:
        """Arrowheads pointing back along the edges that carry a delta back."""
        size = max(8.0, 0.7 * self.font_px)
        p.setPen(QPen(self.pal.background, 1.2))
        p.setBrush(accent)
        reach = self.layout.radius + 1.6 * self.ring_w + 2.0
        for e in hl.edges:
            x0, y0 = self.layout.center(e[0] - 1, e[1])
            x1, y1 = self.layout.center(e[0], e[2])
            n = float(np.hypot(x0 - x1, y0 - y1)) or 1.0
            ux, uy = (x0 - x1) / n, (y0 - y1) / n
            self._arrow(p, QPointF(x0 - ux * reach, y0 - uy * reach), ux, uy, size)
            mid = QPointF((x0 + x1) / 2 + ux * size / 2, (y0 + y1) / 2 + uy * size / 2)
            self._arrow(p, mid, ux, uy, size)

    def _ring(self, p: QPainter, unit: Unit, color: QColor, width: float, gap: float) -> None:
        r = self.layout.radius
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(color, width))
        p.drawEllipse(QPointF(*self.layout.center(*unit)), r + gap + width / 2, r + gap + width / 2)

    def _paint_rings(self, p: QPainter, hl: Highlight, accent: QColor) -> None:
        w = self.ring_w
        soft = QColor(accent)
        soft.setAlpha(150)
        for unit in hl.read:
            self._ring(p, unit, soft, 0.6 * w, 0.4 * w)
        for unit in hl.main:
            self._ring(p, unit, accent, w, 0.4 * w)

    def _paint_pulse(
        self, p: QPainter, scene: Scene, hl: Highlight, accent: QColor, progress: float
    ) -> None:
        if not 0.0 < progress < 1.0:
            return
        dot = self.dot
        if hl.edges and hl.direction:
            outline = QPen(self.pal.background, max(1.0, 0.25 * dot))
            trail = [QColor(accent) for _ in range(3)]
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
                p.setBrush(accent)
                at = QPointF(x0 + progress * (x1 - x0), y0 + progress * (y1 - y0))
                p.drawEllipse(at, dot, dot)
        elif hl.edges:  # an update: the edge glows
            swell = float(np.sin(np.pi * progress))
            for e in hl.edges:
                x0, y0, x1, y1 = self.layout.segment(*e)
                line = QLineF(x0, y0, x1, y1)
                p.setPen(line_pen(blend(self.pal.background, accent, 0.6), 2 * dot * swell))
                p.drawLine(line)
                p.setPen(self._edge_pen(scene, e))
                p.drawLine(line)
        else:  # a unit: a ring spreads out
            color = QColor(accent)
            color.setAlpha(int(255 * (1 - progress)))
            for unit in hl.main:
                self._ring(
                    p, unit, color, max(2.0, 0.15 * self.font_px), progress * self.layout.radius
                )
