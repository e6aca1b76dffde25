"""The data panel: the samples it plots and the surface it shows, read back."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor

from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.network import Network
from bpsim.model.sessions.session import Session, new_session, session_for_dataset
from bpsim.ui.colors import DARK, LIGHT
from bpsim.ui.panels.data_view import DataView
from bpsim.viewmodel.boundary import scatter_note
from tests.imaging import dark_palette, has_color

SHOTS = Path("/tmp/dataview")


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    widget = DataView()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    return widget


def shown(view: DataView, session: Session, qtbot) -> None:  # type: ignore[no-untyped-def]
    view.set_data(session.dataset, session.test)
    view.show()
    qtbot.waitExposed(view)
    view.update_network(session.net)


@pytest.mark.parametrize("preset", ["xor", "circle", "spiral", "moons", "iris", "sine", "mazur"])
def test_every_sample_is_plotted_and_training_changes_the_picture(
    view: DataView, preset: str, qtbot
) -> None:  # type: ignore[no-untyped-def]
    session = new_session(preset)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        shown(view, session, qtbot)
        train, test = session.dataset, session.test
        x, y = view.item_data("train")
        assert len(x) == len(y) == train.n_samples
        np.testing.assert_array_equal(x, train.X[:, 0])
        tx, _ = view.item_data("test")
        assert len(tx) == (0 if test is None else test.n_samples)
        before = view.image_data()
        curve_before = view.item_data("curve")[1].copy()
        session.trainer.train(500)
        view.update_network(session.net)
        view.grab()
    assert [str(w.message) for w in caught] == []
    after = view.image_data()
    if view.kind in ("binary", "multiclass", "value"):
        assert before is not None and after is not None
        assert after.shape == (80, 80, 4) and after.dtype == np.uint8
        assert not np.array_equal(before, after)
        assert len(view.item_data("boundary")[0]) > 0
    else:
        assert before is None and after is None and view.surface is None
    if view.kind == "curve":
        curve = view.item_data("curve")[1]
        assert len(curve) == 200 and not np.array_equal(curve, curve_before)
        np.testing.assert_array_equal(y, train.Y[:, 0])  # (x, y) for regression
    if view.kind == "scatter":
        assert scatter_note(train) in view.header_text()  # says why there is no surface


def test_iris_shows_two_features_and_says_why(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("iris")
    shown(view, session, qtbot)
    assert view.kind == "scatter"
    x, y = view.item_data("train")
    np.testing.assert_array_equal(np.column_stack([x, y]), session.dataset.X[:, :2])
    text = view.header_text()
    assert "decision boundary shown for 2-D inputs only" in text
    for name in ("setosa", "versicolor", "virginica"):
        assert name in text
    assert view.plot_item.getAxis("bottom").labelText == "sepal_length (cm)"
    assert view.plot_item.getAxis("left").labelText == "sepal_width (cm)"


def test_the_boundary_is_where_the_network_says_one_half(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("circle")
    session.trainer.train(2_000)
    shown(view, session, qtbot)
    bx, by = view.item_data("boundary")
    assert len(bx) > 20 and len(bx) % 2 == 0
    p = session.net.forward(np.column_stack([bx, by]))[:, 0]
    assert np.abs(p - 0.5).max() < 0.06
    # the disc inside is orange, the ring outside blue (light palette)
    image = view.image_data()
    surface = view.surface
    assert image is not None and surface is not None and surface.values is not None
    inside = np.unravel_index(np.argmax(surface.values), surface.shape)
    outside = np.unravel_index(np.argmin(surface.values), surface.shape)
    r, _, b = image[inside][:3].astype(int)
    assert r > b + 40
    r, _, b = image[outside][:3].astype(int)
    assert b > r + 40


def test_the_surface_fills_the_visible_plot(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("xor")
    shown(view, session, qtbot)
    for size in ((500, 400), (700, 300)):
        view.resize(*size)
        qtbot.wait(10)
        view.grab()
        surface = view.surface
        assert surface is not None
        (x0, x1), (y0, y1) = view.plot_item.vb.viewRange()
        dx, dy = (x1 - x0) / 80, (y1 - y0) / 80
        np.testing.assert_allclose(
            surface.extent, (x0 + dx / 2, x1 - dx / 2, y0 + dy / 2, y1 - dy / 2), rtol=1e-9
        )
        X = session.dataset.X
        assert x0 < X[:, 0].min() and X[:, 0].max() < x1
        assert y0 < X[:, 1].min() and X[:, 1].max() < y1


def test_several_classes_get_a_class_map(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2)
    labels = np.repeat(np.arange(3), 30)
    X = np.array([[0.0, 0.0], [3.0, 0.0], [1.5, 2.5]])[labels] + rng.normal(0, 0.5, (90, 2))
    data = Dataset("blobs", X, np.eye(3)[labels], "classification", (), ("a", "b", "c"))
    session = session_for_dataset(data)
    session.trainer.train(1_000)
    shown(view, session, qtbot)
    assert view.kind == "multiclass"
    surface = view.surface
    assert surface is not None and surface.classes is not None
    assert set(np.unique(surface.classes)) == {0, 1, 2}
    assert len(view.item_data("boundary")[0]) > 0


def test_highlight_rings_the_traced_sample(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("sine")
    shown(view, session, qtbot)
    view.set_highlight(7)
    assert view.highlight() == 7
    x, y = view.item_data("ring")
    assert (x[0], y[0]) == (session.dataset.X[7, 0], session.dataset.Y[7, 0])
    view.set_highlight(None)
    assert len(view.item_data("ring")[0]) == 0
    with pytest.raises(ValueError):
        view.set_highlight(session.dataset.n_samples)


def test_font_size_and_clear(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("circle")
    shown(view, session, qtbot)
    view.set_font_size(20)
    assert view.font_size() == 20
    assert "20pt" in view.plot_item.getAxis("left").labelStyle["font-size"]
    with pytest.raises(ValueError):
        view.set_font_size(0)
    view.clear()
    assert view.kind is None and view.surface is None and view.image_data() is None
    assert len(view.item_data("train")[0]) == 0 and len(view.item_data("boundary")[0]) == 0
    view.update_network(session.net)  # nothing to draw: no error
    assert view.image_data() is None


def test_a_network_that_does_not_fit_the_data_is_refused(view: DataView) -> None:
    view.set_data(new_session("circle").dataset)
    with pytest.raises(ValueError, match="does not fit"):
        view.update_network(Network([4, 3], "softmax", "cross_entropy"))


@pytest.mark.parametrize("dark", [False, True])
def test_screenshot(view: DataView, dark: bool, qtbot) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    if dark:
        view.setPalette(dark_palette())
    session = new_session("moons")
    session.trainer.train(2_000)
    shown(view, session, qtbot)
    image = view.grab().toImage()
    image.save(str(SHOTS / f"test_moons_{'dark' if dark else 'light'}.png"))
    assert (image.width(), image.height()) == (500, 400)
    pal = DARK if dark else LIGHT
    assert has_color(image, pal.negative.name()) and has_color(image, pal.positive.name())
    corner = view.image_data()
    assert corner is not None
    assert (QColor(*corner[0, 0, :3].tolist()).lightness() < 128) == dark


def test_switching_the_palette_recolours_the_surface(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("circle")
    shown(view, session, qtbot)
    light = view.image_data()
    assert light is not None
    light = light.copy()
    view.setPalette(dark_palette())
    dark = view.image_data()
    assert dark is not None and not np.array_equal(light, dark)


# -- user units ---------------------------------------------------------------------

EXAM = Path(__file__).resolve().parent.parent / "resources" / "samples" / "exam_results.csv"


def raw_ticks(view: DataView, side: str) -> tuple[list[float], list[float]]:
    """The major ticks shown on an axis: their places in the plot and the raw values they name."""
    (level, *_) = view.axis(side).shown_ticks()
    places = [p for p, _ in level]
    values = [float(label.replace("\u2212", "-")) for _, label in level]
    return places, values


def test_exam_axes_are_in_hours_while_the_plot_is_what_the_network_sees(
    view: DataView, qtbot
) -> None:  # type: ignore[no-untyped-def]
    from bpsim.model.data.csvdata import load_csv

    session = session_for_dataset(load_csv(EXAM))
    view.resize(640, 480)
    shown(view, session, qtbot)
    view.grab()
    data = session.dataset
    assert data.input_scaling is not None
    raw = np.vstack([data.raw_inputs, session.test.raw_inputs])  # type: ignore[union-attr]
    assert view.plot_item.getAxis("bottom").labelText == "hours_studied"
    assert view.plot_item.getAxis("left").labelText == "hours_slept"
    np.testing.assert_array_equal(view.item_data("train")[0], data.X[:, 0])  # plotted as seen
    (x0, x1), (y0, y1) = view.plot_item.vb.viewRange()
    for j, (side, lo, hi) in enumerate((("bottom", x0, x1), ("left", y0, y1))):
        places, values = raw_ticks(view, side)
        mean, scale = data.input_scaling.mean[j], data.input_scaling.scale[j]
        assert len(values) >= 3
        # each tick names the raw value at its place, a round number of hours
        np.testing.assert_allclose(places, (np.array(values) - mean) / scale, atol=1e-12)
        assert all(v == round(v, 1) for v in values)
        assert all(lo <= p <= hi for p in places)
        # the axis's raw range covers the file's values; the plot's range is standardized
        raw_lo, raw_hi = mean + lo * scale, mean + hi * scale
        assert raw_lo < raw[:, j].min() and raw[:, j].max() < raw_hi
        assert hi < 5.0 and max(values) >= 8.0  # standardized places, hours named
    assert raw_ticks(view, "left")[1][:3] == [4.0, 6.0, 8.0]
    note = "the network sees standardized values: (hours_studied \u2212 "
    assert note in view.header_text()


def test_iris_axes_are_in_centimetres(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("iris")
    view.resize(640, 480)
    shown(view, session, qtbot)
    view.grab()
    data = session.dataset
    assert data.input_scaling is not None
    _, lengths = raw_ticks(view, "bottom")
    _, widths = raw_ticks(view, "left")
    assert lengths == [4.0, 5.0, 6.0, 7.0, 8.0]  # sepal length runs 4.3 to 7.9 cm
    assert widths == [2.0, 3.0, 4.0]  # sepal width 2.0 to 4.4 cm
    (x0, x1), _ = view.plot_item.vb.viewRange()
    assert x0 < -1.5 and x1 < 4.0  # the plot itself is in standardized units
    assert "standardized" in view.header_text() and "and 2 more" in view.header_text()


def test_hovering_a_sample_names_its_raw_values_and_class(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    from bpsim.model.data.csvdata import load_csv

    raw = load_csv(EXAM)
    session = session_for_dataset(raw)
    shown(view, session, qtbot)
    data = session.dataset
    i = 3
    text = view.sample_tip("train", i)
    original = np.flatnonzero(np.all(np.isclose(raw.X, data.raw_inputs[i]), axis=1))[0]
    lines = text.splitlines()
    assert lines[0] == f"training sample {i + 1}"
    assert lines[1] == f"hours_studied = {raw.X[original, 0]:g}"
    assert lines[2] == f"hours_slept = {raw.X[original, 1]:g}"
    assert lines[3] == f"result: {raw.class_names[raw.labels()[original]]}"  # type: ignore[index]
    assert "standardized" in lines[4]
    assert view.sample_tip("test", 0).startswith("test sample 1\nhours_studied = ")


def test_data_without_scaling_keep_plain_axes(view: DataView, qtbot) -> None:  # type: ignore[no-untyped-def]
    session = new_session("xor")
    shown(view, session, qtbot)
    view.grab()
    places, values = raw_ticks(view, "bottom")
    assert places == values
    assert "standardized" not in view.header_text()
    assert view.axis("bottom").axis_map.is_identity


def test_large_type_in_a_small_panel_keeps_the_plot_and_elides_the_note(
    view: DataView,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    session = new_session("spiral")
    view.resize(380, 420)
    shown(view, session, qtbot)
    view.set_font_size(36)  # the largest type
    qtbot.wait(1)  # the layout follows the fitted type
    assert view.font_size() == 36 and view.shown_font_size() < 36  # fitted to the panel
    vb = view.plot_item.vb
    assert vb.width() >= 80 and vb.height() >= 80
    assert vb.height() >= 0.3 * view.height()  # the plot, not its legend, fills the panel
    note = view._header.note
    full = "the network sees standardized values: (x1 \u2212 "
    assert note.full_text().startswith(full) and note.toolTip() == note.full_text()
    assert note.is_elided() and note.text().endswith("\u2026")
    line = note.fontMetrics().height()
    assert note.height() <= note.max_lines * line + 2  # at most two lines
    assert full in view.header_text()  # the whole note, as a test reads it
    view.resize(1600, 900)
    qtbot.wait(1)
    assert view.shown_font_size() == 36  # room enough: the type asked for
