"""Unit maps: each hidden unit's output over the input plane, for 2-D data
(checked on data: the arrays, when they change, when they are not computed)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from bpsim.model.engine.network import Network
from bpsim.model.sessions.session import new_session
from bpsim.ui.inside import unit_focus, unit_maps_dock
from bpsim.ui.window.main_window import MainWindow
from bpsim.viewmodel import unit_maps as um


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QCoreApplication.setOrganizationName("bpsim-tests")
    QCoreApplication.setApplicationName("bpsim-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


def _independent_hidden(net: Network, points: np.ndarray) -> list[np.ndarray]:
    """The hidden layers' outputs, one point at a time, written out."""
    out: list[np.ndarray] = []
    for x in points:
        a = x
        layers = []
        for w, b, name in zip(
            net.weights[:-1], net.biases[:-1], net.activation_names, strict=False
        ):
            z = np.array([sum(a[i] * w[i, j] for i in range(len(a))) + b[j] for j in range(len(b))])
            a = {"tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
                 "relu": lambda v: np.maximum(v, 0.0)}[name](z)  # fmt: skip
            layers.append(a)
        out.append(layers)
    return [np.array([p[k] for p in out]) for k in range(len(net.sizes) - 2)]


@pytest.mark.parametrize("acts", [("tanh", "tanh", "sigmoid"), ("relu", "sigmoid", "sigmoid")])
def test_the_maps_are_the_hidden_activations_on_the_grid(acts) -> None:
    net = Network((2, 5, 3, 1), list(acts), seed=4)
    points, shape = um.grid_for_data(new_session("xor").dataset, resolution=7)
    maps = um.unit_maps(net, points, shape)
    expected = _independent_hidden(net, points)
    assert [m.shape for m in maps.layers] == [(5, 7, 7), (3, 7, 7)]
    for k, layer in enumerate(maps.layers):
        for u in range(layer.shape[0]):
            np.testing.assert_allclose(layer[u].ravel(), expected[k][:, u], rtol=1e-12, atol=1e-14)
    assert maps.names == (
        ("h1,1", "h1,2", "h1,3", "h1,4", "h1,5"),
        ("h2,1", "h2,2", "h2,3"),
    )
    first = maps.ranges[0]
    if acts[0] == "tanh":
        assert first == (-1.0, 1.0)
    else:  # relu: centred on 0, up to the layer's largest output
        assert first == (-maps.layers[0].max(), maps.layers[0].max())
    assert maps.ranges[1] == um.FIXED_RANGES[acts[1]]
    assert maps.activations == acts[:2]
    assert np.all(np.abs(um.scaled(maps, 0)) <= 1.0)
    # row 0 is the lowest y, x varies fastest
    assert maps.extent[0] == points[0, 0] and maps.extent[3] == points[-1, 1]


def test_a_single_hidden_layer_names_its_units_as_the_network_view() -> None:
    net = Network((2, 3, 1), "tanh", seed=1)
    points, shape = um.grid_for_data(new_session("xor").dataset, resolution=4)
    assert um.unit_maps(net, points, shape).names == (("h1", "h2", "h3"),)


def test_no_maps_without_two_inputs_or_a_hidden_layer() -> None:
    iris = new_session("iris").dataset
    assert not um.has_maps(iris)
    assert "two inputs" in um.no_maps_note(iris, (4, 8, 3))
    xor = new_session("xor").dataset
    assert um.no_maps_note(xor, (2, 4, 1)) == ""
    assert "no hidden layer" in um.no_maps_note(xor, (2, 1))


def _window(qtbot, preset: str) -> MainWindow:
    window = MainWindow(new_session(preset))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.unit_maps.dock.show()
    qtbot.waitExposed(window)
    return window


def test_the_dock_shows_the_shown_networks_maps(qtbot) -> None:
    window = _window(qtbot, "spiral")
    panel = window.unit_maps.panel
    maps = panel.maps
    assert maps is not None and panel.note == ""
    net = window.controller.timeline.net_before_step()  # the step is shown from it
    assert maps.n_units == sum(net.sizes[1:-1])
    assert len(panel.tiles) == maps.n_units
    for tile in panel.tiles:  # every tile and its label inside the panel
        assert tile.rect.bottom() + panel._line() <= panel.height()
        assert tile.rect.right() <= panel.width()
    session = window.controller.timeline.session
    assert session.test is not None  # the grid covers the test points too, as the data panel
    points, shape = um.grid_for_data(session.dataset, session.test)
    again = um.unit_maps(net, points, shape)
    for a, b in zip(maps.layers, again.layers, strict=True):
        np.testing.assert_array_equal(a, b)
    window.close()


def test_the_maps_change_while_training(qtbot) -> None:
    window = _window(qtbot, "xor")
    before = [m.copy() for m in window.unit_maps.panel.maps.layers]
    train = window.actions_by_name["train"]
    train.trigger()
    trainer = window.controller.timeline.trainer
    start = trainer.step
    qtbot.waitUntil(lambda: trainer.step > start + 50, timeout=10_000)
    qtbot.waitUntil(lambda: window.unit_maps.computed >= 2, timeout=10_000)
    train.trigger()  # stop
    after = window.unit_maps.panel.maps.layers
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    window.close()


def test_not_recomputed_within_a_step(qtbot, monkeypatch) -> None:
    window = _window(qtbot, "xor")
    calls: list[int] = []
    original = unit_maps_dock.um.unit_maps

    def counting(net, points, shape):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(net, points, shape)

    monkeypatch.setattr(unit_maps_dock.um, "unit_maps", counting)
    tl = window.controller.timeline
    right = window.actions_by_name["next"]
    for _ in range(len(tl.trace) - 2):  # every frame but the update
        right.trigger()
    assert calls == []
    right.trigger()  # the update shown: new parameters, one computation
    assert len(calls) == 1
    right.trigger()  # the next step starts from them
    assert len(calls) == 1
    window.close()


def test_hidden_dock_computes_nothing_until_shown(qtbot, monkeypatch) -> None:
    window = _window(qtbot, "xor")
    window.unit_maps.dock.hide()
    done = window.unit_maps.computed
    tl = window.controller.timeline
    for _ in range(len(tl.trace) + 1):
        window.actions_by_name["next"].trigger()
    assert window.unit_maps.computed == done
    window.unit_maps.dock.show()
    qtbot.waitUntil(lambda: window.unit_maps.computed == done + 1, timeout=2000)
    window.close()


def test_a_note_for_data_without_a_plane(qtbot) -> None:
    window = _window(qtbot, "iris")
    panel = window.unit_maps.panel
    assert panel.maps is None and "two inputs" in panel.note
    assert panel.tiles == []
    window.close()


def test_hovering_a_hidden_unit_rings_its_map(qtbot) -> None:
    window = _window(qtbot, "xor")
    view, panel = window.network_view, window.unit_maps.panel
    view.sigUnitHovered.emit(1, 0)
    assert panel._selected == (0, 0)
    view.sigUnitHovered.emit(0, 1)  # an input: no map
    assert panel._selected is None
    window.close()


def test_hovering_a_hidden_unit_shows_its_map_in_the_data_panel(qtbot) -> None:
    window = _window(qtbot, "xor")
    window.unit_maps.dock.hide()  # works without the strip
    focus, view = window.unit_maps.focus, window.network_view
    view.sigUnitHovered.emit(1, 1)
    assert focus.unit == (0, 1) and focus.image.isVisible()
    net = window.controller.panels.network
    (x0, x1), (y0, y1) = window.data_view.plot_item.vb.viewRange()
    n = unit_focus.FOCUS_RESOLUTION
    dx, dy = (x1 - x0) / n, (y1 - y0) / n
    corner = np.array([[x0 + dx / 2, y0 + dy / 2], [x1 - dx / 2, y1 - dy / 2]])
    assert net.activation_names[0] == "sigmoid"  # xor's hidden layer
    hidden = 1 / (1 + np.exp(-(corner @ net.weights[0] + net.biases[0])[:, 1]))
    np.testing.assert_allclose([focus.values[0, 0], focus.values[-1, -1]], hidden, rtol=1e-12)
    view.sigUnitHovered.emit(-1, -1)
    assert focus.unit is None and not focus.image.isVisible()
    window.close()


def test_labels_too_wide_for_their_tiles_are_drawn_every_few(qtbot) -> None:
    """At lecture-hall type "h1,10" is wider than a small tile: every k-th
    label is drawn, k chosen so that drawn labels keep clear of each other."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QFontMetricsF

    from bpsim.ui.inside.unit_maps import GAP, Tile, label_stride

    tiles = [Tile(0, u, QRectF(u * (20 + GAP), 0, 20, 20), f"h1,{u + 1}") for u in range(10)]
    font = QFont()
    font.setPointSizeF(12)
    metrics = QFontMetricsF(font)
    k = label_stride(tiles, metrics)
    widest = max(metrics.horizontalAdvance(t.label) for t in tiles)
    assert k > 1 and k * (20 + GAP) >= widest > (k - 1) * (20 + GAP)
    big = [Tile(0, u, QRectF(u * 200, 0, 190, 190), f"h1,{u + 1}") for u in range(3)]
    assert label_stride(big, metrics) == 1
