"""Kept loss curves drawn on a :class:`~bpsim.ui.panels.loss_plot.LossPlot`.

Each kept run is a dashed, muted "ghost" of the training-loss curve, drawn
under the live curves, and named in a one-line legend under the plot's
header ("╍╍ lr 0.5   ╍╍ tanh"). The points and labels come from
:class:`~bpsim.viewmodel.compare.ComparedRuns`; this module only draws.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout

from bpsim.ui.panels.loss_plot import LossPlot
from bpsim.viewmodel.compare import KeptRun

# one dash per kept curve, so that three ghosts stay apart in print and for the colour-blind
DASHES = (Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
KEYS = ("\u254d\u254d\u254d", "\u2508\u2508\u2508", "\u2012\u00b7\u2012\u00b7")
GHOST_ALPHA = 210  # of 255: muted beside the live curve, still readable on a projector
GREYS = ("#6f6f6f", "#a8a8a8")  # light, dark backgrounds


class LossGhosts:
    """The kept curves of ``plot`` and their legend line."""

    def __init__(self, plot: LossPlot) -> None:
        self.plot = plot
        self.curves: list[pg.PlotDataItem] = []
        self.labels: list[str] = []
        self.now = ""
        self.legend = QLabel()
        self.legend.setObjectName("compared_legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setContentsMargins(10, 0, 10, 0)
        self.legend.setToolTip(
            "Kept training-loss curves, named by what their run did differently "
            "(Simulation → Clear Compared Curves removes them)"
        )
        self.legend.hide()
        layout = plot.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.legend)  # under the header, above the plot

    def show(self, runs: Sequence[KeptRun], labels: Sequence[str], now: str = "") -> None:
        """Draw ``runs`` (oldest first) with ``labels``; an empty list clears.
        ``now`` names what the live run does differently."""
        self.now = now
        item = self.plot.plot_item
        while len(self.curves) > len(runs):
            item.removeItem(self.curves.pop())
        while len(self.curves) < len(runs):
            curve = pg.PlotDataItem()
            curve.setZValue(-5)  # under the live curves
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            item.addItem(curve)
            self.curves.append(curve)
        for curve, run in zip(self.curves, runs, strict=True):
            curve.setData(run.x, run.y)
        self.labels = list(labels)
        self.restyle()

    def restyle(self) -> None:
        """Pens and legend in the plot's current colours and type size."""
        dark = self.plot.palette().color(self.plot.backgroundRole()).lightness() < 128
        color = QColor(GREYS[dark])
        color.setAlpha(GHOST_ALPHA)
        pt = self.plot.shown_font_size()
        width = max(2.0, pt / 5.0)
        for i, curve in enumerate(self.curves):
            curve.setPen(pg.mkPen(color, width=width, style=DASHES[i % len(DASHES)]))
        font = QFont(self.legend.font())
        font.setPointSizeF(pt * 0.8)  # a second line under the header: a little smaller
        self.legend.setFont(font)
        parts = [
            f'<span style="color:{GREYS[dark]}">{KEYS[i % len(KEYS)]}</span>&nbsp;'
            + html.escape(label).replace(" ", "&nbsp;")
            for i, label in enumerate(self.labels)
        ]
        head = f"this run ({html.escape(self.now)}) against:" if self.now else "compared:"
        head = head.replace(" ", "&nbsp;")
        self.legend.setText(head + " " + "&nbsp;&nbsp;&nbsp; ".join(parts) if parts else "")
        self.legend.setVisible(bool(parts))

    def points(self, index: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The points kept curve ``index`` holds, as drawn."""
        x, y = self.curves[index].getOriginalDataset()
        if x is None or y is None:
            return np.empty(0), np.empty(0)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
