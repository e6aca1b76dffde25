"""Checks of a parsed session document, field by field, in the user's words.

Each check names the field (``training.step``, ``network.weights[1]``) and
shows an offending value shortened, never whole. Whatever passes can be
built, trained, stepped back, saved and opened again: numbers are finite and
of sensible size, whole numbers fit the integers they become, and the
position in training is consistent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpsim.model.data.generator import from_settings
from bpsim.model.errors import DataError
from bpsim.model.reading import shorten

MAX_STEP = 10**12  # a trillion updates: years of training at the app's pace
MAX_SEED = 2**31 - 1  # what the network dialog's seed box holds
MAX_SETTING_INT = 2**31 - 1  # settings become Qt values: a C int
_UINT128 = 2**128


class InvalidError(Exception):
    """What is wrong with a session document, in one short phrase."""


def get(doc: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``doc[key]``, which must be of ``kind``; bools are not numbers."""
    if key not in doc:
        raise InvalidError(f"{where} has no {key!r}")
    value = doc[key]
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise InvalidError(f"{where}.{key} must be a number, not {shorten(value)}")
    if not isinstance(value, kind):
        raise InvalidError(f"{where}.{key} has the wrong type ({_kind(value)})")
    return value


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number"}
    return "null" if value is None else names.get(type(value), "a number")


def key_text(key: str, limit: int = 30) -> str:
    """A key of the user's file as a field name shows it, shortened."""
    return key if len(key) <= limit else key[: limit - 1] + "…"


def whole(doc: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
    """``doc[key]``: a whole number from ``low`` to ``high``."""
    if key not in doc:
        raise InvalidError(f"{where} has no {key!r}")
    return whole_value(doc[key], f"{where}.{key}", low, high)


def whole_value(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidError(f"{where} must be a whole number, not {shorten(value)}")
    if not low <= value <= high:
        raise InvalidError(f"{where} is {shorten(value)}; it must lie from {low:,} to {high:,}")
    return value


def finite(value: Any, where: str, low: float = -math.inf, high: float = math.inf) -> float:
    """``value``: a finite number from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidError(f"{where} must be a number, not {shorten(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidError(f"{where} must be a finite number, not {_nonfinite(number)}")
    if not low <= number <= high:
        raise InvalidError(f"{where} is {number:g}; it must lie from {low:g} to {high:g}")
    return number


def _nonfinite(x: float) -> str:
    return "NaN" if math.isnan(x) else "Infinity or a number too large"


def array(value: Any, shape: tuple[int, ...], where: str) -> NDArray[np.float64]:
    """``value`` as an array of finite floats of exactly ``shape``."""
    arr = _numbers(value, where)
    if arr.shape != shape:
        raise InvalidError(f"{where} has shape {arr.shape}, expected {shape}")
    _check_finite(arr, where)
    return arr


def table(value: Any, where: str) -> NDArray[np.float64]:
    """``value`` as a table of finite floats: one row of equal length per sample."""
    arr = _numbers(value, where)
    if arr.ndim != 2 or arr.size == 0:
        raise InvalidError(f"{where} must be a table of numbers, one row per sample")
    _check_finite(arr, where)
    return arr


def _numbers(value: Any, where: str) -> NDArray[np.float64]:
    if not isinstance(value, list):
        raise InvalidError(f"{where} must be a list of numbers, not {_kind(value)}")
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise InvalidError(f"{where} must hold numbers only, in rows of equal length") from None


def _check_finite(arr: NDArray[np.float64], where: str) -> None:
    if not np.isfinite(arr).all():
        raise InvalidError(f"{where} holds NaN, Infinity or a number too large")


def name(value: Any, where: str, choices: Mapping[str, object] | tuple[str, ...]) -> str:
    """``value``: one of the names ``choices`` knows."""
    if not isinstance(value, str) or value not in choices:
        valid = ", ".join(choices)
        raise InvalidError(f"{where} is {shorten(value, 24)}; it must be one of: {valid}")
    return value


def names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidError(f"{where} must be a list of names")
    return tuple(value)


# -- the app's settings --------------------------------------------------------------

# Settings the app writes, and the kind of value each must have.
SETTING_KINDS: dict[str, type] = {
    "granularity": str,
    "edge_mode": str,
    "preset": str,
    "source": str,
    "frame": int,
    "data_set": str,  # the generator settings (bpsim.model.data.generator)
    "data_points": int,
    "data_seed": int,
    "data_features": str,
}


def settings(doc: Any, where: str = "settings") -> dict[str, str | int | float | bool | None]:
    """The app's settings: plain values (text, true/false, null, whole numbers
    that fit a C int, finite numbers), of the kind the app expects for the
    settings it knows."""
    if not isinstance(doc, dict):
        raise InvalidError(f"{where} must be an object")
    out: dict[str, str | int | float | bool | None] = {}
    for key, value in doc.items():
        field = f"{where}.{key_text(key)}"
        kind = SETTING_KINDS.get(key)
        if kind is not None and value is not None and not _is(value, kind):
            wanted = "a name" if kind is str else "a whole number"
            raise InvalidError(f"{field} must be {wanted}, not {shorten(value)}")
        if value is None or isinstance(value, str | bool):
            out[key] = value
        elif isinstance(value, int):
            low = 0 if kind is int else -MAX_SETTING_INT
            out[key] = whole_value(value, field, low, MAX_SETTING_INT)
        elif isinstance(value, float):
            out[key] = finite(value, field)
        else:
            raise InvalidError(f"{field} must be a plain value, not {_kind(value)}")
    try:
        from_settings(out)
    except DataError as exc:
        raise InvalidError(str(exc)) from None
    return out


def _is(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


# -- the position in training ---------------------------------------------------------


def rng_state(value: Any, where: str) -> dict[str, Any]:
    """A PCG64 generator's state, as ``bit_generator.state`` gives it."""
    bad = InvalidError(f"{where} is not the state of bpsim's random generator (PCG64)")
    if not isinstance(value, dict) or value.get("bit_generator") != "PCG64":
        raise bad
    inner = value.get("state")
    if not isinstance(inner, dict) or set(inner) != {"state", "inc"}:
        raise bad
    for number, high in (
        (inner["state"], _UINT128 - 1),
        (inner["inc"], _UINT128 - 1),
        (value.get("has_uint32"), 1),
        (value.get("uinteger"), 2**32 - 1),
    ):
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= high:
            raise bad
    return value


def order(value: Any, n: int, where: str) -> NDArray[np.intp]:
    """A permutation of the ``n`` sample numbers."""
    if not isinstance(value, list) or not all(type(k) is int and 0 <= k < n for k in value):
        raise InvalidError(f"{where} must list sample numbers from 0 to {n - 1:,}")
    out = np.array(value, dtype=np.intp)
    if len(out) != n or (np.bincount(out, minlength=n) != 1).any():
        raise InvalidError(f"{where} must be a permutation of the {n:,} samples")
    return out


def steps_taken(epoch: int, position: int, n: int, batch: int) -> int:
    """The step count a trainer has after ``epoch`` whole passes over ``n``
    samples and ``position`` samples into the next, in batches of ``batch``."""
    per_epoch = -(-n // batch)
    return epoch * per_epoch + -(-position // batch)


def position(td: Mapping[str, Any], n: int, batch: int, where: str) -> tuple[int, int, int]:
    """``(step, epoch, position)``, checked against one another."""
    step = whole(td, "step", where, 0, MAX_STEP)
    epoch = whole(td, "epoch", where, 0, MAX_STEP)
    pos = whole(td, "position", where, 0, n)
    expected = steps_taken(epoch, pos, n, batch)
    if (pos == 0 and (step, epoch) != (0, 0)) or step != expected:
        raise InvalidError(
            f"{where}.step ({step:,}) does not match epoch {epoch:,} and position {pos:,} "
            f"(batches of {batch:,} from {n:,} samples)"
        )
    return step, epoch, pos


def settings_problem(values: Mapping[str, Any]) -> str | None:
    """What :func:`settings` would refuse in ``values``, or None: saving
    checks the settings by the rule opening applies."""
    try:
        settings(dict(values))
    except InvalidError as exc:
        return str(exc)
    return None
