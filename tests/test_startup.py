"""Starting bpsim: no display, Qt's platform plugin failing, a session file
given as the only argument, the save dialog's extension, the self-test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from bpsim import __version__
from bpsim.cli import build_parser, main, session_file_argument
from bpsim.desktop.platform_check import NO_DISPLAY
from bpsim.desktop.qt_start import explain_failure
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import load_session, save_session
from bpsim.ui.window import dialogs

DISPLAY_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
QT_SAID_NO_X = [
    "could not connect to display :77",
    "From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin.",
    'Could not load the Qt platform plugin "xcb" in "" even though it was found.',
    "This application failed to start because no Qt platform plugin could be initialized. "
    "Reinstalling the application may fix this problem.\n\nAvailable platform plugins are: "
    "minimal, offscreen, xcb, wayland.\n",
]


def run_bpsim(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARS}
    return subprocess.run([sys.executable, "-m", "bpsim", *args], env={**clean, **env},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_no_display_one_line_and_status_2() -> None:
    out = run_bpsim()
    assert out.returncode == 2
    assert out.stderr == NO_DISPLAY + "\n" and out.stdout == ""
    out = run_bpsim("--preset", "xor", "--fullscreen")
    assert (out.returncode, out.stderr) == (2, NO_DISPLAY + "\n")


def test_an_unreachable_x_display_is_one_line_not_an_abort() -> None:
    out = run_bpsim(DISPLAY=":77")
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and "Qt platform plugin" not in out.stderr
    assert "cannot connect to the X display ':77'" in out.stderr


def test_an_unknown_platform_plugin_is_one_line_not_an_abort() -> None:
    out = run_bpsim(QT_QPA_PLATFORM="nosuchplugin")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "no platform plugin 'nosuchplugin'" in out.stderr
    assert "offscreen" in out.stderr and "Reinstalling" not in out.stderr


def library_file(soname: str) -> Path | None:
    """Where the dynamic linker finds ``soname``, following links."""
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        if line.strip().startswith(soname + " ") and "=>" in line:
            return Path(line.split("=>")[1].strip()).resolve()
    return None


def can_hide_files() -> bool:
    """Root, in a sandbox that lets it make a private mount namespace."""
    if shutil.which("unshare") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    try:
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


@pytest.mark.skipif(not can_hide_files(), reason="needs root and unshare -m")
def test_missing_x11_libraries_are_named_not_an_abort() -> None:
    """A fresh machine, for real: the X11 libraries of issue 11 hidden (in a
    private mount namespace, /dev/null bound over each file)."""
    sonames = ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0"]
    found = {name: library_file(name) for name in sonames}
    if not all(found.values()):
        pytest.skip(f"not installed here: {[n for n, p in found.items() if p is None]}")
    binds = " && ".join(f"mount --bind /dev/null {path}" for path in found.values())
    clean = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARS}
    out = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"{binds} && exec {sys.executable} -m bpsim"],
        env={**clean, "DISPLAY": ":99"}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and "Qt platform plugin" not in out.stderr
    assert "missing: libxcb-icccm.so.4, libxkbcommon-x11.so.0, libxcb-cursor.so.0." in out.stderr
    assert "apt-get install libxcb-icccm4 libxkbcommon-x11-0 libxcb-cursor0" in out.stderr


def test_what_qt_said_becomes_one_line() -> None:
    env = {"DISPLAY": ":77"}
    have_all = explain_failure(QT_SAID_NO_X, env, lambda lib: True)
    assert "cannot connect to the X display ':77'" in have_all and "\n" not in have_all
    lacking = explain_failure(QT_SAID_NO_X, env, lambda lib: lib != "libxcb-cursor.so.0")
    assert "missing: libxcb-cursor.so.0." in lacking and "apt-get install libxcb-cursor0" in lacking
    wayland = [
        "Failed to create wl_display (No such file or directory)",
        'Could not load the Qt platform plugin "wayland" in "" even though it was found.',
    ]
    said = explain_failure(wayland, {"WAYLAND_DISPLAY": "wayland-3"}, lambda lib: True)
    assert "Wayland display 'wayland-3'" in said
    other = explain_failure(["Something else"], {}, lambda lib: True)
    assert "packaging/system-deps.sh" in other and "\n" not in other


def test_version_is_the_packages(tmp_path: Path) -> None:
    from importlib.metadata import version

    assert version("bpsim") == __version__
    out = run_bpsim("--version")
    assert out.stdout.strip() == f"bpsim {__version__}"


def test_a_file_as_the_only_argument_opens_it() -> None:
    assert session_file_argument(["lesson.bpsim"]) == ["--session", "lesson.bpsim"]
    assert session_file_argument(["--fullscreen", "/a b/old.json"]) == [
        "--fullscreen", "--session", "/a b/old.json"
    ]  # fmt: skip
    assert session_file_argument(["--preset", "xor"]) == ["--preset", "xor"]
    assert session_file_argument(["export", "--preset", "xor", "--frames", "1", "--out", "d"]) == [
        "export", "--preset", "xor", "--frames", "1", "--out", "d"
    ]  # fmt: skip
    assert session_file_argument(["presets"]) == ["presets"]
    assert session_file_argument(["--", "-odd.bpsim"]) == ["--session", "-odd.bpsim"]
    args = build_parser().parse_args(session_file_argument(["x.bpsim"]))
    assert args.session == "x.bpsim" and args.command is None


@pytest.mark.parametrize("name", ["lesson.bpsim", "old-style.bpsim.json", "older.json"])
def test_sessions_open_whatever_their_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    save_session(path, new_session("xor"))
    assert load_session(path).trainer.net.sizes == new_session("xor").trainer.net.sizes
    assert main(["export", "--session", str(path), "--frames", "0", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "frame_0000.png").is_file()


def test_save_session_adds_the_extension(qtbot) -> None:
    assert dialogs.with_session_suffix("/home/ann/lesson") == "/home/ann/lesson.bpsim"
    assert dialogs.with_session_suffix("/home/ann/lesson.bpsim") == "/home/ann/lesson.bpsim"
    assert dialogs.with_session_suffix("/home/ann/old.json") == "/home/ann/old.json"
    assert dialogs.with_session_suffix("") == ""
    dialog = dialogs.session_save_dialog(None, None)
    qtbot.addWidget(dialog)
    assert dialog.defaultSuffix() == "bpsim"
    assert dialog.acceptMode() is QFileDialog.AcceptMode.AcceptSave
    assert dialog.selectedFiles()[0].endswith("session.bpsim")
    assert "*.bpsim" in dialogs.SESSION_FILTER and "*.json" in dialogs.SESSION_FILTER


def test_self_test_passes_and_says_what_it_checked(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    out = run_bpsim("--self-test", **env)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"bpsim {__version__} self-test")
    assert sum(line.startswith("  ok ") for line in lines) == 6
    assert "net_h1 = 0.3775" in out.stdout and "w5 = 0.35891648" in out.stdout
    assert lines[-1].startswith("6 checks, all passed")
    assert "Traceback" not in out.stderr and not list(tmp_path.rglob("*.conf"))
