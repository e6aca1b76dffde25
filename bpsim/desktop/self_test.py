"""``bpsim --self-test``: the app, driven offscreen as a user would, in a few
seconds. It opens the window on the classic worked example, steps forward
and back (into the next training step and back), trains for a moment and
exports a frame, checking the numbers on the way, and prints each check.
It touches none of the user's settings. Exit status 0 when all pass."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import numpy as np

from bpsim import __version__

TRAIN_SECONDS = 1.0
Check = Callable[[], str]


class SelfTest:
    """The checks, in order, sharing one window."""

    def __init__(self, folder: Path) -> None:
        from bpsim.model.sessions.session import new_session
        from bpsim.ui.window.main_window import MainWindow

        self.folder = folder
        self.window = MainWindow(new_session("mazur"))
        self.timeline = self.window.controller.timeline
        self.actions = self.window.actions_by_name

    def checks(self) -> list[tuple[str, Check]]:
        return [
            ("opens the window", self.opens),
            ("steps forward", self.steps_forward),
            ("steps back", self.steps_back),
            ("rewinds a training step exactly", self.rewinds),
            ("trains", self.trains),
            ("exports a frame", self.exports),
        ]

    def _press(self, name: str, times: int = 1) -> None:
        from PySide6.QtWidgets import QApplication

        for _ in range(times):
            self.actions[name].trigger()
        QApplication.processEvents()

    def opens(self) -> str:
        from PySide6.QtWidgets import QApplication

        w = self.window
        w.resize(1280, 800)
        w.show()
        QApplication.processEvents()
        tl = self.timeline
        assert w.isVisible(), "the window is not shown"
        assert tl.cursor == 0 and len(tl.trace) > 20, f"frame {tl.cursor} of {len(tl.trace)}"
        return f"{w.windowTitle()!r}, {w.width()}x{w.height()}, frame 1 of {len(tl.trace)}"

    def steps_forward(self) -> str:
        tl = self.timeline
        self._press("next")
        assert tl.frame.label == "net_h1", f"frame 2 is {tl.frame.label}"
        assert abs(float(tl.frame.value or 0) - 0.3775) < 1e-12, f"net_h1 = {tl.frame.value}"
        self._press("end")
        w5 = float(tl.trace.weights_at(tl.cursor)[1][0, 0])
        assert abs(w5 - 0.35891648) < 1e-8, f"w5 after the update is {w5}"
        return f"net_h1 = 0.3775 at frame 2; w5 = {w5:.8f} after the update"

    def steps_back(self) -> str:
        tl = self.timeline
        frames = tl.cursor
        self._press("prev", frames)
        w = tl.trace.weights_at(tl.cursor)
        assert tl.cursor == 0, f"at frame {tl.cursor + 1}"
        assert (float(w[0][0, 0]), float(w[1][0, 0])) == (0.15, 0.40), "weights changed"
        return f"{frames} frames back to frame 1: w1 = 0.15, w5 = 0.4 again"

    def rewinds(self) -> str:
        tl = self.timeline
        before = [w.copy() for w in tl.trace.weights_before]
        self._press("end")
        self._press("next")  # into the next training step
        assert tl.step == 1 and tl.cursor == 0, f"step {tl.step}, frame {tl.cursor}"
        self._press("prev")
        assert tl.step == 0, f"back at step {tl.step}"
        after = tl.trace.weights_before
        same = all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
        assert same, "the weights before step 1 differ after rewinding"
        return "to step 2 and back: the same weights, to the last bit"

    def trains(self) -> str:
        from PySide6.QtCore import QEventLoop, QTimer

        tl, controls = self.timeline, self.window.controls
        controls.train_speed.setValue(controls.train_speed.maximum())
        trainer = tl.trainer
        step0, loss0 = trainer.step, float(trainer.net.loss(trainer.X, trainer.Y))
        self.actions["train"].setChecked(True)
        loop = QEventLoop()
        QTimer.singleShot(int(TRAIN_SECONDS * 1000), loop.quit)
        loop.exec()
        self.actions["train"].setChecked(False)
        trainer = tl.trainer
        steps, loss = trainer.step - step0, float(trainer.net.loss(trainer.X, trainer.Y))
        assert steps > 10, f"only {steps} steps in {TRAIN_SECONDS} s"
        assert loss < loss0, f"the loss went from {loss0:.6g} to {loss:.6g}"
        return f"{steps} steps in {TRAIN_SECONDS:g} s, loss {loss0:.4g} -> {loss:.4g}"

    def exports(self) -> str:
        from PySide6.QtGui import QImage

        from bpsim.ui.export.images import render, write_png

        tl = self.timeline
        names = tl.trainer.net.activation_names
        path = self.folder / "frame.png"
        (image,) = render(tl.trace, names, [tl.cursor], (1280, 720), "weights")
        write_png(image, path)
        read = QImage(str(path))
        assert (read.width(), read.height()) == (1280, 720), f"{read.width()}x{read.height()}"
        colours = {read.pixel(x, y) for x in range(0, 1280, 40) for y in range(0, 720, 40)}
        assert len(colours) > 10, f"a blank picture ({len(colours)} colours)"
        return f"a 1280x720 PNG of frame {tl.cursor + 1}, {path.stat().st_size} bytes"

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()


def _quiet_offscreen_notes() -> None:
    """Offscreen windows say they do not support propagateSizeHints(): no news here."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print one line each; 0 if all pass, else 1."""
    out = sys.stdout if out is None else out
    started = time.perf_counter()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6 import __version__ as qt_version
    from PySide6.QtCore import QCoreApplication, QSettings

    from bpsim.app import limit_blas_threads
    from bpsim.desktop.qt_start import start_application

    app = start_application()
    _quiet_offscreen_notes()
    limit_blas_threads()
    print(f"bpsim {__version__} self-test (PySide6 {qt_version}, {app.platformName()})", file=out)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="bpsim-self-test-") as folder:
        # the user's own settings stay as they are
        QCoreApplication.setOrganizationName("bpsim-self-test")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        test = SelfTest(Path(folder))
        try:
            for name, check in test.checks():
                try:
                    said = check()
                except Exception as exc:  # a failed check is reported, and the rest run
                    failed += 1
                    print(f"  FAIL {name}: {exc or type(exc).__name__}", file=out)
                else:
                    print(f"  ok   {name}: {said}", file=out)
        finally:
            test.close()
    total = len(test.checks())
    seconds = time.perf_counter() - started
    verdict = "all passed" if not failed else f"{failed} of {total} FAILED"
    print(f"{total} checks, {verdict}, in {seconds:.1f} s", file=out)
    return 0 if not failed else 1
