"""Small dialogs: file choosers, warnings, the shortcut list, the about box."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bpsim import __version__
from bpsim.ui.window.actions import shortcut_rows

SESSION_SUFFIX = "bpsim"  # new sessions are FILE.bpsim; older FILE.json ones still open
SESSION_FILTER = "bpsim sessions (*.bpsim *.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


def ask_open_session(parent: QWidget) -> str:
    return QFileDialog.getOpenFileName(parent, "Open Session", "", SESSION_FILTER)[0]


def ask_open_csv(parent: QWidget) -> str:
    return QFileDialog.getOpenFileName(parent, "Open CSV Data", "", CSV_FILTER)[0]


def with_session_suffix(path: str) -> str:
    """``path``, with ``.bpsim`` added when the name has no extension."""
    return path if not path or Path(path).suffix else f"{path}.{SESSION_SUFFIX}"


def session_save_dialog(parent: QWidget | None, current: str | None) -> QFileDialog:
    """The Save Session dialog: it adds ``.bpsim`` to a name typed without
    an extension (before it asks about overwriting)."""
    start = current or f"session.{SESSION_SUFFIX}"
    dialog = QFileDialog(parent, "Save Session", start, SESSION_FILTER)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix(SESSION_SUFFIX)
    dialog.selectFile(start)
    return dialog


def ask_save_session(parent: QWidget, current: str | None) -> str:
    dialog = session_save_dialog(parent, current)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return with_session_suffix(dialog.selectedFiles()[0])


def ask_save_file(parent: QWidget, title: str, start: str, filters: str) -> str:
    return QFileDialog.getSaveFileName(parent, title, start, filters)[0]


def warn(parent: QWidget, title: str, message: str) -> None:
    """Tell the user what went wrong; nothing was changed."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setInformativeText("Nothing was changed.")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def show_shortcuts(parent: QWidget) -> QDialog:
    dialog = QDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowTitle("Keyboard Shortcuts")
    rows = shortcut_rows()
    table = QTableWidget(len(rows), 2, dialog)
    table.setHorizontalHeaderLabels(["Keys", "What they do"])
    table.verticalHeader().setVisible(False)
    for r, (keys, what) in enumerate(rows):
        table.setItem(r, 0, QTableWidgetItem(keys))
        table.setItem(r, 1, QTableWidgetItem(what))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(640, 560)
    dialog.open()
    return dialog


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About bpsim",
        f"<h3>bpsim {escape(__version__)}</h3>"
        "<p>See backpropagation: a network's forward and backward pass, frame by frame, "
        "with the formula of every step and the numbers plugged in.</p>"
        "<p>Step with → and ←, play with Space, train with T. "
        "Press F1 for every shortcut.</p>",
    )
