"""The timeline's checkpoints stay within a budget in bytes, whatever the
network, and rewinding through thinned checkpoints stays exact."""

from __future__ import annotations

import numpy as np

from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import Adam
from bpsim.model.engine.training import Trainer
from bpsim.model.sessions.session import Session
from bpsim.viewmodel.timeline import SNAPSHOT_OVERHEAD, Timeline


def _session(sizes: list[int], n: int = 96) -> Session:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    net = Network(sizes, ["sigmoid", "softmax"], "cross_entropy", seed=0)
    trainer = Trainer(net, X, Y, Adam(0.01), batch_size=16, seed=0)
    classes = tuple(f"c{k}" for k in range(sizes[-1]))
    return Session(trainer, Dataset("noise", X, Y, "classification", class_names=classes))


def _counted(tl: Timeline) -> int:
    """The checkpoints' bytes, counted afresh (shared order arrays once)."""
    snaps = list(tl._checkpoints.values())
    own = sum(
        s.params.nbytes
        + sum(v.nbytes for v in s.optimizer_state.values() if isinstance(v, np.ndarray))
        for s in snaps
    )
    orders = {id(s.order): s.order.nbytes for s in snaps}
    return own + sum(orders.values()) + SNAPSHOT_OVERHEAD * len(snaps)


def test_checkpoints_stay_within_their_budget_in_bytes() -> None:
    budget = 2**20
    tl = Timeline(_session([64, 32, 10]), checkpoint_every=5, checkpoint_budget=budget)
    per_snapshot = 3 * tl.trainer.net.params.nbytes  # parameters, Adam's m and v
    assert budget // per_snapshot < 30  # so that a few hundred checkpoints would overflow it
    for _ in range(6):
        tl.train_for(10.0, max_steps=500)
        assert tl.checkpoint_bytes == _counted(tl) <= budget
        assert len(tl._checkpoints) >= 4
    assert tl.trainer.step == 3001


def test_a_budget_for_a_large_network_keeps_a_few_checkpoints() -> None:
    tl = Timeline(_session([300, 200, 10]), checkpoint_every=1, checkpoint_budget=4 * 2**20)
    tl.train_for(10.0, max_steps=200)  # each checkpoint holds ~1.5 MB
    assert tl.checkpoint_bytes == _counted(tl) <= 4 * 2**20
    assert 0 in tl._checkpoints


def test_rewinding_through_thinned_checkpoints_is_exact() -> None:
    tl = Timeline(_session([64, 32, 10]), checkpoint_every=3, checkpoint_budget=2**20)
    tl.go_to_step(17)
    seen = tl.trace
    tl.go_to_step(400)
    tl.train_for(10.0, max_steps=1500)
    assert 17 not in tl._checkpoints  # thinned away: replayed from an earlier one
    tl.go_to_step(17)
    again = tl.trace
    assert again is not seen and again.loss == seen.loss
    for a, b in zip(again.weights_after, seen.weights_after, strict=True):
        np.testing.assert_array_equal(a, b)
    assert [again[k] for k in (0, len(again) // 2, -1)] == [
        seen[k] for k in (0, len(seen) // 2, -1)
    ]
