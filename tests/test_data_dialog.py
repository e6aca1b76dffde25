"""The Data Settings dialog, driven through its widgets, and from the window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QDialog

from bpsim.model.data.generator import GeneratorSettings
from bpsim.model.sessions.data_setup import generator_of
from bpsim.model.sessions.session import new_session
from bpsim.ui.window import data_dialog
from bpsim.ui.window.data_dialog import DataDialog, edit_data
from bpsim.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def test_opens_on_the_sessions_settings_and_reads_the_controls(qtbot) -> None:
    dialog = DataDialog(generator_of(new_session("spiral")))
    qtbot.addWidget(dialog)
    assert dialog.settings() == GeneratorSettings(dataset="spiral", n_samples=400, noise=0.05)
    dialog.points.setValue(300)
    dialog.noise.setValue(0.2)
    dialog.test_ratio.setValue(10)
    dialog.seed.setValue(7)
    dialog.features["x1·x2"].setChecked(True)
    dialog.features["sin x2"].setChecked(True)
    assert dialog.settings() == GeneratorSettings(
        dataset="spiral",
        n_samples=300,
        noise=0.2,
        test_ratio=0.1,
        seed=7,
        features=("x1·x2", "sin x2"),
    )
    assert dialog.apply_button.isEnabled()
    assert "270 for training, 30 for testing" in dialog.summary.text()
    assert "4 inputs" in dialog.summary.text()


@pytest.mark.parametrize("preset", ["iris", "digits", "mazur"])
def test_data_that_were_not_generated_disable_the_controls_with_a_note(qtbot, preset) -> None:
    dialog = DataDialog(generator_of(new_session(preset)))
    qtbot.addWidget(dialog)
    assert not dialog.apply_button.isEnabled()
    assert not dialog.points.isEnabled() and not dialog.features["x1²"].isEnabled()
    assert "not generated" in dialog.note.text()


def test_apply_from_the_window_rebuilds_data_and_network(qtbot, monkeypatch) -> None:
    window = MainWindow(new_session("circle"))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)

    def apply_features(self: DataDialog) -> int:
        self.features["x1²"].setChecked(True)
        self.features["x2²"].setChecked(True)
        self.features["x1·x2"].setChecked(True)
        self.points.setValue(120)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(data_dialog.DataDialog, "exec", apply_features)
    window.actions_by_name["data_settings"].trigger()
    session = window.controller.timeline.session
    assert session.net.sizes == (5, 4, 1)
    assert session.dataset.feature_names == ("x1", "x2", "x1²", "x2²", "x1·x2")
    assert session.dataset.n_samples + session.test.n_samples == 120
    assert window.network_view.scene().sizes == (5, 4, 1)
    assert window.data_view._kind == "binary"  # still drawn over the x1, x2 plane
    assert window.data_view._surface is not None
    # Cancel keeps everything
    monkeypatch.setattr(data_dialog.DataDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    before = window.controller.timeline.session
    window.actions_by_name["data_settings"].trigger()
    assert window.controller.timeline.session is before
    window.close()


def test_edit_data_returns_none_on_cancel(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(data_dialog.DataDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert edit_data(None, new_session("moons")) is None
    monkeypatch.setattr(data_dialog.DataDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    fresh = edit_data(None, new_session("moons"))
    assert fresh is not None and np.isfinite(fresh.dataset.X).all()
