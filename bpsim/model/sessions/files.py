"""Writing files whole or not at all, and cleaning up after interrupted writes.

:func:`atomic_write` writes into a hidden temporary file next to the target
(``.NAME.bpsim-XXXXXXXX.tmp``), syncs it, renames it into place and syncs the
folder, so that after a crash the folder holds the old file or the new one,
never half of one. A write killed before the rename leaves its temporary
file behind; :func:`clean_stale_temp_files` removes such files (the app
calls it at start-up, and every save calls it for its own folder).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TEMP_MARK = ".bpsim-"
# A temporary file younger than this may belong to a save still under way
# (in another bpsim, say): it is left alone.
STALE_AFTER_SECONDS = 120.0
# Ours: ".NAME.bpsim-XXXXXXXX.tmp"; before the mark existed: ".NAME.XXXXXXXX.tmp".
_TEMP_NAME = re.compile(r"\..+\.(?:bpsim-)?[a-z0-9_]{8}\.tmp")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush ``folder``'s entries (a rename in it) to the disk, where the
    system allows it; best effort, never raises."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    with contextlib.suppress(OSError):
        fd = os.open(folder, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(target: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Call ``write(path)`` on a temporary file next to ``target``, then
    rename it into place and sync the folder: readers see the old file or the
    new one, never half of one. The file gets the usual permissions (0666
    less the umask). On any error the temporary file is removed and the error
    raised; OSError propagates for the caller to explain."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}{TEMP_MARK}", suffix=".tmp", dir=target.parent
    )
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def is_temp_file_name(name: str) -> bool:
    """Whether ``name`` is that of a temporary file :func:`atomic_write` makes."""
    return _TEMP_NAME.fullmatch(name) is not None


def clean_stale_temp_files(
    folder: str | os.PathLike[str], older_than: float = STALE_AFTER_SECONDS
) -> list[Path]:
    """Remove the temporary files that interrupted saves left in ``folder``
    (regular files named as :func:`atomic_write` names them, last changed
    more than ``older_than`` seconds ago); returns those removed. Never
    raises: a folder that cannot be listed, or a file that cannot be
    removed, is left as it is."""
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_temp_file_name(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed
