"""The unit maps strip: one small map per hidden unit, grouped by layer.

Draws :class:`bpsim.viewmodel.unit_maps.UnitMaps` with the network view's
diverging blue–orange scale (:func:`bpsim.ui.colors.diverging_rgb`): orange
is a high output, blue a low one, as the units themselves are filled. Each
layer is a group headed by its number and activation; each map is labelled
h1,1, h1,2, … as the network view names the units. The tiles take the largest size
that fits the widget. For data without two inputs the strip shows a note.

Images are built when maps arrive (:meth:`UnitMapsPanel.show_maps`), not in
``paintEvent``, which only draws them: paint code must never raise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from bpsim.ui.colors import diverging_rgb, is_dark, palette_for
from bpsim.ui.safe_paint import paint_safely
from bpsim.viewmodel.unit_maps import UnitMaps, scaled

GAP = 6.0  # px between tiles
GROUP_GAP = 18.0  # px between layers
MIN_TILE, MAX_TILE = 20, 220
LABEL_SCALE = 0.85  # labels and layer titles, of the window's type
MAX_LABEL_PT = 12.0  # at lecture-hall type the maps, not their labels, get the room


@dataclass(frozen=True)
class Tile:
    layer: int
    unit: int
    rect: QRectF
    label: str


class UnitMapsPanel(QWidget):
    """Every hidden unit's map, or a note saying why there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._maps: UnitMaps | None = None
        self._images: list[list[QImage]] = []
        self._note = "No data."
        self._tiles: list[Tile] = []
        self._titles: list[tuple[QRectF, str]] = []
        self._selected: tuple[int, int] | None = None

    # -- what is shown -------------------------------------------------------------

    def show_maps(self, maps: UnitMaps) -> None:
        self._maps = maps
        self._note = ""
        self._build_images()
        self._layout()
        self.update()

    def show_note(self, note: str) -> None:
        self._maps = None
        self._images = []
        self._note = note
        self._layout()
        self.update()

    def select(self, layer: int, unit: int) -> None:
        """Ring hidden ``layer``'s ``unit`` (layer -1: none), e.g. the one hovered."""
        pick = None if layer < 0 or unit < 0 else (layer, unit)
        if pick != self._selected:
            self._selected = pick
            self.update()

    @property
    def maps(self) -> UnitMaps | None:
        return self._maps

    @property
    def note(self) -> str:
        return self._note

    @property
    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    # -- building ------------------------------------------------------------------

    def _build_images(self) -> None:
        maps = self._maps
        self._images = []
        if maps is None:
            return
        pal = palette_for(is_dark(self.palette()))
        for k, layer in enumerate(maps.layers):
            units, ny, nx = layer.shape
            rgb = diverging_rgb(scaled(maps, k).reshape(-1), pal).reshape(units, ny, nx, 3)
            row: list[QImage] = []
            for u in range(units):
                # row 0 is the lowest y: flip so that y grows upwards on screen
                pixels = np.ascontiguousarray(rgb[u, ::-1])
                image = QImage(pixels.data, nx, ny, 3 * nx, QImage.Format.Format_RGB888)
                row.append(image.copy())  # own the pixels
            self._images.append(row)

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(min(max(font.pointSizeF() * LABEL_SCALE, 7.0), MAX_LABEL_PT))
        return font

    def _line(self) -> float:
        return QFontMetricsF(self._label_font()).height()

    def _layout(self) -> None:
        """The largest tiles with which every layer's grid fits the widget."""
        self._tiles, self._titles = [], []
        maps = self._maps
        if maps is None:
            return
        line = self._line()
        counts = [int(m.shape[0]) for m in maps.layers]
        width, height = float(self.width()) - 2 * GAP, float(self.height()) - GAP
        best = None
        for size in range(MAX_TILE, MIN_TILE - 1, -2):
            cell_h = size + line + GAP
            rows = int((height - line - GAP) // cell_h)
            if rows < 1 and size > MIN_TILE:
                continue  # not even one row of this size fits the height
            rows = max(rows, 1)
            cols = [-(-n // min(rows, n)) for n in counts]
            used = sum(c * (size + GAP) for c in cols) + GROUP_GAP * (len(counts) - 1)
            if used <= width or size == MIN_TILE:
                best = (size, rows, cols)
                break
        assert best is not None
        size, rows, cols = best
        x = GAP
        for k, n in enumerate(counts):
            title = f"layer {k + 1} · {maps.activations[k]}"
            group_w = max(
                cols[k] * (size + GAP), QFontMetricsF(self._label_font()).horizontalAdvance(title)
            )
            self._titles.append((QRectF(x, 0, group_w, line + GAP / 2), title))
            for u in range(n):
                r, c = u % min(rows, n), u // min(rows, n)
                rect = QRectF(
                    x + c * (size + GAP), line + GAP + r * (size + line + GAP), size, size
                )
                self._tiles.append(Tile(k, u, rect, maps.names[k][u]))
            x += group_w + GROUP_GAP

    def sizeHint(self) -> QSize:
        return QSize(640, int(96 + 2 * self._line()))

    def minimumSizeHint(self) -> QSize:
        return QSize(120, int(MIN_TILE + 3 * self._line()))

    # -- events --------------------------------------------------------------------

    def resizeEvent(self, event: object) -> None:
        self._layout()

    def changeEvent(self, event: QEvent) -> None:
        kind = event.type()
        if kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._build_images()
        if kind in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._layout()
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # must never raise
        paint_safely(self, self._paint)

    def _paint(self, painter: QPainter) -> None:
        text = self.palette().color(QPalette.ColorRole.Text)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        painter.setFont(self.font())
        painter.setPen(text)
        if self._maps is None:
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(QRectF(self.rect()).adjusted(12, 6, -12, -6), flags, self._note)
            return
        painter.setFont(self._label_font())
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for rect, title in self._titles:
            painter.drawText(rect, left, title)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        frame = QColor(text)
        frame.setAlpha(90)
        line = self._line()
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        every = label_stride(self._tiles, QFontMetricsF(self._label_font()))
        for tile in self._tiles:
            images = self._images[tile.layer] if tile.layer < len(self._images) else []
            if tile.unit < len(images):
                painter.drawImage(tile.rect, images[tile.unit])
            chosen = self._selected == (tile.layer, tile.unit)
            painter.setPen(QPen(text if chosen else frame, 3.0 if chosen else 1.0))
            painter.drawRect(tile.rect)
            painter.setPen(text)
            below = QRectF(
                tile.rect.left() - GAP, tile.rect.bottom(), tile.rect.width() + 2 * GAP, line
            )
            if tile.unit % every == 0 or chosen:  # labels too wide for their tiles: every few
                painter.drawText(below, centre, tile.label)


def label_stride(tiles: list[Tile], metrics: QFontMetricsF) -> int:
    """Label one tile in this many, so that no label runs into the next one's."""
    if not tiles:
        return 1
    pitch = tiles[0].rect.width() + GAP
    widest = max(metrics.horizontalAdvance(t.label) for t in tiles)
    return max(1, math.ceil(widest / pitch))
