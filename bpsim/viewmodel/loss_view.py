"""What the loss plot and the status bar say about the loss, without Qt.

- The names of the loss quantities and the tooltips that explain them: the
  *sample loss* (one sample), the *batch loss* (the mean over one training
  step's mini-batch: what the frames compute), the *training loss* (the mean
  over the whole training set: the plot's curve) and the *test loss* (the
  held-out samples, never trained on).
- :class:`Moment`: the one step and frame that the plot's header, its marker,
  the status bar and the formula card all describe.
- :func:`fit_range`: the plot's view, following the data (x from the first
  step to the latest, the loss never below zero).
- :func:`lowest_test`: where the test loss was lowest, once it has risen
  from there (the network began to overfit).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from bpsim.viewmodel.loss_bounds import VIEW_FACTOR, typical_loss

LOSS_NAMES = {
    "sample": "sample loss",
    "batch": "batch loss",
    "train": "training loss",
    "test": "test loss",
    "accuracy": "accuracy",
    "test_accuracy": "test accuracy",
}

LOSS_TIPS = {
    "sample": "Sample loss: the loss E of the one sample the frames show.",
    "batch": (
        "Batch loss: the mean loss E over the samples of this training step's "
        "mini-batch, before its update. The frames and the formula card compute it; "
        "with one sample in the batch it is that sample's loss."
    ),
    "train": (
        "Training loss: the mean loss over the whole training set, for the weights "
        "the step starts from: the curve (while training fast, a point every few steps)."
    ),
    "test": (
        "Test loss: the mean loss over the held-out test samples, which the network "
        "never trains on. If it rises while the training loss falls, the network is "
        "overfitting."
    ),
    "accuracy": "Accuracy: the share of samples classified correctly.",
    "test_accuracy": "Test accuracy: the share of the test samples classified correctly.",
}

MIN_X_SPAN = 1.0  # the x axis spans at least one step (a lone point sits at its left)
X_ROOM = 0.02  # room left of the first point and right of the latest, as a share of the span
TOP_ROOM = 0.08  # room above the highest loss (linear axis)
LOG_ROOM = 0.05  # room above and below, in decades (log axis)
OVERFIT_RISE = 1.2  # the test loss 20 % above its lowest (not noise) marks the lowest point


def position_text(step: int | None, frame: int | None = None, frames: int | None = None) -> str:
    """``step 3 · frame 5 / 32`` (frame 1-based), as the formula card and the
    plot write it; either part may be unknown."""
    where = (
        "" if frame is None else f"frame {frame}" if frames is None else f"frame {frame} / {frames}"
    )
    if step is None:
        return where
    return f"step {step} · {where}" if where else f"step {step}"


@dataclass(frozen=True)
class Moment:
    """The moment every view shows.

    ``step`` is the training step the frames show, ``frame`` its 1-based
    frame (None while training continuously) out of ``frames``.
    ``values`` holds the series' values (``train``, ``test``, ``accuracy``)
    for the weights the step starts from; ``after`` the training loss after
    the step's update, once the whole update is on screen.
    """

    step: int
    frame: int | None = None
    frames: int | None = None
    values: Mapping[str, float | None] = field(default_factory=dict)
    after: float | None = None
    training: bool = False

    @property
    def position(self) -> str:
        text = position_text(self.step, self.frame, self.frames)
        return f"training · {text}" if self.training else text


def fit_range(
    x: ArrayLike, y: ArrayLike, *, log: bool, min_span: float = MIN_X_SPAN
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The view's ``(x range, y range)`` that shows the points ``x, y``.

    x runs from the first step to the latest (at least ``min_span`` steps), so
    the curve fills the plot at any training speed. On a linear axis y runs
    from 0 (a loss is never negative) to a little above the highest value; on
    a log axis (the range in decades, as the plot's view uses) from a little
    below the lowest positive value to a little above the highest.
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    if len(xs) == 0:
        return (0.0, 100.0), ((-1.0, 0.0) if log else (0.0, 1.0))
    lo, hi = float(xs.min()), float(xs.max())
    hi = max(hi, lo + min_span)
    room = X_ROOM * (hi - lo)  # a dot at either end is drawn whole
    x_range = (lo - room, hi + room)
    if log:
        positive = ys[ys > 0]
        if len(positive) == 0:
            return x_range, (-1.0, 0.0)
        top, bottom = math.log10(float(positive.max())), math.log10(float(positive.min()))
        room = max(LOG_ROOM, LOG_ROOM * (top - bottom))
        return x_range, (bottom - room, top + room)
    top = float(ys.max())
    typical = typical_loss(ys)  # an absurd loss runs off the top: the rest stays readable
    top = top if typical is None else min(top, typical * VIEW_FACTOR)
    return x_range, (0.0, top * (1 + TOP_ROOM) if top > 0 else 1.0)


@dataclass(frozen=True)
class LowestTest:
    """The lowest test loss (at ``step``) and how far it has risen since."""

    step: float
    loss: float
    latest: float

    @property
    def rise(self) -> float:
        return self.latest / self.loss if self.loss > 0 else math.inf

    def tooltip(self) -> str:
        return (
            f"Lowest test loss {self.loss:.4g} at step {int(self.step)}. Since then it has "
            f"risen to {self.latest:.4g} (×{self.rise:.2f}): the network is learning the "
            "training samples' noise rather than the pattern (overfitting). The weights "
            "of this step generalise best; stopping here is called early stopping."
        )


def lowest_test(x: ArrayLike, y: ArrayLike, *, rise: float = OVERFIT_RISE) -> LowestTest | None:
    """The lowest point of the test loss ``(x, y)``, if the latest value has
    risen to ``rise`` times it or more; else None."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if len(ys) < 2 or not np.isfinite(ys).any():
        return None
    best = int(np.nanargmin(ys))
    low, latest = float(ys[best]), float(ys[-1])
    if best == len(ys) - 1 or not latest >= rise * low:
        return None
    return LowestTest(float(xs[best]), low, latest)
