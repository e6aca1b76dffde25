"""Lectures: prepared moments of a session, in the order they are shown.

A :class:`Bookmark` is one moment: a training step and a frame of it, a
title, a speaker note, and optionally how to show it (what edge thickness
shows, which panels are out). A :class:`Lecture` is an ordered list of them.
Both are plain, immutable data; a session file holds its lecture under
``"lecture"`` (:func:`lecture_to_dict`, :func:`lecture_from_dict`), and
every field is checked on the way in: what is wrong raises one
:class:`~bpsim.model.errors.SessionError` that names the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bpsim.model.errors import SessionError

EDGE_MODES = ("weights", "gradients")
PANELS = ("formula", "loss", "data", "controls")  # the panels a bookmark may choose
MAX_BOOKMARKS = 1000
MAX_TITLE = 200  # characters
MAX_NOTE = 10_000
MAX_STEP = 100_000_000  # a bookmark further on than this is no lecture's
MAX_FRAME = 1_000_000


@dataclass(frozen=True)
class ViewSetting:
    """How a bookmark is shown; None leaves the window as it is."""

    edge_mode: str | None = None  # "weights" or "gradients"
    panels: tuple[str, ...] | None = None  # of PANELS, in any order

    @property
    def empty(self) -> bool:
        return self.edge_mode is None and self.panels is None


@dataclass(frozen=True)
class Bookmark:
    """A moment of a session: frame ``frame`` (from 0) of training step
    ``step`` (0 is the first update), with a title and a speaker note."""

    step: int
    frame: int
    title: str
    note: str = ""
    view: ViewSetting = field(default_factory=ViewSetting)

    def __post_init__(self) -> None:
        _check(self.step, self.frame, self.title, self.note, self.view, "bookmark")


@dataclass(frozen=True)
class Lecture:
    """An ordered list of bookmarks, with the lecture's title."""

    title: str = ""
    bookmarks: tuple[Bookmark, ...] = ()

    def __len__(self) -> int:
        return len(self.bookmarks)


def _check(
    step: object, frame: object, title: object, note: object, view: ViewSetting, where: str
) -> None:
    """Raise :class:`SessionError` naming the first field out of bounds."""
    _whole(step, MAX_STEP, f"{where}.step")
    _whole(frame, MAX_FRAME, f"{where}.frame")
    _text(title, MAX_TITLE, f"{where}.title")
    _text(note, MAX_NOTE, f"{where}.note")
    if view.edge_mode is not None and view.edge_mode not in EDGE_MODES:
        raise SessionError(f"{where}.view.edge_mode must be one of: {', '.join(EDGE_MODES)}")
    if view.panels is not None:
        unknown = [p for p in view.panels if p not in PANELS]
        if unknown or len(set(view.panels)) != len(view.panels):
            raise SessionError(
                f"{where}.view.panels must name each of {', '.join(PANELS)} once at most"
            )


def _whole(value: object, most: int, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise SessionError(f"{where} must be a whole number from 0 to {most:,}")


def _text(value: object, most: int, where: str) -> None:
    if not isinstance(value, str):
        raise SessionError(f"{where} must be text")
    if len(value) > most:
        raise SessionError(f"{where} is {len(value):,} characters long; at most {most:,}")


# -- files --------------------------------------------------------------------


def lecture_to_dict(lecture: Lecture) -> dict[str, Any]:
    """The JSON-ready form of ``lecture``."""
    return {
        "title": lecture.title,
        "bookmarks": [_bookmark_to_dict(b) for b in lecture.bookmarks],
    }


def _bookmark_to_dict(b: Bookmark) -> dict[str, Any]:
    doc: dict[str, Any] = {"step": b.step, "frame": b.frame, "title": b.title, "note": b.note}
    if not b.view.empty:
        view: dict[str, Any] = {}
        if b.view.edge_mode is not None:
            view["edge_mode"] = b.view.edge_mode
        if b.view.panels is not None:
            view["panels"] = list(b.view.panels)
        doc["view"] = view
    return doc


def lecture_from_dict(doc: Any, where: str = "lecture") -> Lecture | None:
    """The lecture a session file holds (None: it has none); raises
    :class:`SessionError` naming the first field that is wrong."""
    if doc is None:
        return None
    if not isinstance(doc, dict):
        raise SessionError(f"{where} must be an object or null")
    title = doc.get("title", "")
    _text(title, MAX_TITLE, f"{where}.title")
    marks = doc.get("bookmarks")
    if not isinstance(marks, list):
        raise SessionError(f"{where}.bookmarks must be a list")
    if len(marks) > MAX_BOOKMARKS:
        raise SessionError(
            f"{where}.bookmarks has {len(marks):,} bookmarks; at most {MAX_BOOKMARKS:,}"
        )
    return Lecture(
        title, tuple(_bookmark_from_dict(m, f"{where}.bookmarks[{k}]") for k, m in enumerate(marks))
    )


def _bookmark_from_dict(doc: Any, where: str) -> Bookmark:
    if not isinstance(doc, dict):
        raise SessionError(f"{where} must be an object")
    for key in ("step", "frame", "title"):
        if key not in doc:
            raise SessionError(f"{where} has no {key!r}")
    view = doc.get("view")
    if view is None:
        setting = ViewSetting()
    elif not isinstance(view, dict):
        raise SessionError(f"{where}.view must be an object")
    else:
        setting = ViewSetting(
            view.get("edge_mode"), _panels(view.get("panels"), f"{where}.view.panels")
        )
    step, frame, title, note = doc["step"], doc["frame"], doc["title"], doc.get("note", "")
    _check(step, frame, title, note, setting, where)  # first, so the message names the bookmark
    return Bookmark(step, frame, title, note, setting)


def _panels(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise SessionError(f"{where} must be a list of panel names")
    return tuple(value)


def safe_file_name(number: int, title: str) -> str:
    """``03-the-error`` for bookmark 3 titled "The error": a file name of
    letters, digits and dashes only, whatever the title holds."""
    words = "".join(c.lower() if c.isascii() and c.isalnum() else " " for c in title).split()
    stem = "-".join(words)[:48].strip("-")
    return f"{number:02d}-{stem}" if stem else f"{number:02d}"
