"""The handout of a lecture: one picture per bookmark (PNG files) or a PDF
deck, one page per bookmark with its title and note under the picture.

Each bookmark is opened on a timeline exactly as the app opens it (the
step restored or trained to, the frame sought), and drawn as a slide. The
timeline is left where it was found. Files are written whole or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bpsim.model.sessions.files import atomic_write
from bpsim.model.sessions.lecture import Bookmark, Lecture, safe_file_name
from bpsim.ui.export.images import ExportError, _app, write_png

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from bpsim.viewmodel.timeline import Timeline

DATA_SHARE = 0.32  # of a slide's width, for the data panel (data sets of many samples)
PDF_DPI = 150
PDF_MARGIN = 0.05  # of the page's width


def lecture_images(
    timeline: Timeline, lecture: Lecture, size: tuple[int, int], mode: str = "weights"
) -> Iterator[tuple[int, Bookmark, QImage]]:
    """(number from 1, bookmark, picture) for each bookmark, in order; edges
    show the bookmark's edge mode, else ``mode``."""
    _app()
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from bpsim.ui.export.slide import SlideView
    from bpsim.ui.panels.data_view import DataView

    step, cursor = timeline.step, timeline.cursor
    names = timeline.trainer.net.activation_names
    session = timeline.session
    page = QWidget()
    page.setFixedSize(*size)
    row = QHBoxLayout(page)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)
    slide = SlideView()
    row.addWidget(slide)
    data: DataView | None = None
    width, height = size
    if session.dataset.n_samples > 1:  # the data and the network's answer beside the network
        data = DataView()
        side = int(width * DATA_SHARE)
        data.setFixedSize(side, height)
        data.set_font_size(max(page.font().pointSizeF(), 9.0) * min(width / 1280, height / 720))
        data.set_data(session.dataset, session.test)
        row.addWidget(data)
        width -= side
    slide.set_slide_size(width, height)
    try:
        for k, b in enumerate(lecture.bookmarks):
            timeline.go_to_step(b.step)
            timeline.seek(b.frame)
            if timeline.step != b.step:  # saved after that step: the page says what it shows
                b = replace(b, step=timeline.step, frame=timeline.cursor)
            slide.show_frame(timeline.trace, timeline.cursor, names, b.view.edge_mode or mode)
            if data is not None:
                data.update_network(timeline.net_before_step())
            yield k + 1, b, page.grab().toImage()
    finally:
        page.deleteLater()
        timeline.go_to_step(step)
        timeline.seek(cursor)


def _folder(out_dir: str | os.PathLike[str]) -> Path:
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc.strerror or exc}") from None
    return folder


def write_lecture_pngs(
    timeline: Timeline,
    lecture: Lecture,
    out_dir: str | os.PathLike[str],
    size: tuple[int, int] = (1280, 720),
    mode: str = "weights",
) -> list[Path]:
    """``01-the-inputs.png``, ``02-…`` into ``out_dir``; returns the paths."""
    folder = _folder(out_dir)
    written = []
    for number, b, image in lecture_images(timeline, lecture, size, mode):
        path = folder / f"{safe_file_name(number, b.title)}.png"
        write_png(image, path)
        written.append(path)
    return written


def write_lecture_pdf(
    timeline: Timeline,
    lecture: Lecture,
    path: str | os.PathLike[str],
    size: tuple[int, int] = (1280, 720),
    mode: str = "weights",
) -> int:
    """The lecture as a PDF deck, one landscape A4 page per bookmark: the
    picture, its title and its note. Returns the number of pages."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        raise ExportError(f"the deck's name must end in .pdf, not {target.name!r}")
    if not target.parent.is_dir():
        raise ExportError(f"no folder {target.parent} to write {target.name} into")
    pages = list(lecture_images(timeline, lecture, size, mode))
    total = len(pages)

    def write(tmp: str) -> None:
        from PySide6.QtCore import QMarginsF
        from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        writer = QPdfWriter(tmp)
        writer.setResolution(PDF_DPI)
        writer.setTitle(lecture.title or "bpsim lecture")
        writer.setCreator("bpsim")
        layout = QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(0, 0, 0, 0),
        )
        writer.setPageLayout(layout)
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportError(f"cannot write {target}")
        try:
            for k, (number, b, image) in enumerate(pages):
                if k:
                    writer.newPage()
                _draw_page(
                    painter, writer.width(), writer.height(), number, total, b, image, lecture.title
                )
        finally:
            painter.end()

    try:
        atomic_write(target, write)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    return total


def _draw_page(
    painter: object,
    width: int,
    height: int,
    number: int,
    total: int,
    b: Bookmark,
    image: QImage,
    title: str,
) -> None:
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter

    assert isinstance(painter, QPainter)
    margin = int(width * PDF_MARGIN)
    inner = width - 2 * margin
    picture_h = min(int(inner * image.height() / max(image.width(), 1)), int(height * 0.62))
    picture_w = int(picture_h * image.width() / max(image.height(), 1))
    left = margin + (inner - picture_w) // 2
    painter.drawImage(QRect(left, margin, picture_w, picture_h), image)
    painter.setPen(QColor(170, 170, 170))
    painter.drawRect(QRect(left, margin, picture_w, picture_h))
    top = margin + picture_h + margin // 2
    heading = QFont("DejaVu Sans")
    heading.setPointSizeF(18)
    heading.setBold(True)
    painter.setFont(heading)
    painter.setPen(QColor(0, 0, 0))
    line = int(painter.fontMetrics().height() * 1.3)
    painter.drawText(
        QRect(margin, top, inner, line), Qt.AlignmentFlag.AlignLeft, f"{number}. {b.title}"
    )
    body = QFont("DejaVu Sans")
    body.setPointSizeF(12)
    painter.setFont(body)
    foot = painter.fontMetrics().height() * 2
    note_rect = QRect(margin, top + line, inner, height - top - line - margin // 2 - foot)
    painter.drawText(note_rect, int(Qt.TextFlag.TextWordWrap), b.note)
    small = QFont("DejaVu Sans")
    small.setPointSizeF(9)
    painter.setFont(small)
    painter.setPen(QColor(110, 110, 110))
    where = f"{title} · " if title else ""
    footer = f"{where}{number} / {total} · training step {b.step:,}, frame {b.frame + 1} · bpsim"
    painter.drawText(
        QRect(margin, height - margin // 2 - foot // 2, inner, foot),
        Qt.AlignmentFlag.AlignLeft,
        footer,
    )
