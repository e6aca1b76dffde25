"""Transport icons drawn in the palette's text colour, so that they read on
light and dark themes alike (the style's standard media icons are dark)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

SIZE = 64.0
GLYPHS = ("play", "pause", "next", "prev", "start", "end", "train")


def _triangle(path: QPainterPath, x0: float, x1: float) -> None:
    """A triangle from x0 (its base) to x1 (its tip), centred vertically."""
    path.moveTo(x0, 12)
    path.lineTo(x1, SIZE / 2)
    path.lineTo(x0, SIZE - 12)
    path.closeSubpath()


def _glyph_path(name: str) -> QPainterPath:
    path = QPainterPath()
    if name == "play":
        _triangle(path, 16, 52)
    elif name == "pause":
        path.addRect(QRectF(16, 12, 11, 40))
        path.addRect(QRectF(37, 12, 11, 40))
    elif name == "next":
        _triangle(path, 8, 33)
        _triangle(path, 31, 56)
    elif name == "prev":
        _triangle(path, 56, 31)
        _triangle(path, 33, 8)
    elif name == "start":
        path.addRect(QRectF(10, 12, 8, 40))
        _triangle(path, 54, 20)
    elif name == "end":
        _triangle(path, 10, 44)
        path.addRect(QRectF(46, 12, 8, 40))
    else:
        raise ValueError(f"unknown glyph {name!r}; choose one of: {', '.join(GLYPHS)}")
    return path


def _paint_train(painter: QPainter, color: QColor) -> None:
    """A circular arrow: training goes round and round."""
    pen = QPen(color, 7.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    box = QRectF(14, 14, 36, 36)
    painter.drawArc(box, 90 * 16, 270 * 16)  # from 12 o'clock, counter-clockwise to 3
    tip = QPointF(32 + 18 * math.cos(0), 32)
    head = QPainterPath()
    head.moveTo(tip.x() - 10, tip.y() - 2)
    head.lineTo(tip.x() + 10, tip.y() - 2)
    head.lineTo(tip.x(), tip.y() + 11)
    head.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPath(head)


def glyph_icon(name: str, color: QColor) -> QIcon:
    """The icon ``name`` (one of :data:`GLYPHS`) in ``color``."""
    pixmap = QPixmap(int(SIZE), int(SIZE))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if name == "train":
        _paint_train(painter, color)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPath(_glyph_path(name))
    painter.end()
    return QIcon(pixmap)


def icon_color() -> QColor:
    """The colour icons are drawn in: the palette's button text."""
    return QApplication.palette().color(QPalette.ColorRole.ButtonText)
