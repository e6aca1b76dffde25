"""The step sizes (a unit, a layer, a pass) found from the layout agree with
a scan of the frames themselves, and a frame's place with the frame."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model import Network
from bpsim.model.trace.frames import Trace
from bpsim.viewmodel.groups import Granularity, group_end, group_ends, group_key, group_start

GRANULARITIES = [Granularity.FRAME, Granularity.UNIT, Granularity.LAYER, Granularity.PASS]


def _traces() -> list[Trace]:
    rng = np.random.default_rng(3)
    out = []
    for sizes, acts, loss, batch, biases in [
        ([2, 3, 2], ["tanh", "sigmoid"], "mse", 1, True),
        ([2, 3, 2], ["tanh", "sigmoid"], "mse", 3, False),
        ([3, 4, 3], ["relu", "softmax"], "cross_entropy", 2, True),
        ([2, 3, 3], ["tanh", "softmax"], "mse", 1, True),
        ([2, 2, 3, 1], ["tanh", "relu", "sigmoid"], "bce", 2, True),
    ]:
        net = Network(sizes, acts, loss, seed=1, train_biases=biases)
        X = rng.normal(size=(batch, sizes[0]))
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)] if sizes[-1] > 1 else (
            rng.integers(0, 2, (batch, 1)).astype(float))  # fmt: skip
        out.append(net.trace_batch(X, Y, 0.1))
    return out


@pytest.mark.parametrize("trace", _traces())
def test_groups_from_the_layout_agree_with_a_scan_of_the_frames(trace: Trace) -> None:
    frames = list(trace.frames)
    for f in frames:
        p = trace.place(f.index)
        assert (p.kind, p.layer, p.unit, p.source, p.sample, p.phase) == (
            f.kind, f.layer, f.unit, f.source, f.sample, f.phase)  # fmt: skip
    for g in GRANULARITIES:
        keys = [group_key(f, g) for f in frames]
        ends = [k for k in range(len(keys)) if k + 1 == len(keys) or keys[k + 1] != keys[k]]
        assert list(group_ends(trace, g)) == ends
        for k in range(len(frames)):
            end = next(e for e in ends if e >= k)
            start = max([e + 1 for e in ends if e < k], default=0)
            assert group_end(trace, k, g) == end and group_start(trace, k, g) == start
