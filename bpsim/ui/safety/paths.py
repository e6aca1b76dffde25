"""Where bpsim keeps what it writes on its own: logs and autosaves.

The user's data directory (``~/.local/share/bpsim`` on Linux, following
``XDG_DATA_HOME``; the platform's equivalent elsewhere), or the directory
named by the ``BPSIM_DATA_DIR`` environment variable (the tests use it).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

DATA_DIR_VARIABLE = "BPSIM_DATA_DIR"


def data_dir() -> Path:
    """bpsim's own folder in the user's data directory (not created here)."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or Path.home() / ".local" / "share") / "bpsim"


def log_dir() -> Path:
    return data_dir() / "logs"


def autosave_dir() -> Path:
    return data_dir() / "autosave"
