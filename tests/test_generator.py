"""Generated data settings: noise, points, test ratio, seed, derived features;
the decision surface over the plane with derived features; saving them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bpsim.model.data.generator import (
    GeneratorSettings,
    build_data,
    derived_features,
    from_settings,
    to_settings,
    with_features,
)
from bpsim.model.engine.network import Network
from bpsim.model.errors import DataError
from bpsim.model.sessions.data_setup import generator_of, regenerate
from bpsim.model.sessions.session import new_session, session_for_dataset
from bpsim.model.sessions.session_file import load_session, save_session
from bpsim.viewmodel import boundary as bd
from bpsim.viewmodel.units import view_unit_names

ALL = ("x1²", "x2²", "x1·x2", "sin x1", "sin x2")


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    s = GeneratorSettings(dataset="moons", n_samples=120, noise=0.2, seed=3, features=ALL)
    a, at = build_data(s)
    b, bt = build_data(s)
    assert at is not None and bt is not None
    assert np.array_equal(a.X, b.X) and np.array_equal(at.X, bt.X) and np.array_equal(a.Y, b.Y)
    c, _ = build_data(dataclasses.replace(s, seed=4))
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", ["xor", "circle", "gaussians", "moons", "spiral"])
def test_points_and_ratio_set_the_counts(name: str) -> None:
    s = GeneratorSettings(dataset=name, n_samples=200, noise=0.1, test_ratio=0.3)
    train, test = build_data(s)
    assert test is not None
    assert (train.n_samples, test.n_samples) == (140, 60)
    train, test = build_data(dataclasses.replace(s, n_samples=50, test_ratio=0.0))
    assert test is None and train.n_samples == 50


def test_noise_spreads_the_points() -> None:
    base = GeneratorSettings(dataset="spiral", n_samples=400, test_ratio=0.0)
    clean, _ = build_data(dataclasses.replace(base, noise=0.0))
    noisy, _ = build_data(dataclasses.replace(base, noise=0.3))
    # the same points, jittered: the distance from the clean ones follows the noise
    jitter = np.std(noisy.X - clean.X)
    assert 0.25 < jitter < 0.35
    assert np.std(build_data(dataclasses.replace(base, noise=0.05))[0].X - clean.X) < 0.06


def test_derived_columns_are_the_functions_of_the_base_columns() -> None:
    train, _ = build_data(GeneratorSettings(dataset="circle", features=ALL))
    assert train.feature_names == ("x1", "x2", *ALL)
    x1, x2 = train.X[:, 0], train.X[:, 1]
    expected = np.column_stack([x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    assert np.array_equal(train.X[:, 2:], expected)
    assert derived_features(train) == ALL
    # ticked in any order, the columns come in one order
    s = GeneratorSettings(features=("sin x1", "x1²"))
    assert s.features == ("x1²", "sin x1") and s.n_inputs == 4
    # the network view and the data panel name the inputs by them
    assert view_unit_names(train)[0] == ["x1", "x2", *ALL]


@pytest.mark.parametrize(
    "change",
    [
        {"n_samples": 3},
        {"n_samples": 10**6},
        {"noise": -0.1},
        {"noise": float("nan")},
        {"test_ratio": 0.95},
        {"seed": -1},
        {"features": ("x3²",)},
        {"dataset": "iris"},
    ],
)
def test_settings_out_of_range_are_refused_in_words(change: dict[str, object]) -> None:
    with pytest.raises(DataError):
        GeneratorSettings(**change)  # type: ignore[arg-type]


def test_plot_stays_in_the_plane_and_the_surface_sees_the_derived_features() -> None:
    for standardize in (False, True):
        s = GeneratorSettings(dataset="circle", n_samples=100, features=("x1²", "x1·x2", "sin x2"))
        train, _ = build_data(s)
        if standardize:
            train = train.standardized()
        assert bd.plot_kind(train) == "binary" and bd.scatter_note(train) == ""
        net = Network((5, 4, 1), ["tanh", "sigmoid"], "bce", 1)
        xs, ys, points = bd.grid_for(train.X[:, :2], resolution=12)
        surface = bd.decision_surface(net, points, (len(ys), len(xs)), train)
        raw = train.to_raw(np.column_stack([points, np.zeros((len(points), 3))]))[:, :2]
        full = with_features(raw, s.features)
        expected = net.forward(train.to_network(full))[:, 0].reshape(len(ys), len(xs))
        assert surface.values is not None
        np.testing.assert_allclose(surface.values, expected, rtol=1e-12, atol=1e-12)
        # at the samples themselves the surface's inputs are the data's own rows
        np.testing.assert_allclose(bd.network_inputs(train, train.X[:, :2]), train.X, atol=1e-12)


def test_regenerate_keeps_the_network_settings_and_follows_the_features() -> None:
    session = new_session("circle")
    s = generator_of(session)
    assert s is not None and s.dataset == "circle" and s.features == ()
    fresh = regenerate(session, dataclasses.replace(s, features=("x1²", "x2²"), noise=0.1))
    assert fresh.net.sizes == (4, *session.net.sizes[1:])
    assert fresh.net.activation_names == session.net.activation_names
    assert fresh.trainer.optimizer.lr == session.trainer.optimizer.lr
    assert fresh.trainer.step == 0 and fresh.dataset.n_features == 4
    assert generator_of(fresh) == dataclasses.replace(s, features=("x1²", "x2²"), noise=0.1)
    # data that were not generated have no generator settings
    assert generator_of(new_session("iris")) is None
    assert generator_of(new_session("mazur")) is None
    csv_like = session_for_dataset(new_session("iris").dataset)
    assert generator_of(csv_like) is None


def test_save_and_reopen_gives_the_same_data_and_settings(tmp_path) -> None:
    session = new_session("spiral")
    s = dataclasses.replace(generator_of(session), n_samples=160, features=("sin x1",), seed=9)
    fresh = regenerate(session, s)
    path = tmp_path / "s.bpsim"
    save_session(path, fresh)
    back = load_session(path)
    assert generator_of(back) == s
    assert np.array_equal(back.dataset.X, fresh.dataset.X) and back.net.sizes[0] == 3
    assert back.test is not None and fresh.test is not None
    assert np.array_equal(back.test.X, fresh.test.X)
    assert bd.plot_kind(back.dataset) == "binary"


def test_settings_read_back_strictly_and_missing_keys_take_defaults() -> None:
    s = GeneratorSettings(dataset="xor", n_samples=40, noise=0.2, features=("x1·x2",))
    assert from_settings(to_settings(s)) == s
    assert from_settings({}) is None
    assert from_settings({"data_set": "moons"}) == GeneratorSettings(dataset="moons")
    for bad in ({"data_noise": "a lot"}, {"data_points": 2}, {"data_features": 3}):
        with pytest.raises(DataError):
            from_settings({"data_set": "moons", **bad})


def test_a_session_file_with_bad_generator_settings_is_refused(tmp_path) -> None:
    import json

    from bpsim.model.errors import SessionError

    path = tmp_path / "s.bpsim"
    save_session(path, new_session("circle"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["settings"].update({"data_set": "circle", "data_noise": 7.0})
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SessionError, match="noise"):
        load_session(path)


def test_spiral_trains_with_derived_features_and_a_small_network() -> None:
    """A 6-unit network learns the spiral from x1², x2², sin x1, sin x2 (train
    loss 0.75 -> 0.21 in 1,500 steps), and not from x1, x2 alone (0.68 -> 0.63)."""
    from bpsim.model.engine.training import evaluate
    from bpsim.model.sessions.setup import rebuild, setup_of

    session = new_session("spiral")
    losses = {}
    for features in ((), ("x1²", "x2²", "sin x1", "sin x2")):
        s = dataclasses.replace(generator_of(session), features=features)
        fresh = regenerate(session, s)
        small = rebuild(fresh, dataclasses.replace(setup_of(fresh), hidden=(6,)))
        assert small.net.sizes == (2 + len(features), 6, 1)
        trainer = small.trainer
        start = evaluate(small.net, trainer.X, trainer.Y).loss
        trainer.train(1500)
        losses[len(features)] = (start, evaluate(small.net, trainer.X, trainer.Y).loss)
    start, end = losses[4]
    assert end < 0.4 * start
    assert end < 0.5 * losses[0][1]
