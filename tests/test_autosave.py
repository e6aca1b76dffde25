"""Autosave and recovery: the session is autosaved on structural changes and
at intervals; after a crash or a kill the next start offers it and restores
it exactly (weights, optimizer state, step, frame); a clean exit removes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTimer

from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import load_session
from bpsim.ui.safety.autosave import AutoSaver
from bpsim.ui.safety.recovery import DISCARD, LATER, RECOVER, Orphan, find_orphans
from bpsim.ui.safety.startup import start_window
from bpsim.ui.window.main_window import MainWindow
from bpsim.viewmodel.timeline import Granularity

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def never_asked(orphan: Orphan) -> str:
    raise AssertionError(f"asked about {orphan.session_file}")


def open_guarded(qtbot, data: Path, preset: str = "spiral", ask=never_asked) -> MainWindow:
    window = start_window(new_session(preset), ask=ask, data_dir=data, handle_sigterm=False)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def die(window: MainWindow) -> None:
    """What a kill -9 leaves: the autosave on disk, its lock held by a
    process that is gone (a child process takes the lock and is killed)."""
    saver = window.safety.saver
    saver.timer.stop()
    saver._finished = True  # this window writes no more
    saver.lock.unlock()
    code = (
        "import sys, time\n"
        "from PySide6.QtCore import QLockFile\n"
        "lock = QLockFile(sys.argv[1]); assert lock.tryLock(0)\n"
        "print('locked', flush=True); time.sleep(60)\n"
    )
    lock_path = str(saver.folder / f"{saver.name}.lock")
    child = subprocess.Popen([sys.executable, "-c", code, lock_path], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline().strip() == b"locked"
    child.kill()
    child.wait()
    assert Path(lock_path).exists()  # a stale lock: its process is not running


def test_a_crash_is_offered_at_the_next_start_and_restored_exactly(qtbot, tmp_path) -> None:
    a = open_guarded(qtbot, tmp_path)
    c = a.controller
    for _ in range(7):
        c.timeline.forward(Granularity.STEP)
    c.timeline.seek(5)
    c.refresh()
    tl = c.timeline
    expected = (tl.step, tl.cursor, tl.params_before_step().copy())
    a.safety.saver.save_now(wait=True)
    assert a.safety.saver.saves == 2  # at the start, and now
    die(a)
    asked: list[str] = []

    def recover(orphan: Orphan) -> str:
        asked.append(orphan.describe())
        return RECOVER

    b = open_guarded(qtbot, tmp_path, preset="mazur", ask=recover)
    assert len(asked) == 1 and "spirals" in asked[0] and "at step 7" in asked[0]
    tl = b.controller.timeline
    assert (tl.step, tl.cursor) == expected[:2]
    assert np.array_equal(tl.params_before_step(), expected[2])  # bit for bit
    assert b.safety.recovered is not None
    assert "Recovered" in b.statusBar().currentMessage()
    # the old autosave is gone, the new one holds the work
    files = sorted(p.name for p in (tmp_path / "autosave").iterdir())
    saver = b.safety.saver
    assert files == sorted([saver.session_file.name, saver.meta_file.name, f"{saver.name}.lock"])
    assert load_session(saver.session_file).trainer.step == 7
    b.safety.finish()  # a clean exit removes it
    assert list((tmp_path / "autosave").iterdir()) == []
    a.safety.guard.uninstall()


def test_discard_removes_and_not_now_keeps_the_autosave(qtbot, tmp_path) -> None:
    a = open_guarded(qtbot, tmp_path)
    die(a)
    a.safety.guard.uninstall()
    b = open_guarded(qtbot, tmp_path, preset="xor", ask=lambda orphan: LATER)
    assert b.controller.timeline.session.settings.get("preset") == "xor"
    b.safety.finish()
    (orphan,) = find_orphans(tmp_path / "autosave")  # still there, offered again
    orphan.release()
    c = open_guarded(qtbot, tmp_path, preset="xor", ask=lambda orphan: DISCARD)
    c.safety.finish()
    assert find_orphans(tmp_path / "autosave") == []
    assert list((tmp_path / "autosave").iterdir()) == []


def test_an_autosave_that_cannot_be_read_is_set_aside(qtbot, tmp_path) -> None:
    a = open_guarded(qtbot, tmp_path)
    die(a)
    a.safety.guard.uninstall()
    a.safety.saver.session_file.write_text('{"format": "bpsim-session", "schema_version": [')
    b = open_guarded(qtbot, tmp_path, preset="xor", ask=lambda orphan: RECOVER)
    assert b.controller.timeline.session.settings.get("preset") == "xor"
    broken = a.safety.saver.session_file.with_name(a.safety.saver.session_file.name + ".broken")
    assert broken.exists()  # not lost, not offered again
    b.safety.finish()
    assert find_orphans(tmp_path / "autosave") == []


def test_autosaves_on_structural_changes_and_at_intervals(qtbot, tmp_path) -> None:
    window = MainWindow(new_session("xor"))
    qtbot.addWidget(window)
    saver = AutoSaver(window, tmp_path, interval=3600, poll_ms=20)
    saved: list[str] = []
    saver.sigSaved.connect(saved.append)
    qtbot.waitUntil(lambda: saver.saves == 1)  # opening is a structural change
    window.controller.timeline.forward(Granularity.STEP)
    qtbot.wait(100)
    assert saver.saves == 1  # a step: only at the interval
    window.controller.load(new_session("spiral"))  # another data set and network
    qtbot.waitUntil(lambda: saver.saves == 2)
    assert load_session(saver.session_file).dataset.name == new_session("spiral").dataset.name
    saver.interval = 0.0
    qtbot.wait(100)
    assert saver.saves == 2  # nothing changed since
    window.controller.timeline.forward(Granularity.STEP)
    qtbot.waitUntil(lambda: saver.saves == 3)
    assert load_session(saver.session_file).trainer.step == 1
    assert saved and saved[-1] == str(saver.session_file)
    assert QSettings().contains("window/geometry")  # the preferences were synced too
    saver.finish()
    assert not saver.session_file.exists()


def test_an_autosave_while_training_holds_the_training_step(qtbot, tmp_path) -> None:
    window = MainWindow(new_session("spiral"))
    qtbot.addWidget(window)
    window.show()
    saver = AutoSaver(window, tmp_path, interval=3600, poll_ms=3_600_000)
    window.controls.train_speed.setValue(window.controls.train_speed.maximum())
    window.actions_by_name["train"].setChecked(True)
    trainer = window.controller.timeline.trainer
    qtbot.waitUntil(lambda: trainer.step > 50, timeout=20_000)
    saver.save_now(wait=True)
    step, params = trainer.step, trainer.net.params.copy()
    window.actions_by_name["train"].setChecked(False)
    restored = load_session(saver.session_file)
    assert restored.trainer.step == step
    assert np.array_equal(restored.trainer.net.params, params)
    saver.finish()


@pytest.mark.qt_no_exception_capture
def test_after_an_error_the_dialog_says_the_work_was_autosaved(qtbot, tmp_path) -> None:
    window = open_guarded(qtbot, tmp_path)
    guard = window.safety.guard
    before = window.safety.saver.saves

    def boom() -> None:
        raise ValueError("Maximum allowed dimension exceeded")

    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: guard.dialog is not None)
    assert "Your work is safe: it was autosaved at" in guard.dialog.text()
    assert window.safety.saver.saves == before + 1
    guard.dialog.close()
    window.safety.finish()


def run_app(data: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "BPSIM_DATA_DIR": str(data), "XDG_CONFIG_HOME": str(data / "config")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-m", "bpsim", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def wait_for_autosave(data: Path, proc: subprocess.Popen[str]) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = list((data / "autosave").glob("*.meta.json"))
        if found:
            return found[0]
        assert proc.poll() is None, proc.communicate()[1]
        time.sleep(0.1)
    raise AssertionError("no autosave within 60 s")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_killed_app_leaves_its_work_for_the_next_start(tmp_path, how: str) -> None:
    proc = run_app(tmp_path, "--preset", "xor")
    try:
        meta = wait_for_autosave(tmp_path, proc)
        proc.send_signal(getattr(signal, how))
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "Traceback" not in err
    if how != "SIGKILL":
        assert proc.returncode == 0  # a quit that keeps the autosave
    (orphan,) = find_orphans(tmp_path / "autosave")
    assert orphan.meta == json.loads(meta.read_text())
    assert load_session(orphan.session_file).settings.get("preset") == "xor"
    orphan.release()


def test_the_autosave_holds_what_save_writes(qtbot, tmp_path) -> None:
    """The data sets are converted once per session, apart from the rest:
    the file is the very document File → Save writes."""
    window = MainWindow(new_session("iris"))
    qtbot.addWidget(window)
    saver = AutoSaver(window, tmp_path / "autosave", poll_ms=3_600_000)
    c = window.controller
    for _ in range(2):
        c.timeline.forward(Granularity.STEP)
        c.refresh()
        saver.save_now(wait=True)
        c.files.save(str(tmp_path / "saved.bpsim.json"))
        saved = json.loads((tmp_path / "saved.bpsim.json").read_text())
        assert json.loads(saver.session_file.read_text()) == saved
        assert saved["test_dataset"] is not None and len(saved["dataset"]["X"]) > 1
    saver.finish()
