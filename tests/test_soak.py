"""The soak test: the window driven offscreen through many frames, bursts of
training and injected faults (tests/soak_driver.py, in a process of its
own). The process must live, nothing may be lost, memory must stay within
:data:`RSS_GROWTH_MB` of where it started, and the count of references to
None must not fall (the PySide6 6.12 / Python 3.11 crash, GUIDE.md §4).

The short form runs with the suite. The long form (100,000 frames and a few
minutes of training, about an hour on a busy two-core machine) runs when
``BPSIM_SOAK_FRAMES`` is set, e.g.
``BPSIM_SOAK_FRAMES=100000 BPSIM_SOAK_TRAIN_SECONDS=150 python -m pytest tests/test_soak.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("soak_driver.py")
ROOT = DRIVER.parents[1]
RSS_GROWTH_MB = 100  # over the whole run, after a warm-up
NONE_REF_SLACK = 1_000  # the interpreter's own references come and go

FRAMES = int(os.environ.get("BPSIM_SOAK_FRAMES", "300"))
TRAIN_SECONDS = float(os.environ.get("BPSIM_SOAK_TRAIN_SECONDS", "3"))
LONG = "BPSIM_SOAK_FRAMES" in os.environ


@pytest.mark.slow
def test_the_window_survives_a_soak_and_loses_nothing(tmp_path: Path) -> None:
    round_frames = 1000 if LONG else 60  # the short form: each of the five faults once
    args = [sys.executable, str(DRIVER), "--frames", str(FRAMES), "--preset", "mazur"]
    args += ["--train-seconds", str(TRAIN_SECONDS), "--round", str(round_frames)]
    args += ["--size", "800x500", "--progress", str(tmp_path / "progress.jsonl")]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BPSIM_DATA_DIR": str(tmp_path)}
    env["PYTHONPATH"] = str(ROOT)
    timeout = 4 * 3600 if LONG else 600
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"the soaked process died: {out.stderr[-2000:]}"
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1))
    assert result["frames"] == FRAMES // round_frames * round_frames
    assert result["steps_trained"] > 0
    assert result["lost"] == []
    assert sum(result["faults"].values()) == FRAMES // round_frames
    assert result["errors_caught"] == result["faults"]["slot exception"]
    assert result["rss_end_mb"] - result["rss_start_mb"] <= RSS_GROWTH_MB
    if sys.version_info < (3, 12):  # from 3.12 on None is immortal
        assert result["none_refs_end"] >= result["none_refs_start"] - NONE_REF_SLACK
    assert "Traceback" not in out.stderr


def test_the_traced_samples_ring_does_not_grow_a_symbol_atlas(qtbot) -> None:
    """Found by the soak: a new pen for the ring every frame added a picture
    to pyqtgraph's symbol atlas (keyed by the pen object) every frame, and 6
    references to None, without end."""
    from bpsim.model.sessions.session import new_session
    from bpsim.ui.window.main_window import MainWindow

    window = MainWindow(new_session("xor"))
    qtbot.addWidget(window)
    window.show()
    atlas = window.data_view._ring.fragmentAtlas
    for _ in range(30):
        window.actions_by_name["next"].trigger()
    settled = len(atlas)  # one picture per ring width the panel's type sizes gave
    for _ in range(60):
        window.actions_by_name["next"].trigger()
    assert len(atlas) == settled <= 4
