"""Training over a data set: mini-batches, epochs, snapshots for rewinding.

A :class:`Trainer` owns the network, the optimizer and the order in which
samples are visited. Its whole state (parameters, optimizer moments, the
shuffling generator, the position in the epoch) fits in a :class:`Snapshot`,
so that stepping back in time and replaying gives the same numbers exactly.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.divergence import limits_for
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import Optimizer
from bpsim.model.engine.threads import blas_threads_for
from bpsim.model.engine.update_order import Propose, check_update_order
from bpsim.model.errors import quiet_fp
from bpsim.model.trace.frames import Trace

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to put a trainer back where it was."""

    params: Array
    optimizer_settings: Mapping[str, float]
    optimizer_state: Mapping[str, Array | int]
    rng_state: Mapping[str, Any]
    order: NDArray[np.intp]
    position: int
    step: int
    epoch: int
    update_order: str = "simultaneous"


@dataclass(frozen=True)
class Evaluation:
    """Loss (and accuracy for classification) over a whole data set."""

    loss: float
    accuracy: float | None


class Trainer:
    """Trains ``net`` on ``X, Y`` with ``optimizer`` in mini-batches.

    Samples are visited in a fresh random order each epoch (``shuffle``),
    drawn from a generator seeded with ``seed``. ``step`` counts updates,
    ``epoch`` complete passes over the data. ``update_order`` is
    ``"simultaneous"`` (the rule) or ``"in_place"`` (see
    :mod:`bpsim.model.engine.update_order`); it may be changed between steps.
    """

    def __init__(
        self,
        net: Network,
        X: Array,
        Y: Array,
        optimizer: Optimizer,
        *,
        batch_size: int = 1,
        shuffle: bool = True,
        seed: int | None = 0,
        update_order: str = "simultaneous",
    ) -> None:
        if batch_size < 1:
            raise ValueError("the batch size must be at least 1")
        self.net = net
        self.X = np.asarray(X, dtype=np.float64)
        self.Y = net._check_target(Y, len(self.X))
        net._check_input(self.X)
        if len(self.X) == 0:
            raise ValueError("the data set is empty")
        self.optimizer = optimizer
        self.update_order = check_update_order(update_order)
        # Divergence is refused at limits set by the data's scale (see divergence.py).
        self.limits = limits_for(self.X, self.Y, net.loss_name, net.activation_names[-1])
        self.batch_size = min(int(batch_size), len(self.X))
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self._epoch_data: tuple[NDArray[np.intp], Array, Array] | None = None
        self.step = 0
        self.epoch = 0
        self.position = 0
        self.order = self._new_order()

    def _new_order(self) -> NDArray[np.intp]:
        n = len(self.X)
        return self.rng.permutation(n) if self.shuffle else np.arange(n)

    def next_batch(self) -> NDArray[np.intp]:
        """Indices of the next mini-batch (the last one of an epoch may be
        smaller); advances the position, starting a new epoch when needed."""
        if self.position >= len(self.order):
            self.epoch += 1
            self.position = 0
            self.order = self._new_order()
        batch = self.order[self.position : self.position + self.batch_size]
        self.position += len(batch)
        return batch

    def _next_arrays(self) -> tuple[Array, Array]:
        """Inputs and targets of the next mini-batch: slices of the data in
        this epoch's order, gathered once per epoch rather than per batch."""
        idx = self.next_batch()
        cached = self._epoch_data
        if cached is None or cached[0] is not self.order:
            cached = self._epoch_data = (self.order, self.X[self.order], self.Y[self.order])
        start = self.position - len(idx)
        return cached[1][start : self.position], cached[2][start : self.position]

    def _position_state(self) -> tuple[int, int, NDArray[np.intp], Mapping[str, Any] | None]:
        """Where the trainer stands in the data; the generator's state too
        when the next batch starts an epoch (and so draws a new order)."""
        rng = self.rng.bit_generator.state if self.position >= len(self.order) else None
        return self.position, self.epoch, self.order, rng

    def _restore_position(
        self, state: tuple[int, int, NDArray[np.intp], Mapping[str, Any] | None]
    ) -> None:
        self.position, self.epoch, self.order, rng = state
        if rng is not None:
            self.rng.bit_generator.state = rng

    def train_step(self) -> float:
        """One update on the next mini-batch; returns its loss before the update.

        On :class:`DivergedError` nothing changes, the position in the data
        included.
        """
        with quiet_fp(), self._blas_threads():
            return self._step()

    def _blas_threads(self) -> blas_threads_for:
        return self.net.blas_threads(self.batch_size)

    def _step(self) -> float:
        """:meth:`train_step`, inside ``quiet_fp`` and the BLAS threads' context."""
        position = self.position
        if position >= len(self.order):  # a new epoch: a new order, from the generator
            state = self._position_state()
            X, Y = self._next_arrays()
        else:  # within the epoch: the next slice of the epoch's data
            state = None
            end = position + self.batch_size
            cached = self._epoch_data
            if cached is None or cached[0] is not self.order:
                cached = self._epoch_data = (self.order, self.X[self.order], self.Y[self.order])
            X, Y = cached[1][position:end], cached[2][position:end]
            self.position = min(end, len(self.order))
        net = self.net
        try:
            propose = self._in_place_proposer() if self.update_order == "in_place" else None
            loss, grad = net._loss_and_gradient(X, Y, scratch=True, propose=propose)
            proposal = self.optimizer.propose(grad)
            net._apply_update(proposal.update, loss, self.limits, proposal.new_state)
        except FloatingPointError:
            if state is None:
                self.position = position
            else:
                self._restore_position(state)
            raise
        proposal.commit()
        self.step += 1
        return loss

    def _in_place_proposer(self) -> Propose:
        """The optimizer's update of a gradient vector, nothing committed."""
        optimizer = self.optimizer

        def propose(grad: Array) -> Array:
            return optimizer.propose(grad).update

        return propose

    def trace_step(self) -> Trace:
        """The next step, traced frame by frame (and applied)."""
        state = self._position_state()
        X, Y = self._next_arrays()
        try:
            trace = self.net.trace_batch(
                X, Y, optimizer=self.optimizer, limits=self.limits, update_order=self.update_order
            )
        except FloatingPointError:
            self._restore_position(state)
            raise
        self.step += 1
        return trace

    def train(self, steps: int) -> Array:
        """Run ``steps`` updates; returns their losses."""
        step = self._step
        with quiet_fp(), self._blas_threads():
            return np.array([step() for _ in range(steps)])

    def train_for(
        self, seconds: float, max_steps: int = 1_000_000, out: list[float] | None = None
    ) -> Array:
        """Run updates for about ``seconds`` (at least one); returns their losses.

        Each loss is also appended to ``out`` as it comes, so that a caller
        still has them when a :class:`DivergedError` cuts the run short.
        This is how the app trains between two repaints.
        """
        losses: list[float] = []
        deadline = time.perf_counter() + seconds
        step, clock = self._step, time.perf_counter
        with quiet_fp(), self._blas_threads():
            while len(losses) < max_steps:
                loss = step()
                losses.append(loss)
                if out is not None:
                    out.append(loss)
                if clock() >= deadline:
                    break
        return np.array(losses)

    def evaluate(self, X: Array | None = None, Y: Array | None = None) -> Evaluation:
        """Loss and, for classification outputs, accuracy on a data set
        (the training data by default)."""
        X = self.X if X is None else np.asarray(X, dtype=np.float64)
        Y = self.Y if Y is None else self.net._check_target(Y, len(X))
        return evaluate(self.net, X, Y)

    def snapshot(self) -> Snapshot:
        return Snapshot(
            params=self.net.params.copy(),
            optimizer_settings=self.optimizer.settings(),
            optimizer_state=self.optimizer.state(),
            rng_state=self.rng.bit_generator.state,
            order=self.order,  # replaced each epoch, never changed in place: share it
            position=self.position,
            step=self.step,
            epoch=self.epoch,
            update_order=self.update_order,
        )

    def restore(self, snap: Snapshot) -> None:
        self.net.set_params(snap.params)
        self.optimizer.apply_settings(snap.optimizer_settings)
        if snap.optimizer_state:
            self.optimizer.load_state(snap.optimizer_state, self.net.params.size)
        else:
            self.optimizer.reset()
        self.rng.bit_generator.state = dict(snap.rng_state)
        self.order = snap.order
        self.position = snap.position
        self.step = snap.step
        self.epoch = snap.epoch
        self.update_order = snap.update_order


def evaluate(net: Network, X: Array, Y: Array) -> Evaluation:
    """Loss and accuracy of ``net`` on ``X, Y``.

    Accuracy is reported for the classification losses: the arg-max for
    several outputs, a 0.5 threshold for one sigmoid output.
    """
    loss = net.loss(X, Y)
    accuracy = None
    if net.loss_name in ("bce", "cross_entropy") or (
        net.loss_name == "mse" and net.activation_names[-1] in ("sigmoid", "softmax")
    ):
        out = net.forward(X)
        if out.shape[1] == 1:
            accuracy = float(np.mean((out[:, 0] > 0.5) == (Y[:, 0] > 0.5)))
        else:
            accuracy = float(np.mean(out.argmax(axis=1) == Y.argmax(axis=1)))
    return Evaluation(loss, accuracy)
