"""The model's rows of the performance table: opening a step, the largest
step, the engine against a plain numpy loop, BLAS threads, the trainer, and
the timeline's checkpoint memory. Each row measures side by side in one run
(see ``perf_timing``); run them all with ``python benchmarks/perf.py``."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks.perf_common import Row
from benchmarks.perf_plain import PlainLoop, plain_step
from benchmarks.perf_timing import (
    DEFAULT_BLAS_THREADS,
    QUICK,
    blocks,
    fmt_ratio,
    fmt_time,
    interleaved,
    per_call,
    typical,
)
from bpsim.model import Network
from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.optimizers import Adam
from bpsim.model.engine.training import Trainer
from bpsim.model.sessions.session import Session, new_session
from bpsim.viewmodel.timeline import CHECKPOINT_BYTES, Timeline

Array = np.ndarray

# (sizes, activations, loss) of the networks the issue names
SMALL = ([2, 2, 2], ["sigmoid", "sigmoid"], "mse")
MEDIUM = ([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "mse")
LARGE = ([64, 32, 10], ["sigmoid", "softmax"], "cross_entropy")
MNIST = ([784, 128, 10], ["relu", "softmax"], "cross_entropy")


def _data(sizes: list[int], n: int, seed: int = 0) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, sizes[0]))
    if sizes[-1] == 1:
        return X, rng.uniform(size=(n, 1))
    return X, np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]


def _name(sizes: list[int]) -> str:
    return "-".join(map(str, sizes))


def _open_ratio(spec: tuple[list[int], list[str], str], batch: int) -> float:
    """Opening a step (``net.trace`` and its first frame) over one training
    step (``net.step``) on the same batch."""
    sizes, acts, loss = spec
    X, Y = _data(sizes, batch)
    tracing, training = Network(sizes, acts, loss, seed=0), Network(sizes, acts, loss, seed=0)
    lr = 1e-3

    def open_step() -> None:
        if batch == 1:
            tracing.trace(X[0], Y[0], lr)[0]
        else:
            tracing.trace_batch(X, Y, lr)[0]

    return interleaved(open_step, lambda: training.step(X, Y, lr)).ratio


def _opening(batch: int, target: float) -> Row:
    ratios = [_open_ratio(spec, batch) for spec in (SMALL, MEDIUM, LARGE)]
    sizes = " / ".join(_name(spec[0]) for spec in (SMALL, MEDIUM, LARGE))
    return Row(
        f"opening a step (`net.trace` + its first frame), {sizes}, batch {batch}",
        " / ".join(fmt_ratio(r) for r in ratios),
        "one training step (`net.step`)",
        f"≤ {target:g}x",
        all(r <= target for r in ratios),
    )


def opening_batch_1() -> Row:
    return _opening(1, 10)


def opening_batch_16() -> Row:
    return _opening(16, 20)


def largest_step() -> Row:
    """784-128-10 at batch 256: time to open, frames, memory for frames looked at."""
    sizes, acts, loss = MNIST
    X, Y = _data(sizes, 256)
    net = Network(sizes, acts, loss, seed=0)
    times = []
    for _ in range(blocks(7)):
        start = time.perf_counter()
        trace = net.trace_batch(X, Y, 1e-3)
        times.append(time.perf_counter() - start)
    opened = typical(times)
    tracemalloc.start()
    trace = net.trace_batch(X, Y, 1e-3)
    opened_bytes = tracemalloc.get_traced_memory()[0]
    rng = np.random.default_rng(0)
    n = len(trace)
    looked = [0, n // 2, n - 1, *rng.integers(0, n, 997).tolist()]
    for k in looked:
        trace[k]
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_frame = (held - opened_bytes) / len(looked)
    return Row(
        "largest step that opens: 784-128-10, batch 256 (any frame built when shown)",
        f"{n:,} frames open in {fmt_time(opened)}, {opened_bytes / 2**20:.1f} MB; "
        f"+{per_frame / 1024:.1f} kB per frame looked at",
        "— (was: refused above 20,000 frames)",
        "< 0.1 s; memory bounded by the frames looked at",
        opened < 0.1 and per_frame < 64 * 1024,
    )


def _step_ratio(spec: tuple[list[int], list[str], str], batch: int) -> float:
    sizes, acts, loss = spec
    X, Y = _data(sizes, batch)
    net = Network(sizes, acts, loss, seed=0)
    plain = plain_step([w.copy() for w in net.weights], [b.copy() for b in net.biases],
                       acts, loss, lr=1e-3)  # fmt: skip
    with np.errstate(all="ignore"):
        return interleaved(lambda: net.step(X, Y, 1e-3), lambda: plain(X, Y)).ratio


def step_vs_plain() -> Row:
    specs = [
        (([64, 32, 10], ["sigmoid", "sigmoid"], "mse"), 256),
        (MEDIUM, 10),
        (MNIST, 256),
    ]
    ratios = [_step_ratio(spec, batch) for spec, batch in specs]
    names = " / ".join(f"{_name(spec[0])} b{batch}" for spec, batch in specs)
    return Row(
        f"`net.step`, 64-32-10 sigmoid b256 (then {names.split(' / ', 1)[1]})",
        " / ".join(fmt_ratio(r) for r in ratios),
        "plain numpy loop (`1/(1+exp(-z))`)",
        "≤ 1.2x at every size, no overflow warnings",
        all(r <= 1.2 for r in ratios),
    )


def _threads_ratio(spec: tuple[list[int], list[str], str], batch: int, calls: int) -> float:
    """``net.step`` with the process's default BLAS threads over one thread."""
    sizes, acts, loss = spec
    X, Y = _data(sizes, batch)
    net = Network(sizes, acts, loss, seed=0)

    def block(limit: int) -> Callable[[], float]:
        def run() -> float:
            with threadpool_limits(limits=limit, user_api="blas"):
                return per_call(lambda: net.step(X, Y, 1e-3), calls)

        return run

    default, one = block(DEFAULT_BLAS_THREADS), block(1)
    by_default, on_one = [], []
    for b in range(blocks(61)):
        if b % 2:
            by_default.append(default())
            on_one.append(one())
        else:
            on_one.append(one())
            by_default.append(default())
    return typical(by_default) / typical(on_one)


def default_threads() -> Row:
    ratios = [
        _threads_ratio(([64, 32, 10], ["sigmoid", "sigmoid"], "mse"), 256, 4),
        _threads_ratio(MNIST, 256, 1),
    ]
    return Row(
        f"`net.step` in a script with default BLAS threads ({DEFAULT_BLAS_THREADS}), "
        "64-32-10 b256 / 784-128-10 b256",
        " / ".join(fmt_ratio(r) for r in ratios),
        "the same step on one thread",
        "≈ 1x, ≤ 1.2x (the engine picks its threads by matrix size)",
        all(r <= 1.2 for r in ratios),
    )


def _trainer_ratio(preset: str) -> float:
    session = new_session(preset)
    trainer = session.trainer
    net = trainer.net
    opt = trainer.optimizer
    steps = max(1, len(trainer.X) // trainer.batch_size) * 4
    plain = plain_step(
        [w.copy() for w in net.weights],
        [b.copy() for b in net.biases],
        net.activation_names,
        net.loss_name,
        lr=opt.lr,
        optimizer=opt.name,
        l2=net.l2,
    )
    loop = PlainLoop(plain, trainer.X, trainer.Y, trainer.batch_size, shuffle=trainer.shuffle)
    with np.errstate(all="ignore"):
        return interleaved(lambda: trainer.train(steps), lambda: loop.train(steps)).ratio


def trainer_vs_plain() -> Row:
    presets = ["xor", "spiral", "iris"]
    ratios = [_trainer_ratio(p) for p in presets]
    return Row(
        "`Trainer.train`, " + " / ".join(presets),
        " / ".join(fmt_ratio(r) for r in ratios),
        "plain loop with the same shuffling",
        "≤ 1.1x",
        all(r <= 1.1 for r in ratios),
    )


def _checkpoint_session(sizes: list[int]) -> Session:
    X, Y = _data(sizes, 1024)
    net = Network(sizes, ["sigmoid", "softmax"], "cross_entropy", seed=0)
    trainer = Trainer(net, X, Y, Adam(1e-3), batch_size=16, seed=0)
    names = tuple(f"c{k}" for k in range(sizes[-1]))
    return Session(trainer, Dataset("noise", X, Y, "classification", class_names=names))


def _checkpoint_bytes(sizes: list[int], steps: int) -> tuple[int, int]:
    tl = Timeline(_checkpoint_session(sizes))
    while tl.trainer.step < steps:
        tl.train_for(60.0, max_steps=min(20_000, steps - tl.trainer.step))
    return tl.checkpoint_bytes, len(tl._checkpoints)


def checkpoint_memory() -> Row:
    steps = 20_000 if QUICK else 200_000
    small, n_small = _checkpoint_bytes([64, 32, 10], steps)
    large, n_large = _checkpoint_bytes([784, 250, 10], 3_000)  # ~199k parameters
    budget = CHECKPOINT_BYTES
    return Row(
        f"checkpoint memory, 64-32-10 Adam after {steps:,} steps; 784-250-10 Adam after 3,000",
        f"{small / 2**20:.1f} MB ({n_small} checkpoints); "
        f"{large / 2**20:.1f} MB ({n_large} checkpoints)",
        "— (was: +125 MB; ~10 GB near the parameter limit)",
        f"≤ {budget / 2**20:.0f} MB whatever the network",
        small <= budget and large <= budget,
    )


ROWS: list[Callable[[], Row]] = [
    opening_batch_1,
    opening_batch_16,
    largest_step,
    step_vs_plain,
    default_threads,
    trainer_vs_plain,
    checkpoint_memory,
]
