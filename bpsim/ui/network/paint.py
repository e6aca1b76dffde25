"""Painting the network view: cached edges, then the frame on top.

:class:`NetworkPainter` draws, for one widget size and palette (its
:class:`~bpsim.ui.network.style.NetworkStyle`), two layers: every edge grouped
by quantized pen (:meth:`~NetworkPainter.paint_edges`, which the view caches
in a pixmap) and, each paint, the overlay (:meth:`~NetworkPainter.paint_overlay`):
the highlighted edges, weights on the edges of small networks, the units, the
highlight rings, arrows and pulse, the hover marks and the captions.

Where the text goes is decided once per scene, without Qt but measured by
Qt's fonts (:func:`bpsim.viewmodel.network.labels.place_labels`): every bias in its
reserved slot, the current frame's numbers always, the rest where there is
room (tooltips have everything).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap, QPolygonF

from bpsim.ui.colors import Palette, blend, line_pen
from bpsim.ui.network.legend import LegendInfo, paint_legend
from bpsim.ui.network.style import MIN_TEXT_PX, Label, NetworkStyle, label_of, qt_measure
from bpsim.ui.network.units import paint_units
from bpsim.viewmodel.network.board import PlacedLabel
from bpsim.viewmodel.network.fit import ViewGeometry
from bpsim.viewmodel.network.highlight import Edge, Highlight, Unit
from bpsim.viewmodel.network.labels import place_labels
from bpsim.viewmodel.network.scene import Scene

SET_LABELS = 4096  # labels kept set (text runs, colours) per painter
CACHED_NAMES, CACHED_ROLES = 24, ("name", "unit_caption")  # so many names: drawn once


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


class NetworkPainter(NetworkStyle):
    """Paints edges, units and labels for one widget size and palette."""

    def __init__(self, sizes: tuple[int, ...], pal: Palette, geo: ViewGeometry) -> None:
        super().__init__(sizes, pal, geo)
        self._set_labels: dict[tuple[PlacedLabel, int], Label] = {}
        self._names: tuple[tuple[Label, ...], QPixmap] | None = None

    def _paint_names(self, p: QPainter, labels: list[Label], bg: QColor) -> list[Label]:
        """Many units' names (and the input captions), which most frames share,
        from a cached picture; returns the labels still to paint."""
        names = tuple(lab for lab in labels if lab.placed and lab.placed.role in CACHED_ROLES)
        if len(names) < CACHED_NAMES:
            return labels
        if self._names is None or self._names[0] != names:
            dpr = p.device().devicePixelRatioF()
            lay = self.layout
            pixmap = QPixmap(max(1, round(lay.width * dpr)), max(1, round(lay.height * dpr)))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(Qt.GlobalColor.transparent)
            q = QPainter(pixmap)
            q.setRenderHint(QPainter.RenderHint.Antialiasing)
            q.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            for lab in names:
                lab.paint(q, bg)
            q.end()
            self._names = (names, pixmap)
        p.drawPixmap(0, 0, self._names[1])
        cached = {id(lab) for lab in names}
        return [lab for lab in labels if id(lab) not in cached]

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
        """Every label of ``scene`` with ``hl`` (in ``accent``), none covering another
        (placed by :func:`bpsim.viewmodel.network.labels.place_labels`, measured by Qt)."""
        placed = PlacedLabels()
        groups = {
            "units": placed.units,
            "edges": placed.edges,
            "callout": placed.callout,
            "captions": placed.captions,
        }
        cache, color = self._set_labels, accent.rgba()
        if len(cache) > SET_LABELS:
            cache.clear()
        for lab in place_labels(scene, hl, self.geo, qt_measure):
            key = (lab, color)  # the same names and biases on most frames: set once
            if (label := cache.get(key)) is None:
                label = cache[key] = label_of(lab, self.pal, accent)
            groups[lab.group].append(label)
        return placed

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
        for lab in self._paint_names(p, labels.units, bg):
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
