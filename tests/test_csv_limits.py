"""Issue 12's cases for CSV files: wide files save and open again, huge
magnitudes are standardized right and quietly, and what is not a regular
file of sensible size is refused at once, with a short message."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bpsim.model.data.csvdata import (
    MAX_CSV_BYTES,
    MAX_CSV_COLUMNS,
    MAX_CSV_VALUES,
    load_csv,
    parse_csv,
)
from bpsim.model.errors import DataError
from bpsim.model.reading import MAX_MESSAGE
from bpsim.model.sessions.session import session_for_dataset
from bpsim.model.sessions.session_file import load_session, save_session, session_to_dict
from tests.fuzzing import check_message


def _wide_csv(path: Path, columns: int, rows: int = 12) -> Path:
    rng = np.random.default_rng(1)
    header = ",".join(f"f{j}" for j in range(columns)) + ",label\n"
    lines = [
        ",".join(f"{v:.3f}" for v in rng.normal(size=columns)) + ("," + "ab"[i % 2]) + "\n"
        for i in range(rows)
    ]
    path.write_text(header + "".join(lines))
    return path


# -- 6: whatever is saved opens ----------------------------------------------------


@pytest.mark.parametrize("columns", [5_000, MAX_CSV_COLUMNS - 1])
def test_6_a_session_from_a_wide_csv_saves_and_opens_again(tmp_path: Path, columns: int) -> None:
    session = session_for_dataset(load_csv(_wide_csv(tmp_path / "wide.csv", columns)))
    # frames are built on demand: a wide step keeps the usual batch, and opens
    assert session.trainer.batch_size == min(16, session.dataset.n_samples)
    session.trainer.train(2)
    save_session(tmp_path / "wide.json", session)
    again = load_session(tmp_path / "wide.json")
    assert session_to_dict(again) == session_to_dict(session)


# -- 8: huge magnitudes ------------------------------------------------------------


@pytest.mark.parametrize("magnitude", [1e150, 1e154, 1e200, 1e300, 1e308])
def test_8_huge_features_are_standardized_right_and_quietly(
    tmp_path: Path, magnitude: float
) -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, size=80)
    small = rng.normal(size=80)
    label = np.where(x > 0, "up", "down")
    lines = [f"{a * magnitude:.17g},{b:.6f},{c}\n" for a, b, c in zip(x, small, label, strict=True)]
    path = tmp_path / "huge.csv"
    path.write_text("big,small,label\n" + "".join(lines))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning at all, not even outside bpsim
        data = load_csv(path)
        session = session_for_dataset(data)
        X = session.dataset.X
        np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(X.std(axis=0), 1.0, rtol=1e-12)
        raw = session.dataset.raw_inputs[:, 0]
        assert np.isin(np.round(raw / magnitude, 6), np.round(data.X[:, 0] / magnitude, 6)).all()
        session.trainer.train(400)
        accuracy = session.trainer.evaluate().accuracy
    assert accuracy is not None and accuracy > 0.9  # not chance: the feature was kept


def test_8_the_raw_values_come_back_exactly_enough(tmp_path: Path) -> None:
    path = tmp_path / "edge.csv"
    path.write_text("a,y\n1.7e308,1\n-1.7e308,0\n1e308,1\n-5e307,0\n")
    data = load_csv(path)
    session = session_for_dataset(data)
    raw = session.dataset.raw_inputs
    assert np.isfinite(session.dataset.X).all() and np.isfinite(raw).all()
    np.testing.assert_allclose(np.sort(raw[:, 0]), np.sort(data.X[:, 0]), rtol=1e-12)


# -- 9: messages -------------------------------------------------------------------


def test_9_a_huge_cell_or_header_is_shown_shortened(tmp_path: Path) -> None:
    huge = "x" * 1_000_000
    for text in (f"a,y\n{huge},1\n2,0\n", f"a,y\n1,{huge}\n2,3\n"):
        with pytest.raises(DataError) as info:
            load_csv(_write(tmp_path, text))
        check_message(str(info.value))
    columns = ",".join(f"column_name_{j}" for j in range(300))
    with pytest.raises(DataError, match="has no column") as info:
        parse_csv(columns + "\n" + (",".join("1" * 300) + "\n") * 2, target="missing")
    check_message(str(info.value))
    assert len(str(info.value)) <= MAX_MESSAGE and str(info.value).endswith(".")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


# -- 10: size limits, never blocking ---------------------------------------------------


def _raises_quickly(action: Callable[[], object]) -> BaseException:
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert outcome, "the read blocked or succeeded"
    return outcome[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_10_dev_zero_is_refused_at_once() -> None:
    exc = _raises_quickly(lambda: load_csv("/dev/zero"))
    assert isinstance(exc, DataError) and "not a regular file" in str(exc)
    check_message(str(exc))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_10_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    exc = _raises_quickly(lambda: load_csv(fifo))
    assert isinstance(exc, DataError) and "pipe" in str(exc)


def test_10_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.truncate(MAX_CSV_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(DataError, match="too large to open") as info:
        load_csv(big)
    assert "64 MB" in str(info.value)


def test_10_too_many_columns_or_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=f"at most {MAX_CSV_COLUMNS:,} columns"):
        parse_csv(",".join(["1"] * (MAX_CSV_COLUMNS + 1)) + "\n")
    rows = MAX_CSV_VALUES // 4 + 1
    with pytest.raises(DataError, match="more than 2,000,000 values"):
        parse_csv("a,b,c,y\n" + "1,2,3,0\n" * rows)


def test_8_a_target_too_large_to_learn_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, "x,y\n0,0.5\n1,1.5\n2,2.5\n3,1e308\n")
    with pytest.raises(DataError, match="rescale it") as info:
        session_for_dataset(load_csv(path))
    check_message(str(info.value))


def test_5_a_session_whose_next_step_diverges_is_not_saved(tmp_path: Path) -> None:
    from bpsim.model.errors import SessionError
    from bpsim.model.sessions.session import new_session

    session = new_session("sine")
    session.net.weights[1][...] = 9e5  # within the parameter limit; the loss is not
    with pytest.raises(SessionError, match="next training step diverges"):
        save_session(tmp_path / "s.json", session)
    assert list(tmp_path.iterdir()) == []
