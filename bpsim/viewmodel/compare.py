"""Compared runs: finished loss curves kept on the plot while another trains.

A :class:`KeptRun` holds a run's training-loss points and the set-up it was
trained with (:class:`~bpsim.model.sessions.setup.NetworkSetup`) and its data.
:func:`difference` names what the kept run did differently from the current
one, in a lecturer's words ("lr 0.5", "tanh", "8-8 hidden", "Adam"), so the
plot can label the ghost curve automatically. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from bpsim.model.notation import fmt
from bpsim.model.sessions.setup import (
    ACTIVATION_LABELS,
    INIT_LABELS,
    LOSS_LABELS,
    OPTIMIZER_LABELS,
    NetworkSetup,
    format_hidden,
)

MAX_KEPT = 3  # kept curves at most; keeping a fourth forgets the oldest
MAX_NAMED = 3  # differences named in a label; more are summed up as "…"
SAME = "same settings"


@dataclass(frozen=True)
class KeptRun:
    """A finished run's training loss (steps ``x``, losses ``y``) and how it was made."""

    setup: NetworkSetup
    data: str
    x: NDArray[np.float64] = field(repr=False)
    y: NDArray[np.float64] = field(repr=False)

    @property
    def last_step(self) -> int:
        return int(self.x[-1]) if len(self.x) else 0


def _hidden_acts(setup: NetworkSetup) -> str:
    acts = setup.activations[:-1]
    if len(set(acts)) <= 1:
        return ACTIVATION_LABELS.get(acts[0], acts[0]) if acts else ""
    return "-".join(ACTIVATION_LABELS.get(a, a) for a in acts)


def differences(kept: NetworkSetup, kept_data: str, now: NetworkSetup, data: str) -> list[str]:
    """What ``kept`` did differently from ``now``, each named by the kept value."""
    named: list[str] = []
    if kept_data != data:
        named.append(f"{kept_data} data")
    if kept.optimizer != now.optimizer:
        named.append(OPTIMIZER_LABELS.get(kept.optimizer, kept.optimizer))
    if kept.lr != now.lr:
        named.append(f"lr {fmt(kept.lr)}")
    if kept.hidden != now.hidden:
        named.append(f"{format_hidden(kept.hidden) or 'no'} hidden")
    if _hidden_acts(kept) != _hidden_acts(now) and kept.hidden:
        named.append(_hidden_acts(kept))
    if kept.output_activation != now.output_activation:
        label = ACTIVATION_LABELS.get(kept.output_activation, kept.output_activation)
        named.append(f"{label} output")
    if kept.loss != now.loss:
        named.append(LOSS_LABELS.get(kept.loss, kept.loss))
    if kept.optimizer == now.optimizer == "momentum" and kept.momentum != now.momentum:
        named.append(f"μ {fmt(kept.momentum)}")
    if kept.batch_size != now.batch_size:
        named.append(f"batch {kept.batch_size}")
    if kept.init != now.init:
        named.append(f"{INIT_LABELS.get(kept.init, kept.init)} init")
    if kept.seed != now.seed:
        named.append("random seed" if kept.seed is None else f"seed {kept.seed}")
    for name, a, b in (("L1", kept.l1, now.l1), ("L2", kept.l2, now.l2)):
        if a != b:
            named.append(f"{name} {fmt(a)}")
    if kept.shuffle != now.shuffle:
        named.append("shuffled" if kept.shuffle else "not shuffled")
    if kept.train_biases != now.train_biases:
        named.append("biases trained" if kept.train_biases else "biases fixed")
    return named


def difference(run: KeptRun, now: NetworkSetup, data: str) -> str:
    """The label of ``run``'s curve beside a run made with ``now`` on ``data``."""
    named = differences(run.setup, run.data, now, data)
    if not named:
        return SAME
    if len(named) > MAX_NAMED:
        named = [*named[:MAX_NAMED], "…"]
    return ", ".join(named)


class ComparedRuns:
    """Up to :data:`MAX_KEPT` kept runs, oldest first."""

    def __init__(self) -> None:
        self._runs: list[KeptRun] = []

    def __len__(self) -> int:
        return len(self._runs)

    @property
    def runs(self) -> tuple[KeptRun, ...]:
        return tuple(self._runs)

    def keep(self, setup: NetworkSetup, data: str, x: object, y: object) -> KeptRun:
        """Keep a curve (its points are copied); raises ValueError without points."""
        xs = np.array(x, dtype=np.float64).ravel()
        ys = np.array(y, dtype=np.float64).ravel()
        if len(xs) != len(ys):
            raise ValueError("a kept curve needs as many steps as losses")
        finite = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[finite], ys[finite]
        if len(xs) < 2:  # a lone point is no curve yet
            raise ValueError("there is no training loss to keep yet: train a few steps first")
        run = KeptRun(setup, data, xs, ys)
        self._runs.append(run)
        del self._runs[:-MAX_KEPT]
        return run

    def clear(self) -> None:
        self._runs.clear()

    def labels(self, now: NetworkSetup, data: str) -> list[str]:
        """Each kept run's label beside the current set-up; equal labels numbered."""
        labels = [difference(run, now, data) for run in self._runs]
        return [
            f"{label} (run {i + 1})" if labels.count(label) > 1 else label
            for i, label in enumerate(labels)
        ]

    def now_label(self, now: NetworkSetup, data: str) -> str:
        """What the live run does differently from the kept ones ("lr 3"):
        each difference named once; "" when it differs from none."""
        named: dict[str, None] = {}
        for run in self._runs:
            named |= dict.fromkeys(differences(now, data, run.setup, run.data))
        listed = list(named)
        return ", ".join([*listed[:MAX_NAMED], "…"] if len(listed) > MAX_NAMED else listed)
