"""A note that never takes more than its share of a panel: :class:`ElidedLabel`
wraps its text over at most a few lines and cuts the rest with "…", and its
tooltip holds the whole text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "\u2026"


class ElidedLabel(QLabel):
    """Plain text over at most ``max_lines`` lines, elided to fit; the full
    text in the tooltip (:meth:`full_text`)."""

    def __init__(self, max_lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.max_lines = max(1, max_lines)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def is_elided(self) -> bool:
        return self.text() != self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def _elide(self) -> None:
        width = max(
            self.width() - self.contentsMargins().left() - self.contentsMargins().right(), 1
        )
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(self._full) <= width:
            shown = self._full
        else:
            # words wrap with some loss at each line's end: keep a margin
            room = width * (self.max_lines - 0.35)
            shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, int(room))
        if shown != self.text():
            self.setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()
