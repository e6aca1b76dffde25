"""Data sets: an immutable container and the generators the presets use.

A :class:`Dataset` holds inputs ``X`` (one row per sample) and targets ``Y``
(one row per sample, one column per output unit). Classification targets are
0/1: one column for two classes, one-hot columns for more. Every random
generator takes a ``seed`` and returns the same data for the same seed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.errors import DataError

Array = NDArray[np.float64]
Task = Literal["classification", "regression"]
TASKS: tuple[Task, ...] = ("classification", "regression")


def _frozen(values: ArrayLike) -> Array:
    arr = np.array(values, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Dataset:
    """Samples and their targets, read-only.

    ``feature_names`` defaults to ``x1, x2, …``. ``class_names`` is required
    for classification (two names for a single 0/1 output column, one per
    column for one-hot targets) and must be ``None`` for regression.
    """

    name: str
    X: Array
    Y: Array
    task: Task
    feature_names: tuple[str, ...] = ()
    class_names: tuple[str, ...] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        where = f"data set {self.name!r}"
        try:
            X, Y = _frozen(self.X), _frozen(self.Y)
        except (TypeError, ValueError) as exc:
            raise DataError(f"{where}: inputs and targets must be numeric arrays ({exc})") from None
        if X.ndim != 2 or Y.ndim != 2:
            raise DataError(
                f"{where}: inputs and targets must be 2-D (one row per sample), "
                f"got shapes {X.shape} and {Y.shape}"
            )
        if len(X) != len(Y):
            raise DataError(f"{where}: {len(X)} input rows but {len(Y)} target rows")
        if len(X) == 0 or X.shape[1] == 0 or Y.shape[1] == 0:
            raise DataError(f"{where}: needs at least one sample, one feature and one target")
        if not (np.isfinite(X).all() and np.isfinite(Y).all()):
            raise DataError(f"{where}: contains values that are NaN or infinite")
        if self.task not in TASKS:
            raise DataError(f"{where}: task must be 'classification' or 'regression'")
        names = tuple(self.feature_names) or tuple(f"x{i + 1}" for i in range(X.shape[1]))
        if len(names) != X.shape[1]:
            raise DataError(f"{where}: {X.shape[1]} features but {len(names)} feature names")
        classes = None if self.class_names is None else tuple(self.class_names)
        if self.task == "regression" and classes is not None:
            raise DataError(f"{where}: a regression data set has no class names")
        if self.task == "classification":
            _check_classes(where, Y, classes)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "Y", Y)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(self, "class_names", classes)

    # -- sizes ----------------------------------------------------------------

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.Y.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes (0 for regression)."""
        return 0 if self.class_names is None else len(self.class_names)

    # -- derived data sets ------------------------------------------------------

    def labels(self) -> NDArray[np.int64]:
        """The class index of every sample (classification only)."""
        if self.task != "classification":
            raise DataError(f"data set {self.name!r} is a regression data set; it has no labels")
        column = self.Y[:, 0] if self.n_outputs == 1 else np.argmax(self.Y, axis=1)
        labels: NDArray[np.int64] = column.astype(np.int64)
        return labels

    def subset(self, indices: ArrayLike) -> Dataset:
        """The samples at ``indices``, in that order."""
        idx = np.asarray(indices, dtype=np.int64)
        return self._replace(self.X[idx], self.Y[idx])

    def split(self, test_fraction: float, seed: int | None = None) -> tuple[Dataset, Dataset]:
        """A random (train, test) split, stratified by class for classification.

        Each part keeps the samples' original order. Both parts get at least
        one sample; the same seed gives the same split.
        """
        if not 0.0 < test_fraction < 1.0:
            raise DataError(f"the test fraction must lie between 0 and 1, got {test_fraction}")
        n = self.n_samples
        if n < 2:
            raise DataError(f"data set {self.name!r} has one sample; it cannot be split")
        rng = np.random.default_rng(seed)
        if self.task == "classification":
            # Spread every class evenly over [0, 1) in random order; taking the
            # smallest keys then draws each class in proportion to its size.
            labels = self.labels()
            keys = np.empty(n)
            for c in np.unique(labels):
                members = rng.permutation(np.flatnonzero(labels == c))
                keys[members] = (np.arange(len(members)) + rng.uniform()) / len(members)
            order = np.lexsort((rng.random(n), keys))
        else:
            order = rng.permutation(n)
        n_test = min(max(round(test_fraction * n), 1), n - 1)
        return self.subset(np.sort(order[n_test:])), self.subset(np.sort(order[:n_test]))

    def scaling(self) -> tuple[Array, Array]:
        """Per-feature ``(mean, scale)`` that :meth:`standardized` uses.

        A constant feature gets scale 1, so it becomes 0 rather than NaN.
        """
        mean = self.X.mean(axis=0)
        std = self.X.std(axis=0)
        scale = np.where(std > 1e-12 * np.maximum(np.abs(mean), 1.0), std, 1.0)
        return mean, scale

    def standardized(self, scaling: tuple[Array, Array] | None = None) -> Dataset:
        """The same data with every feature at mean 0 and variance 1, or
        scaled with another data set's ``scaling()`` (a test set is scaled
        with its training set's statistics)."""
        mean, scale = self.scaling() if scaling is None else scaling
        Z = (self.X - mean) / scale
        Z[:, np.ptp(self.X, axis=0) == 0] = 0.0  # exactly 0, whatever the mean's rounding
        return self._replace(Z, self.Y)

    def one_hot(self) -> Dataset:
        """Two-class data with one-hot targets (two columns), e.g. for a
        softmax output; other data sets are returned unchanged."""
        if self.task != "classification" or self.n_outputs != 1:
            return self
        y = self.Y[:, 0]
        return self._replace(self.X, np.column_stack([1.0 - y, y]))

    def _replace(self, X: Array, Y: Array) -> Dataset:
        return Dataset(
            self.name, X, Y, self.task, self.feature_names, self.class_names, self.description
        )

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, {self.task}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, n_outputs={self.n_outputs})"
        )


def _check_classes(where: str, Y: Array, classes: tuple[str, ...] | None) -> None:
    k = Y.shape[1]
    expected = 2 if k == 1 else k
    if classes is None or len(classes) != expected:
        raise DataError(f"{where}: {k} target column(s) need {expected} class names")
    if not np.isin(Y, (0.0, 1.0)).all():
        raise DataError(f"{where}: classification targets must be 0 or 1")
    if k > 1 and not (Y.sum(axis=1) == 1.0).all():
        raise DataError(f"{where}: every target row must be one-hot (exactly one 1)")


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
    from bpsim.model.csvdata import parse_csv

    text = "Fisher's iris flowers (1936): four measurements in cm, three species, 50 of each."
    data = parse_csv(_iris_text(), target="species", source="iris.csv", name="iris")
    return Dataset("iris", data.X, data.Y, data.task, data.feature_names, data.class_names, text)


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
        data = Dataset(
            data.name,
            data.X + rng.normal(0.0, noise, size=data.X.shape),
            data.Y,
            data.task,
            data.feature_names,
            data.class_names,
            data.description,
        )
    return data


DATASETS: dict[str, Callable[..., Dataset]] = {
    "xor": make_xor,
    "circle": make_circle,
    "gaussians": make_gaussians,
    "spiral": make_spiral,
    "moons": make_moons,
    "sine": make_sine,
    "iris": make_iris,
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
