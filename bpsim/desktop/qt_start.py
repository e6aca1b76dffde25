"""Start Qt's application object, with one clear line instead of Qt's abort.

When Qt cannot load or start any platform plugin it prints a paragraph and
aborts the process (exit 134). While the application object is created,
a message handler collects what Qt says; should Qt give up, the handler
turns those messages into one line in the user's words (what is missing or
cannot be reached, and what to do) and ends the process with status 2
(it runs inside Qt's code, so it cannot raise)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from bpsim.desktop.files import APP_ID
from bpsim.desktop.platform_check import (
    DEPS_SCRIPT,
    Loader,
    can_load,
    describe_missing,
    missing_libraries,
)

EXIT_NO_DISPLAY = 2
_PLUGIN = re.compile(r'Could not (load|find) the Qt platform plugin "([^"]+)"')
_NO_X = re.compile(r"could not connect to display ?(.*)")
_AVAILABLE = re.compile(r"Available platform plugins are: ([^.\n]*)")
HINT = "scripts can run it with QT_QPA_PLATFORM=offscreen, and 'bpsim export' needs no display"


def explain_failure(
    messages: Sequence[str], env: Mapping[str, str], load: Loader = can_load
) -> str:
    """One line for the user from what Qt said before it gave up."""
    text = "\n".join(messages)
    plugins = _PLUGIN.findall(text)
    for how, name in plugins:
        if how == "load":
            missing = missing_libraries(name, load)
            if missing:
                return describe_missing(name, missing)
    no_x = _NO_X.search(text)
    if no_x:
        shown = no_x.group(1).strip() or env.get("DISPLAY", "")
        return (
            f"bpsim: cannot connect to the X display {shown!r} (DISPLAY): is its X server "
            f"running, and may you use it? Run bpsim in a desktop session; {HINT}."
        )
    if "wl_display" in text:
        shown = env.get("WAYLAND_DISPLAY", "wayland-0")
        return (
            f"bpsim: cannot connect to the Wayland display {shown!r} (WAYLAND_DISPLAY): is "
            f"the compositor running? Run bpsim in a desktop session; {HINT}."
        )
    unknown = [name for how, name in plugins if how == "find"]
    if unknown:
        available = _AVAILABLE.search(text)
        choices = f" (Qt has: {available.group(1).strip()})" if available else ""
        return (
            f"bpsim: Qt has no platform plugin {unknown[0]!r}, which QT_QPA_PLATFORM "
            f"asks for{choices}; unset QT_QPA_PLATFORM on a desktop, or set it to offscreen."
        )
    names = ", ".join(dict.fromkeys(name for _, name in plugins)) or "none"
    return (
        f"bpsim: Qt could not open a window (platform plugins tried: {names}). Check "
        f"DISPLAY or WAYLAND_DISPLAY, and run {DEPS_SCRIPT} for Qt's system libraries; {HINT}."
    )


def start_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (the one that exists, or a new one). If Qt cannot
    start, print one line on stderr and end the process with status 2."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    said: list[str] = []

    def on_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        said.append(message)
        if kind == QtMsgType.QtFatalMsg:
            print(explain_failure(said, os.environ), file=sys.stderr)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_NO_DISPLAY)

    QGuiApplication.setDesktopFileName(APP_ID)  # Wayland finds the icon and the menu entry
    previous = qInstallMessageHandler(on_message)
    try:
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
    finally:
        qInstallMessageHandler(previous)
    for message in said:  # Qt's warnings of a start that worked, as Qt would print them
        print(message, file=sys.stderr)
    return app
