"""The selected unit or edge of the network view, drawn over it.

:class:`SelectionOverlay` is a transparent child of the view, as large as
it, that lets every mouse event through and draws a ring around the
selected unit or a halo along the selected edge (the one whose weight or
bias is being edited). It reads positions from the view, so it follows
resizes and zoom without knowing the layout.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QRegion
from PySide6.QtWidgets import QWidget

from bpsim.ui.network.pointer import Hit
from bpsim.ui.network.view import NetworkView

SELECTION_COLOR = QColor(
    150, 70, 230
)  # violet: unlike the edges' blue and orange, the amber of the shown step


class SelectionOverlay(QWidget):
    """Draws ``selected`` (a unit ``(layer, j)`` or edge ``(layer, i, j)``) over ``view``."""

    def __init__(self, view: NetworkView) -> None:
        super().__init__(view)
        self._view = view
        self.selected: Hit | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setGeometry(view.rect())
        view.installEventFilter(self)
        self.hide()

    def select(self, hit: Hit | None) -> None:
        self.selected = hit
        self.setVisible(hit is not None)
        self.raise_()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:  # paint code must never raise (PySide6 would crash)
            self._paint(painter)
        except Exception:  # a missing layout just draws nothing
            pass
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        hit, view = self.selected, self._view
        if hit is None or view.scene() is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = QRegion(self.rect())
        for rect in view.label_rects():  # the numbers stay readable
            clip -= QRegion(rect.toAlignedRect())
        painter.setClipRegion(clip)
        r = view.unit_radius()
        pen = QPen(SELECTION_COLOR, max(2.0, r * 0.14))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        if len(hit) == 2:
            pen.setStyle(Qt.PenStyle.DashLine)  # a dashed ring: not the shown step's amber one
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            c: QPointF = view.unit_center(*hit)
            grow = r + pen.widthF() * 1.2
            painter.drawEllipse(c, grow, grow)
            return
        layer, i, j = hit
        a: QPointF = view.edge_point(layer, i, j, 0.0)
        b: QPointF = view.edge_point(layer, i, j, 1.0)
        halo = QColor(SELECTION_COLOR)
        halo.setAlpha(110)
        wide = QPen(halo, max(6.0, r * 0.35))
        wide.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(wide)
        painter.drawLine(a, b)
        painter.setPen(pen)
        painter.drawLine(a, b)
