"""Building a session from a parsed session document, checking every field first.

:func:`session_from_dict` returns a complete, validated :class:`Session` or
raises one :class:`SessionError`; it changes nothing that exists already, so
a caller swaps the new session in only once it has it whole. Whatever it
accepts can be trained, stepped back, saved and opened again
(:mod:`bpsim.model.sessions.session_checks` says how each field is checked).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from bpsim.model.data.dataset import TASKS, Dataset
from bpsim.model.data.scaling import Scaling
from bpsim.model.engine.activations import ACTIVATIONS
from bpsim.model.engine.init import INITIALISERS
from bpsim.model.engine.losses import LOSS_NAMES
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from bpsim.model.engine.training import Trainer
from bpsim.model.engine.update_order import UPDATE_ORDERS
from bpsim.model.errors import BpsimError, DivergedError, SessionError
from bpsim.model.reading import bounded, shorten
from bpsim.model.sessions import session_checks as check
from bpsim.model.sessions.lecture import lecture_from_dict
from bpsim.model.sessions.session import Session

FORMAT = "bpsim-session"
SCHEMA_VERSION = 2  # 2: a lecture (bookmarks); files of version 1 still open
MAX_FILE_PARAMETERS = 10_000_000  # checked before building: a file asking for more is no lesson
MAX_LEARNING_RATE = 1e6  # the app offers up to 100
MAX_FILE_LAYERS = 32  # the network dialog builds at most 12 (10 hidden layers)

InvalidError = check.InvalidError


def structure_problem(
    sizes: Sequence[int], batch: int, train_biases: bool, loss: str
) -> str | None:
    """What keeps a network of ``sizes`` trained in batches of ``batch`` out of a
    session file, or None. One rule for saving and opening: what saves, opens."""
    if len(sizes) > MAX_FILE_LAYERS:
        return f"the network has {len(sizes)} layers; bpsim handles {MAX_FILE_LAYERS}"
    n_params = sum(a * b + b for a, b in itertools.pairwise(sizes))
    if n_params > MAX_FILE_PARAMETERS:
        return f"the network has {n_params:,} parameters; bpsim handles {MAX_FILE_PARAMETERS:,}"
    return None


def session_from_dict(doc: Any) -> Session:
    """Build a session from a parsed document; raises SessionError (and only that)."""
    try:
        return _build(doc)
    except InvalidError as exc:
        message = str(exc)
    except BpsimError as exc:  # bpsim's own checks (data sets, scalings): already in words
        message = str(exc)
    except Exception:  # anything not foreseen: still one message, never a traceback
        message = "its contents do not fit together"
    raise SessionError(bounded(f"not a usable bpsim session: {message}"))


def _build(doc: Any) -> Session:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidError("the file is not a bpsim session (no 'format': 'bpsim-session')")
    version = check.get(doc, "schema_version", int, "file")
    if version > SCHEMA_VERSION:
        raise InvalidError(
            f"schema version {shorten(version)} is newer than this bpsim reads ({SCHEMA_VERSION})"
        )
    if version < 1:
        raise InvalidError(f"unknown schema version {shorten(version)}")
    net = _network(check.get(doc, "network", dict, "file"))
    optimizer = _optimizer(check.get(doc, "optimizer", dict, "file"), net.params.size)
    dataset = _dataset(check.get(doc, "dataset", dict, "file"), "dataset")
    test_doc = doc.get("test_dataset")
    test = None if test_doc is None else _dataset(test_doc, "test_dataset")
    if (dataset.n_features, dataset.n_outputs) != (net.sizes[0], net.sizes[-1]):
        raise InvalidError(
            f"the data have {dataset.n_features} inputs and {dataset.n_outputs} targets, "
            f"the network {net.sizes[0]} and {net.sizes[-1]}"
        )
    if test is not None and (test.n_features, test.n_outputs) != (
        dataset.n_features,
        dataset.n_outputs,
    ):
        raise InvalidError("test_dataset does not match the training data's columns")
    scaling = dataset.input_scaling
    if test is not None and scaling is not None and not scaling.same_as(test.input_scaling):
        raise InvalidError("test_dataset is not standardized as the training data is")
    trainer = _trainer(check.get(doc, "training", dict, "file"), net, optimizer, dataset)
    settings = check.settings(check.get(doc, "settings", dict, "file"))
    history = _history(doc.get("loss_history", {}))
    lecture = lecture_from_dict(doc.get("lecture"))
    return Session(trainer, dataset, settings, test, history, lecture)


def _network(nd: dict[str, Any]) -> Network:
    sizes = check.get(nd, "sizes", list, "network")
    if len(sizes) < 2 or not all(type(s) is int and 1 <= s <= MAX_FILE_PARAMETERS for s in sizes):
        raise InvalidError("network.sizes must be 2 or more whole numbers of units, 1 or more")
    problem = structure_problem(sizes, 1, True, "mse")  # counted before any array is made
    if problem is not None:
        raise InvalidError(problem)
    activations = check.get(nd, "activations", list, "network")
    if len(activations) != len(sizes) - 1:
        raise InvalidError(f"network.activations must name {len(sizes) - 1} activations")
    for k, act in enumerate(activations):
        check.name(act, f"network.activations[{k}]", ACTIVATIONS)
    loss = check.name(check.get(nd, "loss", str, "network"), "network.loss", LOSS_NAMES)
    init = check.name(check.get(nd, "init", str, "network"), "network.init", INITIALISERS)
    seed = nd.get("seed")
    if seed is not None:
        check.whole_value(seed, "network.seed", 0, check.MAX_SEED)
    l1 = check.finite(check.get(nd, "l1", (int, float), "network"), "network.l1", 0.0)
    l2 = check.finite(check.get(nd, "l2", (int, float), "network"), "network.l2", 0.0)
    train_biases = check.get(nd, "train_biases", bool, "network")
    weights, biases = (
        check.get(nd, "weights", list, "network"),
        check.get(nd, "biases", list, "network"),
    )
    n_layers = len(sizes) - 1
    if len(weights) != n_layers or len(biases) != n_layers:
        raise InvalidError(f"network needs {n_layers} weight and bias layers")
    arrays = []
    for layer in range(n_layers):
        shape = (sizes[layer], sizes[layer + 1])
        arrays.append(check.array(weights[layer], shape, f"network.weights[{layer}]"))
        arrays.append(check.array(biases[layer], shape[1:], f"network.biases[{layer}]"))
    try:
        return Network(
            sizes,
            activations,
            loss,
            seed,
            init=init,
            l1=l1,
            l2=l2,
            train_biases=train_biases,
            params=np.concatenate([a.ravel() for a in arrays]),
        )
    except ValueError as exc:  # the network's own rules (softmax on the output only, …)
        raise InvalidError(f"network: {exc}") from None


def _optimizer(od: dict[str, Any], n_params: int) -> Optimizer:
    name = check.name(check.get(od, "name", str, "optimizer"), "optimizer.name", OPTIMIZERS)
    raw = check.get(od, "settings", dict, "optimizer")
    known = OPTIMIZERS[name](lr=1.0).settings()
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise InvalidError(f"optimizer.settings.{check.key_text(key)} is unknown to {name}")
        values[key] = check.finite(value, f"optimizer.settings.{key}")
    if "lr" not in values:
        raise InvalidError("optimizer.settings has no 'lr' (the learning rate)")
    if not 0 < values["lr"] <= MAX_LEARNING_RATE:
        raise InvalidError(
            f"optimizer.settings.lr is {values['lr']:g}; it must be above 0 "
            f"and at most {MAX_LEARNING_RATE:g}"
        )
    try:
        optimizer = make_optimizer(name, **values)
    except ValueError as exc:  # its own ranges, in words (e.g. "momentum must be in [0, 1)")
        raise InvalidError(f"optimizer: {exc}") from None
    state = check.get(od, "state", dict, "optimizer")
    loaded: dict[str, Any] = {}
    for key, value in state.items():
        where = f"optimizer.state.{check.key_text(key)}"
        if key not in optimizer.state_keys:
            raise InvalidError(f"{where} is unknown to {name}")
        if key == "t":
            loaded[key] = check.whole_value(value, where, 0, check.MAX_STEP)
        else:
            loaded[key] = check.array(value, (n_params,), where)
    if "v" in loaded and (loaded["v"] < 0).any():
        raise InvalidError("optimizer.state.v (squared gradients) must not be negative")
    try:
        optimizer.load_state(loaded, n_params)
    except ValueError as exc:
        raise InvalidError(f"optimizer: {exc}") from None
    return optimizer


def _dataset(dd: Any, where: str) -> Dataset:
    if not isinstance(dd, dict):
        raise InvalidError(f"{where} must be an object")
    class_names = dd.get("class_names")
    units = dd.get("feature_units")
    target_name = dd.get("target_name", "")
    if not isinstance(target_name, str):
        raise InvalidError(f"{where}.target_name must be a name")
    task = check.name(check.get(dd, "task", str, where), f"{where}.task", TASKS)
    description = dd.get("description", "")
    if not isinstance(description, str):
        raise InvalidError(f"{where}.description must be text")
    return Dataset(
        name=check.get(dd, "name", str, where),
        X=check.table(check.get(dd, "X", list, where), f"{where}.X"),
        Y=check.table(check.get(dd, "Y", list, where), f"{where}.Y"),
        task="regression" if task == "regression" else "classification",
        feature_names=check.names(
            check.get(dd, "feature_names", list, where), f"{where}.feature_names"
        ),
        class_names=None
        if class_names is None
        else check.names(class_names, f"{where}.class_names"),
        description=description,
        feature_units=() if units is None else check.names(units, f"{where}.feature_units"),
        target_name=target_name,
        input_scaling=_scaling(dd.get("input_scaling"), f"{where}.input_scaling"),
    )


def _scaling(sd: Any, where: str) -> Scaling | None:
    if sd is None:
        return None
    if not isinstance(sd, dict):
        raise InvalidError(f"{where} must be an object or null")
    mean = check.get(sd, "mean", list, where)
    return Scaling(
        check.array(mean, (len(mean),), f"{where}.mean"),
        check.array(check.get(sd, "scale", list, where), (len(mean),), f"{where}.scale"),
    )


def _trainer(td: dict[str, Any], net: Network, optimizer: Optimizer, data: Dataset) -> Trainer:
    n = data.n_samples
    batch = min(check.whole(td, "batch_size", "training", 1, check.MAX_SETTING_INT), n)
    problem = structure_problem(net.sizes, batch, net.train_biases, net.loss_name)
    if problem is not None:
        raise InvalidError(problem)
    shuffle = check.get(td, "shuffle", bool, "training")
    # Files written before the setting existed: the rule, simultaneous updates.
    update_order = td.get("update_order", "simultaneous")
    check.name(update_order, "training.update_order", UPDATE_ORDERS)
    order = check.order(check.get(td, "order", list, "training"), n, "training.order")
    step, epoch, position = check.position(td, n, batch, "training")
    rng_state = check.rng_state(check.get(td, "rng_state", dict, "training"), "training.rng_state")
    try:
        trainer = Trainer(net, data.X, data.Y, optimizer, batch_size=batch, shuffle=shuffle)
        trainer.update_order = update_order
        trainer.rng.bit_generator.state = rng_state
    except (ValueError, TypeError, OverflowError, KeyError):
        raise InvalidError("training.rng_state is not a usable random generator state") from None
    trainer.order, trainer.position, trainer.step, trainer.epoch = order, position, step, epoch
    problem = trainable_problem(trainer)
    if problem is not None:
        raise InvalidError(problem)
    return trainer


def trainable_problem(trainer: Trainer) -> str | None:
    """Why ``trainer`` cannot go on training, or None: its parameters must be
    within the limits training keeps them in, and its next step must not
    diverge (the step is taken, then undone exactly). Saving checks this
    too, so that whatever is saved opens and trains."""
    largest = float(np.abs(trainer.net.params).max())
    if largest > trainer.limits.parameter:
        return (
            f"the network's parameters reach {largest:.3g}, beyond what training allows "
            f"for these data ({trainer.limits.parameter:.3g})"
        )
    before = trainer.snapshot()
    try:
        trainer.train_step()
    except DivergedError as exc:
        return f"its next training step diverges ({exc.reason})"
    finally:
        trainer.restore(before)
    return None


def _history(doc: Any) -> dict[str, tuple[list[float], list[float]]]:
    if not isinstance(doc, dict):
        raise InvalidError("loss_history must be an object")
    history = {}
    for name, series in doc.items():
        where = f"loss_history.{check.key_text(name)}"
        if not isinstance(series, dict):
            raise InvalidError(f"{where} must be an object")
        steps = check.get(series, "step", list, where)
        values = check.get(series, "value", list, where)
        if len(steps) != len(values):
            raise InvalidError(f"{where} has {len(steps):,} steps but {len(values):,} values")
        s_arr = check.array(steps, (len(steps),), f"{where}.step")
        v_arr = check.array(values, (len(values),), f"{where}.value")
        if np.any(np.diff(s_arr) < 0):
            raise InvalidError(f"{where}.step must not go back")
        if s_arr.size and not 0 <= s_arr[0] <= s_arr[-1] <= check.MAX_STEP:
            raise InvalidError(f"{where}.step must lie from 0 to {check.MAX_STEP:,}")
        history[name] = (s_arr.tolist(), v_arr.tolist())
    return history
