"""Reading session and CSV files, big ones off the GUI thread.

A file of :data:`BIG_FILE_BYTES` or more is read by a worker thread while a
progress dialog shows what is read and for how long; Cancel closes the
dialog at once and the window carries on as it was (the worker's result,
when it comes, is dropped). The result is handed over on the GUI thread.
Smaller files are read at once, as before. Whatever goes wrong is one
line for the user (:func:`~bpsim.viewmodel.file_errors.file_error_message`).

Note: the worker shares the interpreter's lock. Python code in the loaders
(CSV rows, validation) lets the GUI run between its steps; one long C call
(``json.loads`` of a large document) holds it until done, which the size
limits of the loaders bound.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from bpsim.model.sessions.session import Session
from bpsim.viewmodel.file_errors import FILE_ERRORS, file_error_message

BIG_FILE_BYTES = 2_000_000
TICK_MS = 200

Read = Callable[[str], Session]


def read_session(path: str) -> Session:
    from bpsim.model.sessions.session_file import load_session

    return load_session(path)


def read_csv(path: str) -> Session:
    from bpsim.model.data.csvdata import load_csv
    from bpsim.model.sessions.session import session_for_dataset

    return session_for_dataset(load_csv(path))


def read_now(read: Read, path: str) -> Session | str:
    """``read(path)``, or the one line that says why it failed."""
    try:
        return read(path)
    except FILE_ERRORS as exc:
        return file_error_message(exc, path)


def file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # read at once: the reader words the error


def size_text(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e5 else f"{n / 1e3:,.0f} kB"


class BackgroundRead(QObject):
    """One file read by a worker thread, with a progress dialog over ``parent``.

    ``done(session)`` or ``failed(message)`` is called on the GUI thread,
    unless the user cancelled first.
    """

    sigFinished = Signal(object)  # a Session, or the failure's message

    def __init__(
        self,
        parent: QWidget,
        path: str,
        read: Read,
        done: Callable[[Session], None],
        failed: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.cancelled = False
        self.finished = False
        self._done, self._failed = done, failed
        self._started = time.monotonic()
        self._what = f"Reading {Path(path).name} ({size_text(file_size(path))})…"
        self.dialog = QProgressDialog(self._what, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Opening")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._on_cancel)
        self.sigFinished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._worker = threading.Thread(
            target=self._work, args=(read,), name="bpsim-read", daemon=True
        )
        self.dialog.show()
        self._tick.start()
        self._worker.start()

    def _work(self, read: Read) -> None:
        try:
            result: Session | str = read_now(read, self.path)
        except Exception as exc:  # not a file's fault: still one line, and the window goes on
            result = file_error_message(exc, self.path)
        self.sigFinished.emit(result)

    def _on_tick(self) -> None:
        seconds = time.monotonic() - self._started
        self.dialog.setLabelText(f"{self._what}\n{seconds:.0f} s")

    def _on_cancel(self) -> None:
        if not self.finished:
            self.cancelled = True
            self._close()

    def _on_finished(self, result: object) -> None:
        if self.finished:
            return
        self.finished = True
        self.deleteLater()
        if self.cancelled:
            return  # dropped: the window stayed as it was
        self._close()
        if isinstance(result, Session):
            self._done(result)
        else:
            self._failed(str(result))

    def _close(self) -> None:
        self._tick.stop()
        self.dialog.canceled.disconnect(self._on_cancel)
        self.dialog.close()
        self.dialog.deleteLater()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the worker (tests); True once it has ended."""
        self._worker.join(timeout)
        return not self._worker.is_alive()


def read_file(
    parent: QWidget,
    path: str,
    read: Read,
    done: Callable[[Session], None],
    failed: Callable[[str], None],
    *,
    big: int | None = None,
) -> BackgroundRead | None:
    """Read ``path`` with ``read``: at once if it is smaller than ``big``
    bytes (:data:`BIG_FILE_BYTES`; returns None), else in the background
    (returns the :class:`BackgroundRead`)."""
    if file_size(path) < (BIG_FILE_BYTES if big is None else big):
        result = read_now(read, path)
        if isinstance(result, Session):
            done(result)
        else:
            failed(result)
        return None
    return BackgroundRead(parent, path, read, done, failed)
