"""The update order: simultaneous (the rule) or in place (as the classic
worked example computed its "error after the first update")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bpsim.model import SessionError
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import make_optimizer
from bpsim.model.engine.training import Trainer
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import load_session, save_session
from bpsim.model.trace.kinds import FrameKind


def mazur() -> tuple[Network, np.ndarray, np.ndarray]:
    session = new_session("mazur")
    return session.net, session.trainer.X, session.trainer.Y


@pytest.mark.parametrize(
    ("order", "published"), [("in_place", 0.291027924), ("simultaneous", 0.2910277737)]
)
def test_one_step_of_the_worked_example_gives_the_published_error(
    order: str, published: float
) -> None:
    net, X, Y = mazur()
    net.step(X, Y, 0.5, update_order=order)
    digits = 9 if order == "in_place" else 10
    assert round(net.loss(X, Y), digits) == published


def test_the_two_orders_differ_only_in_the_hidden_layer() -> None:
    net, X, Y = mazur()
    a, b = net.copy(), net.copy()
    a.step(X, Y, 0.5)
    b.step(X, Y, 0.5, update_order="in_place")
    assert np.array_equal(a.weights[1], b.weights[1])  # the output weights: same gradients
    assert not np.allclose(a.weights[0], b.weights[0])
    # w1+ as the in-place order makes it: dE/dw1 from the updated w5, w7
    assert b.weights[0][0, 0] == pytest.approx(0.15 - 0.5 * 0.05 * 0.00729445755, abs=1e-12)


@pytest.mark.parametrize("order", ["simultaneous", "in_place"])
def test_the_trace_agrees_with_the_step_exactly(order: str) -> None:
    net, X, Y = mazur()
    stepped, traced = net.copy(), net.copy()
    stepped.step(X, Y, 0.5, update_order=order)
    trace = traced.trace(X[0], Y[0], 0.5, update_order=order)
    assert np.array_equal(stepped.params, traced.params)
    assert [w.tolist() for w in trace.weights_after] == [w.tolist() for w in traced.weights]


def test_an_in_place_trace_updates_the_output_weights_before_the_hidden_deltas() -> None:
    net, X, Y = mazur()
    trace = net.trace(X[0], Y[0], 0.5, update_order="in_place")
    kinds = [(f.kind, f.layer) for f in trace]
    output_updates = [k for k, kl in enumerate(kinds) if kl == (FrameKind.WEIGHT_UPDATE, 2)]
    hidden_deltas = [k for k, kl in enumerate(kinds) if kl[0] is FrameKind.DELTA]
    hidden_updates = [k for k, kl in enumerate(kinds) if kl == (FrameKind.WEIGHT_UPDATE, 1)]
    assert max(output_updates) < min(hidden_deltas)
    assert max(hidden_deltas) < min(hidden_updates)
    assert len(trace) == len(net.trace(X[0], Y[0], 0.5))  # the same frames, reordered
    delta = trace[hidden_deltas[0]]
    assert "w5⁺·δ_o1" in delta.symbolic
    # (w5+ δo1 + w7+ δo2) σ'(net_h1), with the updated output weights
    w5, w7 = trace.weights_after[1][0]
    d_o1, d_o2 = trace.deltas[1][0]
    out = trace.acts[1][0, 0]
    assert delta.value == pytest.approx((w5 * d_o1 + w7 * d_o2) * out * (1 - out), rel=1e-12)
    assert delta.value == pytest.approx(0.00729445755, abs=1e-11)


def test_the_simultaneous_trace_keeps_the_updates_at_the_end() -> None:
    net, X, Y = mazur()
    trace = net.trace(X[0], Y[0], 0.5)
    last = [f.kind for f in trace[-8:]]
    assert last == [FrameKind.WEIGHT_UPDATE] * 8
    assert "w5·δ_o1" in next(f for f in trace if f.kind is FrameKind.DELTA).symbolic


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_in_place_with_any_optimizer_is_layer_by_layer(optimizer: str) -> None:
    """Each layer's proposal applied from the output backwards, the deltas of
    the layer below computed through the layer's new weights."""
    net = Network([2, 3, 3, 2], "tanh", seed=4, l2=0.01)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    trainer = Trainer(net, X, Y, make_optimizer(optimizer, lr=0.05), batch_size=5, shuffle=False)
    trainer.update_order = "in_place"
    trainer.train(2)  # momentum and Adam carry state into the third step
    opt = make_optimizer(optimizer, lr=0.05)
    if trainer.optimizer.state():
        opt.load_state(trainer.optimizer.state(), net.params.size)
    before = net.copy()
    trainer.train(1)
    # by hand, layer by layer from the output
    zs, acts = before.forward_cache(X)
    delta = before._loss.output_delta(zs[-1], acts[-1], Y, before.activations[-1])
    grad = np.zeros_like(before.params)
    new = before.params.copy()
    for layer in range(before.n_layers - 1, -1, -1):
        gw, gb = before._weight_views(grad)[layer], before._bias_views(grad)[layer]
        gw[...] = acts[layer].T @ delta + 0.01 * before.weights[layer]
        gb[...] = delta.sum(axis=0)
        update = opt.propose(grad).update  # elementwise: this layer's share is final
        for view in (before._w_slices[layer], before._b_slices[layer]):
            new[view] = before.params[view] - update[view]
        if layer:
            w_new = new[before._w_slices[layer]].reshape(before.weights[layer].shape)
            g = delta @ w_new.T
            delta = g * before.activations[layer - 1].derivative(zs[layer - 1], acts[layer])
    np.testing.assert_allclose(trainer.net.params, new, rtol=1e-12, atol=1e-15)


def test_the_trainer_and_traced_steps_agree_in_place() -> None:
    session = new_session("xor")
    trainer = session.trainer
    trainer.update_order = "in_place"
    snap = trainer.snapshot()
    trainer.train(3)
    after = trainer.net.params.copy()
    trainer.restore(snap)
    for _ in range(3):
        trainer.trace_step()
    np.testing.assert_allclose(trainer.net.params, after, rtol=1e-12, atol=1e-15)


def test_an_unknown_order_is_refused() -> None:
    net, X, Y = mazur()
    with pytest.raises(ValueError, match="update order"):
        net.step(X, Y, 0.5, update_order="sideways")
    with pytest.raises(ValueError, match="update order"):
        Trainer(net, X, Y, make_optimizer("sgd", lr=0.5), update_order="backwards")


def test_the_order_is_saved_and_old_files_open(tmp_path: Path) -> None:
    session = new_session("mazur")
    session.trainer.update_order = "in_place"
    path = tmp_path / "s.bpsim"
    save_session(path, session)
    assert load_session(path).trainer.update_order == "in_place"
    doc = json.loads(path.read_text())
    del doc["training"]["update_order"]  # a file from before the setting
    path.write_text(json.dumps(doc))
    assert load_session(path).trainer.update_order == "simultaneous"
    doc["training"]["update_order"] = "sideways"
    path.write_text(json.dumps(doc))
    with pytest.raises(SessionError, match=r"training\.update_order"):
        load_session(path)


def test_a_mini_batch_in_place_trace_updates_each_layer_after_its_mean() -> None:
    net = Network([2, 3, 2], "sigmoid", seed=2)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 2)), rng.uniform(size=(3, 2))
    stepped, traced = net.copy(), net.copy()
    stepped.step(X, Y, 0.3, update_order="in_place")
    trace = traced.trace_batch(X, Y, 0.3, update_order="in_place")
    assert np.array_equal(stepped.params, traced.params)
    tail = [
        (p.kind, p.layer) for p in map(trace.place, range(trace.layout.samples_end, len(trace)))
    ]
    kinds = [k for k, _ in tail]
    assert kinds[0] is FrameKind.LOSS
    layers_updated = [layer for k, layer in tail if k is FrameKind.WEIGHT_UPDATE]
    first_hidden_mean = tail.index((FrameKind.WEIGHT_GRADIENT, 1))
    assert set(layers_updated[: len(layers_updated) // 2]) == {2}
    assert tail.index((FrameKind.WEIGHT_UPDATE, 2)) < first_hidden_mean
    # each sample's hidden delta reads the new output weights
    for s in range(3):
        _, acts, deltas = trace.sample_rows(s)
        g = deltas[1] @ trace.weights_after[1].T
        np.testing.assert_allclose(deltas[0], g * acts[1] * (1 - acts[1]), rtol=1e-12)
