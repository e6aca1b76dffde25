"""The Lecture panel: the bookmarks of the lecture, in order, and the current
one's speaker note.

The panel only shows and asks: double-click (or F2) renames a bookmark in
place, the buttons add, move and delete, a click goes to a bookmark. Each
wish is a signal; :class:`~bpsim.ui.lecture.controller.LectureController`
does the work and calls :meth:`LecturePanel.show_list` with the result.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSignalBlocker,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bpsim.model.sessions.lecture import MAX_NOTE, MAX_TITLE, Bookmark

MIN_WIDTH = 120  # px, at any type
EMPTY_TEXT = (
    "No bookmarks yet. Go to a moment worth showing and press Ctrl+B "
    "(Lecture → Bookmark This Moment)."
)


class _NumberedDelegate(QStyledItemDelegate):
    """Shows "3. Title" while the item holds (and edits) only the title."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.text = f"{index.row() + 1}. {option.text}"  # type: ignore[attr-defined]


class LecturePanel(QWidget):
    """The list of bookmarks, buttons to edit it, and the current note."""

    sigGo = Signal(int)  # go to bookmark k
    sigAdd = Signal()  # bookmark the current moment
    sigRename = Signal(int, str)
    sigMove = Signal(int, int)  # bookmark k to position j
    sigDelete = Signal(int)
    sigNoteChanged = Signal(int, str)
    sigUpdate = Signal(int)  # bookmark k: to the moment shown now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setItemDelegate(_NumberedDelegate(self.list))
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setWordWrap(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.where = QLabel()  # step and frame of the selected bookmark
        self.where.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("Speaker note: what to say at this moment")
        self.note.setTabChangesFocus(True)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for name, text, tip in (
            ("add", "+", "Add: bookmark the moment shown now (Ctrl+B)"),
            ("up", "▲", "Move the selected bookmark earlier"),
            ("down", "▼", "Move the selected bookmark later"),
            ("delete", "✕", "Delete the selected bookmark"),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the network
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        self.modes = QVBoxLayout()  # the window's lecture mode and presenter toggles
        self.modes.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addLayout(self.modes)
        layout.addLayout(row)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.where)
        layout.addWidget(self.note, 2)
        self._marks: tuple[Bookmark, ...] = ()
        self._connect_callbacks()
        self.show_list((), None)

    def _connect_callbacks(self) -> None:
        self.buttons["add"].clicked.connect(self.sigAdd)
        self.buttons["up"].clicked.connect(lambda: self._move(-1))
        self.buttons["down"].clicked.connect(lambda: self._move(+1))
        self.buttons["delete"].clicked.connect(self._on_delete)
        self.list.itemClicked.connect(self._on_item_clicked)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.list.customContextMenuRequested.connect(self._on_context_menu)
        self.note.textChanged.connect(self._on_note_changed)

    def add_toggle(self, action: QAction) -> None:
        """A button for one of the window's checkable actions (lecture mode, presenter)."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.modes.addWidget(button)

    def sizeHint(self) -> QSize:
        return QSize(240, 400)

    def minimumSizeHint(self) -> QSize:
        # narrow at any type: the window keeps its size (the toggles' text
        # may be cut in a very narrow dock; the Lecture menu has them whole)
        return QSize(MIN_WIDTH, super().minimumSizeHint().height())

    # -- showing ---------------------------------------------------------------

    def show_list(self, marks: Sequence[Bookmark], current: int | None) -> None:
        """Show ``marks``, with bookmark ``current`` selected (None: none)."""
        self._marks = tuple(marks)
        with QSignalBlocker(self.list):
            self.list.clear()
            for b in marks:
                item = QListWidgetItem(b.title)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(f"Step {b.step:,}, frame {b.frame + 1}\n{b.note}".strip())
                self.list.addItem(item)
            self.list.setCurrentRow(-1 if current is None else current)
        self.empty.setVisible(not marks)
        self._show_selected()

    def selected(self) -> int | None:
        row = self.list.currentRow()
        return row if 0 <= row < len(self._marks) else None

    def _show_selected(self) -> None:
        k = self.selected()
        for name in ("up", "down", "delete"):
            self.buttons[name].setEnabled(k is not None)
        self.note.setEnabled(k is not None)
        with QSignalBlocker(self.note):
            self.note.setPlainText("" if k is None else self._marks[k].note)
        if k is None:
            self.where.setText("")
            return
        b = self._marks[k]
        self.where.setText(
            f"Bookmark {k + 1} of {len(self._marks)}: step {b.step:,}, frame {b.frame + 1}"
        )

    # -- wishes ----------------------------------------------------------------

    def _move(self, delta: int) -> None:
        k = self.selected()
        if k is not None and 0 <= k + delta < len(self._marks):
            self.sigMove.emit(k, k + delta)

    def _on_delete(self) -> None:
        k = self.selected()
        if k is not None:
            self.sigDelete.emit(k)

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        self.sigGo.emit(self.list.row(item))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        k = self.list.row(item)
        title = " ".join(item.text().split())[:MAX_TITLE]
        if not title or k >= len(self._marks):  # an empty title: keep the old one
            with QSignalBlocker(self.list):
                item.setText(self._marks[k].title if k < len(self._marks) else "")
            return
        if title != self._marks[k].title:
            self.sigRename.emit(k, title)

    def _on_context_menu(self, pos: QPoint) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        k = self.list.row(item)
        menu = QMenu(self)
        menu.addAction("Go to It", lambda: self.sigGo.emit(k))
        menu.addAction("Rename", lambda: self.list.editItem(item))
        menu.addAction("Move Here: the Moment Shown Now", lambda: self.sigUpdate.emit(k))
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.sigDelete.emit(k))
        menu.popup(self.list.viewport().mapToGlobal(pos))

    def _on_row_changed(self, _row: int) -> None:
        self._show_selected()

    def _on_note_changed(self) -> None:
        k = self.selected()
        if k is not None:
            self.sigNoteChanged.emit(k, self.note.toPlainText()[:MAX_NOTE])
