"""What a user is told when a file cannot be opened or saved: one line, in
their words, of bounded length, whatever the error was.

The loaders raise :class:`~bpsim.model.errors.BpsimError` with a message fit
for the user. Anything else that escapes them on a malformed file (a JSON
document nested a thousand deep, an integer of 5,000 digits, a file too big
for memory) is caught here as well and worded as a problem with the file,
so that the window shows one dialog and the command line prints one line.
"""

from __future__ import annotations

from bpsim.model.errors import BpsimError

MESSAGE_CHARS = 300

# Every error a malformed or unreadable file can raise while it is read,
# parsed, validated or written again.
FILE_ERRORS: tuple[type[BaseException], ...] = (
    BpsimError,
    OSError,
    ValueError,  # includes UnicodeError and JSON's decode errors
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
    MemoryError,
)

_INTERNAL = {
    RecursionError: "it is nested too deeply to read",
    MemoryError: "it is too big to read into memory",
    OverflowError: "it holds a number too large to use",
}


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_error_message(exc: BaseException, path: str | None = None) -> str:
    """One line for ``exc``, raised while reading or writing ``path``."""
    if isinstance(exc, BpsimError | OSError) or type(exc) is ValueError:
        text = str(exc)  # worded for the user already (or the system's own words)
    else:
        why = next((w for kind, w in _INTERNAL.items() if isinstance(exc, kind)), "")
        if not why:
            why = f"it is not usable ({type(exc).__name__}: {str(exc) or 'no details'})"
        text = why if path is None else f"{path}: {why}"
    if path is not None and path not in text:
        text = f"{path}: {text}"
    return shorten(text or "unknown problem")
