"""Issue 12's cases for session files, one regression test each: what was
measured escaping, or accepted and then unusable, is refused with one
short message naming the field; what is saved opens again."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpsim.model.errors import SessionError
from bpsim.model.reading import MAX_MESSAGE
from bpsim.model.sessions import files
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import (
    MAX_SESSION_BYTES,
    load_session,
    save_session,
    session_to_dict,
)
from bpsim.model.sessions.session_json import MAX_DEPTH
from tests.fuzzing import check_message


@pytest.fixture(scope="module")
def adam_doc() -> dict[str, Any]:
    """A saved iris session trained 3 steps with Adam (so it has m, v and t)."""
    import dataclasses

    from bpsim.model.sessions.setup import rebuild, setup_of

    session = new_session("iris")
    session = rebuild(session, dataclasses.replace(setup_of(session), optimizer="adam"))
    session.trainer.train(3)
    doc: dict[str, Any] = json.loads(json.dumps(session_to_dict(session)))
    return doc


def refused(tmp_path: Path, text: str | bytes, *expected: str) -> str:
    path = tmp_path / "bad.bpsim.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(SessionError) as info:
        load_session(path)
    message = str(info.value)
    check_message(message)
    for part in expected:
        assert part in message, message
    return message


def changed(doc: dict[str, Any], change: Callable[[dict[str, Any]], object]) -> str:
    copy = json.loads(json.dumps(doc))
    change(copy)
    return json.dumps(copy)


# -- 1: what escaped load_session ------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
def test_1_deep_json_is_refused_before_parsing(tmp_path: Path, adam_doc, depth: int) -> None:
    text = json.dumps(adam_doc)
    deep = "[" * depth + "]" * depth
    message = refused(tmp_path, text[:-1] + f', "x": {deep}}}', f"nest {depth + 1:,} deep")
    assert message.endswith(f"at most {MAX_DEPTH}")


def test_1_brackets_inside_text_do_not_count(tmp_path: Path, adam_doc) -> None:
    doc = json.loads(json.dumps(adam_doc))
    doc["dataset"]["description"] = "[" * 5000 + '\\"{'
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(doc))
    assert load_session(path).dataset.description == doc["dataset"]["description"]


@pytest.mark.parametrize("digits", [41, 4_301, 100_000])
@pytest.mark.parametrize(
    "where",
    ["network.weights", "network.l2", "training.step", "training.order", "optimizer.state.t"],
)
def test_1_integers_too_long_are_refused_by_field(
    tmp_path: Path, adam_doc, digits: int, where: str
) -> None:
    marker = "__N__"

    def put(d: dict[str, Any]) -> None:
        if where == "network.weights":
            d["network"]["weights"][0][0][0] = marker
        elif where == "training.order":
            d["training"]["order"][0] = marker
        else:
            section, key = where.rsplit(".", 1)
            target = d
            for part in section.split("."):
                target = target[part]
            target[key] = marker

    text = changed(adam_doc, put).replace(f'"{marker}"', "9" * digits)
    refused(tmp_path, text, where.split(".")[0])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["network"]["weights"][0][0].__setitem__(0, 10**400), "network.weights[0]"),
        (lambda d: d["network"]["biases"][1].__setitem__(0, -(10**309)), "network.biases[1]"),
        (lambda d: d["dataset"]["X"][0].__setitem__(0, 10**309), "dataset.X"),
        (lambda d: d["training"]["order"].__setitem__(0, 2**64), "training.order"),
        (lambda d: d["training"]["order"].__setitem__(0, -(2**63) - 1), "training.order"),
        (lambda d: d["training"]["rng_state"]["state"].update(state=2**129), "rng_state"),
        (lambda d: d["training"]["rng_state"].update(uinteger=2**64), "rng_state"),
        (lambda d: d["training"]["rng_state"].update(has_uint32=-1), "rng_state"),
        (lambda d: d["network"].update(l2=10**309), "network.l2"),
        (lambda d: d["optimizer"]["state"].update(t=2**64), "optimizer.state.t"),
        (lambda d: d["network"].update(weights={"a": 1}), "network.weights"),
        (lambda d: d["network"]["weights"].__setitem__(0, [[1, [2]]]), "network.weights[0]"),
        (lambda d: d["dataset"].update(X=[[1, 2], [3]]), "dataset.X"),
        (lambda d: d["dataset"].update(X="text"), "dataset.X"),
        (lambda d: d.update(settings=[1, 2]), "settings"),
        (lambda d: d["network"].update(activations=[["tanh"], "softmax"]), "activations[0]"),
        (lambda d: d["optimizer"]["settings"].update(rho=0.9), "optimizer.settings.rho"),
        (lambda d: d["optimizer"]["settings"].pop("lr"), "'lr'"),
        (lambda d: d["optimizer"]["state"].update(velocity=[0.0]), "optimizer.state.velocity"),
        (lambda d: d["optimizer"]["state"]["v"].__setitem__(0, -1.0), "must not be negative"),
    ],
)
def test_1_overflows_and_odd_shapes_are_refused_by_field(
    tmp_path: Path, adam_doc, change, field: str
) -> None:
    refused(tmp_path, changed(adam_doc, change), field)


# -- 5: accepted, then unusable --------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
@pytest.mark.parametrize(
    ("section", "key"),
    [("settings", "speed"), ("network", "l1"), ("network", "l2"), ("optimizer.settings", "eps")],
)
def test_5_nan_and_infinity_are_refused_by_field(
    tmp_path: Path, adam_doc, literal: str, section: str, key: str
) -> None:
    def put(d: dict[str, Any]) -> None:
        target = d
        for part in section.split("."):
            target = target[part]
        target[key] = "__VALUE__"

    refused(tmp_path, changed(adam_doc, put).replace('"__VALUE__"', literal), f"{section}.{key}")


def _alternate(layer: list[list[float]], size: float) -> None:
    """Weights of ±``size``: within the parameter limit, their loss is not."""
    for row in layer:
        row[:] = [size * (-1) ** j for j in range(len(row))]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["training"].update(step=10**30), "training.step"),
        (lambda d: d["training"].update(step=d["training"]["step"] + 1), "does not match"),
        (lambda d: d["training"].update(epoch=d["training"]["epoch"] + 1), "does not match"),
        (lambda d: d["network"].update(seed=10**40), "network.seed"),
        (lambda d: d["network"].update(seed=-1), "network.seed"),
        (lambda d: d["optimizer"]["settings"].update(beta1=1.0), "Adam needs"),
        (lambda d: d["optimizer"]["settings"].update(lr=0), "optimizer.settings.lr"),
        (lambda d: d["optimizer"]["settings"].update(lr=1e300), "optimizer.settings.lr"),
        (lambda d: d["network"]["weights"][0][0].__setitem__(0, 1e100), "beyond what training"),
        (lambda d: _alternate(d["network"]["weights"][-1], 9e5), "next training step diverges"),
        (lambda d: d["settings"].update(frame=-5), "settings.frame"),
        (lambda d: d["settings"].update(frame=2**40), "settings.frame"),
        (lambda d: d["settings"].update(edge_mode=3), "settings.edge_mode"),
        (lambda d: d["training"].update(batch_size=0), "training.batch_size"),
    ],
)
def test_5_absurd_values_are_refused_by_field(tmp_path: Path, adam_doc, change, field) -> None:
    refused(tmp_path, changed(adam_doc, change), field)


def test_5_what_opens_trains_steps_back_saves_and_opens_again(tmp_path: Path, adam_doc) -> None:
    from tests.fuzzing import exercise

    path = tmp_path / "good.json"
    path.write_text(json.dumps(adam_doc))
    exercise(load_session(path), tmp_path)


def test_5_a_session_that_cannot_be_opened_is_not_saved(tmp_path: Path) -> None:
    session = new_session("xor")
    target = tmp_path / "s.json"
    for bad in (float("nan"), float("inf"), 10**19, [1, 2]):
        session.settings = {"granularity": "step", "speed": bad}  # type: ignore[dict-item]
        with pytest.raises(SessionError, match=r"settings\.speed") as info:
            save_session(target, session)
        check_message(str(info.value))
        assert not target.exists() and list(tmp_path.iterdir()) == []


# -- 7: opening never stops half-way ---------------------------------------------


@pytest.mark.parametrize("value", [10**19, 2**31, -1, 1.5, ["step"], {"a": 1}])
def test_7_granularity_of_the_wrong_kind_is_refused_before_anything_is_built(
    tmp_path: Path, adam_doc, value: object
) -> None:
    refused(
        tmp_path,
        changed(adam_doc, lambda d: d["settings"].update(granularity=value)),
        "granularity",
    )


def test_7_the_loaded_session_is_whole_and_new(tmp_path: Path, adam_doc) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(adam_doc))
    a, b = load_session(path), load_session(path)
    assert a.trainer is not b.trainer and a.net.params is not b.net.params
    assert session_to_dict(a) == session_to_dict(b) == adam_doc | {"loss_history": {}}


# -- 9: messages -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["loss", "init"])
def test_9_a_huge_value_is_shown_shortened(tmp_path: Path, adam_doc, key: str) -> None:
    huge = "x" * 5_000_000
    message = refused(
        tmp_path, changed(adam_doc, lambda d: d["network"].update({key: huge})), f"network.{key}"
    )
    assert len(message) <= MAX_MESSAGE


def test_9_a_long_path_is_shown_by_its_name(tmp_path: Path) -> None:
    folder = tmp_path / ("d" * 120)
    folder.mkdir()
    path = folder / "missing.json"
    with pytest.raises(SessionError, match="no such file") as info:
        load_session(path)
    assert str(info.value).startswith("missing.json: ")


# -- 10: size limits, never blocking -----------------------------------------------


def _finishes_quickly(action: Callable[[], object]) -> BaseException | None:
    """Run ``action`` in a thread; it must end (here: raise) within 10 s."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            action()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert outcome, "the read blocked"
    return outcome[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_10_dev_zero_is_refused_at_once() -> None:
    exc = _finishes_quickly(lambda: load_session("/dev/zero"))
    assert isinstance(exc, SessionError) and "not a regular file" in str(exc)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_10_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    exc = _finishes_quickly(lambda: load_session(fifo))
    assert isinstance(exc, SessionError) and "pipe" in str(exc)


def test_10_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="folder"):
        load_session(tmp_path)


def test_10_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(MAX_SESSION_BYTES + 1)  # sparse: no disk space used
    started = time.perf_counter()
    with pytest.raises(SessionError, match="too large to open") as info:
        load_session(big)
    assert time.perf_counter() - started < 5
    assert "128 MB" in str(info.value)


# -- 11: temporary files and the folder's sync ----------------------------------------


def test_11_stale_temp_files_of_interrupted_saves_are_removed(tmp_path: Path) -> None:
    old = time.time() - 3600
    stale = [tmp_path / ".s.json.bpsim-abcd1234.tmp", tmp_path / ".s.json.x7_k2m9q.tmp"]
    fresh = tmp_path / ".s.json.bpsim-zzzz9999.tmp"
    others = [tmp_path / "notes.tmp", tmp_path / ".hidden", tmp_path / ".a.bpsim-abc.tmp"]
    for p in [*stale, fresh, *others]:
        p.write_bytes(b"half a session")
    for p in [*stale, *others]:
        os.utime(p, (old, old))
    save_session(tmp_path / "s.json", new_session("xor"))
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and all(p.exists() for p in others)
    assert (tmp_path / "s.json").exists()
    removed = files.clean_stale_temp_files(tmp_path, older_than=-1)  # as at start-up
    assert removed == [fresh]


def test_11_the_folder_is_synced_after_the_rename(tmp_path: Path, monkeypatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    save_session(tmp_path / "s.json", new_session("xor"))
    assert synced == ["file", "folder"]


def test_11_cleaning_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    assert files.clean_stale_temp_files(tmp_path / "nowhere") == []


# -- the command line: one line on stderr, exit status 2 -------------------------------


@pytest.mark.parametrize("command", [["--session"], ["export", "--frames", "0", "--session"]])
def test_the_command_line_gives_one_line_and_status_2(
    tmp_path: Path, adam_doc, command: list[str]
) -> None:
    import subprocess
    import sys

    bad = tmp_path / "deep.json"
    bad.write_text(json.dumps(adam_doc)[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}")
    if command[0] == "export":
        command = [*command[:-1], "--out", str(tmp_path), "--session"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-m", "bpsim", *command, str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "nest 5,001 deep" in out.stderr


# -- the depth scan agrees with the parser ---------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(alphabet='[]{}"\\ab\n', max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_depth_scan_counts_brackets_outside_strings_only(value: object) -> None:
    from bpsim.model.sessions.session_json import nesting_depth

    assert nesting_depth(json.dumps(value).encode()) == _depth(value)
    assert nesting_depth(json.dumps(value, ensure_ascii=False).encode()) == _depth(value)
