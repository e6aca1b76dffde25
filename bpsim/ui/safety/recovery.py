"""Recovery: the autosaves of bpsim processes that ended without a clean
exit (a crash, a kill, a lost power), offered at the next start.

An autosave is an orphan when no running process holds its lock
(:class:`QLockFile` knows a lock whose process is gone). Taking the lock
here also keeps two starting instances from offering the same one.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QMessageBox, QWidget

from bpsim.ui.safety.autosave import LOCK_SUFFIX, META_SUFFIX, SESSION_SUFFIX

BROKEN_SUFFIX = ".broken"
MAX_META_BYTES = 100_000


@dataclass
class Orphan:
    """An autosave left by a process that is gone; holds its lock until
    :meth:`discard` or :meth:`release`."""

    session_file: Path
    lock: QLockFile
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.session_file.name.removesuffix(SESSION_SUFFIX)

    @property
    def meta_file(self) -> Path:
        return self.session_file.with_name(f"{self.name}{META_SUFFIX}")

    @property
    def original_path(self) -> str | None:
        """The file the session came from (None: a preset, a CSV, unsaved)."""
        path = self.meta.get("path")
        return path if isinstance(path, str) and path else None

    def describe(self) -> str:
        """What the prompt says about it, in one line."""
        title = str(self.meta.get("title") or "").removesuffix(" — bpsim").strip()
        step = self.meta.get("step")
        when = self.meta.get("saved_at")
        try:
            stamp = datetime.fromisoformat(str(when)).strftime("%d %b %Y at %H:%M")
        except ValueError:
            stamp = datetime.fromtimestamp(self.session_file.stat().st_mtime).strftime(
                "%d %b %Y at %H:%M"
            )
        what = f"“{title[:80]}”" if title else "a session"
        at = f", at step {step:,}" if isinstance(step, int) and not isinstance(step, bool) else ""
        return f"{what}{at}, autosaved {stamp}"

    def discard(self) -> None:
        """Remove the autosave and its lock."""
        self.session_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)
        self.lock.unlock()

    def set_aside(self) -> Path:
        """Rename an autosave that cannot be opened, so that it is not offered
        again (and not lost either); returns its new path."""
        target = self.session_file.with_name(self.session_file.name + BROKEN_SUFFIX)
        with contextlib.suppress(OSError):
            self.session_file.replace(target)
        self.meta_file.unlink(missing_ok=True)
        self.lock.unlock()
        return target

    def release(self) -> None:
        """Keep the autosave for a later start."""
        self.lock.unlock()


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_META_BYTES:
            return {}
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def find_orphans(folder: Path) -> list[Orphan]:
    """The autosaves in ``folder`` no running process holds, newest first;
    each comes locked (call discard, set_aside or release on each)."""
    found: list[tuple[float, Orphan]] = []
    try:
        files = sorted(folder.glob(f"*{SESSION_SUFFIX}"))
    except OSError:
        return []
    for session_file in files:
        name = session_file.name.removesuffix(SESSION_SUFFIX)
        lock = QLockFile(str(folder / f"{name}{LOCK_SUFFIX}"))
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            continue  # a running bpsim's
        try:
            mtime = session_file.stat().st_mtime
        except OSError:  # gone meanwhile
            lock.unlock()
            continue
        orphan = Orphan(session_file, lock)
        orphan.meta = _read_meta(orphan.meta_file)
        found.append((mtime, orphan))
    found.sort(key=lambda pair: -pair[0])
    return [orphan for _, orphan in found]


RECOVER, DISCARD, LATER = "recover", "discard", "later"


def recovery_box(orphan: Orphan, parent: QWidget | None = None) -> QMessageBox:
    """The prompt: Recover (the default), Discard, or Not Now (Escape)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover your work?")
    box.setText("bpsim did not close properly last time. Its work was autosaved.")
    box.setInformativeText(
        f"Recover {orphan.describe()}?\n\n"
        "Not Now keeps the autosave for the next start; Discard deletes it."
    )
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    later = box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.setEscapeButton(later)
    return box


def ask_to_recover(orphan: Orphan, parent: QWidget | None = None) -> str:
    """The prompt before the window shows: RECOVER, DISCARD or LATER."""
    box = recovery_box(orphan, parent)
    box.exec()
    role = box.buttonRole(box.clickedButton()) if box.clickedButton() else None
    if role == QMessageBox.ButtonRole.AcceptRole:
        return RECOVER
    if role == QMessageBox.ButtonRole.DestructiveRole:
        return DISCARD
    return LATER
