"""The global exception hook: an error escaping a slot is logged to a
rotating file, shown in one dialog (never a flood of them), and the app
keeps running. pytest-qt's own capture of such errors is switched off here
(``qt_no_exception_capture``), as pytest-qt documents, so that ours sees them."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from bpsim.ui.safety import crash_guard
from bpsim.ui.safety.crash_guard import CrashGuard, describe, shorten

pytestmark = pytest.mark.qt_no_exception_capture


def boom(message: str = "Maximum allowed dimension exceeded") -> None:
    raise ValueError(message)


@pytest.fixture
def guard(qtbot, tmp_path: Path):
    guard = CrashGuard(tmp_path / "logs", make_safe=lambda: "Your work was autosaved.")
    guard.install()
    yield guard
    guard.uninstall()
    if guard.dialog is not None:
        guard.dialog.close()


def test_an_error_in_a_slot_is_logged_shown_once_and_the_app_goes_on(qtbot, guard) -> None:
    assert sys.excepthook == guard.hook
    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: guard.dialog is not None)
    box = guard.dialog
    assert box.text().startswith("Something went wrong inside bpsim (ValueError: Maximum")
    assert "Your work was autosaved." in box.text()
    assert str(guard.log_path) in box.informativeText()
    assert "keeps running" in box.informativeText()
    log = guard.log_path.read_text(encoding="utf-8")
    assert "Traceback" in log and "ValueError: Maximum allowed dimension exceeded" in log
    # a burst of errors: logged and counted in the open dialog, no second dialog
    for _ in range(12):
        QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: "12 more errors" in box.informativeText())
    assert guard.shown == 1 and guard.caught == 13
    assert guard.log_path.read_text(encoding="utf-8").count("Traceback") == 13
    # the event loop still runs, and after the dialog is closed the next error shows again
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1])
    box.done(0)
    qtbot.waitUntil(lambda: guard.dialog is None)
    QTimer.singleShot(0, lambda: boom("again"))
    qtbot.waitUntil(lambda: guard.dialog is not None)
    assert guard.shown == 2 and "again" in guard.dialog.text()


def test_uninstall_restores_the_previous_hooks(qtbot, tmp_path: Path) -> None:
    before = (sys.excepthook, threading.excepthook)
    guard = CrashGuard(tmp_path)
    guard.install()
    guard.install()  # twice is once
    guard.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_an_error_in_a_thread_opens_the_dialog_on_the_gui_thread(qtbot, guard) -> None:
    worker = threading.Thread(target=boom, args=("from a worker",))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: guard.dialog is not None)
    assert "from a worker" in guard.dialog.text()


def test_when_making_the_work_safe_fails_the_dialog_says_so(qtbot, tmp_path: Path) -> None:
    def failing() -> str:
        raise OSError("disk full")

    guard = CrashGuard(tmp_path, make_safe=failing)
    guard.install()
    try:
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: guard.dialog is not None)
        text = guard.dialog.text()
        assert "Autosave failed (disk full): save your work under a new name." in text
        assert "making the work safe failed too" in guard.log_path.read_text(encoding="utf-8")
        assert guard.caught == 1  # the failure inside was logged, not looped
    finally:
        guard.uninstall()
        guard.dialog.close()


def test_the_hook_never_raises_even_when_the_log_cannot_be_written(
    qtbot, tmp_path: Path, capsys
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    guard = CrashGuard(blocker / "logs")  # cannot be created
    try:
        raise RuntimeError("lost")
    except RuntimeError as exc:
        guard.hook(RuntimeError, exc, exc.__traceback__)  # must not raise
    assert "RuntimeError: lost" in capsys.readouterr().err
    qtbot.waitUntil(lambda: guard.dialog is not None)
    guard.dialog.close()


def test_the_log_is_bounded(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(crash_guard, "LOG_BYTES", 5_000)
    guard = CrashGuard(tmp_path)
    for k in range(300):
        try:
            boom("x" * 50 + str(k))
        except ValueError as exc:
            guard.hook(ValueError, exc, exc.__traceback__)
    guard.uninstall()
    files = sorted(tmp_path.glob("bpsim.log*"))
    assert len(files) == 1 + crash_guard.LOG_BACKUPS
    assert all(f.stat().st_size <= 5_000 + 1_000 for f in files)
    assert "x" * 50 + "299" in (tmp_path / "bpsim.log").read_text(encoding="utf-8")
    qtbot.waitUntil(lambda: guard.dialog is not None)
    guard.dialog.close()


def test_messages_are_one_short_line() -> None:
    assert shorten("a\n  b\tc") == "a b c"
    long = shorten("y" * 50_000_146, crash_guard.MESSAGE_CHARS)
    assert len(long) == crash_guard.MESSAGE_CHARS and long.endswith("…")
    assert describe(KeyError()) == "Something went wrong inside bpsim (KeyError: no details)."
