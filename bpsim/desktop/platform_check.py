"""Before Qt starts: is there a display, and can Qt's platform plugin load?

Qt's own answer to a missing display or library is a paragraph of text and an
abort (exit 134). These checks run first, without importing Qt, and give one
line in the user's words instead: what is wrong and what to do. They apply
to Linux and the other free Unixes; Windows and macOS always have a screen.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# The system libraries without which Qt's plugins cannot load (the libraries
# they link, read with objdump from PySide6 6.11's), by shared object name,
# with the Debian/Ubuntu package that ships each. packaging/system-deps.sh
# installs these and a few that only some features use (libdbus-1-3,
# libxcb-xinerama0, libwayland-egl1, fonts); a test keeps the two together.
COMMON_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6",
}
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
}
WAYLAND_LIBRARIES = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
}
PLATFORM_LIBRARIES: dict[str, dict[str, str]] = {
    "xcb": XCB_LIBRARIES,
    "wayland": WAYLAND_LIBRARIES,
    "wayland-egl": WAYLAND_LIBRARIES,
}
PLATFORM_NAMES = {"xcb": "X11", "wayland": "Wayland", "wayland-egl": "Wayland"}

DEPS_SCRIPT = "packaging/system-deps.sh"
NO_DISPLAY = (
    "bpsim: no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
    "Run bpsim in a desktop session; 'bpsim export' writes frames without a display, "
    "and scripts can run the app with QT_QPA_PLATFORM=offscreen."
)

Loader = Callable[[str], bool]


def applies(platform: str = sys.platform) -> bool:
    """Whether these checks apply: on Linux and the BSDs, not on Windows or macOS."""
    return not platform.startswith(("win", "cygwin", "darwin"))


def candidate_platforms(env: Mapping[str, str]) -> list[str]:
    """The Qt platform plugins Qt will try, in order: those QT_QPA_PLATFORM
    names (``wayland;xcb``, arguments after ``:`` left out), else Wayland
    where WAYLAND_DISPLAY is set and X11 where DISPLAY is set."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        names = (part.split(":", 1)[0].strip() for part in chosen.split(";"))
        return [name for name in names if name]
    found = []
    if env.get("WAYLAND_DISPLAY"):
        found.append("wayland")
    if env.get("DISPLAY"):
        found.append("xcb")
    return found


def _bundle_dirs() -> list[Path]:
    """In a PyInstaller bundle, the folders its own copies of libraries are in."""
    base = getattr(sys, "_MEIPASS", None)
    if base is None:
        return []
    root = Path(base)
    return [root, root / "PySide6" / "Qt" / "lib"]


def can_load(soname: str) -> bool:
    """Whether the dynamic linker finds and loads ``soname`` (as Qt will)."""
    if any((folder / soname).exists() for folder in _bundle_dirs()):
        return True
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(platform: str, load: Loader = can_load) -> dict[str, str]:
    """The libraries Qt's ``platform`` plugin needs that cannot be loaded,
    each with the Debian package that has it."""
    needed = {**COMMON_LIBRARIES, **PLATFORM_LIBRARIES.get(platform, {})}
    return {lib: package for lib, package in needed.items() if not load(lib)}


def describe_missing(platform: str, missing: Mapping[str, str]) -> str:
    """One line: which libraries the ``platform`` plugin lacks, and how to install them."""
    where = PLATFORM_NAMES.get(platform, platform)
    packages = " ".join(dict.fromkeys(missing.values()))
    return (
        f"bpsim: Qt cannot open a window on {where}: these system libraries are missing: "
        f"{', '.join(missing)}. Install them with 'sudo apt-get install {packages}' "
        f"(or run {DEPS_SCRIPT} from bpsim's source), or use QT_QPA_PLATFORM=offscreen "
        "for scripts."
    )


def display_problem(
    env: Mapping[str, str] | None = None, load: Loader = can_load, platform: str = sys.platform
) -> str | None:
    """Why the window cannot open, in one line, or None when Qt may start."""
    if not applies(platform):
        return None
    env = os.environ if env is None else env
    platforms = candidate_platforms(env)
    if not platforms:
        return NO_DISPLAY
    first_missing: tuple[str, dict[str, str]] | None = None
    for name in platforms:
        missing = missing_libraries(name, load)
        if not missing:
            return None
        first_missing = first_missing or (name, missing)
    assert first_missing is not None
    return describe_missing(*first_missing)
