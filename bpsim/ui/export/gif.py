"""Animated GIFs of a training step: which frames to show, one exact palette
for all of them, and the file written whole or not at all."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bpsim.model.sessions.files import atomic_write
from bpsim.model.trace.frames import Trace
from bpsim.ui.export.images import ExportError, render, to_rgb
from bpsim.viewmodel.timeline import Granularity, group_ends

if TYPE_CHECKING:
    from PIL import Image

MAX_GIF_FRAMES = 240  # longer steps are shown one unit, layer or pass at a time
MAX_GIF_FPS = 50  # GIF delays are in 1/100 s; browsers slow down shorter ones


def _group_ends(trace: Trace, granularity: Granularity, most: int) -> list[int]:
    """The last frame of each group of ``granularity``, in order; no more
    than ``most`` + 1 of them (enough to tell that there are too many)."""
    return list(itertools.islice(group_ends(trace, granularity), most + 1))


@dataclass(frozen=True)
class GifFrames:
    """The frames an animation shows, and how they were chosen."""

    frames: tuple[int, ...]
    granularity: Granularity  # FRAME: every frame; else the last of each group
    every: int = 1  # one group in ``every`` (only when even passes are too many)

    def describe(self) -> str:
        """``"one per layer"``, for the command's report."""
        if self.granularity is Granularity.FRAME:
            return "every frame"
        if self.every > 1:
            return f"one every {self.every} passes"
        return f"one per {self.granularity.value}"


def gif_frames(trace: Trace, limit: int | None = None) -> GifFrames:
    """The frames of an animation of at most ``limit`` frames: all of them;
    or else the last frame of each unit, of each layer or of each pass, the
    finest of these that fits; or else of every few passes. ``limit`` is
    :data:`MAX_GIF_FRAMES` unless given."""
    limit = MAX_GIF_FRAMES if limit is None else limit
    if len(trace) <= limit:
        return GifFrames(tuple(range(len(trace))), Granularity.FRAME)
    for granularity in (Granularity.UNIT, Granularity.LAYER):
        ends = _group_ends(trace, granularity, limit)
        if len(ends) <= limit:
            return GifFrames(tuple(ends), granularity)
    ends = list(group_ends(trace, Granularity.PASS))  # a few per sample
    if len(ends) <= limit:
        return GifFrames(tuple(ends), Granularity.PASS)
    every = math.ceil(len(ends) / limit)
    return GifFrames(tuple(ends[len(ends) - 1 :: -every][::-1]), Granularity.PASS, every)


def check_fps(fps: float) -> float:
    """``fps`` if it is a usable GIF frame rate, else an :class:`ExportError`."""
    if not (math.isfinite(fps) and 0 < fps <= MAX_GIF_FPS):
        raise ExportError(f"--fps must be above 0 and at most {MAX_GIF_FPS}, not {fps:g}")
    return fps


def check_gif_path(target: Path) -> None:
    if target.suffix.lower() != ".gif":
        raise ExportError(f"{target.name}: the animation file must end in .gif")
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: there is no folder {target.parent}")


def _pack(rgb: NDArray[np.uint8]) -> NDArray[np.int32]:
    """Each RGB colour as one number, 0xRRGGBB."""
    r, g, b = (rgb[..., c].astype(np.int32) for c in range(3))
    return (r << 16) | (g << 8) | b


class GifPalette:
    """One palette for every frame of an animation, so colours stay the same
    from frame to frame, and the mapping of frames to it.

    The palette holds the most common colours of a few sample frames exactly
    (background, edges, text, accents) and a max-coverage quantisation of
    them for the rest (antialiasing, shades of units). Each colour goes to
    its nearest palette entry, worked out once and kept in a table of all
    2**24 colours: Pillow's ``quantize(palette=...)`` looks colours up at
    reduced precision and shifts even those the palette holds.
    """

    EXACT = 128  # palette entries kept for the samples' most common colours

    def __init__(self, samples: Iterable[NDArray[np.uint8]]) -> None:
        from PIL import Image

        montage = np.concatenate(list(samples))  # one above the other
        colours, counts = np.unique(_pack(montage), return_counts=True)
        common = colours[np.argsort(counts, kind="stable")[::-1][: self.EXACT]]
        n_rest = 256 - len(common)
        quantised = Image.fromarray(montage).quantize(n_rest, method=Image.Quantize.MAXCOVERAGE)
        del montage
        rest = np.array(quantised.getpalette() or [], dtype=np.int32)[: 3 * n_rest]
        exact = np.stack([common >> 16, (common >> 8) & 255, common & 255], axis=1)
        rgb = np.concatenate([exact, rest.reshape(-1, 3)])
        _, first = np.unique(_pack(rgb), return_index=True)  # no colour twice
        self.rgb: NDArray[np.int32] = rgb[np.sort(first)].astype(np.int32)
        self.colours = self.rgb.astype(np.uint8).tobytes()  # for Image.putpalette
        self._nearest = np.full(1 << 24, -1, dtype=np.int16)  # -1: not worked out yet

    def image(self, rgb: NDArray[np.uint8]) -> Image.Image:
        """``rgb`` as a palette image, 1 byte per pixel."""
        from PIL import Image

        packed = _pack(rgb)
        index = self._nearest[packed]
        new = index < 0
        if new.any():
            self._learn(np.unique(packed[new]))
            index = self._nearest[packed]
        image = Image.frombytes("P", (rgb.shape[1], rgb.shape[0]), index.astype(np.uint8).tobytes())
        image.putpalette(self.colours)
        return image

    def _learn(self, packed: NDArray[np.int32]) -> None:
        for start in range(0, len(packed), 4096):  # 4096 x 256 distances at a time
            chunk = packed[start : start + 4096]
            rgb = np.stack([chunk >> 16, (chunk >> 8) & 255, chunk & 255], axis=1)
            distance = ((rgb[:, None, :] - self.rgb[None, :, :]) ** 2).sum(axis=2)
            self._nearest[chunk] = distance.argmin(axis=1)


def _palette_samples(trace: Trace, frames: Sequence[int]) -> list[int]:
    """First, middle and last frame, and the first of each phase (their
    accent colours)."""
    first_of_phase = {trace.frames[k].phase: k for k in reversed(frames)}
    return sorted({frames[0], frames[len(frames) // 2], frames[-1], *first_of_phase.values()})


def write_gif(
    trace: Trace,
    activation_names: Sequence[str],
    path: str | os.PathLike[str],
    size: tuple[int, int] = (1280, 720),
    fps: float = 4.0,
    mode: str = "weights",
) -> GifFrames:
    """Write an animated GIF of the whole step (see :func:`gif_frames` for
    long steps); returns the frames it shows.

    Frames become 1-byte palette images as they are rendered, all with one
    palette made from a few of them (so colours stay true from frame to
    frame), and Pillow stores only what changed from the frame before."""
    target = Path(path)
    check_gif_path(target)
    check_fps(fps)
    chosen = gif_frames(trace)
    if not chosen.frames:
        raise ExportError("this step has no frames to show")
    samples = _palette_samples(trace, chosen.frames)
    palette = GifPalette(to_rgb(im) for im in render(trace, activation_names, samples, size, mode))
    duration = min(round(1000 / fps), 655_350)  # ms; GIF delays end at 655.35 s

    def quantised(frames: Sequence[int]) -> Iterator[Image.Image]:
        for image in render(trace, activation_names, frames, size, mode):
            yield palette.image(to_rgb(image))

    def save(tmp: str) -> None:
        images = quantised(chosen.frames)
        first = next(images)
        first.save(tmp, format="GIF", save_all=True, append_images=images, loop=0,
                   duration=duration, palette=palette.colours, optimize=True)  # fmt: skip

    try:
        atomic_write(target, save)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return chosen
