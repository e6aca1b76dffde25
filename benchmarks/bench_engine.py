"""Time bpsim's training step against a plain hand-written numpy loop.

Both run the same network on the same data in the same process, in
alternating blocks, so that the machine's noise hits both alike; the figure
that matters is the ratio. Run:  python benchmarks/bench_engine.py
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from bpsim.model import Network
from bpsim.model.engine.optimizers import SGD
from bpsim.model.engine.training import Trainer


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def plain_small(
    ws: list[np.ndarray], bs: list[np.ndarray], X: np.ndarray, Y: np.ndarray, lr: float
) -> float:
    """2-8-8-1, tanh-tanh-sigmoid, mse: the loop a student writes."""
    n = len(X)
    a1 = np.tanh(X @ ws[0] + bs[0])
    a2 = np.tanh(a1 @ ws[1] + bs[1])
    out = sigmoid(a2 @ ws[2] + bs[2])
    loss = 0.5 * np.sum((out - Y) ** 2) / n
    d3 = (out - Y) / n * out * (1 - out)
    d2 = (d3 @ ws[2].T) * (1 - a2 * a2)
    d1 = (d2 @ ws[1].T) * (1 - a1 * a1)
    gs = [(X.T @ d1, d1.sum(0)), (a1.T @ d2, d2.sum(0)), (a2.T @ d3, d3.sum(0))]
    for w, b, (gw, gb) in zip(ws, bs, gs, strict=True):
        w -= lr * gw
        b -= lr * gb
    return float(loss)


def plain_large(
    ws: list[np.ndarray], bs: list[np.ndarray], X: np.ndarray, Y: np.ndarray, lr: float
) -> float:
    """784-128-10, relu-softmax, cross-entropy."""
    n = len(X)
    z1 = X @ ws[0] + bs[0]
    a1 = np.maximum(z1, 0)
    z2 = a1 @ ws[1] + bs[1]
    e = np.exp(z2 - z2.max(1, keepdims=True))
    out = e / e.sum(1, keepdims=True)
    loss = -np.sum(Y * np.log(out + 1e-300)) / n
    d2 = (out - Y) / n
    d1 = (d2 @ ws[1].T) * (z1 > 0)
    gs = [(X.T @ d1, d1.sum(0)), (a1.T @ d2, d2.sum(0))]
    for w, b, (gw, gb) in zip(ws, bs, gs, strict=True):
        w -= lr * gw
        b -= lr * gb
    return float(loss)


def per_step(fn: Callable[[], object], steps: int) -> float:
    t0 = time.perf_counter()
    for _ in range(steps):
        fn()
    return (time.perf_counter() - t0) / steps


def compare(name: str, sizes: list[int], acts: list[str], loss: str, batch: int,
            plain: Callable[..., float], steps: int, blocks: int) -> None:  # fmt: skip
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=batch)
    Y = np.eye(sizes[-1])[labels] if sizes[-1] > 1 else rng.uniform(size=(batch, 1))
    net = Network(sizes, acts, loss, seed=0)
    ws = [w.copy() for w in net.weights]
    bs = [b.copy() for b in net.biases]
    step_net = net.copy()
    trainer = Trainer(net, np.tile(X, (4, 1)), np.tile(Y, (4, 1)), SGD(0.01), batch_size=batch)
    candidates = {
        "plain numpy loop": lambda: plain(ws, bs, X, Y, 0.01),
        "Network.step": lambda: step_net.step(X, Y, 0.01),
        "Trainer.train_step": trainer.train_step,
    }
    times: dict[str, list[float]] = {k: [] for k in candidates}
    for _ in range(blocks):
        for key, fn in candidates.items():
            times[key].append(per_step(fn, steps))
    base = statistics.median(times["plain numpy loop"])
    print(f"\n{name}, batch {batch} (median of {blocks} blocks of {steps} steps)")
    for key, ts in times.items():
        t = statistics.median(ts)
        print(f"  {key:20} {t * 1e6:9.1f} us/step   ratio to plain {t / base:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--blocks", type=int, default=15)
    parser.add_argument("--threads", choices=["one", "default", "both"], default="both")
    args = parser.parse_args()
    modes = ["one", "default"] if args.threads == "both" else [args.threads]
    for mode in modes:
        limit = 1 if mode == "one" else None
        with threadpool_limits(limits=limit, user_api="blas"):
            print(f"=== BLAS threads: {mode}")
            compare("2-8-8-1 tanh/tanh/sigmoid mse", [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"],
                    "mse", 10, plain_small, 2000, args.blocks)  # fmt: skip
            compare("784-128-10 relu/softmax cross-entropy", [784, 128, 10], ["relu", "softmax"],
                    "cross_entropy", 256, plain_large, 20, args.blocks)  # fmt: skip


if __name__ == "__main__":
    main()
