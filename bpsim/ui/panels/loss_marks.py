"""Marks drawn over the loss plot's curves (:mod:`bpsim.ui.panels.loss_plot`).

- :class:`LoneCaption`: while every series has at most one point (step 0),
  a caption beside the dots names them and their values, so three dots
  stacked at x = 0 are never left unexplained.
- :class:`LowestTestMark`: a star at the step of the lowest test loss once
  the test loss has risen from it (overfitting), with a label and a tooltip
  that says what it means.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

from bpsim.model.notation import fmt
from bpsim.viewmodel.history import SERIES, LossHistory
from bpsim.viewmodel.loss_view import LowestTest


class LoneCaption:
    """The caption beside the lone first points."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = pg.TextItem(anchor=(0.0, 0.5))
        self.item.setZValue(30)
        self.item.hide()
        plot.addItem(self.item, ignoreBounds=True)
        self._view = plot.vb
        self._font = QFont()
        self.text = ""

    def set_font(self, font: QFont) -> None:
        """The caption's type; smaller where the view has no room for it."""
        self._font = QFont(font)
        self.fit()

    def fit(self, *_: object) -> None:
        """Wrap the caption to the view's width right of the dots, and shrink
        its type until it fits the view's height (large type, small plot)."""
        view = self._view
        rect = view.sceneBoundingRect()
        if not self.item.isVisible() or rect.width() < 1 or rect.height() < 1:
            self.item.setFont(self._font)
            return
        left = view.mapViewToScene(self.item.pos()).x() - rect.left()
        width = max(rect.width() - max(left, 0.0) - 4.0, 24.0)
        font = QFont(self._font)
        for _ in range(12):
            self.item.setFont(font)
            self.item.setTextWidth(width)
            document = self.item.textItem.document()
            fits = document.idealWidth() <= width + 0.5  # no word broken
            if fits and self.item.textItem.boundingRect().height() <= rect.height() - 4:
                break
            if font.pointSizeF() <= 5.0:
                break
            font.setPointSizeF(font.pointSizeF() * 0.88)

    def show(
        self,
        x: float,
        y: float,
        values: Mapping[str, float],
        colors: Mapping[str, str],
        labels: Mapping[str, str],
    ) -> None:
        """Name the lone points ``values`` (series -> value) at ``(x, y)``
        (view coordinates: y is log10 on a log axis)."""
        lines = []
        for name, value in values.items():
            shown = f"{value:.1%}" if name == "accuracy" else fmt(value)
            lines.append(
                f'<span style="color:{colors[name]}">●</span>&nbsp;{labels[name]} <b>{shown}</b>'
            )
        step = int(x)
        lines.append(f"<i>at step {step}; each training step adds a point</i>")
        self.text = "<br>".join(lines)
        self.item.setHtml(f'<div style="margin-left:14px">{self.text}</div>')
        self.item.setPos(x, y)
        self.item.show()
        self.fit()

    def hide(self) -> None:
        self.text = ""
        self.item.hide()

    def update(
        self,
        history: LossHistory,
        colors: Mapping[str, str],
        labels: Mapping[str, str],
        *,
        y: float,
    ) -> None:
        """Show the caption, at height ``y`` (view coordinates), while every
        series has at most one point and some have one; else hide it."""
        latest = {name: history[name].last() for name in SERIES if len(history[name]) > 0}
        if not latest or any(len(history[name]) > 1 for name in latest):
            self.hide()
            return
        values = {name: point[1] for name, point in latest.items() if point is not None}
        x = next(point[0] for point in latest.values() if point is not None)
        self.show(x, y, values, colors, labels)

    def set_color(self, color: QColor) -> None:
        self.item.setColor(color)


class LowestTestMark:
    """A star at the lowest test loss, shown while the test loss has risen from it."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.star = pg.ScatterPlotItem(symbol="star", hoverable=True)
        self.star.setZValue(25)
        self.label = pg.TextItem("lowest test loss", anchor=(0.5, -0.3))
        self.label.setZValue(25)
        for item in (self.star, self.label):
            item.hide()
            plot.addItem(item, ignoreBounds=True)
        self.point: LowestTest | None = None
        self._size = 14.0
        self._color = "#d55e00"
        self._log = False

    def set_style(self, color: str, font: QFont, background: QColor) -> None:
        self._color = color
        self._size = max(18.0, QFont(font).pointSizeF() * 2.0)
        self.label.setColor(QColor(color))
        self.label.setFont(font)
        fill = QColor(background)
        fill.setAlpha(220)  # legible over the curves it crosses
        self.label.fill = pg.mkBrush(fill)
        self._place()

    def set_point(self, point: LowestTest | None, *, log: bool) -> None:
        """Mark ``point`` (None hides the mark); ``log``: the axis is logarithmic."""
        self.point = point
        self._log = log
        self._place()

    def tooltip(self) -> str:
        return "" if self.point is None else self.point.tooltip()

    def _place(self) -> None:
        point = self.point
        if point is None or (self._log and point.loss <= 0):
            self.star.hide()
            self.label.hide()
            return
        y = math.log10(point.loss) if self._log else point.loss
        tip = point.tooltip()
        self.star.setData(
            [point.step],
            [y],
            size=self._size,
            brush=pg.mkBrush(self._color),
            pen=pg.mkPen(self._color, width=1),
            tip=lambda **_: tip,
        )
        self.label.setPos(point.step, y)
        self.label.setToolTip(tip)
        self.star.show()
        self.label.show()
