"""The command line: start-up smoke test in a subprocess, and export."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import pytest
from PySide6.QtGui import QImage

from bpsim.cli import main
from bpsim.model.session import new_session, save_session
from bpsim.timeline import Timeline

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def test_version_and_help_need_no_display() -> None:
    env = {k: v for k, v in ENV.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "bpsim", "--version"], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0 and out.stdout.startswith("bpsim ")
    out = subprocess.run([sys.executable, "-m", "bpsim", "--help"], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0 and "export" in out.stdout


def test_the_app_starts_and_keeps_running(tmp_path: Path) -> None:
    """Launch ``bpsim`` offscreen in its own process (one QApplication per
    process): it must come up and stay up without a traceback."""
    env = {**ENV, "XDG_CONFIG_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "bpsim", "--preset", "xor"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err


def test_bad_start_options_give_one_line(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "bpsim", "--preset", "nope"], env=ENV,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "unknown preset 'nope'" in out.stderr


def test_export_frames(tmp_path: Path) -> None:
    assert main(["export", "--preset", "mazur", "--frames", "0:3", "--out", str(tmp_path),
                 "--size", "640x360"]) == 0  # fmt: skip
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["frame_0000.png", "frame_0001.png", "frame_0002.png"]
    image = QImage(str(tmp_path / "frame_0001.png"))
    assert (image.width(), image.height()) == (640, 360)
    assert len({image.pixel(x, y) for x in range(0, 640, 16) for y in range(0, 360, 16)}) > 10


def test_export_animation_from_a_session(tmp_path: Path) -> None:
    session_file = tmp_path / "s.json"
    save_session(session_file, new_session("xor"))
    gif = tmp_path / "step.gif"
    assert main(["export", "--session", str(session_file), "--animation", str(gif),
                 "--size", "320x200"]) == 0  # fmt: skip
    frames = iio.imread(gif, index=None)
    expected = len(Timeline(new_session("xor")).trace)
    assert frames.shape[0] == expected and frames.shape[1:3] == (200, 320)
    assert frames[0].tobytes() != frames[-1].tobytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--session", "missing.json", "--frames", "0:2", "--out", "x"], "no such file"),
        (["--preset", "mazur", "--frames", "40:50", "--out", "x"], "outside this step"),
        (["--preset", "mazur", "--frames", "a:b", "--out", "x"], "frames must look like"),
        (["--preset", "mazur", "--frames", "0:2"], "--frames needs --out"),
        (["--preset", "mazur", "--frames", "0:2", "--out", "x", "--size", "big"], "size must"),
        (["--preset", "mazur", "--animation", "x.png"], "must end in .gif"),
    ],
)
def test_export_errors_are_one_line(tmp_path: Path, capsys, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_presets_command(capsys) -> None:
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("mazur")
