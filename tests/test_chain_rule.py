"""The chain rule as a graph, by data: the worked example's factors and more."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model.data.presets import PRESETS
from bpsim.model.sessions.session import new_session
from bpsim.model.trace.frames import FrameKind
from bpsim.viewmodel.chain_rule import ChainGraph, chain_graph
from bpsim.viewmodel.timeline import Timeline


def graph_at(tl: Timeline, label: str) -> ChainGraph:
    k = next(f.index for f in tl.trace.frames if f.label == label)
    tl.seek(k)
    return chain_graph(tl.frame, tl.net_before_step(), tl.trace.X, tl.trace.Y)


@pytest.fixture
def mazur() -> Timeline:
    return Timeline(new_session("mazur"))


def test_the_worked_examples_dE_dw5_frame_names_its_three_factors(mazur: Timeline) -> None:
    g = graph_at(mazur, "∂E/∂w5")
    assert g.title == "∂E/∂w5 = ∂E/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5"
    names = [f.name for f in g.factors]
    assert names == ["∂E/∂out_o1", "∂out_o1/∂net_o1", "∂net_o1/∂w5"]
    values = [f.value for f in g.factors]
    np.testing.assert_allclose(values, [0.74136507, 0.186815602, 0.593269992], atol=5e-10)
    assert g.result is not None and g.result.value == pytest.approx(0.082167041, abs=5e-10)
    assert g.result.value == mazur.frame.value  # the trace's own number
    # the same numbers sit in the nodes: out_o1's gradient, h1's output, w5's gradient
    assert g.node("out").grad == pytest.approx(0.74136507, abs=5e-10)
    assert g.node("x0").label == "out_h1"
    assert g.node("x0").value == pytest.approx(0.593269992, abs=5e-10)
    assert g.node("w0").label == "w5" and g.node("w0").value == 0.40
    assert g.node("w0").grad == pytest.approx(0.082167041, abs=5e-10)
    assert g.node("net").grad == pytest.approx(0.138498562, abs=5e-10)  # δ_o1
    assert g.node("E").value == pytest.approx(0.298371109, abs=5e-10)
    assert g.node("E").grad == 1.0
    # the edge being computed is lit: w5 → × → +
    lit = {(e.source, e.target) for e in g.lit_edges}
    assert {("w0", "mul0"), ("x0", "mul0"), ("mul0", "sum")} <= lit
    assert ("w1", "mul1") not in lit
    assert g.node("w0").lit and not g.node("w1").lit


def test_a_hidden_weight_sums_the_deltas_it_feeds_times_the_old_weights(
    mazur: Timeline,
) -> None:
    g = graph_at(mazur, "∂E/∂w1")
    out_h1 = g.factors[0]
    assert out_h1.name == "∂E/∂out_h1"
    assert out_h1.value == pytest.approx(0.036350306, abs=5e-10)
    assert "w5·δ_o1 + w7·δ_o2" in out_h1.rule  # w5 = 0.40 and w7 = 0.50, not w5+, w7+
    assert any("old weights" in note for note in g.notes)
    assert g.result is not None and g.result.value == pytest.approx(0.000438568, abs=5e-10)
    nexts = [n for n in g.nodes if n.key.startswith("next")]
    assert [n.label for n in nexts] == ["net_o1", "net_o2"]
    assert nexts[0].grad == pytest.approx(0.138498562, abs=5e-10)
    labels = {(e.label, e.value) for e in g.edges if e.source == "out"}
    assert labels == {("× w5", 0.40), ("× w7", 0.50)}  # the old weights


def test_forward_frames_show_what_is_known_and_no_gradient(mazur: Timeline) -> None:
    g = graph_at(mazur, "net_o1")
    assert g.factors == () and g.result is None
    assert g.node("net").value == pytest.approx(1.105905967, abs=5e-10)
    assert g.node("out").value is None and g.node("E").value is None
    assert all(n.grad is None for n in g.nodes)
    g = graph_at(mazur, "E_total")
    assert g.node("E").value == pytest.approx(0.298371109, abs=5e-10)
    assert g.node("out").value == pytest.approx(0.75136507, abs=5e-10)
    g = graph_at(mazur, "inputs")
    assert g.node("x0").value == 0.05 and g.node("net").value is None


def test_an_output_delta_is_two_factors(mazur: Timeline) -> None:
    g = graph_at(mazur, "δ_o1")
    assert [f.name for f in g.factors] == ["∂E/∂out_o1", "∂out_o1/∂net_o1"]
    assert g.result is not None
    assert g.result.value == pytest.approx(np.prod([f.value for f in g.factors]), rel=1e-12)


def test_an_update_frame_shows_the_weight_before_and_after(mazur: Timeline) -> None:
    g = graph_at(mazur, "w5⁺")
    assert g.node("w0").value == 0.40
    assert g.node("w0").after == pytest.approx(0.35891648, abs=5e-9)
    assert g.update == (mazur.frame.symbolic, mazur.frame.template)


@pytest.mark.parametrize("name", [n for n in PRESETS if n != "mazur"])
def test_every_frame_kind_of_every_preset_has_a_graph_whose_factors_multiply_out(
    name: str,
) -> None:
    tl = Timeline(new_session(name))
    frames = tl.trace.frames
    seen: set[FrameKind] = set()
    net = tl.net_before_step()
    for frame in frames:
        if frame.kind in seen and frame.kind is not FrameKind.WEIGHT_CONTRIBUTION:
            continue
        seen.add(frame.kind)
        g = chain_graph(frame, net, tl.trace.X, tl.trace.Y)
        keys = {n.key for n in g.nodes}
        assert all(e.source in keys and e.target in keys for e in g.edges)
        if g.result is not None and g.factors:
            product = float(np.prod([f.value for f in g.factors]))
            assert product == pytest.approx(g.result.value, rel=1e-9, abs=1e-15)
        if frame.kind is FrameKind.WEIGHT_CONTRIBUTION and frame.sample == 0:
            n = len(tl.trace.X)
            assert g.result is not None
            assert g.result.value / n == pytest.approx(frame.value, rel=1e-9, abs=1e-15)
