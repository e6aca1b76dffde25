"""The performance table's rows for the window (issue 10): each measured side
by side with its reference in one run, as medians of interleaved runs.

``ROWS`` (for ``benchmarks/perf.py``) holds one function per row; run this
file alone for just these rows:

    python benchmarks/perf_ui.py [--quick]

Everything runs offscreen (``QT_QPA_PLATFORM=offscreen``) with one BLAS
thread, as the app sets it. Launch and export run in fresh subprocesses
(:mod:`perf_ui_run`), so each starts cold and its memory is its own.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from perf_common import Row

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUICK = "--quick" in sys.argv  # fewer rounds (a smoke run), same rows
SIZE = (1600, 900)  # the window and the network view


# -- helpers -----------------------------------------------------------------------------


def _app() -> object:
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0]])
        # preferences of the benchmark's own, in a throwaway folder
        QCoreApplication.setOrganizationName("bpsim-perf")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
        from bpsim.app import limit_blas_threads

        limit_blas_threads()
    return app


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each function, the functions taking turns round by round."""
    for fn in fns.values():  # warm up
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def ratio_row(figure: str, ratio: float, reference: str, target: float, detail: str = "") -> Row:
    measured = f"{ratio:.2f}x" + (f" ({detail})" if detail else "")
    return Row(figure, measured, reference, f"<= {target:g}x", ratio <= target)


def _session(sizes: tuple[int, ...]) -> object:
    """A session of the spiral preset's data with hidden layers ``sizes[1:-1]``."""
    from bpsim.model.data.presets import get_preset
    from bpsim.model.sessions.session import new_session

    return new_session(dataclasses.replace(get_preset("spiral"), sizes=sizes))


def _wide_session(batch: int) -> object:
    """784-128-10 on random 784-pixel "images" of ten classes (MNIST's shape)."""
    import numpy as np

    from bpsim.model.data.dataset import Dataset
    from bpsim.model.engine.network import Network
    from bpsim.model.engine.optimizers import make_optimizer
    from bpsim.model.engine.training import Trainer
    from bpsim.model.sessions.session import Session

    rng = np.random.default_rng(0)
    X = rng.uniform(size=(200, 784))
    Y = np.eye(10)[rng.integers(0, 10, 200)]
    classes = tuple(str(k) for k in range(10))
    data = Dataset("digits", X, Y, "classification", class_names=classes)
    net = Network([784, 128, 10], ["sigmoid", "softmax"], "cross_entropy", seed=0)
    trainer = Trainer(net, data.X, data.Y, make_optimizer("sgd", lr=0.1), batch_size=batch)
    return Session(trainer, data, {"source": "digits"})


def _window(session: object) -> object:
    _app()
    from bpsim.ui.window.main_window import MainWindow

    window = MainWindow(session)  # type: ignore[arg-type]
    window.resize(*SIZE)
    window.show()
    return window


def _settle(app: object, n: int = 5) -> None:
    for _ in range(n):
        app.processEvents()  # type: ignore[attr-defined]


# -- 1. pressing Right -------------------------------------------------------------------


def _right_row(name: str, make: Callable[[], object]) -> Row:
    """One press of Right (its handler and every paint it causes in the window)
    against one repaint of the network view, the shown frame unchanged."""
    figure = f"pressing Right (frame to frame), {name}"
    app = _app()
    try:
        window = _window(make())
    except Exception as exc:
        return Row(
            figure, f"n/a: {type(exc).__name__}: {exc}"[:90], "one repaint", "<= 1.5x", False
        )
    _settle(app)
    ctrl = window.controller  # type: ignore[attr-defined]
    view = window.network_view  # type: ignore[attr-defined]
    ctrl._on_speed_changed(60)  # the pulse's animation is not what is measured
    right = window.actions_by_name["next"]  # type: ignore[attr-defined]

    def press() -> None:
        right.trigger()
        ctrl.finish_transition()
        app.processEvents()  # type: ignore[attr-defined]

    for _ in range(5):
        press()
    t = interleaved({"right": press, "repaint": view.repaint}, 15 if QUICK else 60)
    window.close()  # type: ignore[attr-defined]
    _settle(app)
    ms = f"{t['right'] * 1e3:.1f} vs {t['repaint'] * 1e3:.1f} ms"
    return ratio_row(figure, t["right"] / t["repaint"], "one repaint of the network view", 1.5, ms)


def right_2881() -> Row:
    return _right_row("2-8-8-1", lambda: _session((2, 8, 8, 1)))


def right_784() -> Row:
    return _right_row("784-128-10, batch 1", lambda: _wide_session(1))


# -- 2. training with the window shown ---------------------------------------------------


def _headless(preset: str, seconds: float) -> float:
    from bpsim.model.sessions.session import new_session

    trainer = new_session(preset).trainer
    start, t0 = trainer.step, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        trainer.train(200)
    return (trainer.step - start) / (time.perf_counter() - t0)


def _visible(preset: str, seconds: float) -> tuple[float, float]:
    """Steps per second and repaints of the network view per second, training
    as fast as possible with the window shown."""
    from PySide6.QtCore import QEventLoop, QTimer

    from bpsim.model.sessions.session import new_session

    app = _app()
    window = _window(new_session(preset))
    _settle(app)
    speed = window.controls.train_speed  # type: ignore[attr-defined]
    speed.setValue(speed.maximum())  # as fast as possible
    view = window.network_view  # type: ignore[attr-defined]
    paints = 0
    original = view.paintEvent

    def counting_paint(event: object) -> None:
        nonlocal paints
        paints += 1
        original(event)

    view.paintEvent = counting_paint
    trainer = window.controller.timeline.trainer  # type: ignore[attr-defined]
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    train = window.actions_by_name["train"]  # type: ignore[attr-defined]
    start, t0 = trainer.step, time.perf_counter()
    train.trigger()
    loop.exec()
    elapsed = time.perf_counter() - t0
    steps = trainer.step - start
    train.trigger()
    window.close()  # type: ignore[attr-defined]
    window.deleteLater()  # type: ignore[attr-defined]
    _settle(app)
    return steps / elapsed, paints / elapsed


def _training_row(preset: str) -> Row:
    seconds, rounds = (1.0, 1) if QUICK else (2.0, 3)
    headless, visible, fps = [], [], []
    for _ in range(rounds):
        headless.append(_headless(preset, seconds))
        steps, paints = _visible(preset, seconds)
        visible.append(steps)
        fps.append(paints)
    ratio = statistics.median(visible) / statistics.median(headless)
    rate = statistics.median(fps)
    detail = f"{statistics.median(visible):,.0f} vs {statistics.median(headless):,.0f} steps/s"
    return Row(
        f"training with the window shown (T), {preset}",
        f"{ratio:.2f}x at {rate:.0f} fps ({detail})",
        "headless Trainer",
        ">= 0.8x at >= 30 fps",
        ratio >= 0.8 and rate >= 30,
    )


def training_xor() -> Row:
    return _training_row("xor")


def training_spiral() -> Row:
    return _training_row("spiral")


def training_iris() -> Row:
    return _training_row("iris")


# -- 3 and 4: drawing --------------------------------------------------------------------


def view_redraw() -> Row:
    """The network view redrawn in full (new weights: edges, units, labels)
    against a bare QPainter drawing the same lines and circles."""
    import perf_ui_draw as draw

    _app()
    t = draw.compare_view_redraw((2, 8, 8, 1), SIZE, 10 if QUICK else 40)
    ms = f"{t['view'] * 1e3:.2f} vs {t['bare'] * 1e3:.2f} ms"
    return ratio_row(
        "network view, full redraw, 2-8-8-1", t["view"] / t["bare"], "bare QPainter", 1.3, ms
    )


def grouped_edges() -> Row:
    """Every edge of 64-32-10 drawn by the view's grouped pens, against one pen
    per edge and against a bare QPainter drawing the same lines."""
    import perf_ui_draw as draw

    _app()
    t = draw.compare_edges((64, 32, 10), SIZE, 5 if QUICK else 15)
    grouped, naive, bare = t["grouped"], t["naive"], t["bare"]
    ratio = grouped / bare
    return Row(
        "grouped-pen drawing of all 2,368 edges of 64-32-10",
        f"{ratio:.2f}x bare, {grouped / naive:.2f}x naive "
        f"({grouped * 1e3:.1f} / {bare * 1e3:.1f} / {naive * 1e3:.1f} ms)",
        "bare QPainter; a pen per edge",
        "<= 1.3x bare, < 1x naive",
        ratio <= 1.3 and grouped < naive,
    )


# -- 5 and 6: in fresh processes ---------------------------------------------------------


def _run(*args: str) -> dict[str, float]:
    """Run :mod:`perf_ui_run` with ``args`` in a fresh process; its last line
    holds ``name=value`` pairs."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # no saved window state
    env["BPSIM_DATA_DIR"] = tempfile.mkdtemp()  # no earlier autosave offered at start
    out = subprocess.run(
        [sys.executable, str(HERE / "perf_ui_run.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=600,
    ).stdout.strip()
    pairs = (item.split("=") for item in out.splitlines()[-1].split())
    return {key: float(value) for key, value in pairs}


def launch() -> Row:
    """Process start to the first paint: bpsim's window against a bare
    PySide6 + pyqtgraph window (a main window holding a plot)."""
    runs = 3 if QUICK else 9
    times: dict[str, list[float]] = {"app": [], "bare": []}
    for _ in range(runs):
        for name in times:
            t0 = time.perf_counter()
            _run("launch", name)
            times[name].append(time.perf_counter() - t0)
    app, bare = (statistics.median(times[k]) for k in ("app", "bare"))
    return ratio_row(
        "launch to first paint",
        app / bare,
        "bare PySide6 + pyqtgraph window",
        1.3,
        f"{app * 1e3:.0f} vs {bare * 1e3:.0f} ms",
    )


def gif_export() -> Row:
    """A GIF of one step against writing the same frames as PNGs: time, and
    the peak memory the export adds to the process."""
    runs = 1 if QUICK else 3
    gif: dict[str, list[float]] = {"seconds": [], "peak_mb": []}
    png: dict[str, list[float]] = {"seconds": [], "peak_mb": []}
    for _ in range(runs):
        for kind, into in (("gif", gif), ("png", png)):
            result = _run("export", kind)
            for key in into:
                into[key].append(result[key])
    g_s, g_mb = statistics.median(gif["seconds"]), statistics.median(gif["peak_mb"])
    p_s, p_mb = statistics.median(png["seconds"]), statistics.median(png["peak_mb"])
    t, m = g_s / p_s, g_mb / p_mb
    frames = int(_run("export", "count")["frames"])
    return Row(
        f"GIF export of a step (2-8-8-1 batch 4, {frames} frames, 1280x720)",
        f"{t:.2f}x time, {m:.2f}x memory "
        f"({g_s:.2f} s, {g_mb:.0f} MB vs {p_s:.2f} s, {p_mb:.0f} MB)",
        "the same frames as PNGs",
        "<= 1.2x time, <= 1.5x memory",
        t <= 1.2 and m <= 1.5,
    )


ROWS: list[Callable[[], Row]] = [
    right_2881,
    right_784,
    training_xor,
    training_spiral,
    training_iris,
    view_redraw,
    grouped_edges,
    launch,
    gif_export,
]


def main() -> None:
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    header = ("figure", "measured", "reference", "target", "holds")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for fn in ROWS:
        if names and fn.__name__ not in names:
            continue
        row = fn()
        cells = (*row[:4], "yes" if row.holds else "**no**")
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
