"""How units, parameters and numbers are written on screen.

Names follow the classic worked example: inputs ``i1, i2``, hidden units
``h1, h2`` (``h2_1`` once there are several hidden layers), outputs ``o1, o2``;
weights ``w1, w2, …`` numbered layer by layer, target unit by target unit,
source by source (so ``w1`` is i1→h1 and ``w2`` is i2→h1); a unit's bias is
``b_h1``.

Numbers are written with a number of significant digits (:data:`DEFAULT_DIGITS`
unless asked otherwise). A formula with numbers in it is kept as a *template*:
:func:`num` and :func:`factor` mark each number, exactly, in the text, and
:func:`render` writes the marked numbers at any precision, so a trace built
once can be shown to 4 digits or to 9 without being built again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

MAX_TERMS = 6  # longer sums show their first terms, an ellipsis and the last


def unit_name(sizes: Sequence[int], layer: int, j: int) -> str:
    """Name of unit ``j`` of layer ``layer`` (0 is the input layer)."""
    if layer == 0:
        return f"i{j + 1}"
    if layer == len(sizes) - 1:
        return f"o{j + 1}"
    if len(sizes) == 3:
        return f"h{j + 1}"
    return f"h{layer}_{j + 1}"


def weight_number(sizes: Sequence[int], layer: int, i: int, j: int) -> int:
    """The running number of the weight from unit ``i`` of layer ``layer - 1``
    to unit ``j`` of layer ``layer``."""
    offset = sum(sizes[k] * sizes[k + 1] for k in range(layer - 1))
    return offset + j * sizes[layer - 1] + i + 1


def weight_name(sizes: Sequence[int], layer: int, i: int, j: int) -> str:
    return f"w{weight_number(sizes, layer, i, j)}"


def bias_name(sizes: Sequence[int], layer: int, j: int) -> str:
    return f"b_{unit_name(sizes, layer, j)}"


MINUS = "\u2212"  # the typographic minus sign


DEFAULT_DIGITS = 4  # significant digits of a number on screen
DIGITS_RANGE = (3, 10)  # the digits a user may choose (the worked example is published to 9)


def fmt(x: float, digits: int = DEFAULT_DIGITS, *, decimals: bool = False) -> str:
    """A number as a lecturer writes it: ``digits`` significant digits (four
    unless asked), a true minus. With ``decimals``, ``digits`` decimal places
    instead, as the classic worked example is published (0.593269992,
    1.105905967, 0.000438568), trailing zeros dropped; a number too small or
    too large for that keeps ``digits`` significant digits."""
    if x == 0:
        return "0"
    if decimals and 10.0 ** (2 - digits) <= abs(x) < 1e6:
        text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    else:
        text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text.replace("-", MINUS)


def fmt_factor(x: float, digits: int = DEFAULT_DIGITS, *, decimals: bool = False) -> str:
    """A number inside a product: negative numbers in parentheses."""
    text = fmt(x, digits, decimals=decimals)
    return f"({text})" if x < 0 else text


# A number in a template: a private-use character, the number's exact repr,
# and a closing character that says how it is written: plain, as a factor,
# or without its sign (a negative term after a minus: "0.25 − 0.5").
_OPEN, _PLAIN, _FACTOR, _MAGNITUDE = "\ue000", "\ue001", "\ue002", "\ue003"
_CLOSE = _PLAIN + _FACTOR + _MAGNITUDE
_MARKED = re.compile(f"{_OPEN}([^{_CLOSE}]*)([{_CLOSE}])")


def num(x: float) -> str:
    """``x`` marked in a template, written by :func:`render` as :func:`fmt` does."""
    return f"{_OPEN}{float(x)!r}{_PLAIN}"


def factor(x: float) -> str:
    """``x`` marked in a template, written as :func:`fmt_factor` does."""
    return f"{_OPEN}{float(x)!r}{_FACTOR}"


def render(template: str, digits: int = DEFAULT_DIGITS, *, decimals: bool = False) -> str:
    """A template with each marked number written as :func:`fmt` writes it."""

    def write(match: re.Match[str]) -> str:
        x = float(match.group(1))
        if match.group(2) == _FACTOR:
            return fmt_factor(x, digits, decimals=decimals)
        return fmt(abs(x) if match.group(2) == _MAGNITUDE else x, digits, decimals=decimals)

    return _MARKED.sub(write, template)


def numbers_in(template: str) -> list[float]:
    """The numbers marked in a template, exactly, in order."""
    return [float(m.group(1)) for m in _MARKED.finditer(template)]


def join_sum(terms: Sequence[str]) -> str:
    """Join terms with ``+`` (``−`` before a negative term), eliding the
    middle of a long sum."""
    return join_terms(len(terms), terms.__getitem__)


def join_terms(n: int, term: Callable[[int], str]) -> str:
    """:func:`join_sum` of the ``n`` terms ``term(0), ..., term(n - 1)``,
    writing only the terms it shows (a sum of hundreds of terms costs as
    much as one of six); ``"0"`` for no terms."""
    if n == 0:
        return "0"
    if n > MAX_TERMS:
        shown = [*(term(k) for k in range(MAX_TERMS - 2)), "…", term(n - 1)]
    else:
        shown = [term(k) for k in range(n)]
    text = shown[0]
    for t in shown[1:]:
        negated = _negated(t)
        text += f" + {t}" if negated is None else f" {MINUS} {negated}"
    if n > MAX_TERMS:
        text += f"  ({n} terms)"
    return text


def _negated(term: str) -> str | None:
    """``term`` without its leading minus (a minus sign or a negative marked
    number), or None if it has none."""
    if term.startswith(MINUS):
        return term[1:]
    first = _MARKED.match(term)
    if first is not None and first.group(2) == _PLAIN and first.group(1).startswith("-"):
        return f"{_OPEN}{first.group(1)}{_MAGNITUDE}{term[first.end() :]}"
    return None
