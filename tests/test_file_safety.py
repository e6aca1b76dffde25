"""Opening and saving in the window: a malformed file gives one dialog and
the current session stays exactly as it was (nothing half-swapped); big
files are read off the GUI thread with a progress dialog that cancels; the
command line prints one line and exits 2."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from bpsim.cli import main
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import save_session
from bpsim.ui.safety import loading
from bpsim.ui.window.main_window import MainWindow
from bpsim.viewmodel.timeline import Granularity


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture
def window(qtbot) -> MainWindow:
    window = MainWindow(new_session("spiral"))
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    c = window.controller
    for _ in range(3):
        c.timeline.forward(Granularity.STEP)
    c.timeline.seek(4)
    c.refresh()
    return window


def state(window: MainWindow) -> tuple[object, ...]:
    c = window.controller
    tl = c.timeline
    return (
        tl,
        tl.session,
        tl.step,
        tl.cursor,
        tl.first_step,
        tl.trainer.step,
        tl.params_before_step().tobytes(),
        tl.trainer.net.params.tobytes(),
        window.windowTitle(),
        c.session_path,
        json.dumps(c.plot.history()),
        c.controls.granularity.currentIndex(),
        c.a["gradient_mode"].isChecked(),
    )


def one_warning(window: MainWindow) -> QMessageBox:
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1, [b.text() for b in boxes]
    box = boxes[0]
    box.close()
    box.setParent(None)
    return box


def session_doc(preset: str = "xor") -> dict:
    return json.loads(json.dumps(_saved(preset)))


def _saved(preset: str) -> dict:
    from bpsim.model.sessions.session_file import session_to_dict

    return session_to_dict(new_session(preset))


def malformed(tmp_path: Path) -> dict[str, str]:
    """Files that escaped the loader as RecursionError, ValueError and OverflowError."""
    files = {}
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "bpsim-session", "x": ' + "[" * 5000 + "]" * 5000 + "}")
    files["deep"] = str(deep)
    doc = session_doc()
    doc["training"]["step"] = "REPLACE"
    digits = tmp_path / "digits.json"
    digits.write_text(json.dumps(doc).replace('"REPLACE"', "9" * 5000))
    files["digits"] = str(digits)
    doc = session_doc()
    doc["network"]["weights"][0][0][0] = "REPLACE"
    overflow = tmp_path / "overflow.json"
    overflow.write_text(json.dumps(doc).replace('"REPLACE"', "1" + "0" * 400))
    files["overflow"] = str(overflow)
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe\x00garbage")
    files["garbage"] = str(garbage)
    return files


def test_malformed_files_give_one_dialog_and_change_nothing(qtbot, window, tmp_path) -> None:
    for name, path in malformed(tmp_path).items():
        before = state(window)
        window.controller.files.load_file(path)
        box = one_warning(window)
        assert box.windowTitle() == "Cannot open this session", name
        assert path in box.text() and len(box.text()) <= 300 + len(path) and "\n" not in box.text()
        assert state(window) == before, name


def test_settings_the_window_cannot_take_refuse_the_file_and_change_nothing(
    qtbot, window, tmp_path
) -> None:
    """The loader checks the settings it knows (issue 12, case 7: a
    granularity of 10**19 once stopped opening half-way): one message naming
    the field, and the window exactly as it was."""
    doc = session_doc("xor")
    doc["settings"].update(granularity=10**19, frame=10**30, edge_mode=10**19)
    path = tmp_path / "odd-settings.json"
    path.write_text(json.dumps(doc))
    before = state(window)
    window.controller.files.load_file(str(path))
    box = one_warning(window)
    assert "granularity" in box.text() and "\n" not in box.text()
    assert state(window) == before


def test_a_view_failing_half_way_puts_the_window_back(qtbot, window, tmp_path, monkeypatch) -> None:
    path = tmp_path / "xor.json"
    save_session(path, new_session("xor"))
    before = state(window)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a view could not take it")

    original = window.data_view.set_data
    calls = []

    def fails_once(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            broken()
        original(*args, **kwargs)

    monkeypatch.setattr(window.data_view, "set_data", fails_once)
    with pytest.raises(RuntimeError, match="could not take it"):  # to the crash guard
        window.controller.files.load_file(str(path))
    assert state(window) == before
    window.controller.timeline.go_to_step(0)  # its way back in time is kept
    assert window.controller.timeline.step == 0


def test_a_session_that_cannot_be_saved_gives_one_dialog(qtbot, window, tmp_path) -> None:
    path = tmp_path / "lesson.bpsim.json"
    path.write_text("the old file")
    window.controller.timeline.session.settings["odd"] = float("nan")
    before = state(window)
    window.controller.files.save(str(path))
    box = one_warning(window)
    assert box.windowTitle() == "Cannot save the session" and str(path) in box.text()
    assert path.read_text() == "the old file"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["lesson.bpsim.json"]
    assert state(window) == before


def progress_shown(window: MainWindow) -> bool:
    return any(d.isVisible() for d in window.findChildren(QProgressDialog))


def big_session_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.bpsim.json"
    save_session(path, new_session("spiral"))
    return path


def test_a_big_file_is_read_off_the_gui_thread(qtbot, window, tmp_path) -> None:
    path = big_session_file(tmp_path)
    shown = []
    reader = loading.read_file(
        window, str(path), loading.read_session, shown.append, pytest.fail, big=1
    )
    assert reader is not None
    assert reader.dialog.isVisible() and "big.bpsim.json" in reader.dialog.labelText()
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert shown[0].trainer.step == 0 and not progress_shown(window)


def test_reading_can_be_cancelled_and_changes_nothing(qtbot, window, tmp_path) -> None:
    path = big_session_file(tmp_path)
    release = threading.Event()

    def slow(p: str):
        release.wait(30)
        return loading.read_session(p)

    before = state(window)
    reader = loading.read_file(window, str(path), slow, pytest.fail, pytest.fail, big=1)
    assert reader is not None
    assert isinstance(reader.dialog, QProgressDialog)
    (button,) = reader.dialog.findChildren(QPushButton)
    assert button.text() == "Cancel"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert reader.cancelled and not progress_shown(window)
    release.set()
    assert reader.wait(30)
    qtbot.wait(50)  # the dropped result arrives and is dropped
    assert state(window) == before


def test_a_big_file_that_fails_gives_the_dialog(qtbot, window, tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    why = []
    loading.read_file(window, str(path), loading.read_session, pytest.fail, why.append, big=1)
    qtbot.waitUntil(lambda: len(why) == 1)
    assert why[0].startswith(str(path)) and "\n" not in why[0]


def test_open_in_the_window_reads_big_files_in_the_background(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(loading, "BIG_FILE_BYTES", 1)
    path = big_session_file(tmp_path)
    window.controller.files.load_file(str(path))
    assert window.controller.session_path is None  # not yet
    qtbot.waitUntil(lambda: window.controller.session_path == str(path))
    assert window.controller.timeline.step == 0
    assert np.isfinite(window.controller.timeline.trainer.net.params).all()


def test_the_command_line_says_one_line_and_exits_2(tmp_path, capsys) -> None:
    for name, path in malformed(tmp_path).items():
        assert main(["--session", path]) == 2, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"bpsim: {path}"), (name, err)
        args = ["export", "--session", path, "--frames", "0", "--out", str(tmp_path)]
        assert main(args) == 2, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("bpsim export: "), (name, err)


def test_csv_files_go_the_same_way(qtbot, window, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(loading, "BIG_FILE_BYTES", 1)
    good = tmp_path / "exam.csv"
    good.write_text("hours,passed\n" + "".join(f"{k / 10},{int(k > 20)}\n" for k in range(40)))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n" + "9" * 5000 + ",1\n")
    before = state(window)
    window.controller.files.load_csv(str(bad))
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    assert one_warning(window).windowTitle() == "Cannot use this CSV file"
    assert state(window) == before
    window.controller.files.load_csv(str(good))
    qtbot.waitUntil(lambda: window.controller.timeline.session.dataset.name == "exam")
    assert window.controller.timeline is not before[0]
