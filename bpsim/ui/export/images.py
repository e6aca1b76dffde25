"""Render slides offscreen and write them as PNG files, whole or not at all.

Each file goes to a temporary file in the target folder first and is renamed
into place when complete. Works without a display.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.errors import BpsimError
from bpsim.model.sessions.files import atomic_write
from bpsim.model.trace.frames import Trace

if TYPE_CHECKING:
    from PySide6.QtGui import QImage


class ExportError(BpsimError):
    """An export cannot be done; the message says why."""


def _app() -> object:
    """The running application, or a new offscreen one (no display needed)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _quiet_offscreen_notes()
        app = QApplication([sys.argv[0]])
    return app


def _quiet_offscreen_notes() -> None:
    """The offscreen platform says it "does not support propagateSizeHints()"
    for every window: not news to someone exporting slides. Other Qt
    messages still reach stderr."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def render(
    trace: Trace,
    activation_names: Sequence[str],
    frames: Sequence[int],
    size: tuple[int, int],
    mode: str = "weights",
) -> Iterator[QImage]:
    """One image of the slide (network and formula) per frame index; edges
    show ``mode`` ("weights" or "gradients")."""
    _app()
    from bpsim.ui.export.slide import SlideView

    slide = SlideView()
    slide.set_slide_size(*size)
    try:
        for k in frames:
            slide.show_frame(trace, k, activation_names, mode)
            yield slide.grab().toImage()
    finally:
        slide.deleteLater()


def to_rgb(image: QImage) -> NDArray[np.uint8]:
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    data = np.frombuffer(img.constBits(), dtype=np.uint8, count=stride * h)
    return data.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


def write_frames(
    trace: Trace,
    activation_names: Sequence[str],
    frames: Sequence[int],
    out_dir: str | os.PathLike[str],
    size: tuple[int, int] = (1280, 720),
    mode: str = "weights",
) -> list[Path]:
    """Write ``frame_0000.png``… into ``out_dir``; returns the paths. Edges
    show ``mode`` ("weights" or "gradients")."""
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc.strerror or exc}") from None
    written = []
    images = render(trace, activation_names, frames, size, mode)
    for k, image in zip(frames, images, strict=True):
        path = folder / f"frame_{k:04d}.png"
        write_png(image, path)
        written.append(path)
    return written


def write_png(image: QImage, path: str | os.PathLike[str]) -> None:
    """Save ``image`` as a PNG, whole or not at all."""
    target = Path(path)

    def save(tmp: str) -> None:
        if not image.save(tmp, "PNG"):
            raise ExportError(f"cannot write {target}")

    try:
        atomic_write(target, save)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
