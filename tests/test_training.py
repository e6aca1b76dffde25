"""Optimizers and the trainer: state, snapshots, exact replay."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model import DivergedError, Network
from bpsim.model.engine.optimizers import SGD, Adam, Momentum, make_optimizer
from bpsim.model.engine.training import Trainer, evaluate

RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, 2))
Y = (X[:, :1] * X[:, 1:] > 0).astype(float)


def make_trainer(optimizer, batch_size: int = 3) -> Trainer:
    net = Network([2, 4, 1], ["tanh", "sigmoid"], "bce", seed=1)
    return Trainer(net, X, Y, optimizer, batch_size=batch_size, seed=7)


@pytest.mark.parametrize("opt", [SGD(0.5), Momentum(0.2, 0.9), Adam(0.05)])
def test_every_optimizer_lowers_the_loss(opt) -> None:
    trainer = make_trainer(opt, batch_size=10)
    start = trainer.evaluate().loss
    trainer.train(200)
    assert trainer.evaluate().loss < 0.7 * start


def test_sgd_optimizer_equals_network_step() -> None:
    a = make_trainer(SGD(0.3), batch_size=10)
    net = a.net.copy()
    a.train(5)
    for _ in range(5):
        net.step(X[a.order], Y[a.order], 0.3)
    np.testing.assert_allclose(a.net.params, net.params, rtol=0, atol=1e-15)


def test_adam_matches_the_textbook_formula() -> None:
    opt = Adam(0.1, 0.9, 0.999, 1e-8)
    g = np.array([0.5, -2.0])
    first = opt.propose(g)
    first.commit()
    np.testing.assert_allclose(first.update, 0.1 * np.sign(g), rtol=1e-6)  # first step ≈ η·sign
    second = opt.propose(g)
    m = 0.9 * 0.1 * g + 0.1 * g
    v = 0.999 * 0.001 * g * g + 0.001 * g * g
    expected = 0.1 * (m / (1 - 0.81)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(second.update, expected)


def test_epochs_and_batches_cover_every_sample_once() -> None:
    trainer = make_trainer(SGD(0.1), batch_size=4)
    seen = [trainer.next_batch() for _ in range(3)]
    assert [len(b) for b in seen] == [4, 4, 2]
    assert sorted(np.concatenate(seen).tolist()) == list(range(10))
    assert trainer.epoch == 0
    trainer.next_batch()
    assert trainer.epoch == 1


@pytest.mark.parametrize("opt", [SGD(0.5), Momentum(0.2), Adam(0.05)])
def test_snapshot_restore_replays_exactly(opt) -> None:
    trainer = make_trainer(opt)
    trainer.train(4)
    snap = trainer.snapshot()
    first = trainer.train(9)
    params_after = trainer.net.params.copy()
    trainer.train(3)
    trainer.restore(snap)
    assert (trainer.step, trainer.epoch) == (snap.step, snap.epoch)
    second = trainer.train(9)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(trainer.net.params, params_after)


def test_traced_and_untraced_steps_are_the_same_step() -> None:
    a, b = make_trainer(Adam(0.05)), make_trainer(Adam(0.05))
    for _ in range(5):
        a.train_step()
        trace = b.trace_step()
    np.testing.assert_array_equal(a.net.params, b.net.params)
    assert trace.X.shape == (3, 2)  # steps 1-4 were batches of 3, 3, 3, 1
    assert a.step == b.step == 5


def test_diverging_step_leaves_trainer_unchanged() -> None:
    net = Network([1, 1], "linear", "mse")
    net.weights[0] = np.array([[1e300]])
    trainer = Trainer(net, np.array([[1e10]]), np.array([[0.0]]), Momentum(1.0))
    snap = trainer.snapshot()
    with pytest.raises(DivergedError):
        trainer.train_step()
    with pytest.raises(DivergedError):
        trainer.trace_step()
    assert trainer.step == 0 and trainer.position == snap.position
    assert trainer.optimizer.state() == {}
    np.testing.assert_array_equal(net.params, snap.params)


def test_evaluate_reports_accuracy_for_classification_only() -> None:
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "bce", seed=0)
    result = evaluate(net, X, Y)
    assert result.accuracy is not None and 0 <= result.accuracy <= 1
    expected = np.mean((net.forward(X)[:, 0] > 0.5) == (Y[:, 0] > 0.5))
    assert result.accuracy == expected
    regression = Network([2, 3, 1], ["tanh", "linear"], "mse", seed=0)
    assert evaluate(regression, X, Y).accuracy is None


def test_make_optimizer_explains_mistakes() -> None:
    assert isinstance(make_optimizer("adam", lr=0.01), Adam)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        make_optimizer("rmsprop", lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        make_optimizer("sgd", lr=-1.0)
    with pytest.raises(ValueError, match="bad settings"):
        make_optimizer("sgd", lr=0.1, momentum=0.9)


def test_train_for_runs_at_least_one_step() -> None:
    trainer = make_trainer(SGD(0.1))
    losses = trainer.train_for(0.0)
    assert len(losses) == 1 and trainer.step == 1


def test_a_refused_step_at_an_epoch_boundary_keeps_the_shuffle() -> None:
    net = Network([1, 1], "linear", "mse")
    X, Y = np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])
    trainer = Trainer(net, X, Y, SGD(0.01), batch_size=2, seed=3)
    trainer.train_step()  # the whole first epoch
    rng_before = trainer.rng.bit_generator.state
    net.weights[0] = np.array([[1e308]])
    with pytest.raises(DivergedError):
        trainer.train_step()  # would start epoch 1, drawing a new order
    assert trainer.rng.bit_generator.state == rng_before and trainer.epoch == 0
