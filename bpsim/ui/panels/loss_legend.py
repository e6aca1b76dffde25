"""The loss plot's header: the moment shown, each series' colour key and value.

It sits above the plot, so it never hides a curve. It describes the same
step and frame as the marker, the status bar and the formula card (a
:class:`~bpsim.viewmodel.loss_view.Moment`): the values are those of the
weights the step starts from, and once the step's whole update is on screen
the training loss after it follows.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from bpsim.model.notation import fmt
from bpsim.ui.panels.plot_axes import IndicatorStyle
from bpsim.viewmodel.history import SERIES
from bpsim.viewmodel.loss_view import LOSS_TIPS, Moment

__all__ = ["SERIES", "LossHeader", "legend_html", "legend_tooltip", "style_curves"]
# curve colours for light and dark backgrounds (Okabe–Ito, colour-blind safe)
LIGHT_COLORS = {"train": "#0072b2", "test": "#d55e00", "accuracy": "#009e73"}
DARK_COLORS = {"train": "#56b4e9", "test": "#f0a04b", "accuracy": "#3fcf9f"}
LINE_KEY, DASH_KEY = "\u2501\u2501", "\u254d\u254d"
NO_STEPS = "No training steps yet"


def legend_html(
    moment: Moment | None,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
) -> str:
    """``step N · frame F / T`` and, per series with a value, its key, name and value."""
    if moment is None:
        return NO_STEPS
    # the position may break between "step N ·" and "frame F / T" in a narrow dock
    pieces = [piece.replace(" ", "&nbsp;") for piece in moment.position.split(" · ")]
    parts = ["&nbsp;· ".join(pieces)]
    for name in SERIES:
        value = moment.values.get(name)
        if value is None:
            continue
        key = DASH_KEY if name == "accuracy" else LINE_KEY
        shown = f"{value:.1%}" if name == "accuracy" else fmt(value)
        label = labels[name].replace(" ", "&nbsp;")
        parts.append(f'<span style="color:{colors[name]}">{key}</span>&nbsp;{label} <b>{shown}</b>')
    if moment.after is not None:
        parts.append(f"after&nbsp;this&nbsp;step's&nbsp;update&nbsp;<b>{fmt(moment.after)}</b>")
    return "&nbsp;&nbsp;&nbsp; ".join(parts)


def style_curves(
    curves: Mapping[str, pg.PlotDataItem], colors: Mapping[str, str], pt: float
) -> float:
    """The curves' pens, wider with larger type; the width of the wide ones."""
    # wide pens cost much more to rasterize: the noisy, dense training
    # curve stays thin unless the text is large
    width = max(2.0, pt / 5.0)
    curves["train"].setPen(pg.mkPen(colors["train"], width=1.0 if pt < 15 else width * 0.75))
    curves["test"].setPen(pg.mkPen(colors["test"], width=width))
    dash = Qt.PenStyle.DashLine
    curves["accuracy"].setPen(pg.mkPen(colors["accuracy"], width=width, style=dash))
    return width


def legend_tooltip(labels: Mapping[str, str], shown: set[str]) -> str:
    """What the header's numbers are, one paragraph per quantity shown."""
    keys = {"train": "train", "test": "test"}
    if "accuracy" in shown:
        keys["accuracy"] = "test_accuracy" if labels["accuracy"].startswith("test") else "accuracy"
    tips = [LOSS_TIPS[keys[name]] for name in SERIES if name in shown and name in keys]
    head = (
        "The step and frame shown everywhere (network, formula card, status bar). "
        "The values are those of the weights this step starts from: the curve's point "
        "at the marker."
    )
    return "\n\n".join([head, *tips, LOSS_TIPS["batch"]])


class LossHeader(QWidget):
    """The header line above the plot: the legend (:attr:`status`) and the
    log-scale check box (:attr:`log_check`), whose indicator grows with the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_check = QCheckBox("log scale")
        self.log_check.setToolTip("Show the loss on a logarithmic axis")
        self.log_check.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # keep → for the timeline
        self._check_style = IndicatorStyle()
        self._check_style.setParent(self)
        self.log_check.setStyle(self._check_style)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 0)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.log_check)

    def set_text_font(self, font: QFont) -> None:
        self.status.setFont(font)
        self.log_check.setFont(font)
        self._check_style.indicator = round(QFontMetricsF(font).height() * 0.8)
        self.log_check.updateGeometry()

    def fit(self, pt: float, width: int) -> float:
        """Set the text in ``pt`` points, smaller where the longest unbroken
        piece would not fit ``width`` px; the height the header then takes."""
        font = QFont(self.status.font())
        for _ in range(12):
            font.setPointSizeF(pt)
            self.set_text_font(font)
            layout = self.layout()
            assert layout is not None
            layout.invalidate()
            if self.minimumSizeHint().width() <= width or pt <= 6.0:
                break
            pt *= 0.88
        hint = self.heightForWidth(width)
        return float(hint if hint > 0 else self.sizeHint().height())
