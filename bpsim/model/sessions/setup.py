"""A network's set-up as plain data: read it from a session, check it, rebuild.

A :class:`NetworkSetup` is everything a student may change about an
experiment on the current data: the hidden layers, the activations, the loss,
the initial weights, the optimizer and the training options. The input and
output layers are not part of it: their sizes come from the data.
:func:`validate` lists what is wrong with a set-up in plain sentences, so that
a dialog can show them; :func:`rebuild` turns a valid set-up into a fresh
session on the same training and test data.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.activations import ACTIVATIONS
from bpsim.model.engine.init import INITIALISERS
from bpsim.model.engine.losses import LOSS_NAMES, REQUIRED_OUTPUT
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import OPTIMIZERS, Momentum, make_optimizer
from bpsim.model.engine.training import Trainer
from bpsim.model.engine.update_order import UPDATE_ORDERS
from bpsim.model.sessions.session import Session
from bpsim.model.trace.frames import frames_per_step as frames_per_step  # re-exported

MAX_PARAMETERS = 200_000  # the app draws every edge; more is no longer a picture
MAX_HIDDEN_LAYERS = 10
DEFAULT_HIDDEN_ACTIVATION = "tanh"
DEFAULT_MOMENTUM = 0.9

# Names as a lecturer says them; the keys are the model's names, in menu order.
ACTIVATION_LABELS = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "linear": "linear (identity)",
    "softmax": "softmax",
}
LOSS_LABELS = {
    "mse": "mean squared error",
    "bce": "binary cross-entropy",
    "cross_entropy": "cross-entropy",
}
INIT_LABELS = {"xavier": "Xavier (Glorot)", "he": "He (Kaiming)", "uniform": "uniform ±0.5"}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}


@dataclass(frozen=True, kw_only=True)
class NetworkSetup:
    """What can be chosen about a network and its training.

    ``hidden`` lists the units of each hidden layer (empty: no hidden layer);
    every hidden layer uses ``hidden_activation``, unless ``hidden_activations``
    names one per hidden layer. ``seed`` draws the initial
    weights and the order of the samples (``None``: different every time).
    ``momentum`` counts only for the ``"momentum"`` optimizer.
    """

    hidden: tuple[int, ...] = (8,)
    hidden_activation: str = DEFAULT_HIDDEN_ACTIVATION
    hidden_activations: tuple[str, ...] = ()  # one per hidden layer; empty: all the same
    output_activation: str = "sigmoid"
    loss: str = "mse"
    init: str = "xavier"
    seed: int | None = 0
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = DEFAULT_MOMENTUM
    batch_size: int = 1
    shuffle: bool = True
    train_biases: bool = True
    l1: float = 0.0
    l2: float = 0.0
    update_order: str = "simultaneous"  # or "in_place" (see engine.update_order)

    def sizes(self, dataset: Dataset) -> tuple[int, ...]:
        """Units per layer, input first, for this data set."""
        return (dataset.n_features, *self.hidden, dataset.n_outputs)

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per non-input layer."""
        hidden = self.hidden_activations or (self.hidden_activation,) * len(self.hidden)
        return (*hidden, self.output_activation)


def n_parameters(sizes: tuple[int, ...]) -> int:
    """Weights and biases of a fully connected network with these layer sizes."""
    return sum(a * b + b for a, b in pairwise(sizes))


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer sizes from text such as ``"8"``, ``"8-8"`` or ``"8, 8"``.

    An empty text means no hidden layer. Raises ValueError with a message a
    student can act on. Zero units parse (``validate`` then says what is wrong).
    """
    body = text.strip().strip("[]()").strip()
    if not body:
        return ()
    parts = re.split(r"\s*[-,;x×]\s*|\s+", body)
    if any(not p for p in parts):
        raise ValueError("write the hidden layer sizes as numbers separated by '-', e.g. 8-8")
    for part in parts:
        if not re.fullmatch(r"[0-9]+", part):
            raise ValueError(f"{part!r} is not a whole number of units; write e.g. 8-8")
    return tuple(int(p) for p in parts)


def format_hidden(hidden: tuple[int, ...]) -> str:
    """The text :func:`parse_hidden` reads back: ``"8-8"``, or ``""``."""
    return "-".join(str(n) for n in hidden)


def parse_activations(text: str) -> tuple[str, ...]:
    """Hidden activations, one per layer, from text such as ``"tanh, relu"``.

    Names or their labels are accepted, any case (``ReLU``, ``leaky ReLU``);
    separators: commas, semicolons, or spaces. Empty text: ``()``, the same
    activation for every layer. Raises ValueError naming what is unknown.
    """
    body = text.strip()
    if not body:
        return ()
    by_name = {k.lower(): k for k in ACTIVATIONS}
    by_name |= {v.lower(): k for k, v in ACTIVATION_LABELS.items()}
    by_name |= {k.replace("_", " "): k for k in ACTIVATIONS}
    by_name |= {k.replace("_", "-"): k for k in ACTIVATIONS}
    parts = re.split(r"\s*[,;]\s*", body) if re.search(r"[,;]", body) else body.split()
    names = []
    for part in parts:
        name = by_name.get(re.sub(r"\s+", " ", part.strip().lower()))
        if name is None:
            shown = ", ".join(k for k in ACTIVATION_LABELS if not ACTIVATIONS[k].output_only)
            raise ValueError(f"{part!r} is not an activation; write e.g. tanh, relu ({shown})")
        names.append(name)
    return tuple(names)


class OrderChange(NamedTuple):
    """A change of set-up in the update order alone (the shown step is redone
    with it, the weights kept, as a learning-rate change is)."""

    update_order: str


def order_change(current: NetworkSetup, new: NetworkSetup) -> OrderChange | None:
    """The :class:`OrderChange` from ``current`` to ``new`` if only the
    update order differs, else None."""
    same = dataclasses.replace(new, update_order=current.update_order)
    if new.update_order != current.update_order and same == current:
        return OrderChange(new.update_order)
    return None


def same_weights(current: NetworkSetup, new: NetworkSetup) -> bool:
    """True when going from ``current`` to ``new`` keeps the weights (see
    :func:`rebuild`): the layer sizes, the seed and the initialisation stay."""
    return (current.hidden, current.seed, current.init) == (new.hidden, new.seed, new.init)


def keeps_weights(session: Session, setup: NetworkSetup) -> bool:
    """True when :func:`rebuild` keeps the session's current weights (the
    network's sizes on the session's data, its seed and initialisation stay)."""
    sizes = setup.sizes(session.dataset)
    return list(session.net.sizes) == list(sizes) and same_weights(setup_of(session), setup)


def setup_of(session: Session) -> NetworkSetup:
    """The set-up of a session's current network and trainer.

    A network whose hidden layers use different activations lists them in
    ``hidden_activations`` (and its first in ``hidden_activation``).
    """
    trainer, net = session.trainer, session.net
    hidden_acts = net.activation_names[:-1]
    opt = trainer.optimizer
    return NetworkSetup(
        hidden=net.sizes[1:-1],
        hidden_activation=hidden_acts[0] if hidden_acts else DEFAULT_HIDDEN_ACTIVATION,
        hidden_activations=tuple(hidden_acts) if len(set(hidden_acts)) > 1 else (),
        output_activation=net.activation_names[-1],
        loss=net.loss_name,
        init=net.init_name,
        seed=net.seed,
        optimizer=opt.name,
        lr=opt.lr,
        momentum=opt.momentum if isinstance(opt, Momentum) else DEFAULT_MOMENTUM,
        batch_size=trainer.batch_size,
        shuffle=trainer.shuffle,
        train_biases=net.train_biases,
        l1=net.l1,
        l2=net.l2,
        update_order=trainer.update_order,
    )


def _unknown(kind: str, name: str, valid: dict[str, str] | tuple[str, ...]) -> str:
    return f"unknown {kind} {name!r}; choose one of: {', '.join(valid)}"


def _names_problems(setup: NetworkSetup) -> list[str]:
    problems = []
    for name in (setup.hidden_activation, *setup.hidden_activations, setup.output_activation):
        if name not in ACTIVATIONS:
            problems.append(_unknown("activation", name, tuple(ACTIVATIONS)))
    if setup.loss not in LOSS_NAMES:
        problems.append(_unknown("loss", setup.loss, LOSS_NAMES))
    if setup.init not in INITIALISERS:
        problems.append(_unknown("initialisation", setup.init, tuple(INITIALISERS)))
    if setup.optimizer not in OPTIMIZERS:
        problems.append(_unknown("optimizer", setup.optimizer, tuple(OPTIMIZERS)))
    if setup.update_order not in UPDATE_ORDERS:
        problems.append(_unknown("update order", setup.update_order, UPDATE_ORDERS))
    return problems


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _layer_problems(setup: NetworkSetup, dataset: Dataset) -> list[str]:
    problems = []
    if any(n < 1 for n in setup.hidden):
        problems.append("a hidden layer needs at least one unit")
    if len(setup.hidden) > MAX_HIDDEN_LAYERS:
        problems.append(f"at most {MAX_HIDDEN_LAYERS} hidden layers fit on the screen")
    n_acts, n_hidden = len(setup.hidden_activations), len(setup.hidden)
    if n_acts and n_acts != n_hidden:
        problems.append(
            "give one hidden activation per hidden layer: "
            f"{_count(n_hidden, 'layer')}, {_count(n_acts, 'activation')}"
        )
    for name in dict.fromkeys(setup.activations[:-1] if n_acts in (0, n_hidden) else ()):
        act = ACTIVATIONS.get(name)
        if act is not None and act.output_only:
            problems.append(f"{name} is allowed on the output layer only")
    count = n_parameters(setup.sizes(dataset))
    if count > MAX_PARAMETERS:
        problems.append(
            f"the network would have {count:,} weights and biases; "
            f"bpsim draws at most {MAX_PARAMETERS:,}"
        )
    return problems


def _output_problems(setup: NetworkSetup, dataset: Dataset) -> list[str]:
    problems = []
    needed = REQUIRED_OUTPUT.get(setup.loss)
    loss_label = LOSS_LABELS.get(setup.loss, setup.loss)
    if needed is not None and setup.output_activation != needed:
        problems.append(f"{loss_label} needs a {needed} output layer")
    if setup.output_activation == "softmax" and dataset.n_outputs < 2:
        problems.append("softmax needs at least two outputs: this data set has one")
    if needed is not None:
        low, high = float(np.min(dataset.Y)), float(np.max(dataset.Y))
        if low < 0.0 or high > 1.0:
            problems.append(
                f"{loss_label} needs targets between 0 and 1: "
                f"here they run from {low:.3g} to {high:.3g}"
            )
    return problems


def _training_problems(setup: NetworkSetup, dataset: Dataset) -> list[str]:
    problems = []
    if not (math.isfinite(setup.lr) and setup.lr > 0):
        problems.append("the learning rate must be a number greater than 0")
    if setup.optimizer == "momentum" and not 0.0 <= setup.momentum < 1.0:
        problems.append("momentum must be at least 0 and less than 1")
    n = dataset.n_samples
    if not 1 <= setup.batch_size <= n:
        problems.append(f"batch size must be between 1 and {n}")
    for name, value in (("L1", setup.l1), ("L2", setup.l2)):
        if not (math.isfinite(value) and value >= 0):
            problems.append(f"the {name} strength must be 0 or more")
    if setup.seed is not None and setup.seed < 0:
        problems.append("the seed must be 0 or more")
    return problems


def validate(setup: NetworkSetup, dataset: Dataset) -> list[str]:
    """What is wrong with ``setup`` on ``dataset``, one short sentence each
    (lower case, no full stop, like the model's error messages); empty when
    :func:`rebuild` can build it."""
    problems = _names_problems(setup)
    problems += _layer_problems(setup, dataset)
    problems += _output_problems(setup, dataset)
    problems += _training_problems(setup, dataset)
    return problems


def rebuild(session: Session, setup: NetworkSetup) -> Session:
    """A fresh session on the same training and test data: a new network
    with weights drawn from ``setup.seed``, a new optimizer and trainer at
    step 0. When the layer sizes, the seed and the initialisation stay the
    same (:func:`keeps_weights`), the new network starts from the current
    weights and biases instead: a change of activation, loss or learning rate
    then shows its own effect on the same network.

    The session's settings are kept, except that it no longer is a preset
    (``"preset"`` is removed and ``"source"`` says where it came from) and the
    saved timeline position (``"frame"``) no longer applies. When the optimizer
    stays the same, its other settings (such as Adam's β1, β2) are kept.
    Raises ValueError listing the problems of an invalid set-up.
    """
    data = session.dataset
    problems = validate(setup, data)
    if problems:
        raise ValueError("; ".join(problems))
    net = Network(
        setup.sizes(data),
        setup.activations,
        setup.loss,
        setup.seed,
        init=setup.init,
        l1=setup.l1,
        l2=setup.l2,
        train_biases=setup.train_biases,
    )
    if keeps_weights(session, setup):
        net.set_params(session.net.params.copy())
    old = session.trainer.optimizer
    opt_settings = dict(old.settings()) if old.name == setup.optimizer else {}
    opt_settings["lr"] = setup.lr
    if setup.optimizer == "momentum":
        opt_settings["momentum"] = setup.momentum
    optimizer = make_optimizer(setup.optimizer, **opt_settings)
    trainer = Trainer(
        net,
        data.X,
        data.Y,
        optimizer,
        batch_size=setup.batch_size,
        shuffle=setup.shuffle,
        seed=setup.seed,
        update_order=setup.update_order,
    )
    settings = dict(session.settings)
    settings.pop("frame", None)
    preset = settings.pop("preset", None)
    if preset is not None:
        settings["source"] = f"{preset} preset"
    settings.setdefault("source", data.name)
    return Session(trainer, data, settings, session.test)
