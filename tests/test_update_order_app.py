"""The update order in the app: the dialog's setting, the redone step, the card's note."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.setup import OrderChange, rebuild, setup_of
from bpsim.model.trace.kinds import FrameKind
from bpsim.ui.panels.frame_text import order_note
from bpsim.ui.window import network_dialog
from bpsim.ui.window.main_window import MainWindow
from bpsim.ui.window.network_dialog import NetworkDialog, edit_network


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def choose(combo, name: str) -> None:
    combo.setCurrentIndex(combo.findData(name))


def test_the_dialog_offers_the_order_and_applies_it_alone(qtbot) -> None:
    session = new_session("mazur")
    dialog = NetworkDialog(session.dataset, setup_of(session))
    qtbot.addWidget(dialog)
    assert dialog.update_order.currentData() == "simultaneous"
    assert "Build" in dialog.ok_button.text()
    choose(dialog.update_order, "in_place")
    assert dialog.order_only()
    assert dialog.setup().update_order == "in_place"
    assert "Apply" in dialog.ok_button.text()
    assert "redone" in dialog.message.text()
    dialog.learning_rate.setValue(0.1)  # another change: a new network after all
    assert not dialog.order_only()
    assert "Build" in dialog.ok_button.text()


def test_edit_network_answers_the_order_alone(qtbot, monkeypatch) -> None:
    def accept_in_place(dialog: NetworkDialog) -> int:
        choose(dialog.update_order, "in_place")
        return int(network_dialog.QDialog.DialogCode.Accepted)

    monkeypatch.setattr(network_dialog.NetworkDialog, "exec", accept_in_place)
    assert edit_network(None, new_session("mazur")) == OrderChange("in_place")


def test_a_rebuilt_network_keeps_the_chosen_order() -> None:
    session = new_session("xor")
    setup = setup_of(session)
    rebuilt = rebuild(session, type(setup)(**{**vars(setup), "update_order": "in_place"}))
    assert rebuilt.trainer.update_order == "in_place"
    assert setup_of(rebuilt).update_order == "in_place"


def test_changing_the_order_redoes_the_shown_step_with_the_same_weights(qtbot, monkeypatch) -> None:
    window = MainWindow(new_session("mazur"))
    qtbot.addWidget(window)
    controller = window.controller
    tl = controller.timeline
    before = tl.params_before_step().copy()
    monkeypatch.setattr(network_dialog, "edit_network", lambda *_: OrderChange("in_place"))
    controller._on_network_settings()
    assert tl.trainer.update_order == "in_place"
    assert np.array_equal(tl.params_before_step(), before)  # not rebuilt
    kinds = [tl.trace.place(k).kind for k in range(len(tl.trace))]
    first_delta = kinds.index(FrameKind.DELTA)
    assert FrameKind.WEIGHT_UPDATE in kinds[:first_delta]
    net = new_session("mazur").net
    X, Y = new_session("mazur").trainer.X, new_session("mazur").trainer.Y
    net.step(X, Y, 0.5, update_order="in_place")
    assert [w.tolist() for w in tl.trace.weights_after] == [w.tolist() for w in net.weights]
    # the card says which weights the hidden delta reads already updated
    tl.seek(first_delta)
    controller.refresh()
    assert "already updated: in-place order" in window.formula_card.symbolic.text()
    window.close()


def test_the_note_is_only_at_in_place_hidden_deltas() -> None:
    session = new_session("mazur")
    X, Y = session.trainer.X, session.trainer.Y
    rule = session.net.copy().trace(X[0], Y[0], 0.5)
    in_place = session.net.copy().trace(X[0], Y[0], 0.5, update_order="in_place")
    assert not any(order_note(f) for f in rule)
    noted = [f.label for f in in_place if order_note(f)]
    assert noted == ["δ_h1", "δ_h2"]
    assert order_note(next(f for f in in_place if f.label == "δ_h2")) == (
        "w6⁺, w8⁺ already updated: in-place order"
    )


def test_the_chain_rule_graph_follows_the_in_place_order() -> None:
    from bpsim.viewmodel.chain_rule import chain_graph

    session = new_session("mazur")
    X, Y = session.trainer.X, session.trainer.Y
    before = session.net.copy()
    trace = session.net.copy().trace(X[0], Y[0], 0.5, update_order="in_place")
    delta = next(f for f in trace if f.kind is FrameKind.DELTA)
    graph = chain_graph(delta, before, trace.X, trace.Y, trace.weights_after)
    assert graph.result is not None
    assert graph.result.value == pytest.approx(delta.value, rel=1e-12)
    assert any("already updated" in note for note in graph.notes)
    rule = chain_graph(delta, before, trace.X, trace.Y)
    assert rule.result is not None and rule.result.value == pytest.approx(0.00877135, abs=1e-8)
    assert any("old weights" in note for note in rule.notes)
