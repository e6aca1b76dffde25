"""One hidden unit's map, big, in the data panel while the unit is hovered.

Hovering a hidden unit in the network view lays that unit's output over the
whole visible plane of the data panel (as TensorFlow Playground does), on
the diverging blue–orange scale (a little paler, so that the samples stay
readable), under the samples and over the output's surface and boundary,
with the unit's name in a corner. Leaving the unit shows the output's
surface again. The map is computed on hover (one forward pass of a 64 × 64
grid), and again when the shown parameters change while the pointer stays
on the unit.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from bpsim.model.engine.network import Network
from bpsim.ui.colors import diverging_rgb, is_dark, palette_for
from bpsim.ui.panels.data_axes import SmoothImageItem
from bpsim.ui.panels.data_view import DataView
from bpsim.viewmodel import unit_maps as um
from bpsim.viewmodel.boundary import grid_over

FOCUS_RESOLUTION = 64
FOCUS_STRENGTH = 0.7  # blended towards the background: the samples stay readable on it
FOCUS_Z = -7.5  # above the surface (-10) and the boundary (-9), under the samples (-7)


class UnitFocus:
    """Shows hidden unit maps in ``data_view`` on request."""

    def __init__(self, data_view: DataView) -> None:
        self.data_view = data_view
        self.image = SmoothImageItem()
        self.image.setOpts(axisOrder="row-major")
        self.image.setZValue(FOCUS_Z)
        self.label = pg.TextItem(anchor=(0, 0))
        self.label.setZValue(FOCUS_Z + 5)
        item = data_view.plot_item
        item.addItem(self.image, ignoreBounds=True)
        item.addItem(self.label, ignoreBounds=True)
        self.unit: tuple[int, int] | None = None  # (hidden layer, unit) shown
        self.values: um.Array | None = None  # its map, (ny, nx), row 0 the lowest y
        self.hide()

    def hide(self) -> None:
        self.unit, self.values = None, None
        self.image.setVisible(False)
        self.label.setVisible(False)

    def show(self, net: Network, layer: int, unit: int) -> None:
        """Hidden ``layer`` (0 = the first)'s ``unit`` of ``net`` over the plane."""
        (x0, x1), (y0, y1) = self.data_view.plot_item.vb.viewRange()
        n = FOCUS_RESOLUTION
        dx, dy = (x1 - x0) / n, (y1 - y0) / n  # grid points at the pixels' centres
        xs, ys, points = grid_over((x0 + dx / 2, x1 - dx / 2), (y0 + dy / 2, y1 - dy / 2), n)
        maps = um.unit_maps(net, points, (len(ys), len(xs)))
        self.unit = (layer, unit)
        self.values = maps.unit(layer, unit)
        scaled = um.scaled(maps, layer)[unit]
        pal = palette_for(is_dark(self.data_view.palette()))
        rgb = diverging_rgb(scaled.reshape(-1), pal).reshape(*scaled.shape, 3)
        rgba = np.empty((*scaled.shape, 4), dtype=np.uint8)
        bg = np.array(pal.background.getRgb()[:3], dtype=np.float64)
        rgba[:, :, :3] = np.rint(bg + FOCUS_STRENGTH * (rgb - bg))
        rgba[:, :, 3] = 255
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.setVisible(True)
        name = maps.names[layer][unit]
        low, high = maps.ranges[layer]
        text = f"{name} ({maps.activations[layer]}): blue {low:.3g} … orange {high:.3g}"
        font = QFont(self.data_view.font())
        font.setPointSizeF(self.data_view.shown_font_size())
        self.label.setFont(font)
        self.label.setText(text, color=pal.foreground)
        self.label.fill = pg.mkBrush(pal.label_background)
        self.label.setPos(x0, y1)
        self.label.setVisible(True)
