"""The guide's table of the classic worked example, reproduced to 9 digits."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model import FrameKind
from tests.worked_example import LR, T, X, worked_example_network


def close(value: float, expected: str | float) -> bool:
    """True when ``value`` agrees with every decimal the guide gives (nine for
    most entries; a few of the guide's updated weights have eight)."""
    text = expected if isinstance(expected, str) else repr(expected)
    decimals = len(text.split(".")[1])
    return abs(value - float(text)) <= 0.5 * 10**-decimals


@pytest.fixture
def trace():
    return worked_example_network().trace(X[0], T[0], LR)


def by_label(trace, label: str) -> float:
    (frame,) = [f for f in trace.frames if f.label == label]
    return frame.value


GUIDE_TABLE = [
    ("net_h1", "0.3775"),
    ("out_h1", "0.593269992"),
    ("out_h2", "0.596884378"),
    ("net_o1", "1.105905967"),
    ("out_o1", "0.75136507"),
    ("out_o2", "0.772928465"),
    ("E_o1", "0.274811083"),
    ("E_o2", "0.023560026"),
    ("E_total", "0.298371109"),
    ("δ_o1", "0.138498562"),
    ("∂E/∂w5", "0.082167041"),
    ("∂E/∂w1", "0.000438568"),
    ("w5⁺", "0.35891648"),
    ("w6⁺", "0.408666186"),
    ("w7⁺", "0.511301270"),
    ("w8⁺", "0.561370121"),
    ("w1⁺", "0.149780716"),
    ("w2⁺", "0.19956143"),
    ("w3⁺", "0.24975114"),
    ("w4⁺", "0.29950229"),
]


@pytest.mark.parametrize(("label", "expected"), GUIDE_TABLE)
def test_frame_values_match_the_guide(trace, label: str, expected: str) -> None:
    assert close(by_label(trace, label), expected), (label, by_label(trace, label), expected)


def test_hidden_delta_carries_dE_dout_h1(trace) -> None:
    (frame,) = [f for f in trace.frames if f.label == "δ_h1"]
    assert close(dict(frame.inputs)["∂E/∂out_h1"], "0.036350306")


def test_network_api_gives_the_same_numbers() -> None:
    net = worked_example_network()
    out = net.forward(X)
    assert close(out[0, 0], "0.75136507") and close(out[0, 1], "0.772928465")
    assert close(net.loss(X, T), "0.298371109")
    gw, _ = net.gradients(X, T)
    assert close(gw[1][0, 0], "0.082167041")  # w5: h1 -> o1
    assert close(gw[0][0, 0], "0.000438568")  # w1: i1 -> h1
    assert close(net.step(X, T, LR), "0.298371109")
    expected_after = [[[0.149780716, 0.24975114], [0.19956143, 0.29950229]],
                      [[0.35891648, 0.511301270], [0.408666186, 0.561370121]]]  # fmt: skip
    for w, e in zip(net.weights, expected_after, strict=True):
        np.testing.assert_allclose(w, e, atol=1e-9)
    # the worked example keeps its biases
    np.testing.assert_array_equal(net.biases[0], [0.35, 0.35])


def test_formula_card_text(trace) -> None:
    (frame,) = [f for f in trace.frames if f.label == "δ_o1"]
    assert frame.symbolic == "δ_o1 = (out_o1 − t1) × out_o1 × (1 − out_o1)"
    assert frame.substituted == "(0.7514 − 0.01) × 0.7514 × (1 − 0.7514) = 0.1385"
    (net_h1,) = [f for f in trace.frames if f.label == "net_h1"]
    assert net_h1.formula == "net_h1 = w1·i1 + w2·i2 + b_h1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775"


def test_frame_order_is_the_lecture_order(trace) -> None:
    kinds = [f.kind for f in trace.frames]
    assert kinds[0] is FrameKind.INPUT
    assert kinds[1:9] == [FrameKind.NET, FrameKind.OUT] * 4
    assert kinds[9:12] == [FrameKind.LOSS_TERM, FrameKind.LOSS_TERM, FrameKind.LOSS]
    assert kinds[12:14] == [FrameKind.OUTPUT_DELTA] * 2
    labels = [f.label for f in trace.frames[14:]]
    assert labels[:4] == ["∂E/∂w5", "∂E/∂w6", "∂E/∂w7", "∂E/∂w8"]
    assert labels[4:6] == ["δ_h1", "δ_h2"]
    assert labels[6:10] == ["∂E/∂w1", "∂E/∂w2", "∂E/∂w3", "∂E/∂w4"]
    assert labels[10:] == [f"w{k}⁺" for k in range(1, 9)]  # biases fixed: no bias frames
    assert [f.index for f in trace.frames] == list(range(len(trace)))


def shown_result(frame, digits: int, decimals: bool) -> str:
    return frame.substituted_at(digits, decimals=decimals).rpartition(" = ")[2]


@pytest.mark.parametrize(("label", "expected"), GUIDE_TABLE)
def test_nine_decimals_print_the_published_numbers(trace, label: str, expected: str) -> None:
    """At nine decimal places every result reads as the guide prints it (where
    the guide prints eight, the ninth follows)."""
    (frame,) = [f for f in trace.frames if f.label == label]
    shown = shown_result(frame, 9, True)
    decimals = len(expected.split(".")[1])
    if shown != expected.rstrip("0"):  # the guide prints eight: the ninth rounds to them
        assert decimals < 9 and len(shown.split(".")[1]) == 9, (label, shown, expected)
        assert f"{float(shown):.{decimals}f}" == expected, (label, shown, expected)


@pytest.mark.parametrize(
    ("label", "expected"),
    [("out_h1", "0.593269992"), ("E_total", "0.298371109"), ("w5⁺", "0.35891648"),
     ("out_h2", "0.596884378"), ("δ_o1", "0.138498562"), ("w6⁺", "0.408666186")],
)  # fmt: skip
def test_nine_significant_digits(trace, label: str, expected: str) -> None:
    (frame,) = [f for f in trace.frames if f.label == label]
    assert shown_result(frame, 9, False) == expected
    assert shown_result(frame, 4, False) == f"{float(expected):.4g}"


def test_the_chain_rule_factors_to_nine_digits(trace) -> None:
    """The three factors of ∂E/∂w5 as published: 0.74136507, 0.186815602, 0.593269992."""
    (delta,) = [f for f in trace.frames if f.label == "δ_o1"]
    assert delta.substituted_at(9, decimals=True) == (
        "(0.75136507 − 0.01) × 0.75136507 × (1 − 0.75136507) = 0.138498562"
    )
    (grad,) = [f for f in trace.frames if f.label == "∂E/∂w5"]
    assert grad.substituted_at(9, decimals=True) == "0.138498562 × 0.593269992 = 0.082167041"
