"""The main window: lays out the views, menus, toolbar and status bar.

The window holds no logic of its own: :class:`~bpsim.ui.window.controller.Controller`
moves through time, trains and reacts to the actions created here.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSlider,
    QSpinBox,
    QToolBar,
    QWidget,
)

from bpsim.model.data.presets import PRESETS
from bpsim.model.notation import DEFAULT_DIGITS, DIGITS_RANGE
from bpsim.model.sessions.session import Session
from bpsim.ui.network.view import NetworkView
from bpsim.ui.panels.data_view import DataView
from bpsim.ui.panels.formula_card import FormulaCard
from bpsim.ui.panels.loss_plot import LossPlot
from bpsim.ui.window.actions import app_icon, create_actions, paint_glyphs
from bpsim.ui.window.spin_boxes import LEARNING_RATES, LogSpinBox
from bpsim.viewmodel.timeline import GRANULARITY_LABELS, Granularity
from bpsim.viewmodel.training_pace import DEFAULT_SPEED, SPEEDS, speed_index

# Menu contents by action name; None is a separator.
FILE_MENU = ("open", "open_csv", None, "save", "save_as", None, "export_png", "export_gif")
FILE_MENU += (None, "quit")
VIEW_MENU = ("fullscreen", None, "zoom_in", "zoom_out", "zoom_reset", None)
VIEW_MENU += ("more_digits", "fewer_digits", "decimal_places", None)
VIEW_MENU += ("gradient_mode", "log_loss", "loss_epochs")
MAX_CARD_SHARE = 0.4  # of the window's height, at most, for the formula card

SIMULATION_MENU = ("play", "next", "prev", "start", "end", None, "finer", "coarser")
SIMULATION_MENU += ("faster", "slower", None, "train", "train_faster", "train_slower", "reset")
SIMULATION_MENU += (None, "network_settings")


class ControlsPanel(QWidget):
    """Step size, speed, learning rate and the preset's description."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.granularity = QComboBox()
        for g, label in GRANULARITY_LABELS.items():
            self.granularity.addItem(label, g.value)
        self.granularity.setToolTip("How far one press of → or ← moves (↑ and ↓ change it)")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 30)
        self.speed.setValue(3)
        self.speed.setToolTip("Frames per second while playing ([ and ] change it)")
        self.speed_label = QLabel()
        self.train_speed = QSlider(Qt.Orientation.Horizontal)
        self.train_speed.setRange(0, len(SPEEDS) - 1)
        self.train_speed.setPageStep(1)
        self.train_speed.setValue(speed_index(DEFAULT_SPEED))
        self.train_speed.setToolTip(
            "Training steps per second while training continuously (T), from a few, to "
            "watch the boundary form, to as fast as possible ({ and } change it)"
        )
        self.train_speed_label = QLabel()
        self.learning_rate = LogSpinBox(*LEARNING_RATES)
        self.learning_rate.setToolTip("Learning rate η; a change applies from the current step on")
        self.learning_rate.setKeyboardTracking(False)  # apply when typing is done
        self.edge_mode = QComboBox()
        self.edge_mode.addItem("|weight|", "weights")
        self.edge_mode.addItem("|gradient|", "gradients")
        self.edge_mode.setToolTip("What edge thickness shows (G toggles)")
        self.digits = QSpinBox()
        self.digits.setRange(*DIGITS_RANGE)
        self.digits.setValue(DEFAULT_DIGITS)
        self.digits.setToolTip("How many digits numbers are shown with (D and Shift+D change it)")
        self.decimals = QCheckBox("decimal places")
        self.decimals.setToolTip(
            "Count the digits after the decimal point, as the classic worked example is "
            "published (9 decimal places), instead of significant figures"
        )
        digits_row = QHBoxLayout()
        digits_row.setContentsMargins(0, 0, 0, 0)
        digits_row.addWidget(self.digits)
        digits_row.addWidget(self.decimals, 1)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Step by", self.granularity)
        form.addRow("Play speed", self.speed)
        form.addRow("", self.speed_label)
        form.addRow("Training speed", self.train_speed)
        form.addRow("", self.train_speed_label)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Edge width", self.edge_mode)
        form.addRow("Digits", digits_row)
        form.addRow(self.description)
        widgets = (self.granularity, self.speed, self.train_speed, self.edge_mode)
        for w in (*widgets, self.digits, self.decimals):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)


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
        self.controls_dock = self._dock("Controls", "controls", self.controls, right)
        self.tabifyDockWidget(self.data_dock, self.controls_dock)
        self.data_dock.raise_()
        self.formula_card.sigHeightHintChanged.connect(self.fit_formula_dock)
        self.preset_menu = self.menuBar().addMenu("&File").addMenu("&New from Preset")
        self.preset_actions: dict[str, QAction] = {}
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        from bpsim.ui.window.controller import Controller

        self.controller = Controller(self, session, session_path)
        self._restore_settings()
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
        view = self.menuBar().addMenu("&View")
        self._fill(view, VIEW_MENU)
        view.addSeparator()
        for dock in (self.formula_dock, self.loss_dock, self.data_dock, self.controls_dock):
            view.addAction(dock.toggleViewAction())
        self._fill(self.menuBar().addMenu("&Simulation"), SIMULATION_MENU)
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
        self.save_settings()
        self.controller.shutdown()
        super().closeEvent(event)

    def granularity(self) -> Granularity:
        return Granularity(self.controls.granularity.currentData())
