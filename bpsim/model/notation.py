"""How units, parameters and numbers are written on screen.

Names follow the classic worked example: inputs ``i1, i2``, hidden units
``h1, h2`` (``h2_1`` once there are several hidden layers), outputs ``o1, o2``;
weights ``w1, w2, …`` numbered layer by layer, target unit by target unit,
source by source (so ``w1`` is i1→h1 and ``w2`` is i2→h1); a unit's bias is
``b_h1``.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def fmt(x: float) -> str:
    """A number as a lecturer writes it: four significant digits, a true minus."""
    if x == 0:
        return "0"
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text.replace("-", MINUS)


def fmt_factor(x: float) -> str:
    """A number inside a product: negative numbers in parentheses."""
    text = fmt(x)
    return f"({text})" if x < 0 else text


def join_sum(terms: Sequence[str]) -> str:
    """Join terms with ``+`` (``−`` before a negative term), eliding the
    middle of a long sum."""
    shown = list(terms)
    if len(terms) > MAX_TERMS:
        shown = [*terms[: MAX_TERMS - 2], "…", terms[-1]]
    text = shown[0]
    for term in shown[1:]:
        text += f" {MINUS} {term[1:]}" if term.startswith(MINUS) else f" + {term}"
    if len(terms) > MAX_TERMS:
        text += f"  ({len(terms)} terms)"
    return text
