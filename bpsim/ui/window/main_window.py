"""The main window: lays out the views, menus, toolbar and status bar.

The window holds no logic of its own: :class:`~bpsim.ui.window.controller.Controller`
moves through time, trains and reacts to the actions created here.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QToolBar, QWidget

from bpsim.model.data.presets import PRESETS
from bpsim.model.sessions.session import Session
from bpsim.ui.lecture.panel import LecturePanel
from bpsim.ui.network.view import NetworkView
from bpsim.ui.panels.data_view import DataView
from bpsim.ui.panels.formula_card import FormulaCard
from bpsim.ui.panels.loss_plot import LossPlot
from bpsim.ui.panels.plot_fit import line_per_point
from bpsim.ui.window.actions import app_icon, create_actions, paint_glyphs
from bpsim.ui.window.controls_panel import ControlsPanel, scrolling
from bpsim.ui.window.dock_layout import RightColumn
from bpsim.viewmodel.timeline import Granularity

__all__ = ["ControlsPanel", "MainWindow"]

# Menu contents by action name; None is a separator.
FILE_MENU = ("open", "open_csv", None, "save", "save_as", None, "export_png", "export_gif")
FILE_MENU += ("export_lecture_pdf", "export_lecture_png", None, "quit")
VIEW_MENU = ("fullscreen", None, "zoom_in", "zoom_out", "zoom_reset", None)
VIEW_MENU += ("more_digits", "fewer_digits", "decimal_places", None)
VIEW_MENU += ("gradient_mode", "log_loss", "loss_epochs")
MAX_CARD_SHARE = 0.4  # of the window's height, at most, for the formula card

SIMULATION_MENU = ("play", "next", "prev", "start", "end", None, "finer", "coarser")
SIMULATION_MENU += ("faster", "slower", None, "train", "train_faster", "train_slower", "reset")
SIMULATION_MENU += (None, "go_to_step", "run_steps", None, "network_settings")
SIMULATION_MENU += ("data_settings",)


class MainWindow(QMainWindow):
    """bpsim's main window. ``session`` is what it opens with."""

    def __init__(self, session: Session, session_path: str | None = None) -> None:
        super().__init__()
        self.setWindowIcon(app_icon())
        self.setObjectName("MainWindow")
        self.actions_by_name: dict[str, QAction] = create_actions(self)
        self.network_view = NetworkView()
        self.network_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCentralWidget(self.network_view)
        # The right-hand column runs the full height; the formula sits under the network.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._sized = False
        self.formula_card = FormulaCard()
        self.loss_plot = LossPlot()
        self.data_view = DataView()
        self.controls = ControlsPanel()
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        # The card is as tall as its text (it shrinks its type before it
        # would cut a line); the network gets the rest.
        self.formula_dock = self._dock("Formula", "formula", self.formula_card, bottom)
        self.loss_dock = self._dock("Loss", "loss", self.loss_plot, right)
        self.data_dock = self._dock("Data", "data", self.data_view, right)
        self.controls.setObjectName("controls")
        self.controls_scroll = scrolling(self.controls)
        self.controls_dock = self._dock("Controls", "controls", self.controls_scroll, right)
        self.tabifyDockWidget(self.data_dock, self.controls_dock)
        self.lecture_panel = LecturePanel()
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.lecture_dock = self._dock("Lecture", "lecture", self.lecture_panel, left)
        self.lecture_dock.hide()  # shown by a lecture, a bookmark, or the View menu
        self.data_dock.raise_()
        # no dock asks for more than a small window has: the window keeps its
        # size at every type size (each panel fits its text to its room)
        self.formula_card.setMinimumSize(120, 60)
        self.right_column = RightColumn(self, self.loss_dock, self.data_dock, self.controls_dock)
        self.formula_card.sigHeightHintChanged.connect(self.fit_formula_dock)
        self.preset_menu = self.menuBar().addMenu("&File").addMenu("&New from Preset")
        self.preset_actions: dict[str, QAction] = {}
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        from bpsim.ui.window.controller import Controller

        self.controller = Controller(self, session, session_path)
        from bpsim.ui.lecture.setup import LectureParts
        from bpsim.ui.window.see_inside import SeeInside

        self.see_inside = SeeInside(self)  # chain-rule dock, sample pictures, gradient check
        from bpsim.ui.inside.unit_maps_dock import UnitMapsDock

        self.unit_maps = UnitMapsDock(self)  # View → Unit Maps
        from bpsim.ui.window.data_dialog import DataSettings

        self.data_settings = DataSettings(self)  # Simulation → Data Settings…
        self.lecture = LectureParts(self)
        from bpsim.ui.compare.runs import CompareRuns

        self.compare = CompareRuns(self)  # kept loss curves (Simulation menu, plot menu)
        from bpsim.ui.window.edit_controller import EditController

        self.edits = EditController(self)  # select, type or drag a weight; undo and redo
        self._restore_settings()
        self.lecture.offer()
        self.network_view.setFocus()

    # -- layout ----------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        a = self.actions_by_name
        file_menu = self.preset_menu.parentWidget()
        assert file_menu is not None
        for name, preset in PRESETS.items():
            action = self.preset_menu.addAction(f"{preset.title}  ({name})")
            action.setStatusTip(preset.description)
            action.setData(name)
            self.preset_actions[name] = action
        self._fill(file_menu, FILE_MENU)
        self._fill(self.menuBar().addMenu("&Edit"), ("undo", "redo", None, "edit_value"))
        view = self.menuBar().addMenu("&View")
        self._fill(view, VIEW_MENU)
        view.addSeparator()
        docks = (self.formula_dock, self.loss_dock, self.data_dock, self.controls_dock)
        for dock in (*docks, self.lecture_dock):
            view.addAction(dock.toggleViewAction())
        self._fill(self.menuBar().addMenu("&Simulation"), SIMULATION_MENU)
        from bpsim.ui.lecture.setup import LECTURE_MENU

        self._fill(self.menuBar().addMenu("&Lecture"), LECTURE_MENU)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(a["shortcuts"])
        help_menu.addAction(a["about"])
        # Shortcuts work even with the menu bar hidden (full screen).
        self.addActions(list(a.values()))

    def _fill(self, menu: QMenu, names: tuple[str | None, ...]) -> None:
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_name[name])

    def _build_toolbar(self) -> None:
        bar = QToolBar("Transport", self)
        bar.setObjectName("transport_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        a = self.actions_by_name
        for name in ("start", "prev", "play", "next", "end"):
            bar.addAction(a[name])
        bar.addSeparator()
        bar.addAction(a["train"])
        bar.addAction(a["reset"])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.step_label = QLabel()
        self.frame_label = QLabel()
        self.loss_label = QLabel()
        for label in (self.step_label, self.frame_label, self.loss_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    # -- settings --------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(geometry)):
            self.resize(1280, 800)  # none saved, or a damaged one
        state = settings.value("window/state")
        self._sized = isinstance(state, QByteArray | bytes) and self.restoreState(state)
        self.controller.restore_preferences(settings)

    def fit_formula_dock(self, hint: int | None = None) -> None:
        """Give the formula dock the height its card asks for, at most
        :data:`MAX_CARD_SHARE` of the window's height."""
        card = self.formula_dock.widget()
        if not self.formula_dock.isVisible() or self.formula_dock.isFloating() or card is None:
            return
        hint = self.formula_card.sizeHint().height() if hint is None else hint
        chrome = self.formula_dock.height() - card.height()  # the dock's title bar
        height = min(hint + max(chrome, 0), int(self.height() * MAX_CARD_SHARE))
        self.resizeDocks([self.formula_dock], [height], Qt.Orientation.Vertical)

    def set_chrome_font(self, font: QFont) -> None:
        """Menus, toolbar, status bar, dock titles and controls in ``font``
        (the type the window's chrome is capped at)."""
        chrome = (self.menuBar(), self.toolbar, self.statusBar(), self.formula_dock)
        maps = getattr(self, "unit_maps", None)  # made after the first call
        for widget in (*chrome, self.lecture_dock, *([maps.dock] if maps else [])):
            widget.setFont(font)
        self.right_column.set_chrome_font(font)

    def fit_right_column(self) -> None:
        """Stack or tab the right-hand docks for the type of the plots now."""
        plot = self.loss_plot
        self.right_column.plot_line = line_per_point(plot.font()) * plot.font_size()
        self.right_column.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.right_column.fit_soon()

    def _default_dock_sizes(self) -> None:
        """The network gets most of the room; the formula sits under it."""
        width, height = self.width(), self.height()
        right = [self.loss_dock, self.data_dock]
        self.resizeDocks(right, [int(width * 0.3)] * 2, Qt.Orientation.Horizontal)
        self.resizeDocks(right, [int(height * 0.45), int(height * 0.55)], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # first show without a saved layout
            self._default_dock_sizes()
            self._sized = True
        self.fit_formula_dock()

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        self.controller.save_preferences(settings)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self.actions_by_name["fullscreen"].setChecked(self.isFullScreen())
        elif event.type() == QEvent.Type.PaletteChange:
            paint_glyphs(self.actions_by_name)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.lecture.shutdown()  # out of presenter mode first: its layout is not saved
        self.save_settings()
        self.right_column.stop()
        self.controller.shutdown()
        super().closeEvent(event)

    def granularity(self) -> Granularity:
        return Granularity(self.controls.granularity.currentData())
