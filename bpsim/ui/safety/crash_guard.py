"""The global exception hook: an error that escapes a slot is logged, shown
in one dialog, and the app keeps running.

PySide6 hands an exception raised in a slot or a Qt override to
``sys.excepthook`` and carries on; so does :class:`CrashGuard`, after it has

- written the traceback to ``bpsim.log`` in the logs folder (rotating: at
  most :data:`LOG_BYTES` a file, :data:`LOG_BACKUPS` old files kept);
- scheduled the rest for the event loop, never doing it inside the hook
  (which may run inside a paint): the work made safe (the autosave, if one
  is attached) and a dialog saying what happened in one sentence, that the
  work is safe, and where the log is. One dialog at a time: errors while it
  is open are logged and counted in it, never shown again and again.

The hook itself never raises: if logging or the dialog fail, Python's own
hook prints the original error. Errors in other threads go the same way
(``threading.excepthook``), the dialog still opening on the GUI thread.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from bpsim import __version__
from bpsim.viewmodel.file_errors import shorten

__all__ = ["CrashGuard", "describe", "shorten"]

LOG_NAME = "bpsim.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
MESSAGE_CHARS = 200  # the error's own words, shortened, in the dialog's sentence

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def describe(exc: BaseException) -> str:
    """One sentence for the user: what went wrong, in the error's own words."""
    words = shorten(str(exc), MESSAGE_CHARS) or "no details"
    return f"Something went wrong inside bpsim ({type(exc).__name__}: {words})."


class CrashGuard(QObject):
    """Installs itself as ``sys.excepthook`` (:meth:`install`) until
    :meth:`uninstall`. ``make_safe`` is called after an error and returns a
    sentence on the state of the user's work (e.g. "Your work was
    autosaved."); it may raise, which is logged."""

    sigCaught = Signal(str, str)  # the sentence, the traceback: to the GUI thread

    def __init__(
        self,
        log_dir: Path,
        make_safe: Callable[[], str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.log_dir = log_dir
        self.make_safe = make_safe
        self.dialog: QMessageBox | None = None
        self.caught = 0  # errors seen since install
        self.shown = 0  # dialogs opened
        self._unseen = 0  # errors since the open dialog was opened
        self._in_hook = False
        self._logger = logging.getLogger(f"bpsim.crash.{id(self)}")
        self._logger.propagate = False
        self._handler: logging.Handler | None = None
        self._previous: tuple[object, object] | None = None
        self.sigCaught.connect(self._on_caught, Qt.ConnectionType.QueuedConnection)

    @property
    def log_path(self) -> Path:
        return self.log_dir / LOG_NAME

    # -- installing ------------------------------------------------------------

    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self.hook
            threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None
        if self._handler is not None:
            self._logger.removeHandler(self._handler)
            self._handler.close()
            self._handler = None

    # -- the hook ----------------------------------------------------------------

    def hook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """``sys.excepthook``: log, make the work safe, schedule the dialog."""
        if issubclass(kind, KeyboardInterrupt | SystemExit) or self._in_hook:
            sys.__excepthook__(kind, exc, tb)  # an error inside the hook: no loop
            return
        self._in_hook = True
        try:
            self.caught += 1
            details = "".join(traceback.format_exception(kind, exc, tb))
            self._log(details)
            self.sigCaught.emit(describe(exc), details)
        except BaseException:  # the hook must never raise (it may run inside a paint)
            sys.__excepthook__(kind, exc, tb)
        finally:
            self._in_hook = False

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.hook(args.exc_type, args.exc_value, args.exc_traceback)

    def _log(self, details: str) -> None:
        try:
            if self._handler is None:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                self._handler = logging.handlers.RotatingFileHandler(
                    self.log_path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
                )
                self._handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
                self._logger.addHandler(self._handler)
            self._logger.error("bpsim %s: an error escaped\n%s", __version__, details.rstrip())
        except Exception:  # no log then; the dialog still says what happened
            sys.stderr.write(details)

    def _make_safe(self) -> str:
        if self.make_safe is None:
            return "Save your work under a new name to be safe."
        try:
            return self.make_safe()
        except Exception as exc:
            self._log("making the work safe failed too:\n" + traceback.format_exc())
            return f"Autosave failed ({shorten(str(exc), 80)}): save your work under a new name."

    # -- the dialog (on the GUI thread, from the event loop) ----------------------------

    def _on_caught(self, sentence: str, details: str) -> None:
        try:
            if self.dialog is not None:
                self._unseen += 1
                self.dialog.setInformativeText(self._informative())
                return
            self._open_dialog(f"{sentence}\n{self._make_safe()}", details)
        except Exception:
            self._log("the error dialog failed:\n" + traceback.format_exc())

    def _informative(self) -> str:
        more = ""
        if self._unseen:
            s = "" if self._unseen == 1 else "s"
            more = f"{self._unseen} more error{s} since, also logged. "
        return f"{more}bpsim keeps running. The details are in {self.log_path}."

    def _open_dialog(self, sentence: str, details: str) -> None:
        self._unseen = 0
        parent = QApplication.activeWindow()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "bpsim ran into an error",
            sentence,
            QMessageBox.StandardButton.Ok,
            parent if isinstance(parent, QWidget) else None,
        )
        box.setInformativeText(self._informative())
        box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._on_dialog_closed)
        self.dialog = box
        self.shown += 1
        box.open()

    def _on_dialog_closed(self) -> None:
        self.dialog = None
