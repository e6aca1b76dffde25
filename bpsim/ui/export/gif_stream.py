"""An animated GIF written frame by frame, as the frames come.

Pillow's ``save_all`` keeps every frame until the end; :class:`GifStream`
writes the header with one global palette, then each frame as soon as it
is given, cropped to where it differs from the frame before (the rest of
the picture stays: no disposal), so memory holds one frame, whatever the
animation's length. Pillow encodes each frame's pixels (``getdata``).
"""

from __future__ import annotations

import struct
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

GLOBAL_PALETTE = 0x87  # a global colour table of 256 entries
LOOP_FOREVER = b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00"


class GifStream:
    """Writes an animation of ``size`` (width, height) with the palette
    ``colours`` (RGB bytes, at most 256 entries), each frame shown for
    ``duration`` ms, looping forever, to the open binary file ``fp``."""

    def __init__(self, fp: BinaryIO, size: tuple[int, int], colours: bytes, duration: int) -> None:
        if len(colours) > 768 or len(colours) % 3:
            raise ValueError("a GIF palette holds at most 256 RGB colours")
        self.fp, self.size, self.duration = fp, size, duration
        self.frames = 0
        self._previous: NDArray[np.uint8] | None = None
        screen = struct.pack("<HHBBB", size[0], size[1], GLOBAL_PALETTE, 0, 0)
        fp.write(b"GIF89a" + screen + colours + bytes(768 - len(colours)) + LOOP_FOREVER)

    def add(self, index: NDArray[np.uint8]) -> None:
        """One frame: its pixels as palette entries, ``(height, width)``."""
        from PIL import GifImagePlugin, Image

        if index.shape != (self.size[1], self.size[0]):
            raise ValueError(f"a frame of {index.shape[::-1]} in an animation of {self.size}")
        index = np.ascontiguousarray(index)
        _, y0, x1, y1 = self._changed(index)  # from the left edge: rows of the frame, no copy
        width = self.size[0]
        rows = index.reshape(-1)[y0 * width : y1 * width]
        image = Image.frombuffer("P", (x1, y1 - y0), rows, "raw", "P", width, 1)
        for chunk in GifImagePlugin.getdata(image, (0, y0), duration=self.duration):
            self.fp.write(chunk)
        self._previous = index
        self.frames += 1

    def close(self) -> None:
        """End the file (the file itself stays open: its owner closes it)."""
        self.fp.write(b";")

    def _changed(self, index: NDArray[np.uint8]) -> tuple[int, int, int, int]:
        """The box (x0, y0, x1, y1) where ``index`` differs from the frame
        before: all of it for the first frame, one pixel if nothing changed."""
        if self._previous is None:
            return 0, 0, self.size[0], self.size[1]
        changed_rows, changed_cols = [], np.zeros(self.size[0], dtype=bool)
        for top in range(0, self.size[1], 64):  # a band of rows at a time: little memory
            diff = index[top : top + 64] != self._previous[top : top + 64]
            changed_rows.append(diff.any(axis=1))
            changed_cols |= diff.any(axis=0)
        rows, cols = np.flatnonzero(np.concatenate(changed_rows)), np.flatnonzero(changed_cols)
        if not rows.size:
            return 0, 0, 1, 1
        return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
