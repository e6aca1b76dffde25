"""Simulation → Keep This Curve for Comparison / Clear Compared Curves.

Created by the main window once its controller exists. Keeping freezes the
training-loss curve on the plot as a ghost (:mod:`~bpsim.ui.compare.ghosts`);
whenever the shown session changes (a learning rate, the Network dialog, a
preset, a file) the ghosts' labels are worked out again from what differs
(:func:`~bpsim.viewmodel.compare.difference`). The actions are also on the
loss plot's context menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from bpsim.model.sessions.setup import NetworkSetup, setup_of
from bpsim.ui.compare.ghosts import LossGhosts
from bpsim.viewmodel.compare import ComparedRuns

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow


class CompareRuns(QObject):
    """The kept curves of ``window``'s loss plot and the actions on them."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.c = window.controller
        self.runs = ComparedRuns()
        self.ghosts = LossGhosts(window.loss_plot)
        self._shown_for: tuple[NetworkSetup, str] | None = None
        self.keep_action = window.actions_by_name["keep_curve"]  # specs: window/actions.py
        self.clear_action = window.actions_by_name["clear_curves"]
        self.clear_action.setEnabled(False)
        self._add_menus()
        self.keep_action.triggered.connect(self.keep)
        self.clear_action.triggered.connect(self.clear)
        self.c.sigRefreshed.connect(self._on_refreshed)
        window.loss_plot.sigLogYChanged.connect(lambda _on: self.ghosts.restyle())

    def _add_menus(self) -> None:
        menus = {a.text().replace("&", ""): a for a in self.w.menuBar().actions()}
        simulation = menus["Simulation"].menu()
        if isinstance(simulation, QMenu):
            simulation.addSeparator()
            simulation.addAction(self.keep_action)
            simulation.addAction(self.clear_action)
        plot_menu = self.w.loss_plot.plot_item.vb.menu  # the plot's right-click menu
        if isinstance(plot_menu, QMenu):
            plot_menu.addSeparator()
            plot_menu.addAction(self.keep_action)
            plot_menu.addAction(self.clear_action)

    def _now(self) -> tuple[NetworkSetup, str]:
        session = self.c.timeline.session
        return setup_of(session), session.dataset.name

    def keep(self) -> bool:
        """Keep the training-loss curve as it is now; False (and a word in the
        status bar) when there is nothing to keep yet."""
        x, y = self.w.loss_plot.series("train")
        setup, data = self._now()
        try:
            self.runs.keep(setup, data, x, y)
        except ValueError as exc:
            self.w.statusBar().showMessage(str(exc)[:1].upper() + str(exc)[1:] + ".", 5000)
            return False
        self._shown_for = None
        self._update()
        self.w.statusBar().showMessage(
            "Curve kept: change a setting and train again to compare.", 5000
        )
        return True

    def clear(self) -> None:
        self.runs.clear()
        self._update()

    def labels(self) -> list[str]:
        """The kept curves' labels as the legend shows them."""
        return list(self.ghosts.labels)

    def _on_refreshed(self) -> None:
        if len(self.runs) and self._now() != self._shown_for:
            self._update()

    def _update(self) -> None:
        now = self._now()
        self._shown_for = now
        self.ghosts.show(self.runs.runs, self.runs.labels(*now), self.runs.now_label(*now))
        self.clear_action.setEnabled(len(self.runs) > 0)
