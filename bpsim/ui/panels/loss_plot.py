"""The live loss plot: training and test loss, and accuracy, against the step.

Points go into a :class:`~bpsim.viewmodel.history.LossHistory` as training
produces them; the curves are redrawn only by :meth:`LossPlot.refresh`. Each
series has one ``PlotDataItem``, fed with ``setData``. Accuracy has its own
linear 0..1 axis on the right, in a ViewBox linked along x, so the loss axis
can go logarithmic on its own. Axes and grid: :mod:`~bpsim.ui.panels.plot_axes`;
header: :mod:`~bpsim.ui.panels.loss_legend`; marks: :mod:`~bpsim.ui.panels.loss_marks`;
type that fits a small panel: :mod:`~bpsim.ui.panels.plot_fit`.

The view follows the data (:func:`~bpsim.viewmodel.loss_view.fit_range`):
x from the first step to the latest, the loss never below zero. Dragging or
zooming stops following; a double click follows again.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import QEvent, QSignalBlocker, Signal
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from bpsim.ui.panels import loss_legend as legend
from bpsim.ui.panels import plot_axes as axes
from bpsim.ui.panels.loss_legend import DARK_COLORS, LIGHT_COLORS, LossHeader
from bpsim.ui.panels.loss_marks import LoneCaption, LowestTestMark
from bpsim.ui.panels.plot_fit import PANEL_MIN, fit_panel_type
from bpsim.viewmodel.history import SERIES, LossHistory
from bpsim.viewmodel.loss_view import LowestTest, Moment, fit_range, lowest_test

DEFAULT_CAPACITY = 10_000  # points kept per series
__all__ = ["DARK_COLORS", "LIGHT_COLORS", "LossPlot"]
# lines of text beside the plot area (both axes) and under it (the x axis, a margin)
AXIS_LINES = (6.0, 3.0)


class LossPlot(QWidget):
    """Training loss, test loss and accuracy against the training step.

    Feed it with :meth:`append` / :meth:`append_many` as training runs and
    call :meth:`refresh` at display rate. Each series keeps at most
    ``capacity`` points (older ones are decimated, keeping the curve's shape).
    """

    sigLogYChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, capacity: int = DEFAULT_CAPACITY) -> None:
        super().__init__(parent)
        self._history = LossHistory(capacity)
        self._x_unit = "step"
        self._steps_per_epoch: int | None = None
        self._font_pt = max(self.font().pointSizeF(), 10.0)  # as asked for
        self._shown_pt = self._font_pt  # as drawn: no larger than the plot has room for
        self._header_at = (0, 0)  # the width and header height the type was fitted to
        self._moment: Moment | None = None
        self._follow = True  # the view follows the data until the user moves it

        # the legend sits above the plot, so it never hides a curve
        self._header = LossHeader()
        self._status, self._log_check = self._header.status, self._header.log_check

        self._plot_widget, self._grid, self._acc_view = axes.make_plot_widget()
        item = self._plot_widget.getPlotItem()
        assert item is not None
        self._item: pg.PlotItem = item

        self._curves: dict[str, pg.PlotDataItem] = {}
        for name in SERIES:
            curve = pg.PlotDataItem()
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            if name == "accuracy":
                self._acc_view.addItem(curve)
            else:
                item.addItem(curve)
            self._curves[name] = curve

        self._marker = pg.InfiniteLine(angle=90, movable=False)
        self._marker.setZValue(20)
        self._marker.hide()
        item.addItem(self._marker, ignoreBounds=True)
        self._caption = LoneCaption(item)
        self._lowest = LowestTestMark(item)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._header)
        layout.addWidget(self._plot_widget, 1)
        self.setMinimumSize(*PANEL_MIN)  # its text shrinks to fit, the window never grows

        self._connect_callbacks()
        self._colors = LIGHT_COLORS
        self._apply_theme()
        self._fit_view()

    def _connect_callbacks(self) -> None:
        self._log_check.toggled.connect(self.set_log_y)
        # pyqtgraph's own context menu toggles log mode through this check box
        self._item.ctrl.logYCheck.toggled.connect(self._on_plot_log_toggled)
        self._item.vb.sigResized.connect(self._on_view_resized)
        self._item.vb.sigRangeChangedManually.connect(self._on_range_changed_manually)
        scene = self._plot_widget.scene()
        assert scene is not None
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    # -- data ----------------------------------------------------------------

    @property
    def capacity(self) -> int:
        return self._history.capacity

    def append(
        self,
        step: int,
        train_loss: float,
        test_loss: float | None = None,
        accuracy: float | None = None,
    ) -> None:
        """Record one training step. Shown at the next :meth:`refresh`.

        Non-finite values (a diverged loss) are skipped. A step at or before
        the latest one recorded first drops the points from that step on.
        """
        self._history.append(step, train_loss, test_loss, accuracy)

    def append_many(
        self,
        steps: ArrayLike,
        train_losses: ArrayLike,
        test_losses: ArrayLike | None = None,
        accuracies: ArrayLike | None = None,
    ) -> None:
        """Record many steps at once (arrays of equal length; NaN means no value)."""
        self._history.append_many(steps, train_losses, test_losses, accuracies)

    def refresh(self) -> None:
        """Hand the buffered points to the curves (call at display rate)."""
        changed = self._history.take_changed()
        if not changed:
            return
        for name in SERIES:
            if name in changed:
                x, y = self._history.shown(name)  # absurd losses drawn at a ceiling
                self._curves[name].setData(x, y)
                # a lone point draws no line: show it as a dot until there are two
                lone = "o" if len(x) == 1 else None
                if self._curves[name].opts["symbol"] != lone:
                    self._curves[name].setSymbol(lone)
                    self._curves[name].setSymbolBrush(self._colors[name])
                    self._curves[name].setSymbolPen(self._colors[name])
        self._item.showAxis("right", len(self._history["accuracy"]) > 0)
        self._fit_view()
        self._update_marks()
        self._update_status()

    # -- the view and the marks ------------------------------------------------

    def follows_data(self) -> bool:
        """True while the view follows the data (until the user drags or zooms)."""
        return self._follow

    def follow_data(self) -> None:
        """Fit the view to the data, and keep it fitted as points arrive."""
        self._follow = True
        self._fit_view()

    def _fit_view(self) -> None:
        if not self._follow:
            return
        x, y = self._history.loss_points()
        x_range, y_range = fit_range(x, y, log=self.log_y())
        if len(x) == 0 and len(self._history["accuracy"]):  # accuracy alone sets the steps
            steps = self._history["accuracy"].data()[0]
            x_range = fit_range(steps, np.ones_like(steps), log=False)[0]
        self._item.vb.setRange(xRange=x_range, yRange=y_range, padding=0.0)

    def _update_marks(self) -> None:
        """The caption of lone first points, and the lowest test loss's star."""
        labels = {name: self.series_label(name) for name in SERIES}
        y0, y1 = self._item.vb.viewRange()[1]  # the caption sits halfway up the view
        self._caption.update(self._history, self._colors, labels, y=(y0 + y1) / 2)
        x, y = self._history["test"].data()
        self._lowest.set_point(lowest_test(x, y), log=self.log_y())

    def lone_caption(self) -> str:
        """The caption beside the lone first points ("" when hidden)."""
        return self._caption.text

    def lowest_test(self) -> LowestTest | None:
        """The lowest test loss the plot marks (None: not marked)."""
        return self._lowest.point

    def clear(self) -> None:
        """Forget every point (takes effect at once)."""
        self._history.clear()
        self.refresh()

    def truncate_after(self, step: int) -> None:
        """Drop the points after ``step`` (takes effect at once): the user went
        back in time and trains on from there."""
        self._history.truncate_after(step)
        self.refresh()

    def history(self) -> dict[str, tuple[list[float], list[float]]]:
        """Every series' points (steps, values), as a session file keeps them."""
        return self._history.points()

    def load_history(self, history: dict[str, tuple[list[float], list[float]]]) -> None:
        """Add points saved by :meth:`history` (unknown series are ignored)."""
        self._history.load(history)

    def series(self, name: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The points the curve ``name`` holds (as of the last refresh)."""
        if name not in self._curves:
            raise KeyError(f"unknown series {name!r}; choose one of {', '.join(SERIES)}")
        x, y = self._curves[name].getOriginalDataset()
        if x is None or y is None:
            return np.empty(0), np.empty(0)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    # -- view options ----------------------------------------------------------

    @property
    def plot_item(self) -> pg.PlotItem:
        return self._item

    @property
    def marker(self) -> pg.InfiniteLine:
        """The vertical line at the timeline's current step."""
        return self._marker

    def set_current_step(self, step: float | None) -> None:
        """Move the current-step marker (None hides it)."""
        if step is None:
            self._marker.hide()
            return
        self._marker.setValue(float(step))
        self._marker.show()

    def set_moment(self, moment: Moment | None) -> None:
        """Describe ``moment`` in the header and put the marker at its step
        (None: the latest point, as while training)."""
        self._moment = moment
        self.set_current_step(None if moment is None else moment.step)
        self._update_status()

    def moment(self) -> Moment | None:
        """What the header describes: the moment set, else the latest point."""
        return self._moment if self._moment is not None else self._history.latest_moment()

    def header_text(self) -> str:
        return self._status.text()

    def current_step(self) -> float | None:
        return float(self._marker.value()) if self._marker.isVisible() else None

    def log_y(self) -> bool:
        return bool(self._item.ctrl.logYCheck.isChecked())

    def set_log_y(self, on: bool) -> None:
        """Show the loss on a logarithmic (True) or linear axis."""
        if on != self.log_y():
            self._item.setLogMode(y=on)

    def x_unit(self) -> str:
        return self._x_unit

    def set_x_unit(self, unit: str, steps_per_epoch: int | None = None) -> None:
        """Label the x axis in training steps or in epochs (the data stay in
        steps; ``"epoch"`` needs ``steps_per_epoch``, steps per pass over the data).
        """
        self._steps_per_epoch = axes.x_unit_steps(unit, steps_per_epoch, self._steps_per_epoch)
        self._x_unit = unit
        epochs = unit == "epoch" and self._steps_per_epoch
        self._item.getAxis("bottom").setScale(1.0 / self._steps_per_epoch if epochs else 1)
        self._apply_fonts()

    def font_size(self) -> float:
        return self._font_pt

    def set_font_size(self, pt: float) -> None:
        """Text size in points of axes, legend and header (large for lecture halls)."""
        if pt <= 0:
            raise ValueError("font size must be positive")
        self._font_pt = float(pt)
        self._shown_pt = self._fitted_pt()
        self._apply_theme()  # pens and fonts follow the text size

    def shown_font_size(self) -> float:
        """The text size drawn: :meth:`font_size`, or less in a small panel."""
        return self._shown_pt

    def _fitted_pt(self) -> float:
        """The type that leaves the plot area its room (:func:`fit_panel_type`)."""
        width, size, header = self.width(), (self.width(), self.height()), self._header.fit
        pt = fit_panel_type(
            self._font_pt, size, self.font(), lambda p: header(p * 0.92, width), AXIS_LINES
        )
        self._header_at = (width, self._header.heightForWidth(width))
        return pt

    def _refit(self) -> None:
        pt = self._fitted_pt()
        if abs(pt - self._shown_pt) > 0.05:
            self._shown_pt = pt
            self._apply_theme()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    # -- look ----------------------------------------------------------------

    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Base).lightness() < 128

    def _foreground(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _apply_theme(self) -> None:
        background = self.palette().color(QPalette.ColorRole.Base)
        foreground = self._foreground()
        colors = DARK_COLORS if self._dark() else LIGHT_COLORS
        self._plot_widget.setBackground(background)
        axes.color_axes(self._item, {"left": foreground, "bottom": foreground})
        axes.color_axes(self._item, {"right": colors["accuracy"]})
        self._grid.set_color(foreground)
        width = legend.style_curves(self._curves, colors, self._shown_pt)
        marker = QColor(foreground)
        marker.setAlpha(150)
        self._marker.setPen(pg.mkPen(marker, width=width))
        self._caption.set_color(foreground)
        self._colors = colors
        self._update_status()
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        pt = self._shown_pt
        font = QFont(self.font())
        font.setPointSizeF(pt)
        labels = {
            "left": ("loss (log scale)" if self.log_y() else "loss", self._foreground().name()),
            "bottom": (self._x_unit, self._foreground().name()),
            "right": ("accuracy", self._colors["accuracy"]),
        }
        axes.label_axes(self._item, font, labels)
        small = QFont(font)
        small.setPointSizeF(pt * 0.92)
        self._header.set_text_font(small)
        self._caption.set_font(small)
        self._lowest.set_style(
            self._colors["test"], small, self.palette().color(QPalette.ColorRole.Base)
        )

    def series_label(self, name: str) -> str:
        """What the header calls a series (see :meth:`LossHistory.label`)."""
        return self._history.label(name)

    def _update_status(self) -> None:
        """The header: the moment shown, each series' colour key and value."""
        moment = self.moment()
        labels = {name: self.series_label(name) for name in SERIES}
        self._status.setText(legend.legend_html(moment, self._colors, labels))
        shown = {n for n, v in (moment.values if moment else {}).items() if v is not None}
        self._status.setToolTip(legend.legend_tooltip(labels, shown or {"train"}))
        width = self.width()  # new text may need other type to fit
        if self._header_at != (width, self._header.heightForWidth(width)):
            self._refit()

    # -- events ----------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_theme()
        super().changeEvent(event)

    def _on_plot_log_toggled(self, on: bool) -> None:
        with QSignalBlocker(self._log_check):
            self._log_check.setChecked(on)
        self._item.vb.setLimits(yMin=-1e307 if on else 0.0)  # log10 of a loss may be negative
        self._apply_fonts()
        self._fit_view()
        self._update_marks()
        self.sigLogYChanged.emit(on)

    def _on_range_changed_manually(self, *_: object) -> None:
        self._follow = False

    def _on_mouse_clicked(self, event: object) -> None:
        if getattr(event, "double", lambda: False)():
            self.follow_data()

    def _on_view_resized(self) -> None:
        self._acc_view.setGeometry(self._item.vb.sceneBoundingRect())
        self._acc_view.linkedViewChanged(self._item.vb, self._acc_view.XAxis)
        self._caption.fit(self._item.vb.width(), self._item.vb.height())
