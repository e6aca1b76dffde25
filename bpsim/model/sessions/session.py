"""A teaching session: a trainer, its data and the app's settings.

Sessions are made from a preset (:func:`new_session`) or from the user's own
data (:func:`session_for_dataset`); :mod:`bpsim.model.sessions.session_file` saves
and opens them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.presets import Preset, build_preset, get_preset
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import make_optimizer
from bpsim.model.engine.training import Trainer, evaluate
from bpsim.model.errors import DataError
from bpsim.model.sessions.builtin_lectures import builtin_lecture
from bpsim.model.sessions.lecture import Lecture

SettingValue = str | int | float | bool | None


@dataclass
class Session:
    """A trainer (network, optimizer, position), its training data, an
    optional held-out test set, and the app's settings."""

    trainer: Trainer
    dataset: Dataset
    settings: dict[str, SettingValue] = field(default_factory=dict)
    test: Dataset | None = None
    # The loss curve so far: series name -> (steps, values), e.g. "train".
    history: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    lecture: Lecture | None = None  # the prepared moments, in order

    @property
    def net(self) -> Network:
        return self.trainer.net

    def keep_history(self, history: dict[str, tuple[list[float], list[float]]], last: int) -> None:
        """Keep ``history`` (series name -> steps, values) up to step ``last``."""
        kept = {}
        for name, (steps, values) in history.items():
            keep = [k for k, step in enumerate(steps) if step <= last]
            kept[name] = ([steps[k] for k in keep], [values[k] for k in keep])
        self.history = kept


def evaluate_session(
    session: Session, net: Network | None = None
) -> tuple[float, float | None, float | None]:
    """Training loss, test loss and (for classification) accuracy, the test
    set's when there is one, of ``net`` (the session's network by default)."""
    trainer = session.trainer
    net = net or trainer.net
    train = evaluate(net, trainer.X, trainer.Y)
    test = None if session.test is None else evaluate(net, session.test.X, session.test.Y)
    accuracy = (test or train).accuracy if session.dataset.task == "classification" else None
    return train.loss, None if test is None else test.loss, accuracy


TEST_FRACTION = 0.25
MAX_TARGET = 1e150  # a larger regression target's squared error overflows
MIN_SAMPLES_FOR_TEST = 40
CLASSIFIER_L2 = 0.01  # weight decay of a suggested classifier


def suggested_output(dataset: Dataset) -> tuple[str, str]:
    """The output activation and loss that suit a data set: sigmoid and
    binary cross-entropy for one 0/1 column, softmax and cross-entropy for
    one-hot classes, a linear output and mean squared error for regression."""
    if dataset.task == "classification" and dataset.n_outputs > 1:
        return "softmax", "cross_entropy"
    if dataset.task == "classification":
        return "sigmoid", "bce"
    return "linear", "mse"


def _split_and_scale(
    data: Dataset, seed: int | None, standardize: bool
) -> tuple[Dataset, Dataset | None]:
    """Keep a quarter aside as a test set when there are enough samples, and
    standardize both parts with the training part's statistics only."""
    test = None
    if data.n_samples >= MIN_SAMPLES_FOR_TEST:
        data, test = data.split(TEST_FRACTION, seed=seed)
    if standardize:
        scaling = data.scaling()
        data = data.standardized(scaling)
        test = None if test is None else test.standardized(scaling)
    return data, test


def session_for_dataset(data: Dataset, *, hidden: int = 8, seed: int = 0) -> Session:
    """A ready-to-train session for the user's own data: one tanh hidden
    layer, an output layer and loss that suit the task, standardized inputs,
    Adam, and a test set when there are 40 samples or more.

    Classifiers get weight decay (:data:`CLASSIFIER_L2`): on a few dozen
    samples an unregularised one grows ever more certain and the test loss
    of the few samples it gets wrong explodes (exam_results: 0.27 at step 60,
    1.63 at step 5,000)."""
    out, loss = suggested_output(data)
    largest = float(np.max(np.abs(data.Y)))
    if data.task == "regression" and largest > MAX_TARGET:
        raise DataError(
            f"The target column reaches {largest:.3g}; bpsim learns targets up to "
            f"{MAX_TARGET:.0e} in size (their squared errors must fit a number): rescale it."
        )
    l2 = CLASSIFIER_L2 if data.task == "classification" else 0.0
    sizes = [data.n_features, hidden, data.n_outputs]
    net = Network(sizes, ["tanh", out], loss, seed, l2=l2)
    data, test = _split_and_scale(data, seed, standardize=True)
    optimizer = make_optimizer("adam", lr=0.01)
    batch = min(16, data.n_samples)
    trainer = Trainer(net, data.X, data.Y, optimizer, batch_size=batch, seed=seed)
    return Session(trainer, data, {"source": data.name}, test)


def new_session(preset: Preset | str) -> Session:
    """A fresh session from a preset: its network, optimizer and data.

    Data sets of 40 samples or more keep a quarter aside as a test set.
    """
    p = get_preset(preset) if isinstance(preset, str) else preset
    net, data = build_preset(dataclasses.replace(p, standardize=False))
    data, test = _split_and_scale(data, p.seed, p.standardize)
    optimizer = make_optimizer(p.optimizer, lr=p.lr)
    batch = p.batch_size or data.n_samples
    # Full batches gain nothing from shuffling but a gather per step.
    shuffle = batch < data.n_samples
    trainer = Trainer(
        net, data.X, data.Y, optimizer, batch_size=batch, shuffle=shuffle, seed=p.seed
    )
    return Session(trainer, data, {"preset": p.name}, test, lecture=builtin_lecture(p.name))
