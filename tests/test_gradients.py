"""Analytic gradients against an independent oracle: central differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings

from bpsim.model import Network
from bpsim.model.engine.gradcheck import check_gradients, numerical_gradient
from tests.strategies import SMOOTH_HIDDEN, Problem, problems


def min_abs_preactivation(p: Problem) -> float:
    zs, _ = p.net.forward_cache(p.X)
    return min(float(np.abs(z).min()) for z in zs)


@settings(max_examples=60, deadline=None)
@given(problems(hidden=SMOOTH_HIDDEN, regularize=False))
def test_smooth_networks_match_finite_differences(p: Problem) -> None:
    result = check_gradients(p.net, p.X, p.Y)
    assert result.ok(rtol=1e-5, atol=1e-7), result.max_abs_error


@settings(max_examples=60, deadline=None)
@given(problems())
def test_any_network_matches_finite_differences_away_from_kinks(p: Problem) -> None:
    # relu, leaky relu and |w| have kinks at 0, where a difference quotient
    # straddling the kink is not the derivative: stay away from them.
    assume(min_abs_preactivation(p) > 1e-4)
    assume(min(float(np.abs(w).min()) for w in p.net.weights) > 1e-4)
    result = check_gradients(p.net, p.X, p.Y)
    assert result.ok(rtol=1e-5, atol=1e-7), result.max_abs_error


def test_gradcheck_detects_a_wrong_gradient() -> None:
    net = Network([2, 3, 1], "tanh", "mse", seed=3)
    X, Y = np.array([[0.3, -0.2]]), np.array([[0.5]])
    good = check_gradients(net, X, Y)
    assert good.ok()
    bad = type(good)(good.analytic * 1.01, good.numerical)
    assert not bad.ok()
    assert bad.max_rel_error == pytest.approx(0.01 / 1.01, rel=1e-3)


def test_numerical_gradient_leaves_the_network_unchanged() -> None:
    net = Network([2, 2, 1], "sigmoid", "mse", seed=1)
    before = net.params.copy()
    numerical_gradient(net, np.ones((1, 2)), np.zeros((1, 1)))
    np.testing.assert_array_equal(net.params, before)
