"""The lecture's parts of the main window, made and connected in one place:
the Lecture panel's controller, presenter mode, and the handout's export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from bpsim.ui.export.images import ExportError
from bpsim.ui.export.lecture_deck import write_lecture_pdf, write_lecture_pngs
from bpsim.ui.lecture.controller import LectureController
from bpsim.ui.lecture.presenter import Presenter
from bpsim.ui.window import dialogs

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow

LECTURE_MENU = ("add_bookmark", None, "lecture_mode", "next_bookmark", "prev_bookmark", None)
LECTURE_MENU += ("presenter", "speaker_notes", "blank_black", "blank_white")
SLIDE_SIZE = (1280, 720)


class LectureParts(QObject):
    """Bookmarks, presenter mode and the handout of ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.controller = LectureController(
            window.controller, window.lecture_panel, window.lecture_dock
        )
        self.presenter = Presenter(window, self.controller)
        a = window.actions_by_name
        a["export_lecture_pdf"].triggered.connect(self._on_export_pdf)
        a["export_lecture_png"].triggered.connect(self._on_export_pngs)

    def offer(self) -> None:
        self.controller.offer()

    def shutdown(self) -> None:
        self.presenter.shutdown()

    # -- the handout -----------------------------------------------------------------

    def _on_export_pdf(self) -> None:
        if self._empty():
            return
        path = dialogs.ask_save_file(
            self.w, "Export Lecture as PDF", "lecture.pdf", "PDF documents (*.pdf)"
        )
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self._export(lambda: f"{self._pdf(path)} pages", path)

    def _on_export_pngs(self) -> None:
        if self._empty():
            return
        folder = QFileDialog.getExistingDirectory(self.w, "Export Lecture as PNGs: choose a folder")
        if folder:
            self._export(lambda: f"{len(self._pngs(folder))} pictures", folder)

    def _empty(self) -> bool:
        if len(self.controller.list):
            return False
        dialogs.warn(self.w, "No lecture to export", "Bookmark some moments first (Ctrl+B).")
        return True

    def _pdf(self, path: str) -> int:
        c = self.controller.c
        return write_lecture_pdf(
            c.timeline, self.controller.list.lecture(), path, SLIDE_SIZE, c.edge_mode()
        )

    def _pngs(self, folder: str) -> list[object]:
        c = self.controller.c
        lecture = self.controller.list.lecture()
        return list(write_lecture_pngs(c.timeline, lecture, folder, SLIDE_SIZE, c.edge_mode()))

    def _export(self, write: object, where: str) -> None:
        c = self.controller.c
        c._stop_motion()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            what = write()  # type: ignore[operator]
        except ExportError as exc:
            dialogs.warn(self.w, "Cannot export the lecture", str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
            c.refresh()  # the export walked the timeline and put it back
        self.w.statusBar().showMessage(f"Wrote {where} ({what})", 6000)
