"""Hypothesis strategies for random networks and their data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from bpsim.model import Network

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
SMOOTH_HIDDEN = ["sigmoid", "tanh", "linear"]


@dataclass
class Problem:
    net: Network
    X: np.ndarray
    Y: np.ndarray


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    max_layers: int = 3,
    max_units: int = 5,
    max_batch: int = 4,
    hidden: list[str] | None = None,
    regularize: bool = True,
) -> Problem:
    n_hidden = draw(st.integers(0, max_layers - 1))
    sizes = [draw(st.integers(1, max_units)) for _ in range(n_hidden + 1)]
    loss = draw(st.sampled_from(["mse", "bce", "cross_entropy"]))
    n_out = draw(st.integers(2 if loss == "cross_entropy" else 1, max_units))
    sizes.append(n_out)
    acts = [draw(st.sampled_from(hidden or HIDDEN)) for _ in range(n_hidden)]
    if loss == "bce":
        out_act = "sigmoid"
    elif loss == "cross_entropy":
        out_act = "softmax"
    else:
        options = ["sigmoid", "tanh", "linear"] + (["softmax"] if n_out >= 2 else [])
        out_act = draw(st.sampled_from(options))
    l1 = l2 = 0.0
    if regularize:
        l2 = draw(st.sampled_from([0.0, 0.01]))
        l1 = draw(st.sampled_from([0.0, 0.003]))
    seed = draw(st.integers(0, 2**16))
    net = Network(sizes, [*acts, out_act], loss, seed, l1=l1, l2=l2,
                  train_biases=draw(st.booleans()))  # fmt: skip
    rng = np.random.default_rng(seed + 1)
    for b in net.biases:
        b[...] = rng.normal(0, 0.3, size=b.shape)
    n = draw(st.integers(1, max_batch))
    X = rng.normal(0, 1, size=(n, sizes[0]))
    if loss == "cross_entropy":
        Y = np.eye(n_out)[rng.integers(0, n_out, size=n)]
    elif loss == "bce":
        Y = rng.integers(0, 2, size=(n, n_out)).astype(float)
    else:
        Y = rng.uniform(-1, 1, size=(n, n_out))
    return Problem(net, X, Y)
