"""Axes, grid and check box style of the loss plot (:mod:`bpsim.ui.panels.loss_plot`).

- :class:`StepAxis`, the x axis: whole training steps, never 0.2 of a step;
  in epochs, fractions of an epoch only when the axis spans so few epochs
  that there is more than one tick per epoch.
- :class:`LossAxis`, the loss axis: on a logarithmic scale it labels values
  within a decade (0.292, 0.294, 0.296) when the range holds too few powers
  of ten and their multiples to label it, so it is never left bare.
- :class:`AccuracyAxis`, the right axis: always linear.
- :class:`TickGrid`, grid lines at the ticks, drawn as one cheap item.
- :class:`IndicatorStyle`, a check box indicator that grows with the text.
- :func:`make_plot_widget`, the plot with these axes, the grid and the
  accuracy's own view box.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle

NICE_MANTISSAS = (1.0, 2.0, 5.0)
MAX_LOG_LABELS = 4  # labels within a decade: 2-4 nicely rounded values
UNLABELLED = 0.0  # the "spacing" of a tick level drawn without labels (grid only)
# which multiples of a power of ten a log axis labels, by the text lines a decade has room for
LOG_LABEL_ROOM = (
    (22.0, (2, 3, 4, 5, 6, 7, 8, 9)),
    (7.0, (2, 3, 5)),
    (4.0, (2, 5)),
    (2.5, (3,)),
    (0.0, ()),
)
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def nice_ceil(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value`` (> 0)."""
    exponent = math.floor(math.log10(value))
    for power in (exponent, exponent + 1):
        for mantissa in NICE_MANTISSAS:
            nice = mantissa * 10.0**power
            if nice >= value * (1 - 1e-9):
                return nice
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


def _next_nice(step: float) -> float:
    return nice_ceil(step * 1.5)  # 1 -> 2 -> 5 -> 10


def nice_ticks(lo: float, hi: float, max_count: int) -> tuple[float, list[float]]:
    """Round values in ``[lo, hi]``, as many as fit in ``max_count``, and their step."""
    lo, hi = sorted((lo, hi))
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return 0.0, []
    step = nice_ceil(span / max(max_count, 1))
    while True:
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        if last - first + 1 <= max_count:
            break
        step = _next_nice(step)
    digits = max(0, -math.floor(math.log10(step))) + 2
    return step, [round(k * step, digits) for k in range(first, last + 1)]


def _compact(value: float) -> str:
    """A tick value as a short integer: 1,500 -> 1500, 25,000 -> 25k, 1.5e6 -> 1.5M."""
    magnitude = abs(value)
    if magnitude >= 1e6:
        return f"{round(value / 1e6, 3):g}M"
    if magnitude >= 1e4:
        return f"{round(value / 1e3, 3):g}k"
    return f"{round(value):d}"


def log_label(value: float) -> str:
    """A loss value on a log axis: 0.292, 0.001, 10⁻⁵, 2·10⁻⁵, 10⁴."""
    rounded = float(f"{value:.6g}")
    if rounded == 0:
        return "0"
    if 1e-4 <= abs(rounded) < 1e4:
        return f"{rounded:g}"
    mantissa, exponent = f"{rounded:e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPTS)
    short = f"{float(mantissa):g}"
    return power if short == "1" else f"{short}·{power}"


class StepAxis(pg.AxisItem):
    """The x axis: whole steps (or epochs) without exponent notation.

    Ticks are never closer than one step; in epochs (``setScale(1 /
    steps_per_epoch)``) never closer than the round fraction of an epoch
    that holds at least one step (0.5 epoch for 4 steps an epoch).
    """

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels: list[tuple[float, float]] = super().tickSpacing(minVal, maxVal, size)
        if self._tickSpacing is not None or not levels:
            return levels
        floor = nice_ceil(self.scale)  # one step, in the axis' unit
        kept = [(spacing, offset) for spacing, offset in levels if spacing >= floor * (1 - 1e-9)]
        if not kept:
            return [(floor, 0.0)]
        if len(kept) == 1 and kept[0][0] >= 2 * floor:
            kept.append((floor, 0.0))  # minor ticks (and grid lines) at every step
        return kept

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing * scale >= 1 - 1e-9:
            return [_compact(v * scale) for v in values]
        strings: list[str] = super().tickStrings(values, scale, spacing)
        return strings


def readable_levels(
    levels: list[tuple[float, float]], span: float, size: float, line: float
) -> list[tuple[float, float]]:
    """``levels`` (spacing, offset), or, when their labels would be closer
    than 1.5 text lines on a ``size`` px axis spanning ``span``, one level of
    round values that far apart (large type on a short plot)."""
    if not levels or span <= 0 or size <= 0:
        return levels
    room = 1.5 * line * span / size  # the smallest spacing whose labels do not touch
    if levels[0][0] >= room:
        return levels
    return [(nice_ceil(room), 0.0)]


class LossAxis(pg.AxisItem):
    """The loss axis, linear or logarithmic.

    On a log scale the powers of ten are labelled, and as many of the
    multiples between them (0.2, 0.3, 0.5 ...) as there is room for; a range
    within a decade gets 2-4 round values instead (0.292, 0.294, 0.296).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._labelled_multiples: tuple[int, ...] = ()

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels: list[tuple[float, float]] = super().tickSpacing(minVal, maxVal, size)
        if self.logMode or self._tickSpacing is not None:
            return levels
        line = QFontMetricsF(self.style["tickFont"] or QFont()).height()
        return readable_levels(levels, abs(maxVal - minVal), size, line)

    def logTickValues(
        self, minVal: float, maxVal: float, size: float, stdTicks: list[tuple[float, list[float]]]
    ) -> list[tuple[float | None, list[float]]]:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi == lo:
            return list(super().logTickValues(minVal, maxVal, size, stdTicks))
        # the multiples of the powers of ten whose labels do not overlap
        line = QFontMetricsF(self.style["tickFont"] or QFont()).height()
        per_decade = size / (hi - lo) / line  # text lines a decade
        self._labelled_multiples = next(
            multiples for room, multiples in LOG_LABEL_ROOM if per_decade >= room
        )
        candidates = [
            decade + math.log10(k)
            for decade in range(math.floor(lo), math.ceil(hi) + 1)
            for k in range(1, 10)
        ]
        if hi - lo >= 1 or sum(lo <= c <= hi for c in candidates) >= 3:
            return list(super().logTickValues(minVal, maxVal, size, stdTicks))
        count = max(2, min(MAX_LOG_LABELS, int(size // 60)))
        step, values = nice_ticks(10.0**lo, 10.0**hi, count)
        levels: list[tuple[float | None, list[float]]] = [(step, list(np.log10(values)))]
        minor_step = step / (4 if f"{step:e}".startswith("2") else 5)
        if size * minor_step / (10.0**hi - 10.0**lo) >= 6:  # grid lines at least 6 px apart
            first = math.ceil(10.0**lo / minor_step)
            minor = [k * minor_step for k in range(first, math.floor(10.0**hi / minor_step) + 1)]
            minor = [v for v in minor if not any(math.isclose(v, m) for m in values)]
            levels.append((UNLABELLED, list(np.log10(minor))))
        return levels

    def logTickStrings(self, values: list[float], scale: float, spacing: float | None) -> list[str]:
        if spacing == UNLABELLED:
            return [""] * len(values)
        labels = [log_label(10.0 ** float(v) * scale) for v in values]
        if spacing is not None:  # powers of ten, or round values within a decade
            return labels
        # pyqtgraph's multiples 1..9 of each power of ten: the powers, and the
        # multiples there is room for
        multiples = [round(10.0 ** (float(v) % 1)) for v in values]
        return [
            label if k == 1 or k in self._labelled_multiples else ""
            for label, k in zip(labels, multiples, strict=True)
        ]


class AccuracyAxis(pg.AxisItem):
    """The right axis of accuracy: always linear, whatever the loss axis does."""

    def setLogMode(self, *args: object, **kwargs: object) -> None:
        return

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels: list[tuple[float, float]] = super().tickSpacing(minVal, maxVal, size)
        line = QFontMetricsF(self.style["tickFont"] or QFont()).height()
        return readable_levels(levels, abs(maxVal - minVal), size, line)


class TickGrid(pg.UIGraphicsItem):
    """Grid lines at the axes' major and minor ticks, as one cheap item.

    (pyqtgraph's own axis grid costs about 10 ms a frame in a software
    rasterizer; these lines cost well under one.)
    """

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__()
        self._plot = plot
        self._pens = (QPen(), QPen())
        self.setZValue(-100)

    def set_color(self, color: QColor) -> None:
        for pen, alpha in zip(self._pens, (48, 20), strict=True):
            faint = QColor(color)
            faint.setAlpha(alpha)
            pen.setColor(faint)
            pen.setCosmetic(True)
        self.update()

    def paint(self, p: QPainter, *args: object) -> None:
        view = self.getViewBox()
        if view is None:
            return
        rect = view.viewRect()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for side in ("bottom", "left"):
            across = side == "left"  # the left axis' ticks are horizontal lines
            lo, hi = (rect.top(), rect.bottom()) if across else (rect.left(), rect.right())
            pixels = view.height() if across else view.width()
            if pixels < 1 or not hi > lo:  # squeezed to nothing by large type: no grid
                continue
            levels = self._plot.getAxis(side).tickValues(lo, hi, pixels)
            for pen, (_, values) in zip(self._pens, levels, strict=False):
                p.setPen(pen)
                if across:
                    p.drawLines([QLineF(rect.left(), v, rect.right(), v) for v in values])
                else:
                    p.drawLines([QLineF(v, rect.top(), v, rect.bottom()) for v in values])


class IndicatorStyle(QProxyStyle):
    """The application style with a check box indicator that grows with the text."""

    indicator = 13

    def pixelMetric(self, metric: QStyle.PixelMetric, *args: object) -> int:
        if metric in (QStyle.PixelMetric.PM_IndicatorWidth, QStyle.PixelMetric.PM_IndicatorHeight):
            return self.indicator
        return int(super().pixelMetric(metric, *args))


def make_plot_widget() -> tuple[pg.PlotWidget, TickGrid, pg.ViewBox]:
    """The loss plot's widget: step, loss and accuracy axes, the grid, and the
    accuracy's own view box (linear 0..1, linked along x; pyqtgraph's
    MultiplePlotAxes example), the right axis hidden until there is accuracy."""
    widget = pg.PlotWidget(
        axisItems={
            "bottom": StepAxis("bottom"),
            "left": LossAxis("left"),
            "right": AccuracyAxis("right"),
        }
    )
    widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    item = widget.getPlotItem()
    assert item is not None
    item.hideButtons()
    item.getViewBox().setLimits(xMin=-0.5, yMin=0.0)  # no negative steps or losses
    for side in ("left", "bottom", "right"):  # no "loss (x0.001)": the numbers as they are
        item.getAxis(side).enableAutoSIPrefix(False)
    grid = TickGrid(item)
    item.addItem(grid, ignoreBounds=True)
    accuracy = pg.ViewBox(enableMenu=False)
    accuracy.setMouseEnabled(x=False, y=False)
    accuracy.setYRange(0.0, 1.0, padding=0.03)
    accuracy.disableAutoRange()
    accuracy.setZValue(-10)
    scene = item.scene()
    assert scene is not None
    scene.addItem(accuracy)
    item.getAxis("right").linkToView(accuracy)
    accuracy.setXLink(item)
    item.getAxis("right").setLabel("accuracy")
    item.hideAxis("right")
    return widget, grid, accuracy


def label_axes(item: pg.PlotItem, font: QFont, labels: dict[str, tuple[str, str]]) -> None:
    """Tick labels in ``font``, and each axis' title: ``labels`` maps a side
    to its (text, colour); room above the plot for the top tick label."""
    pt = font.pointSizeF()
    line = QFontMetricsF(font).height()
    for side, (text, color) in labels.items():
        axis = item.getAxis(side)
        axis.setTickFont(font)
        # the end ticks' labels may reach half a line past the axis (0 at the corner)
        axis.setStyle(hideOverlappingLabels=int(line * 0.6))
        axis.setLabel(text, **{"font-size": f"{pt:g}pt", "color": color})
    item.layout.setContentsMargins(2, line * 0.6, line * 0.6, 2)


X_UNITS = ("step", "epoch")


def x_unit_steps(unit: str, steps_per_epoch: int | None, current: int | None) -> int | None:
    """The steps an epoch has for the x axis in ``unit`` (``current`` kept
    for steps); ValueError for an unknown unit, or epochs without a count."""
    if unit not in X_UNITS:
        raise ValueError(f"unit must be one of {X_UNITS}, not {unit!r}")
    if unit == "step":
        return current
    if steps_per_epoch is None or steps_per_epoch < 1:
        raise ValueError("the epoch unit needs steps_per_epoch >= 1")
    return int(steps_per_epoch)


def color_axes(item: pg.PlotItem, colors: dict[str, QColor | str]) -> None:
    """Each side's axis line (a little faint) and tick labels in its colour."""
    for side, color in colors.items():
        line = QColor(color)
        line.setAlpha(150)
        axis = item.getAxis(side)
        axis.setPen(line)
        axis.setTextPen(QColor(color))
