"""bpsim's desktop files: what ships in ``bpsim.resources`` and where each
goes in the user's XDG data folder (``$XDG_DATA_HOME``, ``~/.local/share``
by default)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

APP_ID = "io.github.bpsim.bpsim"  # the desktop file's, icon's and AppStream id
MIME_TYPE = "application/x-bpsim-session"
SESSION_SUFFIX = ".bpsim"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def resources() -> Traversable:
    return files("bpsim.resources")


def desktop_entry() -> Traversable:
    return resources() / "desktop" / f"{APP_ID}.desktop"


def metainfo() -> Traversable:
    return resources() / "desktop" / f"{APP_ID}.metainfo.xml"


def mime_info() -> Traversable:
    return resources() / "desktop" / f"{APP_ID}.mime.xml"


def svg_icon() -> Traversable:
    return resources() / "icons" / "bpsim.svg"


def png_icon(size: int) -> Traversable:
    return resources() / "icons" / "png" / f"bpsim-{size}.png"


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` where it is unset, empty or
    relative (as the XDG Base Directory specification says)."""
    env = os.environ if env is None else env
    value = env.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path(env.get("HOME") or Path.home()) / ".local" / "share"


@dataclass(frozen=True)
class Placement:
    """One file to install: where it comes from, where it goes (relative to
    the data folder)."""

    source: Traversable
    target: Path


def placements() -> list[Placement]:
    """Every file ``bpsim --install-desktop`` writes, but the desktop entry
    (which gets the launcher's path written into it)."""
    icons = Path("icons") / "hicolor"
    found = [
        Placement(metainfo(), Path("metainfo") / f"{APP_ID}.metainfo.xml"),
        Placement(mime_info(), Path("mime") / "packages" / f"{APP_ID}.xml"),
        Placement(svg_icon(), icons / "scalable" / "apps" / f"{APP_ID}.svg"),
    ]
    for size in ICON_SIZES:
        target = icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        found.append(Placement(png_icon(size), target))
    return found


DESKTOP_TARGET = Path("applications") / f"{APP_ID}.desktop"
