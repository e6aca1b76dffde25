"""Parsing a session file's text as JSON within limits checked before parsing.

A session file is read as bytes (:func:`bpsim.model.reading.read_bounded`,
at most :data:`MAX_SESSION_BYTES`), its nesting depth is measured before
``json.loads`` sees it (at most :data:`MAX_DEPTH` brackets deep: a session is
about 5 deep), and whole numbers longer than :data:`MAX_INT_DIGITS` digits
are read as infinite floats, which every field then refuses by name, rather
than as Python integers whose conversion fails (beyond 4,300 digits) or
overflows later (beyond a float or a 64-bit integer).
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

MAX_SESSION_BYTES = 128 << 20  # 128 MB: far above any session the app builds
MAX_DEPTH = 64  # brackets inside brackets; a session nests about 5 deep
MAX_INT_DIGITS = 40  # the random generator's 128-bit state has 39

_STRING = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


class JsonLimitError(Exception):
    """The text breaks a limit or is not JSON; the message says which, in plain words."""


def nesting_depth(raw: bytes) -> int:
    """How deep the brackets of the JSON text ``raw`` nest, strings aside.

    Exact for valid JSON; for other text it is an estimate, which is enough:
    ``json.loads`` refuses that text anyway.
    """
    text = raw
    if b"\\" in text:  # drop escapes, so that every quote left opens or closes a string
        text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Keep brackets and quotes only (a small copy), then drop the strings.
    brackets = _STRING.sub(b"", text.translate(None, _NOT_STRUCTURE))
    codes = np.frombuffer(brackets, dtype=np.uint8)
    depth = deepest = 0
    step = 1 << 22  # 4 M brackets at a time: 32 MB of running sums at most
    for start in range(0, codes.size, step):
        chunk = codes[start : start + step]
        moves = np.where((chunk == ord("[")) | (chunk == ord("{")), 1, -1)
        running = np.cumsum(moves) + depth
        deepest = max(deepest, int(running.max()))
        depth = int(running[-1])
    return deepest


def _parse_int(text: str) -> int | float:
    if len(text.lstrip("-")) <= MAX_INT_DIGITS:
        return int(text)
    return -np.inf if text.startswith("-") else np.inf


def parse_json(raw: bytes) -> Any:
    """The document in ``raw`` (UTF-8 JSON); raises :class:`JsonLimitError`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JsonLimitError(f"not a text file (not UTF-8 at line {line:,})") from None
    depth = nesting_depth(raw)
    del raw  # the caller passes the only reference: the bytes go before parsing
    if depth > MAX_DEPTH:
        raise JsonLimitError(
            f"its brackets nest {depth:,} deep; a session file nests at most {MAX_DEPTH}"
        )
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise JsonLimitError(f"not valid JSON (line {exc.lineno:,}: {exc.msg})") from None
    except RecursionError:  # not reached after the depth check; kept as a safety net
        raise JsonLimitError(f"nested too deeply (at most {MAX_DEPTH})") from None
    except (ValueError, MemoryError) as exc:
        reason = "too large to read" if isinstance(exc, MemoryError) else "not valid JSON"
        raise JsonLimitError(reason) from None
