"""The app, driven as a user would: keys, play, training, files; asserting
on data (the frame the timeline is at, what an edge shows, the plotted points)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from bpsim.model import FrameKind
from bpsim.model.sessions.session import new_session
from bpsim.model.sessions.session_file import load_session
from bpsim.ui.panels.card_fit import application_point_size
from bpsim.ui.window.main_window import MainWindow
from bpsim.viewmodel.network.fit import TYPE_STEPS
from bpsim.viewmodel.timeline import Granularity


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    """Keep the user's real preferences out of the tests."""
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


def open_window(qtbot, preset: str = "mazur", *, fast: bool = True) -> MainWindow:
    """The window on ``preset``; ``fast``: training as fast as possible (T
    otherwise runs at the default, watchable speed)."""
    window = MainWindow(new_session(preset))
    qtbot.addWidget(window)
    if fast:
        window.controls.train_speed.setValue(window.controls.train_speed.maximum())
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()  # shortcuts go to the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def window(qtbot) -> MainWindow:
    return open_window(qtbot)


def press(qtbot, window: MainWindow, key: Qt.Key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(window.network_view, key)


def test_opens_ready_to_step_on_the_worked_example(window: MainWindow) -> None:
    tl = window.controller.timeline
    assert tl.step == 0 and tl.cursor == 0 and tl.frame.kind is FrameKind.INPUT
    assert "Frame 1 of 32" in window.frame_label.text()
    assert window.windowTitle().startswith("The classic worked example")
    scene = window.network_view.scene()
    assert scene is not None and scene.weights[0][0, 0] == 0.15


def test_keys_step_forward_and_back(qtbot, window: MainWindow) -> None:
    tl = window.controller.timeline
    press(qtbot, window, Qt.Key.Key_Right)
    assert tl.cursor == 1 and tl.frame.label == "net_h1"
    press(qtbot, window, Qt.Key.Key_PageDown)  # a clicker's "next"
    assert tl.frame.label == "out_h1"
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert tl.frame.label == "net_h1"
    press(qtbot, window, Qt.Key.Key_End)
    assert tl.cursor == len(tl.trace) - 1
    press(qtbot, window, Qt.Key.Key_Home)
    assert tl.cursor == 0
    assert "net_h1" not in window.frame_label.text()


def test_an_update_frame_changes_the_edge_it_updates(qtbot, window: MainWindow) -> None:
    tl, view = window.controller.timeline, window.network_view
    w5_update = next(f for f in tl.trace.frames if f.label == "w5⁺")
    tl.seek(w5_update.index - 1)
    window.controller.refresh()
    before = view.edge_pen_width(2, 0, 0)  # w5: h1 -> o1
    assert view.scene().weights[1][0, 0] == 0.40
    press(qtbot, window, Qt.Key.Key_Right)
    assert tl.cursor == w5_update.index
    assert view.scene().weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert view.edge_pen_width(2, 0, 0) < before  # the weight shrank, so does the edge


def test_stepping_back_over_steps_restores_parameters_exactly(qtbot, window: MainWindow) -> None:
    tl = window.controller.timeline
    seen = []
    for _ in range(3):
        seen.append(tl.trainer.net.params.copy())
        press(qtbot, window, Qt.Key.Key_End)
        press(qtbot, window, Qt.Key.Key_Right)  # into the next step
    assert tl.step == 3
    for expected in reversed(seen):
        press(qtbot, window, Qt.Key.Key_Home)
        press(qtbot, window, Qt.Key.Key_Left)  # back past the start of the step
        np.testing.assert_array_equal(tl.trainer.net.params, expected)
    assert tl.step == 0


def test_granularity_keys_change_the_step_size(qtbot, window: MainWindow) -> None:
    tl = window.controller.timeline
    press(qtbot, window, Qt.Key.Key_Up)  # frame -> unit
    assert window.granularity() is Granularity.UNIT
    press(qtbot, window, Qt.Key.Key_Right)
    assert tl.frame.label == "out_h1"
    press(qtbot, window, Qt.Key.Key_Down)
    assert window.granularity() is Granularity.FRAME


def test_play_advances_and_pause_stops(qtbot, window: MainWindow) -> None:
    controller = window.controller
    window.controls.speed.setValue(30)
    window.actions_by_name["play"].trigger()
    qtbot.waitUntil(lambda: controller.timeline.cursor >= 4, timeout=5000)
    press(qtbot, window, Qt.Key.Key_Space)
    assert not window.actions_by_name["play"].isChecked()
    assert not any(t.isActive() for t in controller.timers())
    cursor = controller.timeline.cursor
    qtbot.wait(200)
    assert controller.timeline.cursor == cursor


def test_a_step_key_mid_animation_finishes_it_at_once(qtbot, window: MainWindow) -> None:
    window.controls.speed.setValue(1)  # slow transitions
    view = window.network_view
    press(qtbot, window, Qt.Key.Key_Right)
    assert view.transition() < 1.0  # the pulse is on its way
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right)
    assert window.controller.timeline.cursor == 3  # no queue, no skipped presses


def test_continuous_training_plots_and_pauses_on_an_open_step(qtbot) -> None:
    window = open_window(qtbot, "xor")
    controller, tl = window.controller, window.controller.timeline
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: tl.trainer.step > 200, timeout=10000)
    press(qtbot, window, Qt.Key.Key_T)
    assert not any(t.isActive() for t in controller.timers())
    assert tl.step == tl.trainer.step - 1 and tl.cursor == 0  # a step, open frame by frame
    steps, losses = window.loss_plot.series("train")
    assert len(steps) >= 2 and steps[0] == 0 and steps[-1] in (tl.step, tl.trainer.step)
    assert losses[-1] < losses[0]


def test_learning_rate_change_redoes_the_shown_step(qtbot, window: MainWindow) -> None:
    tl = window.controller.timeline
    old = next(f for f in tl.trace.frames if f.label == "w5⁺").value
    window.controls.learning_rate.setValue(1.0)
    new = next(f for f in tl.trace.frames if f.label == "w5⁺").value
    assert tl.step == 0 and new == pytest.approx(0.40 - 1.0 * 0.082167041, abs=1e-8) != old


def test_gradient_mode_switches_edge_widths(qtbot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_End)
    view = window.network_view
    weights_mode = [view.edge_pen_width(2, 0, j) for j in range(2)]
    press(qtbot, window, Qt.Key.Key_G)
    assert view.scene().mode == "gradients"
    assert [view.edge_pen_width(2, 0, j) for j in range(2)] != weights_mode


def test_save_and_open_show_the_same_step(qtbot, window: MainWindow, tmp_path) -> None:
    press(qtbot, window, Qt.Key.Key_End)
    press(qtbot, window, Qt.Key.Key_Right, times=3)  # step 1, frame 2
    path = str(tmp_path / "lesson.bpsim.json")
    window.controller.files.save(path)
    other = open_window(qtbot, "xor")
    other.controller.files.load_file(path)
    a, b = window.controller.timeline, other.controller.timeline
    assert (b.step, b.cursor) == (a.step, a.cursor)
    assert [f.value for f in b.trace.frames[1:]] == [f.value for f in a.trace.frames[1:]]
    assert load_session(path).trainer.step == 1


def test_a_bad_session_file_changes_nothing(qtbot, window: MainWindow, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    before = window.controller.timeline
    window.controller.files.load_file(str(bad))
    assert window.controller.timeline is before
    (box,) = window.findChildren(QMessageBox)
    assert "not valid JSON" in box.text() and "Nothing was changed" in box.informativeText()
    box.close()


def test_closing_stops_every_timer(qtbot) -> None:
    window = open_window(qtbot, "xor")
    window.actions_by_name["train"].trigger()
    qtbot.wait(50)
    window.actions_by_name["play"].trigger()  # switches training off, plays
    timers = window.findChildren(QTimer)
    assert any(t.isActive() for t in timers)
    window.close()
    assert not [t for t in window.findChildren(QTimer) if t.isActive()]
    assert not any(t.isActive() for t in window.controller.timers())


def test_loss_plot_by_epoch_and_log_scale(qtbot) -> None:
    window = open_window(qtbot, "iris")
    press(qtbot, window, Qt.Key.Key_E)
    assert window.loss_plot.x_unit() == "epoch"
    press(qtbot, window, Qt.Key.Key_L)
    assert window.loss_plot.log_y()
    window.close()
    again = open_window(qtbot, "iris")  # preferences remembered
    assert again.loss_plot.x_unit() == "epoch" and again.loss_plot.log_y()


def test_export_from_the_window(qtbot, window: MainWindow, tmp_path, monkeypatch) -> None:
    from bpsim.ui.window import dialogs

    press(qtbot, window, Qt.Key.Key_Right, times=5)
    target = tmp_path / "slide.png"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: str(target))
    window.actions_by_name["export_png"].trigger()
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 720)
    gif = tmp_path / "step.gif"
    monkeypatch.setattr(dialogs, "ask_save_file", lambda *args: str(gif))
    window.actions_by_name["export_gif"].trigger()
    assert Image.open(gif).n_frames == len(window.controller.timeline.trace)
    assert window.controller.timeline.cursor == 5  # exporting does not move the app


def test_divergence_is_shown_and_recoverable(qtbot) -> None:
    window = open_window(qtbot, "sine")
    controller, tl = window.controller, window.controller.timeline
    window.controls.learning_rate.setValue(100.0)
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: not window.actions_by_name["train"].isChecked(), timeout=10000)
    assert "diverged" in window.statusBar().currentMessage()
    # the last good step is shown, at its end; the refused one changed nothing
    assert tl.step == tl.trainer.step - 1 and tl.cursor == len(tl.trace) - 1
    assert np.isfinite(tl.trainer.net.params).all()
    steps, losses = window.loss_plot.series("train")
    assert steps[-1] >= tl.trainer.step - 1
    assert losses.max() > 10 * losses[0]  # the blow-up is on the curve
    window.controls.learning_rate.setValue(0.01)  # lower it and go on from here
    shown = tl.step
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: tl.trainer.step > shown + 100, timeout=10000)
    press(qtbot, window, Qt.Key.Key_T)
    assert np.isfinite(tl.trace.loss) and not any(t.isActive() for t in controller.timers())


def test_network_settings_rebuild_the_network(qtbot, window: MainWindow, monkeypatch) -> None:
    from bpsim.model.sessions.setup import rebuild, setup_of
    from bpsim.ui.window import network_dialog

    def fake_edit(parent, session):
        return rebuild(session, dataclasses.replace(setup_of(session), hidden=(3, 3)))

    monkeypatch.setattr(network_dialog, "edit_network", fake_edit)
    window.actions_by_name["network_settings"].trigger()
    tl = window.controller.timeline
    assert tl.trainer.net.sizes == (2, 3, 3, 2) and tl.step == 0 and tl.cursor == 0
    assert window.network_view.scene().sizes == (2, 3, 3, 2)


def test_larger_type_keeps_the_network_in_view(qtbot, window: MainWindow) -> None:
    height = window.network_view.height()
    formula_pt = window.formula_card.symbolic.font().pointSizeF()
    for _ in range(6):
        window.actions_by_name["zoom_in"].trigger()
    qtbot.wait(50)
    assert window.network_view.font_scale() > 2
    scale = window.network_view.font_scale()
    # the card grows with the scale once, not with the scale squared (in a dock
    # too small for it, the card sets its text smaller, to 60 % at the least)
    assert window.formula_card.font_scale() == pytest.approx(scale)
    pt = window.formula_card.symbolic.font().pointSizeF()
    assert 0.6 * 0.7 * formula_pt * scale <= pt <= 1.05 * formula_pt * scale
    # the card takes the height its text needs, at most 40 % of the window
    assert window.formula_dock.height() <= 0.4 * window.height() + 1
    assert window.network_view.height() >= 0.55 * height
    assert window.height() <= 800  # and the window does not grow off the screen
    window.actions_by_name["zoom_reset"].trigger()
    assert window.network_view.font_scale() == 1.0


def test_the_plot_shows_a_steps_result_only_once_its_update_is_shown(qtbot, window) -> None:
    tl = window.controller.timeline
    steps, _ = window.loss_plot.series("train")
    assert list(steps) == [0]  # the first frame: nothing computed yet
    w1_update = next(f for f in tl.trace.frames if f.label == "w1⁺")
    tl.seek(w1_update.index)  # only w1 updated: the step's result is not shown yet
    window.controller.refresh()
    steps, _ = window.loss_plot.series("train")
    assert list(steps) == [0] and window.loss_plot.moment().after is None
    tl.to_end()  # every weight updated
    window.controller.refresh()
    steps, losses = window.loss_plot.series("train")
    assert list(steps) == [0, 1] and losses[1] < losses[0]
    assert window.loss_plot.moment().after == pytest.approx(losses[1])


def test_reset_starts_the_curve_over(qtbot) -> None:
    window = open_window(qtbot, "xor")
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.controller.timeline.trainer.step > 500, timeout=10000)
    press(qtbot, window, Qt.Key.Key_T)
    window.actions_by_name["reset"].trigger()
    steps, _ = window.loss_plot.series("train")
    assert list(steps) == [0] and window.controller.timeline.step == 0


def test_a_step_key_while_training_only_pauses(qtbot) -> None:
    window = open_window(qtbot, "xor")
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.controller.timeline.trainer.step > 100, timeout=10000)
    press(qtbot, window, Qt.Key.Key_Right)
    tl = window.controller.timeline
    assert not window.actions_by_name["train"].isChecked()
    assert tl.cursor == 0 and tl.step == tl.trainer.step - 1


def test_damaged_preferences_do_not_stop_the_app(qtbot) -> None:
    settings = QSettings()
    settings.setValue("view/font_scale", "abc")
    settings.setValue("step/speed", "fast")
    settings.setValue("window/geometry", "abc")
    settings.setValue("window/state", 17)
    settings.sync()
    window = open_window(qtbot)
    assert window.network_view.font_scale() == 1.0


def test_a_reopened_session_keeps_its_loss_curve(qtbot, tmp_path) -> None:
    window = open_window(qtbot, "xor")
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.controller.timeline.trainer.step > 300, timeout=10000)
    press(qtbot, window, Qt.Key.Key_T)
    saved_steps, saved_losses = window.loss_plot.series("train")
    path = str(tmp_path / "curve.bpsim.json")
    window.controller.files.save(path)
    other = open_window(qtbot, "mazur")
    other.controller.files.load_file(path)
    steps, losses = other.loss_plot.series("train")
    np.testing.assert_array_equal(steps, saved_steps)
    np.testing.assert_array_equal(losses, saved_losses)


def test_the_formula_dock_fits_its_card(qtbot, window: MainWindow) -> None:
    """At normal type the card's dock is as tall as its text asks, no taller."""
    qtbot.wait(20)
    card = window.formula_card
    assert abs(card.height() - card.sizeHint().height()) <= 2
    before = window.network_view.height()
    for _ in range(3):
        window.actions_by_name["zoom_in"].trigger()
    qtbot.wait(20)
    assert card.height() > card.sizeHint().height() * 0.95 - 2  # grown with the type
    assert window.network_view.height() < before


def test_digits_setting_reaches_the_card_and_is_remembered(qtbot, window: MainWindow) -> None:
    from PySide6.QtCore import QSettings

    a, controls = window.actions_by_name, window.controls
    tl = window.controller.timeline
    tl.seek(next(f.index for f in tl.trace.frames if f.label == "out_h1"))
    window.controller.refresh()
    assert "0.5933" in window.formula_card.substituted.text()
    a["decimal_places"].setChecked(True)
    for _ in range(5):
        a["more_digits"].trigger()
    assert controls.digits.value() == 9 and controls.decimals.isChecked()
    assert "0.593269992" in window.formula_card.substituted.text()  # as published
    assert (window.network_view.numbers().digits, window.network_view.numbers().decimals) == (
        9,
        True,
    )  # the view's numbers follow
    for _ in range(20):
        a["more_digits"].trigger()
    assert controls.digits.value() == 10 and not a["more_digits"].isEnabled()
    window.save_settings()
    settings = QSettings()
    assert int(settings.value("view/digits")) == 10 and settings.value("view/decimals") == "true"
    controls.digits.setValue(4)
    controls.decimals.setChecked(False)
    assert "0.5933" in window.formula_card.substituted.text()


@pytest.mark.parametrize("preset", ["mazur", "spiral"])
def test_every_type_step_paints_at_1280x720(qtbot, preset: str) -> None:
    """From the smallest type to the largest, the window paints (an exception
    in a paint override would abort the app) and the network stays in view."""
    window = MainWindow(new_session(preset))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    a = window.actions_by_name
    for _ in range(12):
        a["zoom_out"].trigger()
    scales = []
    for _ in range(len(TYPE_STEPS) + 1):
        image = window.grab().toImage()
        assert not image.isNull() and image.width() == window.width()
        assert window.network_view.height() > 150
        scales.append(window.controller.view_settings.font_scale)
        a["zoom_in"].trigger()
    assert scales == [*TYPE_STEPS, TYPE_STEPS[-1]]  # the same steps, whichever way
    window.close()


def test_a_csv_session_names_its_units_in_the_view_and_the_card(qtbot, window: MainWindow) -> None:
    from pathlib import Path

    from bpsim.model.data.csvdata import load_csv
    from bpsim.model.sessions.session import session_for_dataset

    csv = Path(__file__).resolve().parents[1] / "resources" / "samples" / "exam_results.csv"
    assert window.network_view.scene().input_captions == ()  # the worked example: i1, i2
    window.controller.load(session_for_dataset(load_csv(csv)))
    scene = window.network_view.scene()
    assert scene.input_captions == ("hours_studied", "hours_slept")
    assert scene.output_captions == ("p(pass)",)
    assert "(hours_studied" in window.formula_card.inputs.text()
    window.controller.load(new_session("mazur"))  # names go with their data
    assert window.network_view.scene().input_captions == ()


def test_the_card_fits_the_room_it_gets_at_the_largest_type(qtbot) -> None:
    """1280x720 at the largest type: the card's dock is capped, so the card
    sets its text smaller (not below normal type) and no row overlaps another."""
    window = open_window(qtbot, "spiral")
    window.resize(1280, 720)
    for _ in range(len(TYPE_STEPS)):
        window.actions_by_name["zoom_in"].trigger()
    window.controller.timeline.seek(3)
    window.controller.refresh()
    qtbot.wait(20)
    card = window.formula_card
    rows = [card.title, card.symbolic, card.substituted, card.inputs]
    tops = [r.geometry().top() for r in rows]
    bottoms = [r.geometry().bottom() for r in rows]
    assert all(b < t for b, t in zip(bottoms, tops[1:], strict=False))  # one under another
    assert bottoms[-1] <= card.height()
    assert card.symbolic.font().pointSizeF() >= 0.95 * application_point_size()
