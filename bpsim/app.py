"""Start the desktop app. Qt is imported here, inside the functions, so that
the command line and the model load without it."""

from __future__ import annotations

import sys

from bpsim import __version__
from bpsim.model.sessions.session_file import open_session
from bpsim.viewmodel.file_errors import FILE_ERRORS, file_error_message

ORGANIZATION = "bpsim"
APPLICATION = "bpsim"


def limit_blas_threads() -> object:
    """Tiny matrices run faster on one BLAS thread (GUIDE.md §4). The limit
    holds for the rest of the process; the returned limiter can restore the
    original threads (``restore_original_limits()``)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def run_app(preset: str | None = None, session: str | None = None, fullscreen: bool = False) -> int:
    """Open the main window and run the event loop; returns the exit status."""
    try:
        start = open_session(preset, session)
    except FILE_ERRORS as exc:  # one line, whatever is wrong with the file
        print(f"bpsim: {file_error_message(exc, session)}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from bpsim.ui.safety.startup import start_window

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("bpsim")
    app.setApplicationVersion(__version__)
    limit_blas_threads()
    window = start_window(start, session)  # crash guard, recovery, autosave
    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    return int(app.exec())
