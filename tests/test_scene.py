"""The scene: what the network view draws at each frame (numpy only, no Qt)."""

from __future__ import annotations

import time
from itertools import pairwise

import numpy as np
import pytest

from bpsim.model import FrameKind, Network, Trace
from bpsim.viewmodel.network.layout import (
    circles_under,
    layout_network,
    overlap_areas,
    rects_near,
    segments_through,
)
from bpsim.viewmodel.network.scene import TraceIndex, scene_from_network, scene_from_trace
from bpsim.viewmodel.network.scene_text import frame_title, number_variants, tooltip_text
from tests.worked_example import LR, T, X, worked_example_network

SIGMOID2 = ("sigmoid", "sigmoid")


@pytest.fixture(scope="module")
def worked() -> Trace:
    return worked_example_network().trace(X[0], T[0], LR)


def first(trace: Trace, kind: FrameKind, label: str | None = None) -> int:
    return next(
        f.index for f in trace.frames if f.kind is kind and (label is None or f.label == label)
    )


def test_frame_zero_knows_only_the_inputs(worked: Trace) -> None:
    s = scene_from_trace(worked, 0, activation_names=SIGMOID2)
    np.testing.assert_array_equal(s.out[0], [0.05, 0.10])
    for layer in (1, 2):
        assert np.isnan(s.net[layer]).all() and np.isnan(s.out[layer]).all()
    assert all(np.isnan(d).all() for d in s.delta)
    assert all(np.isnan(g).all() for g in s.gradients)
    assert np.isnan(s.loss)
    assert s.frame is worked.frames[0]
    assert s.unit_names == (("i1", "i2"), ("h1", "h2"), ("o1", "o2"))
    np.testing.assert_array_equal(s.targets, [0.01, 0.99])


def test_net_then_out_of_h1(worked: Trace) -> None:
    k_net = first(worked, FrameKind.NET, "net_h1")
    s = scene_from_trace(worked, k_net, activation_names=SIGMOID2)
    assert s.net[1][0] == pytest.approx(0.3775, abs=1e-12)
    assert np.isnan(s.out[1][0]) and np.isnan(s.net[1][1])
    s = scene_from_trace(worked, first(worked, FrameKind.OUT, "out_h1"), activation_names=SIGMOID2)
    assert round(s.out[1][0], 9) == 0.593269992
    assert np.isnan(s.out[1][1])


def test_backward_values_appear_in_order(worked: Trace) -> None:
    k = first(worked, FrameKind.OUTPUT_DELTA, "δ_o1")
    s = scene_from_trace(worked, k, activation_names=SIGMOID2)
    assert round(s.delta[2][0], 9) == 0.138498562
    assert np.isnan(s.delta[2][1]) and np.isnan(s.delta[1]).all()
    assert s.loss == pytest.approx(0.298371109, abs=1e-9)
    assert s.loss_terms is not None and s.loss_terms[0] == pytest.approx(0.274811083, abs=1e-9)
    s = scene_from_trace(
        worked, first(worked, FrameKind.WEIGHT_GRADIENT), activation_names=SIGMOID2
    )
    assert round(s.gradients[1][0, 0], 9) == 0.082167041  # dE/dw5
    assert np.isnan(s.gradients[1][1, 0]) and np.isnan(s.gradients[0]).all()


def test_updates_change_the_weights_one_by_one(worked: Trace) -> None:
    k = first(worked, FrameKind.WEIGHT_UPDATE)
    before = scene_from_trace(worked, k - 1, activation_names=SIGMOID2)
    at = scene_from_trace(worked, k, activation_names=SIGMOID2)
    np.testing.assert_array_equal(before.weights[0], worked.weights_before[0])
    assert round(at.weights[0][0, 0], 9) == 0.149780716  # w1+
    assert at.weights[0][1, 0] == 0.20  # w2 not yet updated
    last = scene_from_trace(worked, len(worked) - 1, activation_names=SIGMOID2)
    for w, after in zip(last.weights, worked.weights_after, strict=True):
        np.testing.assert_array_equal(w, after)
    for b, after in zip(last.biases, worked.biases_after, strict=True):
        np.testing.assert_array_equal(b, after)
    # the width scale stays fixed over the step, so only the updated edge changes
    assert at.weight_scale == before.weight_scale == pytest.approx(0.561370121, abs=1e-9)


def test_weights_agree_with_weights_at(worked: Trace) -> None:
    for k in range(len(worked)):
        s = scene_from_trace(worked, k, activation_names=SIGMOID2)
        for mine, theirs in zip(s.weights, worked.weights_at(k), strict=True):
            np.testing.assert_array_equal(mine, theirs)


def naive_scene(trace: Trace, k: int) -> dict[str, list[np.ndarray]]:
    """What is known at frame k, by scanning the frames (the oracle)."""
    sample = 0
    for f in trace.frames[: k + 1]:
        if f.sample is not None:
            sample = f.sample
    known: dict[str, list[np.ndarray]] = {
        name: [np.full(n, np.nan) for n in trace.sizes] for name in ("net", "out", "delta")
    }
    known["out"][0] = trace.X[sample].copy()
    grads = [np.full(w.shape, np.nan) for w in trace.weights_before]
    kinds = {FrameKind.NET: "net", FrameKind.OUT: "out", FrameKind.DELTA: "delta"}
    kinds[FrameKind.OUTPUT_DELTA] = "delta"
    for f in trace.frames[: k + 1]:
        if f.kind in kinds and f.sample in (None, sample):
            assert f.unit is not None
            known[kinds[f.kind]][f.layer][f.unit] = f.value
        if f.kind is FrameKind.WEIGHT_GRADIENT:
            assert f.unit is not None and f.source is not None
            grads[f.layer - 1][f.source, f.unit] = f.value
    known["grad"] = grads
    known["weights"] = trace.weights_at(k)
    known["biases"] = trace.biases_at(k)
    return known


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trace_index_agrees_with_a_naive_scan(batch: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = [3, 4, 2]
    net = Network(sizes, ["tanh", "sigmoid"], "mse", seed=seed, train_biases=bool(seed % 2))
    x, y = rng.normal(size=(batch, 3)), rng.uniform(size=(batch, 2))
    trace = net.trace(x[0], y[0], 0.3) if batch == 1 else net.trace_batch(x, y, 0.3)
    index = TraceIndex(trace)
    for k in sorted({0, len(trace) - 1, *rng.integers(0, len(trace), 25).tolist()}):
        s = scene_from_trace(trace, k, activation_names=net.activation_names, index=index)
        oracle = naive_scene(trace, k)
        for name, mine in (("net", s.net), ("out", s.out), ("delta", s.delta)):
            for a, b in zip(mine, oracle[name], strict=True):
                np.testing.assert_array_equal(a, b, err_msg=f"{name} at frame {k}")
        for key, mine in (("grad", s.gradients), ("weights", s.weights), ("biases", s.biases)):
            for a, b in zip(mine, oracle[key], strict=True):
                np.testing.assert_array_equal(a, b, err_msg=f"{key} at frame {k}")
        assert s.sample == (None if batch == 1 else int(index.sample_of_frame[k]))


def test_a_mini_batch_shows_the_current_sample() -> None:
    net = Network([2, 3, 1], "tanh", "mse", seed=4)
    X2 = np.array([[1.0, 0.0], [0.0, 1.0]])
    trace = net.trace_batch(X2, [[0.0], [1.0]], 0.1)
    second = next(f.index for f in trace.frames if f.sample == 1)
    s = scene_from_trace(trace, second, activation_names=net.activation_names)
    assert s.sample == 1 and s.n_samples == 2
    np.testing.assert_array_equal(s.out[0], X2[1])
    assert np.isnan(s.out[1]).all()  # sample 2's forward pass has not started
    end = scene_from_trace(trace, len(trace) - 1, activation_names=net.activation_names)
    assert end.loss == pytest.approx(trace.loss)


def test_scene_from_network_is_a_forward_pass() -> None:
    net = Network([2, 3, 2], ["relu", "sigmoid"], "mse", seed=0)
    s = scene_from_network(net, [0.5, -1.0])
    np.testing.assert_allclose(s.out[-1], net.forward([[0.5, -1.0]])[0])
    assert np.isnan(s.net[0]).all() and all(np.isnan(d).all() for d in s.delta)
    assert s.frame is None and s.mode == "weights"
    net.weights[0][...] = 0.0  # the scene keeps its own copy
    assert np.abs(s.weights[0]).sum() > 0
    empty = scene_from_network(net, None, mode="gradients")
    assert np.isnan(empty.out[0]).all() and empty.mode == "gradients"
    with pytest.raises(ValueError):
        scene_from_network(net, [0.5, -1.0], mode="sideways")


def test_a_late_frame_of_a_large_trace_is_fast() -> None:
    net = Network([64, 32, 10], ["sigmoid", "softmax"], "cross_entropy", seed=1)
    rng = np.random.default_rng(0)
    trace = net.trace(rng.uniform(size=64), np.eye(10)[3], 0.1)
    assert len(trace) > 4000
    scene_from_trace(trace, 0, activation_names=net.activation_names)  # builds the index
    start = time.perf_counter()
    for k in range(len(trace) - 200, len(trace)):
        scene_from_trace(trace, k, activation_names=net.activation_names)
    assert (time.perf_counter() - start) / 200 < 0.003


def test_layout_hit_testing() -> None:
    lay = layout_network([2, 3, 1], 800, 500, margins=(20, 20, 20, 20))
    x, y = lay.center(1, 2)
    assert lay.unit_at(x + 0.5 * lay.radius, y) == (1, 2)
    assert lay.unit_at(x + 3 * lay.radius, y) is None
    x0, y0, x1, y1 = lay.segment(2, 1, 0)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    assert lay.edge_at(mx, my + 1, tol=4) == (2, 1, 0)
    hidden = [np.ones((2, 3), bool), np.zeros((3, 1), bool)]
    assert lay.edge_at(mx, my + 1, tol=4, visible=hidden) is None
    assert (lay.xs[:-1] < lay.xs[1:]).all() and lay.radius > 0


def test_label_geometry() -> None:
    """Rectangles (left, top, right, bottom) against labels, units and edges."""
    rects = np.array([[0.0, 0.0, 10.0, 10.0], [20.0, 0.0, 30.0, 10.0]])
    others = np.array([[9.0, 9.0, 12.0, 12.0], [11.0, 0.0, 19.0, 10.0]])
    np.testing.assert_array_equal(rects_near(rects, others, 0.0), [[True, False], [False, False]])
    np.testing.assert_array_equal(rects_near(rects, others, 1.5), [[True, True], [False, True]])
    np.testing.assert_allclose(overlap_areas(rects, others), [[1.0, 0.0], [0.0, 0.0]])
    circles = np.array([[15.0, 5.0, 4.0], [15.0, 5.0, 6.0], [5.0, 5.0, 1.0]])  # x, y, r
    np.testing.assert_array_equal(circles_under(rects, circles, 0.0), [2, 1])
    segments = np.array(
        [[-5.0, 5.0, 40.0, 5.0], [-5.0, 20.0, 40.0, 20.0], [12.0, -5.0, 18.0, 15.0]]
    )  # through both, under both, between them
    np.testing.assert_array_equal(
        segments_through(rects, segments), [[True, False, False], [True, False, False]]
    )
    diagonal = np.array([[0.0, 30.0, 30.0, 0.0]])  # crosses the second box's corner region
    assert segments_through(rects, diagonal)[:, 0].tolist() == [False, True]


def test_frames_about_the_whole_batch() -> None:
    """Their scene says so, and so does the title: the units hold the last sample."""
    net = Network([2, 3, 1], "sigmoid", "mse", seed=0)
    trace = net.trace_batch([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], 0.5)
    names = net.activation_names
    for f in trace.frames:
        s = scene_from_trace(trace, f.index, activation_names=names)
        title = frame_title(s)
        assert s.whole_batch == (f.sample is None)
        assert title.count("sample") == (f.sample is not None), title
        assert title.endswith("whole batch" if f.sample is None else f"sample {f.sample + 1} of 4")
    loss = next(f for f in trace.frames if f.kind is FrameKind.LOSS and f.sample == 1)
    assert frame_title(scene_from_trace(trace, loss.index, activation_names=names)) == (
        "Loss · E · sample 2 of 4"  # not "E (sample 2) · sample 2 of 4"
    )
    end = scene_from_trace(trace, len(trace) - 1, activation_names=names)
    assert "values of sample 4 of 4" in tooltip_text(end, (1, 0))
    one = worked_example_network().trace(X[0], T[0], LR)  # one sample: nothing to say
    s = scene_from_trace(one, len(one) - 1, activation_names=SIGMOID2)
    assert not s.whole_batch and "sample" not in frame_title(s) + tooltip_text(s, (1, 0))
    assert frame_title(scene_from_network(net)) == ""


def test_shorter_numbers() -> None:
    """Ever shorter, with as many significant digits as they keep; never cut."""
    assert number_variants(-4.565e-5) == ["−4.565e−5", "−4.56e−5", "−4.6e−5", "−5e−5"]
    assert number_variants(-0.0003678) == [
        "−0.0003678",
        "−3.678e−4",
        "−3.68e−4",
        "−3.7e−4",
        "−4e−4",
    ]
    assert number_variants(2.223e151)[:2] == ["2.223e151", "2.22e151"]
    assert number_variants(0.8564) == ["0.8564", "0.856", "0.86", "0.9"]
    assert number_variants(0.0) == ["0"] and number_variants(1.0) == ["1"]
    for x in (-4.565e-5, -0.0003678, 2.223e151, 0.8564, 12345.0):
        texts = number_variants(x)
        assert all(len(a) > len(b) for a, b in pairwise(texts))
        for t in texts:  # each still the number, to its digits
            assert float(t.replace("−", "-")) == pytest.approx(x, rel=0.5)
