"""The sigmoid: 1/(1+e^-z) to the last bit, its tails, and no warnings
wherever bpsim evaluates it."""

from __future__ import annotations

import warnings

import numpy as np

from bpsim.model import Network
from bpsim.model.engine.activations import ACTIVATIONS
from bpsim.viewmodel.network.scene import scene_from_network


def test_the_sigmoid_is_the_plain_formula_with_its_tails() -> None:
    z = np.linspace(-700, 700, 20_001)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(ACTIVATIONS["sigmoid"](z), 1.0 / (1.0 + np.exp(-z)))
    tails = ACTIVATIONS["sigmoid"](np.array([-700.0, -40.0, 40.0, 1e300, -740.0, -1e300]))
    assert 0 < tails[0] < 1e-303 and tails[1] == 1.0 / (1.0 + np.exp(40.0))  # no cancellation
    assert tails[2] == 1.0 and tails[3] == 1.0
    assert tails[4] == 0.0 and tails[5] == 0.0  # below -709.78 e^-z overflows: the limit, 0


def test_the_idle_picture_of_a_saturated_network_raises_no_warning() -> None:
    net = Network([1, 2, 1], "sigmoid", "mse", seed=0)
    net.weights[0] = [[-1e4, 1e4]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = scene_from_network(net, [1.0])
        net.step([[1.0]], [[0.5]], 0.1)
    assert s.out[1][0] == 0.0 and s.out[1][1] == 1.0
