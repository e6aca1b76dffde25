"""A press of Right recomputes only what changed: the data panel's surface
only when the parameters it is drawn from change (counted, not timed)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from bpsim.model.sessions.session import new_session
from bpsim.model.trace.frames import Phase
from bpsim.ui.panels import data_view
from bpsim.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def test_the_surface_is_recomputed_only_when_the_parameters_change(qtbot, monkeypatch) -> None:
    window = MainWindow(new_session("xor"))
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    surfaces: list[np.ndarray] = []
    original = data_view.bd.decision_surface

    def counting(net, points, shape, *data):  # type: ignore[no-untyped-def]
        surfaces.append(np.concatenate([w.ravel() for w in net.weights]))
        return original(net, points, shape, *data)

    monkeypatch.setattr(data_view.bd, "decision_surface", counting)
    tl = window.controller.timeline
    right, left = window.actions_by_name["next"], window.actions_by_name["prev"]
    frames = len(tl.trace)
    assert frames > 10
    for _ in range(frames - 2):  # every frame of the step but its last, the update
        right.trigger()
    assert tl.cursor == frames - 2 and not tl.update_shown
    assert surfaces == []  # the parameters shown did not change: nothing recomputed
    right.trigger()  # the step's whole update shown
    assert tl.update_shown and tl.frame.phase is Phase.UPDATE
    assert len(surfaces) == 1  # the new parameters: one surface
    trained = np.concatenate([w.ravel() for w in tl.trainer.net.weights])
    assert np.array_equal(surfaces[0], trained)
    right.trigger()  # the next step's first frame
    assert len(surfaces) == 1  # it starts from the same parameters
    left.trigger()
    left.trigger()  # back before the update
    assert len(surfaces) == 2  # the parameters before it again
    window.close()


def test_the_surface_follows_training(qtbot, monkeypatch) -> None:
    window = MainWindow(new_session("xor"))
    qtbot.addWidget(window)
    window.controls.train_speed.setValue(window.controls.train_speed.maximum())
    window.show()
    calls = []
    original = data_view.bd.decision_surface
    monkeypatch.setattr(
        data_view.bd, "decision_surface", lambda *a: calls.append(1) or original(*a)
    )
    train = window.actions_by_name["train"]
    train.trigger()
    qtbot.waitUntil(lambda: len(calls) >= 2, timeout=5000)
    train.trigger()
    assert window.data_view.surface is not None
    window.close()
