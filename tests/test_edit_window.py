"""Direct manipulation in the window: select an edge or unit with the mouse,
type or drag a value, undo and redo (asserting on data)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from bpsim.ui.window.main_window import MainWindow
from tests.test_main_window import isolated_settings, open_window  # noqa: F401

W5 = (2, 0, 0)  # the edge h1 → o1 of the worked example


@pytest.fixture
def window(qtbot) -> MainWindow:
    return open_window(qtbot)


def midpoint(window: MainWindow, edge: tuple[int, int, int]) -> QPoint:
    return window.network_view.edge_point(*edge).toPoint()


def frames_of(window: MainWindow) -> list[tuple[str, float | None]]:
    return [(f.label, f.value) for f in window.controller.timeline.trace.frames]


def test_clicking_an_edge_selects_it_and_typing_edits_it(qtbot, window: MainWindow) -> None:
    view, edits = window.network_view, window.edits
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=midpoint(window, W5))
    assert edits.selected == W5 and edits.value() == 0.40
    assert edits.overlay.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert edits.editor.isVisible() and float(edits.editor.text()) == 0.40
    qtbot.keyClick(edits.editor, Qt.Key.Key_Return)  # unchanged: closes, records nothing
    assert not edits.editor.isVisible() and not edits.stack.done
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert edits.editor.isVisible()
    edits.editor.setText("1.0")
    qtbot.keyClick(edits.editor, Qt.Key.Key_Return)
    tl = window.controller.timeline
    assert not edits.editor.isVisible()
    assert tl.net_before_step().weights[1][0, 0] == 1.0
    net = tl.net_before_step()
    h = 1 / (1 + np.exp(-(tl.trainer.X @ net.weights[0] + net.biases[0])))
    assert tl.trace.zs[1][0, 0] == pytest.approx((h @ net.weights[1] + net.biases[1])[0, 0])
    assert window.actions_by_name["undo"].isEnabled()


def test_undo_and_redo_from_the_keyboard(qtbot, window: MainWindow) -> None:
    tl, edits = window.controller.timeline, window.edits
    frames, params = frames_of(window), tl.params_before_step().copy()
    loss = tl.losses()[0]
    qtbot.mouseClick(window.network_view, Qt.MouseButton.LeftButton, pos=midpoint(window, W5))
    assert edits.set_text("1.0")
    edited = frames_of(window)
    assert edited != frames
    qtbot.keyClick(window.network_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert frames_of(window) == frames and tl.losses()[0] == loss
    assert np.array_equal(tl.params_before_step(), params)
    assert "w5: h1 → o1" in window.statusBar().currentMessage()
    assert window.actions_by_name["redo"].text() == "&Redo w5: h1 → o1"
    qtbot.keyClick(
        window.network_view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert frames_of(window) == edited


def test_clicking_a_unit_selects_its_bias(qtbot, window: MainWindow) -> None:
    view, edits = window.network_view, window.edits
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.unit_center(1, 1).toPoint())
    assert edits.selected == (1, 1) and edits.value() == 0.35
    assert edits.set_value(-1.0)
    assert window.controller.timeline.net_before_step().biases[0][1] == -1.0
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.unit_center(0, 0).toPoint())
    assert edits.selected is None  # inputs hold no parameter


def test_dragging_up_raises_the_value(qtbot, window: MainWindow) -> None:
    view, edits = window.network_view, window.edits
    start = midpoint(window, W5)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, start - QPoint(0, 50))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start - QPoint(0, 50))
    tl = window.controller.timeline
    assert tl.net_before_step().weights[1][0, 0] == pytest.approx(0.90)
    assert len(edits.stack.done) == 1 and edits.stack.done[0].old == 0.40
    edits.undo()
    assert tl.net_before_step().weights[1][0, 0] == 0.40


@pytest.mark.parametrize("text", ["abc", "nan", "1e400"])
def test_invalid_typed_values_change_nothing(qtbot, window: MainWindow, text: str) -> None:
    edits = window.edits
    frames = frames_of(window)
    qtbot.mouseClick(window.network_view, Qt.MouseButton.LeftButton, pos=midpoint(window, W5))
    edits.open_editor()
    edits.editor.setText(text)
    qtbot.keyClick(edits.editor, Qt.Key.Key_Return)
    assert frames_of(window) == frames and not edits.stack.done
    assert edits.editor.isVisible()  # still open, to fix the text
    assert (
        "not" in window.statusBar().currentMessage()
        and "number" in window.statusBar().currentMessage()
    )


def test_learning_rate_change_undone(qtbot, window: MainWindow) -> None:
    tl, edits = window.controller.timeline, window.edits
    frames = frames_of(window)
    window.controls.learning_rate.setValue(1.0)
    assert frames_of(window) != frames
    edits.undo()
    assert frames_of(window) == frames and tl.trainer.optimizer.lr == 0.5
    assert window.controls.learning_rate.value() == 0.5
    edits.redo()
    assert tl.trainer.optimizer.lr == 1.0 and window.controls.learning_rate.value() == 1.0


def test_double_click_opens_the_editor_prefilled_and_escape_cancels(
    qtbot, window: MainWindow
) -> None:
    view, edits = window.network_view, window.edits
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=view.unit_center(2, 0).toPoint())
    assert edits.selected == (2, 0) and edits.editor.isVisible()
    assert float(edits.editor.text()) == 0.60
    edits.editor.setText("5")
    qtbot.keyClick(edits.editor, Qt.Key.Key_Escape)
    assert not edits.editor.isVisible() and not edits.stack.done
    assert window.controller.timeline.net_before_step().biases[1][0] == 0.60


def test_an_edit_later_in_training_truncates_the_loss_curve(qtbot, window: MainWindow) -> None:
    tl, edits = window.controller.timeline, window.edits
    for _ in range(3):
        window.actions_by_name["next"].trigger()
    tl.go_to_step(5)
    window.controller.refresh()
    edits.select(W5)
    assert edits.set_value(2.0)
    assert window.controller.plotted_until == tl.step
    edits.undo()
    assert tl.step == 5 and tl.net_before_step().weights[1][0, 0] == edits.stack.undone[0].old


def test_an_edited_weight_is_autosaved(qtbot, window: MainWindow, tmp_path) -> None:
    from bpsim.model.sessions.session_file import load_session
    from bpsim.ui.safety.autosave import AutoSaver

    saver = AutoSaver(window, tmp_path, interval=0.0, poll_ms=20)
    qtbot.waitUntil(lambda: saver.saves == 1)
    qtbot.wait(100)
    assert saver.saves == 1  # nothing changed since
    window.edits.select(W5)
    assert window.edits.set_value(1.0)
    qtbot.waitUntil(lambda: saver.saves == 2)
    saver.save_now(wait=True)
    assert load_session(saver.session_file).trainer.net.weights[1][0, 0] == 1.0
    saver.finish()
