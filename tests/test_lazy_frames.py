"""Frames built on demand against frames built eagerly, and steps too large
to build eagerly.

``tests/data/eager_frames.json.gz`` holds every frame of a few small steps as
the eager builder made them (written at commit 0fb3388, before frames were
built on demand). ``python -m tests.test_lazy_frames`` rewrites it from the
current builder: do that only when frames change on purpose, and read the
diff, since the file then no longer comes from an independent builder.
Each lazily built frame must equal its eager twin exactly, whatever the order
in which frames are asked for.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bpsim.model import Network
from bpsim.model.engine.optimizers import SGD, Adam, Momentum, Optimizer
from bpsim.model.trace.frames import Frame, Trace

GOLDEN = Path(__file__).parent / "data" / "eager_frames.json.gz"


def _case(name: str) -> Trace:
    """The traced step of case ``name`` (deterministic)."""
    rng = np.random.default_rng(sum(map(ord, name)))
    opt: Optimizer
    if name == "worked":  # the classic example, biases fixed
        net = Network([2, 2, 2], "sigmoid", "mse", train_biases=False, params=[
            0.15, 0.25, 0.20, 0.30, 0.35, 0.35, 0.40, 0.50, 0.45, 0.55, 0.60, 0.60])  # fmt: skip
        return net.trace([0.05, 0.10], [0.01, 0.99], 0.5)
    if name == "batch-l2":
        net = Network([3, 4, 2], ["tanh", "sigmoid"], "mse", seed=1, l2=0.01)
        X, Y, opt = rng.normal(size=(3, 3)), rng.uniform(size=(3, 2)), SGD(0.3)
    elif name == "softmax-ce-adam-l1":
        net = Network([2, 3, 3], ["relu", "softmax"], "cross_entropy", seed=2, l1=0.01)
        X, Y, opt = rng.normal(size=(1, 2)), np.eye(3)[[1]], Adam(0.01)
    elif name == "softmax-mse-momentum":
        net = Network([2, 3, 3], ["leaky_relu", "softmax"], "mse", seed=3)
        X, Y, opt = rng.normal(size=(2, 2)), np.eye(3)[[0, 2]], Momentum(0.1)
        opt.propose(rng.normal(size=net.params.size)).commit()  # a velocity to show
    elif name == "bce-fixed-biases-l1-l2":
        net = Network([2, 3, 2, 1], ["tanh", "tanh", "sigmoid"], "bce", seed=4,
                      train_biases=False, l1=0.02, l2=0.03)  # fmt: skip
        X, Y, opt = rng.normal(size=(2, 2)), np.array([[0.0], [1.0]]), SGD(0.2)
    elif name == "long-sums-batch":  # sums of more terms than a formula shows
        net = Network([2, 7, 1], ["sigmoid", "linear"], "mse", seed=5)
        X, Y, opt = rng.normal(size=(7, 2)), rng.normal(size=(7, 1)), Adam(0.05)
    elif name == "long-sums-deep":
        net = Network([3, 2, 8, 2], ["relu", "sigmoid", "softmax"], "cross_entropy", seed=6)
        X, Y, opt = rng.normal(size=(1, 3)), np.eye(2)[[1]], SGD(0.5)
    else:
        raise KeyError(name)
    return net.trace_batch(X, Y, optimizer=opt)


CASES = [
    "worked",
    "batch-l2",
    "softmax-ce-adam-l1",
    "softmax-mse-momentum",
    "bce-fixed-biases-l1-l2",
    "long-sums-batch",
    "long-sums-deep",
]


def _as_json(frame: Frame) -> list[Any]:
    return [_plain(v) for v in dataclasses.astuple(frame)]


def _plain(v: object) -> object:
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return float(v)
    return v


def _golden() -> dict[str, list[list[Any]]]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        data: dict[str, list[list[Any]]] = json.load(f)
    return data


@pytest.mark.parametrize("name", CASES)
def test_lazy_frames_equal_the_eager_ones(name: str) -> None:
    expected = _golden()[name]
    trace = _case(name)
    assert len(trace) == len(expected)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(trace))  # asked for in any order
    for k in order[: len(order) // 2]:
        assert _as_json(trace[int(k)]) == expected[k], f"{name}: frame {k}"
    for k, frame in enumerate(trace.frames):  # and in order, the rest built now
        assert _as_json(frame) == expected[k], f"{name}: frame {k}"
    assert _as_json(trace.frames[-1]) == expected[-1]
    assert [_as_json(f) for f in trace.frames[2:5]] == expected[2:5]


def write_golden() -> None:
    data = {name: [_as_json(f) for f in _case(name).frames] for name in CASES}
    with gzip.open(GOLDEN, "wt", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {GOLDEN}: {sum(map(len, data.values()))} frames", file=sys.stderr)


if __name__ == "__main__":
    write_golden()


# -- a step far too long to build eagerly ----------------------------------------------


def _share_oracle(net: Network, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
    """One sample's activations and deltas, by its own vectorised pass."""
    zs, acts = net.forward_cache(x[None])
    deltas = net.backward(zs, acts, y[None])[0]
    return [a[0] for a in acts], [d[0] for d in deltas]


def test_a_784_128_10_step_at_batch_256_opens_and_any_frame_can_be_built() -> None:
    import tracemalloc

    from bpsim.model.trace.frames import frames_per_step
    from bpsim.model.trace.kinds import FrameKind

    rng = np.random.default_rng(0)
    net = Network([784, 128, 10], ["relu", "softmax"], "cross_entropy", seed=0)
    before = net.copy()
    X, Y = rng.uniform(size=(256, 784)), np.eye(10)[rng.integers(0, 10, 256)]
    tracemalloc.start()
    try:
        trace = net.trace_batch(X, Y, 0.1)
        n = len(trace)
        assert n == frames_per_step(net.sizes, 256, True, "cross_entropy") > 26_000_000
        picks = [0, n // 2, n - 1, *rng.integers(0, n, 40).tolist()]
        frames = {k: trace[k] for k in picks}
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < 48 * 2**20  # the step's arrays and the frames looked at, not 26 million
    period = trace.layout.period
    for k, f in frames.items():
        assert f.index == k and f.label and f.symbolic and f.substituted
        place = trace.place(k)
        assert (f.kind, f.layer, f.unit, f.source, f.sample) == (
            place.kind, place.layer, place.unit, place.source, place.sample)  # fmt: skip
        if f.kind is FrameKind.WEIGHT_CONTRIBUTION:
            s = k // period
            acts, deltas = _share_oracle(before, X[s], Y[s])
            i, j = f.source, f.unit
            assert f.value == float(deltas[f.layer - 1][j] * acts[f.layer - 1][i]) / 256
        elif f.kind is FrameKind.WEIGHT_UPDATE:
            assert f.value == net.weights[f.layer - 1][f.source, f.unit]
            assert f.before == before.weights[f.layer - 1][f.source, f.unit]
        elif f.kind is FrameKind.WEIGHT_GRADIENT:
            assert f.value == trace.grad_weights[f.layer - 1][f.source, f.unit]
    assert frames[0].kind is FrameKind.INPUT and frames[n - 1].kind is FrameKind.BIAS_UPDATE
    # a frame built again in a fresh trace of the same step is the same frame
    again = before.copy().trace_batch(X, Y, 0.1)
    for k in picks[:5]:
        assert again[k] == frames[k]


def test_frames_are_built_only_when_asked_for() -> None:
    built: list[int] = []
    trace = Network([3, 5, 2], "tanh", "mse", seed=0).trace_batch(
        np.ones((4, 3)), np.zeros((4, 2)), 0.1
    )
    source = trace.frames._source
    original = source.frame

    def spy(k: int) -> Frame:
        built.append(k)
        return original(k)

    source.frame = spy  # type: ignore[method-assign]
    assert len(trace) > 100 and not built
    first = trace[7]
    assert trace[7] is first and trace[-1] is trace[len(trace) - 1]
    assert built == [7, len(trace) - 1]
    assert [f.index for f in trace.frames[3:6]] == [3, 4, 5]
