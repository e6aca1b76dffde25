"""Fuzzing the session loader: thousands of mutated real session files.

Every outcome is one of two: the file opens, and the session can then be
trained, stepped back, saved and opened again; or it is refused with one
SessionError whose message is short, on one line and in the user's words.
Nothing else escapes, and a session open before is left exactly as it was.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.model.errors import SessionError
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import load_session
from tests.fuzzing import COUNTS, base_sessions, check_message, examples, exercise, snapshot_of

HUGE = "__HUGE_NUMBER__"


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``doc`` (long lists: their first, second and last items)."""
    out = [prefix]
    if len(prefix) > 8:
        return out
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        picks = range(len(doc)) if len(doc) <= 4 else (0, 1, len(doc) - 1)
        for i in picks:
            out += _paths(doc[i], (*prefix, i))
    return out


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


nasty_values = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([10**19, 2**64, -(2**63) - 1, 10**30, 10**40, 10**308, 0, -1, 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324]),
    st.just(HUGE),
    st.text(max_size=30),
    st.sampled_from(["", "x" * 5000, "adam", "relu", "softmax", "PCG64", "step"]),
    st.none(),
    st.booleans(),
    st.lists(st.integers(-3, 3), max_size=5),
    st.lists(st.lists(st.floats(-2, 2), max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.integers(1, 200).map(_nested),
)


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same kind as ``value``."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.one_of(st.integers(0, 5), st.integers(-(2**64), 2**64), st.just(value + 1))
    if isinstance(value, float):
        return st.one_of(st.floats(-3, 3), st.floats(0, 1e-3), st.just(value * 1.5))
    if isinstance(value, str):
        return st.sampled_from(["step", "frame", "weights", "gradients", "tanh", "adam", "x"])
    if isinstance(value, list):
        return st.just(value[::-1])
    return st.just(value)


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


def _delete(doc: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return {}
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return doc


def _text(doc: Any, huge_digits: int) -> str:
    text = json.dumps(doc, indent=1)
    return text.replace(f'"{HUGE}"', "9" * huge_digits)


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    _name, text = draw(st.sampled_from(base_sessions()))
    doc = json.loads(text)
    for _ in range(draw(st.integers(1, 3))):
        places = _paths(doc)
        path = draw(st.sampled_from(places))
        kind = draw(st.sampled_from(["gentle", "gentle", "set", "set", "delete", "wrap"]))
        if kind == "gentle":  # a value of the same kind: often still a usable file
            doc = _set(doc, path, draw(_like(_get(doc, path))))
        elif kind == "delete" and path:
            doc = _delete(doc, path)
        elif kind == "wrap":
            doc = _set(doc, path, [_get(doc, path)])
        else:
            doc = _set(doc, path, draw(nasty_values))
    out = _text(doc, draw(st.sampled_from([41, 400, 4301, 50_000])))
    edit = draw(st.sampled_from(["none", "none", "truncate", "bytes", "literal", "deep"]))
    if edit == "truncate":
        out = out[: draw(st.integers(0, len(out)))]
    elif edit == "bytes":
        at = draw(st.integers(0, len(out)))
        return out[:at].encode() + draw(st.binary(max_size=8)) + out[at:].encode()
    elif edit == "literal":
        at = draw(st.integers(0, len(out)))
        word = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "[", "{", '"', "\\"]))
        out = out[:at] + word + out[at:]
    elif edit == "deep":
        depth = draw(st.integers(50, 100_000))
        at = out.find("[")
        out = out[:at] + "[" * depth + "]" * depth + ", " + out[at:] if at >= 0 else out
    return out.encode("utf-8", "surrogatepass")


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


@pytest.fixture(scope="module")
def current():
    """The session open in the app while a file is being opened."""
    session = new_session("xor")
    session.trainer.train(3)
    return session


@settings(
    max_examples=examples(2500),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutated_files())
def test_mutated_session_files_open_whole_or_give_one_clear_message(
    tmp_path_factory: pytest.TempPathFactory, current, raw: bytes
) -> None:
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    path = folder / "mutated.bpsim.json"
    path.write_bytes(raw)
    before = snapshot_of(current)
    COUNTS["session files fuzzed"] += 1
    try:
        session = load_session(path)
    except SessionError as exc:
        COUNTS["session files rejected cleanly"] += 1
        check_message(str(exc))
        assert str(exc).startswith(str(path)[:40])
    except BaseException:
        COUNTS["session files escaped"] += 1
        raise
    else:
        COUNTS["session files accepted"] += 1
        exercise(session, folder)
    assert snapshot_of(current) == before
    assert path.read_bytes() == raw
