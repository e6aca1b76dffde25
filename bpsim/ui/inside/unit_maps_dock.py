"""The Unit Maps dock (View → Unit Maps), kept in step with the data panel.

It follows the controller's :class:`~bpsim.ui.window.shown_panels.ShownPanels`:
it is passed the same data and the same networks as the data panel's
surface, so its maps are recomputed only when the shown parameters change
(a step's update shown, or training at the panels' rate), never on a press
of Right within one step. While the dock is hidden nothing is computed; it
catches up when shown. Hovering a hidden unit in the network view rings its
map in the strip and lays it, big, over the data panel
(:mod:`bpsim.ui.inside.unit_focus`), whether the dock is open or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu

from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.network import Network
from bpsim.ui.inside.unit_focus import UnitFocus
from bpsim.ui.inside.unit_maps import UnitMapsPanel
from bpsim.viewmodel import unit_maps as um

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow

MAPS_SHORTCUT = "Ctrl+Shift+U"


class UnitMapsDock(QObject):
    """The dock of ``window``'s unit maps and what feeds it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.panel = UnitMapsPanel()
        dock = QDockWidget("Unit Maps", window)
        dock.setObjectName("unit_maps_dock")
        dock.setWidget(self.panel)
        # a strip above the network: the maps sit in a row, grouped by layer
        window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
        dock.hide()  # View → Unit Maps shows it
        self.dock = dock
        toggle = dock.toggleViewAction()
        toggle.setText("&Unit Maps")
        toggle.setShortcut(QKeySequence(MAPS_SHORTCUT))
        toggle.setStatusTip("Each hidden unit's output over the input plane, for 2-D data "
                            f"({MAPS_SHORTCUT})")  # fmt: skip
        window.addAction(toggle)  # works in full screen, with the menu bar hidden
        view = next((a.menu() for a in window.menuBar().actions() if a.text() == "&View"), None)
        if isinstance(view, QMenu):
            view.addAction(toggle)
        self._train: Dataset | None = None
        self._test: Dataset | None = None
        self._net: Network | None = None
        self._grid: tuple[um.Array, tuple[int, int]] | None = None
        self._stale = True
        self.computed = 0  # how often the maps were computed (for tests)
        self.focus = UnitFocus(window.data_view)  # the hovered unit's map, big
        c = window.controller
        c.panels.followers.append(self)
        session = c.timeline.session
        self.set_data(session.dataset, session.test)
        if c.panels.network is not None:
            self.update_network(c.panels.network)
        dock.visibilityChanged.connect(self._on_visibility)
        window.network_view.sigUnitHovered.connect(self._on_unit_hovered)

    # -- the follower interface (ShownPanels) -----------------------------------------

    def set_data(self, train: Dataset, test: Dataset | None) -> None:
        self._train, self._test = train, test
        self._grid = um.grid_for_data(train, test) if um.has_maps(train) else None
        self._net = None
        self._stale = True
        self.focus.hide()
        self._show()

    def update_network(self, net: Network) -> None:
        self._net = net
        self._stale = True
        if self.dock.isVisible():
            self._show()
        if self.focus.unit is not None:
            self.focus.show(net, *self.focus.unit)

    # -- showing -------------------------------------------------------------------

    def _show(self) -> None:
        net = self._net
        note = um.no_maps_note(self._train, None if net is None else net.sizes)
        if note or self._grid is None:
            self.panel.show_note(note or "No data.")
            self._stale = False
            return
        if net is None or not self._stale:
            return
        points, shape = self._grid
        self.panel.show_maps(um.unit_maps(net, points, shape))
        self.computed += 1
        self._stale = False

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self._show()

    def _on_unit_hovered(self, layer: int, unit: int) -> None:
        net = self._net
        hidden = net is not None and 1 <= layer < len(net.sizes) - 1
        self.panel.select(layer - 1 if hidden else -1, unit if hidden else -1)
        if net is not None and hidden and self._grid is not None:
            self.focus.show(net, layer - 1, unit)
        else:
            self.focus.hide()
