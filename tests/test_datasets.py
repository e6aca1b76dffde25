"""The Dataset container and the data set generators."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.datasets import (
    DATASETS,
    dataset_parameters,
    make_circle,
    make_dataset,
    make_gaussians,
    make_iris,
    make_moons,
    make_sine,
    make_spiral,
    make_worked_example,
    make_xor,
)
from bpsim.model.errors import DataError

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
GENERATED = ["xor", "circle", "gaussians", "spiral", "moons", "sine"]


def binary(n: int = 6, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)[:, None]
    return Dataset("b", rng.normal(size=(n, 2)), y, "classification", class_names=("no", "yes"))


def three_classes(counts: tuple[int, int, int]) -> Dataset:
    labels = np.repeat(np.arange(3), counts)
    X = np.arange(len(labels), dtype=float)[:, None]
    return Dataset("c", X, np.eye(3)[labels], "classification", ("i",), ("a", "b", "c"))


# -- the container ---------------------------------------------------------------


def test_sizes_names_and_defaults() -> None:
    d = binary(6)
    assert (d.n_samples, d.n_features, d.n_outputs, d.n_classes) == (6, 2, 1, 2)
    assert d.feature_names == ("x1", "x2")
    assert d.class_names == ("no", "yes")
    assert d.X.dtype == np.float64 and d.Y.dtype == np.float64
    assert "n_samples=6" in repr(d)


def test_arrays_are_read_only_copies() -> None:
    X = np.zeros((3, 1))
    d = Dataset("r", X, np.ones((3, 1)), "regression")
    X[0, 0] = 5.0
    assert d.X[0, 0] == 0.0
    with pytest.raises(ValueError, match="read-only"):
        d.X[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        d.Y[0, 0] = 1.0


def test_dataset_is_frozen() -> None:
    d = binary()
    with pytest.raises(AttributeError):
        d.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X": np.zeros(3), "Y": np.zeros((3, 1))}, "must be 2-D"),
        ({"X": np.zeros((3, 2)), "Y": np.zeros((4, 1))}, "3 input rows but 4 target rows"),
        ({"X": np.zeros((0, 2)), "Y": np.zeros((0, 1))}, "at least one sample"),
        ({"X": [[np.nan, 1.0]], "Y": [[1.0]]}, "NaN or infinite"),
        ({"X": [[1.0, 1.0]], "Y": [[np.inf]]}, "NaN or infinite"),
        ({"X": [["a", "b"]], "Y": [[1.0]]}, "numeric arrays"),
        ({"task": "clustering"}, "task must be"),
        ({"feature_names": ("a",)}, "2 features but 1 feature names"),
        ({"class_names": ("a", "b")}, "regression data set has no class names"),
        ({"task": "classification"}, "need 2 class names"),
        (
            {"task": "classification", "Y": [[0.5], [1.0]], "class_names": ("a", "b")},
            "must be 0 or 1",
        ),
        (
            {"task": "classification", "Y": [[1.0, 1.0], [0, 1]], "class_names": ("a", "b")},
            "one-hot",
        ),
        (
            {"task": "classification", "Y": [[1.0, 0.0], [0, 1]], "class_names": ("a",)},
            "need 2 class names",
        ),
    ],
)
def test_invalid_data_sets_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "name": "bad",
        "X": np.zeros((2, 2)),
        "Y": np.zeros((2, 1)),
        "task": "regression",
    }
    args.update(kwargs)
    with pytest.raises(DataError, match=message) as info:
        Dataset(**args)  # type: ignore[arg-type]
    assert "'bad'" in str(info.value)


def test_labels_binary_one_hot_and_regression() -> None:
    assert binary(4).labels().tolist() == [0, 1, 0, 1]
    assert three_classes((1, 2, 1)).labels().tolist() == [0, 1, 1, 2]
    with pytest.raises(DataError, match="regression"):
        make_sine().labels()


def test_one_hot_turns_one_column_into_two() -> None:
    d = binary(4)
    two = d.one_hot()
    assert two.Y.tolist() == [[1, 0], [0, 1], [1, 0], [0, 1]]
    assert two.labels().tolist() == d.labels().tolist()
    assert three_classes((1, 1, 1)).one_hot().Y.shape == (3, 3)
    sine = make_sine()
    assert sine.one_hot() is sine


def test_subset_keeps_metadata() -> None:
    d = make_iris()
    s = d.subset([149, 0])
    assert s.X.tolist() == [d.X[149].tolist(), d.X[0].tolist()]
    assert (s.feature_names, s.class_names, s.name) == (d.feature_names, d.class_names, "iris")


# -- split -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 60),
    fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32 - 1),
    classify=st.booleans(),
)
def test_split_partitions_the_samples(n: int, fraction: float, seed: int, classify: bool) -> None:
    X = np.arange(n, dtype=float)[:, None]
    if classify:
        d = Dataset("p", X, (np.arange(n) % 3 == 0)[:, None], "classification", ("i",), ("a", "b"))
    else:
        d = Dataset("p", X, X * 2.0, "regression")
    train, test = d.split(fraction, seed)
    ids_train = train.X[:, 0].astype(int)
    ids_test = test.X[:, 0].astype(int)
    assert sorted([*ids_train, *ids_test]) == list(range(n))
    assert len(ids_test) == min(max(round(fraction * n), 1), n - 1)
    assert list(ids_train) == sorted(ids_train) and list(ids_test) == sorted(ids_test)
    assert np.array_equal(train.Y[:, 0], d.Y[ids_train, 0])
    assert np.array_equal(test.Y[:, 0], d.Y[ids_test, 0])


@pytest.mark.parametrize(("counts", "fraction"), [((50, 50, 50), 0.2), ((10, 30, 60), 0.3)])
def test_split_is_stratified(counts: tuple[int, int, int], fraction: float) -> None:
    d = three_classes(counts)
    for seed in range(5):
        _, test = d.split(fraction, seed)
        got = np.bincount(test.labels(), minlength=3)
        expected = np.array(counts) * fraction
        assert np.all(np.abs(got - expected) <= 1), (got, expected)


def test_split_is_reproducible() -> None:
    d = make_gaussians(seed=0)
    a_train, a_test = d.split(0.25, seed=7)
    b_train, b_test = d.split(0.25, seed=7)
    _, c_test = d.split(0.25, seed=8)
    assert np.array_equal(a_test.X, b_test.X) and np.array_equal(a_train.X, b_train.X)
    assert not np.array_equal(a_test.X, c_test.X)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_split_fraction_must_lie_inside_zero_one(fraction: float) -> None:
    with pytest.raises(DataError, match="between 0 and 1"):
        binary().split(fraction, 0)


def test_one_sample_cannot_be_split() -> None:
    with pytest.raises(DataError, match="cannot be split"):
        make_worked_example().split(0.5, 0)


# -- standardization -----------------------------------------------------------------


def test_standardized_has_zero_mean_and_unit_variance() -> None:
    d = make_iris().standardized()
    np.testing.assert_allclose(d.X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(d.X.std(axis=0), 1.0, rtol=1e-12)
    assert np.array_equal(d.Y, make_iris().Y)


def test_constant_columns_become_zero_without_warnings() -> None:
    X = np.array([[1.0, 0.1, 0.0], [2.0, 0.1, 0.0], [3.0, 0.1, 0.0]])
    d = Dataset("k", X, np.zeros((3, 1)), "regression")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = d.standardized()
    assert s.X[:, 1].tolist() == [0.0, 0.0, 0.0]
    assert s.X[:, 2].tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(s.X[:, 0], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)])
    mean, scale = d.scaling()
    assert mean[0] == 2.0 and mean[1] == pytest.approx(0.1) and mean[2] == 0.0
    assert scale[1:].tolist() == [1.0, 1.0]


def test_worked_example_standardizes_to_zeros() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert make_worked_example().standardized().X.tolist() == [[0.0, 0.0]]


# -- generators ----------------------------------------------------------------------


def test_xor_default_is_the_four_exact_points() -> None:
    d = make_xor()
    assert d.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert d.Y.tolist() == [[0], [1], [1], [0]]
    assert d.task == "classification" and d.class_names == ("0", "1")


def test_noisy_xor_scatters_around_the_corners() -> None:
    d = make_xor(n_samples=400, noise=0.1, seed=3)
    corners = np.round(d.X).clip(0, 1)
    assert np.abs(d.X - corners).max() < 0.6
    expected = np.logical_xor(corners[:, 0], corners[:, 1]).astype(float)
    assert np.mean(expected == d.Y[:, 0]) > 0.99
    assert np.bincount(d.labels()).tolist() == [200, 200]


def test_circle_without_noise_has_disc_and_ring() -> None:
    d = make_circle(n_samples=301, noise=0.0, seed=1)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    inside = d.labels() == 1
    assert r[inside].max() <= 0.5 and r[~inside].min() >= 0.7 - 1e-12 and r.max() <= 1.0
    assert np.bincount(d.labels()).tolist() == [150, 151]


def test_gaussians_are_centred_at_minus_one_and_one() -> None:
    d = make_gaussians(n_samples=2000, noise=0.3, seed=2)
    labels = d.labels()
    np.testing.assert_allclose(d.X[labels == 0].mean(axis=0), [-1, -1], atol=0.05)
    np.testing.assert_allclose(d.X[labels == 1].mean(axis=0), [1, 1], atol=0.05)
    np.testing.assert_allclose(d.X[labels == 1].std(axis=0), [0.3, 0.3], atol=0.03)


def test_spiral_arms_are_point_symmetric() -> None:
    d = make_spiral(n_samples=100, noise=0.0)
    labels = d.labels()
    arm_a, arm_b = d.X[labels == 0], d.X[labels == 1]
    np.testing.assert_allclose(arm_b, -arm_a, atol=1e-12)
    radius = np.hypot(arm_a[:, 0], arm_a[:, 1])
    assert np.all(np.diff(radius) > 0) and radius.max() == pytest.approx(1.0)


def test_moons_without_noise_lie_on_two_half_circles() -> None:
    d = make_moons(n_samples=50, noise=0.0)
    shifted = d.X + np.array([0.5, 0.25])
    labels = d.labels()
    upper, lower = shifted[labels == 0], shifted[labels == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_sine_is_a_regression_of_sin() -> None:
    d = make_sine(n_samples=50, noise=0.0)
    assert d.task == "regression" and d.class_names is None
    assert d.X[0, 0] == pytest.approx(-np.pi) and d.X[-1, 0] == pytest.approx(np.pi)
    np.testing.assert_allclose(d.Y[:, 0], np.sin(d.X[:, 0]))
    noisy = make_sine(n_samples=2000, noise=0.2, seed=0)
    assert np.std(noisy.Y[:, 0] - np.sin(noisy.X[:, 0])) == pytest.approx(0.2, rel=0.1)


def test_worked_example_sample() -> None:
    d = make_worked_example()
    assert d.X.tolist() == [[0.05, 0.10]] and d.Y.tolist() == [[0.01, 0.99]]
    assert d.task == "regression"


@pytest.mark.parametrize("name", GENERATED)
def test_generators_are_reproducible(name: str) -> None:
    kwargs = {"n_samples": 40, "noise": 0.1}
    a = make_dataset(name, seed=5, **kwargs)
    b = make_dataset(name, seed=5, **kwargs)
    c = make_dataset(name, seed=6, **kwargs)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.Y, b.Y)
    assert not (np.array_equal(a.X, c.X) and np.array_equal(a.Y, c.Y))
    assert a.n_samples == 40 and a.name == name
    assert a.description


@pytest.mark.parametrize("name", ["circle", "gaussians", "spiral", "moons"])
def test_two_class_generators_are_balanced(name: str) -> None:
    d = make_dataset(name, n_samples=41, seed=0)
    assert d.X.shape == (41, 2) and d.Y.shape == (41, 1)
    assert np.bincount(d.labels()).tolist() == [20, 21]


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("xor", {"n_samples": 3}, "at least 4 samples"),
        ("circle", {"n_samples": 1}, "at least 2 samples"),
        ("moons", {"n_samples": 2.5}, "whole number"),
        ("sine", {"n_samples": True}, "whole number"),
        ("spiral", {"noise": -0.1}, "non-negative"),
        ("gaussians", {"noise": float("nan")}, "non-negative"),
        ("iris", {"n_samples": 151}, "has 150 samples"),
    ],
)
def test_generator_arguments_are_checked(
    name: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(DataError, match=message):
        make_dataset(name, **kwargs)


# -- iris ----------------------------------------------------------------------------


def test_iris_is_fishers_data() -> None:
    d = make_iris()
    assert d.X.shape == (150, 4) and d.Y.shape == (150, 3)
    assert d.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert d.class_names == ("setosa", "versicolor", "virginica")
    assert d.X[0].tolist() == [5.1, 3.5, 1.4, 0.2] and d.labels()[0] == 0
    assert d.X[-1].tolist() == [5.9, 3.0, 5.1, 1.8] and d.labels()[-1] == 2
    assert np.bincount(d.labels()).tolist() == [50, 50, 50]
    # the summary statistics in scikit-learn's description of the data set
    np.testing.assert_allclose(d.X.mean(axis=0), [5.84, 3.06, 3.76, 1.20], atol=0.005)
    np.testing.assert_allclose(d.X.min(axis=0), [4.3, 2.0, 1.0, 0.1])
    np.testing.assert_allclose(d.X.max(axis=0), [7.9, 4.4, 6.9, 2.5])


def test_iris_subset_and_noise() -> None:
    small = make_iris(n_samples=30, seed=1)
    assert np.bincount(small.labels()).tolist() == [10, 10, 10]
    assert np.array_equal(small.X, make_iris(n_samples=30, seed=1).X)
    assert not np.array_equal(small.X, make_iris(n_samples=30, seed=2).X)
    jittered = make_iris(noise=0.05, seed=0)
    difference = jittered.X - make_iris().X
    assert 0 < np.abs(difference).max() < 0.5
    assert np.array_equal(jittered.Y, make_iris().Y)


def test_iris_resource_files() -> None:
    lines = (RESOURCES / "iris.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "sepal_length,sepal_width,petal_length,petal_width,species"
    assert len(lines) == 151
    licence = (RESOURCES / "iris-LICENSE.txt").read_text(encoding="utf-8")
    for words in ("Fisher", "UCI", "scikit-learn", "BSD 3-Clause License"):
        assert words in licence


# -- registry ------------------------------------------------------------------------


def test_registry_covers_every_generator() -> None:
    assert set(DATASETS) == {*GENERATED, "iris", "digits", "worked_example"}
    for name in DATASETS:
        assert make_dataset(name).name == name


def test_unknown_data_set_lists_the_valid_names() -> None:
    with pytest.raises(DataError, match="unknown data set 'mnist'") as info:
        make_dataset("mnist")
    for name in DATASETS:
        assert name in str(info.value)


def test_unknown_parameter_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(DataError, match="does not take radius; it takes: n_samples, noise, seed"):
        make_dataset("circle", radius=2)
    with pytest.raises(DataError, match="it takes: no parameters"):
        make_dataset("worked_example", seed=1)


def test_dataset_parameters_lists_defaults() -> None:
    assert dataset_parameters("xor") == {"n_samples": 4, "noise": 0.1, "seed": None}
    assert dataset_parameters("worked_example") == {}
