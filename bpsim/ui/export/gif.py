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
from bpsim.ui.export.gif_stream import GifStream
from bpsim.ui.export.images import ExportError, render
from bpsim.viewmodel.timeline import Granularity, group_ends

if TYPE_CHECKING:
    from PIL import Image
    from PySide6.QtGui import QImage

MAX_GIF_FRAMES = 240  # longer steps are shown one unit, layer or pass at a time
CACHE_BITS = 16  # recent colours kept hashed: 2**16 of them
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


def _pack(rgb: NDArray[np.uint8] | NDArray[np.int64] | NDArray[np.int32]) -> NDArray[np.uint32]:
    """Each RGB colour as one number, 0xRRGGBB."""
    packed = rgb[..., 0].astype(np.uint32) << 16
    packed |= rgb[..., 1].astype(np.uint32) << 8
    packed |= rgb[..., 2].astype(np.uint32)
    return packed


def packed_pixels(image: QImage) -> NDArray[np.uint32]:
    """A rendered, opaque image's pixels as 32-bit numbers 0xAARRGGBB (the
    alpha byte is ignored: :class:`GifPalette` reads them in rows). For a
    32-bit image this is a view of its pixels, valid while ``image`` lives."""
    from PySide6.QtGui import QImage

    fmt = QImage.Format
    copy = image.format() not in (fmt.Format_RGB32, fmt.Format_ARGB32_Premultiplied)
    if copy:
        image = image.convertToFormat(fmt.Format_RGB32)
    w, h, stride = image.width(), image.height(), image.bytesPerLine() // 4
    data = np.frombuffer(image.constBits(), dtype=np.uint32, count=stride * h)
    pixels = data.reshape(h, stride)[:, :w]
    return pixels.copy() if copy else pixels


def _pixels(images: Iterator[QImage], n: int) -> Iterator[NDArray[np.uint32]]:
    """The pixels of the next ``n`` images, each valid until the next is asked for."""
    for _ in range(n):
        image = next(images)
        yield packed_pixels(image)


class GifPalette:
    """One palette for every frame of an animation, so colours stay the same
    from frame to frame, and the mapping of frames to it.

    The palette holds the most common colours of a few sample frames exactly
    (background, edges, text, accents) and a max-coverage quantisation of
    the other colours they hold (antialiasing, shades of units). Each colour
    goes to its nearest palette entry, worked out once and kept (a sorted
    table of the colours met so far): Pillow's ``quantize(palette=...)``
    looks colours up at reduced precision and shifts even those the palette
    holds. Samples and frames are RGB arrays ``(h, w, 3)`` or 0xRRGGBB
    numbers ``(h, w)`` (:func:`packed_pixels`); only one is held at a time.
    """

    EXACT = 128  # palette entries kept for the samples' most common colours
    ROWS = 48  # rows of a frame looked up at a time (bounds the memory it takes)

    def __init__(self, samples: Iterable[NDArray[np.uint8] | NDArray[np.uint32]]) -> None:
        from PIL import Image

        colours, counts = [], []
        for sample in samples:
            for top in range(0, sample.shape[0], self.ROWS):
                found, n = np.unique(_packed(sample[top : top + self.ROWS]), return_counts=True)
                colours.append(found)
                counts.append(n)
        every, where = np.unique(np.concatenate(colours), return_inverse=True)
        total = np.bincount(where.ravel(), weights=np.concatenate(counts))
        common = every[np.argsort(total, kind="stable")[::-1][: self.EXACT]]
        n_rest = 256 - len(common)
        seen = _unpack(every).astype(np.uint8).reshape(1, -1, 3)  # each colour once
        quantised = Image.fromarray(seen).quantize(n_rest, method=Image.Quantize.MAXCOVERAGE)
        rest = np.array(quantised.getpalette() or [], dtype=np.int32)[: 3 * n_rest]
        rgb = np.concatenate([_unpack(common), rest.reshape(-1, 3)])
        _, first = np.unique(_pack(rgb), return_index=True)  # no colour twice
        self.rgb: NDArray[np.int32] = rgb[np.sort(first)].astype(np.int32)
        self.colours = self.rgb.astype(np.uint8).tobytes()  # for Image.putpalette
        self._known = np.empty(0, dtype=np.uint32)  # colours met so far, sorted
        self._entry = np.empty(0, dtype=np.uint8)  # and their palette entries
        self._cache_colour = np.full(1 << CACHE_BITS, 0xFFFFFFFF, dtype=np.uint32)  # none
        self._cache_entry = np.zeros(1 << CACHE_BITS, dtype=np.uint8)

    def indices(self, pixels: NDArray[np.uint8] | NDArray[np.uint32]) -> NDArray[np.uint8]:
        """The palette entry of each pixel, ``(h, w)``."""
        out = np.empty(pixels.shape[:2], dtype=np.uint8)
        for top in range(0, pixels.shape[0], self.ROWS):
            out[top : top + self.ROWS] = self._entries(_packed(pixels[top : top + self.ROWS]))
        return out

    def _entries(self, packed: NDArray[np.uint32]) -> NDArray[np.uint8]:
        """Entries of 0xRRGGBB colours: from a small cache of recent colours
        (hashed), else from the table of every colour met so far."""
        slot = (packed * np.uint32(0x9E3779B1)) >> np.uint32(32 - CACHE_BITS)
        entries = self._cache_entry[slot]
        miss = self._cache_colour[slot] != packed
        if miss.any():
            colours, where = np.unique(packed[miss], return_inverse=True)
            found = self._lookup(colours)[where.ravel()]
            entries[miss] = found
            self._cache_colour[slot[miss]] = packed[miss]
            self._cache_entry[slot[miss]] = found
        return entries

    def _lookup(self, colours: NDArray[np.uint32]) -> NDArray[np.uint8]:
        """Entries of sorted, unique colours, learning the new ones."""
        at = self._find(colours)
        if at is None:
            self._learn(colours)
            at = self._find(colours)
            assert at is not None
        return self._entry[at]

    def image(self, pixels: NDArray[np.uint8] | NDArray[np.uint32]) -> Image.Image:
        """``pixels`` as a palette image, 1 byte per pixel."""
        from PIL import Image

        index = self.indices(pixels)
        image = Image.frombytes("P", (index.shape[1], index.shape[0]), index.tobytes())
        image.putpalette(self.colours)
        return image

    def _find(self, packed: NDArray[np.uint32]) -> NDArray[np.intp] | None:
        """Where each colour is in the table (None: some are not there yet)."""
        known = self._known
        if not known.size:
            return None
        at = np.searchsorted(known, packed)
        np.minimum(at, known.size - 1, out=at)
        return at if np.array_equal(known[at], packed) else None

    def _learn(self, packed: NDArray[np.uint32]) -> None:
        """Add the colours ``packed`` (unique) to the table, with their nearest entries."""
        new = np.setdiff1d(packed, self._known, assume_unique=True)
        entries = np.empty(new.size, dtype=np.uint8)
        for start in range(0, new.size, 128):  # 128 x 256 distances at a time
            rgb = _unpack(new[start : start + 128])
            distance = ((rgb[:, None, :] - self.rgb[None, :, :]) ** 2).sum(axis=2)
            entries[start : start + 128] = distance.argmin(axis=1)
        known = np.concatenate([self._known, new])
        order = np.argsort(known, kind="stable")
        self._known, self._entry = known[order], np.concatenate([self._entry, entries])[order]


def _packed(pixels: NDArray[np.uint8] | NDArray[np.uint32]) -> NDArray[np.uint32]:
    """RGB rows, or 32-bit pixels (any alpha), as 0xRRGGBB numbers."""
    if pixels.ndim == 3:
        return _pack(pixels)
    return pixels & np.uint32(0xFFFFFF)  # type: ignore[no-any-return]


def _unpack(packed: NDArray[np.uint32]) -> NDArray[np.int32]:
    """0xRRGGBB numbers as (n, 3) RGB rows."""
    p = packed.astype(np.int32)
    return np.stack([p >> 16, (p >> 8) & 255, p & 255], axis=1)


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
    frame), and go to the file one by one, each only where it differs from
    the frame before (:class:`GifStream`): memory stays that of a frame or
    two, however long the animation."""
    target = Path(path)
    check_gif_path(target)
    check_fps(fps)
    chosen = gif_frames(trace)
    if not chosen.frames:
        raise ExportError("this step has no frames to show")
    samples = _palette_samples(trace, chosen.frames)
    duration = min(round(1000 / fps), 655_350)  # ms; GIF delays end at 655.35 s
    # one slide renders the palette's samples, then the frames
    images = render(trace, activation_names, [*samples, *chosen.frames], size, mode)
    palette = GifPalette(_pixels(images, len(samples)))

    def save(tmp: str) -> None:
        with open(tmp, "wb") as fp:
            gif = GifStream(fp, size, palette.colours, duration)
            for image in images:
                gif.add(palette.indices(packed_pixels(image)))
            gif.close()

    try:
        atomic_write(target, save)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return chosen
