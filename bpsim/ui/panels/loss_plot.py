"""The live loss plot: training and test loss, and accuracy, against the step.

Points go into bounded buffers (:class:`~bpsim.viewmodel.history.BoundedSeries`) as fast
as training produces them; the curves are redrawn only when :meth:`LossPlot.refresh`
is called, at display rate. Each series has one ``PlotDataItem``, created
once and fed with ``setData``. Accuracy (classification only) has its own
linear 0..1 axis on the right, in a ViewBox linked to the loss view along x
(pyqtgraph's MultiplePlotAxes example), so the loss axis can go logarithmic
on its own. The axes and the grid live in :mod:`bpsim.ui.panels.plot_axes`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bpsim.ui.panels.loss_legend import SERIES, legend_html
from bpsim.ui.panels.plot_axes import AccuracyAxis, IndicatorStyle, LossAxis, StepAxis, TickGrid
from bpsim.viewmodel.history import BoundedSeries

SERIES_LABELS = {"train": "training loss", "test": "test loss", "accuracy": "accuracy"}
DEFAULT_CAPACITY = 10_000  # points kept per series
X_UNITS = ("step", "epoch")


# curve colours for light and dark backgrounds (Okabe–Ito, colour-blind safe)
LIGHT_COLORS = {"train": "#0072b2", "test": "#d55e00", "accuracy": "#009e73"}
DARK_COLORS = {"train": "#56b4e9", "test": "#f0a04b", "accuracy": "#3fcf9f"}


class LossPlot(QWidget):
    """Training loss, test loss and accuracy against the training step.

    Feed it with :meth:`append` / :meth:`append_many` as training runs and
    call :meth:`refresh` at display rate. Each series keeps at most
    ``capacity`` points (older ones are decimated, keeping the curve's shape).
    """

    sigLogYChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, capacity: int = DEFAULT_CAPACITY) -> None:
        super().__init__(parent)
        self._buffers = {name: BoundedSeries(capacity) for name in SERIES}
        self._dirty: set[str] = set()
        self._x_unit = "step"
        self._steps_per_epoch: int | None = None
        self._font_pt = max(self.font().pointSizeF(), 10.0)

        # the legend sits above the plot, with each series' latest value, so
        # it never hides a curve
        self._status = QLabel()
        self._status.setTextFormat(Qt.TextFormat.RichText)
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._log_check = QCheckBox("log scale")
        self._log_check.setToolTip("Show the loss on a logarithmic axis")
        self._log_check.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # keep → for the timeline
        self._check_style = IndicatorStyle()
        self._check_style.setParent(self)
        self._log_check.setStyle(self._check_style)

        self._plot_widget = pg.PlotWidget(
            axisItems={
                "bottom": StepAxis("bottom"),
                "left": LossAxis("left"),
                "right": AccuracyAxis("right"),
            }
        )
        self._plot_widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        item = self._plot_widget.getPlotItem()
        assert item is not None
        self._item: pg.PlotItem = item
        item.hideButtons()
        item.getViewBox().setLimits(xMin=-0.5)  # no negative steps, whatever the zoom
        for side in ("left", "bottom", "right"):  # no "loss (x0.001)": the numbers as they are
            item.getAxis(side).enableAutoSIPrefix(False)
        self._grid = TickGrid(item)
        item.addItem(self._grid, ignoreBounds=True)

        self._acc_view = pg.ViewBox(enableMenu=False)
        self._acc_view.setMouseEnabled(x=False, y=False)
        self._acc_view.setYRange(0.0, 1.0, padding=0.03)
        self._acc_view.disableAutoRange()
        self._acc_view.setZValue(-10)
        scene = item.scene()
        assert scene is not None
        scene.addItem(self._acc_view)
        item.getAxis("right").linkToView(self._acc_view)
        self._acc_view.setXLink(item)
        item.getAxis("right").setLabel("accuracy")
        item.hideAxis("right")

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

        header = QHBoxLayout()
        header.setContentsMargins(10, 6, 10, 0)
        header.addWidget(self._status, 1)
        header.addWidget(self._log_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self._plot_widget, 1)

        self._connect_callbacks()
        self._colors = LIGHT_COLORS
        self._apply_theme()
        self._empty = True
        self._reset_range()

    def _connect_callbacks(self) -> None:
        self._log_check.toggled.connect(self._on_log_check_toggled)
        # pyqtgraph's own context menu toggles log mode through this check box
        self._item.ctrl.logYCheck.toggled.connect(self._on_plot_log_toggled)
        self._item.vb.sigResized.connect(self._on_view_resized)

    # -- data ----------------------------------------------------------------

    @property
    def capacity(self) -> int:
        return self._buffers["train"].capacity

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
        values = {"train": train_loss, "test": test_loss, "accuracy": accuracy}
        for name, value in values.items():
            if value is not None:
                self._buffers[name].append(step, value)
                self._dirty.add(name)

    def append_many(
        self,
        steps: ArrayLike,
        train_losses: ArrayLike,
        test_losses: ArrayLike | None = None,
        accuracies: ArrayLike | None = None,
    ) -> None:
        """Record many steps at once (arrays of equal length; NaN means no value)."""
        x = np.asarray(steps, dtype=np.float64)
        values = {"train": train_losses, "test": test_losses, "accuracy": accuracies}
        for name, ys in values.items():
            if ys is not None:
                self._buffers[name].extend(x, ys)
                self._dirty.add(name)

    def refresh(self) -> None:
        """Hand the buffered points to the curves (call at display rate)."""
        if not self._dirty:
            return
        for name in SERIES:
            if name in self._dirty:
                x, y = self._buffers[name].data()
                self._curves[name].setData(x, y)
                # a lone point draws no line: show it as a dot until there are two
                lone = "o" if len(x) == 1 else None
                if self._curves[name].opts["symbol"] != lone:
                    self._curves[name].setSymbol(lone)
        self._dirty.clear()
        empty = all(len(buffer) == 0 for buffer in self._buffers.values())
        if empty != self._empty:  # fit the first points; a user's zoom stays after that
            self._empty = empty
            self._reset_range()
        self._item.showAxis("right", len(self._buffers["accuracy"]) > 0)
        self._update_status()

    def _reset_range(self) -> None:
        if self._empty:
            self._item.setRange(xRange=(0, 100), yRange=(0, 1), padding=0.02)
        else:
            self._item.enableAutoRange()

    def clear(self) -> None:
        """Forget every point (takes effect at once)."""
        for buffer in self._buffers.values():
            buffer.clear()
        self._dirty.update(SERIES)
        self.refresh()

    def truncate_after(self, step: int) -> None:
        """Drop the points after ``step`` (takes effect at once): the user went
        back in time and trains on from there."""
        for buffer in self._buffers.values():
            buffer.truncate_after(step)
        self._dirty.update(SERIES)
        self.refresh()

    def history(self) -> dict[str, tuple[list[float], list[float]]]:
        """Every series' points (steps, values), as a session file keeps them."""
        out = {}
        for name in SERIES:
            x, y = self._buffers[name].data()
            if len(x):
                out[name] = (x.tolist(), y.tolist())
        return out

    def load_history(self, history: dict[str, tuple[list[float], list[float]]]) -> None:
        """Add points saved by :meth:`history` (unknown series are ignored)."""
        for name, (x, y) in history.items():
            if name in self._buffers:
                self._buffers[name].extend(np.asarray(x), np.asarray(y))

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
        """Label the x axis in training steps or in epochs.

        The data stay in steps; ``"epoch"`` needs ``steps_per_epoch``
        (steps per pass over the training set).
        """
        if unit not in X_UNITS:
            raise ValueError(f"unit must be one of {X_UNITS}, not {unit!r}")
        if unit == "epoch":
            if steps_per_epoch is None or steps_per_epoch < 1:
                raise ValueError("the epoch unit needs steps_per_epoch >= 1")
            self._steps_per_epoch = int(steps_per_epoch)
        self._x_unit = unit
        axis = self._item.getAxis("bottom")
        axis.setScale(
            1.0 / self._steps_per_epoch if unit == "epoch" and self._steps_per_epoch else 1
        )
        self._apply_fonts()

    def font_size(self) -> float:
        return self._font_pt

    def set_font_size(self, pt: float) -> None:
        """Text size in points of axes, legend and header (large for lecture halls)."""
        if pt <= 0:
            raise ValueError("font size must be positive")
        self._font_pt = float(pt)
        self._apply_theme()  # pen widths follow the text size, and so do fonts

    # -- look ----------------------------------------------------------------

    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Base).lightness() < 128

    def _foreground(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _apply_theme(self) -> None:
        pal = self.palette()
        background = pal.color(QPalette.ColorRole.Base)
        foreground = self._foreground()
        colors = DARK_COLORS if self._dark() else LIGHT_COLORS
        self._plot_widget.setBackground(background)
        axis_pen = QColor(foreground)
        axis_pen.setAlpha(150)
        for side in ("left", "bottom", "right"):
            axis = self._item.getAxis(side)
            axis.setPen(axis_pen)
            axis.setTextPen(foreground)
        self._grid.set_color(foreground)
        # wide pens cost much more to rasterize: the noisy, dense training
        # curve stays thin unless the text is large
        width = max(2.0, self._font_pt / 5.0)
        train_width = 1.0 if self._font_pt < 15 else width * 0.75
        self._curves["train"].setPen(pg.mkPen(colors["train"], width=train_width))
        self._curves["test"].setPen(pg.mkPen(colors["test"], width=width))
        dash = Qt.PenStyle.DashLine
        self._curves["accuracy"].setPen(pg.mkPen(colors["accuracy"], width=width, style=dash))
        marker = QColor(foreground)
        marker.setAlpha(150)
        self._marker.setPen(pg.mkPen(marker, width=width))
        accuracy_axis = self._item.getAxis("right")
        accuracy_axis.setTextPen(colors["accuracy"])
        accuracy_axis.setPen(pg.mkPen(colors["accuracy"]))
        self._colors = colors
        self._update_status()
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        pt = self._font_pt
        font = QFont(self.font())
        font.setPointSizeF(pt)
        labels = {
            "left": ("loss (log scale)" if self.log_y() else "loss", self._foreground().name()),
            "bottom": (self._x_unit, self._foreground().name()),
            "right": ("accuracy", self._colors["accuracy"]),
        }
        for side, (text, color) in labels.items():
            axis = self._item.getAxis(side)
            axis.setTickFont(font)
            axis.setLabel(text, **{"font-size": f"{pt:g}pt", "color": color})
        small = QFont(font)
        small.setPointSizeF(pt * 0.92)
        self._status.setFont(small)
        self._log_check.setFont(small)
        self._check_style.indicator = round(QFontMetricsF(small).height() * 0.8)
        self._log_check.updateGeometry()

    def series_label(self, name: str) -> str:
        """What the header calls a series: accuracy is the test accuracy once
        test losses have been appended (the controller measures it on the test
        set when there is one)."""
        if name == "accuracy" and len(self._buffers["test"]) > 0:
            return "test accuracy"
        return SERIES_LABELS[name]

    def _update_status(self) -> None:
        """The legend line: each series' colour key and latest value."""
        latest = {name: self._buffers[name].last() for name in SERIES}
        labels = {name: self.series_label(name) for name in SERIES}
        self._status.setText(legend_html(latest, self._colors, labels))

    # -- events ----------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_theme()
        super().changeEvent(event)

    def _on_log_check_toggled(self, on: bool) -> None:
        self.set_log_y(on)

    def _on_plot_log_toggled(self, on: bool) -> None:
        self._log_check.blockSignals(True)
        self._log_check.setChecked(on)
        self._log_check.blockSignals(False)
        self._apply_fonts()
        self.sigLogYChanged.emit(on)

    def _on_view_resized(self) -> None:
        self._acc_view.setGeometry(self._item.vb.sceneBoundingRect())
        self._acc_view.linkedViewChanged(self._item.vb, self._acc_view.XAxis)
