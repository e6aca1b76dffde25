"""The plain numpy loop the engine is measured against: a multi-layer
perceptron's training step written as a student writes it (one function, no
classes, no checks), and a training loop over a data set with the same
shuffling as bpsim's ``Trainer`` (a fresh permutation each epoch, the data
gathered in that order, consecutive slices as mini-batches)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _sigmoid(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


ACT: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array | float]]] = {
    "sigmoid": (_sigmoid, lambda a: a * (1 - a)),
    "tanh": (np.tanh, lambda a: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0) * 1.0),
    "linear": (lambda z: z, lambda a: 1.0),
}


def plain_step(
    ws: list[Array],
    bs: list[Array],
    acts: Sequence[str],
    loss: str,
    *,
    lr: float,
    optimizer: str = "sgd",
    l2: float = 0.0,
) -> Callable[[Array, Array], float]:
    """One training step on a batch ``(X, Y)``; updates ``ws`` and ``bs`` in place."""
    m = [np.zeros_like(p) for p in [*ws, *bs]]
    v = [np.zeros_like(p) for p in [*ws, *bs]]
    t = [0]

    def step(X: Array, Y: Array) -> float:
        n = len(X)
        outs = [X]
        for w, b, name in zip(ws, bs, acts, strict=True):
            z = outs[-1] @ w + b
            if name == "softmax":
                e = np.exp(z - z.max(axis=1, keepdims=True))
                outs.append(e / e.sum(axis=1, keepdims=True))
            else:
                outs.append(ACT[name][0](z))
        out = outs[-1]
        if loss == "mse":
            value = 0.5 * np.sum((out - Y) ** 2) / n
            d = (out - Y) / n * ACT[acts[-1]][1](out)
        elif loss == "bce":
            p = np.clip(out, 1e-12, 1 - 1e-12)
            value = -np.sum(Y * np.log(p) + (1 - Y) * np.log(1 - p)) / n
            d = (out - Y) / n
        else:
            value = -np.sum(Y * np.log(out + 1e-300)) / n
            d = (out - Y) / n
        if l2:
            value += 0.5 * l2 * sum(np.sum(w * w) for w in ws)
        grads_w, grads_b = [], []
        for layer in range(len(ws) - 1, -1, -1):
            grads_w.append(outs[layer].T @ d + l2 * ws[layer])
            grads_b.append(d.sum(axis=0))
            if layer:
                d = (d @ ws[layer].T) * ACT[acts[layer - 1]][1](outs[layer])
        grads = [*grads_w[::-1], *grads_b[::-1]]
        params = [*ws, *bs]
        if optimizer == "adam":
            t[0] += 1
            for p, g, mk, vk in zip(params, grads, m, v, strict=True):
                mk[...] = 0.9 * mk + 0.1 * g
                vk[...] = 0.999 * vk + 0.001 * g * g
                p -= lr * (mk / (1 - 0.9 ** t[0])) / (np.sqrt(vk / (1 - 0.999 ** t[0])) + 1e-8)
        else:
            for p, g in zip(params, grads, strict=True):
                p -= lr * g
        return float(value)

    return step


class PlainLoop:
    """Mini-batch training over ``X, Y`` with ``step``, shuffled as ``Trainer`` shuffles."""

    def __init__(
        self,
        step: Callable[[Array, Array], float],
        X: Array,
        Y: Array,
        batch: int,
        *,
        shuffle: bool = True,
        seed: int | None = 0,
    ) -> None:
        self.step, self.X, self.Y, self.batch = step, X, Y, batch
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.pos = len(X)  # a new epoch first
        self.Xe, self.Ye = X, Y

    def train(self, steps: int) -> Array:
        losses = []
        for _ in range(steps):
            if self.pos >= len(self.X):
                n = len(self.X)
                order = self.rng.permutation(n) if self.shuffle else np.arange(n)
                self.Xe, self.Ye, self.pos = self.X[order], self.Y[order], 0
            end = self.pos + self.batch
            losses.append(self.step(self.Xe[self.pos : end], self.Ye[self.pos : end]))
            self.pos = end
        return np.array(losses)
