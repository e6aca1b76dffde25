"""Lectures: bookmarks in session files, the built-in lectures, the list a
lecturer edits and walks (all without Qt)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bpsim.model import SessionError
from bpsim.model.sessions.builtin_lectures import BUILTIN_LECTURES, builtin_lecture
from bpsim.model.sessions.lecture import (
    Bookmark,
    Lecture,
    ViewSetting,
    lecture_from_dict,
    lecture_to_dict,
    safe_file_name,
)
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import (
    load_session,
    save_session,
    session_from_dict,
    session_to_dict,
)
from bpsim.model.trace.frames import frames_per_step
from bpsim.viewmodel.lecture import LectureList
from bpsim.viewmodel.timeline import Timeline

LECTURE = Lecture(
    "Test",
    (
        Bookmark(0, 3, "Three", "a note\nof two lines", ViewSetting("gradients", ("loss",))),
        Bookmark(5, 0, "Five"),
    ),
)


def test_a_lecture_round_trips_through_a_session_file(tmp_path: Path) -> None:
    session = new_session("gaussians")
    session.lecture = LECTURE
    path = tmp_path / "s.bpsim.json"
    save_session(path, session)
    doc = json.loads(path.read_text())
    assert doc["schema_version"] == 2
    assert doc["lecture"]["bookmarks"][0]["view"] == {"edge_mode": "gradients", "panels": ["loss"]}
    assert load_session(path).lecture == LECTURE


def test_a_version_1_file_without_a_lecture_still_opens() -> None:
    doc = session_to_dict(new_session("xor"))
    doc["schema_version"] = 1
    del doc["lecture"]
    assert session_from_dict(doc).lecture is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(bookmarks="x"), "lecture.bookmarks must be a list"),
        (lambda d: d["bookmarks"][1].update(step=-1), "lecture.bookmarks[1].step must be a whole"),
        (lambda d: d["bookmarks"][1].update(step=True), "lecture.bookmarks[1].step"),
        (lambda d: d["bookmarks"][0].update(frame=1.5), "lecture.bookmarks[0].frame"),
        (lambda d: d["bookmarks"][0].update(title=3), "lecture.bookmarks[0].title must be text"),
        (
            lambda d: d["bookmarks"][0].update(note="x" * 20_000),
            "lecture.bookmarks[0].note is 20,000",
        ),
        (lambda d: d["bookmarks"][0].pop("title"), "lecture.bookmarks[0] has no 'title'"),
        (lambda d: d["bookmarks"][0].update(view={"edge_mode": "x"}), "view.edge_mode must be"),
        (lambda d: d["bookmarks"][0].update(view={"panels": ["nope"]}), "view.panels must name"),
        (
            lambda d: d["bookmarks"][0].update(view=[]),
            "lecture.bookmarks[0].view must be an object",
        ),
        (lambda d: d.update(bookmarks=[{}] * 1001), "at most 1,000"),
    ],
)
def test_a_damaged_lecture_is_one_clear_session_error(change, message: str) -> None:
    doc = session_to_dict(new_session("xor"))
    doc["lecture"] = lecture_to_dict(LECTURE)
    change(doc["lecture"])
    with pytest.raises(SessionError, match="not a usable bpsim session") as info:
        session_from_dict(doc)
    assert message in str(info.value)
    assert len(str(info.value)) < 200


def test_lecture_from_dict_accepts_null_and_rejects_other_things() -> None:
    assert lecture_from_dict(None) is None
    with pytest.raises(SessionError, match="lecture must be an object"):
        lecture_from_dict([])


@pytest.mark.parametrize("name", sorted(BUILTIN_LECTURES))
def test_builtin_lectures_fit_their_presets(name: str) -> None:
    session = new_session(name)
    assert session.lecture is builtin_lecture(name)
    net, batch = session.net, session.trainer.batch_size
    n = frames_per_step(net.sizes, batch, net.train_biases, net.loss_name)
    assert all(b.frame < n and b.title for b in session.lecture.bookmarks)
    assert new_session("spiral").lecture is None


def test_the_mazur_lecture_lands_on_its_moments() -> None:
    lecture = builtin_lecture("mazur")
    assert lecture is not None and len(lecture) >= 7
    tl = Timeline(new_session("mazur"))
    labels = []
    for b in lecture.bookmarks:
        tl.go_to_step(b.step)
        tl.seek(b.frame)
        labels.append(tl.frame.label)
    assert labels == [
        "inputs",
        "net_h1",
        "out_h1",
        "E_total",
        "δ_o1",
        "∂E/∂w5",
        "δ_h1",
        "w5⁺",
        "E_total",
    ]
    # after 10,000 steps: the outputs and the error the worked example publishes
    assert tl.step == 10_000
    out = tl.trainer.net.copy()
    out.set_params(tl.params_before_step())
    o = out.forward(np.array([[0.05, 0.10]]))
    np.testing.assert_allclose(
        o[0], [0.015912196, 0.984065734], atol=1e-5
    )  # published: in-place order
    assert tl.trace.loss == pytest.approx(3.51085e-05, rel=1e-3)


def test_file_names_are_safe() -> None:
    assert safe_file_name(3, "The error") == "03-the-error"
    assert safe_file_name(12, "∂E/∂w5: ../../etc") == "12-e-w5-etc"
    assert safe_file_name(1, "∂/∂") == "01"


# -- the list a lecturer edits -------------------------------------------------


def test_add_rename_reorder_delete() -> None:
    lst = LectureList()
    assert lst.add(0, 0, "A") == 0
    assert lst.add(0, 5, "B") == 1  # after the current one
    lst.current = 0
    assert lst.add(3, 1, "C") == 1  # after A, before B
    assert [b.title for b in lst.bookmarks] == ["A", "C", "B"]
    lst.rename(1, "Cee")
    lst.set_note(1, "note")
    assert lst[1] == Bookmark(3, 1, "Cee", "note")
    lst.set_moment(1, 4, 2, ViewSetting("gradients"))
    assert lst[1] == Bookmark(4, 2, "Cee", "note", ViewSetting("gradients"))
    assert lst.move(2, 0) == 0  # B to the front; C stays current
    assert [b.title for b in lst.bookmarks] == ["B", "A", "Cee"] and lst.current == 2
    lst.delete(2)
    assert [b.title for b in lst.bookmarks] == ["B", "A"] and lst.current == 1
    lst.delete(0)
    assert lst.current == 0 and lst.titles() == ["1. A"]
    lst.delete(0)
    assert lst.current is None and len(lst) == 0 and lst.changed


def test_walking_next_and_previous() -> None:
    lst = LectureList(LECTURE)
    assert lst.previous() is None and lst.next_title() == "Three"
    assert lst.next() == LECTURE.bookmarks[0]
    assert lst.next_title() == "Five"
    assert lst.next() == LECTURE.bookmarks[1]
    assert lst.next() is None and lst.current == 1 and lst.next_title() is None
    assert lst.previous() == LECTURE.bookmarks[0]
    assert lst.find(5, 0) == 1 and lst.find(5, 1) is None
    assert lst.lecture() == LECTURE and not lst.changed
