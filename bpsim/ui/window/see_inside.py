"""See inside: the chain-rule graph dock, the data panel's picture of an image
sample, and Tools → Gradient Check, kept in step with the timeline.

Created by the main window once its controller exists; it follows the
controller's ``sigRefreshed`` (every time the current frame is shown) and
its transition animation (the pulse along the lit edges), so the graph moves
in step with the network view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QStackedWidget

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.digits import image_shape
from bpsim.ui.network.input_picture import InputPicture
from bpsim.ui.panels.chain_graph import ChainGraphPanel
from bpsim.ui.panels.sample_image import SampleImageView
from bpsim.ui.window.gradient_dialog import GradientCheckDialog
from bpsim.viewmodel.chain_rule import chain_graph
from bpsim.viewmodel.gradient_check import gradient_table

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow

Array = NDArray[np.float64]
CHAIN_SHORTCUT = "Ctrl+Shift+K"
CHAIN_SHARE = 0.4  # of the window's height, for the chain-rule dock when it first opens
PICTURES_MS = 500  # while training, the hidden units' weight pictures follow this often


class SeeInside(QObject):
    """The chain-rule dock, the sample picture and the gradient check of ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.c = window.controller
        self.dialog: GradientCheckDialog | None = None
        self._ink_of: tuple[Dataset, float, float] | None = None  # data, raw min, raw max
        self.chain = ChainGraphPanel()
        dock = QDockWidget("Chain Rule", window)
        dock.setObjectName("chain_dock")
        dock.setWidget(self.chain)
        # above the network, the window's whole width: the graph is wide, and the
        # bottom row's height is the formula card's
        window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
        dock.hide()  # View → Chain Rule Graph shows it
        self._sized = False
        self.chain_dock = dock
        toggle = dock.toggleViewAction()
        toggle.setText("&Chain Rule Graph")
        toggle.setShortcut(QKeySequence(CHAIN_SHORTCUT))
        toggle.setStatusTip("The computation graph behind the current frame, with each node's "
                            f"value and gradient ({CHAIN_SHORTCUT})")  # fmt: skip
        window.addAction(toggle)  # works in full screen, with the menu bar hidden
        self.image = SampleImageView()
        self.data_stack = QStackedWidget()
        self.data_stack.addWidget(window.data_view)
        self.data_stack.addWidget(self.image)
        window.data_dock.setWidget(self.data_stack)
        self.input_picture = InputPicture(window.network_view)
        self._training_timer = QTimer(self)  # the weight pictures, live while training
        self._training_timer.setInterval(PICTURES_MS)
        self._add_menus()
        self._connect_callbacks()
        self._on_refreshed()

    def _add_menus(self) -> None:
        bar = self.w.menuBar()
        menus = {a.text().replace("&", ""): a for a in bar.actions()}
        view = menus["View"].menu()
        if isinstance(view, QMenu):
            view.addAction(self.chain_dock.toggleViewAction())
        tools = QMenu("&Tools", bar)
        tools.addAction(self.w.actions_by_name["gradient_check"])
        bar.insertMenu(menus["Help"], tools)
        self.tools_menu = tools

    def _connect_callbacks(self) -> None:
        a = self.w.actions_by_name
        self.c.sigRefreshed.connect(self._on_refreshed)
        self.c._transition.valueChanged.connect(lambda v: self.chain.set_transition(float(v)))
        self.chain_dock.visibilityChanged.connect(self._on_chain_visibility)
        for name in ("more_digits", "fewer_digits", "decimal_places"):
            a[name].triggered.connect(self._on_refreshed)
        a["gradient_check"].triggered.connect(self._on_gradient_check)
        a["train"].toggled.connect(self._on_train_toggled)
        self._training_timer.timeout.connect(self._on_training_tick)
        self.w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.w and event.type() == QEvent.Type.Close:
            self._training_timer.stop()
        return False

    def _on_train_toggled(self, training: bool) -> None:
        shown = self.data_stack.currentWidget() is self.image
        if training and shown:
            self._training_timer.start()
        else:
            self._training_timer.stop()

    def _on_training_tick(self) -> None:
        """Training: the hidden units' pictures as the weights change (the
        sample stays the one last shown)."""
        if not self.w.actions_by_name["train"].isChecked():  # stopped without a signal
            self._training_timer.stop()
            return
        net = self.c.timeline.trainer.net
        self.image.set_first_weights(net.weights[0] if len(net.sizes) > 2 else None)

    # -- showing -------------------------------------------------------------------

    def _on_chain_visibility(self, visible: bool) -> None:
        if not visible:
            return
        if not self._sized and not self.chain_dock.isFloating():
            self._sized = True  # the first time: room to read it; then as the user leaves it
            height = int(self.w.height() * CHAIN_SHARE)
            self.w.resizeDocks([self.chain_dock], [height], Qt.Orientation.Vertical)
        self._on_refreshed()

    def _on_refreshed(self) -> None:
        tl = self.c.timeline
        if self.chain_dock.isVisible():
            settings = self.c.view_settings
            self.chain.set_digits(settings.digits, decimals=settings.decimals)
            net = tl.net_before_step()
            after = tl.trace.weights_after if tl.trace.layout.in_place else None
            self.chain.set_graph(chain_graph(tl.frame, net, tl.trace.X, tl.trace.Y, after))
        shape = image_shape(tl.session.dataset.feature_names)
        if shape is None:
            self.data_stack.setCurrentWidget(self.w.data_view)
            self.input_picture.set_sample(None)
            return
        self.data_stack.setCurrentWidget(self.image)
        self.image.set_shape(shape)
        self._show_sample(shape)

    def _show_sample(self, shape: tuple[int, int]) -> None:
        tl = self.c.timeline
        data = tl.session.dataset
        s = tl.frame.sample or 0
        x, y = tl.trace.X[s], tl.trace.Y[s]
        net = tl.trainer.net if tl.update_shown else tl.net_before_step()
        out = net.forward(x[None])[0]
        names = data.class_names or ()
        index = int(tl.batch_indices[s]) + 1 if len(tl.batch_indices) > s else s + 1
        title = f"Training sample {index}"
        answer = ""
        if len(names) == len(y) and len(y) > 1:
            title += f": a {names[int(np.argmax(y))]}"
            best = int(np.argmax(out))
            answer = f"The network says {names[best]} ({out[best]:.0%})"
        weights = net.weights[0] if len(net.sizes) > 2 else None
        pixels = self._ink(data, x)
        self.image.show_sample(pixels, title, answer, weights)
        self.input_picture.set_sample(pixels, shape)

    def _ink(self, data: Dataset, x: Array) -> Array:
        """A sample's pixels from 0 to 1, from the data's own values (a
        standardized CSV of pixel counts is drawn from its counts)."""
        if self._ink_of is None or self._ink_of[0] is not data:
            raw = data.to_raw(data.X)
            low, high = float(np.min(raw)), float(np.max(raw))
            self._ink_of = (data, low, high)
        _, low, high = self._ink_of
        out: Array = (data.to_raw(x) - low) / (high - low if high > low else 1.0)
        return out

    # -- gradient check --------------------------------------------------------------

    def _on_gradient_check(self) -> None:
        a = self.w.actions_by_name
        for name in ("play", "train"):
            a[name].setChecked(False)
        tl = self.c.timeline
        table = gradient_table(tl.net_before_step(), tl.trace.X, tl.trace.Y)
        n = len(tl.trace.X)
        batch = f"its batch of {n} samples" if n > 1 else "its sample"
        title = f"Step {tl.step}: the network before the step, on {batch}"
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = GradientCheckDialog(table, title, self.w)
        # a dialog is a window of its own: it takes the window's type by hand
        scale = self.c.view_settings.font_scale
        self.dialog.setFont(self.w.font())
        screen = self.w.screen().availableGeometry()
        width = min(int(760 * scale), int(screen.width() * 0.9))
        self.dialog.resize(width, min(int(520 * scale), int(screen.height() * 0.9)))
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()
