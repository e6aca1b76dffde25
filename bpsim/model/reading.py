"""Reading a user's file safely: a regular file only, of bounded size, never blocking.

Session files and CSV files both come from the user, so both are read the
same careful way before any parsing starts:

- only a regular file is read: a folder, a pipe (FIFO), a socket or a device
  such as ``/dev/zero`` is refused at once, without reading a byte and
  without waiting (the file is opened with ``O_NONBLOCK``, so even a FIFO
  swapped in after the check cannot block);
- its size is checked before reading and the read itself is bounded, so a
  file that grows while it is read cannot exhaust memory.

:func:`shorten` and :func:`bounded` keep messages short enough for a
message box: a value the user's file holds is shown shortened, never whole.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_MESSAGE = 200  # characters in one error message, the file's name included
_CHUNK = 1 << 20


class UnreadableFileError(Exception):
    """The file cannot be read; ``kind`` is one of ``"missing"``, ``"folder"``,
    ``"special"``, ``"too large"`` or ``"error"``, and ``detail`` says more in
    a few plain words (the size and the limit, or the system's reason)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def megabytes(n: int) -> str:
    """``n`` bytes as a short figure: ``"64 MB"``, ``"1.5 MB"``, ``"12 kB"``."""
    if n >= 1 << 20:
        return f"{n / (1 << 20):.3g} MB"
    return f"{max(n, 1) / 1024:.3g} kB"


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def read_bounded(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    Raises :class:`UnreadableFileError` for a missing file, a folder, anything
    that is not a regular file, a file over ``max_bytes`` and any system
    error; never blocks on a pipe or a device.
    """
    p = Path(path)
    try:
        info = os.stat(p)
    except FileNotFoundError:
        raise UnreadableFileError("missing", "no such file") from None
    except OSError as exc:
        raise UnreadableFileError("error", exc.strerror or type(exc).__name__) from None
    _check_kind_and_size(info, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise UnreadableFileError("missing", "no such file") from None
    except OSError as exc:
        raise UnreadableFileError("error", exc.strerror or type(exc).__name__) from None
    try:
        _check_kind_and_size(os.fstat(fd), max_bytes)  # the file opened is the file checked
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnreadableFileError(
                    "too large", f"it grew past {megabytes(max_bytes)} while being read"
                )
        return b"".join(chunks)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
            raise UnreadableFileError("special", "it is not a regular file") from None
        raise UnreadableFileError("error", exc.strerror or type(exc).__name__) from None
    finally:
        os.close(fd)


def _check_kind_and_size(info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = _kind_of(info.st_mode)
        if kind == "folder":
            raise UnreadableFileError("folder", "it is a folder")
        raise UnreadableFileError("special", f"it is a {kind}, not a regular file")
    if info.st_size > max_bytes:
        raise UnreadableFileError(
            "too large",
            f"it is {megabytes(info.st_size)}; bpsim opens files up to {megabytes(max_bytes)}",
        )


def shorten(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to about ``limit`` characters, with an ellipsis;
    long numbers are shown by their number of digits. Never fails."""
    if isinstance(value, int) and not isinstance(value, bool):
        bits = value.bit_length()
        digits = len(str(abs(value))) if bits < 64 else int(bits * 0.30103) + 1
        if digits > 15:
            return f"a number of {digits:,} digits"
        return str(value)
    try:
        text = repr(value) if not isinstance(value, str) else repr(value[: limit + 2])
    except Exception:  # a repr that fails must not replace the message being built
        text = f"a {type(value).__name__}"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def bounded(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message`` on one line, cut to ``limit`` characters."""
    one_line = " ".join(message.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def shown_path(path: str | os.PathLike[str], limit: int = 80) -> str:
    """The path as a message shows it: whole when short, else its name (shortened)."""
    text = str(path)
    if len(text) <= limit:
        return text
    name = Path(path).name
    return name if len(name) <= limit else name[: limit - 1] + "…"
