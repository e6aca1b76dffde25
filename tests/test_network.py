"""The scripting API of Network: shapes, assignment, losses, divergence."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bpsim.model import DivergedError, Network
from bpsim.model.engine.activations import ACTIVATIONS


def test_shapes_and_views() -> None:
    net = Network([3, 5, 2], ["relu", "sigmoid"], "mse", seed=0)
    assert [w.shape for w in net.weights] == [(3, 5), (5, 2)]
    assert [b.shape for b in net.biases] == [(5,), (2,)]
    assert all(w.dtype == np.float64 for w in net.weights)
    assert net.forward(np.zeros((4, 3))).shape == (4, 2)
    net.weights[1][0, 0] = 7.0  # in place
    net.weights[0] = np.full((3, 5), 0.5)  # whole layer
    assert net.params[0] == 0.5 and 7.0 in net.params
    with pytest.raises(ValueError, match="shape"):
        net.weights[0] = np.zeros((5, 3))


def test_seed_reproduces_and_initialisers_differ() -> None:
    a, b = Network([4, 8, 1], seed=42), Network([4, 8, 1], seed=42)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, Network([4, 8, 1], seed=43).params)
    he = Network([400, 100, 1], "relu", seed=1, init="he")
    assert he.weights[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    xavier = Network([400, 100, 1], seed=1)
    assert np.abs(xavier.weights[0]).max() <= np.sqrt(6 / 500)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": [2]}, "at least two layers"),
        ({"sizes": [2, 0, 1]}, "at least two layers"),
        ({"activations": ["tanh"]}, "expected 2 activation names"),
        ({"activations": "swish"}, "unknown activation 'swish'"),
        ({"activations": ["softmax", "sigmoid"]}, "output layer only"),
        ({"loss": "hinge"}, "unknown loss 'hinge'"),
        ({"loss": "bce", "activations": "tanh"}, "needs a sigmoid output"),
        ({"loss": "cross_entropy"}, "needs a softmax output"),
    ],
)
def test_bad_configurations_are_explained(kwargs: dict, message: str) -> None:
    args = {"sizes": [2, 3, 2], "activations": "sigmoid", "loss": "mse"} | kwargs
    with pytest.raises(ValueError, match=message):
        Network(**args)


def test_inputs_of_the_wrong_shape_are_explained() -> None:
    net = Network([2, 1])
    with pytest.raises(ValueError, match=r"inputs must have shape \(n, 2\)"):
        net.forward(np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"targets must have shape \(3, 1\)"):
        net.loss(np.zeros((3, 2)), np.zeros((2, 1)))


def test_mse_follows_the_worked_example_convention() -> None:
    net = Network([1, 2], "linear", "mse")
    net.weights[0] = np.zeros((1, 2))
    X = np.zeros((2, 1))
    Y = np.array([[1.0, 2.0], [3.0, 0.0]])
    # per sample ½ Σ (t − o)², averaged over the samples
    assert net.loss(X, Y) == pytest.approx(((1 + 4) / 2 + 9 / 2) / 2)


@pytest.mark.parametrize("loss", ["bce", "cross_entropy"])
def test_stable_losses_stay_finite_and_silent_for_huge_inputs(loss: str) -> None:
    out = "sigmoid" if loss == "bce" else "softmax"
    net = Network([1, 2], out, loss)
    net.weights[0] = np.array([[1.0, -1.0]])
    X = np.array([[1e4], [-1e4], [0.0]])
    Y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = net.loss(X, Y)
        gw, gb = net.gradients(X, Y)
    assert np.isfinite(value) and value > 1e3  # a confident wrong answer costs ~1e4
    assert all(np.isfinite(g).all() for g in [*gw, *gb])


def test_activations_are_silent_for_huge_inputs() -> None:
    z = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in ACTIVATIONS.values():
            a = act(z)
            assert np.isfinite(a).all(), act.name
    assert ACTIVATIONS["sigmoid"](z)[0, 0] == 0.0 and ACTIVATIONS["sigmoid"](z)[0, -1] == 1.0


def test_step_updates_all_parameters_from_the_same_gradient() -> None:
    net = Network([2, 3, 1], "tanh", "mse", seed=5)
    X, Y = np.array([[0.2, -0.4], [0.9, 0.1]]), np.array([[0.3], [-0.2]])
    gw, _ = net.gradients(X, Y)
    w_before = [w.copy() for w in net.weights]
    loss_before = net.loss(X, Y)
    assert net.step(X, Y, 0.1) == loss_before
    for w, old, g in zip(net.weights, w_before, gw, strict=True):
        np.testing.assert_array_equal(w, old - 0.1 * g)


def test_fixed_biases_stay_fixed() -> None:
    net = Network([2, 2, 1], seed=0, train_biases=False)
    net.biases[0] = np.array([0.35, 0.35])
    for _ in range(5):
        net.step(np.ones((1, 2)), np.zeros((1, 1)), 1.0)
    np.testing.assert_array_equal(net.biases[0], [0.35, 0.35])
    assert np.any(net.gradients(np.ones((1, 2)), np.zeros((1, 1)))[1][0] != 0)


def test_regularization_adds_to_loss_and_gradient() -> None:
    plain = Network([2, 2, 1], seed=1)
    reg = Network([2, 2, 1], seed=1, l1=0.1, l2=0.2)
    X, Y = np.ones((1, 2)), np.zeros((1, 1))
    w = np.concatenate([w.ravel() for w in plain.weights])
    extra = 0.1 * np.abs(w).sum() + 0.5 * 0.2 * (w**2).sum()
    assert reg.loss(X, Y) == pytest.approx(plain.loss(X, Y) + extra)
    diff = reg.gradients(X, Y)[0][0] - plain.gradients(X, Y)[0][0]
    np.testing.assert_allclose(diff, 0.1 * np.sign(plain.weights[0]) + 0.2 * plain.weights[0])


def test_divergence_is_refused_and_reported() -> None:
    net = Network([1, 1, 1], "linear", "mse", seed=0)
    X, Y = np.array([[3.0]]), np.array([[1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergedError, match="the parameters were kept"):
            for _ in range(10_000):
                last_good = net.params.copy()
                net.step(X, Y, 5.0)
    np.testing.assert_array_equal(net.params, last_good)
    assert np.isfinite(net.params).all()
    assert isinstance(DivergedError("x"), FloatingPointError)


def test_copy_is_independent() -> None:
    net = Network([2, 2, 1], seed=0, l2=0.5, train_biases=False)
    twin = net.copy()
    twin.weights[0][0, 0] += 1.0
    assert net.weights[0][0, 0] != twin.weights[0][0, 0]
    assert (twin.l2, twin.train_biases) == (0.5, False)


def test_explicit_parameters_and_copies_skip_the_initialiser() -> None:
    net = Network([2, 3, 1], seed=9)
    again = Network([2, 3, 1], params=net.params)
    np.testing.assert_array_equal(again.params, net.params)
    with pytest.raises(ValueError, match="expected 13 parameters"):
        Network([2, 3, 1], params=np.zeros(5))
