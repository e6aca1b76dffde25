"""Session files: a whole teaching session as JSON, saved atomically.

A session file holds the architecture, the parameters, the optimizer and its
state, the position in training (step, epoch, shuffling), the data sets, the
app's settings and the loss curve so far. Floats are written with ``repr``
precision, so a save and a load give back the very same numbers. A file is
validated completely before anything is built from it; whatever is wrong is
reported as one :class:`SessionError` whose message names the problem.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.presets import DEFAULT_PRESET, PRESETS
from bpsim.model.data.scaling import Scaling
from bpsim.model.engine.network import Network
from bpsim.model.engine.optimizers import make_optimizer
from bpsim.model.engine.training import Trainer
from bpsim.model.errors import BpsimError, SessionError
from bpsim.model.sessions.files import atomic_write
from bpsim.model.sessions.lecture import lecture_from_dict, lecture_to_dict
from bpsim.model.sessions.session import Session, new_session

FORMAT = "bpsim-session"
MAX_FILE_PARAMETERS = 10_000_000  # checked before building: a file asking for more is no lesson
SCHEMA_VERSION = 2  # 2: a lecture (bookmarks); files of version 1 still open


# -- writing --------------------------------------------------------------------


def session_to_dict(session: Session) -> dict[str, Any]:
    """The JSON-ready document of a session."""
    tr, net, ds = session.trainer, session.trainer.net, session.dataset
    opt = tr.optimizer
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "network": {
            "sizes": list(net.sizes),
            "activations": list(net.activation_names),
            "loss": net.loss_name,
            "init": net.init_name,
            "seed": net.seed,
            "l1": net.l1,
            "l2": net.l2,
            "train_biases": net.train_biases,
            "weights": [w.tolist() for w in net.weights],
            "biases": [b.tolist() for b in net.biases],
        },
        "optimizer": {
            "name": opt.name,
            "settings": opt.settings(),
            "state": {k: (v if isinstance(v, int) else v.tolist()) for k, v in opt.state().items()},
        },
        "training": {
            "batch_size": tr.batch_size,
            "shuffle": tr.shuffle,
            "step": tr.step,
            "epoch": tr.epoch,
            "position": tr.position,
            "order": tr.order.tolist(),
            "rng_state": tr.rng.bit_generator.state,
        },
        "dataset": _dataset_to_dict(ds),
        "test_dataset": None if session.test is None else _dataset_to_dict(session.test),
        "settings": dict(session.settings),
        "loss_history": {
            name: {"step": list(steps), "value": list(values)}
            for name, (steps, values) in session.history.items()
        },
        "lecture": None if session.lecture is None else lecture_to_dict(session.lecture),
    }


def _dataset_to_dict(ds: Dataset) -> dict[str, Any]:
    return {
        "name": ds.name,
        "task": ds.task,
        "description": ds.description,
        "feature_names": list(ds.feature_names),
        "class_names": None if ds.class_names is None else list(ds.class_names),
        "X": ds.X.tolist(),
        "Y": ds.Y.tolist(),
        # optional within schema 1: files written before these keys still open
        "feature_units": list(ds.feature_units),
        "target_name": ds.target_name,
        "input_scaling": None
        if ds.input_scaling is None
        else {
            "mean": ds.input_scaling.mean.tolist(),
            "scale": ds.input_scaling.scale.tolist(),
        },
    }


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _InvalidError(f"{where} must be a list of names")
    return tuple(value)


def _dataset_from_dict(dd: Any, where: str) -> Dataset:
    if not isinstance(dd, dict):
        raise _InvalidError(f"{where} must be an object")
    names = dd.get("class_names")
    units = dd.get("feature_units")
    target_name = dd.get("target_name", "")
    if not isinstance(target_name, str):
        raise _InvalidError(f"{where}.target_name must be a name")
    return Dataset(
        name=_get(dd, "name", str, where),
        X=np.array(_get(dd, "X", list, where), dtype=np.float64),
        Y=np.array(_get(dd, "Y", list, where), dtype=np.float64),
        task=_get(dd, "task", str, where),
        feature_names=_names(_get(dd, "feature_names", list, where), f"{where}.feature_names"),
        class_names=None if names is None else _names(names, f"{where}.class_names"),
        description=str(dd.get("description", "")),
        feature_units=() if units is None else _names(units, f"{where}.feature_units"),
        target_name=target_name,
        input_scaling=_scaling_from_dict(dd.get("input_scaling"), f"{where}.input_scaling"),
    )


def _scaling_from_dict(sd: Any, where: str) -> Scaling | None:
    if sd is None:
        return None
    if not isinstance(sd, dict):
        raise _InvalidError(f"{where} must be an object or null")
    mean = _get(sd, "mean", list, where)
    return Scaling(
        _array(mean, (len(mean),), f"{where}.mean"),
        _array(_get(sd, "scale", list, where), (len(mean),), f"{where}.scale"),
    )


def save_session(path: str | os.PathLike[str], session: Session) -> None:
    """Write ``session`` to ``path`` atomically: the old file, if any, stays
    whole until the new one is complete."""
    target = Path(path)
    text = json.dumps(session_to_dict(session), indent=1, allow_nan=False)

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())

    try:
        atomic_write(target, write)
    except OSError as exc:
        raise SessionError(f"cannot write {target}: {exc.strerror or exc}") from None


# -- reading --------------------------------------------------------------------


class _InvalidError(Exception):
    pass


def _get(doc: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in doc:
        raise _InvalidError(f"{where} has no {key!r}")
    value = doc[key]
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise _InvalidError(f"{where}.{key} must be a number")
    if not isinstance(value, kind):
        raise _InvalidError(f"{where}.{key} has the wrong type ({type(value).__name__})")
    return value


def _array(value: Any, shape: tuple[int, ...], where: str) -> NDArray[np.float64]:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _InvalidError(f"{where} must hold numbers only") from None
    if arr.shape != shape:
        raise _InvalidError(f"{where} has shape {arr.shape}, expected {shape}")
    if not np.isfinite(arr).all():
        raise _InvalidError(f"{where} holds a value that is not a finite number")
    return arr


def session_from_dict(doc: Any) -> Session:
    """Build a session from a parsed document; raises SessionError."""
    try:
        return _build(doc)
    except _InvalidError as exc:
        raise SessionError(f"not a usable bpsim session: {exc}") from None
    except (BpsimError, ValueError, TypeError, KeyError) as exc:
        raise SessionError(f"not a usable bpsim session: {exc}") from None


def _build(doc: Any) -> Session:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _InvalidError("the file is not a bpsim session (no 'format': 'bpsim-session')")
    version = _get(doc, "schema_version", int, "file")
    if version > SCHEMA_VERSION:
        raise _InvalidError(
            f"schema version {version} is newer than this bpsim reads ({SCHEMA_VERSION})"
        )
    if version < 1:
        raise _InvalidError(f"unknown schema version {version}")

    nd = _get(doc, "network", dict, "file")
    sizes = _get(nd, "sizes", list, "network")
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes):
        raise _InvalidError("network.sizes must be whole numbers of units, 1 or more")
    n_params = sum(a * b + b for a, b in itertools.pairwise(sizes))
    if n_params > MAX_FILE_PARAMETERS:
        raise _InvalidError(
            f"the network has {n_params:,} parameters; bpsim handles {MAX_FILE_PARAMETERS:,}"
        )
    seed = nd.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise _InvalidError("network.seed must be an integer or null")
    net = Network(
        sizes,
        _get(nd, "activations", list, "network"),
        _get(nd, "loss", str, "network"),
        seed,
        init=_get(nd, "init", str, "network"),
        l1=_get(nd, "l1", (int, float), "network"),
        l2=_get(nd, "l2", (int, float), "network"),
        train_biases=_get(nd, "train_biases", bool, "network"),
    )
    weights, biases = _get(nd, "weights", list, "network"), _get(nd, "biases", list, "network")
    if len(weights) != net.n_layers or len(biases) != net.n_layers:
        raise _InvalidError(f"network needs {net.n_layers} weight and bias layers")
    for layer in range(net.n_layers):
        shape = (sizes[layer], sizes[layer + 1])
        net.weights[layer] = _array(weights[layer], shape, f"network.weights[{layer}]")
        net.biases[layer] = _array(biases[layer], shape[1:], f"network.biases[{layer}]")

    od = _get(doc, "optimizer", dict, "file")
    opt_settings = _get(od, "settings", dict, "optimizer")
    for key, value in opt_settings.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _InvalidError(f"optimizer.settings.{key} must be a number")
    optimizer = make_optimizer(_get(od, "name", str, "optimizer"), **opt_settings)
    state = _get(od, "state", dict, "optimizer")
    optimizer.load_state(
        {
            k: (v if isinstance(v, int) else np.asarray(v, dtype=np.float64))
            for k, v in state.items()
        },
        net.params.size,
    )

    dataset = _dataset_from_dict(_get(doc, "dataset", dict, "file"), "dataset")
    test_doc = doc.get("test_dataset")
    test = None if test_doc is None else _dataset_from_dict(test_doc, "test_dataset")
    if test is not None and (test.n_features, test.n_outputs) != (
        dataset.n_features,
        dataset.n_outputs,
    ):
        raise _InvalidError("test_dataset does not match the training data's columns")
    scaling = dataset.input_scaling
    if test is not None and scaling is not None and not scaling.same_as(test.input_scaling):
        raise _InvalidError("test_dataset is not standardized as the training data is")

    td = _get(doc, "training", dict, "file")
    trainer = Trainer(
        net,
        dataset.X,
        dataset.Y,
        optimizer,
        batch_size=_get(td, "batch_size", int, "training"),
        shuffle=_get(td, "shuffle", bool, "training"),
    )
    raw_order = _get(td, "order", list, "training")
    if not all(isinstance(k, int) and not isinstance(k, bool) for k in raw_order):
        raise _InvalidError("training.order must list sample numbers")
    order = np.array(raw_order, dtype=np.intp)
    if sorted(order.tolist()) != list(range(len(dataset.X))):
        raise _InvalidError("training.order must be a permutation of the samples")
    position = _get(td, "position", int, "training")
    if not 0 <= position <= len(order):
        raise _InvalidError("training.position is outside the data set")
    trainer.order, trainer.position = order, position
    trainer.step = _get(td, "step", int, "training")
    trainer.epoch = _get(td, "epoch", int, "training")
    if trainer.step < 0 or trainer.epoch < 0:
        raise _InvalidError("training.step and training.epoch must not be negative")
    trainer.rng.bit_generator.state = _get(td, "rng_state", dict, "training")

    settings = _get(doc, "settings", dict, "file")
    for key, value in settings.items():
        if value is not None and not isinstance(value, str | int | float | bool):
            raise _InvalidError(f"settings.{key} must be a plain value")
    history = _history_from_dict(doc.get("loss_history", {}))
    lecture = lecture_from_dict(doc.get("lecture"))
    return Session(trainer, dataset, dict(settings), test, history, lecture)


def _history_from_dict(doc: Any) -> dict[str, tuple[list[float], list[float]]]:
    if not isinstance(doc, dict):
        raise _InvalidError("loss_history must be an object")
    history = {}
    for name, series in doc.items():
        where = f"loss_history.{name}"
        if not isinstance(series, dict):
            raise _InvalidError(f"{where} must be an object")
        steps = _get(series, "step", list, where)
        values = _get(series, "value", list, where)
        if len(steps) != len(values):
            raise _InvalidError(f"{where} has {len(steps)} steps but {len(values)} values")
        s_arr = _array(steps, (len(steps),), f"{where}.step")
        v_arr = _array(values, (len(values),), f"{where}.value")
        if np.any(np.diff(s_arr) < 0):
            raise _InvalidError(f"{where}.step must not go back")
        history[str(name)] = (s_arr.tolist(), v_arr.tolist())
    return history


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read a session file; any problem raises one SessionError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SessionError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise SessionError(f"{p}: not a text file (not UTF-8)") from None
    except OSError as exc:
        raise SessionError(f"{p}: cannot read it ({exc.strerror or exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(f"{p}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    try:
        return session_from_dict(doc)
    except SessionError as exc:
        raise SessionError(f"{p}: {exc}") from None


def open_session(preset: str | None = None, session: str | None = None) -> Session:
    """The session to start with; raises BpsimError or ValueError with a
    message fit for the user."""
    if session is not None:
        return load_session(session)
    name = preset or DEFAULT_PRESET
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}")
    return new_session(name)
