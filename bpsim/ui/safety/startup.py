"""The app's start with its safety net: the crash guard installed, an
orphaned autosave offered for recovery before the window shows, and the
window's session autosaved from then on."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from bpsim.model.sessions.session import Session
from bpsim.model.sessions.session_file import load_session
from bpsim.ui.safety import paths
from bpsim.ui.safety.autosave import AutoSaver
from bpsim.ui.safety.crash_guard import CrashGuard
from bpsim.ui.safety.recovery import DISCARD, RECOVER, Orphan, ask_to_recover, find_orphans
from bpsim.ui.window import dialogs
from bpsim.ui.window.main_window import MainWindow
from bpsim.viewmodel.file_errors import FILE_ERRORS, file_error_message

Ask = Callable[[Orphan], str]


class Safety(QObject):
    """The window's crash guard and autosaver (a child of the window)."""

    def __init__(self, window: MainWindow, guard: CrashGuard, saver: AutoSaver) -> None:
        super().__init__(window)
        self.guard = guard
        self.saver = saver
        self.recovered: Orphan | None = None

    def finish(self) -> None:
        """A clean exit: the autosave goes (unless kept on SIGTERM), the hook too."""
        self.saver.finish()
        self.guard.uninstall()


def recover(folder: Path, ask: Ask) -> tuple[Orphan | None, Session | None, str]:
    """Offer the newest orphaned autosave in ``folder``; returns it (still
    locked, to be discarded once the new autosave holds the work), the
    session read from it, and a message for the status bar or a warning."""
    orphans = find_orphans(folder)
    for later in orphans[1:]:
        later.release()  # offered at a later start, one at a time
    if not orphans:
        return None, None, ""
    orphan = orphans[0]
    choice = ask(orphan)
    if choice == DISCARD:
        orphan.discard()
        return None, None, ""
    if choice != RECOVER:
        orphan.release()
        return None, None, ""
    try:
        session = load_session(orphan.session_file)
    except FILE_ERRORS as exc:
        aside = orphan.set_aside()
        why = file_error_message(exc)
        return None, None, f"The autosave could not be opened ({why}). It is kept as {aside}."
    return orphan, session, f"Recovered {orphan.describe()}. Save it to keep it."


def start_window(
    start: Session,
    session_path: str | None = None,
    *,
    ask: Ask | None = None,
    data_dir: Path | None = None,
    handle_sigterm: bool = True,
) -> MainWindow:
    """The main window on ``start`` (or on the session recovered from an
    autosave, if the user wants it), guarded and autosaved."""
    data = data_dir or paths.data_dir()
    guard = CrashGuard(data / "logs")
    guard.install()
    folder = data / "autosave"
    orphan, session, message = recover(folder, ask or ask_to_recover)
    if session is not None and orphan is not None:
        window = MainWindow(session, session_path=orphan.original_path)
    else:
        window = MainWindow(start, session_path=session_path)
    saver = AutoSaver(window, folder)
    guard.make_safe = saver.make_safe
    safety = Safety(window, guard, saver)
    window.safety = safety  # type: ignore[attr-defined]
    saver.save_now(wait=True)  # the work is on disk before an old autosave goes
    if orphan is not None:
        orphan.discard()
        safety.recovered = orphan
        window.statusBar().showMessage(message, 30000)
    elif message:
        dialogs.warn(window, "Cannot recover the autosave", message)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.aboutToQuit.connect(safety.finish)
    if handle_sigterm:
        _quit_on_sigterm(saver)
    return window


def _quit_on_sigterm(saver: AutoSaver) -> None:
    """SIGTERM (a logout, ``kill``) and SIGINT (Ctrl+C in the terminal):
    autosave, keep it for the next start, quit. Python runs the handler when
    it next runs code: at the latest, the autosaver's poll."""

    def on_sigterm(_signum: int, _frame: object) -> None:
        saver.keep_on_finish = True
        QTimer.singleShot(0, QApplication.quit)  # quit() before exec() would be lost

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGINT, on_sigterm)
