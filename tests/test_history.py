"""The bounded loss history: every point while there is room, the shape of the
curve when there is not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpsim.viewmodel.history import BoundedSeries


def test_series_keeps_every_point_while_there_is_room() -> None:
    s = BoundedSeries(100)
    for k in range(50):
        s.append(k, 1.0 / (k + 1))
    x, y = s.data()
    np.testing.assert_array_equal(x, np.arange(50))
    np.testing.assert_array_equal(y, 1.0 / (np.arange(50) + 1))


def test_a_million_points_stay_bounded_and_keep_their_shape() -> None:
    n = 1_000_000
    x = np.arange(n, dtype=float)
    y = 1.0 / (1.0 + x / 1000.0)  # falls monotonically
    y_spiky = y.copy()
    y_spiky[123_457] = 5.0  # a divergence spike
    falling, spiky = BoundedSeries(10_000), BoundedSeries(10_000)
    for start in range(0, n, 50_000):
        falling.extend(x[start : start + 50_000], y[start : start + 50_000])
        spiky.extend(x[start : start + 50_000], y_spiky[start : start + 50_000])
    xs, ys = falling.data()
    assert len(xs) <= 10_000
    assert falling._x.nbytes == falling._y.nbytes <= 10_000 * 8  # preallocated, never grows
    assert (xs[0], ys[0]) == (0.0, 1.0)
    assert (xs[-1], ys[-1]) == (x[-1], y[-1])
    assert np.all(np.diff(xs) > 0)
    assert np.all(np.diff(ys) < 0)  # still monotone
    assert len(xs) > 5_000  # and not needlessly sparse
    # points spread over the whole range, not crowded at one end
    counts = np.histogram(xs, bins=10, range=(0, n))[0]
    assert counts.min() > 0.5 * counts.max()
    sx, sy = spiky.data()
    assert sy.max() == 5.0 and 123_457.0 in sx  # the spike survives decimation
    assert sy.min() == y_spiky.min()


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 700),
    capacity=st.integers(16, 80),
    chunks=st.lists(st.integers(1, 90), min_size=1, max_size=12),
    seed=st.integers(0, 2**16),
)
def test_series_is_the_same_however_points_arrive(
    n: int, capacity: int, chunks: list[int], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x = np.arange(n, dtype=float)
    y = rng.normal(size=n).round(1)  # rounding makes ties
    one_by_one, in_chunks = BoundedSeries(capacity), BoundedSeries(capacity)
    for xi, yi in zip(x, y, strict=True):
        one_by_one.append(xi, yi)
    start, k = 0, 0
    while start < n:
        size = chunks[k % len(chunks)]
        in_chunks.extend(x[start : start + size], y[start : start + size])
        start, k = start + size, k + 1
    a, b = one_by_one.data(), in_chunks.data()
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert len(a[0]) <= capacity
    if n:
        assert (a[0][0], a[0][-1]) == (0.0, n - 1.0)
        assert a[1].max() == y.max() and a[1].min() == y.min()
        assert set(a[0]) <= set(x)  # only points that were appended
        np.testing.assert_array_equal(a[1], y[a[0].astype(int)])


def test_series_truncates_and_resumes() -> None:
    s = BoundedSeries(64)
    s.extend(np.arange(1000.0), np.linspace(1, 0, 1000))
    s.truncate_after(400)
    x, _ = s.data()
    assert x[-1] <= 400 and s.last_x == x[-1]
    s.append(401, 0.5)
    assert s.data()[0][-1] == 401
    s.append(300, 0.7)  # appending earlier drops what came after
    x, y = s.data()
    assert x[-1] == 300 and y[-1] == 0.7 and np.all(np.diff(x) > 0)
    s.truncate_after(-1)
    assert len(s) == 0 and s.last() is None


def test_series_rejects_a_tiny_capacity() -> None:
    with pytest.raises(ValueError):
        BoundedSeries(4)


def test_loss_history_records_the_series_and_what_changed() -> None:
    from bpsim.viewmodel.history import LossHistory

    history = LossHistory(100)
    assert history.latest_moment() is None and history.take_changed() == set()
    history.append(0, 0.5, accuracy=0.5)
    assert history.take_changed() == {"train", "accuracy"} and history.take_changed() == set()
    assert history.label("accuracy") == "accuracy"
    history.append_many([1, 2, 3], [0.4, 0.3, 0.2], test_losses=[np.nan, 0.35, 0.3])
    assert history.label("accuracy") == "test accuracy"
    moment = history.latest_moment()
    assert moment is not None and moment.step == 3
    assert moment.values == {"train": 0.2, "test": 0.3, "accuracy": 0.5}
    x, y = history.loss_points()
    assert list(x) == [0, 1, 2, 3, 2, 3] and list(y) == [0.5, 0.4, 0.3, 0.2, 0.35, 0.3]
    saved = history.points()
    history.truncate_after(1)
    assert history["train"].last() == (1.0, 0.4) and len(history["test"]) == 0
    history.clear()
    history.load(saved)
    assert history.points() == saved
