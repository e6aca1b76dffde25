"""The legend of the network view: what thickness and colour mean.

:func:`paint_legend` draws a one-line strip (the view paints it under the
network); :class:`Legend` is the same strip as a widget of its own, for a
window that wants the legend elsewhere (feed it ``NetworkView.sigLegendChanged``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from bpsim.model.notation import fmt
from bpsim.ui.colors import SCALE_STOPS, Palette, palette_for


@dataclass(frozen=True)
class LegendInfo:
    """What the legend explains: ``samples`` are (value, pen width) pairs."""

    mode: str = "weights"
    samples: tuple[tuple[float, float], ...] = ()
    shown_edges: int = 0
    total_edges: int = 0
    dark: bool = False

    @property
    def note(self) -> str:
        """The level-of-detail note, empty when every edge is drawn."""
        if self.shown_edges >= self.total_edges:
            return ""
        return f"{self.shown_edges:,} of {self.total_edges:,} edges shown (strongest)"


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(8, round(px)))
    font.setBold(bold)
    return font


def legend_width(info: LegendInfo, font_px: float) -> float:
    """The width :func:`paint_legend` needs at ``font_px``."""
    return paint_legend(None, QRectF(), info, palette_for(info.dark), font_px)


def _thickness_label(info: LegendInfo) -> str:
    return "|weight|" if info.mode == "weights" else "|gradient|"


def paint_legend(
    painter: QPainter | None, rect: QRectF, info: LegendInfo, pal: Palette, font_px: float
) -> float:
    """Paint the legend strip into ``rect``, left-aligned and vertically centred;
    return its width (with no painter, only measure it)."""
    font = _font(font_px)
    fm = QFontMetricsF(font)
    small = _font(0.8 * font_px)
    sfm = QFontMetricsF(small)
    y = rect.center().y()
    x = rect.left()
    gap = 1.4 * font_px
    line_len = 2.0 * font_px
    if painter is not None:
        painter.save()
        painter.setFont(font)

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
    text("thickness = " + _thickness_label(info))
    for value, width in info.samples:
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
        painter.setFont(font)
    x += bar_w + 0.3 * font_px

    if info.note:
        x += gap
        text(info.note)
    if painter is not None:
        painter.restore()
    return x - rect.left()


class Legend(QWidget):
    """The legend strip as a widget; call :meth:`set_info` when it changes."""

    def __init__(self, parent: QWidget | None = None, font_px: float = 14.0) -> None:
        super().__init__(parent)
        self._info = LegendInfo()
        self._font_px = font_px

    def set_info(self, info: LegendInfo) -> None:
        self._info = info
        self.updateGeometry()
        self.update()

    def info(self) -> LegendInfo:
        return self._info

    def set_font_px(self, px: float) -> None:
        self._font_px = px
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        width = legend_width(self._info, self._font_px) + 1.2 * self._font_px
        return QSize(int(width) + 1, int(2.6 * self._font_px))

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = palette_for(self._info.dark)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), pal.background)
        rect = QRectF(self.rect()).adjusted(0.6 * self._font_px, 0, 0, 0)
        paint_legend(painter, rect, self._info, pal, self._font_px)
        painter.end()
