"""The loss plot's bounds: absurd losses (a diverging run's 1e302, values
next to the float limit) are drawn at a ceiling, the view stays readable, and
nothing raises, in the view-model and in the plot itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpsim.viewmodel.history import LossHistory
from bpsim.viewmodel.loss_bounds import (
    OUTLIER_FACTOR,
    PLOT_LIMIT,
    VIEW_FACTOR,
    clamp_losses,
    loss_ceiling,
    typical_loss,
)
from bpsim.viewmodel.loss_view import fit_range

EXTREMES = [2.15e302, 1e305, 1e307, 1e308, 1.7976931348623157e308]


def test_the_ceiling_follows_the_typical_loss() -> None:
    assert typical_loss([]) is None and typical_loss([np.nan, -1.0, 0.0, np.inf]) is None
    assert loss_ceiling([]) == PLOT_LIMIT
    ys = [1.0, 0.5, 0.2, 0.1, 0.1, 2.15e302]
    assert typical_loss(ys) == 1.0  # the first loss
    assert typical_loss([np.nan, 0.0, 0.5] + [1e300] * 40) == 0.5  # not the absurd majority
    assert loss_ceiling(ys) == OUTLIER_FACTOR
    assert loss_ceiling([1e300, 1e301]) == PLOT_LIMIT  # never above the limit
    clamped = clamp_losses([0.5, 2e5, math.inf, -math.inf, math.nan], 1e3)
    assert clamped[:4].tolist() == [0.5, 1e3, 1e3, -PLOT_LIMIT] and math.isnan(clamped[4])


def test_an_ordinary_curve_is_drawn_as_it_is() -> None:
    history = LossHistory(100)
    history.append_many(np.arange(50), 1.0 / (1 + np.arange(50)), 2.0 / (1 + np.arange(50)))
    history.take_changed()
    for name in ("train", "test"):
        assert np.array_equal(history.shown(name)[1], history[name].data()[1])
    x, y = history.loss_points()
    assert fit_range(x, y, log=False)[1] == (0.0, pytest.approx(2.0 * 1.08))


@pytest.mark.parametrize("extreme", EXTREMES)
def test_an_absurd_loss_is_drawn_at_the_ceiling_and_the_view_stays_readable(
    extreme: float,
) -> None:
    history = LossHistory(100)
    history.append_many(np.arange(40), 1.0 / (1 + np.arange(40)))
    history.take_changed()
    history.append(40, extreme)
    assert history.take_changed() == {"train"}
    assert history["train"].last() == (40.0, extreme)  # the history keeps the truth
    _, y = history.shown("train")
    assert y[-1] == OUTLIER_FACTOR * 1.0 and np.isfinite(y).all()
    _, (_, y1) = fit_range(*history.loss_points(), log=False)
    assert y1 <= VIEW_FACTOR * 1.0 * 1.1  # the falling part keeps a tenth of the height
    _, (l0, l1) = fit_range(*history.loss_points(), log=True)
    assert l1 - l0 < 6  # decades: the ceiling bounds the log axis too


def test_a_test_series_is_redrawn_when_the_ceiling_moves() -> None:
    history = LossHistory(100)
    history.append_many([0, 1, 2], [np.nan] * 3, [1.0, 0.9, 5e4])  # test losses alone
    history.take_changed()
    assert history.shown("test")[1][-1] == 1000.0
    history.append_many([0, 1, 2, 3], [100.0, 90.0, 80.0, 70.0])  # training starts higher
    assert history.take_changed() == {"train", "test"}
    assert history.shown("test")[1][-1] == 5e4


@pytest.mark.parametrize("log", [False, True])
def test_the_plot_draws_extreme_histories_without_raising(qtbot, log: bool) -> None:
    from bpsim.ui.panels.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    plot.set_log_y(log)
    for k in range(60):
        plot.append(k, 1.0 / (k + 1), 1.2 / (k + 1), 0.5)
        plot.refresh()
    for k, extreme in enumerate(EXTREMES, start=60):
        plot.append(k, extreme, extreme, 0.5)
        plot.refresh()
        image = plot.grab().toImage()  # paints: must neither raise nor crash
        assert not image.isNull()
    x, y = plot.series("train")
    assert len(x) == 65 and y[-1] == OUTLIER_FACTOR  # drawn at the ceiling
    (_, _), (y0, y1) = plot.plot_item.vb.viewRange()
    assert math.isfinite(y0) and math.isfinite(y1) and y1 < (4 if log else 20)
