"""Session files: a whole teaching session as JSON, saved atomically.

A session file holds the architecture, the parameters, the optimizer and its
state, the position in training (step, epoch, shuffling), the data sets, the
app's settings and the loss curve so far. Floats are written with ``repr``
precision, so a save and a load give back the very same numbers. A file is
validated completely before anything is built from it; whatever is wrong is
reported as one :class:`SessionError` whose message names the problem.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.presets import DEFAULT_PRESET, PRESETS
from bpsim.model.errors import SessionError
from bpsim.model.reading import UnreadableFileError, bounded, read_bounded, shown_path
from bpsim.model.sessions.files import atomic_write, clean_stale_temp_files
from bpsim.model.sessions.lecture import lecture_to_dict
from bpsim.model.sessions.session import Session, new_session
from bpsim.model.sessions.session_checks import settings_problem
from bpsim.model.sessions.session_json import MAX_SESSION_BYTES, JsonLimitError, parse_json
from bpsim.model.sessions.session_reading import (
    FORMAT,
    MAX_FILE_PARAMETERS,
    SCHEMA_VERSION,
    session_from_dict,
    structure_problem,
    trainable_problem,
)

__all__ = [
    "FORMAT",
    "MAX_FILE_PARAMETERS",
    "MAX_SESSION_BYTES",
    "SCHEMA_VERSION",
    "load_session",
    "open_session",
    "save_session",
    "session_from_dict",
    "session_to_dict",
]


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
            "update_order": tr.update_order,
            "step": tr.step,
            "epoch": tr.epoch,
            "position": tr.position,
            "order": tr.order.tolist(),
            "rng_state": tr.rng.bit_generator.state,
        },
        "dataset": dataset_to_dict(ds),
        "test_dataset": None if session.test is None else dataset_to_dict(session.test),
        "settings": dict(session.settings),
        "loss_history": {
            name: {"step": list(steps), "value": list(values)}
            for name, (steps, values) in session.history.items()
        },
        "lecture": None if session.lecture is None else lecture_to_dict(session.lecture),
    }


def dataset_to_dict(ds: Dataset) -> dict[str, Any]:
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


def save_session(path: str | os.PathLike[str], session: Session) -> None:
    """Write ``session`` to ``path`` atomically: the old file, if any, stays
    whole until the new one is complete, and the folder is synced after the
    rename. Temporary files that earlier, interrupted saves left in the
    folder are removed first.

    Only what :func:`load_session` opens is written: the same rules on the
    network's size, the settings, the next step (it must not diverge) and the
    file's size are checked first, and a session that breaks one raises
    SessionError and writes nothing.
    """
    target = Path(path)
    shown = shown_path(target)
    tr = session.trainer
    problem = structure_problem(tr.net.sizes, tr.batch_size, tr.net.train_biases, tr.net.loss_name)
    problem = problem or settings_problem(session.settings) or trainable_problem(tr)
    if problem is not None:
        raise SessionError(bounded(f"cannot save {shown}: {problem}"))
    try:
        text = json.dumps(session_to_dict(session), indent=1, allow_nan=False)
    except (ValueError, TypeError):
        raise SessionError(
            bounded(f"cannot save {shown}: the session holds a value that is not a finite number")
        ) from None
    data = text.encode("utf-8")
    if len(data) > MAX_SESSION_BYTES:
        raise SessionError(
            bounded(
                f"cannot save {shown}: it would take {len(data) / 2**20:.0f} MB; "
                f"bpsim opens session files up to {MAX_SESSION_BYTES >> 20} MB"
            )
        )

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

    try:
        clean_stale_temp_files(target.parent)
        atomic_write(target, write)
    except OSError as exc:
        raise SessionError(bounded(f"cannot write {shown}: {exc.strerror or exc}")) from None


# -- reading --------------------------------------------------------------------


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read a session file; any problem raises one SessionError (and nothing else).

    The file must be a regular file of at most :data:`MAX_SESSION_BYTES`
    (128 MB), checked before a byte is read: a folder, a pipe or a device is
    refused at once, without blocking. Its brackets may nest at most
    :data:`~bpsim.model.sessions.session_json.MAX_DEPTH` deep, checked before
    parsing. The message (at most 200 characters) names the file and the
    field at fault. The session returned is complete and validated; nothing
    that existed before is changed, whether the file opens or not.
    """
    shown = shown_path(path)
    try:
        doc = parse_json(read_bounded(path, MAX_SESSION_BYTES))
        return session_from_dict(doc)
    except UnreadableFileError as exc:
        message = _UNREADABLE.get(exc.kind, "cannot read it") + f" ({exc.detail})"
        if exc.kind == "missing":
            message = "no such file"
    except JsonLimitError as exc:
        message = str(exc)
    except SessionError as exc:
        message = str(exc)
    except MemoryError:
        message = "too large to open with the memory available"
    except Exception:  # a safety net: whatever happens, one message and no traceback
        message = "not a usable bpsim session"
    raise SessionError(bounded(f"{shown}: {message}"))


_UNREADABLE = {
    "folder": "cannot open it",
    "special": "cannot open it",
    "too large": "too large to open",
}


def open_session(preset: str | None = None, session: str | None = None) -> Session:
    """The session to start with; raises BpsimError or ValueError with a
    message fit for the user."""
    if session is not None:
        return load_session(session)
    name = preset or DEFAULT_PRESET
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}")
    return new_session(name)
