"""The in-app gradient check, by data."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model.data.presets import PRESETS
from bpsim.model.sessions.session import new_session
from bpsim.viewmodel.gradient_check import GradientRow, gradient_table, parameter_names
from bpsim.viewmodel.timeline import Timeline


@pytest.mark.parametrize("name", list(PRESETS))
def test_the_check_agrees_on_every_preset(name: str) -> None:
    tl = Timeline(new_session(name))
    net = tl.net_before_step()
    params = net.params.copy()
    table = gradient_table(net, tl.trace.X, tl.trace.Y)
    assert np.array_equal(net.params, params)  # left as it was
    assert len(table.rows) == net.params.size
    assert table.all_agree, table.disagreeing[:5]
    assert table.worst_relative_error < 1e-3
    # the analytic column is the shown step's own gradient
    flat = np.concatenate(
        [
            np.concatenate([w.ravel(), b])
            for w, b in zip(tl.trace.grad_weights, tl.trace.grad_biases, strict=True)
        ]
    )
    np.testing.assert_allclose([r.analytic for r in table.rows], flat, rtol=1e-12, atol=1e-15)
    assert table.summary().startswith(f"All {len(table.rows):,} gradients agree")


def test_the_worked_examples_rows_are_named_and_valued() -> None:
    tl = Timeline(new_session("mazur"))
    table = gradient_table(tl.net_before_step(), tl.trace.X, tl.trace.Y)
    rows = {r.name: r for r in table.rows}
    assert list(rows) == parameter_names((2, 2, 2))
    assert rows["w5"].analytic == pytest.approx(0.082167041, abs=5e-10)
    assert rows["w5"].numerical == pytest.approx(0.082167041, abs=1e-8)
    assert rows["w1"].analytic == pytest.approx(0.000438568, abs=5e-10)
    assert "b_o1" in rows and rows["b_o1"].agrees()
    order = [r.name for r in table.in_reading_order()]
    assert order == ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b_h1", "b_h2", "b_o1", "b_o2"]


def test_a_wrong_gradient_is_reported() -> None:
    row = GradientRow("w1", 0.5, 0.4)
    assert not row.agrees() and row.relative_error == pytest.approx(0.2)
    tiny = GradientRow("w2", 1e-13, -1e-13)  # both zero to the check's precision
    assert tiny.agrees() and tiny.relative_error == 0.0
