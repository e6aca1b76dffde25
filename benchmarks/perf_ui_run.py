"""What :mod:`perf_ui` runs in a fresh process; the last line printed holds
``name=value`` pairs.

    perf_ui_run.py launch app|bare   start, show a window, exit at its first paint
    perf_ui_run.py export gif|png    export one step; seconds and peak MB it added
    perf_ui_run.py export count      how many frames that step's GIF shows
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _first_paint_exit(widget: object) -> None:
    """Exit the process as soon as ``widget`` has painted once."""
    original = widget.paintEvent  # type: ignore[attr-defined]

    def paint(event: object) -> None:
        original(event)
        sys.stdout.write("painted=1\n")
        sys.stdout.flush()
        os._exit(0)

    widget.paintEvent = paint  # type: ignore[attr-defined]


def launch(kind: str) -> None:
    if kind == "app":  # what `bpsim` does, up to its first paint
        from bpsim.app import run_app
        from bpsim.ui.network.view import NetworkView

        original = NetworkView.paintEvent

        def paint(self: NetworkView, event: object) -> None:
            original(self, event)  # type: ignore[arg-type]
            if self.scene() is not None:
                sys.stdout.write("painted=1\n")
                sys.stdout.flush()
                os._exit(0)

        NetworkView.paintEvent = paint  # type: ignore[method-assign]
        run_app()
        return
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    plot = pg.PlotWidget()
    plot.plot([0, 1, 2], [2, 0, 1])
    window.setCentralWidget(plot)
    _first_paint_exit(plot)
    window.resize(1280, 800)
    window.show()
    app.exec()


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _trace() -> tuple[object, tuple[str, ...]]:
    import dataclasses

    from bpsim.model.data.presets import get_preset
    from bpsim.model.sessions.session import new_session

    preset = dataclasses.replace(get_preset("spiral"), sizes=(2, 8, 8, 1), batch_size=4)
    trainer = new_session(preset).trainer
    X, Y = trainer.X[:4], trainer.Y[:4]
    net = trainer.net.copy()
    return net.trace_batch(X, Y, 0.01), net.activation_names


def export(kind: str) -> None:
    import tempfile

    from bpsim.app import limit_blas_threads
    from bpsim.ui.export.gif import gif_frames, write_gif
    from bpsim.ui.export.images import _app, write_frames

    limit_blas_threads()
    trace, names = _trace()
    chosen = gif_frames(trace)  # type: ignore[arg-type]
    if kind == "count":
        print(f"frames={len(chosen.frames)}")
        return
    _app()
    folder = tempfile.mkdtemp()
    # warm up what both share (fonts, the first slide), then start counting
    write_frames(trace, names, chosen.frames[:1], folder)  # type: ignore[arg-type]
    Path("/proc/self/clear_refs").write_text("5")  # the peak RSS starts over from here
    base = _rss_mb("VmRSS")
    t0 = time.perf_counter()
    if kind == "gif":
        write_gif(trace, names, Path(folder) / "step.gif")  # type: ignore[arg-type]
    else:
        write_frames(trace, names, chosen.frames, folder)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t0
    print(f"seconds={seconds:.4f} peak_mb={_rss_mb('VmHWM') - base:.2f}")


if __name__ == "__main__":
    {"launch": launch, "export": export}[sys.argv[1]](sys.argv[2])
