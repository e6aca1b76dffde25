"""The trace against the vectorised computation training uses."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings

from bpsim.model import DivergedError, FrameKind, Network, Phase
from bpsim.model.engine.optimizers import Adam, Momentum
from bpsim.model.notation import fmt, numbers_in
from tests.strategies import Problem, problems


def frames_of(trace, kind: FrameKind):
    return [f for f in trace.frames if f.kind is kind]


@settings(max_examples=80, deadline=None)
@given(problems())
def test_trace_agrees_with_training_to_the_last_bit(p: Problem) -> None:
    reference = p.net.copy()
    zs, acts = reference.forward_cache(p.X)
    gw, gb = reference.gradients(p.X, p.Y)
    loss = reference.step(p.X, p.Y, 0.1)

    trace = p.net.trace_batch(p.X, p.Y, 0.1)

    # the update the trace applied is the one training applies, bit for bit
    np.testing.assert_array_equal(p.net.params, reference.params)
    assert trace.loss == loss
    for layer in range(p.net.n_layers):
        np.testing.assert_array_equal(trace.grad_weights[layer], gw[layer])
        np.testing.assert_array_equal(trace.grad_biases[layer], gb[layer])
    totals = [f for f in frames_of(trace, FrameKind.LOSS) if f.sample is None]
    if len(p.X) == 1:
        # one sample: every frame reads the very arrays of the vectorised pass
        (total,) = frames_of(trace, FrameKind.LOSS)
        assert total.value == loss
        for f in frames_of(trace, FrameKind.NET):
            assert f.value == zs[f.layer - 1][0, f.unit]
        for f in frames_of(trace, FrameKind.OUT):
            assert f.value == acts[f.layer][0, f.unit]
    else:
        (total,) = totals
        assert total.value == loss
    for f in frames_of(trace, FrameKind.WEIGHT_GRADIENT):
        assert f.value == gw[f.layer - 1][f.source, f.unit]
    for f in frames_of(trace, FrameKind.WEIGHT_UPDATE):
        assert f.value == p.net.weights[f.layer - 1][f.source, f.unit]
        assert f.before == trace.weights_before[f.layer - 1][f.source, f.unit]
    n_bias_updates = len(frames_of(trace, FrameKind.BIAS_UPDATE))
    assert n_bias_updates == (sum(p.net.sizes[1:]) if p.net.train_biases else 0)


@settings(max_examples=80, deadline=None)
@given(problems(max_batch=1))
def test_each_frame_follows_from_its_inputs(p: Problem) -> None:
    """Recompute every unit's frame by hand, unit by unit, from its inputs."""
    net = p.net
    trace = net.trace(p.X[0], p.Y[0], 0.1)
    weights, biases = trace.weights_before, trace.biases_before
    for f in frames_of(trace, FrameKind.NET):
        a_in = trace.acts[f.layer - 1][0]
        by_hand = math.fsum(a_in * weights[f.layer - 1][:, f.unit]) + biases[f.layer - 1][f.unit]
        assert f.value == pytest.approx(by_hand, rel=1e-12, abs=1e-12)
    for f in frames_of(trace, FrameKind.DELTA):
        above = trace.deltas[f.layer][0]
        dE_dout = math.fsum(weights[f.layer][f.unit, :] * above)
        assert dict(f.inputs)[f"∂E/∂out_{f.label[2:]}"] == pytest.approx(dE_dout, abs=1e-12)
        act = net.activations[f.layer - 1]
        z, a = np.array([dict(f.inputs)[f"net_{f.label[2:]}"]]), trace.acts[f.layer][0, f.unit]
        assert f.value == pytest.approx(dE_dout * act.derivative(z, np.array([a]))[0], abs=1e-12)
    for f in frames_of(trace, FrameKind.WEIGHT_GRADIENT):
        d = trace.deltas[f.layer - 1][0, f.unit]
        a = trace.acts[f.layer - 1][0, f.source]
        w = weights[f.layer - 1][f.source, f.unit]
        expected = d * a + net.l2 * w + net.l1 * np.sign(w)
        assert f.value == pytest.approx(expected, rel=1e-12, abs=1e-14)


@settings(max_examples=40, deadline=None)
@given(problems(max_batch=5))
def test_batch_contributions_add_up_to_the_mean_gradient(p: Problem) -> None:
    trace = p.net.trace_batch(p.X, p.Y, 0.05)
    sums: dict[tuple[int, int, int], float] = {}
    for f in frames_of(trace, FrameKind.WEIGHT_CONTRIBUTION):
        key = (f.layer, f.source, f.unit)
        sums[key] = sums.get(key, 0.0) + f.value
    if len(p.X) == 1:
        assert not sums
        return
    for f in frames_of(trace, FrameKind.WEIGHT_GRADIENT):
        w = trace.weights_before[f.layer - 1][f.source, f.unit]
        reg = p.net.l2 * w + p.net.l1 * np.sign(w)
        assert f.value == pytest.approx(sums[(f.layer, f.source, f.unit)] + reg, abs=1e-12)
    samples = {f.sample for f in trace.frames if f.sample is not None}
    assert samples == set(range(len(p.X)))


def test_phases_run_forward_loss_backward_update() -> None:
    net = Network([3, 4, 2], "tanh", "mse", seed=0)
    trace = net.trace(np.ones(3), np.zeros(2), 0.1)
    order = [Phase.FORWARD, Phase.LOSS, Phase.BACKWARD, Phase.UPDATE]
    phases = [f.phase for f in trace.frames]
    assert phases == sorted(phases, key=order.index)
    assert set(phases) == set(order)


def test_trace_is_immutable() -> None:
    trace = Network([2, 2, 1], seed=0).trace([0.1, 0.2], [1.0], 0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.frames[0].value = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        trace.weights_after[0][0, 0] = 5.0


def test_weights_at_applies_updates_frame_by_frame() -> None:
    net = Network([2, 2, 1], seed=0)
    trace = net.trace([0.1, 0.2], [1.0], 0.5)
    updates = frames_of(trace, FrameKind.WEIGHT_UPDATE)
    first = updates[0]
    before = trace.weights_at(first.index - 1)
    after = trace.weights_at(first.index)
    k, i, j = first.layer - 1, first.source, first.unit
    assert before[k][i, j] == first.before and after[k][i, j] == first.value
    changed = [(a != b).sum() for a, b in zip(after, before, strict=True)]
    assert sum(changed) == 1
    final = trace.weights_at(len(trace) - 1)
    for w, expected in zip(final, trace.weights_after, strict=True):
        np.testing.assert_array_equal(w, expected)


@pytest.mark.parametrize("optimizer", [Momentum(0.1, 0.9), Adam(0.01)])
def test_trace_with_an_optimizer_applies_its_update(optimizer) -> None:
    twin = type(optimizer)(**optimizer.settings())
    net = Network([2, 3, 1], "tanh", "mse", seed=4)
    reference = net.copy()
    X, Y = np.array([[0.5, -0.5], [0.1, 0.9]]), np.array([[0.2], [-0.3]])
    for _ in range(3):
        net.trace_batch(X, Y, optimizer=optimizer)
        loss, grad = reference.loss_and_gradient(X, Y)
        proposal = twin.propose(grad)
        reference.apply_update(proposal.update, loss)
        proposal.commit()
    np.testing.assert_array_equal(net.params, reference.params)
    last = net.trace_batch(X, Y, optimizer=optimizer)
    update = frames_of(last, FrameKind.WEIGHT_UPDATE)[0]
    assert ("m̂" in update.symbolic) == isinstance(optimizer, Adam)


def test_a_diverging_traced_step_changes_nothing() -> None:
    net = Network([1, 1], "linear", "mse", seed=0)
    net.weights[0] = np.array([[1e200]])
    before = net.params.copy()
    with pytest.raises(DivergedError):
        net.trace([1e200], [0.0], 1.0)
    np.testing.assert_array_equal(net.params, before)


def test_long_sums_are_elided_in_formulas() -> None:
    net = Network([20, 2, 1], seed=0)
    trace = net.trace(np.ones(20), [0.0], 0.1)
    (first_net,) = [f for f in trace.frames if f.label == "net_h1"]
    assert "…" in first_net.symbolic and "(21 terms)" in first_net.symbolic
    assert len(first_net.edges) == 20


def test_loss_frames_add_up_with_regularization() -> None:
    net = Network([2, 3, 1], "tanh", "mse", seed=2, l1=0.01, l2=0.05)
    X, Y = np.array([[0.3, -0.1], [0.5, 0.9]]), np.array([[0.2], [-0.4]])
    reg = net._regularization()
    trace = net.trace_batch(X, Y, 0.1)
    per_sample = [f for f in frames_of(trace, FrameKind.LOSS) if f.sample is not None]
    (total,) = [f for f in frames_of(trace, FrameKind.LOSS) if f.sample is None]
    assert all("regularization" not in f.symbolic for f in per_sample)
    assert "regularization" in total.symbolic
    mean = sum(f.value for f in per_sample) / 2
    assert total.value == pytest.approx(mean + reg, rel=1e-12)
    single = Network([2, 3, 1], "tanh", "mse", seed=2, l1=0.01, l2=0.05).trace(X[0], Y[0], 0.1)
    (loss,) = frames_of(single, FrameKind.LOSS)
    terms = frames_of(single, FrameKind.LOSS_TERM)
    assert "regularization" in loss.symbolic
    assert loss.value == pytest.approx(sum(f.value for f in terms) + reg, rel=1e-12)


def test_only_the_inputs_frames_have_no_value() -> None:
    net = Network([2, 3, 2], "sigmoid", "mse", seed=4)
    trace = net.trace_batch([[0.1, 0.2], [0.3, -0.4]], [[0.0, 1.0], [1.0, 0.0]], 0.1)
    inputs = frames_of(trace, FrameKind.INPUT)
    assert len(inputs) == 2 and all(f.value is None for f in inputs)
    values = [f.value for f in trace.frames if f.kind is not FrameKind.INPUT]
    assert all(isinstance(v, float) and math.isfinite(v) for v in values)
    assert math.isfinite(sum(v for v in values if v is not None))


def test_mini_batch_gradients_say_mean_and_show_their_numbers() -> None:
    net = Network([2, 2, 1], "sigmoid", "mse", seed=3, l1=0.01, l2=0.05)
    X = np.array([[0.3, -0.1], [0.5, 0.9], [-0.7, 0.2]])
    Y = np.array([[0.2], [0.8], [0.5]])
    w_before = [w.copy() for w in net.weights]
    trace = net.trace_batch(X, Y, 0.1)
    means = [f for f in frames_of(trace, FrameKind.WEIGHT_GRADIENT) if f.sample is None]
    assert len(means) == 6
    for frame in means:
        assert frame.source is not None and frame.unit is not None
        wn = frame.label.removeprefix("∂E/∂")
        assert "Σ" not in frame.symbolic
        assert "mean over 3 samples of δ_" in frame.symbolic
        assert frame.symbolic.endswith(f" + λ₂·{wn} + λ₁·sign({wn})")  # the weight, named
        # every number is filled in: the samples' δ × input, the mean, the regularisation
        *shares, l2, w, l1, sign, result = numbers_in(frame.template)
        w0 = w_before[frame.layer - 1][frame.source, frame.unit]
        assert (l2, w, l1, sign) == (0.05, w0, 0.01, np.sign(w0))
        assert len(shares) == 3 and result == frame.value
        assert "/ 3" in frame.substituted
        assert sum(shares) / 3 + l2 * w + l1 * sign == pytest.approx(frame.value, rel=1e-12)
        contributions = [
            f.value
            for f in frames_of(trace, FrameKind.WEIGHT_CONTRIBUTION)
            if (f.layer, f.source, f.unit) == (frame.layer, frame.source, frame.unit)
        ]
        assert [c * 3 for c in contributions] == pytest.approx(shares, rel=1e-12)


def test_mini_batch_bias_gradients_are_means() -> None:
    net = Network([2, 2, 1], "tanh", "mse", seed=1, train_biases=True)
    X, Y = np.array([[0.3, -0.1], [0.5, 0.9]]), np.array([[0.2], [0.8]])
    trace = net.trace_batch(X, Y, 0.1)
    means = [f for f in frames_of(trace, FrameKind.BIAS_GRADIENT) if f.sample is None]
    assert means
    for frame in means:
        assert "mean over 2 samples of δ_" in frame.symbolic and "Σ" not in frame.symbolic
        *deltas, result = numbers_in(frame.template)
        assert len(deltas) == 2 and result == frame.value
        assert sum(deltas) / 2 == pytest.approx(frame.value, rel=1e-12)


def test_frames_are_written_at_any_precision_without_tracing_again() -> None:
    net = Network([2, 2, 1], "sigmoid", "mse", seed=3)
    trace = net.trace([0.3, -0.1], [0.2], 0.1)
    for frame in trace.frames:
        assert frame.substituted == frame.substituted_at(4)
        assert frame.formula == frame.formula_at(4) == f"{frame.symbolic} = {frame.substituted}"
        if frame.value is not None:
            assert frame.substituted_at(10).endswith(fmt(frame.value, 10))
            assert numbers_in(frame.template)[-1] == frame.value  # the result, exactly
