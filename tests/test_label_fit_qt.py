"""The label placement as the app does it, measured by Qt's fonts: no overlaps,
every bias there, at the largest type; gradient mode before any gradient;
slides that scale the whole picture; digits and the data's names for units."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model import FrameKind
from bpsim.model.data.csvdata import load_csv
from bpsim.model.notation import fmt
from bpsim.ui.export.slide import SlideView
from bpsim.ui.network.legend import thickness_text
from bpsim.ui.network.paint import PlacedLabels
from bpsim.ui.network.view import NetworkView
from bpsim.viewmodel.network.scene import scene_from_trace
from bpsim.viewmodel.network.scene_text import Numbers
from tests.test_label_fit import CAPTIONS, CSV, NETWORKS, STEPS, frames_of_every_kind


@pytest.fixture
def view(qtbot) -> NetworkView:
    v = NetworkView()
    qtbot.addWidget(v)
    v.set_dark(False)
    return v


@pytest.mark.parametrize("name", ["mazur", "xor", "spiral", "iris", "2-4-3-1", "exam_results.csv"])
@pytest.mark.parametrize(("w", "h"), [(890, 401), (1530, 761)])
def test_qt_measured_labels_do_not_overlap(view: NetworkView, name: str, w: int, h: int) -> None:
    net, trace = NETWORKS[name]
    view.resize(w, h)
    for scale in (1.0, STEPS[-1]):
        view.set_font_scale(scale)
        for k in frames_of_every_kind(trace)[::2]:
            view.set_scene(scene_from_trace(trace, k, activation_names=net.activation_names))
            rects = view.label_rects()
            assert all(view.rect().toRectF().contains(r) for r in rects)
            for n, a in enumerate(rects):
                assert not any(a.intersects(b) for b in rects[n + 1 :]), (k, a)
            labels = view._labels
            assert labels is not None
            roles = [lab.placed.role for lab in labels.units if lab.placed is not None]
            n_biases = sum(trace.sizes[1:])
            assert roles.count("bias") + roles.count("bias_callout") == n_biases


def test_gradient_mode_before_any_gradient_says_so(view: NetworkView) -> None:
    net, trace = NETWORKS["mazur"]
    view.resize(890, 481)
    forward = next(f.index for f in trace.frames if f.kind is FrameKind.OUT)
    scene = scene_from_trace(trace, forward, activation_names=net.activation_names)
    view.set_scene(scene.with_mode("gradients"))
    info = view.legend_info()
    assert info.mode == "gradients"
    assert info.empty == "no gradients yet at this frame (forward pass)"
    assert thickness_text(info) == (
        "thickness = |gradient|: no gradients yet at this frame (forward pass); weights shown faint"
    )
    assert view.edge_pen_width(1, 0, 0) > 1.0  # the weights, not hairlines
    grad = next(f.index for f in trace.frames if f.kind is FrameKind.WEIGHT_GRADIENT)
    view.set_scene(
        scene_from_trace(trace, grad, activation_names=net.activation_names, mode="gradients")
    )
    assert view.legend_info().empty == "" and view.legend_info().samples
    assert thickness_text(view.legend_info()) == "thickness = |gradient|"


def test_a_slide_scales_the_whole_picture(qtbot) -> None:
    net, trace = NETWORKS["sine"]
    found = {}
    for size in ((1920, 1080), (3840, 2160)):
        slide = SlideView()
        qtbot.addWidget(slide)
        slide.set_slide_size(*size)
        slide.show_frame(trace, 2, net.activation_names)
        v = slide.network_view
        v.label_rects()
        assert v._painter is not None
        found[size] = (v.unit_radius(), v._painter.font_px, v.height())
    (r1, f1, h1), (r2, f2, h2) = found.values()
    ratio = h2 / h1
    assert r2 / r1 == pytest.approx(ratio, rel=0.2)  # units grow with the slide
    assert f2 / f1 == pytest.approx(ratio, rel=0.2)  # and so does the type
    assert np.isfinite(r1) and r1 >= 0.5 * f1


def placed(view: NetworkView) -> PlacedLabels:
    view.label_rects()
    assert view._labels is not None
    return view._labels


def test_digits_reach_every_number_of_the_view(view: NetworkView) -> None:
    """set_digits as the formula card's: callouts and tooltips in full, the
    labels still apart at ten significant figures."""
    net, trace = NETWORKS["mazur"]
    view.resize(890, 401)
    k = next(f.index for f in trace.frames if f.kind is FrameKind.WEIGHT_UPDATE)
    view.set_scene(scene_from_trace(trace, k, activation_names=net.activation_names))
    view.set_digits(9, decimals=True)
    assert view.numbers() == Numbers(9, decimals=True)
    assert "w1: 0.15 → 0.149780716" in [r.plain_text for r in placed(view).callout]
    tip = view.tooltip_at(view.unit_center(1, 0))
    assert "out = 0.593269992" in tip
    view.set_digits(99)  # clamped to DIGITS_RANGE
    assert view.numbers().digits == 10
    for scale in (1.0, STEPS[-1]):
        view.set_font_scale(scale)
        rects = view.label_rects()
        for n, a in enumerate(rects):
            assert not any(a.intersects(b) for b in rects[n + 1 :])


def test_unit_names_in_the_data_terms(view: NetworkView) -> None:
    """The input units captioned with their columns, the output unit with
    what it scores; raw values in the input units' tooltips."""
    net, trace = NETWORKS["exam_results.csv"]
    inputs, outputs = CAPTIONS["exam_results.csv"]
    data = load_csv(CSV)
    view.resize(890, 401)
    view.set_scene(scene_from_trace(trace, 0, activation_names=net.activation_names))
    view.set_unit_names(inputs, outputs, to_raw=data.to_raw)
    for scale in (1.0, STEPS[-1]):
        view.set_font_scale(scale)
        texts = [r.plain_text for r in placed(view).units]
        assert "hours_studied" in texts and "hours_slept" in texts and "p(pass)" in texts
        rects = view.label_rects()
        for n, a in enumerate(rects):
            assert not any(a.intersects(b) for b in rects[n + 1 :])
    raw = data.to_raw(trace.X[:1])[0]
    tip = view.tooltip_at(view.unit_center(0, 0))
    assert tip.startswith("i1: hours_studied (input)")
    assert f"hours_studied = {fmt(raw[0])}" in tip and "(standardized)" in tip
    assert view.tooltip_at(view.unit_center(2, 0)).startswith("o1: p(pass)")
    view.set_unit_names(["a", "b", "c"], [])  # names for another network: none shown
    assert "hours_studied" not in [r.plain_text for r in placed(view).units]


def test_the_gradient_note_follows_the_phase(view: NetworkView) -> None:
    """Stepping on from the forward pass to the loss, the note changes with it
    (no gradient is known on either, so the edges themselves stay the same)."""
    net, trace = NETWORKS["mazur"]
    view.resize(890, 481)
    for kind, note in (
        (FrameKind.OUT, "no gradients yet at this frame (forward pass)"),
        (FrameKind.LOSS, "no gradients yet at this frame"),
    ):
        k = next(f.index for f in trace.frames if f.kind is kind)
        scene = scene_from_trace(trace, k, activation_names=net.activation_names)
        view.set_scene(scene.with_mode("gradients"))
        view.grab()
        assert view.legend_info().empty == note
