"""The data panel's numbers: grid, decision surface, contour, curve. No Qt."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model.data.datasets import make_dataset
from bpsim.model.data.presets import build_preset
from bpsim.model.engine.network import Network
from bpsim.viewmodel.boundary import (
    axis_labels,
    boundary_segments,
    contour_segments,
    curve_for,
    data_bounds,
    decision_surface,
    forward_in_chunks,
    grid_for,
    grid_over,
    normalized,
    pixel_rect,
    plot_kind,
    sample_coordinates,
    scatter_note,
    shade,
)


def logistic_x() -> Network:
    """A 2-1 sigmoid unit with w = (1, 0), b = 0: p = σ(x)."""
    net = Network([2, 1], "sigmoid", "bce")
    net.weights[0] = np.array([[1.0], [0.0]])
    net.biases[0] = np.array([0.0])
    return net


def three_classes() -> Network:
    """A 2-3 softmax layer with logits (x, -x, y)."""
    net = Network([2, 3], "softmax", "cross_entropy")
    net.weights[0] = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])
    net.biases[0] = np.zeros(3)
    return net


# -- the grid ----------------------------------------------------------------------


def test_grid_covers_the_data_with_a_margin() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2)) * [3.0, 0.5] + [10.0, -2.0]
    xs, ys, points = grid_for(X, resolution=40, margin=0.1)
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = hi - lo
    np.testing.assert_allclose([xs[0], ys[0]], lo - 0.1 * span)
    np.testing.assert_allclose([xs[-1], ys[-1]], hi + 0.1 * span)
    assert xs.shape == ys.shape == (40,)
    assert points.shape == (1600, 2)
    grid = points.reshape(40, 40, 2)  # rows of constant y, x varying fastest
    np.testing.assert_array_equal(grid[0, :, 0], xs)
    np.testing.assert_array_equal(grid[:, 0, 1], ys)
    assert np.all(np.diff(xs) > 0) and np.all(np.diff(ys) > 0)


def test_grid_of_one_point_still_has_an_area() -> None:
    xs, ys, points = grid_for([[0.05, 0.10]], resolution=5)
    np.testing.assert_allclose([xs[0], xs[-1], ys[0], ys[-1]], [-0.45, 0.55, -0.4, 0.6])
    assert points.shape == (25, 2)


@pytest.mark.parametrize(
    "bad",
    [np.zeros((4, 3)), np.zeros((0, 2)), np.zeros(4)],
)
def test_grid_needs_two_columns(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        grid_for(bad)


def test_grid_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        grid_over((0, 1), (0, 1), 1)
    with pytest.raises(ValueError):
        data_bounds([[0.0, 1.0]], margin=-0.1)


# -- the surface ---------------------------------------------------------------------


def test_a_single_unit_is_one_half_on_its_line_and_above_to_the_right() -> None:
    xs, _, points = grid_over((-2.0, 2.0), (-1.0, 1.0), 9)
    assert xs[4] == 0.0
    surface = decision_surface(logistic_x(), points, (9, 9))
    assert surface.shape == (9, 9)
    assert not surface.multiclass and surface.n_outputs == 1
    assert surface.extent == (-2.0, 2.0, -1.0, 1.0)
    values = surface.values
    assert values is not None and values.shape == (9, 9)
    assert np.all(values[:, 4] == 0.5)  # exactly, on x = 0
    assert np.all(values[:, 5:] > 0.5) and np.all(values[:, :4] < 0.5)
    np.testing.assert_array_equal(values, np.broadcast_to(values[0], (9, 9)))  # flat along y
    np.testing.assert_allclose(values[0], 1.0 / (1.0 + np.exp(-xs)))
    # the p = 0.5 line is x = 0, from bottom to top
    segments = boundary_segments(surface)
    assert len(segments) > 0 and len(segments) % 2 == 0
    np.testing.assert_array_equal(segments[:, 0], 0.0)
    assert segments[:, 1].min() == -1.0 and segments[:, 1].max() == 1.0


def test_rows_of_the_surface_run_along_y() -> None:
    net = logistic_x()
    net.weights[0] = np.array([[0.0], [1.0]])  # p = σ(y) now
    _, ys, points = grid_over((0.0, 1.0), (-3.0, 3.0), 7)
    surface = decision_surface(net, points, (7, 7))
    assert surface.values is not None
    np.testing.assert_allclose(surface.values[:, 3], 1.0 / (1.0 + np.exp(-ys)))


def test_softmax_gives_class_indices_and_their_probability() -> None:
    net = three_classes()
    _, _, points = grid_for(np.random.default_rng(0).normal(size=(30, 2)), resolution=21)
    surface = decision_surface(net, points, (21, 21))
    assert surface.multiclass and surface.values is None
    assert surface.classes is not None and surface.confidence is not None
    logits = np.column_stack([points[:, 0], -points[:, 0], points[:, 1]])
    np.testing.assert_array_equal(surface.classes.ravel(), np.argmax(logits, axis=1))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(surface.confidence.ravel(), probs.max(axis=1))
    assert surface.confidence.min() >= 1.0 / 3.0
    assert surface.outputs.shape == (21, 21, 3)
    assert set(np.unique(surface.classes)) == {0, 1, 2}


def test_class_boundaries_lie_where_the_top_two_outputs_tie() -> None:
    net = three_classes()
    _, _, points = grid_over((-2.0, 2.0), (-2.0, 2.0), 61)
    surface = decision_surface(net, points, (61, 61))
    segments = boundary_segments(surface)
    assert len(segments) > 10
    out = np.sort(net.forward(segments), axis=1)
    assert np.abs(out[:, -1] - out[:, -2]).max() < 0.02  # grid spacing is 0.067


def test_surface_checks_its_points() -> None:
    with pytest.raises(ValueError):
        decision_surface(logistic_x(), np.zeros((10, 2)), (3, 3))


def test_a_diverged_network_gives_a_finite_surface() -> None:
    net = logistic_x()
    net.params[:] = np.nan
    _, _, points = grid_over((-1.0, 1.0), (-1.0, 1.0), 4)
    surface = decision_surface(net, points, (4, 4))
    assert surface.values is not None and np.isfinite(surface.values).all()


def test_forward_in_chunks_agrees_with_one_pass() -> None:
    net = Network([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], "bce", seed=1)
    _, _, points = grid_for(np.random.default_rng(1).normal(size=(20, 2)))
    assert len(points) == 6_400
    np.testing.assert_allclose(forward_in_chunks(net, points), net.forward(points), rtol=1e-13)


# -- contours ------------------------------------------------------------------------


def test_contour_of_a_cone_is_a_circle() -> None:
    _, _, points = grid_over((-1.0, 1.0), (-1.0, 1.0), 41)
    radius = np.hypot(points[:, 0], points[:, 1]).reshape(41, 41)
    segments = contour_segments(radius, 0.5, (-1.0, 1.0, -1.0, 1.0))
    r = np.hypot(segments[:, 0], segments[:, 1])
    assert len(segments) > 40
    np.testing.assert_allclose(r, 0.5, atol=0.005)
    angles = np.arctan2(segments[:, 1], segments[:, 0])
    assert np.histogram(angles, bins=8, range=(-np.pi, np.pi))[0].min() > 0  # all the way round


def test_contour_on_a_flat_field_is_empty() -> None:
    assert contour_segments(np.zeros((5, 5)), 0.5, (0, 1, 0, 1)).shape == (0, 2)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        # a and c (bottom-left, top-right) above, centre 0 below: cut both off
        ([[1.0, -1.0], [-1.0, 1.0]], {((0.5, 0.0), (0.0, 0.5)), ((1.0, 0.5), (0.5, 1.0))}),
        # centre above: the line cuts off b and d instead
        ([[2.0, -1.0], [-1.0, 1.0]], {((2 / 3, 0.0), (1.0, 0.5)), ((0.5, 1.0), (0.0, 2 / 3))}),
    ],
)
def test_saddle_cells_are_resolved_by_their_centre(
    field: list[list[float]], expected: set[tuple[tuple[float, float], ...]]
) -> None:
    segments = contour_segments(np.array(field), 0.0, (0.0, 1.0, 0.0, 1.0))
    got = {
        tuple(tuple(round(float(v), 9) for v in p) for p in pair)
        for pair in segments.reshape(-1, 2, 2)
    }
    want = {tuple(tuple(round(v, 9) for v in p) for p in pair) for pair in expected}
    assert got == want


# -- curves and kinds ------------------------------------------------------------------


def test_curve_follows_the_network_over_the_data_range() -> None:
    net, data = build_preset("sine")
    xs, ys = curve_for(net, data.X, n=50)
    span = np.ptp(data.X)
    assert xs.shape == ys.shape == (50,)
    np.testing.assert_allclose([xs[0], xs[-1]], [-np.pi - 0.1 * span, np.pi + 0.1 * span])
    np.testing.assert_allclose(ys, net.forward(xs[:, None])[:, 0])
    with pytest.raises(ValueError):
        curve_for(net, np.zeros((4, 2)))
    with pytest.raises(ValueError):
        curve_for(net, data.X, n=1)


@pytest.mark.parametrize(
    ("preset", "kind"),
    [
        ("xor", "binary"),
        ("circle", "binary"),
        ("spiral", "binary"),
        ("iris", "scatter"),
        ("sine", "curve"),
        ("mazur", "scatter"),
    ],
)
def test_plot_kind_of_the_presets(preset: str, kind: str) -> None:
    _, data = build_preset(preset)
    assert plot_kind(data) == kind
    assert bool(scatter_note(data)) == (kind == "scatter")


def test_the_notes_say_why_there_is_no_surface() -> None:
    note = scatter_note(make_dataset("iris"))
    assert "2-D inputs only" in note and "sepal" in note
    assert "2 outputs" in scatter_note(make_dataset("worked_example"))
    assert plot_kind(make_dataset("iris").one_hot()) == "scatter"
    assert plot_kind(make_dataset("xor").one_hot()) == "multiclass"


def test_shade_blends_from_the_background_towards_the_class_colours() -> None:
    _, _, points = grid_over((-20.0, 20.0), (-1.0, 1.0), 5)
    surface = decision_surface(logistic_x(), points, (5, 5))
    white, blue, orange = (255, 255, 255), (0, 0, 255), (255, 128, 0)
    rgba = shade(surface, white, [blue, orange], strength=0.5)
    assert rgba.shape == (5, 5, 4) and rgba.dtype == np.uint8
    assert np.all(rgba[:, :, 3] == 255)
    np.testing.assert_array_equal(rgba[:, 2, :3], 255)  # p = 0.5: the background
    np.testing.assert_array_equal(rgba[0, 0, :3], (128, 128, 255))  # p ≈ 0: half way to blue
    np.testing.assert_array_equal(rgba[0, 4, :3], (255, 192, 128))  # p ≈ 1: half way to orange
    # a regression output: the middle of its range is the background
    values = shade(surface, white, [blue, orange], 1.0, value_range=(0.0, 0.5))
    np.testing.assert_array_equal(values[0, 4, :3], orange)
    # several classes: the predicted class's colour, paler where unsure
    net = three_classes()
    _, _, points = grid_over((-3.0, 3.0), (-3.0, 3.0), 7)
    multi = decision_surface(net, points, (7, 7))
    rgba = shade(multi, white, [blue, orange, (0, 160, 0)], strength=1.0)
    assert multi.classes is not None and multi.confidence is not None
    assert tuple(rgba[3, 6, :3]) != (255, 255, 255) and multi.classes[3, 6] == 0
    sure, unsure = np.argmax(multi.confidence), np.argmin(multi.confidence)
    flat = rgba.reshape(-1, 4)[:, :3].astype(int)
    assert np.abs(flat[sure] - 255).sum() > np.abs(flat[unsure] - 255).sum()


def test_pixels_are_centred_on_the_grid_points() -> None:
    _, _, points = grid_over((0.0, 4.0), (10.0, 12.0), 5)
    surface = decision_surface(logistic_x(), points, (5, 5))
    assert pixel_rect(surface) == (-0.5, 9.75, 5.0, 2.5)


def test_sample_coordinates_and_axis_titles() -> None:
    iris, sine, xor = make_dataset("iris"), make_dataset("sine"), make_dataset("xor")
    x, y = sample_coordinates(iris)
    np.testing.assert_array_equal(np.column_stack([x, y]), iris.X[:, :2])
    assert axis_labels(iris) == ("sepal_length (cm)", "sepal_width (cm)")
    x, y = sample_coordinates(sine)
    np.testing.assert_array_equal(y, sine.Y[:, 0])
    assert axis_labels(sine) == ("x", "y")
    assert axis_labels(xor) == ("x1", "x2")
    np.testing.assert_array_equal(normalized([0.0, 1.0, 2.0, 5.0], 0.0, 2.0), [-1, 0, 1, 1])
    np.testing.assert_array_equal(normalized([3.0], 1.0, 1.0), [0.0])
