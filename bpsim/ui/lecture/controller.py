"""The lecture controller: bookmarks, the walk through them, go to, run.

It keeps a :class:`~bpsim.viewmodel.lecture.LectureList` for the session
shown (its lecture goes into the session, so saving the session saves it),
fills the Lecture panel, and answers the Lecture menu, the clicker keys and
clicks on the loss plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget

from bpsim.model.sessions.lecture import Bookmark, ViewSetting
from bpsim.ui.lecture import moves
from bpsim.ui.lecture.panel import LecturePanel
from bpsim.ui.panels.plot_seek import PlotSeek
from bpsim.viewmodel.lecture import LectureList

if TYPE_CHECKING:
    from bpsim.ui.window.controller import Controller

DOCK_SHARE = 0.17  # of the window's width, for the Lecture panel when it opens


class LectureController(QObject):
    """Bookmarks and lecture moves of ``controller``'s window."""

    sigChanged = Signal()  # the list or its current bookmark changed (the notes follow)

    def __init__(self, controller: Controller, panel: LecturePanel, dock: QDockWidget) -> None:
        super().__init__(controller)
        self.c = controller
        self.panel = panel
        self.dock = dock
        self.list = LectureList()
        self.seek = PlotSeek(controller.plot)
        self._run_steps = 1000
        self.presenting = False  # set by the presenter: bookmarks choose panels then
        self._connect_callbacks()
        self.on_session_loaded()

    def _connect_callbacks(self) -> None:
        a, p = self.c.a, self.panel
        a["add_bookmark"].triggered.connect(self.add_current)
        a["next_bookmark"].triggered.connect(self.next)
        a["prev_bookmark"].triggered.connect(self.previous)
        a["go_to_step"].triggered.connect(self._on_go_to_step)
        a["run_steps"].triggered.connect(self._on_run_steps)
        p.sigAdd.connect(self.add_current)
        p.sigGo.connect(self.go)
        p.sigRename.connect(lambda k, title: self._edit(self.list.rename, k, title))
        p.sigNoteChanged.connect(self._on_note_changed)
        p.sigMove.connect(self._on_move)
        p.sigDelete.connect(self._on_delete)
        p.sigUpdate.connect(self.update_to_current)
        self.seek.sigStepClicked.connect(self._on_plot_clicked)
        p.add_toggle(a["lecture_mode"])
        a["lecture_mode"].toggled.connect(lambda on: on and self._show_dock())
        p.add_toggle(a["presenter"])
        self.c.sigSessionLoaded.connect(self.on_session_loaded)

    # -- the session's lecture -----------------------------------------------------

    def on_session_loaded(self) -> None:
        """Show the new session's lecture (a preset's own, or a file's)."""
        self.list = LectureList(self.c.timeline.session.lecture)
        self._show()
        self.offer()

    def offer(self) -> None:
        """A session with a lecture: say how to walk it. The panel stays
        closed (it would take room from the network at lecture-hall type)
        until lecture mode, a new bookmark or View → Lecture opens it."""
        n = len(self.list)
        if n == 0:
            return
        self.c.w.statusBar().showMessage(
            f"This session comes with a lecture of {n} moments: Ctrl+L walks it with "
            "Page Down and Page Up (View → Lecture lists them), F5 presents it."
        )  # no timeout (no timer left running): the first move clears it

    def _show_dock(self) -> None:
        if self.dock.isVisible() or self.presenting:
            return
        self.dock.show()
        w = self.c.w
        w.resizeDocks([self.dock], [int(w.width() * DOCK_SHARE)], Qt.Orientation.Horizontal)

    def _show(self) -> None:
        self.panel.show_list(self.list.bookmarks, self.list.current)
        self.sigChanged.emit()

    def _store(self) -> None:
        """The list's lecture into the session: saving the session saves it."""
        self.c.timeline.session.lecture = self.list.lecture() if len(self.list) else None
        self._show()

    def _edit(self, change: object, *args: object) -> None:
        change(*args)  # type: ignore[operator]
        self._store()

    # -- editing -----------------------------------------------------------------

    def _moment(self) -> tuple[int, int, ViewSetting]:
        """The step, frame and view shown now; the panels in view while presenting."""
        tl = self.c.timeline
        panels = None
        if self.presenting:  # the panels in view now are this moment's
            w = self.c.w
            docks = {"formula": w.formula_dock, "loss": w.loss_dock, "data": w.data_dock}
            panels = tuple(name for name, dock in docks.items() if dock.isVisible())
        return tl.step, tl.cursor, ViewSetting(edge_mode=self.c.edge_mode(), panels=panels)

    def add_current(self) -> None:
        """Bookmark the moment shown, with the edge mode shown."""
        step, frame, view = self._moment()
        title = f"Step {step:,}: {self.c.timeline.frame.label}"
        k = self.list.add(step, frame, title, view=view)
        self._store()
        self._show_dock()
        self.c.w.statusBar().showMessage(
            f"Bookmark {k + 1} added; double-click it in the Lecture panel to rename it", 5000
        )

    def update_to_current(self, k: int) -> None:
        """Bookmark ``k`` keeps its title and note and points at the moment shown."""
        self.list.set_moment(k, *self._moment())
        self.list.current = k
        self._store()

    def _on_note_changed(self, k: int, note: str) -> None:
        self.list.set_note(k, note)
        self.c.timeline.session.lecture = self.list.lecture()  # the panel shows it already

    def _on_move(self, k: int, to: int) -> None:
        self.list.move(k, to)
        self._store()
        self.panel.list.setCurrentRow(to)

    def _on_delete(self, k: int) -> None:
        self.list.delete(k)
        self._store()

    # -- walking -------------------------------------------------------------------

    def go(self, k: int) -> bool:
        """Open bookmark ``k``: its exact step, frame and view."""
        if not 0 <= k < len(self.list):
            return False
        b = self.list.go(k)
        self._apply_view(b)
        moved = moves.show_moment(self.c, b.step, b.frame)
        self._show()
        return moved

    def next(self) -> bool:
        """The next bookmark; at the end, say so and stay."""
        k = 0 if self.list.current is None else self.list.current + 1
        if k >= len(self.list):
            self.c.w.statusBar().showMessage("That was the lecture's last bookmark.", 3000)
            return False
        return self.go(k)

    def previous(self) -> bool:
        if self.list.current is None or self.list.current == 0:
            self.c.w.statusBar().showMessage("This is the lecture's first bookmark.", 3000)
            return False
        return self.go(self.list.current - 1)

    def current(self) -> Bookmark | None:
        k = self.list.current
        return None if k is None else self.list[k]

    def _apply_view(self, b: Bookmark) -> None:
        edge = b.view.edge_mode
        if edge is not None:
            action = self.c.a["gradient_mode"]
            action.blockSignals(True)  # the move refreshes once
            action.setChecked(edge == "gradients")
            action.blockSignals(False)
            combo = self.c.controls.edge_mode
            combo.blockSignals(True)
            combo.setCurrentIndex(1 if edge == "gradients" else 0)
            combo.blockSignals(False)
            self.c.view.set_mode(edge)
        if b.view.panels is not None and self.presenting:
            w = self.c.w
            docks = {"formula": w.formula_dock, "loss": w.loss_dock, "data": w.data_dock}
            for name, dock in docks.items():
                dock.setVisible(name in b.view.panels)
            for name in reversed(b.view.panels):  # tabbed together: the first named in front
                if name in docks:
                    docks[name].raise_()

    # -- go to ---------------------------------------------------------------------

    def _on_go_to_step(self) -> None:
        tl = self.c.timeline
        step = moves.ask_step(self.c.w, tl.step, tl.first_step)
        if step is not None:
            moves.show_moment(self.c, step)

    def _on_run_steps(self) -> None:
        steps = moves.ask_steps(self.c.w, self._run_steps)
        if steps is not None:
            self._run_steps = steps
            self.run_steps(steps)

    def run_steps(self, n: int) -> bool:
        """Train ``n`` steps from the step shown and show the step after them."""
        return moves.show_moment(self.c, self.c.timeline.step + n)

    def _on_plot_clicked(self, step: int) -> None:
        last = max(self.c.plotted_until, self.c.timeline.first_step)
        moves.show_moment(self.c, min(step, last))
