"""The legend of the network view: what thickness and colour mean.

:func:`paint_legend` draws a one-line strip (the view paints it under the
network) from a :class:`LegendInfo` (which ``NetworkView.sigLegendChanged``
also reports).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPen

from bpsim.model.notation import fmt
from bpsim.ui.colors import SCALE_STOPS, Palette
from bpsim.ui.network.style import font, metrics


@dataclass(frozen=True)
class LegendInfo:
    """What the legend explains: ``samples`` are (value, pen width) pairs."""

    mode: str = "weights"
    samples: tuple[tuple[float, float], ...] = ()
    shown_edges: int = 0
    total_edges: int = 0
    dark: bool = False
    empty: str = ""  # why there is nothing to show (gradients before the backward pass)

    @property
    def note(self) -> str:
        """The level-of-detail note, empty when every edge is drawn."""
        if self.shown_edges >= self.total_edges:
            return ""
        return f"{self.shown_edges:,} of {self.total_edges:,} edges shown (strongest)"


def _thickness_label(info: LegendInfo) -> str:
    return "|weight|" if info.mode == "weights" else "|gradient|"


def thickness_text(info: LegendInfo) -> str:
    """The legend's first words: what edge thickness shows (and, before there
    are gradients to show, why the weights are drawn faintly instead)."""
    thickness = "thickness = " + _thickness_label(info)
    if info.empty:
        thickness += f": {info.empty}; weights shown faint"
    return thickness


def paint_legend(
    painter: QPainter | None, rect: QRectF, info: LegendInfo, pal: Palette, font_px: float
) -> float:
    """Paint the legend strip into ``rect``, left-aligned and vertically centred;
    return its width (with no painter, only measure it)."""
    normal = font(font_px)
    fm = metrics(normal)
    small = font(0.8 * font_px, floor=9)
    sfm = metrics(small)
    y = rect.center().y()
    x = rect.left()
    gap = 1.4 * font_px
    line_len = 2.0 * font_px
    if painter is not None:
        painter.save()
        painter.setFont(normal)

    def text(s: str, color: QColor | None = None) -> None:
        nonlocal x
        if painter is not None:
            painter.setPen(QPen(color if color is not None else pal.muted))
            painter.drawText(QPointF(x, y + fm.capHeight() / 2), s)
        x += fm.horizontalAdvance(s)

    def line(color: QColor, width: float) -> None:
        nonlocal x
        if painter is not None:
            pen = QPen(color, width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, y), QPointF(x + line_len, y))
        x += line_len + 0.3 * font_px

    # thickness = |weight| (or |gradient|)
    text(thickness_text(info))
    for value, width in () if info.empty else info.samples:
        x += 0.6 * font_px
        line(pal.muted, width)
        text(fmt(value))
    x += gap

    # colour = sign
    text("colour = sign")
    for label, color in (("−", pal.negative), ("+", pal.positive)):
        x += 0.6 * font_px
        line(color, max(3.0, 0.25 * font_px))
        text(label, color)
    x += gap

    # unit fill = value on the diverging scale
    text("unit value")
    x += 0.6 * font_px
    bar_w, bar_h = 7.0 * font_px, 0.8 * font_px
    if painter is not None:
        grad = QLinearGradient(QPointF(x, 0), QPointF(x + bar_w, 0))
        for stop, rgb in zip(SCALE_STOPS, pal.stops, strict=True):
            grad.setColorAt(float((stop + 1) / 2), QColor(*(int(c) for c in np.rint(rgb))))
        bar = QRectF(x, y - bar_h / 2, bar_w, bar_h)
        painter.setPen(QPen(pal.outline, 1.0))
        painter.setBrush(grad)
        painter.drawRect(bar)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setFont(small)
        painter.setPen(pal.muted)
        for label, fx in (("−1", 0.0), ("0", 0.5), ("+1", 1.0)):
            tx = x + fx * bar_w - sfm.horizontalAdvance(label) / 2
            painter.drawText(QPointF(tx, bar.bottom() + sfm.ascent() + 1), label)
        painter.setFont(normal)
    x += bar_w + 0.3 * font_px

    if info.note:
        x += gap
        text(info.note)
    if painter is not None:
        painter.restore()
    return x - rect.left()
