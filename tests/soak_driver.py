"""The soak: the whole window, offscreen, driven through many frames, bursts
of training and injected faults, in a process of its own; prints one JSON
line of what it measured. Run by ``tests/test_soak.py``, or by hand:

    python tests/soak_driver.py --frames 100000 --train-seconds 180

Each round steps ``ROUND_FRAMES`` frames (Next, now and then Previous, with
the event loop painting after each), trains for its share of the training
time, and injects one fault, in turn: a malformed session file opened, an
exception raised in a slot, an absurd loss drawn, a learning rate that
diverges, a save that cannot be written. After each fault the session must
be exactly what it was (or, for the learning rate, what the user made it);
after each round the autosave must hold the session as shown.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROUND_FRAMES = 500


def rss_mb() -> float:
    """The process's resident memory (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(
    frames: int,
    train_seconds: float,
    preset: str = "spiral",
    *,
    round_frames: int = ROUND_FRAMES,
    size: tuple[int, int] = (1280, 800),
    progress: Path | None = None,
) -> dict[str, object]:
    import numpy as np
    from PySide6.QtCore import QCoreApplication, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from bpsim.model.sessions.session import new_session
    from bpsim.model.sessions.session_file import load_session
    from bpsim.ui.safety.recovery import LATER
    from bpsim.ui.safety.startup import start_window

    data = Path(tempfile.mkdtemp(prefix="bpsim-soak-"))
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("bpsim-soak")
    QCoreApplication.setApplicationName("bpsim-soak")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(data))
    window = start_window(
        new_session(preset), ask=lambda _: LATER, data_dir=data, handle_sigterm=False
    )
    window.resize(*size)
    window.show()
    c, a = window.controller, window.actions_by_name
    window.controls.train_speed.setValue(window.controls.train_speed.maximum())
    guard, saver = window.safety.guard, window.safety.saver
    deep = data / "deep.json"
    deep.write_text('{"format": "bpsim-session", "x": ' + "[" * 5000 + "]" * 5000 + "}")
    unwritable = data / "missing-folder" / "x.bpsim.json"

    def pump(seconds: float = 0.0) -> None:
        end = time.monotonic() + seconds
        app.processEvents()
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)

    def state() -> tuple[object, ...]:
        tl = c.timeline
        return (tl.step, tl.cursor, tl.trainer.step, tl.params_before_step().tobytes())

    def close_boxes() -> int:
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        if guard.dialog is not None:
            boxes.append(guard.dialog)
        for box in boxes:
            box.done(0)
        pump()
        return len(boxes)

    def boom() -> None:
        raise RuntimeError("an injected fault")

    faults = {"malformed file": 0, "slot exception": 0, "absurd loss": 0}
    faults.update({"diverging rate": 0, "failed save": 0})
    lost: list[str] = []

    def inject(kind: str, r: int) -> None:
        before = state()
        if kind == "malformed file":
            c.files.load_file(str(deep))
        elif kind == "slot exception":
            QTimer.singleShot(0, boom)
            deadline = time.monotonic() + 10
            while guard.dialog is None and time.monotonic() < deadline:
                pump(0.01)  # the hook, then the dialog from the event loop
        elif kind == "absurd loss":
            c.plot.append(c.plotted_until + 1, 1e307)
            c.plot.refresh()
        elif kind == "failed save":
            c.files.save(str(unwritable))
        elif kind == "diverging rate":
            lr = window.controls.learning_rate.value()
            window.controls.learning_rate.setValue(1e6)
            a["train"].setChecked(True)
            pump(0.3)
            a["train"].setChecked(False)
            window.controls.learning_rate.setValue(lr)  # the user's own change, undone
            c.timeline.go_to_step(before[0])
            c.timeline.seek(before[1])
            c.refresh()
            if not np.isfinite(c.timeline.trainer.net.params).all():
                lost.append("non-finite parameters after divergence")
        shown = close_boxes()
        if kind in ("malformed file", "failed save", "slot exception") and shown != 1:
            lost.append(f"round {r}, {kind}: {shown} dialogs")
        faults[kind] += 1
        after = state()
        if kind == "diverging rate":
            after, before = after[:2] + after[3:], before[:2] + before[3:]
        if after != before:
            lost.append(f"round {r}, {kind} changed the session")

    pump(0.5)
    for _ in range(200):  # warm up: caches, fonts, the first traces
        a["next"].trigger()
        pump()
    gc.collect()
    start = {"rss_mb": rss_mb(), "none_refs": sys.getrefcount(None), "step": c.timeline.step}
    t0 = time.monotonic()
    rss_by_round: list[float] = []
    done = 0
    rounds = max(1, frames // round_frames)
    kinds = list(faults)
    trained = 0
    for r in range(rounds):
        for k in range(round_frames):
            a["prev" if k % 9 == 8 else "next"].trigger()
            pump()
            done += 1
        step_before = c.timeline.trainer.step
        a["train"].setChecked(True)
        pump(train_seconds / rounds)
        a["train"].setChecked(False)
        pump()
        trained += max(0, c.timeline.trainer.step - step_before)
        inject(kinds[r % len(kinds)], r)
        saver.save_now(wait=True)
        saved = load_session(saver.session_file)
        expected = c.timeline.params_before_step()
        if not np.array_equal(saved.trainer.net.params, expected):
            lost.append(f"round {r}: the autosave differs from the session shown")
        gc.collect()
        rss_by_round.append(round(rss_mb(), 1))
        if progress is not None:
            line = {"round": r, "frames": done, "steps_trained": trained}
            line |= {"rss_mb": rss_by_round[-1], "none_refs": sys.getrefcount(None)}
            line |= {"seconds": round(time.monotonic() - t0), "lost": lost}
            with progress.open("a") as f:
                f.write(json.dumps(line) + "\n")
    gc.collect()
    end = {"rss_mb": rss_mb(), "none_refs": sys.getrefcount(None), "step": c.timeline.step}
    result: dict[str, object] = {
        "preset": preset,
        "size": f"{size[0]}x{size[1]}",
        "frames": done,
        "steps_trained": trained,
        "final_step": c.timeline.trainer.step,
        "seconds": round(time.monotonic() - t0, 1),
        "rss_start_mb": round(start["rss_mb"], 1),
        "rss_end_mb": round(end["rss_mb"], 1),
        "rss_max_mb": max(rss_by_round),
        "none_refs_start": start["none_refs"],
        "none_refs_end": end["none_refs"],
        "faults": faults,
        "errors_caught": guard.caught,
        "autosaves": saver.saves,
        "lost": lost,
    }
    window.safety.finish()
    window.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=2000)
    parser.add_argument("--train-seconds", type=float, default=5.0)
    parser.add_argument("--preset", default="spiral")
    parser.add_argument("--round", type=int, default=ROUND_FRAMES, help="frames per round")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--progress", type=Path, help="append a JSON line per round here")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    result = run(
        args.frames,
        args.train_seconds,
        args.preset,
        round_frames=args.round,
        size=(w, h),
        progress=args.progress,
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
