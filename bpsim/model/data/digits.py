"""The 8x8 handwritten digits, and how to tell an image's pixels from other inputs.

``resources/digits.csv.gz`` (see ``resources/digits-LICENSE.txt``) holds
1,797 images, one a line: 64 pixel counts from 0 to 16, row by row, then the
digit. :func:`make_digits` gives them as a classification data set whose
inputs are the counts divided by 16 (0 is white paper, 1 full ink) and whose
targets are one-hot over the ten digits.

Inputs named ``r1c1, r1c2, …, r8c8`` (row and column, from 1) are the pixels
of an image: :func:`image_shape` recognises such names, so that the panels can
draw a sample as a picture, whatever file it came from.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

import numpy as np
from numpy.typing import NDArray

from bpsim.model.data.dataset import Array, Dataset
from bpsim.model.errors import DataError

DIGITS_SAMPLES = 1797
DIGITS_SIDE = 8
MAX_COUNT = 16  # pixel counts run from 0 to this
_PIXEL = re.compile(r"r([0-9]+)c([0-9]+)")


def pixel_names(rows: int, cols: int) -> tuple[str, ...]:
    """The input names of an image's pixels, row by row: r1c1, r1c2, …"""
    return tuple(f"r{r + 1}c{c + 1}" for r in range(rows) for c in range(cols))


def image_shape(feature_names: Sequence[str]) -> tuple[int, int] | None:
    """(rows, columns) when the inputs are an image's pixels named as
    :func:`pixel_names` names them, in that order; else None."""
    last = _PIXEL.fullmatch(feature_names[-1]) if feature_names else None
    if last is None:
        return None
    rows, cols = int(last.group(1)), int(last.group(2))
    if rows < 2 or cols < 2 or tuple(feature_names) != pixel_names(rows, cols):
        return None
    return rows, cols


@cache
def _digits_arrays() -> tuple[Array, NDArray[np.int64]]:
    """The pixel counts (1797, 64) and the digits (1797,), checked."""
    raw = (files("bpsim.resources") / "digits.csv.gz").read_bytes()
    try:
        table = np.loadtxt(io.StringIO(gzip.decompress(raw).decode("ascii")), delimiter=",")
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"digits: the shipped file digits.csv.gz is damaged ({exc})") from None
    pixels = DIGITS_SIDE * DIGITS_SIDE
    if table.shape != (DIGITS_SAMPLES, pixels + 1):
        raise DataError(f"digits: expected {DIGITS_SAMPLES} rows of 65 numbers, got {table.shape}")
    if not (np.all(table == np.rint(table)) and table.min() >= 0 and table[:, :-1].max() <= 16):
        raise DataError("digits: the pixel counts must be whole numbers from 0 to 16")
    labels = table[:, -1].astype(np.int64)
    if labels.max() > 9:
        raise DataError("digits: the labels must be the digits 0 to 9")
    return table[:, :-1], labels


def make_digits(
    n_samples: int = DIGITS_SAMPLES, noise: float = 0.0, seed: int | None = None
) -> Dataset:
    """The handwritten digits: 64 inputs (pixels from 0 to 1), ten one-hot
    classes. ``n_samples < 1797`` picks a random subset (the same for the
    same ``seed``); ``noise > 0`` adds Gaussian noise to the pixels."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise DataError("digits: the number of samples must be a whole number")
    if not 10 <= n_samples <= DIGITS_SAMPLES:
        raise DataError(f"digits: can give 10 to {DIGITS_SAMPLES} samples, not {n_samples}")
    if not (np.isfinite(noise) and noise >= 0):
        raise DataError(f"digits: the noise must be a non-negative number, got {noise}")
    counts, labels = _digits_arrays()
    rng = np.random.default_rng(seed)
    if n_samples < DIGITS_SAMPLES:
        keep = np.sort(rng.choice(DIGITS_SAMPLES, size=n_samples, replace=False))
        counts, labels = counts[keep], labels[keep]
    X = counts / MAX_COUNT
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    Y = np.eye(10)[labels]
    text = (
        "Handwritten digits (UCI, Alpaydin & Kaynak 1998): 8x8 pictures, each pixel "
        "the ink in a 4x4 block, 0 to 1; ten classes, 0 to 9."
    )
    names = pixel_names(DIGITS_SIDE, DIGITS_SIDE)
    classes = tuple(str(d) for d in range(10))
    return Dataset("digits", X, Y, "classification", names, classes, text)
