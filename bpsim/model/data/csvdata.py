"""Read a user's CSV file into a :class:`~bpsim.model.data.datasets.Dataset`.

The rules, in the order they apply:

- The file must be UTF-8 text (a byte-order mark is allowed). Values are
  separated by commas; a file whose first line has more semicolons or tabs
  than commas is read with that separator instead. Blank lines are skipped.
- The first row is a header when none of its cells is a number; otherwise
  the columns are called ``column_1``, ``column_2``, ….
- The target is the last column unless ``target`` names a column (by header
  name, or by 0-based index; negative indices count from the end).
- Every other column is a feature and must hold numbers.
- A text target, or a numeric target holding at most
  :data:`MAX_INTEGER_CLASSES` distinct whole numbers, makes a classification
  data set (classes in sorted order; two classes give one 0/1 column, more
  give one-hot columns). Any other numeric target makes a regression data set.

Limits, checked before parsing where they can be: the file must be a regular
file (a folder, a pipe or a device such as ``/dev/zero`` is refused at once,
without blocking) of at most :data:`MAX_CSV_BYTES` (64 MB), with at most
:data:`MAX_CSV_COLUMNS` columns (10,000) and :data:`MAX_CSV_VALUES` values
(2 million). A session built from any file within them can be saved and
opened again.

Every problem raises :class:`~bpsim.model.errors.DataError` with one sentence
that names the file and, where it helps, the row (as numbered in a text
editor) and the column; a value from the file is shown shortened, and the
whole sentence stays within 200 characters.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bpsim.model.data.dataset import Dataset, Task
from bpsim.model.errors import DataError
from bpsim.model.reading import MAX_MESSAGE, UnreadableFileError, read_bounded, shorten

MAX_INTEGER_CLASSES = 10  # a numeric target with more distinct values is regression
MAX_CLASSES = 50  # more distinct text labels than this is almost surely a mistake
MAX_CSV_BYTES = 64 << 20  # 64 MB
MAX_CSV_COLUMNS = 10_000  # a one-sample step of the widest has ~160,000 frames
MAX_CSV_VALUES = 2_000_000  # rows times columns
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-"})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

Row = tuple[int, list[str]]  # (line number in the file, stripped cells)


def is_number(cell: str) -> bool:
    """True for a plain decimal number such as ``-1``, ``2.5`` or ``3e-4``."""
    return _NUMBER.fullmatch(cell) is not None


def load_csv(path: str | os.PathLike[str], target: str | int | None = None) -> Dataset:
    """Read a CSV file into a data set; see the module's description for the rules."""
    file = Path(path)
    shown = shorten(file.name or str(file), 60).strip("'")
    try:
        raw = read_bounded(file, MAX_CSV_BYTES)
    except UnreadableFileError as exc:
        raise DataError(_unreadable(shown, exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{shown} is not UTF-8 text (invalid byte at line {line}); save it as UTF-8 CSV."
        ) from None
    return parse_csv(text, target, source=shown, name=file.stem)


def _unreadable(shown: str, exc: UnreadableFileError) -> str:
    if exc.kind == "missing":
        return f"The file {shown} does not exist."
    if exc.kind == "folder":
        return f"{shown} is a folder, not a CSV file."
    if exc.kind == "special":
        return f"{shown} cannot be opened: {exc.detail}."
    if exc.kind == "too large":
        return f"{shown} is too large to open: {exc.detail}."
    return f"The file {shown} cannot be read: {exc.detail}."


def _bounded(message: str) -> str:
    """A sentence cut to :data:`MAX_MESSAGE` characters, still ending in a full stop."""
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 2] + "…."


def parse_csv(
    text: str, target: str | int | None = None, *, source: str = "the CSV text", name: str = "csv"
) -> Dataset:
    """Read CSV text into a data set; ``source`` names the text in messages."""
    try:
        return _parse_csv(text, target, source, name)
    except DataError as exc:
        raise DataError(_bounded(str(exc))) from None


def _parse_csv(text: str, target: str | int | None, source: str, name: str) -> Dataset:
    rows = _read_rows(text, source)
    if not rows:
        raise DataError(f"{source} is empty.")
    header_line, first = rows[0]
    has_header = not any(is_number(cell) for cell in first)
    width = len(first)
    if has_header:
        columns = [cell or f"column_{i + 1}" for i, cell in enumerate(first)]
        rows = rows[1:]
        if not rows:
            raise DataError(f"{source} has a header row but no data rows.")
    else:
        columns = [f"column_{i + 1}" for i in range(width)]
    for line, cells in rows:
        if len(cells) != width:
            first_what = "the header" if has_header else f"row {header_line}"
            raise DataError(
                f"Row {line} of {source} has {len(cells)} values, but {first_what} has {width}."
            )
    if width < 2:
        raise DataError(
            f"{source} has a single column; it needs at least one feature column "
            "and a target column."
        )
    if len(rows) < 2:
        raise DataError(f"{source} has only one data row; at least 2 samples are needed.")
    t = _target_index(target, columns, source)
    features = [j for j in range(width) if j != t]
    X = np.empty((len(rows), len(features)))
    for i, (line, cells) in enumerate(rows):
        for k, j in enumerate(features):
            X[i, k] = _number(cells[j], source, line, columns[j], j)
    labels = [(line, cells[t]) for line, cells in rows]
    task, Y, class_names = _target(labels, source, columns[t], t)
    kind = f"{len(class_names)} classes" if class_names is not None else "regression"
    n_features = f"{len(features)} feature{'s' if len(features) > 1 else ''}"
    description = (
        f"From {source}: {len(rows)} samples, {n_features}, target {columns[t]!r} ({kind})."
    )
    return Dataset(
        name,
        X,
        Y,
        task,
        tuple(columns[j] for j in features),
        class_names,
        description,
        target_name=columns[t],
    )


def _read_rows(text: str, source: str) -> list[Row]:
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    values = 0
    try:
        for cells in reader:
            if len(cells) > MAX_CSV_COLUMNS:
                raise DataError(
                    f"Row {reader.line_num:,} of {source} has {len(cells):,} values; "
                    f"bpsim reads at most {MAX_CSV_COLUMNS:,} columns."
                )
            values += len(cells)
            if values > MAX_CSV_VALUES:
                raise DataError(
                    f"{source} holds more than {MAX_CSV_VALUES:,} values "
                    f"(rows times columns), more than bpsim reads."
                )
            stripped = [c.strip() for c in cells]
            if any(stripped):
                rows.append((reader.line_num, stripped))
    except csv.Error as exc:
        reason = shorten(str(exc), 60).strip("'")
        raise DataError(
            f"Row {reader.line_num:,} of {source} is not valid CSV ({reason})."
        ) from None
    return rows


def _column(name: str, j: int) -> str:
    return f"column {shorten(name, 30)}" if name != f"column_{j + 1}" else f"column {j + 1}"


def _missing(source: str, line: int, name: str, j: int) -> DataError:
    return DataError(f"Row {line} of {source} has no value in {_column(name, j)}.")


def _number(cell: str, source: str, line: int, name: str, j: int) -> float:
    if cell.lower() in MISSING:
        raise _missing(source, line, name, j)
    if not is_number(cell):
        raise DataError(
            f"Row {line} of {source}: {_column(name, j)} holds {shorten(cell, 30)}, "
            "which is not a number (feature columns must be numeric)."
        )
    value = float(cell)
    if not np.isfinite(value):
        raise DataError(
            f"Row {line} of {source}: {_column(name, j)} holds {shorten(cell, 30)}, too large."
        )
    return value


def _target_index(target: str | int | None, columns: list[str], source: str) -> int:
    width = len(columns)
    if target is None:
        return width - 1
    if isinstance(target, str):
        if target in columns:
            return columns.index(target)
        lowered = [c.lower() for c in columns]
        if target.strip().lower() in lowered:
            return lowered.index(target.strip().lower())
        listed = shorten(", ".join(columns), 80).strip("'")
        raise DataError(f"{source} has no column {shorten(target, 30)}; its columns are: {listed}.")
    if -width <= target < width:
        return target % width
    raise DataError(
        f"{source} has {width} columns, so there is no target column number {target} "
        f"(use 0 to {width - 1}, or -1 for the last)."
    )


def _target(
    labels: list[tuple[int, str]], source: str, name: str, j: int
) -> tuple[Task, NDArray[np.float64], tuple[str, ...] | None]:
    for line, cell in labels:
        if cell.lower() in MISSING:
            raise _missing(source, line, name, j)
    numeric = [is_number(cell) for _, cell in labels]
    if all(numeric):
        values = np.array([_number(cell, source, line, name, j) for line, cell in labels])
        distinct = np.unique(values)
        if len(distinct) < 2:
            raise DataError(
                f"In {source}, the target {_column(name, j)} has the same value in every row."
            )
        if len(distinct) <= MAX_INTEGER_CLASSES and (distinct == np.round(distinct)).all():
            names = [f"{v:g}" for v in distinct]
            return _classes(np.searchsorted(distinct, values), names)
        return "regression", values[:, None], None
    if sum(numeric) > len(numeric) / 2:
        line, cell = next(lc for lc, ok in zip(labels, numeric, strict=True) if not ok)
        raise DataError(
            f"Row {line} of {source}: the target {_column(name, j)} holds {shorten(cell, 30)}, "
            "which is not a number, though most of its values are."
        )
    names = sorted({cell for _, cell in labels})
    if len(names) < 2:
        raise DataError(
            f"In {source}, the target {_column(name, j)} has the same value in every row."
        )
    if len(names) > MAX_CLASSES:
        raise DataError(
            f"In {source}, the target {_column(name, j)} has {len(names)} different labels; "
            f"at most {MAX_CLASSES} classes are supported."
        )
    index = {label: k for k, label in enumerate(names)}
    return _classes(np.array([index[cell] for _, cell in labels]), names)


def _classes(
    indices: NDArray[np.intp], names: list[str]
) -> tuple[Task, NDArray[np.float64], tuple[str, ...] | None]:
    if len(names) == 2:
        Y = indices[:, None].astype(np.float64)
    else:
        Y = np.zeros((len(indices), len(names)))
        Y[np.arange(len(indices)), indices] = 1.0
    return "classification", Y, tuple(names)
