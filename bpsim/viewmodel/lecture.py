"""The lecture being prepared or given: its bookmarks and a cursor over them.

:class:`LectureList` is what the Lecture panel shows and what the clicker
walks: add the current moment, rename, re-note, reorder and delete
bookmarks, and go to the next or previous one. It owns no Qt object; the
window's lecture controller turns its answers into moves of the timeline.
"""

from __future__ import annotations

import dataclasses

from bpsim.model.sessions.lecture import Bookmark, Lecture, ViewSetting


class LectureList:
    """An editable, ordered list of bookmarks with a current one (or none)."""

    def __init__(self, lecture: Lecture | None = None) -> None:
        self.title = "" if lecture is None else lecture.title
        self._marks: list[Bookmark] = [] if lecture is None else list(lecture.bookmarks)
        self.current: int | None = None  # index of the bookmark last gone to
        self.changed = False  # edited since it was loaded

    # -- reading ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._marks)

    def __getitem__(self, index: int) -> Bookmark:
        return self._marks[index]

    @property
    def bookmarks(self) -> tuple[Bookmark, ...]:
        return tuple(self._marks)

    def lecture(self) -> Lecture:
        return Lecture(self.title, tuple(self._marks))

    def titles(self) -> list[str]:
        """``"3. The error"``… as the panel lists them."""
        return [f"{k + 1}. {b.title}" for k, b in enumerate(self._marks)]

    def next_title(self) -> str | None:
        """The title of the bookmark after the current one (the first if none is current)."""
        k = 0 if self.current is None else self.current + 1
        return self._marks[k].title if k < len(self._marks) else None

    def find(self, step: int, frame: int) -> int | None:
        """The first bookmark at this moment, if any."""
        for k, b in enumerate(self._marks):
            if (b.step, b.frame) == (step, frame):
                return k
        return None

    # -- editing ---------------------------------------------------------------

    def add(
        self, step: int, frame: int, title: str, note: str = "", view: ViewSetting | None = None
    ) -> int:
        """Add a bookmark after the current one (at the end if none is
        current); it becomes current. Returns its index."""
        mark = Bookmark(step, frame, title, note, view or ViewSetting())
        k = len(self._marks) if self.current is None else self.current + 1
        self._marks.insert(k, mark)
        self.current = k
        self.changed = True
        return k

    def rename(self, index: int, title: str) -> None:
        self._replace(index, title=title)

    def set_note(self, index: int, note: str) -> None:
        self._replace(index, note=note)

    def set_view(self, index: int, view: ViewSetting) -> None:
        self._replace(index, view=view)

    def set_moment(self, index: int, step: int, frame: int, view: ViewSetting) -> None:
        """Bookmark ``index`` now points at this moment, shown this way."""
        self._replace(index, step=step, frame=frame, view=view)

    def _replace(self, index: int, **changes: object) -> None:
        old = self._marks[index]
        new = dataclasses.replace(old, **changes)  # type: ignore[arg-type]
        if new != old:
            self._marks[index] = new
            self.changed = True

    def move(self, index: int, to: int) -> int:
        """Move bookmark ``index`` to position ``to`` (clamped); the current
        bookmark stays current. Returns where it went."""
        to = min(max(to, 0), len(self._marks) - 1)
        if to == index:
            return to
        current = None if self.current is None else self._marks[self.current]
        mark = self._marks.pop(index)
        self._marks.insert(to, mark)
        if current is not None:
            self.current = next(k for k, b in enumerate(self._marks) if b is current)
        self.changed = True
        return to

    def delete(self, index: int) -> None:
        """Delete bookmark ``index``; the one after it (or before, at the
        end) becomes current if the deleted one was."""
        del self._marks[index]
        self.changed = True
        if self.current is None:
            return
        if self.current > index:
            self.current -= 1
        elif self.current == index:
            self.current = min(index, len(self._marks) - 1) if self._marks else None

    # -- walking ---------------------------------------------------------------

    def go(self, index: int) -> Bookmark:
        self.current = index
        return self._marks[index]

    def next(self) -> Bookmark | None:
        """Move to the next bookmark and return it; None at the end (the
        cursor stays on the last)."""
        k = 0 if self.current is None else self.current + 1
        return self.go(k) if k < len(self._marks) else None

    def previous(self) -> Bookmark | None:
        """Move to the previous bookmark and return it; None at the start."""
        if self.current is None or self.current == 0:
            return None
        return self.go(self.current - 1)
