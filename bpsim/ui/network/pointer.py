"""What the pointer does over the network view: hover signals and tooltips.

:class:`PointerView` is the network view's base: it follows the pointer,
emits ``sigUnitHovered(layer, unit)`` and ``sigEdgeHovered(layer, source,
target)`` (all -1 when the pointer leaves) and shows tooltips. What lies
under a point and what its tooltip says are the subclass's (:meth:`_hit`,
:meth:`tooltip_at`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QToolTip, QWidget

Hit = tuple[int, ...]  # a unit (layer, j) or an edge (layer, i, j)


class PointerView(QWidget):
    """A widget of units and edges that the pointer can hover."""

    sigUnitHovered = Signal(int, int)
    sigEdgeHovered = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self._hover: Hit | None = None

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip text for a point of the widget ('' if nothing is there)."""
        return ""

    def hit_at(self, pos: QPointF) -> Hit | None:
        """The unit ``(layer, j)`` or edge ``(layer, i, j)`` under ``pos``, if any."""
        return self._hit(pos)

    def _hit(self, pos: QPointF) -> Hit | None:
        """The unit or edge under ``pos``, if any."""
        return None

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

    def _on_hover(self, hit: Hit | None) -> None:
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
