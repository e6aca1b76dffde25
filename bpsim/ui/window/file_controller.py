"""File actions: open and save sessions, open CSV data, export pictures.

Each problem is reported in a dialog and changes nothing. Big files are
read off the GUI thread (:mod:`bpsim.ui.safety.loading`), and a session is
swapped in whole or not at all (:mod:`bpsim.ui.safety.swap`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication

from bpsim.model.errors import BpsimError
from bpsim.ui.safety.loading import read_csv, read_file, read_session
from bpsim.ui.safety.swap import swap_in
from bpsim.ui.window import dialogs
from bpsim.viewmodel.file_errors import FILE_ERRORS, file_error_message

if TYPE_CHECKING:
    from bpsim.ui.window.controller import Controller

SLIDE_SIZE = (1280, 720)


class FileController(QObject):
    """Handles the File menu for ``controller``'s window."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.c = controller
        self._connect_callbacks()

    def _connect_callbacks(self) -> None:
        a = self.c.a
        a["open"].triggered.connect(self._on_open)
        a["open_csv"].triggered.connect(self._on_open_csv)
        a["save"].triggered.connect(self._on_save)
        a["save_as"].triggered.connect(self._on_save_as)
        a["export_png"].triggered.connect(self._on_export_png)
        a["export_gif"].triggered.connect(self._on_export_gif)

    def _on_open(self) -> None:
        path = dialogs.ask_open_session(self.c.w)
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        """Open a session file (a big one off the GUI thread); swapped in
        whole, or a dialog says why not and nothing changes."""
        self._stop_for_reading()
        read_file(
            self.c.w,
            path,
            read_session,
            lambda session: swap_in(self.c, session, path),
            lambda why: dialogs.warn(self.c.w, "Cannot open this session", why),
        )

    def _on_open_csv(self) -> None:
        path = dialogs.ask_open_csv(self.c.w)
        if path:
            self.load_csv(path)

    def load_csv(self, path: str) -> None:
        self._stop_for_reading()
        read_file(
            self.c.w,
            path,
            read_csv,
            lambda session: swap_in(self.c, session, None),
            lambda why: dialogs.warn(self.c.w, "Cannot use this CSV file", why),
        )

    def _stop_for_reading(self) -> None:
        if self.c.a["train"].isChecked():
            self.c.a["train"].setChecked(False)
        if self.c.a["play"].isChecked():
            self.c.a["play"].setChecked(False)

    def _settings_to_save(self) -> dict[str, str | int | float | bool | None]:
        return {
            "frame": self.c.timeline.cursor,
            "granularity": self.c.granularity().value,
            "edge_mode": self.c.edge_mode(),
        }

    def _on_save(self) -> None:
        if self.c.session_path is None:
            self._on_save_as()
        else:
            self.save(self.c.session_path)

    def _on_save_as(self) -> None:
        path = dialogs.ask_save_session(self.c.w, self.c.session_path)
        if path:
            self.save(path)

    def save(self, path: str) -> None:
        if self.c.a["train"].isChecked():
            self.c.a["train"].setChecked(False)  # pause on a step: that is what is saved
        try:
            self.c.timeline.save(path, self._settings_to_save(), self.c.plot.history())
        except FILE_ERRORS as exc:  # the old file, if any, is untouched
            dialogs.warn(self.c.w, "Cannot save the session", file_error_message(exc, path))
            return
        self.c.session_path = path
        self.c.w.setWindowTitle(f"{Path(path).name} — bpsim")
        self.c.w.statusBar().showMessage(f"Saved {path}", 4000)

    def _on_export_png(self) -> None:
        path = dialogs.ask_save_file(
            self.c.w, "Export frame as PNG", "frame.png", "PNG images (*.png)"
        )
        if path:
            self._export(path, gif=False)

    def _on_export_gif(self) -> None:
        path = dialogs.ask_save_file(
            self.c.w, "Export step as GIF", "step.gif", "GIF animations (*.gif)"
        )
        if path:
            if not path.lower().endswith(".gif"):
                path += ".gif"  # a name typed without its suffix
            self._export(path, gif=True)

    def _export(self, path: str, *, gif: bool) -> None:
        """The current frame, or the whole step, as a slide: network and formula."""
        from bpsim.ui.export.gif import write_gif  # here: not needed before the first export
        from bpsim.ui.export.images import render, write_png

        tl = self.c.timeline
        names = tl.trainer.net.activation_names
        mode = self.c.edge_mode()  # the slide shows what the view shows
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        what = "the frame"
        try:
            if gif:
                chosen = write_gif(tl.trace, names, path, size=SLIDE_SIZE, mode=mode)
                what = f"{len(chosen.frames)} frames, {chosen.describe()}"
            else:
                (image,) = render(tl.trace, names, [tl.cursor], SLIDE_SIZE, mode)
                write_png(image, path)
        except BpsimError as exc:  # an ExportError
            dialogs.warn(self.c.w, "Cannot export", str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.c.w.statusBar().showMessage(f"Wrote {path} ({what})", 6000)
