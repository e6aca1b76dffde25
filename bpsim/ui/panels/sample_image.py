"""The data panel for pictures: the shown sample as an image, and what the
first hidden layer looks for.

For data whose inputs are an image's pixels (the handwritten digits: see
:func:`bpsim.model.data.digits.image_shape`) a 2-D scatter of the first two
pixels says nothing. This panel draws the sample the current frame shows as
its picture (ink dark on paper), names its class and the network's answer
with its probability, and below it each first-layer hidden unit's incoming
weights as a small picture in the view's blue–orange scale (orange: ink
there raises the unit's sum; blue: lowers it), each scaled to its own
largest weight.

Everything is measured when the data change; :meth:`paintEvent` only draws
(and must never raise).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from bpsim.ui.colors import diverging_rgb, is_dark, palette_for
from bpsim.ui.safe_paint import paint_safely

Array = NDArray[np.float64]
MAX_UNIT_PICTURES = 32  # hidden units drawn as pictures, at most


def ink_image(pixels: Array, shape: tuple[int, int], dark: bool) -> QImage:
    """Pixels from 0 (paper) to 1 (ink) as a grey image, one image pixel each."""
    v = np.clip(np.nan_to_num(np.asarray(pixels, dtype=np.float64)), 0.0, 1.0)
    grey = (v * 255.0) if dark else (255.0 - v * 235.0)
    return _image(np.repeat(np.rint(grey).astype(np.uint8)[:, None], 3, axis=1), shape)


def weight_image(weights: Array, shape: tuple[int, int], dark: bool) -> QImage:
    """Weights on the diverging scale, scaled to their largest magnitude."""
    w = np.asarray(weights, dtype=np.float64)
    top = float(np.max(np.abs(w))) if w.size else 0.0
    return _image(diverging_rgb(w / top if top > 0 else w, palette_for(dark)), shape)


def _image(rgb: NDArray[np.uint8], shape: tuple[int, int]) -> QImage:
    rows, cols = shape
    data = np.ascontiguousarray(rgb.reshape(rows, cols, 3))
    image = QImage(data.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``data`` goes away


class SampleImageView(QWidget):
    """A sample as a picture, with its class, the network's answer, and the
    first hidden layer's weights as pictures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sample_image")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._shape: tuple[int, int] = (8, 8)
        self._pixels: Array | None = None
        self._title = ""
        self._answer = ""
        self._units: list[Array] = []
        self._images: tuple[QImage | None, list[QImage]] = (None, [])

    # -- public ------------------------------------------------------------------

    def set_shape(self, shape: tuple[int, int]) -> None:
        self._shape = shape

    def show_sample(
        self,
        pixels: Array,
        title: str,
        answer: str = "",
        first_weights: Array | None = None,
    ) -> None:
        """Draw ``pixels`` (one row, 0 to 1) under ``title``, with ``answer``
        (the network's) under the picture; ``first_weights`` (inputs × hidden
        units) gives the unit pictures."""
        self._pixels = np.asarray(pixels, dtype=np.float64)
        self._title, self._answer = title, answer
        self.set_first_weights(first_weights)

    def set_first_weights(self, first_weights: Array | None) -> None:
        """The first layer's weights (inputs × hidden units) for the unit pictures."""
        n = self._shape[0] * self._shape[1]
        if first_weights is None or first_weights.shape[0] != n:
            self._units = []
        else:
            w = np.asarray(first_weights, dtype=np.float64)
            self._units = [w[:, k].copy() for k in range(min(w.shape[1], MAX_UNIT_PICTURES))]
        self._make_images()
        self.update()

    def unit_weights(self) -> list[Array]:
        """The weights each unit picture shows (a copy, as drawn)."""
        return [w.copy() for w in self._units]

    def texts(self) -> tuple[str, str]:
        """The title and the network's answer, as drawn."""
        return self._title, self._answer

    def unit_count(self) -> int:
        return len(self._images[1])

    def sizeHint(self) -> QSize:
        return QSize(320, 420)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 160)

    # -- drawing -----------------------------------------------------------------

    def _dark(self) -> bool:
        return is_dark(self.palette())

    def _make_images(self) -> None:
        dark = self._dark()
        sample = None if self._pixels is None else ink_image(self._pixels, self._shape, dark)
        units = [weight_image(w, self._shape, dark) for w in self._units]
        self._images = (sample, units)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._make_images()
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_safely(self, self._paint)

    def _paint(self, p: QPainter) -> None:
        pal = palette_for(self._dark())
        p.fillRect(self.rect(), pal.background)
        sample, units = self._images
        if sample is None:
            return
        font = QFont(self.font())
        fm = QFontMetricsF(font)
        line = fm.height()
        w, h = float(self.width()), float(self.height())
        pad = 0.5 * line
        unit_rows = 0
        cols = 0
        if units:
            cols = min(len(units), 8)
            unit_rows = -(-len(units) // cols)
        # the sample gets what is left after 3 lines of text and the unit grid
        unit_cell = min((w - 2 * pad) / max(cols, 1), 0.14 * h) if units else 0.0
        room = h - 3 * line - 2 * pad - unit_rows * unit_cell - (line if units else 0.0)
        side = max(min(w - 2 * pad, room), 8.0)
        rows, columns = self._shape
        pix_w = side * columns / max(rows, columns)
        pix_h = side * rows / max(rows, columns)
        p.setFont(font)
        p.setPen(pal.foreground)
        text_rect = QRectF(pad, pad, w - 2 * pad, line)
        p.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter, self._title)
        target = QRectF((w - pix_w) / 2, pad + 1.2 * line, pix_w, pix_h)
        p.drawImage(target, sample)  # scaled without smoothing: the pixels stay square
        p.setPen(pal.outline)
        p.drawRect(target)
        y = target.bottom() + 0.2 * line
        p.setPen(pal.foreground)
        p.drawText(QRectF(pad, y, w - 2 * pad, line), Qt.AlignmentFlag.AlignHCenter, self._answer)
        if not units:
            return
        y += 1.2 * line
        p.setPen(pal.muted)
        caption = "Each hidden unit's weights from the pixels"
        elided = fm.elidedText(caption, Qt.TextElideMode.ElideRight, w - 2 * pad)
        p.drawText(QRectF(pad, y, w - 2 * pad, line), Qt.AlignmentFlag.AlignHCenter, elided)
        y += line
        left = (w - cols * unit_cell) / 2
        gap = max(1.0, 0.08 * unit_cell)
        for k, image in enumerate(units):
            r, c = divmod(k, cols)
            cell = QRectF(left + c * unit_cell, y + r * unit_cell, unit_cell, unit_cell)
            inner = cell.adjusted(gap, gap, -gap, -gap)
            p.drawImage(inner, image)
            p.setPen(QColor(pal.muted))
            p.drawRect(inner)
