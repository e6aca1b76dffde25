"""View settings: full screen, type size, the digits of numbers, the loss
plot's axes, and the preferences that remember them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QSignalBlocker

from bpsim.model.notation import DEFAULT_DIGITS, DIGITS_RANGE
from bpsim.ui.window.dock_layout import chrome_font
from bpsim.viewmodel.network.fit import FONT_SCALES, TYPE_STEPS

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow


class ViewSettings(QObject):
    """Connects the View menu's presentation actions to ``window``'s widgets.

    ``steps_per_epoch`` tells the loss plot how to count epochs.
    """

    def __init__(self, window: MainWindow, steps_per_epoch: Callable[[], int]) -> None:
        super().__init__(window)
        self.w = window
        self._steps_per_epoch = steps_per_epoch
        self.font_scale = 1.0
        self.digits = DEFAULT_DIGITS
        self.decimals = False
        size = window.font().pointSizeF()  # −1 for a font set in pixels
        self._base_point_size = size if size > 0 else max(window.font().pixelSize() * 0.75, 9.0)
        self._connect_callbacks()

    def _connect_callbacks(self) -> None:
        a, plot = self.w.actions_by_name, self.w.loss_plot
        a["fullscreen"].toggled.connect(self._on_fullscreen_toggled)
        a["zoom_in"].triggered.connect(lambda: self.set_font_scale(self._next_step(+1)))
        a["zoom_out"].triggered.connect(lambda: self.set_font_scale(self._next_step(-1)))
        a["zoom_reset"].triggered.connect(lambda: self.set_font_scale(1.0))
        a["log_loss"].toggled.connect(plot.set_log_y)
        plot.sigLogYChanged.connect(a["log_loss"].setChecked)
        a["loss_epochs"].toggled.connect(lambda _: self.apply_x_unit())
        a["more_digits"].triggered.connect(lambda: self._on_digits(self.digits + 1))
        a["fewer_digits"].triggered.connect(lambda: self._on_digits(self.digits - 1))
        a["decimal_places"].toggled.connect(lambda on: self._on_digits(self.digits, on))
        c = self.w.controls
        c.digits.valueChanged.connect(lambda n: self._on_digits(n))
        c.decimals.toggled.connect(lambda on: self._on_digits(self.digits, on))

    def _on_fullscreen_toggled(self, on: bool) -> None:
        if on and not self.w.isFullScreen():
            self.w.showFullScreen()
        elif not on and self.w.isFullScreen():
            self.w.showNormal()

    def _next_step(self, direction: int) -> float:
        """The next type step up (+1) or down (−1) from the current scale: the
        same few sizes whichever way one gets there."""
        eps = 1e-6
        if direction > 0:
            return next((s for s in TYPE_STEPS if s > self.font_scale + eps), TYPE_STEPS[-1])
        return next((s for s in reversed(TYPE_STEPS) if s < self.font_scale - eps), TYPE_STEPS[0])

    def set_font_scale(self, scale: float) -> None:
        """Type everywhere at ``scale`` times its normal size."""
        self.font_scale = min(max(scale, FONT_SCALES[0]), FONT_SCALES[1])
        points = self._base_point_size * self.font_scale
        font = self.w.font()
        font.setPointSizeF(points)
        self.w.setFont(font)
        self.w.network_view.set_font_scale(self.font_scale)
        self.w.formula_card.set_font_scale(self.font_scale)
        self.w.loss_plot.set_font_size(points)
        self.w.data_view.set_font_size(points)
        self.w.set_chrome_font(chrome_font(font, self.font_scale, self._base_point_size))
        self.w.fit_right_column()

    def set_digits(self, digits: int, *, decimals: bool | None = None) -> None:
        """Numbers with ``digits`` significant figures, or decimal places
        with ``decimals`` (unchanged when None); clamped to the range."""
        low, high = DIGITS_RANGE
        self.digits = min(max(int(digits), low), high)
        if decimals is not None:
            self.decimals = decimals
        self.w.formula_card.set_digits(self.digits, decimals=self.decimals)
        self.w.network_view.set_digits(self.digits, decimals=self.decimals)
        c, a = self.w.controls, self.w.actions_by_name
        with QSignalBlocker(c.digits), QSignalBlocker(c.decimals):
            c.digits.setValue(self.digits)
            c.decimals.setChecked(self.decimals)
        with QSignalBlocker(a["decimal_places"]):
            a["decimal_places"].setChecked(self.decimals)
        a["more_digits"].setEnabled(self.digits < high)
        a["fewer_digits"].setEnabled(self.digits > low)

    def _on_digits(self, digits: int, decimals: bool | None = None) -> None:
        self.set_digits(digits, decimals=decimals)
        kind = "decimal places" if self.decimals else "significant digits"
        self.w.statusBar().showMessage(f"Numbers: {self.digits} {kind}", 2000)

    def apply_x_unit(self) -> None:
        """Count the loss plot's x axis in steps or in epochs."""
        if self.w.actions_by_name["loss_epochs"].isChecked():
            self.w.loss_plot.set_x_unit("epoch", steps_per_epoch=self._steps_per_epoch())
        else:
            self.w.loss_plot.set_x_unit("step")

    def restore(self, settings: QSettings) -> None:
        a = self.w.actions_by_name
        try:
            scale = float(settings.value("view/font_scale", 1.0))
        except (TypeError, ValueError):
            scale = 1.0  # a damaged preference
        self.set_font_scale(scale if math.isfinite(scale) else 1.0)
        try:
            digits = int(settings.value("view/digits", DEFAULT_DIGITS))
        except (TypeError, ValueError):
            digits = DEFAULT_DIGITS  # a damaged preference
        self.set_digits(digits, decimals=settings.value("view/decimals", "false") == "true")
        for name in ("log_loss", "loss_epochs"):
            a[name].setChecked(settings.value(f"view/{name}", "false") == "true")

    def save(self, settings: QSettings) -> None:
        a = self.w.actions_by_name
        settings.setValue("view/font_scale", self.font_scale)
        settings.setValue("view/digits", self.digits)
        settings.setValue("view/decimals", "true" if self.decimals else "false")
        for name in ("log_loss", "loss_epochs"):
            settings.setValue(f"view/{name}", "true" if a[name].isChecked() else "false")
