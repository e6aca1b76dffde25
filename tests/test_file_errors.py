"""Whatever goes wrong with a file is one bounded line for the user."""

from __future__ import annotations

import json

import pytest

from bpsim.model.errors import SessionError
from bpsim.viewmodel.file_errors import FILE_ERRORS, MESSAGE_CHARS, file_error_message


def raised(text: str) -> BaseException:
    try:
        json.loads(text)
    except FILE_ERRORS as exc:
        return exc
    raise AssertionError("no error")


def test_each_kind_of_error_is_one_short_line() -> None:
    deep = raised("[" * 100_000 + "]" * 100_000)
    assert isinstance(deep, RecursionError)
    assert file_error_message(deep, "f.json") == "f.json: it is nested too deeply to read"
    assert file_error_message(MemoryError(), "f") == "f: it is too big to read into memory"
    too_large = file_error_message(OverflowError("int too large"))
    assert too_large == "it holds a number too large to use"
    missing = file_error_message(SessionError("f.json: no such file"), "f.json")
    assert missing == "f.json: no such file"
    assert file_error_message(ValueError("unknown preset 'x'")) == "unknown preset 'x'"
    assert file_error_message(TypeError("unsupported operand"), "f") == (
        "f: it is not usable (TypeError: unsupported operand)"
    )
    huge = file_error_message(SessionError("value " + "9" * 50_000_146))
    assert len(huge) == MESSAGE_CHARS and "\n" not in huge and huge.endswith("…")


@pytest.mark.parametrize("kind", FILE_ERRORS)
def test_every_file_error_gives_a_line(kind: type[BaseException]) -> None:
    exc = kind("a\nb") if kind is not KeyError else KeyError("a")
    text = file_error_message(exc, "p")
    assert text.startswith("p: ") and "\n" not in text
