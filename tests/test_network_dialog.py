"""The Network dialog, driven as a user would: typing, choosing, Tab and Enter.

The dialog is never run with exec(): each test builds it, works its widgets
and accepts or rejects it directly.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from bpsim.model.sessions.session import Session, new_session
from bpsim.model.sessions.setup import setup_of
from bpsim.ui.window import network_dialog
from bpsim.ui.window.network_dialog import NetworkDialog, edit_network
from bpsim.ui.window.spin_boxes import LogSpinBox


def open_dialog(qtbot, session: Session, show: bool = False) -> NetworkDialog:
    dialog = NetworkDialog(session.dataset, setup_of(session))
    qtbot.addWidget(dialog)
    if show:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.windowHandle().requestActivate()
        qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def choose(combo, name: str) -> None:
    index = combo.findData(name)
    assert index >= 0, name
    combo.setCurrentIndex(index)


@pytest.fixture
def xor() -> Session:
    return new_session("xor")


def test_opens_on_the_sessions_values(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    assert dialog.setup() == setup_of(xor)
    assert dialog.hidden_edit.text() == "3"
    assert dialog.input_label.text() == "2 →" and dialog.output_label.text() == "→ 1"
    assert dialog.ok_button.isEnabled() and dialog.problems() == []
    assert "2 → 3 → 1" in dialog.message.text()
    assert not dialog.momentum.isEnabled()  # sgd: momentum does not count


def test_typing_hidden_layers_and_choosing_tanh(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    dialog.hidden_edit.selectAll()
    qtbot.keyClicks(dialog.hidden_edit, "4-4")
    choose(dialog.hidden_activation, "tanh")
    setup = dialog.setup()
    assert setup.hidden == (4, 4)
    assert setup.hidden_activation == "tanh"
    assert setup.activations == ("tanh", "tanh", "sigmoid")
    assert "2 → 4 → 4 → 1" in dialog.message.text()
    assert "37 weights and biases" in dialog.message.text()
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.setup().hidden == (4, 4)


def test_an_invalid_combination_shows_why_and_disables_ok(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    choose(dialog.loss, "cross_entropy")
    # the loss brings its output layer along, which one output cannot have
    assert dialog.output_activation.currentData() == "softmax"
    assert dialog.problems() == ["Softmax needs at least two outputs: this data set has one."]
    assert "Softmax needs at least two outputs" in dialog.message.text()
    assert not dialog.ok_button.isEnabled()
    choose(dialog.output_activation, "sigmoid")
    assert dialog.problems() == ["Cross-entropy needs a softmax output layer."]
    assert not dialog.ok_button.isEnabled()
    dialog.suggest_button.click()
    assert (dialog.output_activation.currentData(), dialog.loss.currentData()) == ("sigmoid", "bce")
    assert dialog.ok_button.isEnabled() and dialog.problems() == []


def test_a_new_loss_brings_the_output_layer_that_suits_it(qtbot) -> None:
    dialog = open_dialog(qtbot, new_session("sine"))
    choose(dialog.loss, "bce")
    assert dialog.output_activation.currentData() == "sigmoid"
    assert dialog.problems()[0].startswith("Binary cross-entropy needs targets between 0 and 1")
    choose(dialog.loss, "mse")  # what suits regression data: a linear output
    assert dialog.output_activation.currentData() == "linear" and dialog.problems() == []


def test_unreadable_hidden_layers_are_explained_with_the_other_problems(qtbot, xor) -> None:
    dialog = open_dialog(qtbot, xor)
    dialog.hidden_edit.setText("4-")
    choose(dialog.output_activation, "softmax")
    problems = dialog.problems()
    assert problems[0].startswith("Hidden layers: write the hidden layer sizes")
    assert "Softmax needs at least two outputs: this data set has one." in problems
    assert not dialog.ok_button.isEnabled()
    with pytest.raises(ValueError):
        dialog.setup()
    dialog.hidden_edit.setText("0")
    assert dialog.problems()[0] == "A hidden layer needs at least one unit."
    dialog.hidden_edit.setText("400-500")
    assert "bpsim draws at most 200,000" in dialog.problems()[0]


def test_no_hidden_layer(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    dialog.hidden_edit.clear()
    assert dialog.setup().hidden == ()
    assert not dialog.hidden_activation.isEnabled()
    assert "2 → 1 units, 3 weights and biases" in dialog.message.text()
    assert dialog.ok_button.isEnabled()


def test_reset_returns_to_the_current_values(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    dialog.hidden_edit.setText("x")
    choose(dialog.optimizer, "adam")
    dialog.learning_rate.setValue(0.003)
    dialog.train_biases.setChecked(False)
    dialog.reset_button.click()
    assert dialog.setup() == setup_of(xor)
    assert dialog.ok_button.isEnabled()


def test_every_field_reaches_the_setup(qtbot) -> None:
    dialog = open_dialog(qtbot, new_session("iris"))
    dialog.hidden_edit.setText("6, 5")
    choose(dialog.hidden_activation, "relu")
    choose(dialog.init, "he")
    dialog.seed.setValue(dialog.seed.minimum())  # "random"
    assert dialog.seed.text() == "random"
    dialog.train_biases.setChecked(False)
    choose(dialog.optimizer, "momentum")
    assert dialog.momentum.isEnabled()
    dialog.momentum.setValue(0.5)
    dialog.learning_rate.setValue(0.02)
    dialog.batch_size.setValue(32)
    dialog.shuffle.setChecked(False)
    dialog.l1.setValue(0.001)
    dialog.l2.setValue(0.0001)
    s = dialog.setup()
    assert (s.hidden, s.hidden_activation, s.init, s.seed) == ((6, 5), "relu", "he", None)
    assert (s.optimizer, s.momentum, s.lr, s.batch_size) == ("momentum", 0.5, 0.02, 32)
    assert (s.train_biases, s.shuffle, s.l1, s.l2) == (False, False, 0.001, 0.0001)
    assert (s.output_activation, s.loss) == ("softmax", "cross_entropy")
    assert dialog.batch_size.maximum() == 112 and dialog.batch_size.text() == "32 of 112"
    assert dialog.ok_button.isEnabled()


def test_enter_accepts_and_escape_cancels(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor, show=True)
    dialog.hidden_edit.setFocus()
    qtbot.keyClick(dialog.hidden_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog = open_dialog(qtbot, xor, show=True)
    dialog.hidden_edit.setText("4-")  # invalid: Enter must not accept
    qtbot.keyClick(dialog.hidden_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    qtbot.keyClick(dialog.hidden_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_tab_walks_the_fields_in_reading_order(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor, show=True)
    dialog.hidden_edit.setFocus()
    qtbot.waitUntil(dialog.hidden_edit.hasFocus)
    expected = [dialog.hidden_activation, dialog.per_layer, dialog.output_activation]
    expected += [dialog.loss]
    expected += [dialog.suggest_button, dialog.init, dialog.seed, dialog.train_biases]
    expected += [dialog.optimizer, dialog.learning_rate]  # momentum is disabled for sgd
    expected += [dialog.batch_size, dialog.shuffle, dialog.update_order, dialog.l1, dialog.l2]
    for widget in expected:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        assert focus is widget or widget.isAncestorOf(focus), (widget, focus)


def test_every_field_and_label_explains_itself(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    fields = [dialog.hidden_edit, dialog.hidden_activation, dialog.output_activation]
    fields += [dialog.loss, dialog.suggest_button, dialog.init, dialog.seed, dialog.train_biases]
    fields += [dialog.optimizer, dialog.learning_rate, dialog.momentum, dialog.batch_size]
    fields += [dialog.shuffle, dialog.l1, dialog.l2, dialog.ok_button, dialog.reset_button]
    for field in fields:
        tip = field.toolTip()
        assert tip.endswith(".") and tip.count(". ") == 0 and len(tip) < 120, tip


def test_larger_type_makes_a_larger_dialog(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    small = dialog.sizeHint()
    font = dialog.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    dialog.setFont(font)
    dialog.layout().activate()
    large = dialog.sizeHint()
    assert large.width() > 1.3 * small.width() and large.height() > 1.3 * small.height()


def test_log_spin_box_shows_plain_numbers_and_steps_1_2_5(qtbot) -> None:
    box = LogSpinBox(1e-6, 100.0)
    qtbot.addWidget(box)
    box.setValue(0.1)
    assert box.text() == "0.1"
    box.stepBy(1)
    assert box.value() == pytest.approx(0.2)
    box.stepBy(2)
    assert box.value() == pytest.approx(1.0) and box.text() == "1"
    box.setValue(0.03)
    box.stepBy(-1)
    assert box.value() == pytest.approx(0.02)
    box.setValue(0.00002)
    assert box.text() == "0.00002"
    box.setValue(0.123456789)
    assert box.text() == "0.123457" and box.value() == pytest.approx(0.123456789)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "1e-3")
    box.interpretText()
    assert box.value() == pytest.approx(0.001)
    strength = LogSpinBox(0.0, 10.0)
    qtbot.addWidget(strength)
    strength.stepBy(1)
    assert strength.value() == pytest.approx(1e-5)
    strength.stepBy(-1)
    assert strength.value() == 0.0


def test_edit_network_rebuilds_on_ok_and_returns_none_on_cancel(qtbot, monkeypatch, xor) -> None:
    def accept_with_tanh(dialog: NetworkDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.hidden_edit.setText("4")
        choose(dialog.hidden_activation, "tanh")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(network_dialog.NetworkDialog, "exec", accept_with_tanh)
    session = edit_network(None, xor)
    assert session is not None
    assert session.net.sizes == (2, 4, 1) and session.net.activation_names == ("tanh", "sigmoid")
    assert session.dataset is xor.dataset and "preset" not in session.settings

    monkeypatch.setattr(
        network_dialog.NetworkDialog, "exec", lambda d: QDialog.DialogCode.Rejected.value
    )
    assert edit_network(None, xor) is None


@pytest.mark.parametrize("typed", ["4-3", "4,3", "4 3", "4, 3", "4 - 3", "4;3", "4x3"])
def test_hidden_layers_take_the_usual_separators(qtbot, xor: Session, typed: str) -> None:
    dialog = open_dialog(qtbot, xor)
    dialog.hidden_edit.selectAll()
    qtbot.keyClicks(dialog.hidden_edit, typed)
    assert dialog.setup().hidden == (4, 3)
    assert dialog.problems() == [] and dialog.ok_button.isEnabled()
    assert "2 → 4 → 3 → 1" in dialog.message.text()


def test_one_activation_per_hidden_layer(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    dialog.hidden_edit.setText("4-3")
    dialog.per_layer.setText("ReLU, tanh")
    assert dialog.problems() == []
    assert not dialog.hidden_activation.isEnabled()  # the per-layer field rules
    setup = dialog.setup()
    assert setup.activations == ("relu", "tanh", xor.net.activation_names[-1])
    dialog.per_layer.setText("relu")
    assert dialog.problems() == [
        "Give one hidden activation per hidden layer: 2 layers, 1 activation."
    ]
    assert not dialog.ok_button.isEnabled()
    dialog.per_layer.setText("relu, swish")
    assert dialog.problems()[0].startswith("Per-layer activations: 'swish' is not an activation")
    assert "Cannot build" in dialog.message.text()
    dialog.per_layer.setText("")
    assert dialog.hidden_activation.isEnabled() and dialog.problems() == []


def test_the_message_says_whether_the_weights_are_kept(qtbot, xor: Session) -> None:
    dialog = open_dialog(qtbot, xor)
    dialog.learning_rate.setValue(0.05)
    assert dialog.keeps_weights() and "keeps the current weights" in dialog.message.text()
    dialog.hidden_edit.setText("5")
    assert not dialog.keeps_weights() and "fresh weights" in dialog.message.text()
