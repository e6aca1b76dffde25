"""Fonts, pens and label decisions of the network view for one size and palette.

:class:`NetworkStyle` measures once per widget size (fonts scale with it) and
decides, per layer, which labels fit between the units: names, biases, values
inside the circles, weights on the edges. The painters read these decisions;
they never measure on their own.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from bpsim.layout import Layout
from bpsim.ui.colors import Palette, PenBank

MAX_LABELLED_EDGES = 24  # small networks show every weight on its edge

BoolArray = NDArray[np.bool_]


def font(px: float, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(max(7, round(px)))
    f.setBold(bold)
    return f


class NetworkStyle:
    """Fonts, pens, margins and which labels fit, for one widget size and palette.

    Call :meth:`set_layout` once the units are placed and :meth:`set_edges`
    once the edges are quantized.
    """

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

    def label(
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
