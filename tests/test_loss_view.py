"""The loss plot's words, range and marks, without Qt (bpsim.viewmodel.loss_view)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpsim.viewmodel.loss_view import (
    LOSS_NAMES,
    LOSS_TIPS,
    Moment,
    fit_range,
    lowest_test,
    position_text,
)


def test_position_text_matches_the_formula_cards_words() -> None:
    assert position_text(0, 25, 32) == "step 0 · frame 25 / 32"
    assert position_text(7) == "step 7"
    assert Moment(3, 1, 32).position == "step 3 · frame 1 / 32"
    assert Moment(1200, training=True).position == "training · step 1200"


def test_every_loss_quantity_has_a_name_and_an_explanation() -> None:
    assert set(LOSS_NAMES) == set(LOSS_TIPS)
    assert "mini-batch" in LOSS_TIPS["batch"] and "whole training set" in LOSS_TIPS["train"]
    assert "never trains on" in LOSS_TIPS["test"] and "one sample" in LOSS_TIPS["sample"]


@pytest.mark.parametrize("values", [[0.298], [0.3, 0.3, 0.3], [2.0, 1.0, 0.001]])
def test_the_linear_range_starts_at_zero_and_holds_every_point(values: list[float]) -> None:
    steps = np.arange(len(values))
    (x0, x1), (y0, y1) = fit_range(steps, values, log=False)
    assert y0 == 0.0 and y1 > max(values)
    assert -0.05 < x0 < 0 and x1 > max(len(values) - 1, 1)


def test_the_x_range_follows_the_data_at_any_speed() -> None:
    # thousands of steps: the view spans them, not a fixed 0..100 nor a minimum span
    steps = np.arange(5_000, 25_001, 100)
    (x0, x1), _ = fit_range(steps, np.linspace(1, 0.1, len(steps)), log=False)
    assert 5_000 * 0.9 < x0 < 5_000 and 25_000 < x1 < 25_000 * 1.05
    (x0, x1), _ = fit_range([0, 1, 2], [0.7, 0.6, 0.5], log=False)
    assert (x0, x1) == (pytest.approx(-0.04), pytest.approx(2.04))


def test_the_log_range_is_in_decades_around_positive_values() -> None:
    _, (y0, y1) = fit_range([0, 1, 2, 3], [1.0, 0.1, 0.0, 0.01], log=True)  # a zero is skipped
    assert y0 < math.log10(0.01) < math.log10(1.0) < y1
    assert y1 - y0 < 2.5


def test_non_finite_and_empty_data_give_a_default_view() -> None:
    assert fit_range([], [], log=False) == ((0.0, 100.0), (0.0, 1.0))
    assert fit_range([1.0], [np.nan], log=False) == ((0.0, 100.0), (0.0, 1.0))


def test_the_lowest_test_loss_is_marked_only_once_it_has_risen() -> None:
    steps = np.arange(10.0)
    falling = np.linspace(1.0, 0.1, 10)
    assert lowest_test(steps, falling) is None
    rising = np.array([1.0, 0.5, 0.3, 0.2, 0.21, 0.25, 0.4, 0.5, 0.6, 0.7])
    mark = lowest_test(steps, rising)
    assert mark is not None and (mark.step, mark.loss, mark.latest) == (3.0, 0.2, 0.7)
    assert mark.rise == pytest.approx(3.5)
    assert "step 3" in mark.tooltip() and "overfitting" in mark.tooltip()
    noise = np.array([1.0, 0.5, 0.3, 0.2, 0.23])  # 15 % above the lowest: noise, no mark
    assert lowest_test(steps[:5], noise) is None


def test_position_text_with_parts_unknown() -> None:
    assert position_text(None, 5, 32) == "frame 5 / 32"
    assert position_text(None, 5) == "frame 5"
    assert position_text(3, 5) == "step 3 · frame 5"
