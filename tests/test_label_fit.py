"""The network view's labels, placed without Qt: on every preset, a 2-4-3-1,
a 2-8-1 and a CSV network, at the network view's size in 1280x720, 1280x800
and 1920x1080 windows and at every type step, no two labels overlap, every
label lies inside the view and off the units, every unit's bias is there and
so are the current frame's numbers."""

from __future__ import annotations

import itertools
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from bpsim.model import FrameKind, Network, Trace
from bpsim.model.data.csvdata import load_csv
from bpsim.model.data.presets import PRESETS, build_preset
from bpsim.model.sessions.session import session_for_dataset
from bpsim.viewmodel.network.board import PlacedLabel
from bpsim.viewmodel.network.fit import TYPE_STEPS, estimate_measure, fit_geometry, font_px_for
from bpsim.viewmodel.network.highlight import highlight_of
from bpsim.viewmodel.network.labels import place_labels
from bpsim.viewmodel.network.scene import Scene, scene_from_network, scene_from_trace
from bpsim.viewmodel.network.scene_text import Numbers, number_variants
from bpsim.viewmodel.units import view_unit_names

STEPS = TYPE_STEPS  # the type steps the app's Ctrl++ and Ctrl+− go through
# the network view's size in the main window (1280x720, 1280x800, 1920x1080) at
# each type step, measured offscreen (the smallest over mazur, spiral and iris:
# the formula card grows with the type, up to 40 % of the window's height; from
# the 11th step on a 1280x720 window, the 12th on 1280x800, the last on
# 1920x1080 the window asks more than that size and grows), and a floor below
# them all
MEASURED = {
    (1280, 720): [
        *[(890, h) for h in (552, 545, 532, 523, 504, 486, 459, 431)],
        *[(853, 365), (803, 324), (736, 323), (668, 359), (734, 411), (844, 427), (960, 467)],
    ],
    (1280, 800): [
        *[(890, h) for h in (632, 625, 612, 603, 584, 566, 539, 511)],
        *[(853, 445), (803, 404), (736, 350), (668, 359), (734, 411), (844, 427), (960, 467)],
    ],
    (1920, 1080): [
        *[(1530, h) for h in (912, 905, 892, 883, 864, 846, 819, 791)],
        *[(1493, 754), (1443, 714), (1376, 659), (1308, 555), (1221, 487), (1131, 470)],
        (1022, 479),
    ],
}
FLOOR = (668, 323)


def view_sizes(step: int) -> list[tuple[int, int]]:
    """The view sizes to test at type step ``step`` (an index of STEPS)."""
    return [sizes[step] for sizes in MEASURED.values()] + [FLOOR]


VIEW_SIZES = sorted({size for step in range(len(STEPS)) for size in view_sizes(step)})
CSV = Path(__file__).resolve().parent.parent / "resources" / "samples" / "exam_results.csv"


def _trace(net: Network, X: np.ndarray, Y: np.ndarray, batch: int) -> Trace:
    if batch == 1:
        return net.copy().trace(X[0], Y[0], 0.5)
    return net.copy().trace_batch(X[:batch], Y[:batch], 0.5)


def _networks() -> dict[str, tuple[Network, Trace]]:
    out = {}
    for name, preset in PRESETS.items():
        net, data = build_preset(name)
        out[name] = (net, _trace(net, data.X, data.Y, min(preset.batch_size, 2)))
    rng = np.random.default_rng(0)
    for sizes in ((2, 4, 3, 1), (2, 8, 1)):
        net = Network(list(sizes), ["tanh"] * (len(sizes) - 2) + ["sigmoid"], "mse", seed=1)
        X, Y = rng.normal(size=(2, 2)), rng.uniform(size=(2, 1))
        out["-".join(map(str, sizes))] = (net, _trace(net, X, Y, 2))
    session = session_for_dataset(load_csv(CSV))
    net, data = session.net, session.dataset
    out["exam_results.csv"] = (net, _trace(net, data.X, data.Y, 2))
    return out


def _captions() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """The input and output units' names in the data's terms, as the app shows them."""
    out = {}
    for name in ("iris", "exam_results.csv"):
        data = load_csv(CSV) if name.endswith(".csv") else build_preset(name)[1]
        inputs, outputs = view_unit_names(data)
        out[name] = (tuple(inputs), tuple(outputs))
    return out


CAPTIONS = _captions()


NETWORKS = _networks()


def frames_of_every_kind(trace: Trace) -> list[int]:
    """One frame of each kind (the last weight update too: a long callout)."""
    first: dict[FrameKind, int] = {}
    for f in trace.frames:
        first.setdefault(f.kind, f.index)
    ups = [f.index for f in trace.frames if f.kind is FrameKind.WEIGHT_UPDATE]
    return sorted({*first.values(), *ups[-1:]})


def scenes_of(name: str) -> list[Scene]:
    """The idle scene and one of every kind of frame (named in the data's
    terms where the network has a data set with names)."""
    net, trace = NETWORKS[name]
    names = net.activation_names
    scenes = [scene_from_network(net, trace.X[0])]
    for k in frames_of_every_kind(trace):
        scene = scene_from_trace(trace, k, activation_names=names)
        scenes.append(scene)
        if trace.frames[k].kind in (FrameKind.INPUT, FrameKind.WEIGHT_GRADIENT):
            scenes.append(scene.with_mode("gradients"))
    if name in CAPTIONS:
        inputs, outputs = CAPTIONS[name]
        return [replace(s, input_captions=inputs, output_captions=outputs) for s in scenes]
    return scenes


def check(
    scene: Scene,
    labels: list[PlacedLabel],
    w: float,
    h: float,
    r: float,
    centers,
    numbers: Numbers | None = None,
) -> None:
    rects = np.array([lab.rect for lab in labels])
    texts = [lab.text for lab in labels]
    # inside the view
    inside = (rects[:, 0] >= 0) & (rects[:, 1] >= 0) & (rects[:, 2] <= w) & (rects[:, 3] <= h)
    assert inside.all(), [t for t, ok in zip(texts, inside, strict=True) if not ok]
    # no two overlap
    a, b = rects[:, None, :], rects[None, :, :]
    ow = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    oh = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    clash = (ow > 0) & (oh > 0)
    np.fill_diagonal(clash, False)
    pairs = [(texts[i], texts[j]) for i, j in zip(*np.nonzero(clash), strict=True) if i < j]
    assert not pairs, pairs
    # off the units
    nx = np.clip(centers[None, :, 0], rects[:, 0:1], rects[:, 2:3])
    ny = np.clip(centers[None, :, 1], rects[:, 1:2], rects[:, 3:4])
    covered = np.hypot(nx - centers[None, :, 0], ny - centers[None, :, 1]) < r
    assert not covered.any(), [t for t, c in zip(texts, covered.any(1), strict=True) if c]
    # every unit's name, and bias
    units = {(layer, j) for layer, n in enumerate(scene.sizes) for j in range(n)}
    named = {lab.owner for lab in labels if lab.role == "name"}
    assert named == units, units - named
    biases = {lab.owner for lab in labels if lab.role in ("bias", "bias_callout")}
    every = {(layer, j) for layer in range(1, len(scene.sizes)) for j in range(scene.sizes[layer])}
    assert biases == every, every - biases
    # the current frame's numbers
    hl, f = highlight_of(scene, numbers or Numbers()), scene.frame
    if hl is None or f is None:
        return
    if hl.edge_label:
        assert hl.edge_label in texts
    if hl.bias_label:
        assert hl.bias_label in texts
    current = [lab for lab in labels if lab.current]
    if f.kind is FrameKind.DELTA and not scene.whole_batch:
        assert any(lab.role == "delta" and lab.owner == (f.layer, f.unit) for lab in current)
    if f.kind in (FrameKind.OUTPUT_DELTA, FrameKind.LOSS_TERM) and not scene.whole_batch:
        assert any(lab.role == "output" and lab.owner == (f.layer, f.unit) for lab in current)


# The digits' 64 inputs and 16 hidden units do not fit a name and a bias slot
# for every unit at these sizes (ViewGeometry.fits is False): such layers name
# every few units instead (test_dense_layers_name_every_few_units).
LARGE = {"digits"}


@pytest.mark.parametrize("name", [n for n in NETWORKS if n not in LARGE])
def test_labels_fit_at_every_size_and_type_step(name: str) -> None:
    scenes = scenes_of(name)
    n = 0
    for s, scale in enumerate(STEPS):
        for w, h in view_sizes(s):
            geo = fit_geometry(scenes[0], w, h, scale, estimate_measure)
            assert geo.fits, (w, h, scale)
            lay = geo.layout
            centers = np.array([(x, y) for x, ys in zip(lay.xs, lay.ys, strict=True) for y in ys])
            # a different sample of the frames at each step; every frame at some step
            for scene in scenes[s % 4 :: 4]:
                labels = place_labels(scene, highlight_of(scene), geo, estimate_measure)
                check(scene, labels, w, h, lay.radius, centers)
                n += 1
    assert n >= len(scenes) * 4 * len(STEPS) // 4


def test_the_type_grows_until_the_network_fills_the_view() -> None:
    """Larger steps give larger type until the densest layer leaves no more room."""
    scene = scenes_of("mazur")[0]
    sizes = [fit_geometry(scene, 890, 481, s, estimate_measure).font_px for s in STEPS]
    assert all(b >= 0.97 * a for a, b in pairwise(sizes))  # never noticeably smaller
    assert sizes[-1] > 1.6 * sizes[STEPS.index(1.0)]
    assert sizes[-1] < font_px_for(890, 481, STEPS[-1])  # held back: the network would not fit
    spiral = scenes_of("spiral")[0]
    geo = fit_geometry(spiral, 890, 401, STEPS[-1], estimate_measure)
    assert geo.layout.radius >= 0.45 * geo.font_px  # units do not shrink to dots
    assert all(geo.show_name) and geo.named  # and keep their names (beside them)


def test_units_keep_their_distance_at_the_largest_type() -> None:
    scene = scenes_of("mazur")[0]
    geo = fit_geometry(scene, 890, 481, STEPS[-1], estimate_measure)
    lay = geo.layout
    gap = min(float(np.min(np.diff(ys))) for ys in lay.ys) - 2 * lay.radius
    assert gap >= 1.32 * geo.name_px + geo.small_h  # a name and a bias fit between two units
    assert lay.height - geo.margins[1] - geo.margins[3] >= 0.45 * lay.height  # not squeezed


@pytest.mark.parametrize("name", ["mazur", "spiral", "iris", "2-4-3-1", "exam_results.csv"])
@pytest.mark.parametrize("numbers", [Numbers(10), Numbers(9, decimals=True), Numbers(3)])
def test_labels_fit_at_every_digits_setting(name: str, numbers: Numbers) -> None:
    """Ten significant figures (or nine decimals, as the worked example is
    published) still place every label without overlaps: the current frame's
    numbers in full (check), the biases as long as their slots allow."""
    scenes = scenes_of(name)
    for s, scale in enumerate(STEPS):
        for w, h in view_sizes(s)[s % 2 :: 2]:
            geo = fit_geometry(scenes[0], w, h, scale, estimate_measure, number=numbers)
            assert geo.fits and geo.number == numbers, (w, h, scale)
            lay = geo.layout
            centers = np.array([(x, y) for x, ys in zip(lay.xs, lay.ys, strict=True) for y in ys])
            for scene in scenes[s % 3 :: 3]:
                hl = highlight_of(scene, numbers)
                labels = place_labels(scene, hl, geo, estimate_measure)
                check(scene, labels, w, h, lay.radius, centers, numbers)
                for lab in labels:  # a bias in its slot: as many digits as fit it
                    if lab.role == "bias":
                        layer, j = lab.owner
                        b = float(scene.biases[layer - 1][j])
                        assert lab.text in [f"b = {t}" for t in number_variants(b, numbers)]


def test_dense_layers_keep_their_names_beside_their_units() -> None:
    """2-10-10-1 in the shortest view at the largest type: no room above the
    units, so each name goes beside its unit, in a box, and none is dropped."""
    scene = scenes_of("spiral")[0]
    geo = fit_geometry(scene, 890, 401, STEPS[-1], estimate_measure)
    assert geo.name_side[1:3] == ("right", "right")
    labels = place_labels(scene, None, geo, estimate_measure)
    names = {lab.owner: lab for lab in labels if lab.role == "name"}
    assert len(names) == sum(scene.sizes)
    for layer in (1, 2):
        for j in range(scene.sizes[layer]):
            lab, (x, y) = names[(layer, j)], geo.layout.center(layer, j)
            assert lab.boxed and lab.rect[0] > x and lab.rect[1] < y < lab.rect[3]


def test_the_data_names_its_units() -> None:
    """exam_results: the input units are captioned with their columns left of
    them, the output unit with what it scores, at every type step."""
    inputs, outputs = CAPTIONS["exam_results.csv"]
    assert inputs == ("hours_studied", "hours_slept") and outputs == ("p(pass)",)
    scene = scenes_of("exam_results.csv")[0]
    for s, scale in enumerate(STEPS):
        for w, h in view_sizes(s):
            geo = fit_geometry(scene, w, h, scale, estimate_measure)
            labels = place_labels(scene, None, geo, estimate_measure)
            shown = {lab.text: lab for lab in labels}
            for j, text in enumerate(inputs):
                lab = shown.get(text) or next(
                    lab for lab in labels if lab.role == "unit_caption" and lab.owner == (0, j)
                )
                assert lab.rect[2] < geo.layout.xs[0] - geo.layout.radius
            assert "p(pass)" in shown and shown["p(pass)"].rect[0] > geo.layout.xs[-1]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("scale", [STEPS[0], 1.0, STEPS[-1]])
def test_dense_layers_name_every_few_units(scale: float) -> None:
    """64 inputs, 16 hidden units, 10 classes in a view too short to name
    each: the names that are shown (the first and the last of each layer
    always) and the outputs' captions keep clear of each other."""
    scenes = scenes_of("digits")
    for w, h in view_sizes(STEPS.index(scale)):
        geo = fit_geometry(scenes[0], w, h, scale, estimate_measure)
        for scene in scenes[:: max(1, len(scenes) // 5)]:
            labels = place_labels(scene, highlight_of(scene), geo, estimate_measure)
            names = [lab for lab in labels if lab.role == "name"]
            for layer, n in enumerate(scene.sizes):
                if not geo.name_side[layer]:
                    continue
                named = sorted(lab.owner[1] for lab in names if lab.owner[0] == layer)
                assert named[0] == 0 and named[-1] == n - 1, (layer, named)
            outputs = [lab for lab in labels if lab.role == "output"]
            for group in (names, outputs):
                for a, b in itertools.combinations(group, 2):
                    if a.owner != b.owner:
                        assert not _overlap(a.rect, b.rect), (a.text, b.text, w, h)
