"""The data panel: the training data and the network's answer over it.

Two inputs: the output fills the plane (blue for class 0, orange for class 1,
background at p = 0.5, the p = 0.5 line on top), or for several classes each
class's colour, paler where the network is unsure. One input: the prediction
is a curve. More inputs: the first two features only. :mod:`bpsim.viewmodel.boundary`
decides which (:func:`~bpsim.viewmodel.boundary.plot_kind`) and computes the numbers.

Items are created once; :meth:`DataView.update_network`, called at display
rate, recomputes only the surface or curve and hands it over with
``setImage`` / ``setData``. The surface fills the visible plot and follows
resizes. Training points are filled dots, test points hollow squares. The
plot is in the network's (standardized) values; its axes name raw units.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from bpsim.model.data.dataset import Dataset
from bpsim.ui.panels.data_axes import RawAxis, SmoothImageItem, sample_tip
from bpsim.ui.panels.data_legend import DataHeader, class_colors, ring_style, sample_colors
from bpsim.ui.panels.plot_axes import color_axes, label_axes
from bpsim.ui.panels.plot_fit import PANEL_MIN, fit_panel_type
from bpsim.viewmodel import boundary as bd
from bpsim.viewmodel import units
from bpsim.viewmodel.boundary import Forward, PlotKind, Surface

Array = NDArray[np.float64]
Range = tuple[tuple[float, float], tuple[float, float]]

SURFACES: tuple[PlotKind, ...] = ("binary", "multiclass", "value")
SURFACE_STRENGTH = 0.45  # how far the surface's colours go from the background
FEW_SAMPLES = 20  # fewer samples than this get bigger dots (XOR's four corners)
MAX_ASPECT_LOCK = 3.0  # x:y is 1:1 unless one feature spans 3x the other
AXIS_LINES = (3.5, 3.0)  # lines of text beside the plot area (left axis), and under it


class DataView(QWidget):
    """Training (and test) samples with the network's decision surface."""

    def __init__(
        self, parent: QWidget | None = None, *, resolution: int = bd.DEFAULT_RESOLUTION
    ) -> None:
        super().__init__(parent)
        self._resolution = resolution
        self._font_pt = max(self.font().pointSizeF(), 10.0)
        self._train: Dataset | None = None
        self._test: Dataset | None = None
        self._kind: PlotKind | None = None
        self._points: Array = np.empty((0, 2))
        self._shape = (0, 0)
        self._grid_range: Range | None = None
        self._value_range = (0.0, 1.0)
        self._surface: Surface | None = None
        self._net: Forward | None = None  # kept to redo the surface when the view resizes
        self._highlight: int | None = None
        self._axis_labels = ("", "")

        self._header = DataHeader()
        self._shown_pt = self._font_pt  # as drawn: no larger than the panel has room for
        self._axes = {side: RawAxis(side) for side in ("bottom", "left")}
        self._plot_widget = pg.PlotWidget(axisItems=dict(self._axes))
        self._plot_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        item = self._plot_widget.getPlotItem()
        assert item is not None
        self._item: pg.PlotItem = item
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)

        self._image = SmoothImageItem()
        self._image.setOpts(axisOrder="row-major")
        self._boundary = pg.PlotDataItem(connect="pairs", antialias=True)
        self._curve = pg.PlotDataItem(antialias=True)
        train_tip = sample_tip(lambda: self._train, "training")
        test_tip = sample_tip(lambda: self._test, "test")
        self._test_scatter = pg.ScatterPlotItem(
            symbol="s", antialias=True, hoverable=True, tip=test_tip
        )
        self._train_scatter = pg.ScatterPlotItem(
            symbol="o", antialias=True, hoverable=True, tip=train_tip
        )
        self._ring = pg.ScatterPlotItem(symbol="o", antialias=True)
        layers = (self._image, self._boundary, self._curve, self._test_scatter)
        for z, it in enumerate((*layers, self._train_scatter, self._ring)):
            it.setZValue(z - 10)
            item.addItem(it)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._header)
        layout.addWidget(self._plot_widget, 1)
        self.setMinimumSize(*PANEL_MIN)  # its text shrinks to fit, the window never grows
        self._connect_callbacks()
        self._apply_theme()
        self.clear()

    def _connect_callbacks(self) -> None:
        self._item.vb.sigRangeChanged.connect(self._on_range_changed)

    # -- data ----------------------------------------------------------------

    def set_data(self, train: Dataset, test: Dataset | None = None) -> None:
        """Show these samples; the surface or curve follows at :meth:`update_network`."""
        columns = (train.n_features, train.n_outputs)
        if test is not None and (test.n_features, test.n_outputs) != columns:
            raise ValueError("the test set's columns do not match the training set's")
        self.clear()
        self._train, self._test = train, test
        self._kind = bd.plot_kind(train)
        targets = train.Y if test is None else np.vstack([train.Y, test.Y])
        self._value_range = (float(targets[:, 0].min()), float(targets[:, 0].max()))
        maps = units.axis_maps(train)
        for side, axis_map in zip(("bottom", "left"), maps, strict=True):
            self._axes[side].set_map(axis_map)
        self._axis_labels = (maps[0].title, maps[1].title)
        self._set_samples()
        self._set_range()
        self._apply_fonts()
        self._update_header()

    def update_network(self, net: Forward) -> None:
        """Recompute the surface or the curve for the network's current parameters."""
        train = self._train
        if train is None or self._kind == "scatter":
            return
        if (net.sizes[0], net.sizes[-1]) != (train.n_features, train.n_outputs):
            raise ValueError(
                f"a {net.sizes[0]}-input, {net.sizes[-1]}-output network does not fit data "
                f"with {train.n_features} features and {train.n_outputs} outputs"
            )
        self._net = net
        if self._kind == "curve":
            everything = train.X if self._test is None else np.vstack([train.X, self._test.X])
            self._curve.setData(*bd.curve_for(net, everything))
            return
        self._regrid()
        self._surface = bd.decision_surface(net, self._points, self._shape, train)
        self._paint_surface()
        if self._kind != "value":
            segments = bd.boundary_segments(self._surface)
            self._boundary.setData(segments[:, 0], segments[:, 1])

    def set_highlight(self, index: int | None) -> None:
        """Ring training sample ``index`` (the one being traced); None removes the ring."""
        if index is not None and (self._train is None or not 0 <= index < len(self._train.X)):
            raise ValueError(f"no training sample {index}")
        self._highlight = index
        self._place_ring()

    def clear(self) -> None:
        """Show nothing: no data, no surface."""
        self._train = self._test = None
        self._kind = self._surface = self._net = self._grid_range = self._highlight = None
        self._points, self._shape = np.empty((0, 2)), (0, 0)
        self._image.setVisible(False)
        lines = (self._boundary, self._curve)
        for it in (*lines, self._train_scatter, self._test_scatter, self._ring):
            it.setData([], [])
        self._axis_labels = ("", "")
        for axis in self._axes.values():
            axis.set_map(units.AxisMap(""))
        self._apply_fonts()
        self._header.set_content("No data", [])

    # -- reading back ----------------------------------------------------------

    @property
    def kind(self) -> PlotKind | None:
        return self._kind

    @property
    def surface(self) -> Surface | None:
        """The surface on screen (None before :meth:`update_network`, and for
        data without one)."""
        return self._surface

    @property
    def plot_item(self) -> pg.PlotItem:
        return self._item

    def axis(self, side: str) -> RawAxis:
        """The ``"bottom"`` or ``"left"`` axis (its map and ticks in raw units)."""
        return self._axes[side]

    def sample_tip(self, name: str, index: int) -> str:
        """The tooltip of ``"train"`` or ``"test"`` sample ``index``."""
        scatter = self._train_scatter if name == "train" else self._test_scatter
        tip = scatter.opts["tip"]
        x, y = self.item_data(name)
        return str(tip(x=x[index], y=y[index], data=scatter.data["data"][index]))

    def image_data(self) -> NDArray[np.uint8] | None:
        """The RGBA image on screen, ``(ny, nx, 4)``; None when there is none."""
        image = self._image.image
        return None if image is None or not self._image.isVisible() else np.asarray(image)

    def item_data(self, name: str) -> tuple[Array, Array]:
        """The points an item holds: ``"train"`` and ``"test"`` samples, the
        ``"curve"``, the ``"boundary"`` (segment ends, in pairs), the ``"ring"``."""
        items = {"train": self._train_scatter, "test": self._test_scatter, "curve": self._curve}
        items.update(boundary=self._boundary, ring=self._ring)
        x, y = items[name].getData()
        if x is None or y is None:
            return np.empty(0), np.empty(0)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def highlight(self) -> int | None:
        return self._highlight

    def header_text(self) -> str:
        """The legend and the whole of its notes (shown elided where long)."""
        return self._header.text()

    def font_size(self) -> float:
        return self._font_pt

    def set_font_size(self, pt: float) -> None:
        """Text size in points of axes and legend; dots and lines grow with it."""
        if pt <= 0:
            raise ValueError("font size must be positive")
        self._font_pt = float(pt)
        self._shown_pt = self._fitted_pt()
        self._apply_theme()

    def shown_font_size(self) -> float:
        """The text size drawn: :meth:`font_size`, or less in a small panel."""
        return self._shown_pt

    def _fitted_pt(self) -> float:
        width, size = self.width(), (self.width(), self.height())
        header = self._header.fit
        return fit_panel_type(
            self._font_pt, size, self.font(), lambda pt: header(pt * 0.92, width), AXIS_LINES
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        pt = self._fitted_pt()
        if abs(pt - self._shown_pt) > 0.05:
            self._shown_pt = pt
            self._apply_theme()

    # -- geometry --------------------------------------------------------------

    def _set_range(self) -> None:
        """Show every sample with a margin; a surface fills whatever is visible."""
        shown = [d for d in (self._train, self._test) if d is not None]
        lo, hi = bd.data_bounds(
            np.vstack([np.column_stack(bd.sample_coordinates(d)) for d in shown])
        )
        span = hi - lo
        lock = self._kind in SURFACES and max(span) <= MAX_ASPECT_LOCK * min(span)
        self._item.setAspectLocked(bool(lock), ratio=1.0)
        self._item.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0.0)
        self._item.disableAutoRange()

    def _regrid(self) -> bool:
        """Lay the grid over the whole visible plot; True if it moved."""
        (x0, x1), (y0, y1) = self._item.vb.viewRange()
        key = ((float(x0), float(x1)), (float(y0), float(y1)))
        if key == self._grid_range:
            return False
        self._grid_range = key
        n = self._resolution
        dx, dy = (x1 - x0) / n, (y1 - y0) / n  # grid points at the pixels' centres
        xs, ys, self._points = bd.grid_over(
            (x0 + dx / 2, x1 - dx / 2), (y0 + dy / 2, y1 - dy / 2), n
        )
        self._shape = (len(ys), len(xs))
        return True

    def _on_range_changed(self, *args: object) -> None:
        if self._kind in SURFACES and self._net is not None and self._regrid():
            self.update_network(self._net)

    # -- look ------------------------------------------------------------------

    def _dark(self) -> bool:
        return self._background().lightness() < 128

    def _background(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Base)

    def _foreground(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _class_colors(self) -> list[QColor]:
        return class_colors(1 if self._train is None else self._train.n_outputs, self._dark())

    def _dot_size(self) -> float:
        n = sum(d.n_samples for d in (self._train, self._test) if d is not None)
        grown = 8.5 * float((self._shown_pt / 10.0) ** 0.6)  # 8.5 px at 10 pt, 13 at 20
        return max(6.0, grown) * (1.8 if n < FEW_SAMPLES else 1.0)

    def _line_width(self) -> float:
        return max(2.0, self._shown_pt / 6.0)

    def _sample_colors(self, data: Dataset, test: bool) -> list[QColor]:
        return sample_colors(
            data, self._kind, test, self._dark(), self._value_range, self._foreground()
        )

    def _set_samples(self) -> None:
        size = self._dot_size()
        # a rim of background colour sets dots off a surface of their own colour;
        # regression dots, pale near the middle value, get a dark rim instead
        rim = self._foreground() if self._kind == "value" else self._background()
        outline = pg.mkPen(rim, width=max(1.0, size / 7.0))
        if self._train is not None:
            brushes = [pg.mkBrush(c) for c in self._sample_colors(self._train, test=False)]
            x, y = bd.sample_coordinates(self._train)
            self._train_scatter.setData(
                x=x, y=y, size=size, pen=outline, brush=brushes, data=np.arange(len(x))
            )
        if self._test is not None:
            width = max(1.5, size / 5.0)
            pens = [pg.mkPen(c, width=width) for c in self._sample_colors(self._test, test=True)]
            x, y = bd.sample_coordinates(self._test)
            hollow = pg.mkBrush(None)
            self._test_scatter.setData(
                x=x, y=y, size=size * 0.9, pen=pens, brush=hollow, data=np.arange(len(x))
            )
        self._place_ring()

    def _place_ring(self) -> None:
        i = self._highlight
        if i is None or self._train is None:
            self._ring.setData([], [])
            return
        x, y = bd.sample_coordinates(self._train)
        pen, brush = ring_style(self._foreground().rgba(), self._line_width() * 1.25)  # shared
        self._ring.setData(x=[x[i]], y=[y[i]], size=self._dot_size() * 2.2, pen=pen, brush=brush)

    def _paint_surface(self) -> None:
        surface = self._surface
        if surface is None:
            return
        colors = [_rgb(c) for c in self._class_colors()]
        value_range = self._value_range if self._kind == "value" else None
        background = _rgb(self._background())
        rgba = bd.shade(surface, background, colors, SURFACE_STRENGTH, value_range)
        self._image.setImage(rgba, autoLevels=False)
        self._image.setRect(QRectF(*bd.pixel_rect(surface)))
        self._image.setVisible(True)

    def _apply_theme(self) -> None:
        foreground = self._foreground()
        self._plot_widget.setBackground(self._background())
        color_axes(self._item, {"left": foreground, "bottom": foreground})
        line = QColor(foreground)
        line.setAlpha(210)
        self._boundary.setPen(pg.mkPen(line, width=self._line_width()))
        self._curve.setPen(pg.mkPen(foreground, width=self._line_width() * 1.25))
        if self._train is not None:
            self._set_samples()
            self._paint_surface()
            self._update_header()
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(self._shown_pt)
        color = self._foreground().name()
        sides = zip(("bottom", "left"), self._axis_labels, strict=True)
        label_axes(self._item, font, {side: (text, color) for side, text in sides})
        small = QFont(font)
        small.setPointSizeF(self._shown_pt * 0.92)
        self._header.set_text_font(small)

    def _update_header(self) -> None:
        """The legend line: what each colour and symbol means, and any note."""
        if self._train is None:
            return
        self._header.show_data(
            self._train, self._test, self._kind, self.palette(), self._class_colors()
        )

    # -- events ----------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_theme()
        super().changeEvent(event)


def _rgb(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()
