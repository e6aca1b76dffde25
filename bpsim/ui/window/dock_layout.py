"""The window's right-hand column, and type that keeps the window's chrome usable.

The column holds the Loss, Data and Controls docks. While there is room at
the chosen type, Loss sits above Data | Controls (tabs); when the column is
too short for two plots at that type, the three become tabs (Loss | Data |
Controls), and return to the stacked layout when the type gets smaller or
the window taller. An arrangement the user made (a dock floated, moved,
hidden or tabbed otherwise) is left as it is.

The menus, toolbar, status bar, dock titles and controls grow with the type
up to :data:`CHROME_MAX_SCALE` times their normal size: the audience reads
the network, the card and the plots; the window's chrome only has to stay
readable, and must not push the window off the screen.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QWidget

Arrangement = Literal["stacked", "tabbed"]
CHROME_MAX_SCALE = 1.6  # menus, toolbar, status bar, dock titles: at most this x normal
PANEL_LINES = 12.0  # a plot stacked with another needs this many lines of its type...
PANEL_STACKED_MIN = 200  # ...and at least this many px
LOSS_SHARE = 0.45  # of the stacked column's height, for the loss plot


def stack_fits(column: float, plot_line: float, chrome_line: float) -> bool:
    """Whether a ``column`` px tall holds two plots, one above the other, whose
    text lines are ``plot_line`` px tall, with two dock titles and a tab bar
    whose lines are ``chrome_line`` px tall."""
    panel = max(PANEL_STACKED_MIN, PANEL_LINES * plot_line)
    chrome = 3 * (chrome_line + 12)
    return column >= 2 * panel + chrome


def chrome_font(font: QFont, scale: float, base_pt: float) -> QFont:
    """``font`` at ``scale`` times ``base_pt``, at most :data:`CHROME_MAX_SCALE` times."""
    capped = QFont(font)
    capped.setPointSizeF(base_pt * min(scale, CHROME_MAX_SCALE))
    return capped


class RightColumn(QObject):
    """Stacks or tabs ``loss``, ``data`` and ``controls`` in ``window``'s right
    dock area (see the module's description); :meth:`fit` decides."""

    def __init__(
        self, window: QMainWindow, loss: QDockWidget, data: QDockWidget, controls: QDockWidget
    ) -> None:
        super().__init__(window)
        self.w = window
        self.docks = (loss, data, controls)
        self._expected: Arrangement | None = None  # what the column was last left as
        self.plot_line = 16.0  # px of a line of the plots' type
        self._font: QFont | None = None  # the chrome's
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)

    def stop(self) -> None:
        self._timer.stop()

    def fit_soon(self) -> None:
        """:meth:`fit` once the events in hand are handled (e.g. after a resize)."""
        self._timer.start()

    def arrangement(self) -> Arrangement | None:
        """``"stacked"``, ``"tabbed"``, or None: an arrangement of the user's."""
        w = self.w
        loss, data, controls = self.docks
        right = Qt.DockWidgetArea.RightDockWidgetArea
        for dock in self.docks:
            if dock.isFloating() or w.dockWidgetArea(dock) != right:
                return None
            if not dock.toggleViewAction().isChecked():  # closed by the user
                return None
        with_loss = set(w.tabifiedDockWidgets(loss))
        if with_loss == {data, controls}:
            return "tabbed"
        if not with_loss and set(w.tabifiedDockWidgets(data)) == {controls}:
            return "stacked"
        return None

    def column_height(self) -> int:
        """The right dock area's height: the window's, less menu, toolbars and status bar."""
        w = self.w
        toolbars = w.findChildren(QWidget, "transport_toolbar")
        bars: list[QWidget] = [w.menuBar(), w.statusBar(), *toolbars]
        taken = sum(bar.sizeHint().height() for bar in bars if not bar.isHidden())
        return max(w.height() - taken, 0)

    def wanted(self) -> Arrangement:
        chrome = QFontMetricsF(self.docks[0].font()).height()
        fits = stack_fits(self.column_height(), self.plot_line, chrome)
        return "stacked" if fits else "tabbed"

    def fit(self) -> None:
        """Stack or tab the column as the room and the type ask, unless the
        user has arranged it otherwise."""
        current = self.arrangement()
        if self._expected is None:
            self._expected = current
        if current is None or current != self._expected:
            return  # the user's own arrangement
        want = self.wanted()
        if want != current:
            self._arrange(want)
        self._expected = want

    def _arrange(self, want: Arrangement) -> None:
        w = self.w
        loss, data, controls = self.docks
        raised = next((d for d in (data, controls) if d.isVisible()), data)
        if want == "tabbed":
            w.tabifyDockWidget(loss, data)
            w.tabifyDockWidget(data, controls)
            loss.raise_()
            self._apply_font()
            return
        for dock in (data, controls):
            w.removeDockWidget(dock)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, data, Qt.Orientation.Vertical)
        w.tabifyDockWidget(data, controls)
        for dock in (data, controls):
            dock.show()
        raised.raise_()
        height = self.column_height()
        shares = [int(height * LOSS_SHARE), int(height * (1 - LOSS_SHARE))]
        w.resizeDocks([loss, data], shares, Qt.Orientation.Vertical)
        self._apply_font()

    def set_chrome_font(self, font: QFont) -> None:
        """Dock titles, the tab bars of tabbed docks, and the controls in ``font``."""
        self._font = font
        self._apply_font()

    def _apply_font(self) -> None:
        font = self._font
        if font is None:
            return
        for dock in self.docks:
            dock.setFont(font)
        for bar in self.w.findChildren(QTabBar):
            if bar.parent() is self.w:
                bar.setFont(font)
