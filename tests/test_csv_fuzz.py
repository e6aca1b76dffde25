"""Fuzzing the CSV loader: random CSV text, from plausible to hostile.

Every outcome is one of two: a data set, from which a session is built,
trained, saved and opened again; or one DataError whose message is a short
sentence in the user's words. Nothing else escapes, numpy warns of nothing,
and the file is left as it was.
"""

from __future__ import annotations

import contextlib
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.model.data.csvdata import load_csv
from bpsim.model.errors import DataError, DivergedError
from bpsim.model.sessions.session import session_for_dataset
from tests.fuzzing import COUNTS, check_message, examples, exercise

well_formed = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(repr),
    st.floats(-1e3, 1e3, allow_nan=False).map(lambda x: f"{x:.3f}"),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e308", "-1e308", "1.7976931348623157e308", "1e154", "-3e200", "5e-324"]),
)
numbers = st.one_of(
    well_formed,
    well_formed,
    st.sampled_from(["1e309", "0", "-0", "+.5", "3.", "1E-5", "0x10", "1_000", "1,5"]),
)
labels = st.sampled_from(["cat", "dog", "bird", "yes", "no", "0", "1", "2", "a b", "ünï"])
missing = st.sampled_from(["", "NA", "n/a", "nan", "?", "-", "None", "inf", "NaN"])
hostile = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['"', '""', '"a,b"', "a\nb", "\r", "\x00", "\ufeff", ";", "\t", "x" * 5000]),
)
cells = st.one_of(numbers, numbers, numbers, labels, missing, hostile)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str | int | None]:
    mode = draw(st.sampled_from(["clean", "clean", "noisy", "hostile", "bytes"]))
    if mode == "bytes":
        return draw(st.binary(max_size=200)), None
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    width = draw(st.integers(1, 6))
    n_rows = draw(st.integers(0, 40))
    feature = {"clean": well_formed, "noisy": numbers, "hostile": cells}[mode]
    target_cells = st.one_of(labels, well_formed) if mode == "clean" else cells
    target_pool = draw(st.sampled_from([labels, well_formed, target_cells]))
    rows = []
    if draw(st.booleans()):
        rows.append([draw(st.one_of(st.text(max_size=8), labels)) for _ in range(width)])
    for _ in range(n_rows):
        row = [draw(feature) for _ in range(width - 1)] + [draw(target_pool)]
        if mode != "clean" and draw(st.integers(0, 29)) == 0:
            row = row[: draw(st.integers(0, width))] or [*row, "extra"]
        rows.append(row)
    text = "\n".join(sep.join(row) for row in rows)
    if draw(st.booleans()):
        text += "\r\n" if draw(st.booleans()) else "\n"
    target = None
    if mode != "clean" or draw(st.integers(0, 3)) == 0:
        target = draw(st.one_of(st.none(), st.integers(-width - 1, width), st.text(max_size=5)))
    return text.encode("utf-8", "surrogatepass"), target


@settings(
    max_examples=examples(1500),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(csv_files())
def test_random_csv_files_load_or_give_one_clear_sentence(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[bytes, str | int | None]
) -> None:
    raw, target = case
    folder = tmp_path_factory.mktemp("csv", numbered=True)
    path = folder / "fuzzed.csv"
    path.write_bytes(raw)
    COUNTS["csv files fuzzed"] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            data = load_csv(path, target)
            session = session_for_dataset(data)
        except DataError as exc:
            COUNTS["csv files rejected cleanly"] += 1
            check_message(str(exc))
            assert str(exc).endswith(".")
        except BaseException:
            COUNTS["csv files escaped"] += 1
            raise
        else:
            COUNTS["csv files accepted"] += 1
            with contextlib.suppress(DivergedError):
                session.trainer.train(3)
            exercise(session, folder)
    assert path.read_bytes() == raw
