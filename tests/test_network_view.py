"""The network view: what each edge and unit shows, at a fixed size."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QTimer
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from bpsim.model import FrameKind, Network, Trace
from bpsim.ui.colors import DARK, LIGHT, diverging
from bpsim.ui.network.style import rich_runs
from bpsim.ui.network.view import NetworkView
from bpsim.viewmodel.network.scene import scene_from_network, scene_from_trace
from bpsim.viewmodel.network.scene_text import number_variants
from tests.worked_example import LR, T, X, worked_example_network

SIGMOID2 = ("sigmoid", "sigmoid")


@pytest.fixture
def view(qtbot) -> NetworkView:
    v = NetworkView()
    v.set_dark(False)
    v.resize(800, 500)
    qtbot.addWidget(v)
    return v


@pytest.fixture(scope="module")
def worked() -> Trace:
    return worked_example_network().trace(X[0], T[0], LR)


def at(trace: Trace, k: int, mode: str = "weights"):
    return scene_from_trace(trace, k, activation_names=SIGMOID2, mode=mode)


def first(trace: Trace, kind: FrameKind) -> int:
    return next(f.index for f in trace.frames if f.kind is kind)


def image(view: NetworkView) -> QImage:
    return view.grab().toImage()


def test_pen_width_grows_with_the_weight(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, 0))
    # w1..w4 = 0.15, 0.20, 0.25, 0.30 ; w5..w8 = 0.40, 0.45, 0.50, 0.55
    edges = [(1, 0, 0), (1, 1, 0), (1, 0, 1), (1, 1, 1), (2, 0, 0), (2, 1, 0), (2, 0, 1)]
    widths = [view.edge_pen_width(*e) for e in [*edges, (2, 1, 1)]]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert widths[0] >= 0.5 and widths[-1] <= 20


def test_colour_differs_by_sign(view: NetworkView) -> None:
    net = Network([2, 2, 1], "tanh", "mse", seed=0)
    net.weights[0] = [[-0.5, 0.5], [0.2, -0.2]]
    view.set_scene(scene_from_network(net, [1.0, 0.0]))
    neg, pos = view.edge_color(1, 0, 0), view.edge_color(1, 0, 1)
    assert neg != pos
    assert view.edge_pen_width(1, 0, 0) == view.edge_pen_width(1, 0, 1)
    assert neg.blue() > neg.red() and pos.red() > pos.blue()  # blue negative, orange positive
    assert view.edge_color(1, 1, 1) == neg


def test_an_update_changes_the_thickness_of_its_edge(view: NetworkView, worked: Trace) -> None:
    k = next(f.index for f in worked.frames if f.kind is FrameKind.WEIGHT_UPDATE and f.layer == 2)
    view.set_scene(at(worked, k - 1))
    old = {e: view.edge_pen_width(*e) for e in [(2, 0, 0), (2, 1, 0), (2, 1, 1)]}
    view.set_scene(at(worked, k))  # w5: 0.40 -> 0.3589
    assert view.scene().weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert view.edge_pen_width(2, 0, 0) < old[(2, 0, 0)]
    assert view.edge_pen_width(2, 1, 0) == old[(2, 1, 0)]  # other edges keep theirs
    assert view.edge_pen_width(2, 1, 1) == old[(2, 1, 1)]


def test_gradient_mode_draws_known_gradients(qtbot, view: NetworkView, worked: Trace) -> None:
    k = first(worked, FrameKind.WEIGHT_GRADIENT)  # only dE/dw5 is known
    view.set_scene(at(worked, k))
    with qtbot.waitSignal(view.sigModeChanged) as blocker:
        view.set_mode("gradients")
    assert blocker.args == ["gradients"] and view.mode() == "gradients"
    unknown = view.edge_pen_width(2, 1, 1)
    assert view.edge_pen_width(2, 0, 0) > unknown
    assert view.edge_color(2, 1, 1) != view.edge_color(2, 0, 0)
    assert view.legend_info().mode == "gradients"
    assert not image(view).isNull()


def test_picture_is_not_blank_and_units_show_their_value(view: NetworkView, worked: Trace) -> None:
    k = first(worked, FrameKind.LOSS)
    view.set_scene(at(worked, k))
    img = image(view)
    assert (img.width(), img.height()) == (800, 500)
    colours = {img.pixel(x, y) for x in range(0, 800, 7) for y in range(0, 500, 7)}
    assert len(colours) > 20
    assert img.pixelColor(3, 3) == LIGHT.background
    for layer, j in [(1, 0), (2, 1), (0, 1)]:
        centre, r = view.unit_center(layer, j), view.unit_radius()
        probe = (centre + QPointF(0, 0.8 * r)).toPoint()  # inside the circle, below the text
        expected = diverging(float(view.scene().out[layer][j]), LIGHT)
        got = img.pixelColor(probe)
        assert abs(got.red() - expected.red()) <= 2, (layer, j)
        assert abs(got.green() - expected.green()) <= 2, (layer, j)
        assert abs(got.blue() - expected.blue()) <= 2, (layer, j)


def test_dark_palette(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, 5))
    view.set_dark(True)
    assert image(view).pixelColor(3, 3) == DARK.background


def test_hover_tooltips(qtbot, view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, first(worked, FrameKind.OUTPUT_DELTA)))
    text = view.tooltip_at(view.unit_center(1, 0))
    assert text.splitlines() == [
        "h1",
        "net = 0.3775",
        "out = 0.5933",
        "δ = not yet computed",
        "b_h1 = 0.35",
    ]
    assert view.tooltip_at(view.unit_center(0, 1)) == "i2 (input)\nvalue = 0.1"
    assert "target t1 = 0.01" in view.tooltip_at(view.unit_center(2, 0))
    mid = view.edge_point(2, 0, 0)  # w5: h1 -> o1
    assert view.tooltip_at(mid) == "w5: h1 → o1\nweight = 0.4\n∂E/∂w5 = not yet computed"
    assert view.tooltip_at(QPointF(2, 2)) == ""
    # a real tooltip event shows the same text
    view.show()
    qtbot.waitExposed(view)
    pos = view.unit_center(1, 0).toPoint()
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, pos, view.mapToGlobal(pos)))
    assert QToolTip.text() == text
    QToolTip.hideText()


def test_hover_signals(qtbot, view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, 3))
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.sigUnitHovered) as blocker:
        qtbot.mouseMove(view, view.unit_center(2, 1).toPoint())
    assert blocker.args == [2, 1]
    with qtbot.waitSignal(view.sigEdgeHovered) as blocker:
        qtbot.mouseMove(view, view.edge_point(1, 1, 0, 0.4).toPoint())
    assert blocker.args == [1, 1, 0]


def test_stepping_frames_reuses_the_cached_edges(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, 0))
    image(view)
    renders = view.base_render_count()
    for k in range(1, first(worked, FrameKind.WEIGHT_UPDATE)):
        view.set_scene(at(worked, k))
        image(view)
    assert view.base_render_count() == renders
    view.set_scene(at(worked, first(worked, FrameKind.WEIGHT_UPDATE)))
    image(view)
    assert view.base_render_count() == renders + 1
    view.resize(640, 400)
    image(view)
    assert view.base_render_count() == renders + 2


def test_every_frame_paints_with_a_pulse_and_no_timer(view: NetworkView) -> None:
    net = Network([2, 3, 2], "tanh", "mse", seed=1)
    trace = net.trace_batch([[0.1, 0.2], [0.3, -0.4]], [[0, 1], [1, 0]], 0.1)
    for k in range(len(trace)):
        view.set_scene(scene_from_trace(trace, k, activation_names=net.activation_names))
        for progress in (0.0, 0.4, 1.0):
            view.set_transition(progress)
            assert not image(view).isNull()
    assert view.transition() == 1.0
    assert view.findChildren(QTimer) == []


def test_large_layers_show_their_strongest_edges(qtbot, view: NetworkView) -> None:
    net = Network([64, 32, 10], ["sigmoid", "softmax"], "cross_entropy", seed=1)
    view.set_scene(scene_from_network(net, np.linspace(0, 1, 64)))
    with qtbot.waitSignal(view.sigLegendChanged) as blocker:
        view.set_max_edges(100)
        view.legend_info()
    info = blocker.args[0]
    assert (info.shown_edges, info.total_edges) == (200, 64 * 32 + 32 * 10)
    assert "200 of 2,368 edges" in info.note
    w = np.abs(net.weights[0])
    strongest = np.unravel_index(int(np.argmax(w)), w.shape)
    weakest = np.unravel_index(int(np.argmin(w)), w.shape)
    assert view.edge_pen_width(1, *map(int, strongest)) > 0
    assert view.edge_pen_width(1, *map(int, weakest)) == 0.0
    assert not image(view).isNull()


def test_font_scale(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, 0))
    small = view.unit_radius()
    view.set_font_scale(1.6)
    assert view.font_scale() == 1.6 and not image(view).isNull()
    assert view.unit_radius() >= small


def test_cache_matches_the_device_pixel_ratio(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, 0))
    image(view)
    cache = view._edge_cache.pixmap
    assert cache is not None
    assert cache.devicePixelRatio() == view.devicePixelRatioF()
    assert cache.width() == round(view.width() * view.devicePixelRatioF())


def test_empty_view_paints_its_background(view: NetworkView) -> None:
    assert view.scene() is None
    assert image(view).pixelColor(10, 10) == QColor(LIGHT.background)
    assert view.tooltip_at(QPointF(QPoint(10, 10))) == ""


def test_draft_quality_for_training(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, 0))
    image(view)
    renders = view.base_render_count()
    full = view.edge_pen_width(1, 0, 0)
    view.set_draft(True)
    assert view.is_draft() and not image(view).isNull()
    assert view.base_render_count() == renders + 1
    assert view.edge_pen_width(1, 0, 0) >= 1.0
    view.set_draft(False)
    image(view)
    assert view.edge_pen_width(1, 0, 0) == full
    assert view.base_render_count() == renders + 2


def test_mode_without_a_scene(qtbot, view: NetworkView) -> None:
    with qtbot.waitSignal(view.sigModeChanged):
        view.set_mode("gradients")
    assert view.mode() == "gradients"
    with pytest.raises(ValueError):
        view.set_mode("sideways")


def label_texts(labels) -> list[str]:
    return [lab.plain_text for lab in labels]


@pytest.mark.parametrize("size", [(800, 500), (1280, 720), (1920, 1080), (890, 400)])
def test_no_two_labels_overlap(view: NetworkView, worked: Trace, size) -> None:
    """On the delta and update frames, every label has its own room, off the units."""
    view.resize(*size)
    kinds = (FrameKind.OUTPUT_DELTA, FrameKind.DELTA, FrameKind.WEIGHT_UPDATE)
    frames = [f.index for f in worked.frames if f.kind in kinds]
    for k in frames:
        view.set_scene(at(worked, k))
        rects, r = view.label_rects(), view.unit_radius()
        assert len(rects) >= 20  # names, biases, targets, weights, captions
        for n, a in enumerate(rects):
            for b in rects[n + 1 :]:
                assert not a.intersects(b), (k, a, b)
            for layer, size_ in enumerate(view.scene().sizes):
                for j in range(size_):
                    c = view.unit_center(layer, j)
                    nx = min(max(c.x(), a.left()), a.right())
                    ny = min(max(c.y(), a.top()), a.bottom())
                    assert np.hypot(nx - c.x(), ny - c.y()) >= r, (k, a, layer, j)


def test_an_edge_with_a_callout_shows_no_plain_weight(view: NetworkView, worked: Trace) -> None:
    k = next(f.index for f in worked.frames if f.kind is FrameKind.WEIGHT_UPDATE and f.layer == 2)
    view.set_scene(at(worked, k))  # w5: 0.4 -> 0.3589
    view.label_rects()
    labels = view._labels
    assert labels is not None
    assert label_texts(labels.callout) == ["w5: 0.4 → 0.3589"]
    edges = label_texts(labels.edges)
    assert not any(t.startswith("w5 ") for t in edges)
    assert "w6 = 0.45" in edges and "w8 = 0.55" in edges
    assert "o1" in label_texts(labels.units)  # names are drawn with subscripts: o, 1


def test_text_scales_and_stays_legible(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, first(worked, FrameKind.DELTA)))
    heights = sorted(r.height() for r in view.label_rects())
    view.set_font_scale(1.5)
    bigger = sorted(r.height() for r in view.label_rects())
    assert bigger[0] > heights[0] and bigger[-1] > heights[-1]
    view.set_font_scale(0.5)
    view.resize(420, 260)
    assert min(r.height() for r in view.label_rects()) >= 10  # MIN_TEXT_PX


@pytest.mark.parametrize(("sizes", "acts"), [((2, 8, 8, 1), "tanh"), ((4, 5, 3), "tanh")])
def test_names_kept_at_a_lecture_size(view: NetworkView, sizes, acts) -> None:
    """The network view of a 1280x720 window (about 890x400) names every unit."""
    net = Network(list(sizes), acts, "mse", seed=0)
    view.resize(890, 400)
    view.set_scene(scene_from_network(net, np.zeros(sizes[0])))
    view.label_rects()
    assert view._labels is not None
    names = label_texts(view._labels.units)
    every = [n for layer in view.scene().unit_names for n in layer]
    assert all(n.replace("_", ",") in names for n in every)  # h1_1 is set h, 1,1


def test_highlight_follows_a_palette_switch(view: NetworkView, worked: Trace) -> None:
    view.set_scene(at(worked, first(worked, FrameKind.DELTA)))  # rings h1 in the backward accent
    image(view)
    view.set_dark(True)
    img = image(view)
    c, r = view.unit_center(1, 0), view.unit_radius()
    ring = view._painter.ring_w
    reach = r + 0.4 * ring + ring / 2
    x, y = c.x() + reach * 0.7071, c.y() - reach * 0.7071
    near = [img.pixelColor(round(x) + dx, round(y) + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]

    def dist(a: QColor, b: QColor) -> int:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())

    # the ring is drawn in the dark palette's accent, not the light one's
    assert min(dist(p, DARK.backward) for p in near) < min(dist(p, LIGHT.backward) for p in near)


def test_names_are_set_with_subscripts() -> None:
    assert rich_runs("h2_1") == (("h", False), ("2,1", True))
    assert rich_runs("w5: 0.4 → 0.3589") == (("w", False), ("5", True), (": 0.4 → 0.3589", False))
    assert rich_runs("∂E/∂b_o1⁺ = 0") == (("∂E/∂b", False), ("o1", True), ("⁺ = 0", False))
    assert rich_runs("net 1.2e−5") == (("net 1.2e−5", False),)  # numbers stay as they are
    assert rich_runs("2 × sigmoid") == (("2 × sigmoid", False),)
    assert rich_runs("hours_studied") == (("hours_studied", False),)  # a column's name
    assert rich_runs("b_h1_1 = 0") == (("b", False), ("h1,1", True), (" = 0", False))


def with_outputs(scene, delta: float, term: float, target: float = 0.0):
    """``scene`` with every output unit's delta, loss term and target set."""
    n, deltas = scene.sizes[-1], (*scene.delta[:-1], np.full(scene.sizes[-1], delta))
    return replace(scene, delta=deltas, loss_terms=np.full(n, term), targets=np.full(n, target))


@pytest.fixture(scope="module")
def batch_scenes() -> list[tuple[object, list[object]]]:
    """Output-delta frames of mini-batches: with the widest everyday numbers,
    and after divergence or with numbers wider than any room kept for them."""
    scenes = []
    for sizes in ((2, 4, 1), (4, 5, 3)):
        net = Network(list(sizes), ["tanh", "sigmoid"], "mse", seed=3)
        Y = np.eye(sizes[-1])[np.arange(10) % sizes[-1]]
        trace = net.trace_batch(np.random.default_rng(0).normal(size=(10, sizes[0])), Y, 0.1)
        s = scene_from_trace(trace, first(trace, FrameKind.OUTPUT_DELTA), activation_names=SIGMOID2)
        extreme = [(-4.565e-5, 2.3e-5, 1), (-2.223e151, 2.2e151, -1.5e150), (-1.234e-100, 1, 0)]
        everyday = with_outputs(s, -0.0003678, 0.0001234)
        scenes.append((everyday, [with_outputs(s, *values) for values in extreme]))
    return scenes


SIZES = [(1330, 850, 1), (890, 520, 1), (890, 400, 1), (890, 520, 1.8), (520, 330, 1)]


@pytest.mark.parametrize(("w", "h", "scale"), SIZES)
def test_every_label_lies_inside_the_view(view: NetworkView, batch_scenes, w, h, scale) -> None:
    """Labels right of the output units are measured as drawn (the delta bold):
    they fit, else go under the unit or shorten their numbers; none is clipped."""
    view.resize(w, h)
    view.set_font_scale(scale)
    for everyday, extremes in batch_scenes:
        view.set_scene(everyday)  # laid out for everyday numbers, then stepped on
        for scene in [everyday, *extremes]:
            view.set_scene(scene)
            rects = view.label_rects()
            assert not [r for r in rects if not QRectF(view.rect()).contains(r)]
            for n, a in enumerate(rects):
                assert not any(a.intersects(b) for b in rects[n + 1 :]), a
            assert view._labels is not None
            deltas = [lab for lab in view._labels.units if lab.plain_text.startswith("δ = ")]
            assert deltas and all(lab.text.font.bold() for lab in deltas)
            ok = number_variants(float(scene.delta[-1][0]))[: 1 if scene is everyday else None]
            assert all(lab.plain_text[4:] in ok for lab in deltas), label_texts(deltas)
            img = image(view)
            edge = {img.pixel(x, y) for x in (w - 2, w - 1) for y in range(h)}
            assert edge == {QColor(LIGHT.background).rgb()}  # nothing painted up to the edge


def test_whole_batch_frames_say_so_and_hide_the_samples_values(view: NetworkView) -> None:
    net = Network([2, 3, 1], "sigmoid", "mse", seed=0)
    trace = net.trace_batch([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], 0.5)
    for k in (first(trace, FrameKind.OUTPUT_DELTA), first(trace, FrameKind.WEIGHT_GRADIENT)):
        scene = scene_from_trace(trace, k, activation_names=net.activation_names)
        view.set_scene(scene)
        img, c = image(view), view.unit_center(1, 0).toPoint()
        assert view._labels is not None
        title, units = view._labels.captions[-1].plain_text, label_texts(view._labels.units)
        inside = {img.pixel(c.x() + dx, c.y() + dy) for dx in range(-8, 9) for dy in (-3, 0, 3)}
        if trace.frames[k].sample is not None:
            assert title.endswith(f"sample {scene.sample + 1} of 4") and not scene.whole_batch
            assert any(t.startswith("δ = ") for t in units) and len(inside) > 1  # a value
            continue
        assert scene.whole_batch and title.endswith("whole batch") and "sample" not in title
        assert not any(t.startswith(("δ = ", "t1 = ")) for t in units)  # sample 4's
        assert len(inside) == 1  # no value inside the unit, only its faded fill
        faded = QColor(inside.pop()).lightness()
        assert faded >= diverging(float(scene.out[1][0]), LIGHT).lightness()


@pytest.mark.parametrize(("width", "height"), [(890, 481), (700, 330)])
def test_a_long_number_stays_inside_its_unit(qtbot, width: int, height: int) -> None:
    """Iris's h2 at −0.000169: written shorter, never wider than its circle."""
    from bpsim.model.data.presets import build_preset
    from bpsim.ui.network.style import NetworkStyle, metrics, qt_measure
    from bpsim.ui.network.units import value_text
    from bpsim.viewmodel.network.fit import fit_geometry

    net, data = build_preset("iris")
    scene = scene_from_network(net, data.X[0])
    geo = fit_geometry(scene, width, height, 1.0, qt_measure)
    st = NetworkStyle(scene.sizes, LIGHT, geo)
    for x in (-0.000169, 0.000123456, -1234.5678, 0.5):
        text, font = value_text(st, x)
        assert metrics(font).horizontalAdvance(text) <= 1.85 * geo.layout.radius + 0.5
        if text:  # else not even "−2e−4" fits: the tooltip has the number
            assert float(text.replace("−", "-")) == pytest.approx(x, rel=0.5)
    assert value_text(st, 0.5)[0] == "0.5"


def test_draft_quality_places_labels_at_a_readable_rate(view: NetworkView, monkeypatch) -> None:
    """While training (draft quality) new weights come every frame: the edges
    follow each one, the labels at most every DRAFT_LABELS_SECONDS."""
    import bpsim.ui.network.view as view_module

    clock = [100.0]
    monkeypatch.setattr(view_module.time, "monotonic", lambda: clock[0])
    placed = []
    net = Network([2, 3, 1], ["tanh", "sigmoid"], "mse", seed=0)
    x, y = np.array([[0.5, -0.2]]), np.array([[1.0]])
    view.set_draft(True)

    def show_next() -> None:
        net.step(x, y, 0.5)
        view.set_scene(scene_from_network(net, x[0]))
        view.grab()
        placed.append(view._labels)

    show_next()
    renders = view.base_render_count()
    show_next()
    clock[0] += view_module.DRAFT_LABELS_SECONDS / 2
    show_next()
    assert placed[1] is placed[0] and placed[2] is placed[0]  # kept
    assert view.base_render_count() == renders + 2  # the edges followed every step
    clock[0] += view_module.DRAFT_LABELS_SECONDS
    show_next()
    assert placed[3] is not placed[0]  # placed anew
    view.set_draft(False)
    view.grab()
    assert view._labels is not placed[3]
