"""The clicker's keys, everywhere in the window.

A presentation remote sends Page Down, Page Up, B or "." (blank) and Esc.
This application-wide event filter takes them before any widget or
shortcut does: in lecture mode Page Down and Page Up walk the bookmarks
even while a text field (the speaker note, a spin box) has the focus; B, "."
and W blank the screen whatever has the focus while presenting, and in
lecture mode unless a note or a title is being typed (elsewhere the window's
B, "." and W shortcuts blank it).
While the screen is blank, any key or click only brings the picture back.
Holding Ctrl while presenting shows the laser pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDockWidget,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from bpsim.ui.lecture.presenter import Presenter

MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta}
KEY_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease}


class ClickerKeys(QObject):
    """Routes the clicker's keys of ``presenter``'s window (see the module)."""

    def __init__(self, presenter: Presenter) -> None:
        super().__init__(presenter)
        self.p = presenter

    def _ours(self, obj: QObject) -> bool:
        if not isinstance(obj, QWidget):
            return False
        window = obj.window()
        parent = window.parentWidget()
        if isinstance(window, QDockWidget) and parent is not None:  # a floating panel
            window = parent.window()
        return window in self.p.windows()  # not a dialog's

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and self.p.blank.isVisible() and self._ours(obj):
            self.p.unblank()
            return True
        if kind not in KEY_EVENTS or not isinstance(event, QKeyEvent) or not self._ours(obj):
            return False
        key = event.key()
        if key == Qt.Key.Key_Control and self.p.presenting and not event.isAutoRepeat():
            if kind != QEvent.Type.ShortcutOverride:
                self.p.laser.set_on(kind == QEvent.Type.KeyPress)
            return False
        if kind == QEvent.Type.KeyRelease:
            return False
        if self.p.blank.isVisible() and key not in MODIFIER_KEYS:
            if kind == QEvent.Type.KeyPress:
                self.p.unblank()  # any key only brings the picture back
            event.accept()
            return True
        act = self._route(key, event.modifiers(), _typing(obj))
        if act is None:
            return False
        if kind == QEvent.Type.KeyPress:
            act()
        event.accept()  # a ShortcutOverride accepted: no shortcut, the key press comes here
        return True

    def _route(
        self, key: int, modifiers: Qt.KeyboardModifier, typing: bool
    ) -> Callable[[], object] | None:
        if modifiers & ~Qt.KeyboardModifier.KeypadModifier:
            return None
        p, lecture = self.p, self.p.lecture
        lecturing = p.c.a["lecture_mode"].isChecked()
        walking = lecturing and len(lecture.list) > 0
        if walking and key == Qt.Key.Key_PageDown:
            return lecture.next
        if walking and key == Qt.Key.Key_PageUp:
            return lecture.previous
        if not p.presenting and (typing or not lecturing):
            return None  # letters typed into a note or a title stay letters
        if key in (Qt.Key.Key_B, Qt.Key.Key_Period):
            return lambda: p.blank_screen("black")
        if key == Qt.Key.Key_W:
            return lambda: p.blank_screen("white")
        if key == Qt.Key.Key_Escape and p.presenting:
            return lambda: p.c.a["presenter"].setChecked(False)
        return None


def _typing(obj: QObject) -> bool:
    """Whether ``obj`` is a field that text is typed into (a note, a title),
    not a spin box's."""
    if isinstance(obj, QPlainTextEdit | QTextEdit):
        return True
    return isinstance(obj, QLineEdit) and not isinstance(obj.parentWidget(), QAbstractSpinBox)
