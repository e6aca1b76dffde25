"""The input layer of a picture, drawn as the picture.

When a network's inputs are an image's pixels (the handwritten digits: 64
inputs, 8x8), a column of 64 circles says little; :class:`InputPicture`
lies over the network view's input column and draws the shown sample as its
8x8 picture there, ink dark on paper, the edges leaving from under it. It is
a transparent child of the view (mouse events pass through to the view, so
its tooltips still work) and leaves the view's own drawing alone.

Where it goes is measured when the sample or the view's size changes;
:meth:`paintEvent` only draws (and must never raise).
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from bpsim.ui.colors import is_dark, palette_for
from bpsim.ui.panels.sample_image import ink_image

Array = NDArray[np.float64]
MAX_WIDTH_SHARE = 0.16  # of the view's width, at most, for the picture


class InputPicture(QWidget):
    """Draws an image sample over ``view``'s input column (see the module)."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.view = view
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._image: QImage | None = None
        self._pixels: Array | None = None
        self._shape = (8, 8)
        self._target: QRectF | None = None
        view.installEventFilter(self)
        self.setGeometry(view.rect())
        self.hide()

    def set_sample(self, pixels: Array | None, shape: tuple[int, int] = (8, 8)) -> None:
        """Show ``pixels`` (0 to 1) as a ``shape`` picture; None hides it."""
        self._pixels = None if pixels is None else np.asarray(pixels, dtype=np.float64)
        self._shape = shape
        self._image = None if pixels is None else ink_image(pixels, shape, is_dark(self.palette()))
        self._place()
        self.setVisible(self._target is not None)
        self.update()

    def target(self) -> QRectF | None:
        """Where the picture is drawn, in the view's coordinates (None: nowhere)."""
        return self._target

    def _place(self) -> None:
        view = self.view
        self.setGeometry(view.rect())
        self.raise_()
        self._target = None
        scene = getattr(view, "scene", lambda: None)()
        if self._image is None or scene is None:
            return
        n = self._shape[0] * self._shape[1]
        if scene.sizes[0] != n:
            return
        first, last = view.unit_center(0, 0), view.unit_center(0, n - 1)  # type: ignore[attr-defined]
        r = float(view.unit_radius())  # type: ignore[attr-defined]
        column = last.y() - first.y() + 2 * r
        rows, cols = self._shape
        side = min(column, view.width() * MAX_WIDTH_SHARE * max(rows, cols) / cols)
        width, height = side * cols / max(rows, cols), side * rows / max(rows, cols)
        left = max(first.x() - width / 2, 2.0)
        top = (first.y() + last.y()) / 2 - height / 2
        self._target = QRectF(left, top, width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self._image is not None and self._target is not None:
                pal = palette_for(is_dark(self.palette()))
                painter.drawImage(self._target, self._image)  # square pixels, no smoothing
                painter.setPen(QPen(pal.outline, 1.0))
                painter.drawRect(self._target)
        except Exception:  # raised in paint, it would abort the process (PySide6)
            logging.getLogger(__name__).exception("could not paint the input picture")
        finally:
            painter.end()
