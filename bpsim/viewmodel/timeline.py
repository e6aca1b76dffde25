"""The timeline: a cursor over the frames of a training step, over steps and
over epochs, forward and back in time.

It owns no Qt object and draws nothing: it moves a
:class:`~bpsim.model.engine.training.Trainer` through time and hands out the current
:class:`~bpsim.model.trace.frames.Trace` and frame index. Going back restores a
checkpoint and replays the steps after it, so the numbers are exactly those seen
before. Checkpoints are kept for every traced step and every ``checkpoint_every``
steps of training, at most ``max_checkpoints`` and ``checkpoint_budget`` bytes of
them: beyond that every other one goes and training checkpoints half as often. The
first, the shown step's, every change of settings and every edit are always kept.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from bpsim.model.engine.network import Network
from bpsim.model.engine.training import Snapshot, Trainer
from bpsim.model.engine.update_order import check_update_order
from bpsim.model.sessions.session import Session, SettingValue, evaluate_session
from bpsim.model.sessions.session_file import save_session, session_to_dict
from bpsim.model.trace.frames import Frame, Phase, Trace
from bpsim.viewmodel.groups import (
    GRANULARITY_LABELS,
    Granularity,
    group_end,
    group_ends,
    group_key,
    group_start,
)

__all__ = [
    "GRANULARITY_LABELS",
    "Granularity",
    "Timeline",
    "group_end",
    "group_ends",
    "group_key",
    "group_start",
]

Point = tuple[float, float | None, float | None]  # training loss, test loss, accuracy
_T = TypeVar("_T")


CHECKPOINT_BYTES = 64 * 2**20  # what the checkpoints may hold, whatever the network
SNAPSHOT_OVERHEAD = 1024  # bytes of a checkpoint beside its arrays (its objects, the rng state)


def snapshot_bytes(snap: Snapshot) -> int:
    """The bytes a checkpoint holds of its own (its order array is shared
    by the checkpoints of an epoch and counted once, by :class:`Timeline`)."""
    state = sum(v.nbytes for v in snap.optimizer_state.values() if isinstance(v, np.ndarray))
    return snap.params.nbytes + state + SNAPSHOT_OVERHEAD


class Timeline:
    """A cursor over training: frames of the current step, steps, epochs."""

    def __init__(
        self,
        session: Session,
        *,
        checkpoint_every: int = 50,
        max_checkpoints: int = 2000,
        checkpoint_budget: int = CHECKPOINT_BYTES,
    ) -> None:
        self.session = session
        self.trainer: Trainer = session.trainer
        self._spacing = checkpoint_every  # doubles each time checkpoints are thinned
        self.max_checkpoints = max_checkpoints
        self.checkpoint_budget = checkpoint_budget
        self._checkpoints: dict[int, Snapshot] = {}
        self._bytes = 0  # of the checkpoints, each order array counted once
        self._orders: dict[int, int] = {}  # id of an order array -> checkpoints sharing it
        self._edited: set[int] = set()  # steps whose parameters were edited
        self.trace: Trace
        self._trace_step = 0
        self.batch_indices: NDArray[np.intp] = np.zeros(0, dtype=np.intp)
        self.cursor = 0
        self._losses_of: Trace | None = None  # the trace whose losses are kept
        self._net_before: tuple[Trace, Network] | None = None  # and its network before it
        self._before: Point = (math.nan, None, None)
        self._after: Point | None = None
        self._open_step()

    # -- where we are ------------------------------------------------------------

    @property
    def step(self) -> int:
        """Index of the step the current trace shows (0 is the first update)."""
        return self._trace_step

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.trainer.X) / self.trainer.batch_size)

    @property
    def epoch(self) -> int:
        return self.step // self.steps_per_epoch

    @property
    def frame(self) -> Frame:
        return self.trace.frames[self.cursor]

    def net_before_step(self) -> Network:
        """The network as it stood before the shown step (a copy, kept while
        the step is shown; do not change it)."""
        if self._net_before is None or self._net_before[0] is not self.trace:
            net = self.trainer.net.copy()
            net.set_params(self.params_before_step())
            self._net_before = (self.trace, net)
        return self._net_before[1]

    def losses(self) -> tuple[Point, Point | None]:
        """Training loss, test loss and accuracy (None: no such value) of the
        weights the shown step starts from, and, once its whole update is
        shown, of the weights after it. Computed once per step shown."""
        if self._losses_of is not self.trace:
            self._losses_of, self._after = self.trace, None
            self._before = evaluate_session(self.session, self.net_before_step())
        if not self.update_shown:
            return self._before, None
        if self._after is None:  # the trainer stands after the shown step
            self._after = evaluate_session(self.session, self.trainer.net)
        return self._before, self._after

    @property
    def update_shown(self) -> bool:
        """True once the shown step's whole update is on screen (its last
        frame, an update): from then on the frames show the weights after it."""
        return self.cursor == len(self.trace) - 1 and self.frame.phase is Phase.UPDATE

    # -- checkpoints ---------------------------------------------------------------

    @property
    def first_step(self) -> int:
        """The earliest step this timeline can go back to."""
        return min(self._checkpoints)

    @property
    def checkpoint_bytes(self) -> int:
        """The bytes the checkpoints hold (parameters, optimizer state, orders)."""
        return self._bytes

    def _keep(self, step: int, snap: Snapshot) -> None:
        if step in self._checkpoints:
            self._drop(step)
        self._checkpoints[step] = snap
        self._bytes += snapshot_bytes(snap)
        key = id(snap.order)
        if key not in self._orders:
            self._bytes += snap.order.nbytes
        self._orders[key] = self._orders.get(key, 0) + 1

    def _drop(self, step: int) -> None:
        snap = self._checkpoints.pop(step)
        self._bytes -= snapshot_bytes(snap)
        key = id(snap.order)
        self._orders[key] -= 1
        if not self._orders[key]:
            del self._orders[key]
            self._bytes -= snap.order.nbytes

    def _remember(self) -> None:
        """Checkpoint the trainer as it stands (before step ``trainer.step``)."""
        self._keep(self.trainer.step, self.trainer.snapshot())
        while (
            len(self._checkpoints) > self.max_checkpoints or self._bytes > self.checkpoint_budget
        ) and self._thin():
            self._spacing *= 2  # and training checkpoints half as often from now on

    def _thin(self) -> bool:
        """Drop every other checkpoint over the whole range: the spacing
        doubles evenly, so no jump back replays more than a few times the
        average gap. The first and the shown step are kept, and every
        change of settings. Returns whether any went."""
        keep = {self.first_step, self._trace_step, self.trainer.step, *self._edited}
        steps = sorted(self._checkpoints)
        for before, s in itertools.pairwise(steps):
            # a checkpoint where the settings change is where replay learns of it
            settings = self._checkpoints[s].optimizer_settings
            if settings != self._checkpoints[before].optimizer_settings:
                keep.add(s)
        dropped = [s for s in steps[1::2] if s not in keep]
        for s in dropped:
            self._drop(s)
        return bool(dropped)

    def _open_step(self) -> None:
        """Trace the trainer's next step and put the cursor on its first frame."""
        self._remember()
        step = self.trainer.step
        self.trace = self.trainer.trace_step()
        self._trace_step = step
        trainer = self.trainer
        self.batch_indices = trainer.order[trainer.position - len(self.trace.X) : trainer.position]
        self.cursor = 0

    def go_to_step(self, step: int, *, at_end: bool = False) -> None:
        """Show step ``step`` (restoring and replaying as needed).

        Steps before :attr:`first_step` show the first step. Replaying
        restores every checkpoint it passes, so settings changed on the way
        (a learning rate) apply from the step they were changed at.
        """
        step = max(step, self.first_step)
        checkpoints = self._checkpoints
        base = max(s for s in checkpoints if s <= step)
        if not base <= self.trainer.step <= step:
            self.trainer.restore(checkpoints[base])
        while self.trainer.step < step:
            if self.trainer.step in checkpoints:
                self.trainer.restore(checkpoints[self.trainer.step])
            self.trainer.train_step()
        if step in checkpoints:
            self.trainer.restore(checkpoints[step])
        self._open_step()
        self.cursor = len(self.trace) - 1 if at_end else 0

    # -- moving --------------------------------------------------------------------

    def forward(self, granularity: Granularity = Granularity.FRAME) -> None:
        """One step of the given granularity forward in time."""
        if granularity is Granularity.STEP:
            self.go_to_step(self.step + 1)
        elif granularity is Granularity.EPOCH:
            self.go_to_step((self.epoch + 1) * self.steps_per_epoch)
        elif self.cursor < len(self.trace) - 1:
            end = self._group_end(self.cursor, granularity)
            self.cursor = end if end > self.cursor else self._group_end(end + 1, granularity)
        else:
            self.go_to_step(self.step + 1)
            self.cursor = self._group_end(0, granularity)

    def backward(self, granularity: Granularity = Granularity.FRAME) -> None:
        """One step of the given granularity back in time."""
        if granularity is Granularity.STEP:
            if self.cursor > 0:
                self.cursor = 0
            elif self.step > self.first_step:
                self.go_to_step(self.step - 1)
        elif granularity is Granularity.EPOCH:
            start = self.epoch * self.steps_per_epoch
            if self.step <= start and self.cursor == 0:
                start -= self.steps_per_epoch
            self.go_to_step(start)
        else:
            start = group_start(self.trace, self.cursor, granularity)
            if start > 0:
                self.cursor = start - 1
            elif self.cursor > 0:
                self.cursor = 0
            elif self.step > self.first_step:
                self.go_to_step(self.step - 1, at_end=True)

    @property
    def at_beginning(self) -> bool:
        """True on the first frame of the first step: nothing earlier to show."""
        return self.cursor == 0 and self.step <= self.first_step

    def to_start(self) -> None:
        self.cursor = 0

    def to_end(self) -> None:
        self.cursor = len(self.trace) - 1

    def seek(self, frame: int) -> None:
        self.cursor = min(max(frame, 0), len(self.trace) - 1)

    def _group_end(self, k: int, granularity: Granularity) -> int:
        """The last frame of the group frame ``k`` belongs to."""
        return group_end(self.trace, k, granularity)

    # -- continuous training -------------------------------------------------------

    def train_for(
        self, seconds: float, out: list[float] | None = None, *, max_steps: int | None = None
    ) -> int:
        """Train without tracing for about ``seconds`` (at least one step),
        and no more than ``max_steps`` steps (0: none); returns the number of
        steps run. Their losses go to ``out``.

        The shown step is already applied, so training carries on after it;
        :meth:`open_next_step` then shows the next step frame by frame. A
        :class:`~bpsim.model.DivergedError` stops training on the last
        finite parameters.
        """
        trainer = self.trainer
        deadline = time.perf_counter() + seconds
        limit = math.inf if max_steps is None else max_steps
        done = 0
        while done < limit:
            if trainer.step % self._spacing == 0:
                self._remember()
            left = deadline - time.perf_counter()
            to_next = self._spacing - trainer.step % self._spacing
            if max_steps is not None:
                to_next = min(to_next, max_steps - done)
            done += len(trainer.train_for(left, max_steps=to_next, out=out))
            if time.perf_counter() >= deadline:
                break
        return done

    def open_next_step(self) -> None:
        """Show the step after the trainer's current state, at its first frame."""
        self.go_to_step(self.trainer.step)

    # -- changes and saving ------------------------------------------------------

    def params_before_step(self) -> NDArray[np.float64]:
        """The parameters before the shown step (as its first frame shows them)."""
        return self._checkpoints[self.step].params

    def rewind_to_shown_step(self) -> None:
        """Put the trainer back where the shown step starts (its checkpoint)."""
        self.trainer.restore(self._checkpoints[self.step])

    def set_learning_rate(self, lr: float, update_order: str | None = None) -> None:
        """Use learning rate ``lr`` (and ``update_order``, if given) from the
        shown step on (:meth:`redo_shown_step`)."""

        def change() -> None:
            self.trainer.optimizer.lr = float(lr)
            if update_order is not None:
                self.trainer.update_order = check_update_order(update_order)

        self.redo_shown_step(change)

    def set_parameter(self, layer: int, i: int, j: int | None, value: float) -> None:
        """Set weight ``(i, j)`` into layer ``layer`` (``j`` None: the bias of its
        unit ``i``) as the shown step starts, and redo that step from there."""
        net = self.trainer.net
        where = net.biases[layer - 1] if j is None else net.weights[layer - 1]
        index = (i,) if j is None else (i, j)
        self._edited.add(self.step)  # kept through thinning: replay must pass it
        self.redo_shown_step(lambda: where.__setitem__(index, float(value)))

    def redo_shown_step(self, change: Callable[[], None]) -> None:
        """Apply ``change`` to the trainer as the shown step starts, redo the step
        and forget the checkpoints after it (that future has changed)."""
        for s in [s for s in self._checkpoints if s > self.step]:
            self._drop(s)
        self._edited = {s for s in self._edited if s <= self.step}
        cursor = self.cursor
        self.trainer.restore(self._checkpoints[self.step])
        change()
        self._open_step()
        self.cursor = min(cursor, len(self.trace) - 1)

    def reset(self) -> None:
        """Back to the first step this timeline knows."""
        self.go_to_step(self.first_step)

    def save(
        self,
        path: str,
        settings: dict[str, SettingValue],
        history: dict[str, tuple[list[float], list[float]]] | None = None,
    ) -> None:
        """Save the session as it stands before the shown step, so that
        opening the file shows this very step again; ``history`` is the loss
        curve, kept up to that step."""
        self._at_shown_step(settings, history, lambda: save_session(path, self.session))

    def document(
        self,
        settings: dict[str, SettingValue],
        history: dict[str, tuple[list[float], list[float]]] | None = None,
        build: Callable[[Session], dict[str, Any]] = session_to_dict,
    ) -> dict[str, Any]:
        """What :meth:`save` writes, as a JSON-ready document sharing nothing
        with the live session (so another thread may write it); ``build``
        makes it from the session as it stands before the shown step."""
        return self._at_shown_step(settings, history, lambda: build(self.session))

    def _at_shown_step(
        self,
        settings: dict[str, SettingValue],
        history: dict[str, tuple[list[float], list[float]]] | None,
        then: Callable[[], _T],
    ) -> _T:
        after = self.trainer.snapshot()
        self.trainer.restore(self._checkpoints[self.step])
        try:
            self.session.settings = {**self.session.settings, **settings}
            if history is not None:
                self.session.keep_history(history, self.step)
            return then()
        finally:
            self.trainer.restore(after)
