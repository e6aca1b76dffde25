"""A bounded history of one metric (loss, accuracy) over training steps.

:class:`BoundedSeries` keeps at most ``capacity`` points however long training
runs. While there is room it stores every point. When it fills up, it halves
itself: each run of four stored points is replaced by the lowest and the
highest of them (a min/max envelope, in step order), and from then on new
points arrive in buckets of twice as many steps, each stored as its lowest and
highest point. Every point it keeps is a point that was appended, in step
order; the first point ever appended and the latest one are always kept, and
spikes survive decimation (a peak is the maximum of its bucket). A series that
only falls stays monotone, because the kept points are a subsequence.

No Qt here: the controller may keep these for a session, and the loss plot
draws them.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.viewmodel.loss_bounds import PLOT_LIMIT, clamp_losses, loss_ceiling
from bpsim.viewmodel.loss_view import LOSS_NAMES, Moment

Array = NDArray[np.float64]
Point = tuple[float, float]

MIN_CAPACITY = 16


def _envelope(x: Array, y: Array) -> tuple[Array, Array]:
    """The lowest and highest point of each row of ``(m, k)`` arrays, in
    step order (a constant row keeps its first and last point)."""
    m, k = y.shape
    lo = np.argmin(y, axis=1)
    hi = np.argmax(y, axis=1)
    same = lo == hi
    lo = np.where(same, 0, lo)
    hi = np.where(same, k - 1, hi)
    first, second = np.minimum(lo, hi), np.maximum(lo, hi)
    rows = np.arange(m)
    xs = np.stack([x[rows, first], x[rows, second]], axis=1).ravel()
    ys = np.stack([y[rows, first], y[rows, second]], axis=1).ravel()
    return xs, ys


class BoundedSeries:
    """Points ``(x, y)`` of one curve, at most ``capacity`` of them.

    ``x`` (the training step) should increase. Appending a point at or before
    the latest step first drops the points from that step on (training resumed
    from an earlier state). Non-finite points are skipped and counted in
    :attr:`skipped`.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        if capacity < MIN_CAPACITY:
            raise ValueError(f"capacity must be at least {MIN_CAPACITY}")
        self.capacity = int(capacity)
        # the first point and up to four more (the open bucket, the latest) come on top
        self._cap = (self.capacity - 5) // 4 * 4
        self._x = np.empty(self._cap)
        self._y = np.empty(self._cap)
        self.clear()

    # -- state ---------------------------------------------------------------

    def clear(self) -> None:
        """Forget every point (and the decimation level)."""
        self._n = 0
        self._bucket = 1  # raw points per bucket; 1 stores every point
        self._first: Point | None = None
        self._latest: Point | None = None
        self._clear_pending()
        self.appended = 0  # finite points appended since the last clear
        self.skipped = 0  # non-finite points skipped since the last clear

    def _clear_pending(self) -> None:
        self._pc = 0  # raw points in the open bucket
        self._pfirst: Point = (0.0, 0.0)
        self._pmin: Point = (0.0, 0.0)
        self._pmax: Point = (0.0, 0.0)
        self._plast: Point = (0.0, 0.0)

    def __len__(self) -> int:
        return 0 if self._first is None else 1 + self._n + len(self._tail())

    @property
    def last_x(self) -> float | None:
        return None if self._latest is None else self._latest[0]

    def last(self) -> Point | None:
        """The latest point appended (None when empty)."""
        return self._latest

    def _stored_last_x(self) -> float:
        if self._n:
            return float(self._x[self._n - 1])
        return self._first[0] if self._first is not None else -math.inf

    def _tail(self) -> list[Point]:
        """The points after the stored ones: the open bucket's, which end with
        the latest point, or else the latest point if its bucket dropped it."""
        pending = self._pending_points()
        latest = self._latest
        if not pending and latest is not None and latest[0] > self._stored_last_x():
            pending.append(latest)
        return pending

    def _pending_points(self) -> list[Point]:
        if self._pc == 0:
            return []
        points = {self._pfirst, self._pmin, self._pmax, self._plast}
        return sorted(points)

    def data(self) -> tuple[Array, Array]:
        """The points to draw: new arrays, in step order."""
        if self._first is None:
            return np.empty(0), np.empty(0)
        pending = self._tail()
        xs = np.empty(1 + self._n + len(pending))
        ys = np.empty_like(xs)
        xs[0], ys[0] = self._first
        xs[1 : 1 + self._n] = self._x[: self._n]
        ys[1 : 1 + self._n] = self._y[: self._n]
        for k, (px, py) in enumerate(pending, start=1 + self._n):
            xs[k], ys[k] = px, py
        return xs, ys

    # -- appending -----------------------------------------------------------

    def append(self, x: float, y: float) -> None:
        """Append one point (a pure-Python path: cheap enough per training step)."""
        x, y = float(x), float(y)
        if not (math.isfinite(x) and math.isfinite(y)):
            self.skipped += 1
            return
        if self._latest is not None and x <= self._latest[0]:
            self._truncate(x, keep_equal=False)
        self.appended += 1
        self._latest = (x, y)
        if self._first is None:
            self._first = (x, y)
            return
        if self._bucket == 1:
            self._x[self._n], self._y[self._n] = x, y
            self._n += 1
            self._compress_if_full()
            return
        point = (x, y)
        if self._pc == 0:
            self._pfirst = self._pmin = self._pmax = point
        elif y < self._pmin[1]:
            self._pmin = point
        elif y > self._pmax[1]:
            self._pmax = point
        self._plast = point
        self._pc += 1
        if self._pc >= self._bucket:
            self._emit_pending()

    def extend(self, xs: ArrayLike, ys: ArrayLike) -> None:
        """Append many points at once (vectorised; NaN entries are skipped)."""
        x = np.asarray(xs, dtype=np.float64).ravel()
        y = np.asarray(ys, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError("x and y need the same length")
        finite = np.isfinite(x) & np.isfinite(y)
        skipped = int(np.count_nonzero(~finite))
        if skipped:
            x, y = x[finite], y[finite]
        if len(x) and self._latest is not None and x[0] <= self._latest[0]:
            self._truncate(float(x[0]), keep_equal=False)
        self.skipped += skipped
        if len(x) == 0:
            return
        self.appended += len(x)
        self._latest = (float(x[-1]), float(y[-1]))
        if self._first is None:
            self._first = (float(x[0]), float(y[0]))
            x, y = x[1:], y[1:]
        i, total = 0, len(x)
        while i < total:
            if self._bucket == 1:
                k = min(total - i, self._cap - self._n)
                self._x[self._n : self._n + k] = x[i : i + k]
                self._y[self._n : self._n + k] = y[i : i + k]
                self._n += k
                i += k
            elif self._pc > 0 or total - i < self._bucket:
                k = min(self._bucket - self._pc, total - i)
                self._merge_pending(x[i : i + k], y[i : i + k])
                i += k
            else:
                b = self._bucket
                m = min((total - i) // b, (self._cap - self._n) // 2)
                ex, ey = _envelope(x[i : i + m * b].reshape(m, b), y[i : i + m * b].reshape(m, b))
                self._x[self._n : self._n + 2 * m] = ex
                self._y[self._n : self._n + 2 * m] = ey
                self._n += 2 * m
                i += m * b
            self._compress_if_full()

    def _merge_pending(self, x: Array, y: Array) -> None:
        """Add a run of points (no more than the open bucket still takes)."""
        lo, hi = int(np.argmin(y)), int(np.argmax(y))
        low, high = (float(x[lo]), float(y[lo])), (float(x[hi]), float(y[hi]))
        if self._pc == 0:
            self._pfirst, self._pmin, self._pmax = (float(x[0]), float(y[0])), low, high
        else:
            self._pmin = low if low[1] < self._pmin[1] else self._pmin
            self._pmax = high if high[1] > self._pmax[1] else self._pmax
        self._plast = (float(x[-1]), float(y[-1]))
        self._pc += len(x)
        if self._pc >= self._bucket:
            self._emit_pending()

    def _emit_pending(self) -> None:
        """Store the full open bucket as its lowest and highest point."""
        low, high = self._pmin, self._pmax
        if low == high:
            low, high = self._pfirst, self._plast
        for px, py in sorted((low, high)):
            self._x[self._n], self._y[self._n] = px, py
            self._n += 1
        self._clear_pending()
        self._compress_if_full()

    def _compress_if_full(self) -> None:
        # keep room for the next point (or the next bucket's two)
        if self._n + (1 if self._bucket == 1 else 2) > self._cap:
            self._compress()

    def _compress(self) -> None:
        """Halve the stored points: each run of four becomes its min and max."""
        m = self._n // 4 * 4
        ex, ey = _envelope(self._x[:m].reshape(-1, 4), self._y[:m].reshape(-1, 4))
        rest = self._n - m
        self._x[m // 2 : m // 2 + rest] = self._x[m : self._n]
        self._y[m // 2 : m // 2 + rest] = self._y[m : self._n]
        self._x[: m // 2], self._y[: m // 2] = ex, ey
        self._n = m // 2 + rest
        self._bucket = 4 if self._bucket == 1 else 2 * self._bucket

    # -- truncation ----------------------------------------------------------

    def truncate_after(self, x: float) -> None:
        """Drop the points after step ``x`` (those at ``x`` stay)."""
        self._truncate(float(x), keep_equal=True)

    def _truncate(self, x: float, *, keep_equal: bool) -> None:
        def keep(px: float) -> bool:
            return px <= x if keep_equal else px < x

        if self._first is None:
            return
        if not keep(self._first[0]):
            self.clear()
            return
        side: Literal["left", "right"] = "right" if keep_equal else "left"
        self._n = int(np.searchsorted(self._x[: self._n], x, side=side))
        pending = self._pending_points()
        kept = [p for p in pending if keep(p[0])]
        if len(kept) < len(pending):
            self._clear_pending()
            if kept:  # the open bucket lost points: keep what is known of the rest
                self._pfirst, self._plast = kept[0], kept[-1]
                self._pmin = min(kept, key=lambda p: p[1])
                self._pmax = max(kept, key=lambda p: p[1])
                self._pc = len(kept)
        self._latest = None
        xs, ys = self.data()
        self._latest = (float(xs[-1]), float(ys[-1]))


SERIES = ("train", "test", "accuracy")  # the loss plot's curves


class LossHistory:
    """The loss plot's points: training loss, test loss and accuracy against
    the step, each a :class:`BoundedSeries`, and which changed since the
    curves were last drawn (:meth:`take_changed`)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._series = {name: BoundedSeries(capacity) for name in SERIES}
        self._changed: set[str] = set()
        self._ceiling = PLOT_LIMIT  # the highest loss drawn (loss_bounds.py)

    def __getitem__(self, name: str) -> BoundedSeries:
        return self._series[name]

    @property
    def capacity(self) -> int:
        return self._series["train"].capacity

    def append(
        self,
        step: float,
        train_loss: float,
        test_loss: float | None = None,
        accuracy: float | None = None,
    ) -> None:
        """One step's values (None: no value)."""
        values = {"train": train_loss, "test": test_loss, "accuracy": accuracy}
        for name, value in values.items():
            if value is not None:
                self._series[name].append(step, value)
                self._changed.add(name)

    def append_many(
        self,
        steps: ArrayLike,
        train_losses: ArrayLike,
        test_losses: ArrayLike | None = None,
        accuracies: ArrayLike | None = None,
    ) -> None:
        """Many steps at once (arrays of equal length; NaN means no value)."""
        x = np.asarray(steps, dtype=np.float64)
        values = {"train": train_losses, "test": test_losses, "accuracy": accuracies}
        for name, ys in values.items():
            if ys is not None:
                self._series[name].extend(x, ys)
                self._changed.add(name)

    def clear(self) -> None:
        for series in self._series.values():
            series.clear()
        self._changed.update(SERIES)

    def truncate_after(self, step: float) -> None:
        for series in self._series.values():
            series.truncate_after(step)
        self._changed.update(SERIES)

    def points(self) -> dict[str, tuple[list[float], list[float]]]:
        """Every series with points: (steps, values), as a session file keeps them."""
        out = {}
        for name in SERIES:
            x, y = self._series[name].data()
            if len(x):
                out[name] = (x.tolist(), y.tolist())
        return out

    def load(self, points: dict[str, tuple[list[float], list[float]]]) -> None:
        """Add points saved by :meth:`points` (unknown series are ignored)."""
        for name, (x, y) in points.items():
            if name in self._series:
                self._series[name].extend(np.asarray(x), np.asarray(y))
                self._changed.add(name)

    def latest(self) -> dict[str, Point | None]:
        return {name: self._series[name].last() for name in SERIES}

    def latest_moment(self) -> Moment | None:
        """The latest step's values, as the header shows them while training
        (None before the first point)."""
        latest = self.latest()
        train = latest["train"]
        if train is None:
            return None
        values = {name: None if p is None else p[1] for name, p in latest.items()}
        return Moment(step=int(train[0]), values=values)

    def label(self, name: str) -> str:
        """What the plot calls a series: accuracy is the test accuracy once
        test losses have been appended (the controller measures it on the test
        set when there is one)."""
        if name == "accuracy" and len(self._series["test"]) > 0:
            return LOSS_NAMES["test_accuracy"]
        return LOSS_NAMES[name]

    def loss_points(self) -> tuple[Array, Array]:
        """The training and test losses' points together, as drawn (for the view's range)."""
        parts = [self.shown(name) for name in ("train", "test")]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def shown(self, name: str) -> tuple[Array, Array]:
        """A series' points as the plot draws them: losses no higher than the
        ceiling of :mod:`~bpsim.viewmodel.loss_bounds` (the stored points keep
        their true values)."""
        x, y = self._series[name].data()
        return x, clamp_losses(y, PLOT_LIMIT if name == "accuracy" else self._ceiling)

    def take_changed(self) -> set[str]:
        """The series changed since the last call (both losses when the
        ceiling they are drawn under moved)."""
        changed, self._changed = self._changed, set()
        if changed & {"train", "test"}:
            ys = [self._series[name].data()[1] for name in ("train", "test")]
            ceiling = loss_ceiling(np.concatenate(ys))
            if ceiling != self._ceiling:
                self._ceiling = ceiling
                changed.update(n for n in ("train", "test") if len(self._series[n]))
        return changed
