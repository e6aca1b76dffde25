"""The data sets the presets use, by name (see :mod:`bpsim.model.data.dataset`
for the container). Every random generator takes a ``seed`` and returns the
same data for the same seed."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from importlib.resources import files

import numpy as np

from bpsim.model.data.csvdata import parse_csv
from bpsim.model.data.dataset import Array, Dataset
from bpsim.model.data.digits import make_digits
from bpsim.model.errors import DataError

# -- generators ----------------------------------------------------------------


def _check_args(name: str, n_samples: int, noise: float, minimum: int = 2) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise DataError(f"{name}: the number of samples must be a whole number")
    if n_samples < minimum:
        raise DataError(f"{name}: needs at least {minimum} samples, got {n_samples}")
    if not (np.isfinite(noise) and noise >= 0):
        raise DataError(f"{name}: the noise must be a non-negative number, got {noise}")


def _two_classes(n_samples: int) -> tuple[int, int]:
    """Sizes of class 0 and class 1 for a balanced two-class set."""
    return n_samples // 2, n_samples - n_samples // 2


def _binary(
    name: str, X: Array, y: Array, class_names: tuple[str, str], description: str
) -> Dataset:
    return Dataset(name, X, y[:, None], "classification", ("x1", "x2"), class_names, description)


def make_xor(n_samples: int = 4, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """XOR: the four corners of the unit square, labelled ``x1 XOR x2``.

    With ``n_samples == 4`` the four exact points; with more, points scattered
    with Gaussian noise (standard deviation ``noise``) around the corners.
    """
    _check_args("xor", n_samples, noise, minimum=4)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    which = np.arange(n_samples) % 4
    X = corners[which]
    if n_samples > 4:
        X = X + np.random.default_rng(seed).normal(0.0, noise, size=X.shape)
    y = np.array([0.0, 1.0, 1.0, 0.0])[which]
    text = "The output is 1 when exactly one input is 1; no straight line separates the classes."
    return _binary("xor", X, y, ("0", "1"), text)


def make_circle(n_samples: int = 200, noise: float = 0.05, seed: int | None = None) -> Dataset:
    """A disc of radius 0.5 (class "inside") within a ring from 0.7 to 1."""
    _check_args("circle", n_samples, noise)
    rng = np.random.default_rng(seed)
    n_out, n_in = _two_classes(n_samples)
    r_in = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, n_in))
    r_out = np.sqrt(rng.uniform(0.49, 1.0, n_out))
    r = np.concatenate([r_out, r_in])
    angle = rng.uniform(0.0, 2.0 * np.pi, n_samples)
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    X += rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    text = "Points inside a circle against points on a ring around it."
    return _binary("circle", X, y, ("outside", "inside"), text)


def make_gaussians(n_samples: int = 200, noise: float = 0.5, seed: int | None = None) -> Dataset:
    """Two round Gaussian blobs centred at (-1, -1) and (1, 1); ``noise`` is
    their standard deviation."""
    _check_args("gaussians", n_samples, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _two_classes(n_samples)
    centres = np.repeat(np.array([[-1.0, -1.0], [1.0, 1.0]]), [n0, n1], axis=0)
    X = centres + rng.normal(0.0, noise, size=centres.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    text = "Two clouds of points; a single straight line separates them (mostly)."
    return _binary("gaussians", X, y, ("blob A", "blob B"), text)


def make_spiral(n_samples: int = 200, noise: float = 0.05, seed: int | None = None) -> Dataset:
    """Two interleaved spirals, each turning 1.75 times around the origin."""
    _check_args("spiral", n_samples, noise)
    rng = np.random.default_rng(seed)
    parts = []
    for c, n in enumerate(_two_classes(n_samples)):
        t = np.linspace(0.05, 1.0, n)
        angle = 1.75 * 2.0 * np.pi * t + c * np.pi
        parts.append(np.column_stack([t * np.cos(angle), t * np.sin(angle)]))
    X = np.concatenate(parts)
    X += rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.zeros(len(parts[0])), np.ones(len(parts[1]))])
    text = "Two spirals wound into each other: hard, it needs several hidden layers or units."
    return _binary("spiral", X, y, ("arm A", "arm B"), text)


def make_moons(n_samples: int = 200, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Two interleaving half circles, centred on the origin."""
    _check_args("moons", n_samples, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _two_classes(n_samples)
    a0 = np.linspace(0.0, np.pi, n0)
    a1 = np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(a0), np.sin(a0)])
    lower = np.column_stack([1.0 - np.cos(a1), 0.5 - np.sin(a1)])
    X = np.concatenate([upper, lower]) - np.array([0.5, 0.25])
    X += rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    text = "Two half moons hooked into each other; a curved boundary separates them."
    return _binary("moons", X, y, ("upper moon", "lower moon"), text)


def make_sine(n_samples: int = 100, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Regression: ``y = sin(x) + noise`` for ``x`` evenly spaced in [-π, π]."""
    _check_args("sine", n_samples, noise)
    rng = np.random.default_rng(seed)
    x = np.linspace(-np.pi, np.pi, n_samples)
    y = np.sin(x) + rng.normal(0.0, noise, size=n_samples)
    text = "Fit a curve: one input x, one output y = sin(x) plus noise."
    return Dataset("sine", x[:, None], y[:, None], "regression", ("x",), None, text)


def make_worked_example() -> Dataset:
    """The one sample of the classic 2-2-2 worked example: inputs (0.05, 0.10),
    targets (0.01, 0.99)."""
    text = "The single sample of the classic worked example: i = (0.05, 0.10), t = (0.01, 0.99)."
    X = np.array([[0.05, 0.10]])
    Y = np.array([[0.01, 0.99]])
    return Dataset("worked_example", X, Y, "regression", ("i1", "i2"), None, text)


IRIS_SAMPLES = 150


def _iris_text() -> str:
    # resources/ ships inside the package as bpsim.resources (see pyproject.toml).
    return (files("bpsim.resources") / "iris.csv").read_text(encoding="utf-8")


@cache
def _iris() -> Dataset:
    text = "Fisher's iris flowers (1936): four measurements in cm, three species, 50 of each."
    data = parse_csv(_iris_text(), target="species", source="iris.csv", name="iris")
    return data.with_names(name="iris", description=text, feature_units=("cm",) * data.n_features)


def make_iris(
    n_samples: int = IRIS_SAMPLES, noise: float = 0.0, seed: int | None = None
) -> Dataset:
    """Fisher's iris data (150 samples, 4 features, 3 one-hot classes).

    ``n_samples < 150`` picks a random subset, stratified by species;
    ``noise > 0`` adds Gaussian jitter (in cm) to the measurements.
    """
    _check_args("iris", n_samples, noise)
    data = _iris()
    if n_samples > IRIS_SAMPLES:
        raise DataError(f"iris: has {IRIS_SAMPLES} samples, cannot give {n_samples}")
    rng = np.random.default_rng(seed)
    if n_samples < IRIS_SAMPLES:
        data = data.split(1.0 - n_samples / IRIS_SAMPLES, seed=int(rng.integers(2**32)))[0]
    if noise > 0:
        data = data.with_samples(data.X + rng.normal(0.0, noise, size=data.X.shape), data.Y)
    return data


DATASETS: dict[str, Callable[..., Dataset]] = {
    "xor": make_xor,
    "circle": make_circle,
    "gaussians": make_gaussians,
    "spiral": make_spiral,
    "moons": make_moons,
    "sine": make_sine,
    "iris": make_iris,
    "digits": make_digits,
    "worked_example": make_worked_example,
}


def dataset_parameters(name: str) -> dict[str, object]:
    """The parameters a named generator takes, with their defaults."""
    make = _lookup(name)
    params = inspect.signature(make).parameters.values()
    return {p.name: p.default for p in params}


def _lookup(name: str) -> Callable[..., Dataset]:
    try:
        return DATASETS[name]
    except KeyError:
        valid = ", ".join(DATASETS)
        raise DataError(f"unknown data set {name!r}; choose one of: {valid}") from None


def make_dataset(name: str, **kwargs: object) -> Dataset:
    """Make the named data set; ``kwargs`` go to its generator."""
    make = _lookup(name)
    allowed = dataset_parameters(name)
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) or "no parameters"
        raise DataError(f"data set {name!r} does not take {', '.join(unknown)}; it takes: {takes}")
    return make(**kwargs)
