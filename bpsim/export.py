"""``bpsim export``: frames (PNG) and animations (GIF) of a training step,
rendered offscreen, for slides. Works without a display.

Files are written whole or not at all: each goes to a temporary file in the
target folder first and is renamed into place when complete.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.errors import BpsimError
from bpsim.model.files import atomic_write
from bpsim.model.frames import Trace

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

MAX_GIF_FRAMES = 400  # longer steps are shown one unit at a time


class ExportError(BpsimError):
    """An export cannot be done; the message says why."""


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ExportError(f"size must look like 1280x720, not {text!r}") from None
    if not (64 <= w <= 8192 and 64 <= h <= 8192):
        raise ExportError(f"size {w}x{h} is out of range (64 to 8192 pixels a side)")
    return w, h


def parse_frames(text: str, n_frames: int) -> range:
    """``A:B`` (B excluded, either may be left out) or a single ``A``."""
    try:
        if ":" in text:
            a, b = text.split(":", 1)
            start = int(a) if a.strip() else 0
            stop = int(b) if b.strip() else n_frames
        else:
            start = int(text)
            stop = start + 1
    except ValueError:
        raise ExportError(f"frames must look like 0:10 or 5, not {text!r}") from None
    if not 0 <= start < stop <= n_frames:
        raise ExportError(f"frames {text} are outside this step's frames 0:{n_frames}")
    return range(start, stop)


def _app() -> object:
    """The running application, or a new offscreen one (no display needed)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication([sys.argv[0]])
    return app


def render(
    trace: Trace, activation_names: Sequence[str], frames: Sequence[int], size: tuple[int, int]
) -> Iterator[QImage]:
    """One image of the slide (network and formula) per frame index."""
    app = _app()
    from bpsim.ui.slide import SlideView

    slide = SlideView()
    slide.set_slide_size(*size)
    try:
        for k in frames:
            slide.show_frame(trace, k, activation_names)
            yield slide.grab().toImage()
    finally:
        slide.deleteLater()
        del app


def _to_rgb(image: QImage) -> NDArray[np.uint8]:
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
) -> list[Path]:
    """Write ``frame_0000.png``… into ``out_dir``; returns the paths."""
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc.strerror or exc}") from None
    written = []
    for k, image in zip(frames, render(trace, activation_names, frames, size), strict=True):
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


def gif_frames(trace: Trace) -> list[int]:
    """The frames of an animation: all of them, or for long steps the last
    frame of each unit's group."""
    if len(trace) <= MAX_GIF_FRAMES:
        return list(range(len(trace)))
    from bpsim.timeline import Granularity, group_key

    keys = [group_key(f, Granularity.UNIT) for f in trace.frames]
    return [k for k in range(len(keys)) if k == len(keys) - 1 or keys[k + 1] != keys[k]]


def write_gif(
    trace: Trace,
    activation_names: Sequence[str],
    path: str | os.PathLike[str],
    size: tuple[int, int] = (1280, 720),
    fps: float = 4.0,
) -> int:
    """Write an animated GIF of the whole step; returns the number of frames."""
    import imageio.v3 as iio

    target = Path(path)
    if target.suffix.lower() != ".gif":
        raise ExportError(f"{target.name}: the animation file must end in .gif")
    frames = gif_frames(trace)
    images = np.stack([_to_rgb(im) for im in render(trace, activation_names, frames, size)])
    duration = 1000.0 / max(fps, 0.1)

    def save(tmp: str) -> None:
        iio.imwrite(tmp, images, extension=".gif", duration=duration, loop=0)

    try:
        atomic_write(target, save)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return len(frames)


def run_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """The ``bpsim export`` command; one line on stderr and status 2 on error."""
    from bpsim.app import open_session
    from bpsim.timeline import Timeline

    try:
        size = parse_size(args.size)
        if args.frames is not None and not args.out:
            raise ExportError("--frames needs --out DIR")
        session = open_session(args.preset, args.session)
        timeline = Timeline(session)
        trace, names = timeline.trace, session.trainer.net.activation_names
        if args.frames is not None:
            frames = parse_frames(args.frames, len(trace))
            written = write_frames(trace, names, frames, args.out, size)
            print(f"wrote {len(written)} frames to {args.out}")
        else:
            n = write_gif(trace, names, args.animation, size, args.fps)
            print(f"wrote {args.animation} ({n} frames)")
    except (BpsimError, ValueError) as exc:
        print(f"bpsim export: {exc}", file=sys.stderr)
        return 2
    return 0
