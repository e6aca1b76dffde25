"""Direct manipulation: select a weight or bias in the network view, type or
drag a new value, and undo or redo every edit (the learning rate's too).

Click an edge or a unit to select it; double-click it, or press Enter or F2,
to type a value in a small editor prefilled with the current one; or drag
up and down on it (Shift: finer). The shown step is redone from the edited
parameters and the future after it forgotten, as a change of learning rate
does. Edits are :class:`~bpsim.viewmodel.undo.Edit` data kept on an
:class:`~bpsim.viewmodel.undo.UndoStack`; Ctrl+Z and Ctrl+Shift+Z walk it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLineEdit

from bpsim.model.errors import DivergedError
from bpsim.ui.network.pointer import Hit
from bpsim.ui.network.selection import SelectionOverlay
from bpsim.viewmodel.undo import Edit, UndoStack, apply, current_value, edit_kind, parse_value

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow

DRAG_STEP = 0.01  # value per pixel dragged (a tenth of it with Shift)
DRAG_START = 3  # pixels before a press becomes a drag
MESSAGE_MS = 8000


class ValueEditor(QLineEdit):
    """The inline editor: Enter commits, Escape or leaving it cancels."""

    def __init__(self, owner: EditController) -> None:
        super().__init__(owner.view)
        self._owner = owner
        self.setObjectName("value_editor")
        self.setToolTip("Type a number; Enter sets it, Esc cancels")
        self.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._owner.commit_editor()
        elif event.key() == Qt.Key.Key_Escape:
            self._owner.close_editor()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._owner.close_editor()


class EditController(QObject):
    """Selection, value editing and undo for ``window``'s network view."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.c = window.controller
        self.view = window.network_view
        self.overlay = SelectionOverlay(self.view)
        self.editor = ValueEditor(self)
        self.stack = UndoStack()
        self._press: tuple[QPointF, float] | None = None  # where a drag began, and the value
        self._dragging = False
        self._lr = float(self.c.controls.learning_rate.value())
        self.view.installEventFilter(self)
        a = window.actions_by_name
        a["undo"].triggered.connect(self.undo)
        a["redo"].triggered.connect(self.redo)
        a["edit_value"].triggered.connect(self.open_editor)
        self.c.controls.learning_rate.valueChanged.connect(self._on_learning_rate_changed)
        self.c.sigSessionLoaded.connect(self._on_session_loaded)
        self._update_actions()

    # -- selection --------------------------------------------------------------------

    @property
    def selected(self) -> Hit | None:
        return self.overlay.selected

    def select(self, hit: Hit | None) -> None:
        if hit is not None and edit_kind(hit) is None:
            hit = None  # input units hold no parameter
        self.close_editor()
        value = None if hit is None else self.value_of(hit)
        if hit != self.overlay.selected and hit is not None and value is not None:
            name = self._name(hit) or "The value"
            self._say(
                f"{name} = {value:.6g}: Enter or double-click to type a value, "
                "drag up or down to change it"
            )
        self.overlay.select(hit)
        self.w.actions_by_name["edit_value"].setEnabled(hit is not None)

    def _edit_for(self, hit: Hit, new: float) -> Edit:
        kind = edit_kind(hit)
        assert kind is not None
        tl = self.c.timeline
        old = current_value(tl, kind, tuple(hit))
        return Edit(kind, tl.step, tuple(hit), old, new, name=self._name(hit))

    def _name(self, hit: Hit) -> str:
        """The view's name for it: its tooltip's first line (an edge) or bias line."""
        lines = self.view.tooltip_at(
            self.view.edge_point(*hit) if len(hit) == 3 else self.view.unit_center(*hit)
        ).splitlines()
        if len(hit) == 3:
            return lines[0] if lines else ""
        bias = [line.split(" = ")[0] for line in lines if line.startswith("b")]
        return f"bias {bias[-1]}" if bias else ""

    def value(self) -> float | None:
        """The selected weight's or bias's value as the shown step starts."""
        return None if self.selected is None else self.value_of(self.selected)

    def value_of(self, hit: Hit) -> float | None:
        kind = edit_kind(hit)
        return None if kind is None else current_value(self.c.timeline, kind, hit)

    # -- changing -----------------------------------------------------------------------

    def set_value(self, value: float) -> bool:
        """Give the selection ``value`` (recorded for undo); False if nothing changed."""
        hit = self.selected
        if hit is None:
            return False
        edit = self._edit_for(hit, value)
        if edit.old == value:
            return False
        if not self._apply(edit, value):
            return False
        self.stack.push(edit)
        self._update_actions()
        return True

    def set_text(self, text: str) -> bool:
        """A typed value: applied if it is a finite number, else a message and no change."""
        try:
            value = parse_value(text)
        except ValueError as exc:
            self._say(f"Not changed: {exc}.")
            return False
        return self.set_value(value)

    def _apply(self, edit: Edit, value: float) -> bool:
        c = self.c
        c._stop_motion()
        try:
            apply(c.timeline, edit, value)
        except DivergedError as exc:
            c.diverged(exc)
            return False
        if edit.kind == "lr":
            self._show_learning_rate(value)
        step = c.timeline.step
        c.plot.truncate_after(step - 1)  # the loss from this step on has changed
        c.plotted_until = min(c.plotted_until, step - 1)
        self.w.statusBar().clearMessage()
        c.refresh()
        self.overlay.update()
        return True

    def _show_learning_rate(self, lr: float) -> None:
        box = self.c.controls.learning_rate
        box.blockSignals(True)
        box.setValue(lr)
        box.blockSignals(False)
        self._lr = lr

    def _on_learning_rate_changed(self, lr: float) -> None:
        """The controller has applied it; remember it for undo (one edit per step)."""
        old, self._lr = self._lr, float(lr)
        if old == self._lr:
            return
        edit = Edit("lr", self.c.timeline.step, (), old, self._lr)
        last = self.stack.done[-1] if self.stack.done else None
        if last is not None and last.kind == "lr" and last.step == edit.step:
            self.stack.done[-1] = replace(last, new=self._lr)  # typing digits: one edit
            self.stack.undone.clear()
        else:
            self.stack.push(edit)
        self._update_actions()

    def _on_session_loaded(self) -> None:
        self.stack.clear()
        self.select(None)
        self._lr = float(self.c.controls.learning_rate.value())
        self._update_actions()

    # -- undo ---------------------------------------------------------------------------

    def undo(self) -> None:
        self.close_editor()
        edit = self.stack.take_undo()
        if edit is not None and self._apply(edit, edit.old):
            self._say(f"Undid the edit of {edit.label} at step {edit.step}.")
        self._update_actions()

    def redo(self) -> None:
        self.close_editor()
        edit = self.stack.take_redo()
        if edit is not None and self._apply(edit, edit.new):
            self._say(f"Redid the edit of {edit.label} at step {edit.step}.")
        self._update_actions()

    def _say(self, message: str) -> None:
        self.w.statusBar().showMessage(message, MESSAGE_MS)

    def _update_actions(self) -> None:
        a = self.w.actions_by_name
        for name, edits, verb in (
            ("undo", self.stack.done, "&Undo"),
            ("redo", self.stack.undone, "&Redo"),
        ):
            a[name].setEnabled(bool(edits))
            a[name].setText(f"{verb} {edits[-1].label}" if edits else verb)

    # -- the editor ----------------------------------------------------------------------

    def open_editor(self) -> None:
        value = self.value()
        hit = self.selected
        if value is None or hit is None:
            return
        at = self.view.unit_center(*hit) if len(hit) == 2 else self.view.edge_point(*hit)
        self.editor.setText(repr(value))
        self.editor.selectAll()
        self.editor.adjustSize()
        width = max(self.editor.fontMetrics().horizontalAdvance("-0.000000000000") + 12, 90)
        self.editor.resize(width, self.editor.sizeHint().height())
        x = min(max(0, int(at.x() - width / 2)), max(0, self.view.width() - width))
        y = min(
            max(0, int(at.y() - self.editor.height() / 2)),
            max(0, self.view.height() - self.editor.height()),
        )
        self.editor.move(x, y)
        self.editor.show()
        self.editor.raise_()  # above the selection's overlay
        self.editor.setFocus()

    def commit_editor(self) -> None:
        try:
            value = parse_value(self.editor.text())
        except ValueError as exc:
            self._say(f"Not changed: {exc}.")
            self.editor.selectAll()  # the message says why; the text stays to fix
            return
        self.set_value(value)  # the same value again: nothing to do
        self.close_editor()

    def close_editor(self) -> None:
        if self.editor.isVisible():
            self.editor.hide()
            self.view.setFocus()

    # -- the mouse and keys over the view -----------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.view:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            return self._on_press(event)
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            return self._on_drag(event)
        if kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            return self._on_release()
        if kind == QEvent.Type.MouseButtonDblClick and isinstance(event, QMouseEvent):
            self.select(self.view.hit_at(event.position()))
            self.open_editor()
            return self.selected is not None
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._on_key(event)
        return False

    def _on_press(self, event: QMouseEvent) -> bool:
        if (
            event.button() != Qt.MouseButton.LeftButton
            or event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            return False  # Ctrl: the lecture's laser pointer
        self.select(self.view.hit_at(event.position()))
        value = self.value()
        self._press = None if value is None else (event.position(), value)
        self._dragging = False
        return False

    def _on_drag(self, event: QMouseEvent) -> bool:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return False
        start, value = self._press
        dy = start.y() - event.position().y()  # up raises the value
        if not self._dragging and abs(dy) < DRAG_START:
            return True
        self._dragging = True
        fine = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        step = DRAG_STEP / 10 if fine else DRAG_STEP
        new = round(value + round(dy) * step, 4 if fine else 3)
        hit = self.selected
        if hit is not None:
            self._apply(self._edit_for(hit, new), new)  # recorded once, on release
        return True

    def _on_release(self) -> bool:
        press, dragged = self._press, self._dragging
        self._press, self._dragging = None, False
        hit = self.selected
        if press is None or not dragged or hit is None:
            return False
        edit = self._edit_for(hit, 0.0)
        if edit.old != press[1]:
            self.stack.push(replace(edit, old=press[1], new=edit.old))
            self._update_actions()
        return True

    def _on_key(self, event: QKeyEvent) -> bool:
        if self.selected is None:
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.open_editor()
            return True
        if event.key() == Qt.Key.Key_Escape:
            self.select(None)
            return True
        return False
