"""The lecture's handout: ``bpsim export --lecture`` writes a PNG per
bookmark and a PDF deck with a page per bookmark."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bpsim.cli import main
from bpsim.model.sessions.builtin_lectures import builtin_lecture
from bpsim.model.sessions.lecture import Bookmark, Lecture
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import save_session


def pdf_pages(path: Path) -> int:
    """The pages of a PDF: its /Type /Page objects (Qt writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


def test_the_mazur_lecture_as_pictures_and_a_deck(tmp_path: Path, capsys) -> None:
    out, deck = tmp_path / "d", tmp_path / "deck.pdf"
    args = ["--preset", "mazur", "--lecture", "--out", str(out), "--pdf", str(deck)]
    assert main(["export", *args, "--size", "640x360"]) == 0
    lecture = builtin_lecture("mazur")
    files = sorted(out.glob("*.png"))
    assert len(files) == len(lecture.bookmarks) >= 7
    assert files[0].name == "01-the-inputs.png"
    assert files[-1].name == "09-after-10-000-steps.png"
    pictures = [np.asarray(Image.open(f).convert("RGB")) for f in files]
    assert all(p.shape == (360, 640, 3) for p in pictures)
    assert len({p.tobytes() for p in pictures}) == len(pictures)  # each moment its own
    assert deck.read_bytes().startswith(b"%PDF")
    assert pdf_pages(deck) == len(lecture.bookmarks)
    assert "9 pages" in capsys.readouterr().out


def test_a_session_files_lecture(tmp_path: Path) -> None:
    session = new_session("circle")
    session.lecture = Lecture("Mine", (Bookmark(0, 2, "Two"), Bookmark(3, 0, "After three")))
    path = tmp_path / "s.bpsim.json"
    save_session(path, session)
    deck = tmp_path / "mine.pdf"
    assert main(["export", "--session", str(path), "--lecture", "--pdf", str(deck)]) == 0
    assert pdf_pages(deck) == 2
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "spiral", "--lecture", "--out", "D"], "preset 'spiral' has no lecture"),
        (["--preset", "mazur", "--lecture"], "--lecture needs --out DIR"),
        (["--preset", "mazur", "--lecture", "--pdf", "deck.txt"], "must end in .pdf"),
        (
            ["--preset", "mazur", "--frames", "0:2", "--out", "D", "--pdf", "x.pdf"],
            "--pdf goes with",
        ),
    ],
)
def test_lecture_export_errors_are_one_line(
    tmp_path: Path, capsys, monkeypatch, args, message
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_bookmarks_before_a_saved_sessions_step_say_what_they_show(tmp_path: Path, capsys) -> None:
    from bpsim.model.sessions.session_file import load_session
    from bpsim.ui.export.lecture_deck import lecture_images
    from bpsim.viewmodel.timeline import Timeline

    session = new_session("circle")
    session.lecture = Lecture("Late", (Bookmark(1, 2, "Too early"), Bookmark(6, 3, "Later")))
    timeline = Timeline(session)
    timeline.go_to_step(4)
    path = tmp_path / "s.bpsim"
    timeline.save(str(path), {})
    reopened = load_session(path)
    assert reopened.lecture is not None
    shown = [
        (b.step, b.frame)
        for _, b, _ in lecture_images(Timeline(reopened), reopened.lecture, (320, 180))
    ]
    assert shown == [(4, 2), (6, 3)]  # the saved step, at the frame asked for
    assert main(["export", "--session", str(path), "--lecture", "--out", str(tmp_path / "d")]) == 0
    err = capsys.readouterr().err
    assert "bookmark(s) 1 come before step 4" in err
