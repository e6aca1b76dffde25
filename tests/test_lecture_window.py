"""Giving a lecture in the window: bookmarks, the clicker's walk, blanking,
go to step, clicking the loss plot, running N steps, presenter mode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from bpsim.model.sessions.builtin_lectures import builtin_lecture
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import load_session
from bpsim.ui.lecture import moves
from bpsim.ui.window.main_window import MainWindow
from tests.test_main_window import isolated_settings, open_window, press  # noqa: F401


@pytest.fixture
def window(qtbot) -> MainWindow:
    return open_window(qtbot)


def lecture_of(window: MainWindow):
    return window.lecture.controller


def titles(window: MainWindow) -> list[str]:
    return [b.title for b in lecture_of(window).list.bookmarks]


def test_the_preset_offers_its_lecture_without_a_dialog(window: MainWindow) -> None:
    assert window.lecture_panel.list.count() == len(builtin_lecture("mazur").bookmarks)
    assert "lecture of 9 moments" in window.statusBar().currentMessage()
    assert QApplication.activeModalWidget() is None
    assert not window.actions_by_name["lecture_mode"].isChecked()  # Page Down still steps frames
    assert not window.lecture_dock.isVisible()  # the network keeps its room until asked
    window.actions_by_name["lecture_mode"].trigger()
    assert window.lecture_dock.isVisible()


def test_add_rename_reorder_and_delete_bookmarks(qtbot, window: MainWindow) -> None:
    window.controller.load(new_session("circle"))  # no lecture of its own
    assert not titles(window)
    press(qtbot, window, Qt.Key.Key_Right, 3)
    qtbot.keyClick(window.network_view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Right, 2)
    window.actions_by_name["add_bookmark"].trigger()
    marks = lecture_of(window).list.bookmarks
    assert [(b.step, b.frame) for b in marks] == [(0, 3), (0, 5)]
    assert window.lecture_dock.isVisible() and window.lecture_panel.list.count() == 2
    panel = window.lecture_panel
    panel.list.item(0).setText("  The first   sum ")  # as an edit in place leaves it
    assert titles(window)[0] == "The first sum"
    panel.list.setCurrentRow(1)
    panel.buttons["up"].click()
    assert titles(window)[1] == "The first sum" and panel.selected() == 0
    panel.note.setPlainText("Say this.")
    assert lecture_of(window).list[0].note == "Say this."
    window.actions_by_name["next"].trigger()
    panel.sigUpdate.emit(0)  # the context menu's "Move Here"
    moved = lecture_of(window).list[0]
    assert (moved.step, moved.frame, moved.note) == (0, 6, "Say this.")
    panel.buttons["delete"].click()
    assert titles(window) == ["The first sum"]
    # the session holds the lecture: saving saves it
    assert window.controller.timeline.session.lecture.bookmarks[0].title == "The first sum"


def test_save_and_reopen_a_session_with_its_lecture(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    press(qtbot, window, Qt.Key.Key_Right, 4)
    window.actions_by_name["add_bookmark"].trigger()  # after none current: at the end
    lecture = window.controller.timeline.session.lecture
    assert len(lecture) == 10 and lecture.bookmarks[-1].frame == 4
    path = tmp_path / "talk.bpsim.json"
    window.controller.files.save(str(path))
    assert load_session(path).lecture == lecture
    again = MainWindow(load_session(path), str(path))
    qtbot.addWidget(again)
    assert again.lecture.controller.list.lecture() == lecture
    assert again.lecture_panel.list.count() == 10


def test_page_down_walks_the_mazur_lecture_to_each_exact_moment(qtbot, window: MainWindow) -> None:
    lecture = builtin_lecture("mazur")
    window.actions_by_name["lecture_mode"].trigger()
    tl = window.controller.timeline
    for k, b in enumerate(lecture.bookmarks):
        press(qtbot, window, Qt.Key.Key_PageDown)
        assert lecture_of(window).list.current == k
        assert (tl.step, tl.cursor) == (b.step, b.frame)
        reference = new_session("mazur").trainer
        reference.train(b.step)  # an independent run to the same step
        np.testing.assert_array_equal(tl.params_before_step(), reference.net.params)
        if b.view.edge_mode is not None:
            assert window.controller.edge_mode() == b.view.edge_mode
        assert window.lecture_panel.selected() == k
    press(qtbot, window, Qt.Key.Key_PageDown)  # past the end: stays
    assert (tl.step, tl.cursor) == (10_000, 11)
    assert "last bookmark" in window.statusBar().currentMessage()
    # the frame keys still step inside the moment; Page Up goes back a bookmark
    press(qtbot, window, Qt.Key.Key_Right)
    assert tl.cursor == 12
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert (tl.step, tl.cursor) == (0, 28)
    # the loss plot shows the way to step 10,000, not one straight line
    steps, _ = window.loss_plot.series("train")
    assert steps[-1] == 10_000 and len(steps) > 100


def test_clicker_keys_never_land_in_a_text_field(qtbot, window: MainWindow) -> None:
    window.actions_by_name["lecture_mode"].trigger()
    press(qtbot, window, Qt.Key.Key_PageDown)
    note = window.lecture_panel.note
    note.setFocus()
    before = note.toPlainText()
    qtbot.keyClick(note, Qt.Key.Key_PageDown)
    assert (
        lecture_of(window).list.current == 1
        and note.toPlainText() == lecture_of(window).list[1].note
    )
    assert before != note.toPlainText()
    spin = window.controls.learning_rate
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_PageUp)
    assert lecture_of(window).list.current == 0 and spin.value() == 0.5
    blank = window.lecture.presenter.blank
    qtbot.keyClick(spin, Qt.Key.Key_Period)  # a clicker's blank key from a spin box
    assert blank.isVisible()
    qtbot.keyClick(spin, Qt.Key.Key_Period)
    assert not blank.isVisible() and spin.value() == 0.5
    window.lecture_dock.setFloating(True)  # a floating panel is still the window's
    qtbot.keyClick(window.lecture_panel.list, Qt.Key.Key_PageDown)
    assert lecture_of(window).list.current == 1
    window.lecture_dock.setFloating(False)
    note.setFocus()
    typed = note.toPlainText()
    qtbot.keyClick(note, Qt.Key.Key_B)  # typing a note: a letter
    assert not blank.isVisible() and len(note.toPlainText()) == len(typed) + 1


def test_blank_and_unblank(qtbot, window: MainWindow) -> None:
    blank = window.lecture.presenter.blank
    tl = window.controller.timeline
    press(qtbot, window, Qt.Key.Key_B)
    assert blank.isVisible() and blank.color == "black"
    assert blank.geometry() == window.rect()
    press(qtbot, window, Qt.Key.Key_Right)  # any key only unblanks
    assert not blank.isVisible() and tl.cursor == 0
    press(qtbot, window, Qt.Key.Key_Period)
    assert blank.color == "black" and blank.isVisible()
    qtbot.mouseClick(blank, Qt.MouseButton.LeftButton)
    assert not blank.isVisible()
    press(qtbot, window, Qt.Key.Key_W)
    assert blank.color == "white" and blank.isVisible()
    image = blank.grab().toImage()
    assert image.pixelColor(10, 10).name() == "#ffffff"
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not blank.isVisible()


def test_a_dialogs_keys_are_its_own(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QDialog, QSpinBox, QVBoxLayout

    window.actions_by_name["lecture_mode"].trigger()
    dialog = QDialog(window)
    spin = QSpinBox(dialog)
    spin.setRange(0, 100)
    QVBoxLayout(dialog).addWidget(spin)
    dialog.show()
    dialog.windowHandle().requestActivate()
    qtbot.waitUntil(dialog.isActiveWindow)
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_PageUp)
    assert spin.value() == 10 and lecture_of(window).list.current is None
    dialog.close()


def test_go_to_step(window: MainWindow, monkeypatch) -> None:
    monkeypatch.setattr(moves, "ask_step", lambda *_: 25)
    window.actions_by_name["go_to_step"].trigger()
    tl = window.controller.timeline
    assert (tl.step, tl.cursor) == (25, 0)
    assert "Step 25" in window.step_label.text()
    steps, _ = window.loss_plot.series("train")
    assert list(steps) == list(range(26))  # every step on the way is plotted
    monkeypatch.setattr(moves, "ask_step", lambda *_: 3)
    window.actions_by_name["go_to_step"].trigger()
    assert tl.step == 3


def test_run_n_steps(window: MainWindow, monkeypatch) -> None:
    tl = window.controller.timeline
    monkeypatch.setattr(moves, "ask_steps", lambda *_: 100)
    window.actions_by_name["run_steps"].trigger()
    assert tl.step == 100
    window.actions_by_name["run_steps"].trigger()
    assert tl.step == 200
    reference = new_session("mazur").trainer
    reference.train(200)
    np.testing.assert_array_equal(tl.params_before_step(), reference.net.params)


def test_click_the_loss_plot_to_open_that_step(qtbot, window: MainWindow) -> None:
    lecture_of(window).run_steps(60)
    window.loss_plot.refresh()
    QApplication.processEvents()
    plot = window.loss_plot
    vb = plot.plot_item.vb
    widget = plot._plot_widget
    scene_point = vb.mapViewToScene(QPointF(20.0, 0.1))
    at = widget.mapFromScene(scene_point)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert window.controller.timeline.step == 20
    # past the curve's end: the last step plotted
    assert lecture_of(window).seek.step_at(-5.0, -5.0) is None


def test_presenter_mode_and_back(qtbot, window: MainWindow) -> None:
    a = window.actions_by_name
    a["presenter"].trigger()
    presenter = window.lecture.presenter
    assert presenter.presenting and a["lecture_mode"].isChecked()
    assert not window.menuBar().isVisible() and not window.toolbar.isVisible()
    assert not window.controls_dock.isVisible() and not window.lecture_dock.isVisible()
    assert window.formula_dock.isVisible() and window.loss_dock.isVisible()
    a["speaker_notes"].trigger()  # one screen here: the notes go to a strip
    assert presenter.notes_dock.isVisible()
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert presenter.strip.title.full_text() == "The inputs"
    assert presenter.strip.coming.full_text() == "Next: Forward: the weighted sum"
    view = window.network_view
    qtbot.keyPress(view, Qt.Key.Key_Control)  # held: the laser pointer
    assert presenter.laser.on and presenter.laser.timer.isActive()
    qtbot.keyRelease(view, Qt.Key.Key_Control)
    assert not presenter.laser.on and not presenter.laser.timer.isActive()
    a["add_bookmark"].trigger()  # while presenting: the panels in view are the bookmark's
    assert lecture_of(window).list[1].view.panels == ("formula", "loss")
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not presenter.presenting and not a["presenter"].isChecked()
    assert window.menuBar().isVisible() and window.toolbar.isVisible()
    assert not presenter.notes_dock.isVisible() and not presenter.timers()[0].isActive()


def test_the_pointer_hides_when_the_mouse_rests(window: MainWindow) -> None:
    from bpsim.ui.lecture.presenter import IDLE_POLL_MS, IDLE_SECONDS

    window.actions_by_name["presenter"].trigger()
    presenter = window.lecture.presenter
    ticks = round(IDLE_SECONDS * 1000 / IDLE_POLL_MS)
    for _ in range(ticks - 1):
        presenter._on_idle_tick()
    assert not presenter.pointer_hidden
    presenter._on_idle_tick()
    assert presenter.pointer_hidden
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    presenter._pointer = (presenter._pointer[0] + QPoint(5, 5), 0.0)  # as if the mouse moved
    presenter._on_idle_tick()
    assert not presenter.pointer_hidden and QApplication.overrideCursor() is None
    window.actions_by_name["presenter"].trigger()


SECOND_SCREEN = """
import json, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QGuiApplication
app = QApplication([])
from bpsim.model.sessions.session import new_session
from bpsim.ui.window.main_window import MainWindow
win = MainWindow(new_session("mazur"))
win.show()
win.actions_by_name["presenter"].trigger()
win.lecture.controller.next()
p = win.lecture.presenter
notes = p.notes_window
print(json.dumps({
    "screens": len(QGuiApplication.screens()),
    "window": win.screen().name(),
    "notes": None if notes is None else notes.screen().name(),
    "title": None if notes is None else notes.title.text(),
    "strip": p.notes_dock.isVisible(),
}))
win.actions_by_name["presenter"].trigger()
print(json.dumps({"after": p.notes_window is None}))
win.close()
"""


def test_speaker_notes_go_to_a_second_screen(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    screen = {"x": 0, "y": 0, "width": 1280, "height": 720, "logicalDpiX": 96, "logicalDpiY": 96}
    config = {
        "screens": [
            {**screen, "name": "audience"},
            {**screen, "name": "speaker", "x": 1280},
        ]
    }
    path = tmp_path / "screens.json"
    path.write_text(json.dumps(config))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={path}",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", SECOND_SCREEN],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    shown, after = (json.loads(line) for line in out.stdout.splitlines()[-2:])
    assert shown == {
        "screens": 2,
        "window": "audience",
        "notes": "speaker",
        "title": "The inputs",
        "strip": False,
    }
    assert after == {"after": True}


def test_export_the_lecture_from_the_window(
    window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from bpsim.ui.lecture import setup

    tl = window.controller.timeline
    window.actions_by_name["next"].trigger()
    deck = tmp_path / "deck"  # the suffix is added
    monkeypatch.setattr(setup.dialogs, "ask_save_file", lambda *_: str(deck))
    window.actions_by_name["export_lecture_pdf"].trigger()
    from tests.test_lecture_export import pdf_pages

    assert pdf_pages(tmp_path / "deck.pdf") == 9
    assert (tl.step, tl.cursor) == (0, 1)  # the window is where it was
    monkeypatch.setattr(setup.QFileDialog, "getExistingDirectory", lambda *_: str(tmp_path / "p"))
    window.actions_by_name["export_lecture_png"].trigger()
    assert len(list((tmp_path / "p").glob("*.png"))) == 9
    assert "9 pictures" in window.statusBar().currentMessage()
