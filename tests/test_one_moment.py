"""One moment everywhere, and a training speed one can watch (issue 7, items
4, 7 and 8): the loss plot's header and marker, the status bar and the
formula card name the same step and frame at every frame, after rewinding
and after training; the loss axis never goes below zero; training honours
the speed set, driven by an injected clock."""

from __future__ import annotations

import math
import re
import time

from PySide6.QtCore import QSettings, Qt

from bpsim.ui.window.main_window import MainWindow
from bpsim.ui.window.training_run import PANEL_SECONDS
from bpsim.viewmodel.loss_view import LOSS_TIPS
from bpsim.viewmodel.training_pace import DEFAULT_SPEED, SPEEDS, record_every, speed_index
from tests.test_main_window import isolated_settings, open_window, press

__all__ = ["isolated_settings"]  # the fixture keeps the user's preferences out

STEP_FRAME = re.compile(r"step (\d+) · frame (\d+) / (\d+)", re.IGNORECASE)


def _plain(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)
    return text.replace("&nbsp;", " ").replace("&thinsp;", " ").replace("\u2009", "")


def moments(window: MainWindow) -> dict[str, tuple[int, ...]]:
    """(step, frame, frames) as each view names it; the marker's step."""
    card = STEP_FRAME.search(_plain(window.formula_card.position.text()))
    header = STEP_FRAME.search(_plain(window.loss_plot.header_text()))
    step = re.search(r"Step (\d+)", window.step_label.text())
    frame = re.search(r"Frame (\d+) of (\d+)", window.frame_label.text())
    assert card and header and step and frame, "every view names the moment"
    marker = window.loss_plot.current_step()
    assert marker is not None
    return {
        "card": tuple(int(g) for g in card.groups()),
        "plot header": tuple(int(g) for g in header.groups()),
        "status bar": (int(step.group(1)), int(frame.group(1)), int(frame.group(2))),
        "plot marker": (int(marker),),
    }


def assert_one_moment(window: MainWindow) -> None:
    tl = window.controller.timeline
    expected = (tl.step, tl.cursor + 1, len(tl.trace))
    named = moments(window)
    assert named["plot marker"] == (tl.step,)
    for view in ("card", "plot header", "status bar"):
        assert named[view] == expected, view


def test_every_frame_of_a_step_is_one_moment_everywhere(qtbot) -> None:
    window = open_window(qtbot, "mazur")
    tl = window.controller.timeline
    for _ in range(len(tl.trace)):
        assert tl.step == 0
        assert_one_moment(window)
        press(qtbot, window, Qt.Key.Key_Right)
    assert tl.step == 1 and tl.cursor == 0
    assert_one_moment(window)


def test_frame_25_names_step_0_and_its_losses_agree(qtbot) -> None:
    window = open_window(qtbot, "mazur")
    tl = window.controller.timeline
    press(qtbot, window, Qt.Key.Key_Right, times=24)  # frame 25: only w1 updated
    assert tl.frame.label == "w1⁺"
    assert_one_moment(window)
    header = _plain(window.loss_plot.header_text())
    assert "step 0 · frame 25 / 32" in header and "training loss 0.2984" in header
    assert "after" not in header  # the step's result comes with its whole update
    assert window.loss_label.text() == "Batch loss 0.2984"  # one sample: the same number
    press(qtbot, window, Qt.Key.Key_End)
    header = _plain(window.loss_plot.header_text())
    assert "after this step's update 0.291" in header
    assert window.loss_plot.current_step() == 0


def test_rewinding_keeps_one_moment(qtbot) -> None:
    window = open_window(qtbot, "mazur")
    tl = window.controller.timeline
    press(qtbot, window, Qt.Key.Key_Right, times=40)  # into step 1
    assert tl.step == 1
    press(qtbot, window, Qt.Key.Key_Home)
    press(qtbot, window, Qt.Key.Key_Left)  # back into step 0, at its end
    assert tl.step == 0 and tl.cursor == len(tl.trace) - 1
    assert_one_moment(window)
    tl.seek(0)  # frame 1 of step 0, with step 1's point on the curve
    window.controller.refresh()
    assert_one_moment(window)
    assert "step 0 · frame 1 / 32" in _plain(window.loss_plot.header_text())


def test_after_training_the_paused_step_is_one_moment(qtbot) -> None:
    window = open_window(qtbot, "xor")
    tl = window.controller.timeline
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: tl.trainer.step > 200, timeout=10000)
    press(qtbot, window, Qt.Key.Key_T)  # pause: the next step opens at frame 1
    assert tl.step > 200 and tl.cursor == 0
    assert_one_moment(window)
    steps, _ = window.loss_plot.series("train")
    assert steps[-1] == tl.step  # the curve ends at the marker
    press(qtbot, window, Qt.Key.Key_Right, times=3)
    assert_one_moment(window)


def test_the_loss_quantities_are_named_and_explained(qtbot) -> None:
    window = open_window(qtbot, "circle")
    assert window.loss_label.toolTip() == LOSS_TIPS["batch"]
    tip = window.loss_plot._status.toolTip()
    for name in ("train", "test", "test_accuracy", "batch"):
        assert LOSS_TIPS[name] in tip


def test_at_launch_the_loss_axis_starts_at_zero_and_the_first_points_are_named(qtbot) -> None:
    window = open_window(qtbot, "circle")  # training loss, test loss and test accuracy
    plot = window.loss_plot
    y0, y1 = plot.plot_item.vb.viewRange()[1]
    assert y0 == 0.0 and y1 > max(plot.series("train")[1])
    caption = _plain(plot.lone_caption())
    for words in ("training loss", "test loss", "test accuracy", "at step 0"):
        assert words in caption
    press(qtbot, window, Qt.Key.Key_End)
    press(qtbot, window, Qt.Key.Key_Right)  # a second point: a curve, no caption
    assert plot.lone_caption() == "" and len(plot.series("train")[0]) == 2
    assert plot.plot_item.vb.viewRange()[1][0] == 0.0
    plot.set_log_y(True)
    y0, y1 = plot.plot_item.vb.viewRange()[1]
    assert 10**y0 < min(plot.series("train")[1]) and 10**y1 > max(plot.series("train")[1])


# -- the training speed ---------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 64.0

    def __call__(self) -> float:
        return self.now


def test_training_honours_the_speed_setting(qtbot) -> None:
    window = open_window(qtbot, "xor", fast=False)
    run, tl = window.controller.training, window.controller.timeline
    clock = FakeClock()
    run.clock = clock
    window.controls.train_speed.setValue(speed_index(20))
    assert run.speed == 20 and window.controls.train_speed_label.text() == "20 steps per second"
    start = tl.trainer.step
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: tl.trainer.step == start + 1)  # the first step runs at once
    qtbot.wait(50)  # ticks go by, the clock stands: no more steps
    assert tl.trainer.step == start + 1
    for k in range(1, 17):  # one simulated second in sixteenths (exact in binary)
        clock.now = 64.0 + k / 16
        expected = start + math.floor(20 * (clock.now - 64.0)) + 1
        qtbot.waitUntil(lambda e=expected: tl.trainer.step >= e)
        qtbot.wait(15)
        assert tl.trainer.step == expected  # never more than the speed allows
    press(qtbot, window, Qt.Key.Key_T)  # pause: the next step opens, frame by frame
    assert tl.step - start == 20 + 1  # 20 steps a second, and the first


def test_the_fastest_setting_is_unbounded_and_keys_change_the_speed(qtbot) -> None:
    window = open_window(qtbot, "xor", fast=False)
    slider, run = window.controls.train_speed, window.controller.training
    index = slider.value()
    press(qtbot, window, Qt.Key.Key_BraceRight)
    assert slider.value() == index + 1 and run.speed == SPEEDS[index + 1]
    press(qtbot, window, Qt.Key.Key_BraceLeft, times=2)
    assert run.speed == SPEEDS[index - 1]
    slider.setValue(slider.maximum())
    assert run.speed is None and window.controls.train_speed_label.text() == "as fast as possible"
    clock = FakeClock()  # the clock stands still: only the time slice bounds a tick
    run.clock = clock
    tl = window.controller.timeline
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: tl.trainer.step > 100, timeout=10000)
    press(qtbot, window, Qt.Key.Key_T)


def test_the_training_speed_is_remembered(qtbot) -> None:
    window = open_window(qtbot, "xor", fast=False)
    window.controls.train_speed.setValue(speed_index(5))
    window.close()
    again = open_window(qtbot, "xor", fast=False)
    assert again.controller.training.speed == 5
    again.controls.train_speed.setValue(again.controls.train_speed.maximum())
    again.close()
    assert open_window(qtbot, "xor", fast=False).controller.training.speed is None
    QSettings().setValue("train/speed", "fast please")  # damaged: the default speed
    assert open_window(qtbot, "xor", fast=False).controller.training.speed == DEFAULT_SPEED


def test_fast_training_draws_the_early_descent_in_detail(qtbot) -> None:
    window = open_window(qtbot, "iris")  # as fast as possible
    tl = window.controller.timeline
    started = time.perf_counter()
    press(qtbot, window, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: tl.trainer.step > 1_500, timeout=20000)
    press(qtbot, window, Qt.Key.Key_T)
    seconds = time.perf_counter() - started
    steps = set(window.loss_plot.series("train")[0].astype(int))
    assert set(range(1, 100)) <= steps  # every early step
    assert set(range(100, 1_000, 10)) <= steps  # then ninety points a decade
    # and no more: off that grid only a point per repaint of the panels (and the pause)
    off_grid = [s for s in steps if s % record_every(s)]
    assert len(off_grid) <= seconds / PANEL_SECONDS + 3
