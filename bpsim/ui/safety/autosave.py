"""Autosave: the window's session, written to the autosave folder now and
then, so that a crash or a kill loses little or nothing.

:class:`AutoSaver` looks at the window every :data:`POLL_MS` and saves

- at once after a structural change: another session shown (a file opened,
  a CSV data set, a preset, new network settings);
- otherwise every :data:`INTERVAL_S` seconds while something changed (a
  step, a frame, the learning rate);
- on demand (:meth:`AutoSaver.make_safe`: the crash guard calls it after an
  error).

Each instance writes its own ``<id>.bpsim.json`` (a session file like any
other) and ``<id>.meta.json`` (what the recovery prompt says about it), and
holds ``<id>.lock`` (a :class:`QLockFile`) while it runs: a lock whose
process is gone marks an autosave to recover (:mod:`.recovery`). The
document is built on the GUI thread (about a millisecond) and written
atomically by a worker thread; the data sets, which do not change within a
session, are converted to JSON once per session, by the worker. The window's preferences
are saved with it (``QSettings.sync``). A clean exit (:meth:`finish`)
removes the files; after SIGTERM they are kept, to be offered next time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLockFile, QObject, QSettings, Qt, QTimer, Signal

from bpsim.model.data.dataset import Dataset
from bpsim.model.sessions.files import atomic_write
from bpsim.model.sessions.session import Session
from bpsim.model.sessions.session_file import dataset_to_dict, session_to_dict

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow

INTERVAL_S = 60.0
POLL_MS = 1000
SESSION_SUFFIX = ".bpsim.json"
META_SUFFIX = ".meta.json"
LOCK_SUFFIX = ".lock"


def write_text(path: Path, text: str) -> None:
    """``text`` at ``path``, atomically and synced to disk."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())

    atomic_write(path, write)


@dataclass(frozen=True, eq=False)
class _Data:
    """A data set standing in a document for its JSON, written by :class:`_DataText`."""

    dataset: Dataset
    marker: str = field(default_factory=lambda: f"bpsim-data-{uuid.uuid4().hex}")


def _stub(ds: Dataset) -> Dataset:
    return dataclasses.replace(ds, X=ds.X[:1], Y=ds.Y[:1])


def _without_data(session: Session) -> dict[str, Any]:
    """``session_to_dict`` without converting the data sets (they do not
    change within a session; :class:`_DataText` converts each once)."""
    test = session.test
    light = dataclasses.replace(
        session, dataset=_stub(session.dataset), test=None if test is None else _stub(test)
    )
    doc = session_to_dict(light)
    doc["dataset"] = _Data(session.dataset)
    doc["test_dataset"] = None if test is None else _Data(test)
    return doc


class _DataText:
    """The JSON text of documents from :func:`_without_data`, each data set
    converted once (the latest ones are kept; used by one thread at a time)."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[Dataset, str]] = {}

    def json(self, doc: dict[str, Any]) -> str:
        found: dict[str, str] = {}
        texts: dict[int, tuple[Dataset, str]] = {}
        for key in ("dataset", "test_dataset"):
            data = doc.get(key)
            if isinstance(data, _Data):
                ds = data.dataset
                kept = self._texts.get(id(ds))
                text = (
                    kept[1]
                    if kept is not None and kept[0] is ds
                    else json.dumps(dataset_to_dict(ds), allow_nan=False)
                )
                texts[id(ds)] = (ds, text)
                found[data.marker] = text
                doc = {**doc, key: data.marker}
        self._texts = texts
        text = json.dumps(doc, allow_nan=False)
        for marker, data_text in found.items():
            text = text.replace(json.dumps(marker), data_text, 1)
        return text


class AutoSaver(QObject):
    """Autosaves ``window``'s session into ``folder`` until :meth:`finish`."""

    sigSaved = Signal(str)  # the session file, after each autosave is on disk
    sigFailed = Signal(str)  # why an autosave failed

    def __init__(
        self,
        window: MainWindow,
        folder: Path,
        *,
        interval: float = INTERVAL_S,
        poll_ms: int = POLL_MS,
    ) -> None:
        super().__init__(window)
        self.w = window
        self.folder = folder
        self.interval = interval
        self.name = f"{os.getpid()}-{time.time_ns() // 1_000_000}"
        folder.mkdir(parents=True, exist_ok=True)
        self.lock = QLockFile(str(folder / f"{self.name}{LOCK_SUFFIX}"))
        self.lock.setStaleLockTime(0)  # stale only when its process is gone
        self.lock.tryLock(0)
        self.saves = 0  # autosaves written
        self.last_saved: datetime | None = None  # when the latest one was taken
        self.last_error: str | None = None
        self.keep_on_finish = False  # set on SIGTERM: the next start offers the autosave
        self._shown: object = None  # the session last saved (structural changes)
        self._path: str | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self._saved_at = -float("inf")
        self._writer: threading.Thread | None = None
        self._data = _DataText()
        self._finished = False
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self._on_poll)
        self.timer.start()
        self.sigFailed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)

    @property
    def session_file(self) -> Path:
        return self.folder / f"{self.name}{SESSION_SUFFIX}"

    @property
    def meta_file(self) -> Path:
        return self.folder / f"{self.name}{META_SUFFIX}"

    # -- when -----------------------------------------------------------------

    def _fingerprint_now(self) -> tuple[object, ...]:
        c = self.w.controller
        tl = c.timeline
        trainer = tl.trainer
        edits = hash(tl.params_before_step().tobytes())  # an edited weight or bias
        return (tl.step, tl.cursor, trainer.step, trainer.optimizer.lr, c.edge_mode(), edits)

    def _on_poll(self) -> None:
        if self._writer is not None and self._writer.is_alive():
            return  # the last one is still being written: never wait for it here
        c = self.w.controller
        structural = c.timeline.session is not self._shown or c.session_path != self._path
        due = time.monotonic() - self._saved_at >= self.interval
        if structural or (due and self._fingerprint_now() != self._fingerprint):
            self.save_now()

    # -- saving ----------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The session as the window shows it (as File → Save would write it),
        or, while training, as training stands; its data sets stand in as
        :class:`_Data` markers (written out by the worker thread)."""
        c = self.w.controller
        tl = c.timeline
        settings = {
            "frame": tl.cursor,
            "granularity": c.granularity().value,
            "edge_mode": c.edge_mode(),
        }
        history = c.plot.history()
        if not c.a["train"].isChecked():
            return tl.document(settings, history, build=_without_data)
        doc = _without_data(tl.session)  # between two chunks of training: a whole step
        doc["settings"] = {**doc["settings"], **settings, "frame": 0}
        doc["loss_history"] = {
            name: {"step": steps, "value": values} for name, (steps, values) in history.items()
        }
        return doc

    def save_now(self, *, wait: bool = False) -> None:
        """Autosave now (the write runs in a worker thread; ``wait``: until it is on disk)."""
        if self._finished:
            return
        c = self.w.controller
        self._shown, self._path = c.timeline.session, c.session_path
        self._fingerprint = self._fingerprint_now()
        self._saved_at = time.monotonic()
        now = datetime.now().astimezone()
        doc = self.document()
        meta = {
            "format": "bpsim-autosave",
            "pid": os.getpid(),
            "saved_at": now.isoformat(timespec="seconds"),
            "title": self.w.windowTitle(),
            "path": c.session_path,
            "step": c.timeline.step,
        }
        self._sync_preferences()
        self._join()
        self._writer = threading.Thread(
            target=self._write, args=(doc, meta, now), name="bpsim-autosave", daemon=True
        )
        self._writer.start()
        if wait:
            self._join()

    def _write(self, doc: dict[str, Any], meta: dict[str, Any], when: datetime) -> None:
        try:
            write_text(self.session_file, self._data.json(doc))
            write_text(self.meta_file, json.dumps(meta, indent=1))
        except (OSError, ValueError) as exc:  # a full disk; a value JSON cannot hold
            self.last_error = str(exc)
            self.sigFailed.emit(str(exc))
            return
        self.saves += 1
        self.last_saved = when
        self.last_error = None
        self.sigSaved.emit(str(self.session_file))

    def _join(self) -> None:
        if self._writer is not None:
            self._writer.join()
            self._writer = None

    def _sync_preferences(self) -> None:
        self.w.save_settings()
        QSettings().sync()

    def _on_failed(self, reason: str) -> None:
        self.w.statusBar().showMessage(f"Autosave failed: {reason[:200]}", 10000)

    def make_safe(self) -> str:
        """Autosave at once and say so (the crash guard's sentence on the
        user's work); raises if nothing could be saved."""
        try:
            self.save_now(wait=True)
        except Exception:
            if self.last_saved is None:
                raise
        if self.last_error is None and self.last_saved is not None:
            return f"Your work is safe: it was autosaved at {self.last_saved:%H:%M:%S}."
        if self.last_saved is not None:
            return (
                f"Your work up to {self.last_saved:%H:%M:%S} is in the autosave; "
                "save it under a new name to be sure."
            )
        raise OSError(self.last_error or "nothing was autosaved")

    # -- the end ---------------------------------------------------------------------

    def finish(self) -> None:
        """Stop; remove the autosave (a clean exit) unless :attr:`keep_on_finish`,
        in which case it is brought up to date and left for the next start."""
        if self._finished:
            return
        self.timer.stop()
        if self.keep_on_finish:
            try:
                self.save_now(wait=True)
            except Exception as exc:  # the latest autosave stays as it is
                self.last_error = str(exc)
        self._finished = True
        self._join()
        if not self.keep_on_finish:
            self.session_file.unlink(missing_ok=True)
            self.meta_file.unlink(missing_ok=True)
        else:
            self._sync_preferences()
        self.lock.unlock()
