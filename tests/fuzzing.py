"""Shared parts of the loaders' fuzz tests: real session files to mutate, the
checks every outcome must pass, and the counts the closing notes quote.

Set ``BPSIM_FUZZ_REPORT=path`` to have the counts (inputs fuzzed, rejected
cleanly, accepted, escapes) appended to ``path`` as JSON lines, and
``BPSIM_FUZZ_SCALE`` to scale the number of examples (the Qt-blocked rerun
of the model's tests in test_layers.py runs a twentieth of them).
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bpsim.model.data.presets import PRESETS
from bpsim.model.errors import DivergedError
from bpsim.model.reading import MAX_MESSAGE
from bpsim.model.sessions.session import Session, new_session, session_for_dataset
from bpsim.model.sessions.session_file import load_session, save_session, session_to_dict

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
COUNTS: Counter[str] = Counter()

# Words of Python or numpy that must never reach a user's message box.
INTERNALS = (
    "Traceback",
    "setting an array element",
    "unsupported operand",
    "object of type",
    "NoneType",
    "numpy",
    "float64",
    "__",
    "Error(",
    "unhashable",
    "object has no attribute",
    "invalid literal",
    "argument",
    "tuple index",
    "list index",
)


def examples(n: int) -> int:
    """``n`` examples, scaled by ``BPSIM_FUZZ_SCALE`` (at least 10)."""
    return max(10, int(n * float(os.environ.get("BPSIM_FUZZ_SCALE") or 1)))


def _report() -> None:
    target = os.environ.get("BPSIM_FUZZ_REPORT")
    if target and COUNTS:
        with open(target, "a", encoding="utf-8") as f:
            f.write(json.dumps(dict(COUNTS)) + "\n")


atexit.register(_report)


def check_message(message: str) -> None:
    """One line, bounded, in the user's words."""
    assert len(message) <= MAX_MESSAGE, message[:300]
    assert "\n" not in message
    for word in INTERNALS:
        assert word not in message, message


@cache
def base_sessions() -> tuple[tuple[str, str], ...]:
    """(name, text) of 16 real session files: every preset fresh, some
    trained with each optimizer, one from a CSV file (with its scaling)."""
    from bpsim.model.data.csvdata import load_csv
    from bpsim.model.engine.optimizers import make_optimizer
    from bpsim.model.sessions.setup import rebuild, setup_of

    sessions: dict[str, Session] = {name: new_session(name) for name in PRESETS}
    for name, optimizer in (("xor", "adam"), ("circle", "momentum"), ("iris", "adam")):
        s = new_session(name)
        s = rebuild(s, dataclasses.replace(setup_of(s), optimizer=optimizer))
        s.trainer.train(3)
        sessions[f"{name}-{optimizer}"] = s
    trained = new_session("sine")
    trained.trainer.train(7)
    trained.history = {"train": ([0.0, 3.0, 6.0], [0.5, 0.4, 0.3])}
    sessions["sine-trained"] = trained
    exam = session_for_dataset(load_csv(RESOURCES / "samples" / "exam_results.csv"))
    exam.trainer.train(2)
    sessions["exam"] = exam
    mazur = new_session("mazur")
    mazur.trainer.optimizer = make_optimizer("sgd", lr=0.5)
    mazur.trainer.train(1)
    sessions["mazur-stepped"] = mazur
    out = []
    for name, session in sessions.items():
        out.append((name, json.dumps(session_to_dict(session), indent=1)))
    return tuple(out)


def exercise(session: Session, tmp: Path) -> None:
    """What an accepted file must allow: train, trace, step back, save, reopen."""
    trainer = session.trainer
    before = trainer.snapshot()
    try:
        trainer.train(2)
        trainer.trace_step()
    except DivergedError:
        pass
    trainer.restore(before)  # stepping back
    np.testing.assert_array_equal(trainer.net.params, before.params)
    path = tmp / "again.json"
    save_session(path, session)
    again = load_session(path)
    assert session_to_dict(again) == session_to_dict(session)


def snapshot_of(session: Session) -> Any:
    return json.dumps(session_to_dict(session))
