"""``bpsim --install-desktop`` and ``--uninstall-desktop``: the menu entry,
the icons, the AppStream metainfo and the ``.bpsim`` file type, in the
user's own XDG data folder (no root needed), and the desktop's caches
updated where their tools are installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bpsim.desktop.files import DESKTOP_TARGET, data_home, desktop_entry, placements
from bpsim.desktop.platform_check import applies

# Characters that make an Exec argument need quotes (Desktop Entry spec, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
CACHE_TOOLS: tuple[tuple[str, Sequence[str], str], ...] = (
    ("update-desktop-database", ("-q", "{data}/applications"), "menu"),
    ("update-mime-database", ("{data}/mime",), "file types"),
    ("gtk-update-icon-cache", ("-q", "-t", "-f", "{data}/icons/hicolor"), "icons"),
)

Which = Callable[[str], str | None]
NOT_HERE = (
    "bpsim: --install-desktop is for Linux and BSD desktops (XDG); on Windows and macOS, "
    "start bpsim from its bundle (packaging/build-bundle.sh)"
)


def launcher_command(
    argv0: str | None = None, executable: str | None = None, frozen: bool | None = None
) -> list[str]:
    """The command that starts this bpsim: the bundle's program, the
    ``bpsim`` script that is running (pip's or pipx's), else ``python -m bpsim``."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    executable = sys.executable if executable is None else executable
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    if frozen:
        return [os.path.abspath(executable)]
    script = Path(argv0)
    if script.stem == "bpsim" and script.suffix in ("", ".exe") and script.is_file():
        return [os.path.abspath(script)]  # not resolved: pipx's link survives upgrades
    return [os.path.abspath(executable), "-m", "bpsim"]


def exec_argument(arg: str) -> str:
    """``arg`` written for a desktop file's Exec key: quoted where needed,
    ``%`` doubled, then escaped as the key's string value."""
    arg = arg.replace("%", "%%")
    if not any(c in _RESERVED for c in arg):
        return arg
    inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{inner}"'.replace("\\", "\\\\")


def entry_text(template: str, command: Sequence[str]) -> str:
    """The desktop entry with ``command`` as its program (Exec and TryExec)."""
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(exec_argument(a) for a in command) + " %f"
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0].replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def update_caches(
    data: Path, which: Which = shutil.which, run: Callable[..., object] = subprocess.run
) -> list[str]:
    """Run the desktop's cache tools that are installed; the names of what
    was updated."""
    updated = []
    for tool, args, what in CACHE_TOOLS:
        path, folder = which(tool), Path(args[-1].format(data=data))
        if path is None or not folder.is_dir():
            continue
        try:
            run([path, *(a.format(data=data) for a in args)], capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError):
            continue
        updated.append(what)
    return updated


def install(data: Path | None = None, command: Sequence[str] | None = None) -> list[Path]:
    """Write every desktop file into ``data`` (the XDG data folder); the
    paths written. Raises OSError."""
    data = data_home() if data is None else data
    command = launcher_command() if command is None else list(command)
    # every file read before any is written: a broken installation changes nothing
    contents = {data / p.target: p.source.read_bytes() for p in placements()}
    entry = entry_text(desktop_entry().read_text("utf-8"), command)
    contents[data / DESKTOP_TARGET] = entry.encode("utf-8")
    for target, content in contents.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return list(contents)


def uninstall(data: Path | None = None) -> list[Path]:
    """Remove what :func:`install` wrote; the paths removed."""
    data = data_home() if data is None else data
    removed = []
    for target in [data / p.target for p in placements()] + [data / DESKTOP_TARGET]:
        if target.is_file():
            target.unlink()
            removed.append(target)
    return removed


def run_install(remove: bool = False) -> int:
    """The command line's ``--install-desktop`` (or, with ``remove``,
    ``--uninstall-desktop``): one report on stdout, status 0; a file that
    cannot be written is one line on stderr, status 1."""
    if not applies():
        print(NOT_HERE, file=sys.stderr)
        return 2
    data = data_home()
    try:
        if remove:
            done = uninstall(data)
        else:
            command = launcher_command()
            done = install(data, command)
    except OSError as exc:
        where = Path(exc.filename or data)
        if where.is_relative_to(data):
            print(f"bpsim: cannot change {where}: {exc.strerror}", file=sys.stderr)
        else:  # one of bpsim's own files
            print(f"bpsim: cannot read {where} ({exc.strerror}): reinstall bpsim", file=sys.stderr)
        return 1
    updated = update_caches(data)
    caches = f"; updated the desktop's caches ({', '.join(updated)})" if updated else ""
    if remove:
        what = f"removed {len(done)} files" if done else "found nothing to remove"
        print(f"bpsim: {what} from {data}{caches}.")
    else:
        print(
            f"bpsim: installed the menu entry, icons and the .bpsim file type in {data} "
            f"({len(done)} files){caches}. It starts: {' '.join(command)}"
        )
    return 0
