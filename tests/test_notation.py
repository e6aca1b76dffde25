"""Numbers on screen: significant digits, decimal places, and formula templates
that keep their numbers exactly so they can be written at any precision."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpsim.model.notation import (
    MINUS,
    factor,
    fmt,
    fmt_factor,
    join_sum,
    num,
    numbers_in,
    render,
)


@pytest.mark.parametrize(
    ("x", "digits", "decimals", "text"),
    [
        (0.5932699921071872, 4, False, "0.5933"),
        (0.5932699921071872, 9, False, "0.593269992"),
        (1.10590596705977, 9, False, "1.10590597"),
        (1.10590596705977, 9, True, "1.105905967"),  # as the worked example prints it
        (0.02356002559085, 9, False, "0.0235600256"),
        (0.02356002559085, 9, True, "0.023560026"),
        (0.3589164797178, 9, True, "0.35891648"),  # a trailing zero dropped
        (-0.0380982365, 3, False, f"{MINUS}0.0381"),
        (1.234e-12, 9, True, "1.234e" + MINUS + "12"),  # too small for 9 decimals
        (0.0, 9, True, "0"),
    ],
)
def test_fmt(x: float, digits: int, decimals: bool, text: str) -> None:
    assert fmt(x, digits, decimals=decimals) == text


def test_the_default_is_four_significant_digits() -> None:
    assert fmt(0.08216704056423078) == "0.08217"
    assert fmt_factor(-0.5) == f"({MINUS}0.5)"


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
    st.integers(3, 10),
    st.booleans(),
)
def test_a_template_keeps_its_numbers_exactly(xs: list[float], digits: int, dec: bool) -> None:
    template = " × ".join(factor(x) if k % 2 else num(x) for k, x in enumerate(xs))
    assert numbers_in(template) == xs
    expected = " × ".join(
        fmt_factor(x, digits, decimals=dec) if k % 2 else fmt(x, digits, decimals=dec)
        for k, x in enumerate(xs)
    )
    assert render(template, digits, decimals=dec) == expected


def test_a_negative_term_is_subtracted() -> None:
    template = join_sum([num(0.25), f"{num(-0.5)}·{factor(-2.0)}", num(1.5)])
    assert render(template) == f"0.25 {MINUS} 0.5·({MINUS}2) + 1.5"
    assert numbers_in(template) == [0.25, -0.5, -2.0, 1.5]  # signs kept
    # a negative factor first is no subtraction
    assert render(join_sum([num(1.0), factor(-3.0)])) == f"1 + ({MINUS}3)"
