"""The training speed, without Qt (bpsim.viewmodel.training_pace)."""

from __future__ import annotations

import math

import pytest

from bpsim.viewmodel.training_pace import (
    DEFAULT_SPEED,
    MAX_CATCH_UP,
    MAX_SLICE,
    SPEEDS,
    TRAIN_SHARE,
    FrameBudget,
    Pace,
    record_every,
    speed_index,
    speed_text,
)


def test_speeds_run_from_a_few_to_as_fast_as_possible() -> None:
    finite = [s for s in SPEEDS if s is not None]
    assert finite == sorted(finite) and finite[0] <= 5 and SPEEDS[-1] is None
    assert DEFAULT_SPEED in SPEEDS
    assert speed_text(None) == "as fast as possible"
    assert speed_text(20) == "20 steps per second"
    assert speed_text(2000) == "2\u2009000 steps per second"
    assert [speed_index(s) for s in SPEEDS] == list(range(len(SPEEDS)))
    assert SPEEDS[speed_index(90)] == 100 and speed_index(0) == len(SPEEDS) - 1


@pytest.mark.parametrize("rate", [2, 10, 100, 1000])
def test_steps_run_by_any_time_are_bounded_by_the_rate(rate: int) -> None:
    pace = Pace(rate, now=5.0)
    t = 5.0
    for _ in range(400):  # a caller that always runs every step allowed
        allowed = pace.allowed(t)
        assert allowed is not None
        pace.record(allowed)
        assert pace.done <= rate * (t - 5.0) + 1
        assert pace.done == math.floor(rate * (t - 5.0)) + 1  # and none are withheld
        t += 0.01


def test_a_stall_is_not_made_up_in_one_burst() -> None:
    pace = Pace(100, now=0.0)
    pace.record(pace.allowed(0.0) or 0)
    burst = pace.allowed(10.0)  # ten seconds without a tick
    assert burst == math.ceil(100 * MAX_CATCH_UP)
    pace.record(burst or 0)
    assert pace.allowed(10.0) == 0 and pace.allowed(10.15) == 15  # then the rate again


def test_as_fast_as_possible_sets_no_limit_and_restart_counts_afresh() -> None:
    pace = Pace(None, now=0.0)
    assert pace.allowed(0.0) is None
    pace.restart(10, now=3.0)
    assert pace.done == 0 and pace.allowed(3.0) == 1 and pace.allowed(3.2) == 3


def test_training_plots_every_early_step_then_ninety_points_a_decade() -> None:
    assert [record_every(s) for s in (0, 1, 99, 100, 999, 1000, 12_345, 10**6)] == [
        1,
        1,
        1,
        10,
        10,
        100,
        1000,
        10**5,
    ]
    points = [s for s in range(1, 100_000) if s % record_every(s) == 0]
    assert len(points) == 99 + 3 * 90


def test_frame_budget_gives_training_what_the_refresh_leaves() -> None:
    budget = FrameBudget(frame=0.03)
    assert budget.slice(10.0) == 0.03  # nothing known yet: the whole frame
    budget.trained(0.03)
    # the refresh after it took 2 ms: the next frame trains for nearly all of it
    assert 0.027 < budget.slice(10.032) < 0.03
    budget.trained(0.028)
    # one long stall is soon forgotten
    budget.slice(10.06 + 5.0)
    for k in range(10):
        budget.trained(0.0)
        slice_ = budget.slice(15.06 + 0.002 * (k + 1))
    assert slice_ == pytest.approx(0.03 - 0.002, abs=2e-4)  # back to the frame minus 2 ms
    # a slow refresh (20 ms) lowers the frame rate, not training's share of the time
    now = 11.0
    for _ in range(40):
        slice_ = budget.slice(now)
        budget.trained(slice_)
        now += slice_ + 0.02
    assert budget.overhead == pytest.approx(0.02, rel=1e-3)
    assert slice_ / (slice_ + 0.02) == pytest.approx(TRAIN_SHARE, rel=1e-3)
    # a very slow one (1 s): training still yields to a refresh every MAX_SLICE
    for _ in range(40):
        slice_ = budget.slice(now)
        budget.trained(slice_)
        now += slice_ + 1.0
    assert slice_ == MAX_SLICE
    budget.restart()
    assert budget.slice(50.0) == 0.03
