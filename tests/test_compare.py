"""Compared runs: kept loss curves stay on the plot, labelled by what differed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt

from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.setup import NetworkSetup, rebuild, setup_of
from bpsim.ui.window.main_window import MainWindow
from bpsim.viewmodel.compare import MAX_KEPT, SAME, ComparedRuns, KeptRun, difference

BASE = NetworkSetup(hidden=(4,), lr=0.5)


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({}, SAME),
        ({"lr": 0.1}, "lr 0.5"),
        ({"hidden_activation": "relu"}, "tanh"),
        ({"hidden": (8, 8)}, "4 hidden"),
        ({"optimizer": "adam"}, "SGD"),
        ({"hidden_activations": ("relu",)}, "tanh"),
        ({"batch_size": 4, "seed": 3}, "batch 1, seed 0"),
        ({"lr": 1.0, "batch_size": 4, "seed": 3, "l2": 0.1}, "lr 0.5, batch 1, seed 0, …"),
    ],
)
def test_a_label_names_what_the_kept_run_did_differently(changes, label) -> None:
    run = KeptRun(BASE, "xor", np.arange(3.0), np.ones(3))
    assert difference(run, dataclasses.replace(BASE, **changes), "xor") == label


def test_other_data_is_named_first() -> None:
    run = KeptRun(BASE, "xor", np.arange(3.0), np.ones(3))
    assert difference(run, dataclasses.replace(BASE, lr=0.1), "moons") == "xor data, lr 0.5"


def test_at_most_three_kept_oldest_forgotten_and_clear() -> None:
    runs = ComparedRuns()
    for lr in (0.1, 0.2, 0.3, 0.4):
        runs.keep(dataclasses.replace(BASE, lr=lr), "xor", [0, 1], [lr, lr])
    assert len(runs) == MAX_KEPT
    assert [r.setup.lr for r in runs.runs] == [0.2, 0.3, 0.4]
    assert runs.labels(BASE, "xor") == ["lr 0.2", "lr 0.3", "lr 0.4"]
    assert runs.now_label(BASE, "xor") == "lr 0.5"  # what the live run does differently
    runs.clear()
    assert len(runs) == 0 and runs.labels(BASE, "xor") == []


def test_equal_labels_are_told_apart_and_nothing_to_keep_is_said() -> None:
    runs = ComparedRuns()
    runs.keep(BASE, "xor", [0, 1], [1.0, 0.5])
    runs.keep(BASE, "xor", [0, 1, 2], [1.0, 0.4, np.nan])  # a diverged point is dropped
    assert runs.labels(BASE, "xor") == [f"{SAME} (run 1)", f"{SAME} (run 2)"]
    assert list(runs.runs[1].x) == [0.0, 1.0]
    with pytest.raises(ValueError, match="no training loss to keep yet"):
        runs.keep(BASE, "xor", [], [])


# -- in the window --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


def open_window(qtbot, preset: str = "xor") -> MainWindow:
    window = MainWindow(new_session(preset))
    qtbot.addWidget(window)
    window.controls.train_speed.setValue(window.controls.train_speed.maximum())
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def train(qtbot, window: MainWindow, steps: int) -> None:
    tl = window.controller.timeline
    start = tl.trainer.step
    qtbot.keyClick(window.network_view, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: tl.trainer.step > start + steps, timeout=10000)
    qtbot.keyClick(window.network_view, Qt.Key.Key_T)


def test_a_kept_curve_stays_through_a_new_learning_rate_and_a_new_run(qtbot) -> None:
    window = open_window(qtbot)
    compare = window.compare
    assert not compare.keep()  # nothing trained yet: nothing kept, a word in the status bar
    assert "train a few steps first" in window.statusBar().currentMessage()
    train(qtbot, window, 300)
    kept_x, kept_y = window.loss_plot.series("train")
    old_lr = window.controller.timeline.trainer.optimizer.lr
    compare.keep_action.trigger()
    assert compare.labels() == [SAME] and compare.clear_action.isEnabled()
    legend = compare.ghosts.legend
    assert window.loss_plot.isAncestorOf(legend) and legend.isVisible()
    assert SAME in legend.text().replace("&nbsp;", " ")

    window.actions_by_name["reset"].trigger()  # start over (a reset also restores the rate)
    window.controls.learning_rate.setValue(old_lr / 5)  # and try another rate from step 0
    train(qtbot, window, 300)
    x, y = compare.ghosts.points(0)
    np.testing.assert_array_equal(x, kept_x)
    np.testing.assert_array_equal(y, kept_y)
    live_x, live_y = window.loss_plot.series("train")
    assert len(live_x) > 1 and not np.array_equal(live_y[: len(y)], y[: len(live_y)])
    assert compare.labels() == [
        difference(compare.runs.runs[0], setup_of(window.controller.timeline.session), "xor")
    ]
    assert compare.labels()[0] == f"lr {old_lr:g}"
    assert compare.labels()[0] in legend.text().replace("&nbsp;", " ")
    assert f"this run (lr {old_lr / 5:g}) against:" in legend.text().replace("&nbsp;", " ")

    compare.clear_action.trigger()
    assert compare.ghosts.curves == [] and legend.isHidden()
    assert not compare.clear_action.isEnabled()


def test_a_kept_curve_is_relabelled_after_the_network_dialog(qtbot, monkeypatch) -> None:
    from bpsim.ui.window import network_dialog

    window = open_window(qtbot)
    train(qtbot, window, 100)
    window.compare.keep()

    def fake_edit(parent, session):
        return rebuild(session, dataclasses.replace(setup_of(session), hidden=(8, 8)))

    monkeypatch.setattr(network_dialog, "edit_network", fake_edit)
    window.actions_by_name["network_settings"].trigger()
    hidden = "-".join(map(str, new_session("xor").net.sizes[1:-1]))
    assert window.compare.labels() == [f"{hidden} hidden"]
    assert len(window.compare.ghosts.points(0)[0]) > 1
    assert window.compare.ghosts.curves[0].opts["pen"].style() == Qt.PenStyle.DashLine


def test_a_kept_curve_stays_when_another_preset_opens(qtbot) -> None:
    window = open_window(qtbot)
    train(qtbot, window, 100)
    assert window.compare.keep()
    kept = window.compare.ghosts.points(0)
    window.controller.load(new_session("mazur"))
    np.testing.assert_array_equal(window.compare.ghosts.points(0)[0], kept[0])
    assert window.compare.labels()[0].startswith("xor data")
    window.loss_plot.set_log_y(True)  # the ghost follows the log axis as the live curves do
    assert window.compare.ghosts.curves[0].opts["logMode"][1]
