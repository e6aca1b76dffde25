"""The speaker's view: the current bookmark's title and note and the next
bookmark's title. It is a strip under the picture, or a window of its own on
a second screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from bpsim.model.sessions.lecture import Bookmark
from bpsim.ui.panels.elided_label import ElidedLabel


class SpeakerNotes(QWidget):
    """Where the lecture is, what to say, and what comes next."""

    def __init__(
        self, parent: QWidget | None = None, *, scale: float = 1.0, strip: bool = False
    ) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.counter = QLabel()
        self.title: QLabel = ElidedLabel(1) if strip else QLabel()
        self.note = QLabel()
        self.coming: QLabel = ElidedLabel(1) if strip else QLabel()
        self._scale = scale
        self._strip = strip
        for label in (self.counter, self.title, self.note, self.coming):
            if not isinstance(label, ElidedLabel):
                label.setWordWrap(True)
                label.setTextFormat(Qt.TextFormat.PlainText)
        self._apply_fonts()
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QGridLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setVerticalSpacing(8)
        if strip:  # where and what, and what comes next, over the note
            layout.addWidget(self.counter, 0, 0)
            layout.addWidget(self.title, 0, 1)
            layout.addWidget(self.coming, 0, 2)
            layout.addWidget(self.note, 1, 0, 1, 3)
            layout.setColumnStretch(1, 3)
            layout.setColumnStretch(2, 2)
            self.coming.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.counter.setWordWrap(False)
        else:
            for row, label in enumerate((self.counter, self.title, self.note, self.coming)):
                layout.addWidget(label, row, 0)
            layout.setRowStretch(2, 1)
        self.show_bookmark(None, 0, 0, None)

    def _apply_fonts(self) -> None:
        """The labels' type relative to the panel's own (which follows the
        window's type size)."""
        base = max(self.font().pointSizeF(), 9.0) * self._scale
        for label, size, bold in (
            (self.counter, 0.9, False),
            (self.title, 1.4, True),
            (self.note, 1.1, False),
            (self.coming, 1.0, False),
        ):
            font = QFont(self.font())
            font.setPointSizeF(base * size)
            font.setBold(bold)
            label.setFont(font)
        if self._strip:  # a title line and three lines of note
            note = self.note.fontMetrics()
            lines = self.title.fontMetrics().height() + 3 * note.lineSpacing() + note.descent()
            margins = self.contentsMargins()
            self.setMinimumHeight(lines + 3 * 8 + margins.top() + margins.bottom())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()

    def show_bookmark(
        self, bookmark: Bookmark | None, number: int, count: int, next_title: str | None
    ) -> None:
        """``bookmark`` is number ``number`` (from 1) of ``count``."""
        if bookmark is None:
            self.counter.setText(f"{count} bookmarks" if count else "No lecture")
            _set(self.title, "Page Down opens the first bookmark" if count else "")
            self.note.setText("")
        else:
            self.counter.setText(
                f"{number} / {count} · step {bookmark.step:,}, frame {bookmark.frame + 1}"
            )
            _set(self.title, bookmark.title)
            self.note.setText(bookmark.note)
        _set(self.coming, f"Next: {next_title}" if next_title else "End of the lecture")


def _set(label: QLabel, text: str) -> None:
    if isinstance(label, ElidedLabel):
        label.set_full_text(text)
    else:
        label.setText(text)
