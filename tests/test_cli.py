"""The command line: start-up smoke test in a subprocess, and export."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6.QtGui import QImage

from bpsim.cli import main
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import open_session, save_session
from bpsim.ui.export import gif as gifs
from bpsim.ui.export import images
from bpsim.viewmodel.timeline import Granularity, Timeline, group_key

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
    with Image.open(gif) as image:
        frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(image)]
        assert image.info["duration"] == 250 and image.info["loop"] == 0
    assert len(frames) == len(Timeline(new_session("xor")).trace)
    assert frames[0].shape == (200, 320, 3)
    assert frames[0].tobytes() != frames[-1].tobytes()


def test_long_steps_are_animated_one_layer_at_a_time(tmp_path: Path, capsys, monkeypatch) -> None:
    """Too many frames: the last of each layer's group, in a GIF whose
    colours (one palette for all frames) match the rendered slides."""
    monkeypatch.setattr(gifs, "MAX_GIF_FRAMES", 10)  # mazur: 32 frames, 18 units, 8 layers
    gif = tmp_path / "step.gif"
    assert main(["export", "--preset", "mazur", "--animation", str(gif), "--size", "640x360",
                 "--fps", "10"]) == 0  # fmt: skip
    assert capsys.readouterr().out == f"wrote {gif} (8 frames, one per layer)\n"
    session = open_session("mazur", None)
    trace, names = Timeline(session).trace, session.trainer.net.activation_names
    shown = gifs.gif_frames(trace).frames
    with Image.open(gif) as image:
        assert image.n_frames == 8 and image.info["duration"] == 100
        gif_rgb = [np.asarray(f.convert("RGB"), dtype=int) for f in ImageSequence.Iterator(image)]
    for i in (0, 4, 7):  # a forward, a backward and an update frame
        (slide,) = images.render(trace, names, [shown[i]], (640, 360))
        error = np.abs(gif_rgb[i] - images.to_rgb(slide)).max(axis=2)
        assert (error == 0).mean() > 0.85 and np.percentile(error, 99.9) < 30


def test_gif_palette_keeps_common_colours_and_maps_to_the_nearest() -> None:
    noise = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    flat = np.zeros((64, 64, 3), dtype=np.uint8)
    flat[:, :32], flat[:, 32:] = (174, 199, 225), (140, 211, 192)  # edge blue, halo teal
    palette = gifs.GifPalette([noise, flat])  # 4,096 colours and 2 common ones
    assert len(palette.colours) <= 3 * 256
    image = palette.image(flat)
    assert image.mode == "P" and np.array_equal(np.asarray(image.convert("RGB")), flat)
    distance = ((noise[:, :, None, :].astype(int) - palette.rgb) ** 2).sum(axis=3)
    assert np.array_equal(np.asarray(palette.image(noise)), distance.argmin(axis=2))


def test_gif_frames_take_the_finest_groups_that_fit() -> None:
    trace = Timeline(new_session("mazur")).trace  # 32 frames: 18 units, 8 layers, 4 passes
    ends = {
        g: [k for k in range(len(trace)) if k == len(trace) - 1
            or group_key(trace.frames[k], g) != group_key(trace.frames[k + 1], g)]
        for g in (Granularity.UNIT, Granularity.LAYER, Granularity.PASS)
    }  # fmt: skip
    all_frames = gifs.gif_frames(trace, limit=32)
    assert all_frames.frames == tuple(range(32)) and all_frames.describe() == "every frame"
    fits = {31: Granularity.UNIT, 17: Granularity.LAYER, 7: Granularity.PASS}
    for limit, granularity in fits.items():
        chosen = gifs.gif_frames(trace, limit=limit)
        assert chosen.granularity is granularity and list(chosen.frames) == ends[granularity]
        assert chosen.describe() == f"one per {granularity.value}"
    thinned = gifs.gif_frames(trace, limit=3)  # 4 passes: every second one, ending on the last
    assert thinned.frames == (ends[Granularity.PASS][1], ends[Granularity.PASS][3])
    assert thinned.describe() == "one every 2 passes"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--session", "missing.json", "--frames", "0:2", "--out", "x"], "no such file"),
        (["--preset", "mazur", "--frames", "40:50", "--out", "x"], "outside this step"),
        (["--preset", "mazur", "--frames", "a:b", "--out", "x"], "frames must look like"),
        (["--preset", "mazur", "--frames", "0:2"], "--frames needs --out"),
        (["--preset", "mazur", "--frames", "0:2", "--out", "x", "--size", "big"], "size must"),
        (["--preset", "mazur", "--animation", "x.png"], "must end in .gif"),
        (["--preset", "mazur", "--animation", "x/a.gif"], "there is no folder x"),
        (["--preset", "mazur", "--animation", "x.gif", "--out", "x"], "--out goes with --frames"),
        (["--preset", "mazur", "--animation", "x.gif", "--fps", "0"], "--fps must be above 0"),
        (["--preset", "mazur", "--animation", "x.gif", "--fps", "-5"], "at most 50, not -5"),
        (["--preset", "mazur", "--animation", "x.gif", "--fps", "nan"], "at most 50, not nan"),
        (["--preset", "mazur", "--animation", "x.gif", "--fps", "inf"], "at most 50, not inf"),
        (["--preset", "mazur", "--animation", "x.gif", "--fps", "51"], "at most 50, not 51"),
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


def test_export_in_its_own_process_is_quiet(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run(
        [sys.executable, "-m", "bpsim", "export", "--preset", "mazur", "--frames", "3",
         "--out", str(tmp_path), "--size", "320x200"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout.strip() == f"wrote 1 frame to {tmp_path}"
    assert (tmp_path / "frame_0003.png").exists()


def test_export_can_show_gradients(tmp_path: Path) -> None:
    frame = "20"  # a gradient frame of the worked example's backward pass
    for edges in ("weights", "gradients"):
        args = ["--preset", "mazur", "--frames", frame, "--size", "640x360", "--edges", edges]
        assert main(["export", *args, "--out", str(tmp_path / edges)]) == 0
    a = QImage(str(tmp_path / "weights" / "frame_0020.png"))
    b = QImage(str(tmp_path / "gradients" / "frame_0020.png"))
    assert a.size() == b.size() and a != b


def test_gif_stream_writes_each_frame_where_it_changed(tmp_path: Path) -> None:
    """Frames go to the file one by one, each cropped to what changed; read
    back, every frame is whole and exact, and a frame equal to the one before
    is still a frame of its own."""
    from bpsim.ui.export.gif_stream import GifStream

    rng = np.random.default_rng(1)
    colours = rng.integers(0, 256, 3 * 16, dtype=np.uint8).tobytes()
    first = rng.integers(0, 16, (30, 40), dtype=np.uint8)
    second = first.copy()
    second[10:12, 25:30] = 3  # a small change, away from the left edge
    frames = [first, second, second, rng.integers(0, 16, (30, 40), dtype=np.uint8)]
    path = tmp_path / "x.gif"
    with path.open("wb") as fp:
        gif = GifStream(fp, (40, 30), colours, 120)
        for frame in frames:
            gif.add(frame)
        gif.close()
        with pytest.raises(ValueError):
            gif.add(first[:, :20])
    with Image.open(path) as image:
        assert image.n_frames == 4 and image.info["duration"] == 120 and image.info["loop"] == 0
        palette = np.frombuffer(colours, dtype=np.uint8).reshape(-1, 3)
        for frame, read in zip(frames, ImageSequence.Iterator(image), strict=True):
            assert np.array_equal(np.asarray(read.convert("RGB")), palette[frame])
