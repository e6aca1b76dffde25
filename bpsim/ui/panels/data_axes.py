"""The data panel's graphics items: axes drawn where the network works and
labelled in the data's own units, the smooth surface, the samples' tooltips.

The data panel plots in the network's coordinates (standardized values, so
the surface, the boundary and the samples need no conversion), while a
:class:`RawAxis` picks round numbers in raw units (5, 6, 7 hours) and puts
each at the place the network sees it, as an
:class:`~bpsim.viewmodel.units.AxisMap` says.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainter

from bpsim.model.data.dataset import Dataset
from bpsim.model.notation import MINUS
from bpsim.viewmodel.units import AxisMap, sample_tooltip


def _snap(value: float) -> float:
    """``value`` to 12 significant digits."""
    return float(f"{value:.12g}")


class RawAxis(pg.AxisItem):
    """An axis in plot (network) coordinates whose ticks name raw values."""

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self._map = AxisMap("")

    @property
    def axis_map(self) -> AxisMap:
        return self._map

    def set_map(self, axis_map: AxisMap) -> None:
        self._map = axis_map
        self.picture = None  # the cached ticks are stale
        self.update()

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        m = self._map
        if m.is_identity:
            levels: list[tuple[float, list[float]]] = super().tickValues(minVal, maxVal, size)
            return levels
        lo, hi = sorted(float(v) for v in m.to_raw([minVal, maxVal]))
        raw_levels = super().tickValues(lo, hi, size)
        return [
            (float(spacing) / m.factor, [float(v) for v in m.to_plot(values)])
            for spacing, values in raw_levels
        ]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        m = self._map
        if m.is_identity:
            strings: list[str] = super().tickStrings(values, scale, spacing)
            return [s.replace("-", MINUS) for s in strings]
        # undo the round trip's last-bit errors (0.9999999999999998 would ask
        # pyqtgraph for a decimal place, 2e-16 for an exponent)
        raw_spacing = _snap(spacing * m.factor)
        raw = [_snap(float(v)) for v in m.to_raw(values)]
        raw = [0.0 if abs(v) < raw_spacing * 1e-9 else v for v in raw]
        strings = super().tickStrings(raw, scale, raw_spacing)
        return [s.replace("-", MINUS) for s in strings]

    def shown_ticks(self) -> list[list[tuple[float, str]]]:
        """The ticks for the current range and length, level by level:
        ``(position in plot coordinates, label)``."""
        lo, hi = (float(v) for v in self.range)
        length = self.width() if self.orientation in ("top", "bottom") else self.height()
        return [
            list(zip(values, self.tickStrings(values, self.scale, spacing), strict=True))
            for spacing, values in self.tickValues(lo, hi, max(float(length), 1.0))
        ]


class SmoothImageItem(pg.ImageItem):
    """An image drawn with bilinear filtering: a smooth surface, not blocks."""

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


def sample_tip(shown: Callable[[], Dataset | None], kind: str) -> Callable[..., str]:
    """A scatter's ``tip``: the text for the hovered sample of the data set
    ``shown()`` returns (each spot's data is its sample's index)."""

    def tip(x: float, y: float, data: object) -> str:
        data_set = shown()
        if data_set is None or not isinstance(data, int | np.integer):
            return ""
        return f"{kind} sample {int(data) + 1}\n{sample_tooltip(data_set, int(data))}"

    return tip
