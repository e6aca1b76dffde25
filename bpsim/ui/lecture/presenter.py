"""Presenter mode: the window full screen with the panels the lecturer chose.

Entering it hides what the audience need not see (menus, toolbar, status
bar, the Controls and Lecture panels) and keeps the other panels as they
were; a bookmark that names panels shows those. The speaker notes go to a
window on a second screen when one is connected, else to a strip under the
picture that N shows and hides. B or "." blanks to black, W to white; any
key or click brings the picture back. The pointer hides after
:data:`IDLE_SECONDS` without moving; holding Ctrl shows a laser pointer.
Leaving (Esc, F5) puts the window back as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from bpsim.ui.lecture.clicker import ClickerKeys
from bpsim.ui.lecture.notes import SpeakerNotes
from bpsim.ui.lecture.overlays import BlankScreen, LaserPointer

if TYPE_CHECKING:
    from bpsim.ui.lecture.controller import LectureController
    from bpsim.ui.window.main_window import MainWindow

IDLE_SECONDS = 2.0
IDLE_POLL_MS = 250
NOTES_SCALE_SECOND_SCREEN = 2.0  # the speaker reads the second screen from a step away


class Presenter(QObject):
    """Presenter mode, blanking and the laser for ``window`` (see the module)."""

    def __init__(self, window: MainWindow, lecture: LectureController) -> None:
        super().__init__(window)
        self.w = window
        self.c = lecture.c
        self.lecture = lecture
        self.presenting = False
        self.blank = BlankScreen(window)
        self.laser = LaserPointer(window)
        self.strip = SpeakerNotes(strip=True)
        self.notes_dock = QDockWidget("Speaker Notes", window)
        self.notes_dock.setObjectName("speaker_notes_dock")
        self.notes_dock.setWidget(self.strip)
        self.notes_dock.setTitleBarWidget(QWidget())  # a strip, not a panel
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        window.addDockWidget(bottom, self.notes_dock, Qt.Orientation.Vertical)
        self.notes_dock.hide()
        self.notes_window: SpeakerNotes | None = None
        self._saved: tuple[QByteArray, bool, bool] | None = None
        self._idle = QTimer(self)
        self._idle.setInterval(IDLE_POLL_MS)
        self._pointer = (QPoint(), 0.0)  # where the pointer was, and for how long
        self._pointer_hidden = False
        self.keys = ClickerKeys(self)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.keys)
        self._connect_callbacks()

    def _connect_callbacks(self) -> None:
        a = self.c.a
        a["presenter"].toggled.connect(self._on_presenter_toggled)
        a["speaker_notes"].toggled.connect(self._on_notes_toggled)
        a["blank_black"].triggered.connect(lambda: self.blank_screen("black"))
        a["blank_white"].triggered.connect(lambda: self.blank_screen("white"))
        self.lecture.sigChanged.connect(self.update_notes)
        self._idle.timeout.connect(self._on_idle_tick)

    def windows(self) -> list[QWidget]:
        """The windows whose keys are the clicker's."""
        return [self.w] if self.notes_window is None else [self.w, self.notes_window]

    def timers(self) -> list[QTimer]:
        return [self._idle, self.laser.timer]

    # -- blank ---------------------------------------------------------------------

    def blank_screen(self, color: str) -> None:
        self.laser.set_on(False)
        self.blank.blank(color)

    def unblank(self) -> None:
        self.blank.unblank()

    # -- presenter mode --------------------------------------------------------------

    def _on_presenter_toggled(self, on: bool) -> None:
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> None:
        if self.presenting:
            return
        w = self.w
        self.presenting = self.lecture.presenting = True
        self._saved = (w.saveState(), w.isFullScreen(), w.isMaximized())
        for bar in (w.menuBar(), w.toolbar, w.statusBar()):
            bar.hide()
        shown = [d for d in (w.formula_dock, w.loss_dock, w.data_dock) if _in_view(d)]
        for dock in (w.formula_dock, w.loss_dock, w.data_dock, w.controls_dock, self.lecture.dock):
            dock.setVisible(dock in shown)  # the panels in view stay; a tab behind stays hidden
        self.c.a["lecture_mode"].setChecked(True)
        w.showFullScreen()
        others = [s for s in QGuiApplication.screens() if s is not w.screen()]
        if others:  # the notes on the speaker's screen, the picture on the audience's
            notes = SpeakerNotes(scale=NOTES_SCALE_SECOND_SCREEN)
            notes.setWindowTitle("bpsim — speaker notes")
            notes.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            notes.setGeometry(others[0].availableGeometry())
            notes.show()
            self.notes_window = notes
        else:
            self.notes_dock.setVisible(self.c.a["speaker_notes"].isChecked())
        self.update_notes()
        self._pointer = (QCursor.pos(), 0.0)
        self._idle.start()
        self.c.view.setFocus()

    def leave(self) -> None:
        if not self.presenting:
            return
        w = self.w
        self.presenting = self.lecture.presenting = False
        self._idle.stop()
        self._show_pointer()
        self.laser.set_on(False)
        self.unblank()
        if self.notes_window is not None:
            self.notes_window.close()
            self.notes_window = None
        self.notes_dock.hide()
        for bar in (w.menuBar(), w.toolbar, w.statusBar()):
            bar.show()
        if self._saved is not None:
            state, full, maximized = self._saved
            if not full:
                w.showMaximized() if maximized else w.showNormal()
            w.restoreState(state)
        self._saved = None
        action = self.c.a["presenter"]
        if action.isChecked():  # left another way (the window closed)
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)

    def shutdown(self) -> None:
        self.leave()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.keys)
        for timer in self.timers():
            timer.stop()

    # -- the speaker notes -------------------------------------------------------------

    def _on_notes_toggled(self, on: bool) -> None:
        if self.notes_window is None:  # no second screen: the strip
            self.notes_dock.setVisible(on)
            self.w.fit_formula_dock()  # the card keeps the height its text needs

    def update_notes(self) -> None:
        lst = self.lecture.list
        k = lst.current
        mark = None if k is None else lst[k]
        number = 0 if k is None else k + 1
        for notes in (self.strip, self.notes_window):
            if notes is not None:
                notes.show_bookmark(mark, number, len(lst), lst.next_title())

    # -- the pointer -------------------------------------------------------------------

    def _on_idle_tick(self) -> None:
        pos, still = self._pointer
        now = QCursor.pos()
        if now != pos:
            self._pointer = (now, 0.0)
            self._show_pointer()
            return
        still += IDLE_POLL_MS / 1000
        self._pointer = (pos, still)
        if still >= IDLE_SECONDS and not self._pointer_hidden:
            QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
            self._pointer_hidden = True

    def _show_pointer(self) -> None:
        if self._pointer_hidden:
            QApplication.restoreOverrideCursor()
            self._pointer_hidden = False

    @property
    def pointer_hidden(self) -> bool:
        return self._pointer_hidden


def _in_view(dock: QDockWidget) -> bool:
    """Open and not a tab behind another."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()
