"""Training throughput with the window visible against headless.

Headless: the timeline trains in a plain loop. Visible: the main window
trains continuously (offscreen, the real paint path: network view, loss
plot, status bar at display rate). Runs alternate, in one process, and the
figure that matters is the ratio. Run:
    QT_QPA_PLATFORM=offscreen python benchmarks/bench_training_gui.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from bpsim.app import limit_blas_threads
from bpsim.model.sessions.session import new_session
from bpsim.viewmodel.timeline import Timeline


def headless(preset: str, seconds: float) -> float:
    tl = Timeline(new_session(preset))
    start, t0 = tl.trainer.step, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        tl.train_for(0.05)
    return (tl.trainer.step - start) / (time.perf_counter() - t0)


def visible(preset: str, seconds: float, size: tuple[int, int]) -> tuple[float, float]:
    """Steps per second and repaints per second with the window training."""
    from bpsim.ui.window.main_window import MainWindow

    window = MainWindow(new_session(preset))
    speed = getattr(window.controls, "train_speed", None)
    if speed is not None:  # the fastest setting: "as fast as possible"
        speed.setValue(speed.maximum())
    window.resize(*size)
    window.show()
    paints = 0
    original = window.network_view.paintEvent

    def counting_paint(event: object) -> None:
        nonlocal paints
        paints += 1
        original(event)  # type: ignore[arg-type]

    window.network_view.paintEvent = counting_paint  # type: ignore[method-assign]
    trainer = window.controller.timeline.trainer
    start = trainer.step
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    t0 = time.perf_counter()
    window.actions_by_name["train"].trigger()
    loop.exec()
    elapsed = time.perf_counter() - t0
    steps = trainer.step - start
    window.actions_by_name["train"].trigger()
    window.close()
    window.deleteLater()
    return steps / elapsed, paints / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--presets", nargs="+", default=["xor", "spiral", "iris"])
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("bpsim-bench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    limit_blas_threads()
    print(f"{'preset':8} {'headless steps/s':>17} {'visible steps/s':>16} {'ratio':>6} {'fps':>5}")
    for preset in args.presets:
        h, v, fps = [], [], []
        for _ in range(args.rounds):
            h.append(headless(preset, args.seconds))
            steps, paints = visible(preset, args.seconds, (1600, 900))
            v.append(steps)
            fps.append(paints)
        hm, vm = statistics.median(h), statistics.median(v)
        print(f"{preset:8} {hm:17,.0f} {vm:16,.0f} {vm / hm:6.2f} {statistics.median(fps):5.0f}")
    del app


if __name__ == "__main__":
    main()
