"""Issue 12, cases 4 and 12: divergence is refused at finite limits set by
the data's scale, for every piece of state a step changes, and a refused
step changes nothing (so stepping back and saving still work)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from bpsim.model.engine.divergence import (
    DIVERGENCE_FACTOR,
    DivergenceLimits,
    limits_for,
    loss_scale,
    parameter_scale,
)
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import SGD, Adam, Momentum, make_optimizer
from bpsim.model.engine.training import Trainer
from bpsim.model.errors import DivergedError, SessionError
from bpsim.model.sessions.session import Session, new_session
from bpsim.model.sessions.session_file import load_session, save_session, session_to_dict


def _overflowing_adam() -> Trainer:
    """A step whose loss and update are finite but whose Adam state is not:
    a sigmoid unit with cross-entropy has bounded output deltas, so an input
    of 1e160 gives a gradient of ~1e160, whose square (Adam's v) overflows.
    The first sample is an ordinary one; the second is that input."""
    net = Network([1, 1], "sigmoid", "bce", params=[0.0, 0.0])
    X, Y = np.array([[0.0], [1e160]]), np.array([[0.0], [1.0]])  # x = 0: w stays 0
    return Trainer(net, X, Y, Adam(0.01), batch_size=1, shuffle=False)


def test_4_adam_refuses_a_step_whose_second_moment_overflows(tmp_path: Path) -> None:
    trainer = _overflowing_adam()
    start = trainer.snapshot()
    trainer.train_step()  # the ordinary sample
    before = trainer.snapshot()
    for step in (trainer.train_step, trainer.trace_step):
        with pytest.raises(DivergedError, match="optimizer's v would become infinite"):
            step()
    assert trainer.step == 1 and trainer.optimizer.state()["t"] == 1
    np.testing.assert_array_equal(trainer.net.params, before.params)
    assert all(np.isfinite(v).all() for v in trainer.optimizer.state().values())
    # Saving here is refused in words (the next step cannot be taken), not
    # with "Out of range float values are not JSON compliant" ...
    session = Session(trainer, _dataset(trainer), {})
    with pytest.raises(SessionError, match="next training step diverges"):
        save_session(tmp_path / "s.json", session)
    # ... and a step back, the session saves and opens again.
    trainer.restore(start)
    save_session(tmp_path / "s.json", session)
    assert session_to_dict(load_session(tmp_path / "s.json")) == session_to_dict(session)


def _dataset(trainer: Trainer):
    from bpsim.model.data.dataset import Dataset

    return Dataset("x", trainer.X, trainer.Y, "classification", class_names=("a", "b"))


def test_4_momentum_refuses_a_velocity_that_overflows() -> None:
    net = Network([1, 1], "sigmoid", "bce", params=[0.0, 0.0])
    trainer = Trainer(net, np.array([[1.5e308]]), np.array([[1.0]]), Momentum(1e-300, 0.9))
    trainer.optimizer.velocity = np.array([-1.7e308, 0.0])
    with pytest.raises(DivergedError, match="optimizer's velocity would become infinite"):
        trainer.train_step()
    np.testing.assert_array_equal(trainer.optimizer.velocity, [-1.7e308, 0.0])


def test_12_the_sine_preset_at_rate_100_stops_long_before_absurd_numbers() -> None:
    session = new_session("sine")
    trainer = session.trainer
    trainer.optimizer.lr = 100.0
    losses: list[float] = []
    snapshots = []  # as the app's timeline keeps them
    with pytest.raises(DivergedError, match="a million times the data's scale") as info:
        for _ in range(10_000):
            snapshots.append(trainer.snapshot())
            losses.append(trainer.train_step())
    limit = trainer.limits.loss
    assert limit == pytest.approx(DIVERGENCE_FACTOR * loss_scale(trainer.Y, "mse", "linear"))
    assert limit < 1e7 and max(losses) <= limit  # far from 2e302
    params = trainer.net.params.copy()
    np.testing.assert_array_equal(params, snapshots[-1].params)  # the refused step: no change
    with pytest.raises(DivergedError):  # refused again, and again nothing changes
        trainer.train_step()
    np.testing.assert_array_equal(trainer.net.params, params)
    # The loss refused is that of these parameters: the last good ones are a step back.
    assert info.value.step_back == 1
    trainer.restore(snapshots[-1 - info.value.step_back])
    trainer.optimizer.lr = 0.01  # the rate lowered: training goes on from there
    later = trainer.train(50)
    assert later.max() <= limit and np.isfinite(trainer.net.params).all()


@pytest.mark.parametrize("name", ["mazur", "xor", "circle", "iris", "sine", "spiral"])
def test_12_presets_train_far_inside_the_limits(name: str) -> None:
    session = new_session(name)
    losses = session.trainer.train(300)
    assert losses.max() < 1e-3 * session.trainer.limits.loss
    assert np.abs(session.net.params).max() < 1e-3 * session.trainer.limits.parameter


def test_12_a_jump_to_absurd_parameters_is_refused() -> None:
    net = Network([1, 1], "linear", "mse", params=[1.0, 0.0])
    trainer = Trainer(net, np.array([[1.0]]), np.array([[1.0]]), make_optimizer("sgd", lr=1.0))
    net.params[...] = [3.0, 0.0]  # loss 2: a gradient of 2 per parameter
    trainer.optimizer.lr = 1e7  # one update of 2e7 > 1e6 × the data's scale (1)
    with pytest.raises(DivergedError, match="a parameter would reach 2e"):
        trainer.train_step()
    np.testing.assert_array_equal(net.params, [3.0, 0.0])


def test_12_the_scales_follow_the_data() -> None:
    Y = np.array([[3.0], [-4.0]])
    assert loss_scale(Y, "mse", "linear") == pytest.approx(0.5 * 12.5)
    assert loss_scale(np.array([[0.0], [1.0]]), "bce", "sigmoid") == pytest.approx(math.log(2))
    onehot = np.eye(3)
    assert loss_scale(onehot, "cross_entropy", "softmax") == pytest.approx(math.log(3))
    assert loss_scale(np.zeros((2, 1)), "mse", "linear") == 1.0  # never zero
    X = np.array([[0.001, 5.0], [-0.002, 1.0]])
    assert parameter_scale(X, Y) == pytest.approx(4.0 / 0.002)
    assert limits_for(X, Y, "mse", "linear").parameter == pytest.approx(2000.0 * 1e6)


def test_12_without_limits_only_non_finite_numbers_are_refused() -> None:
    limits = DivergenceLimits()
    limits.check(1e300, np.array([1e300]), {"v": np.array([1e308])})
    for loss, params in ((math.nan, [0.0]), (math.inf, [0.0]), (0.0, [math.nan])):
        with pytest.raises(DivergedError):
            limits.check(loss, np.array(params), {})


def test_tiny_targets_do_not_make_a_tiny_loss_look_diverged() -> None:
    """Targets of 1e-100 once set the loss limit at 9e-195, so a loss of
    3e-188 was refused (found by the CSV fuzz test): the scale has a floor."""
    from bpsim.model.engine.divergence import MIN_LOSS_SCALE

    Y = np.full((4, 1), 1e-100)
    assert loss_scale(Y, "mse", "linear") == MIN_LOSS_SCALE
    net = Network([2, 3, 1], ["tanh", "linear"], "mse", seed=0)
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    trainer = Trainer(net, X, Y, SGD(0.1), batch_size=4, seed=0)
    trainer.train(5)  # no DivergedError
    assert trainer.step == 5
