"""The loss plot and its bounded series: tests on the points the curves hold."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QFontMetricsF

from bpsim.ui.panels.loss_plot import DARK_COLORS, LIGHT_COLORS, LossPlot
from bpsim.ui.panels.plot_axes import nice_ceil, nice_ticks
from tests.imaging import dark_palette, has_color

SHOTS = Path("/tmp/cards")


@pytest.fixture
def plot(qtbot):  # type: ignore[no-untyped-def]
    widget = LossPlot(capacity=1_000)
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    return widget


def falling_noisy(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    steps = np.arange(1, n + 1, dtype=float)
    loss = 0.02 + 0.7 * np.exp(-steps / (n / 6)) * (1 + 0.3 * rng.standard_normal(n))
    return steps, np.abs(loss)


# -- the widget ---------------------------------------------------------------


def test_points_appear_only_after_refresh(plot: LossPlot) -> None:
    plot.append(1, 0.5, test_loss=0.6, accuracy=0.25)
    plot.append(2, 0.4)
    assert len(plot.series("train")[0]) == 0
    plot.refresh()
    x, y = plot.series("train")
    np.testing.assert_array_equal(x, [1, 2])
    np.testing.assert_array_equal(y, [0.5, 0.4])
    np.testing.assert_array_equal(plot.series("test")[1], [0.6])
    np.testing.assert_array_equal(plot.series("accuracy")[1], [0.25])
    with pytest.raises(KeyError):
        plot.series("nonsense")


def test_append_many_with_gaps(plot: LossPlot) -> None:
    steps = np.arange(10)
    test = np.where(steps % 5 == 4, 0.3, np.nan)  # evaluated every 5th step
    plot.append_many(steps, np.linspace(1, 0.1, 10), test_losses=test)
    plot.refresh()
    assert len(plot.series("train")[0]) == 10
    np.testing.assert_array_equal(plot.series("test")[0], [4, 9])


def test_memory_bound_after_a_million_points(plot: LossPlot) -> None:
    n = 1_000_000
    steps = np.arange(n, dtype=float)
    loss = 2.0 / (1.0 + steps / 500.0)
    for start in range(0, n - 100, 99_900):
        plot.append_many(steps[start : start + 99_900], loss[start : start + 99_900])
    for k in range(n - 100, n):  # the last ones one by one, as a slow loop would
        plot.append(int(steps[k]), float(loss[k]))
    plot.refresh()
    x, y = plot.series("train")
    assert len(x) <= plot.capacity == 1_000
    assert (x[0], y[0]) == (0.0, 2.0)
    assert (x[-1], y[-1]) == (steps[-1], loss[-1])
    assert np.all(np.diff(y) < 0)


def test_log_toggle_sets_the_axis_log_mode(qtbot, plot: LossPlot) -> None:  # type: ignore[no-untyped-def]
    plot.append_many(np.arange(1, 101), np.geomspace(1, 1e-3, 100), accuracies=np.full(100, 0.5))
    plot.refresh()
    left, right = plot.plot_item.getAxis("left"), plot.plot_item.getAxis("right")
    with qtbot.waitSignal(plot.sigLogYChanged) as blocker:
        plot.set_log_y(True)
    assert blocker.args == [True]
    assert plot.log_y() and left.logMode and plot._log_check.isChecked()
    assert not right.logMode  # accuracy stays linear
    assert "log" in left.labelText
    np.testing.assert_allclose(plot.series("train")[1], np.geomspace(1, 1e-3, 100))
    plot._log_check.click()  # the check box in the widget
    assert not plot.log_y() and not left.logMode
    plot.plot_item.setLogMode(y=True)  # pyqtgraph's context menu
    assert plot._log_check.isChecked()


def test_small_losses_keep_their_units(plot: LossPlot) -> None:
    plot.show()
    plot.append_many(np.arange(100), np.linspace(3e-3, 1e-4, 100))
    plot.refresh()
    plot.grab()
    left = plot.plot_item.getAxis("left")
    assert left.labelText == "loss" and left.autoSIPrefixScale == 1.0


def test_marker_follows_the_current_step(plot: LossPlot) -> None:
    plot.show()
    assert plot.current_step() is None
    plot.set_current_step(42)
    assert plot.marker.value() == 42 and plot.marker.isVisible()
    assert plot.current_step() == 42
    plot.set_current_step(7)
    assert plot.marker.value() == 7
    plot.set_current_step(None)
    assert not plot.marker.isVisible() and plot.current_step() is None


def test_truncate_after_drops_later_points(plot: LossPlot) -> None:
    plot.append_many(np.arange(100), np.linspace(1, 0, 100), test_losses=np.linspace(1, 0, 100))
    plot.refresh()
    plot.truncate_after(49)
    for name in ("train", "test"):
        x, _ = plot.series(name)
        assert x[-1] == 49 and len(x) == 50
    plot.append(50, 0.3)
    plot.refresh()
    assert plot.series("train")[0][-1] == 50


def test_clear(plot: LossPlot) -> None:
    plot.append_many(np.arange(10), np.ones(10), accuracies=np.ones(10))
    plot.refresh()
    assert plot.plot_item.getAxis("right").isVisible() or not plot.isVisible()
    plot.clear()
    for name in ("train", "test", "accuracy"):
        assert len(plot.series(name)[0]) == 0
    assert "No training" in plot._status.text()


def test_non_finite_losses_are_skipped_without_warnings(plot: LossPlot) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot.show()
        plot.append(1, 0.5)
        plot.append(2, float("nan"), test_loss=float("inf"))
        plot.append(3, float("inf"))
        plot.append_many([4, 5, 6], [0.2, np.nan, 0.0], accuracies=[np.nan, 0.5, -np.inf])
        plot.refresh()
        plot.set_log_y(True)  # a zero loss on a log axis
        plot.grab()
    x, y = plot.series("train")
    np.testing.assert_array_equal(x, [1, 4, 6])
    assert np.all(np.isfinite(y))
    assert len(plot.series("test")[0]) == 0
    np.testing.assert_array_equal(plot.series("accuracy")[0], [5])


def test_accuracy_axis_only_for_classification(plot: LossPlot) -> None:
    plot.show()
    plot.append_many(np.arange(10), np.ones(10))
    plot.refresh()
    assert not plot.plot_item.getAxis("right").isVisible()
    plot.append(10, 0.5, accuracy=0.8)
    plot.refresh()
    assert plot.plot_item.getAxis("right").isVisible()
    assert "80.0%" in plot._status.text()


def test_x_unit_epoch(plot: LossPlot) -> None:
    plot.set_x_unit("epoch", steps_per_epoch=50)
    axis = plot.plot_item.getAxis("bottom")
    assert plot.x_unit() == "epoch" and axis.scale == pytest.approx(1 / 50)
    assert "epoch" in axis.labelText
    assert axis.tickStrings([100.0, 150.0], axis.scale, 50.0) == ["2", "3"]
    plot.set_x_unit("step")
    assert axis.scale == 1 and "step" in axis.labelText
    assert axis.tickStrings([0.0, 250_000.0, 1_500_000.0], 1.0, 250_000.0) == ["0", "250k", "1.5M"]
    with pytest.raises(ValueError):
        plot.set_x_unit("epoch")
    with pytest.raises(ValueError):
        plot.set_x_unit("hours")


def test_font_size(plot: LossPlot) -> None:
    plot.set_font_size(20)
    assert plot.font_size() == 20
    assert plot.plot_item.getAxis("left").style["tickFont"].pointSizeF() == 20
    assert "20pt" in plot.plot_item.getAxis("left").labelStyle["font-size"]
    with pytest.raises(ValueError):
        plot.set_font_size(0)


@pytest.mark.parametrize(("log", "dark"), [(False, False), (True, False), (False, True)])
def test_screenshot(plot: LossPlot, log: bool, dark: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if dark:
        plot.setPalette(dark_palette())
    steps, loss = falling_noisy(2_000)
    every = steps % 50 == 0
    plot.append_many(steps, loss, test_losses=np.where(every, loss.mean(), np.nan))
    plot.set_log_y(log)
    plot.set_current_step(1_400)
    plot.show()
    plot.refresh()
    image = plot.grab().toImage()
    image.save(
        str(SHOTS / f"loss_plot_{'log' if log else 'linear'}_{'dark' if dark else 'light'}.png")
    )
    assert (image.width(), image.height()) == (900, 400)
    colors = DARK_COLORS if dark else LIGHT_COLORS
    assert has_color(image, colors["train"]) and has_color(image, colors["test"])
    background = image.pixelColor(450, 200 if log else 100)
    assert (background.lightness() < 100) == dark


# -- ticks ------------------------------------------------------------------------


def _shown_ticks(plot: LossPlot, side: str) -> list[tuple[float | None, list[float]]]:
    """The tick levels the axis draws for the current view, as (spacing, values)."""
    axis = plot.plot_item.getAxis(side)
    view = plot.plot_item.vb
    (x0, x1), (y0, y1) = view.viewRange()
    lo, hi = (x0, x1) if side == "bottom" else (y0, y1)
    pixels = view.width() if side == "bottom" else view.height()
    return list(axis.tickValues(lo, hi, pixels))


def test_few_steps_get_whole_step_ticks(plot: LossPlot) -> None:
    plot.show()
    for step in (1, 2, 3):
        plot.append(step, 0.7 - 0.1 * step)
    plot.refresh()
    plot.grab()
    levels = _shown_ticks(plot, "bottom")
    values = [v for _, vs in levels for v in vs]
    assert values and all(v == round(v) for v in values)  # no 1.5, no 0.2
    assert all(spacing is not None and spacing >= 1 for spacing, _ in levels)
    assert sorted(values) == [1.0, 2.0, 3.0]
    axis = plot.plot_item.getAxis("bottom")
    spacing, major = levels[0]
    assert axis.tickStrings(major, axis.scale, spacing) == ["1", "2", "3"]
    # zoomed far in: still a tick a step at most, none between 1 and 2
    zoomed = axis.tickValues(0.8, 2.2, 800)
    assert all(s >= 1 for s, _ in zoomed) and [v for _, vs in zoomed for v in vs] == [1.0, 2.0]


def test_many_steps_keep_round_ticks(plot: LossPlot) -> None:
    plot.show()
    plot.append_many(np.arange(1, 5001), np.linspace(1, 0.1, 5000))
    plot.refresh()
    plot.grab()
    spacing, values = _shown_ticks(plot, "bottom")[0]
    assert spacing in (500, 1000, 2000) and 0 in values and 5000 in values


def test_epoch_ticks_are_fractional_only_within_few_epochs(plot: LossPlot) -> None:
    axis = plot.plot_item.getAxis("bottom")
    plot.set_x_unit("epoch", steps_per_epoch=4)
    # 3 epochs on a wide axis: half epochs (two steps), never a fraction of a step
    (spacing, values), *_ = axis.tickValues(1, 12, 600)
    assert spacing == 2 and axis.tickStrings(values, axis.scale, spacing)[:2] == ["0.5", "1.0"]
    # many epochs: whole epochs
    for spacing, values in axis.tickValues(0, 4_000, 600):
        assert spacing * axis.scale >= 1 and all(
            v * axis.scale == round(v * axis.scale) for v in values
        )
    plot.set_x_unit("epoch", steps_per_epoch=1)  # full batch: an epoch is a step
    assert all(s >= 1 for s, _ in axis.tickValues(1, 3, 600))


def test_log_axis_is_labelled_within_a_decade(plot: LossPlot) -> None:
    plot.show()
    plot.append_many(np.arange(1, 41), np.linspace(0.298, 0.291, 40))
    plot.set_log_y(True)
    plot.refresh()
    image = plot.grab().toImage()
    image.save(str(SHOTS / "loss_plot_log_narrow.png"))
    axis = plot.plot_item.getAxis("left")
    (y0, y1) = plot.plot_item.vb.viewRange()[1]
    (spacing, major), *_ = _shown_ticks(plot, "left")
    values = [10.0**v for v in major]
    assert 2 <= len(values) <= 4
    assert all(10.0**y0 <= v <= 10.0**y1 for v in values)
    labels = axis.tickStrings(major, 1.0, spacing)
    assert all(label and len(label) <= 5 for label in labels)  # "0.292", nicely rounded
    assert [float(label) for label in labels] == pytest.approx(values, rel=1e-9)
    assert len(set(labels)) == len(labels)


def test_log_axis_across_decades_keeps_powers_of_ten(plot: LossPlot) -> None:
    plot.show()
    plot.append_many(np.arange(1, 101), np.geomspace(1, 1e-3, 100))
    plot.set_log_y(True)
    plot.refresh()
    plot.grab()
    axis = plot.plot_item.getAxis("left")
    spacing, major = _shown_ticks(plot, "left")[0]
    labels = axis.tickStrings(major, 1.0, spacing)
    assert {"1", "0.1", "0.01", "0.001"} <= set(labels)
    assert axis.tickStrings([-5.0, np.log10(2e-5), 4.0], 1.0, 1.0) == ["10⁻⁵", "2·10⁻⁵", "10⁴"]


def test_accuracy_is_test_accuracy_when_there_is_a_test_set(plot: LossPlot) -> None:
    plot.append(1, 0.5, accuracy=0.5)
    plot.refresh()
    assert "accuracy" in plot._status.text() and "test&nbsp;accuracy" not in plot._status.text()
    plot.append(2, 0.4, test_loss=0.45, accuracy=0.93)
    plot.refresh()
    assert "test&nbsp;accuracy <b>93.0%</b>" in plot._status.text()  # may break before the value
    assert plot.series_label("accuracy") == "test accuracy"
    plot.clear()
    plot.append(1, 0.5, accuracy=0.5)
    plot.refresh()
    assert plot.series_label("accuracy") == "accuracy"


@pytest.mark.parametrize(
    ("lo", "hi", "count", "expected"),
    [
        (0.291, 0.298, 4, [0.292, 0.294, 0.296, 0.298]),
        (0.25, 0.45, 4, [0.3, 0.4]),
        (0.95, 1.05, 3, [0.95, 1.0, 1.05]),
        (0.9, 1.1, 3, [0.9, 1.0, 1.1]),
    ],
)
def test_nice_ticks(lo: float, hi: float, count: int, expected: list[float]) -> None:
    _, values = nice_ticks(lo, hi, count)
    assert values == pytest.approx(expected)
    assert len(values) <= count


def test_nice_ceil() -> None:
    assert [nice_ceil(v) for v in (1.0, 0.25, 1 / 3, 0.01, 3.0, 7.0)] == pytest.approx(
        [1.0, 0.5, 0.5, 0.01, 5.0, 10.0]
    )


def test_log_labels_do_not_overlap(plot: LossPlot) -> None:
    plot.show()
    plot.append_many(np.arange(1, 2001), np.geomspace(1, 0.02, 2000))
    plot.set_log_y(True)
    plot.refresh()
    plot.grab()
    axis = plot.plot_item.getAxis("left")
    y0, y1 = plot.plot_item.vb.viewRange()[1]
    pixels = plot.plot_item.vb.height()
    labelled = sorted(
        value
        for spacing, values in _shown_ticks(plot, "left")
        for value, label in zip(values, axis.tickStrings(values, 1.0, spacing), strict=True)
        if label
    )
    labels = {axis.tickStrings([v], 1.0, 1.0)[0] for v in labelled}
    assert {"1", "0.1", "0.05", "0.2"} <= labels  # powers of ten and some multiples
    gaps = np.diff(labelled) / (y1 - y0) * pixels
    line = QFontMetricsF(axis.style["tickFont"]).height()
    assert gaps.min() >= line


def test_the_lowest_test_loss_is_starred_once_the_test_loss_rises(plot: LossPlot) -> None:
    plot.show()
    steps = np.arange(0, 1_000, 10)
    train = np.geomspace(1.0, 0.01, len(steps))
    test = np.concatenate([np.geomspace(1.0, 0.2, 40), np.linspace(0.2, 0.5, 60)])
    plot.append_many(steps[:40], train[:40], test_losses=test[:40])
    plot.refresh()
    assert plot.lowest_test() is None  # falling: nothing to mark
    plot.append_many(steps[40:], train[40:], test_losses=test[40:])
    plot.refresh()
    mark = plot.lowest_test()
    assert mark is not None and mark.step == 390 and mark.loss == pytest.approx(0.2)
    assert "overfitting" in mark.tooltip() and "step 390" in mark.tooltip()
    star = plot._lowest.star
    assert star.isVisible() and list(star.data["x"]) == [390.0]
    plot.set_log_y(True)  # the star follows the axis into decades
    assert star.data["y"][0] == pytest.approx(np.log10(0.2))
    plot.truncate_after(300)  # back in time, before the rise: no mark
    assert plot.lowest_test() is None and not star.isVisible()


def test_large_type_on_a_short_plot_keeps_the_loss_labels_apart(plot: LossPlot) -> None:
    plot.resize(500, 260)
    plot.set_font_size(24)
    plot.show()
    plot.append_many(
        np.arange(400), np.geomspace(1.0, 0.15, 400), accuracies=np.linspace(0, 1, 400)
    )
    plot.refresh()
    plot.grab()
    view = plot.plot_item.vb
    (y0, y1), pixels = view.viewRange()[1], view.height()
    for side, (lo, hi) in (("left", (y0, y1)), ("right", (0.0, 1.0))):
        axis = plot.plot_item.getAxis(side)
        line = QFontMetricsF(axis.style["tickFont"]).height()
        labelled = sorted(
            value
            for spacing, values in axis.tickValues(lo, hi, pixels)
            for value, label in zip(values, axis.tickStrings(values, 1.0, spacing), strict=True)
            if label
        )
        assert len(labelled) >= 2, side
        assert min(np.diff(labelled)) / (hi - lo) * pixels >= line, side


def test_the_view_follows_the_data_until_the_user_moves_it(plot: LossPlot) -> None:
    plot.show()
    plot.append_many(np.arange(50), np.linspace(1.0, 0.5, 50))
    plot.refresh()
    assert plot.follows_data() and plot.plot_item.vb.viewRange()[0][1] < 52
    plot.plot_item.vb.sigRangeChangedManually.emit([True, True])  # as a drag or a wheel does
    plot.plot_item.vb.setRange(xRange=(10, 20), padding=0)
    plot.append_many(np.arange(50, 500), np.linspace(0.5, 0.1, 450))
    plot.refresh()
    assert not plot.follows_data() and plot.plot_item.vb.viewRange()[0] == pytest.approx([10, 20])
    plot.follow_data()  # a double click
    (x0, x1), (y0, _) = plot.plot_item.vb.viewRange()
    assert plot.follows_data() and x0 < 1 and 499 < x1 < 520 and y0 == 0.0


def test_a_plot_squeezed_by_large_type_paints_without_error(qtbot, plot: LossPlot) -> None:
    """Large type in a short dock leaves the view no height: the grid must not
    divide by it (an exception in a paint override aborts the process)."""
    plot.append(0, 0.5, None, 0.5)
    plot.refresh()
    plot.set_font_size(20)
    plot.setMinimumSize(0, 0)  # smaller than a dock ever makes it
    for height in (300, 150, 120, 80, 40):
        plot.resize(380, height)
        image = plot.grab().toImage()
        assert not image.isNull() and image.height() == plot.height() <= max(height, 120)


def test_large_type_fits_a_narrow_plot_and_its_caption(qtbot, plot: LossPlot) -> None:
    """At the largest type in a narrow dock the text shrinks to leave the plot
    area its room, and the step-0 caption wraps inside the view."""
    plot.append(0, 0.7572, 0.7372, 0.5)
    plot.refresh()
    plot.set_font_size(36)
    plot.resize(380, 420)
    plot.show()
    qtbot.wait(1)  # the layout follows the fitted type
    assert plot.font_size() == 36 and plot.shown_font_size() < 36
    vb = plot.plot_item.vb
    assert vb.width() >= 80 and vb.height() >= 0.3 * plot.height()
    caption = plot._caption.item
    assert caption.isVisible() and "each training step adds a point" in plot.lone_caption()
    view = vb.sceneBoundingRect().adjusted(-2, -2, 2, 2)
    assert view.contains(caption.sceneBoundingRect())
    assert caption.textItem.document().idealWidth() <= caption.textItem.textWidth() + 1
    plot.resize(1600, 900)
    qtbot.wait(1)
    assert plot.shown_font_size() == 36


def test_fitted_point_size() -> None:
    from bpsim.ui.panels.plot_fit import MIN_PLOT_PT, fitted_point_size

    lines = (6.0, 3.0)
    assert fitted_point_size(12, (2000, 2000), 1.5, lines=lines) == 12  # room: as asked
    small = fitted_point_size(40, (800, 300), 1.5, lines=lines)
    assert small == pytest.approx(150 / (3 * 1.5))  # the text takes half the height
    narrow = fitted_point_size(40, (400, 800), 1.5, lines=lines)
    assert narrow == pytest.approx(200 / (6 * 1.5))  # ... or half the width
    assert fitted_point_size(40, (100, 100), 1.5, lines=lines) == MIN_PLOT_PT
