"""The data's own units and names beside the numbers the network sees.

Pure Python and numpy, no Qt. A standardized data set keeps how its raw
inputs became the network's (``Dataset.input_scaling``); this module turns
that into what the screen shows:

- :func:`axis_maps`: for the data panel, per axis its title and the affine
  map from the plotted (network) coordinate to the raw value its tick shows;
- :func:`scaling_note`: the line that says the network sees standardized
  values, and how: ``hours_slept: (x − 7.1) / 1.2``;
- :func:`sample_tooltip`: a sample's raw values by column name, its class
  (or raw target) and the standardized values the network sees;
- :func:`view_unit_names`: the names the network view writes beside its
  input units (columns) and output units (``p(pass)``);
- :func:`value_notes`: for the formula card, what each value a frame reads
  is in the user's terms (``i1 = −0.5679`` is ``hours_studied 3.1``; ``t1 = 0``
  is ``fail``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from bpsim.model.data.dataset import Dataset
from bpsim.model.notation import MINUS, fmt, unit_name
from bpsim.viewmodel import boundary as bd

Number = Callable[[float], str]


feature_title = bd.feature_title


def target_title(data: Dataset) -> str:
    """The target's name: its column's, else ``y`` (``class`` for classes)."""
    return data.target_name or ("class" if data.task == "classification" else "y")


# -- the data panel's axes ---------------------------------------------------------


@dataclass(frozen=True)
class AxisMap:
    """One axis of the data panel: it is drawn in the network's coordinate
    ``v`` and labels its ticks with ``raw = offset + v · factor``."""

    title: str
    offset: float = 0.0
    factor: float = 1.0

    @property
    def is_identity(self) -> bool:
        return self.offset == 0.0 and self.factor == 1.0

    def to_raw(self, v: ArrayLike) -> np.ndarray:
        return np.asarray(v, dtype=np.float64) * self.factor + self.offset

    def to_plot(self, raw: ArrayLike) -> np.ndarray:
        return (np.asarray(raw, dtype=np.float64) - self.offset) / self.factor


def _feature_axis(data: Dataset, j: int) -> AxisMap:
    s = data.input_scaling
    if s is None:
        return AxisMap(feature_title(data, j))
    return AxisMap(feature_title(data, j), float(s.mean[j]), float(s.scale[j]))


def axis_maps(data: Dataset) -> tuple[AxisMap, AxisMap]:
    """The (bottom, left) axes that go with :func:`boundary.sample_coordinates`:
    features in raw units; targets are never scaled."""
    if data.n_features >= 2:
        return _feature_axis(data, 0), _feature_axis(data, 1)
    return _feature_axis(data, 0), AxisMap(bd.axis_labels(data)[1])


def scaling_formula(
    data: Dataset, j: int, number: Number = fmt, variable: str | None = None
) -> str:
    """What the network sees of feature ``j``: ``(hours_slept − 7.1) / 1.2``
    (``variable`` replaces the feature's name), or the name alone."""
    x = data.feature_names[j] if variable is None else variable
    s = data.input_scaling
    if s is None:
        return x
    mean, scale = float(s.mean[j]), float(s.scale[j])
    if mean == 0:
        shifted = x
    elif mean > 0:
        shifted = f"{x} {MINUS} {number(mean)}"
    else:
        shifted = f"{x} + {number(-mean)}"
    if scale == 1.0:
        return shifted
    return f"{x} / {number(scale)}" if mean == 0 else f"({shifted}) / {number(scale)}"


def scaling_note(data: Dataset, number: Number = fmt, limit: int = 2) -> str:
    """One line saying the network sees standardized inputs and how ('' when
    it sees the raw values); the first ``limit`` features are spelt out."""
    if data.input_scaling is None:
        return ""
    shown = min(limit, data.n_features)
    parts = [scaling_formula(data, j, number) for j in range(shown)]
    text = "the network sees standardized values: " + ",  ".join(parts)
    if data.n_features > shown:
        text += f" and {data.n_features - shown} more"
    return text


# -- one sample ----------------------------------------------------------------------


def target_text(data: Dataset, y: ArrayLike, number: Number = fmt) -> str:
    """A target row in the user's terms: the class name, or the raw value(s)."""
    row = np.asarray(y, dtype=np.float64).reshape(-1)
    if data.task == "classification":
        assert data.class_names is not None
        k = int(row[0]) if len(row) == 1 else int(np.argmax(row))
        return data.class_names[k]
    return ", ".join(number(float(v)) for v in row)


def sample_tooltip(data: Dataset, index: int, number: Number = fmt) -> str:
    """Plain text for hovering over sample ``index``: raw values by column
    name, its class or target, and the values the network sees."""
    if not 0 <= index < data.n_samples:
        raise IndexError(f"no sample {index} in {data.name!r}")
    raw = data.to_raw(data.X[index])
    lines = []
    for j in range(data.n_features):
        unit = f" {data.feature_units[j]}" if data.feature_units[j] else ""
        lines.append(f"{data.feature_names[j]} = {number(float(raw[j]))}{unit}")
    lines.append(f"{target_title(data)}: {target_text(data, data.Y[index], number)}")
    if data.input_scaling is not None:
        seen = ", ".join(number(float(v)) for v in data.X[index])
        lines.append(f"the network sees ({seen}) (standardized)")
    return "\n".join(lines)


# -- the units of the network ----------------------------------------------------------


@dataclass(frozen=True)
class OutputLabel:
    """Output unit ``unit`` (``o1``): the ``name`` of what it stands for (a
    class name, or the target's name) and ``meaning`` (``p(pass)``, or the
    target's name for regression)."""

    unit: str
    name: str
    meaning: str


def output_labels(data: Dataset) -> tuple[OutputLabel, ...]:
    """Per output unit, the class it scores (or the target it predicts)."""
    sizes = (data.n_features, data.n_outputs)
    if data.task == "classification":
        assert data.class_names is not None
        if data.n_outputs == 1:
            name = data.class_names[1]
            return (OutputLabel(unit_name(sizes, 1, 0), name, f"p({name})"),)
        return tuple(
            OutputLabel(unit_name(sizes, 1, k), c, f"p({c})")
            for k, c in enumerate(data.class_names)
        )
    base = target_title(data)
    names = [base] if data.n_outputs == 1 else [f"{base}{k + 1}" for k in range(data.n_outputs)]
    return tuple(OutputLabel(unit_name(sizes, 1, k), n, n) for k, n in enumerate(names))


def value_notes(
    data: Dataset, values: Sequence[tuple[str, float]], number: Number = fmt
) -> dict[str, str]:
    """What the named values a frame reads (``i1``, ``t1``, …) are in the
    user's terms, where that says more than the name: an input's column and
    raw value (``hours_studied 3.1``), a target's class (``fail``)."""
    sizes = (data.n_features, data.n_outputs)
    inputs = {unit_name(sizes, 0, j): j for j in range(data.n_features)}
    targets = {f"t{k + 1}": k for k in range(data.n_outputs)}
    s = data.input_scaling
    notes = {}
    for name, value in values:
        if name in inputs:
            j = inputs[name]
            column = data.feature_names[j]
            if s is not None:
                raw = float(s.mean[j]) + value * float(s.scale[j])
                units = f" {data.feature_units[j]}" if data.feature_units[j] else ""
                notes[name] = f"{column} {number(raw)}{units}"
            elif column not in (name, f"x{j + 1}"):
                notes[name] = column
        elif name in targets and data.task == "classification":
            assert data.class_names is not None
            k = targets[name]
            if data.n_outputs == 1:
                notes[name] = data.class_names[int(value >= 0.5)]
            else:
                notes[name] = data.class_names[k] if value >= 0.5 else f"not {data.class_names[k]}"
    return notes


def view_unit_names(data: Dataset) -> tuple[list[str], list[str]]:
    """The names the network view writes beside its input and output units:
    the columns' (when they are more than ``x1``, ``x2``…) and what each
    output stands for (``p(pass)``; a regression target's column name)."""
    named = any(name not in (f"x{j + 1}", f"i{j + 1}") for j, name in enumerate(data.feature_names))
    inputs = list(data.feature_names) if named else []
    if data.task == "classification" or data.target_name:
        outputs = [label.meaning for label in output_labels(data)]
    else:
        outputs = []
    return inputs, outputs
