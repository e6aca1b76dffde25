"""The classic 2-2-2 worked example (GUIDE.md section 5), shared by tests."""

from __future__ import annotations

import numpy as np

from bpsim.model import Network

X = np.array([[0.05, 0.10]])
T = np.array([[0.01, 0.99]])
LR = 0.5


def worked_example_network() -> Network:
    net = Network([2, 2, 2], "sigmoid", "mse", train_biases=False)
    net.weights[0] = np.array([[0.15, 0.25], [0.20, 0.30]])
    net.weights[1] = np.array([[0.40, 0.50], [0.45, 0.55]])
    net.biases[0] = np.array([0.35, 0.35])
    net.biases[1] = np.array([0.60, 0.60])
    return net
