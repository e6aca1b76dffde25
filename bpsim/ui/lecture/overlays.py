"""What lies over the whole window while presenting: a blank screen (black or
white, as presentation software blanks) and a laser pointer's red dot.

Both are children of the window, kept at its full size. Paint code here
must never raise (an exception in a paint override ends the process), so it
only fills and draws what was computed before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QPainter, QPaintEvent, QRadialGradient
from PySide6.QtWidgets import QWidget

BLANK_COLORS = {"black": QColor(0, 0, 0), "white": QColor(255, 255, 255)}
LASER_RADIUS = 18  # px of the dot's glow
LASER_MS = 16  # how often the dot follows the pointer


class _Cover(QWidget):
    """A child of ``window`` that always covers it whole."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.hide()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.cover()
        return False

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()


class BlankScreen(_Cover):
    """The window blanked to black or white."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.color: str | None = None
        self.setCursor(Qt.CursorShape.BlankCursor)

    def blank(self, color: str) -> None:
        self.color = color
        self.cover()
        self.show()
        self.update()

    def unblank(self) -> None:
        self.color = None
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BLANK_COLORS.get(self.color or "black", QColor(0, 0, 0)))
        painter.end()


class LaserPointer(_Cover):
    """A red dot under the mouse while it is on (:meth:`set_on`)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.timer = QTimer(self)
        self.timer.setInterval(LASER_MS)
        self.timer.timeout.connect(self._follow)
        self.at = QPointF(-100.0, -100.0)

    @property
    def on(self) -> bool:
        return self.isVisible()

    def set_on(self, on: bool) -> None:
        if on == self.on:
            return
        if on:
            self.cover()
            self._follow()
            self.show()
            self.timer.start()
        else:
            self.timer.stop()
            self.hide()

    def _follow(self) -> None:
        at = QPointF(self.mapFromGlobal(QCursor.pos()))
        if at != self.at:
            old, self.at = self.at, at
            r = LASER_RADIUS + 2
            for p in (old, at):
                self.update(int(p.x()) - r, int(p.y()) - r, 2 * r, 2 * r)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        glow = QRadialGradient(self.at, LASER_RADIUS)
        glow.setColorAt(0.0, QColor(255, 40, 40, 255))
        glow.setColorAt(0.3, QColor(255, 0, 0, 220))
        glow.setColorAt(1.0, QColor(255, 0, 0, 0))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(glow)
        painter.drawEllipse(self.at, LASER_RADIUS, LASER_RADIUS)
        painter.end()
