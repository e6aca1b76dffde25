"""How each edge of the network view is drawn: its pen, and whether it is shown.

:class:`EdgeLevels` quantizes a scene's edge values (weights or gradients, by
mode) to the pen widths of a :class:`~bpsim.ui.colors.PenBank`. A weight layer
with more edges than ``max_edges`` shows only the strongest ones (the level of
detail the legend reports); :func:`strongest` picks them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QColor

from bpsim.ui.colors import Palette, PenBank
from bpsim.ui.network.legend import LegendInfo
from bpsim.ui.network.style import BoolArray
from bpsim.viewmodel.network.scene import Scene

Array = NDArray[np.float64]


def same_values(a: tuple[Array, ...], b: tuple[Array, ...]) -> bool:
    """Whether two scenes' edge values are equal (NaN equal to NaN)."""
    return len(a) == len(b) and all(
        x is y or np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b, strict=True)
    )


def strongest(values: Array, max_edges: int) -> BoolArray:
    """Which edges of a layer to draw: all, or the ``max_edges`` of largest
    magnitude (a value not yet known counts as the weakest)."""
    mask: BoolArray = np.ones(values.shape, dtype=bool)
    if values.size > max_edges:
        strength = np.nan_to_num(np.abs(values), nan=-1.0).ravel()
        keep = np.argpartition(-strength, max_edges - 1)[:max_edges]
        mask = np.zeros(values.size, dtype=bool)
        mask[keep] = True
        mask = mask.reshape(values.shape)
    return mask


class EdgeLevels:
    """The pen level and visibility of every edge of ``scene``, per weight layer."""

    def __init__(self, scene: Scene, pens: PenBank, max_edges: int) -> None:
        self.pens = pens
        self.values = scene.edge_values()
        self.scale = scene.edge_scale()
        self.levels: list[NDArray[np.int64]] = []
        self.visible: list[BoolArray] = []
        self.shown = 0
        for values in self.values:
            self.levels.append(pens.quantize(values, self.scale))
            mask = strongest(values, max_edges)
            self.visible.append(mask)
            self.shown += int(mask.sum())

    def legend(self, scene: Scene, pal: Palette) -> LegendInfo:
        """What the legend says: sample widths, and how many edges are shown."""
        pens, scale = self.pens, self.scale
        samples = tuple(
            (v, pens.widths[int(pens.quantize(np.array([v]), scale)[0])])
            for v in (float(f"{scale / k:.2g}") for k in (4, 2, 1))
        )
        return LegendInfo(scene.mode, samples, self.shown, scene.n_edges, pal.dark)

    def unknown(self, layer: int, i: int, j: int) -> bool:
        return bool(np.isnan(self.values[layer - 1][i, j]))

    def width(self, layer: int, i: int, j: int) -> float:
        """The width the edge ``(layer, i, j)`` is drawn with (0 when hidden)."""
        if not self.visible[layer - 1][i, j]:
            return 0.0
        if self.unknown(layer, i, j):
            return float(self.pens.unknown.widthF())
        return float(self.pens.widths[self.levels[layer - 1][i, j]])

    def color(self, layer: int, i: int, j: int) -> QColor:
        """The colour the edge ``(layer, i, j)`` is drawn with."""
        if self.unknown(layer, i, j):
            return QColor(self.pens.unknown.color())
        value = self.values[layer - 1][i, j]
        pen = self.pens.pens[int(value > 0)][self.levels[layer - 1][i, j]]
        return QColor(pen.color())
