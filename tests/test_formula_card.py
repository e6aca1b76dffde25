"""The formula card: what it says for the frames of a trace."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QKeyEvent,
    QPalette,
    QTextDocument,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from bpsim.model import Network
from bpsim.model.engine.optimizers import make_optimizer
from bpsim.model.notation import fmt
from bpsim.model.trace.frames import Frame, FrameKind, Phase, Trace
from bpsim.ui.colors import DARK, LIGHT, PHASE_COLORS, PHASE_COLORS_DARK, phase_color
from bpsim.ui.panels.formula_card import IDLE_TEXT, FormulaCard
from bpsim.ui.panels.rich_text import formula_html
from tests.worked_example import LR, T, X, worked_example_network

SHOTS = Path("/tmp/cards")
OUR_TAGS = re.compile(r"</?(?:sub|sup|b)>|<span style=\"[^\"<>]*\">|</span>")


@pytest.fixture(scope="module")
def trace() -> Trace:
    return worked_example_network().trace(X[0], T[0], LR)


@pytest.fixture
def card(qtbot):  # type: ignore[no-untyped-def]
    widget = FormulaCard()
    qtbot.addWidget(widget)
    widget.resize(600, 250)
    return widget


def by_label(trace: Trace, label: str) -> Frame:
    return next(f for f in trace.frames if f.label == label)


def plain(rich: str) -> str:
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def test_forward_frame(card: FormulaCard, trace: Trace) -> None:
    card.set_frame(by_label(trace, "net_h1"), step=3, total_frames=len(trace))
    assert card.symbolic.text().startswith("net<sub>h1</sub> = w<sub>1</sub>·i<sub>1</sub>")
    assert plain(card.symbolic.text()) == "neth1 = w1·i1 + w2·i2 + bh1"
    assert plain(card.substituted.text()).startswith("= 0.15·0.05")
    assert "<b>0.3775</b>" in card.substituted.text()
    title = plain(card.title.text())
    assert title.startswith("Forward pass") and "layer 1" in title and "weighted sum" in title
    assert " ".join(plain(card.position.text()).split()) == "step 3 · frame 2 / 32"
    assert "w<sub>1</sub>" in card.inputs.text() and "0.15" in card.inputs.text()
    assert "0.3775" in card.substituted.toolTip()


def test_output_delta(card: FormulaCard, trace: Trace) -> None:
    frame = by_label(trace, "δ_o1")
    card.set_frame(frame)
    assert "δ<sub>o1</sub>" in card.symbolic.text()
    assert "0.1385" in card.substituted.text()
    assert plain(card.title.text()).startswith("Backward pass")
    # full precision on hover
    assert repr(frame.inputs[0][1]) in card.inputs.toolTip()
    assert card.frame() is frame


def test_gradient_and_update(card: FormulaCard, trace: Trace) -> None:
    card.set_frame(by_label(trace, "∂E/∂w5"))
    assert card.symbolic.text().startswith("∂E/∂w<sub>5</sub> = δ<sub>o1</sub>")
    assert "<b>0.08217</b>" in card.substituted.text()
    card.set_frame(by_label(trace, "w5⁺"))
    assert plain(card.title.text()).startswith("Update")
    assert "<b>0.3589</b>" in card.substituted.text()
    assert card.formula_text() == "w5⁺ = w5 − η × ∂E/∂w5\n  = 0.4 − 0.5 × 0.08217 = 0.3589"


def rows_height(card: FormulaCard) -> int:
    """The height of the card's rows as laid out, margins included; and no
    row is shorter than its text (nothing clipped)."""
    m = card._layout.contentsMargins()
    for label in (card.title, card.symbolic, card.substituted, card.inputs):
        if label.text():
            assert label.heightForWidth(label.width()) <= label.height(), label.text()
    return card.inputs.geometry().bottom() + 1 + m.bottom()


def one_line(label) -> bool:  # type: ignore[no-untyped-def]
    return label.height() <= QFontMetricsF(label.font()).lineSpacing() * 1.2


def test_the_card_is_as_tall_as_its_content(card: FormulaCard, trace: Trace) -> None:
    card.show()
    heights = set()
    for frame in trace.frames:
        card.set_frame(frame, step=1, total_frames=len(trace))
        QApplication.processEvents()
        heights.add(card.heightForWidth(600))
        assert card.symbolic.text() and card.substituted.text()
        # every row of the worked example fits one line at 600 px: no empty lines
        assert all(one_line(label) for label in (card.symbolic, card.substituted, card.inputs))
        reset = FormulaCard()  # a card that has shown only this frame
        reset.resize(600, 250)
        reset.show()
        reset.set_frame(frame, step=1, total_frames=len(trace))
        reset.reset_height()  # not the idle text's height
        QApplication.processEvents()
        assert reset.heightForWidth(600) == rows_height(reset) <= card.heightForWidth(600)
        reset.close()
    assert len(heights) == 1
    assert card.sizeHint().height() == heights.pop()


def test_a_formula_too_long_for_a_line_wraps_before_an_operator(
    card: FormulaCard, trace: Trace
) -> None:
    card.set_font_scale(2.0)
    card.resize(1400, 300)
    card.show()
    frame = by_label(trace, "δ_h1")
    card.set_frame(frame)
    QApplication.processEvents()
    wide = card.heightForWidth(1400)
    assert one_line(card.substituted)
    card.resize(420, 800)
    card.reset_height()
    QApplication.processEvents()
    assert card.heightForWidth(420) > wide
    assert not one_line(card.substituted)
    text = card.substituted.text()
    # no break between an operator and its operand, nor inside the result
    assert "=&nbsp;<b>0.008771</b>" in text and " <b>" not in text
    for op in ("+", "×", "−"):
        assert f" {op} " not in text.replace("&nbsp;", "\xa0")
    # and the card scales with the type: the formula is no smaller than the body text
    assert card.substituted.font().pointSizeF() >= 2.0 * card._base_pt
    assert card.substituted.geometry().bottom() < card.height()


def test_the_card_keeps_its_tallest_height_while_stepping(qtbot, xor_trace: Trace) -> None:  # type: ignore[no-untyped-def]
    card = FormulaCard()
    qtbot.addWidget(card)
    card.set_font_scale(2.0)
    card.resize(700, 200)
    card.show()
    heights = []
    for frame in xor_trace.frames:
        card.set_frame(frame, step=1, total_frames=len(xor_trace), n_samples=4)
        heights.append(card.heightForWidth(700))
        assert heights[-1] >= card._plan(700).height  # never less than the content
    assert heights == sorted(heights) and heights[-1] > heights[0]
    card.set_frame(xor_trace.frames[0])
    assert card.heightForWidth(700) == heights[-1]
    card.reset_height()
    assert card.heightForWidth(700) == card._plan(700).height < heights[-1]


def test_in_too_little_room_all_text_gets_smaller(card: FormulaCard, trace: Trace) -> None:
    card.set_font_scale(2.0)
    card.resize(900, 400)
    card.show()
    card.set_frame(by_label(trace, "δ_h1"))
    QApplication.processEvents()
    natural = card.heightForWidth(900)
    nominal = {label: label.font().pointSizeF() for label in (card.title, card.inputs)}
    card.resize(900, int(natural * 0.75))
    QApplication.processEvents()
    for label, pt in nominal.items():
        assert label.font().pointSizeF() < pt
    assert card.inputs.geometry().bottom() <= card.height()  # nothing cut
    assert card.minimumSizeHint().height() < natural
    card.resize(900, natural)
    QApplication.processEvents()
    assert card.inputs.font().pointSizeF() == nominal[card.inputs]


def test_digits(card: FormulaCard, trace: Trace) -> None:
    frame = by_label(trace, "out_h1")
    card.set_frame(frame)
    assert "<b>0.5933</b>" in card.substituted.text()
    card.set_digits(9)
    assert card.frame() is frame  # the same frame, written again
    assert card.digits() == 9 and not card.decimals()
    assert "<b>0.593269992</b>" in card.substituted.text()
    assert "σ(0.3775)" in plain(card.substituted.text())
    card.set_frame(by_label(trace, "net_o1"))
    assert "<b>1.10590597</b>" in card.substituted.text()  # nine significant digits
    assert "0.593269992" in plain(card.inputs.text())  # the values read, too
    card.set_digits(9, decimals=True)
    assert "<b>1.105905967</b>" in card.substituted.text()  # nine decimals, as published
    assert card.formula_text().endswith("= 1.105905967")
    card.set_digits(3)
    assert "<b>1.11</b>" in card.substituted.text()
    for bad in (2, 11):
        with pytest.raises(ValueError):
            card.set_digits(bad)


def test_worked_example_to_nine_decimals_as_published(card: FormulaCard, trace: Trace) -> None:
    card.set_digits(9, decimals=True)
    published = {
        "out_h1": "0.593269992",
        "out_h2": "0.596884378",
        "net_o1": "1.105905967",
        "out_o2": "0.772928465",
        "E_o1": "0.274811083",
        "E_o2": "0.023560026",
        "E_total": "0.298371109",
        "δ_o1": "0.138498562",
        "∂E/∂w5": "0.082167041",
        "∂E/∂w1": "0.000438568",
        "w5⁺": "0.35891648",
        "w6⁺": "0.408666186",
        "w7⁺": "0.51130127",
        "w8⁺": "0.561370121",
        "w1⁺": "0.149780716",
    }
    for label, text in published.items():
        card.set_frame(by_label(trace, label))
        assert f"<b>{text}</b>" in card.substituted.text(), label
    card.set_frame(by_label(trace, "δ_h1"))
    assert "0.036350306" in plain(card.inputs.text())  # ∂E/∂out_h1


def test_mini_batch_frames_name_their_sample(card: FormulaCard) -> None:
    net = Network([4, 3, 3], ["tanh", "softmax"], "cross_entropy", seed=2)
    rng = np.random.default_rng(0)
    batch = net.trace_batch(
        rng.normal(size=(2, 4)), np.eye(3)[[0, 2]], optimizer=make_optimizer("adam", lr=0.1)
    )
    for frame in batch.frames:
        card.set_frame(frame, total_frames=len(batch))
        if frame.sample is not None:
            assert f"sample {frame.sample + 1}" in plain(card.title.text())
        assert "(sample" not in plain(card.title.text()).split("·", 2)[-1] or frame.kind in (
            FrameKind.INPUT,
            FrameKind.LOSS,
        )
    softmax = next(f for f in batch.frames if f.kind == FrameKind.OUT and f.layer == 2)
    card.set_frame(softmax)
    assert "e<sup>net<sub>o1</sub></sup>" in card.symbolic.text()
    assert "<sup>" in card.substituted.text()


def test_html_is_escaped(card: FormulaCard, trace: Trace) -> None:
    nasty = replace(
        by_label(trace, "net_h1"),
        label="<b>x</b> & y",
        symbolic='a < b && c > "d" = <script>',
        template="1 < 2 = <i>3</i>",
        inputs=(("<tag>", 1.0),),
    )
    card.set_frame(nasty)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in card.title.text()
    assert plain(card.symbolic.text()) == 'a < b && c > "d" = <script>'
    assert "<script>" not in card.symbolic.text()
    assert plain(card.substituted.text()) == "= 1 < 2 = <i>3</i>"
    assert "&lt;tag&gt;" in card.inputs.text()


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
        max_size=60,
    )
)
def test_formula_html_never_breaks(text: str) -> None:
    out = formula_html(text)
    bare = OUR_TAGS.sub("", out)
    assert "<" not in bare and ">" not in bare  # every other bracket is escaped

    def squash(s: str) -> str:
        return re.sub(r"[\s_,^()]", "", s)

    assert squash(plain(out)) == squash(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("net_h1", "net<sub>h1</sub>"),
        ("out_h2_1", "out<sub>h2,1</sub>"),
        ("t1 + w12", "t<sub>1</sub> + w<sub>12</sub>"),
        ("E_total", "E<sub>total</sub>"),
        ("∂E/∂b_o1", "∂E/∂b<sub>o1</sub>"),
        ("1.2e−5 × σ(x)", "1.2e−5 × σ(x)"),
        ("e^(−0.5)", "e<sup>−0.5</sup>"),
        ("λ₂·w", "λ₂·w"),
    ],
)
def test_formula_html_examples(text: str, expected: str) -> None:
    assert formula_html(text) == expected


def test_idle_text(card: FormulaCard, trace: Trace) -> None:
    assert IDLE_TEXT in card.symbolic.text()
    card.set_idle_text("Training <fast> …")
    assert "Training &lt;fast&gt; …" in card.symbolic.text()
    card.set_frame(trace[5])
    card.set_idle_text("Paused")
    assert "Paused" not in card.symbolic.text()
    card.set_frame(None)
    assert "Paused" in card.symbolic.text() and card.substituted.text() == ""
    assert card.formula_text() == ""


def test_font_scale(card: FormulaCard, trace: Trace) -> None:
    card.resize(2000, 250)  # wide enough for every row on one line at twice the size
    card.set_frame(trace[1])
    small_pt = card.symbolic.font().pointSizeF()
    small_height = card.sizeHint().height()
    card.set_font_scale(2.0)
    assert card.symbolic.font().pointSizeF() == pytest.approx(2 * small_pt)
    assert card.sizeHint().height() > 1.8 * small_height
    assert card.heightForWidth(2000) == card.sizeHint().height()
    with pytest.raises(ValueError):
        card.set_font_scale(0)


def test_phase_colors_agree_with_the_network_view() -> None:
    assert set(PHASE_COLORS) == set(Phase) == set(PHASE_COLORS_DARK)
    for phase in Phase:
        assert phase_color(phase) == LIGHT.accent(phase.value)
        assert phase_color(phase, dark=True) == DARK.accent(phase.value)
    assert len({PHASE_COLORS[p] for p in (Phase.FORWARD, Phase.BACKWARD, Phase.UPDATE)}) == 3


def test_text_is_selectable_but_leaves_the_arrow_keys_alone(qtbot, trace: Trace) -> None:  # type: ignore[no-untyped-def]
    pressed: list[int] = []

    class Window(QWidget):
        def keyPressEvent(self, event: QKeyEvent) -> None:
            pressed.append(event.key())

    window = Window()
    qtbot.addWidget(window)
    card = FormulaCard(window)
    card.set_frame(trace[1])
    window.show()
    for label in (card.symbolic, card.substituted, card.inputs):
        assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
        override = QKeyEvent(
            QEvent.Type.ShortcutOverride, Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(label, override)
        assert not override.isAccepted()  # a window shortcut on → still fires
        qtbot.keyClick(label, Qt.Key.Key_Right)
    assert pressed == [Qt.Key.Key_Right] * 3  # and a plain key press reaches the window


@pytest.mark.parametrize(("label", "dark"), [("net_h1", False), ("δ_h1", False), ("w5⁺", True)])
def test_screenshot(card: FormulaCard, trace: Trace, label: str, dark: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if dark:
        pal = QPalette()
        pal.setColor(QPalette.ColorRole.Base, QColor("#1b1d21"))
        pal.setColor(QPalette.ColorRole.Window, QColor("#23262b"))
        pal.setColor(QPalette.ColorRole.Text, QColor("#eceff3"))
        pal.setColor(QPalette.ColorRole.WindowText, QColor("#eceff3"))
        card.setPalette(pal)
    frame = by_label(trace, label)
    card.set_frame(frame, step=1, total_frames=len(trace))
    card.show()
    image = card.grab().toImage()
    image.save(str(SHOTS / f"formula_card_{frame.index}.png"))
    assert (image.width(), image.height()) == (600, 250)
    bar = image.pixelColor(3, 125)  # the side bar has the phase colour
    assert bar == phase_color(frame.phase, dark=dark)
    inside = image.pixelColor(590, 240)
    assert (inside.lightness() < 100) == dark


# -- mini-batches ---------------------------------------------------------------


@pytest.fixture(scope="module")
def xor_trace() -> Trace:
    from bpsim.model.sessions.session import new_session
    from bpsim.viewmodel.timeline import Timeline

    trace = Timeline(new_session("xor")).trace
    assert trace.X.shape[0] == 4  # the xor preset trains on a batch of four
    return trace


def test_mini_batch_title_says_the_sample_once(card: FormulaCard, xor_trace: Trace) -> None:
    for frame in xor_trace.frames:
        card.set_frame(frame, step=1, total_frames=len(xor_trace), n_samples=4)
        title = " ".join(plain(card.title.text()).split())
        assert title.count("sample") == 1 or frame.sample is None, title
        if frame.sample is not None:
            assert f"sample {frame.sample + 1} of 4" in title
            assert "whole batch" not in title
        else:  # the batch loss, the mean gradients, every update
            assert "whole batch" in title and "sample" not in title
    first = xor_trace.frames
    card.set_frame(first[0], n_samples=4)  # labelled "sample 1"
    assert " ".join(plain(card.title.text()).split()) == (
        "Forward pass · sample 1 of 4 · inputs and targets"
    )
    loss = next(f for f in first if f.kind == FrameKind.LOSS and f.sample == 1)
    card.set_frame(loss, n_samples=4)  # labelled "E (sample 2)"
    assert " ".join(plain(card.title.text()).split()) == "Loss · sample 2 of 4 · total error"
    share = next(f for f in first if f.kind == FrameKind.WEIGHT_CONTRIBUTION and f.sample == 2)
    card.set_frame(share, n_samples=4)  # labelled "∂E/∂w7 (sample 3)"
    title = " ".join(plain(card.title.text()).split())
    assert title.startswith("Backward pass · sample 3 of 4 · share of the mean gradient · ∂E/∂w")
    assert title.count("sample") == 1
    # what the whole batch computes is a mean, and the card says so
    batch_loss = next(f for f in first if f.kind == FrameKind.LOSS and f.sample is None)
    card.set_frame(batch_loss, n_samples=4)
    assert " ".join(plain(card.title.text()).split()) == "Loss · whole batch · mean error"
    mean = next(f for f in first if f.kind == FrameKind.WEIGHT_GRADIENT)
    card.set_frame(mean, n_samples=4)
    title = " ".join(plain(card.title.text()).split())
    assert title.startswith("Backward pass · whole batch · mean weight gradient · ∂E/∂w")
    assert "mean over 4 samples" in plain(card.symbolic.text())
    numbers = plain(card.substituted.text()).split("/")[0]
    assert sum(numbers.count(op) for op in "+−") == 3  # every sample's share, four terms


def test_without_a_batch_size_the_title_is_as_before(card: FormulaCard, xor_trace: Trace) -> None:
    card.set_frame(xor_trace.frames[0])  # callers that do not pass n_samples
    assert " ".join(plain(card.title.text()).split()) == (
        "Forward pass · sample 1 · inputs and targets"
    )
    update = xor_trace.frames[-1]
    assert update.sample is None
    card.set_frame(update)
    assert "whole batch" not in plain(card.title.text())
    card.set_frame(update, n_samples=1)  # one sample: nothing to say
    assert "whole batch" not in plain(card.title.text())
    card.set_frame(update, n_samples=4)
    assert "whole batch" in plain(card.title.text())


@pytest.mark.parametrize(("scale", "width"), [(1.0, 700), (2.0, 700), (2.0, 1100)])
def test_in_a_scroll_area_the_card_squeezes_before_it_scrolls(
    qtbot,  # type: ignore[no-untyped-def]
    xor_trace: Trace,
    scale: float,
    width: int,
) -> None:
    area = QScrollArea()
    qtbot.addWidget(area)
    area.setWidgetResizable(True)
    card = FormulaCard()
    card.set_font_scale(scale)
    area.setWidget(card)
    area.resize(width, 160)  # less than the card asks for at twice the size
    area.show()
    squeezed = 0
    for frame in [*xor_trace.frames, None]:
        card.set_frame(frame, step=1, total_frames=len(xor_trace), n_samples=4)
        QApplication.processEvents()
        viewport = area.viewport().height()
        # the room the scroll area has, or the least the text can be set in
        assert card.height() == max(viewport, card.minimumSizeHint().height())
        assert card.minimumSizeHint().height() <= card.heightForWidth(card.width())
        assert card.substituted.geometry().bottom() < card.height()  # the result is there
        squeezed += card.symbolic.font().pointSizeF() < card._fonts[card.symbolic].pointSizeF()
        if frame is not None:
            rows_height(card)  # nothing clipped
    assert (squeezed > 0) == (scale > 1)
    assert card.width() == area.viewport().width()  # no horizontal scrolling
    vbar = area.verticalScrollBar()
    assert vbar.maximum() == max(card.height() - area.viewport().height(), 0)
    assert area.minimumSizeHint().height() < 100
    assert card.minimumSizeHint().width() < card.sizeHint().width()


def test_a_long_formula_shrinks_to_stay_on_one_line(card: FormulaCard, trace: Trace) -> None:
    frame = by_label(trace, "net_h1")
    card.set_frame(frame)
    height = card.heightForWidth(card.width())
    nominal = card.substituted.font().pointSizeF()
    terms = " + ".join(f"0.{k:04d}·0.{k + 1:04d}" for k in range(1, 5))
    card.set_frame(replace(frame, template=f"{terms} = 0.1234"))
    assert card.heightForWidth(card.width()) == height
    assert card.substituted.font().pointSizeF() < nominal
    assert "<b>0.1234</b>" in card.substituted.text()
    card.show()
    QApplication.processEvents()
    assert one_line(card.substituted)
    card.set_frame(frame)  # and grows back
    assert card.substituted.font().pointSizeF() == nominal


def test_many_values_are_summarised_to_fit(card: FormulaCard, trace: Trace) -> None:
    frame = by_label(trace, "net_h1")
    card.set_frame(frame)
    height = card.heightForWidth(card.width())
    many = tuple((f"w{k}", -0.123456 * k) for k in range(1, 40))
    card.set_frame(replace(frame, inputs=many))
    assert card.heightForWidth(card.width()) == height
    shown = plain(card.inputs.text())
    assert "more (hover)" in shown and "w39" not in shown
    assert "w39" in plain(card.inputs.toolTip())  # every value on hover


def test_a_square_after_a_name_is_not_subscripted() -> None:
    assert formula_html("(1 − out_h1²)") == "(1 − out<sub>h1</sub>²)"


def test_larger_type_never_makes_the_card_text_smaller(card: FormulaCard, trace: Trace) -> None:
    card.show()
    card.set_frame(by_label(trace, "δ_h1"))
    card.resize(900, 60)  # far too little room: the card squeezes what it may
    QApplication.processEvents()
    normal = {label: label.font().pointSizeF() for label in (card.symbolic, card.inputs)}
    assert normal[card.inputs] == card._base_pt  # at normal type nothing is squeezed
    for scale in (1.15, 1.15**2, 1.15**4):
        card.set_font_scale(scale)
        QApplication.processEvents()
        for label, pt in normal.items():
            assert label.font().pointSizeF() >= pt - 1e-6, (scale, label.text())
    assert card.inputs.font().pointSizeF() < card._base_pt * 1.15**4  # it did squeeze


def test_inputs_are_named_in_the_datas_own_terms(card: FormulaCard) -> None:
    """exam_results: i1 is a standardized number of hours studied; t1 a class."""
    from pathlib import Path

    from bpsim.model.data.csvdata import load_csv
    from bpsim.model.sessions.session import session_for_dataset

    csv = Path(__file__).resolve().parents[1] / "resources" / "samples" / "exam_results.csv"
    session = session_for_dataset(load_csv(csv))
    data = session.dataset
    trace = session.trainer.net.copy().trace(data.X[0], data.Y[0], 0.1)
    card.set_frame(trace.frames[0])
    assert "hours_studied" not in card.inputs.text()  # no data set given: names only
    card.set_data(data)
    text = QTextDocumentFragment.fromHtml(card.inputs.text()).toPlainText()
    hours = fmt(float(data.raw_inputs[0][0]))
    assert f"i1 = {fmt(float(data.X[0, 0]))} (hours_studied {hours})" in text.replace("\xa0", " ")
    assert f"({data.class_names[int(data.Y[0, 0])]})" in text
    assert "hours_studied" in card.inputs.toolTip()
    card.set_frame(trace.frames[1])  # net_h1 reads i1 and i2 too (i2 among "more": hover)
    assert "hours_studied" in card.inputs.text() and "hours_slept" in card.inputs.toolTip()
