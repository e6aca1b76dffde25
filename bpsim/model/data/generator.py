"""Settings for the generated 2-D data sets, as TensorFlow Playground offers
them: noise, number of points, test ratio, seed and derived input features.

:class:`GeneratorSettings` is plain, immutable data; :func:`build_data` turns
it into a training set and a test set, the same for the same settings.
Derived features (``x1²``, ``x2²``, ``x1·x2``, ``sin x1``, ``sin x2``) are
extra input columns after ``x1`` and ``x2``, named so that the views show
them; :func:`derived_features` recognises them in a data set, and
:func:`with_features` computes them for any points of the input plane.
The settings travel in a session's flat settings (:func:`to_settings`,
:func:`from_settings`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from bpsim.model.data.dataset import Array, Dataset
from bpsim.model.data.datasets import dataset_parameters, make_dataset
from bpsim.model.errors import DataError

GENERATED = ("xor", "circle", "gaussians", "moons", "spiral")
BASE_NAMES = ("x1", "x2")
FEATURES: dict[str, Callable[[Array], Array]] = {
    "x1²": lambda X: X[:, 0] ** 2,
    "x2²": lambda X: X[:, 1] ** 2,
    "x1·x2": lambda X: X[:, 0] * X[:, 1],
    "sin x1": lambda X: np.sin(X[:, 0]),
    "sin x2": lambda X: np.sin(X[:, 1]),
}
MIN_POINTS, MAX_POINTS = 4, 5000
MAX_NOISE = 2.0
MAX_TEST_RATIO = 0.9
MAX_SEED = 2**31 - 1
MIN_TEST = 2  # fewer points than this make no test set
# Session settings keys (flat, plain values).
KEYS = ("data_set", "data_points", "data_noise", "data_test_ratio", "data_seed", "data_features")


@dataclass(frozen=True, kw_only=True)
class GeneratorSettings:
    """How to generate a 2-D data set. ``features`` lists derived feature
    names (keys of :data:`FEATURES`), kept in :data:`FEATURES` order."""

    dataset: str = "circle"
    n_samples: int = 200
    noise: float = 0.05
    test_ratio: float = 0.25
    seed: int = 0
    features: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.dataset not in GENERATED:
            raise DataError(
                f"{self.dataset!r} is not a generated data set; choose one of: "
                + ", ".join(GENERATED)
            )
        low = 4 if self.dataset == "xor" else MIN_POINTS
        n = self.n_samples
        if isinstance(n, bool) or not isinstance(n, int) or not low <= n <= MAX_POINTS:
            raise DataError(
                f"the number of points must be a whole number from {low} to {MAX_POINTS}"
            )
        if not (math.isfinite(self.noise) and 0.0 <= self.noise <= MAX_NOISE):
            raise DataError(f"the noise must be from 0 to {MAX_NOISE:g}")
        if not (math.isfinite(self.test_ratio) and 0.0 <= self.test_ratio <= MAX_TEST_RATIO):
            raise DataError(f"the test ratio must be from 0 to {MAX_TEST_RATIO:g}")
        s = self.seed
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED:
            raise DataError(f"the seed must be a whole number from 0 to {MAX_SEED}")
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown:
            raise DataError(
                f"unknown derived feature {unknown[0]!r}; choose from: " + ", ".join(FEATURES)
            )
        ordered = tuple(f for f in FEATURES if f in self.features)
        object.__setattr__(self, "features", ordered)
        object.__setattr__(self, "noise", float(self.noise))
        object.__setattr__(self, "test_ratio", float(self.test_ratio))

    @property
    def n_inputs(self) -> int:
        return len(BASE_NAMES) + len(self.features)


def with_features(points: ArrayLike, features: tuple[str, ...]) -> Array:
    """Points of the input plane (rows of ``x1, x2``) with the derived
    feature columns appended, in the order given."""
    P = np.asarray(points, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != 2:
        raise ValueError(f"expected rows of two coordinates, got shape {P.shape}")
    if not features:
        return P.copy()
    return np.column_stack([P, *(FEATURES[f](P) for f in features)])


def add_features(data: Dataset, features: tuple[str, ...]) -> Dataset:
    """A 2-D data set with derived feature columns appended (unscaled data only)."""
    if data.feature_names != BASE_NAMES or data.is_standardized:
        raise DataError("derived features need the unscaled inputs x1 and x2")
    return Dataset(
        data.name,
        with_features(data.X, features),
        data.Y,
        data.task,
        BASE_NAMES + tuple(features),
        data.class_names,
        data.description,
        target_name=data.target_name,
    )


def derived_features(data: Dataset) -> tuple[str, ...] | None:
    """The derived features of ``data`` (after ``x1, x2``), ``()`` for plain
    2-D data, ``None`` when its inputs are not the plane and derived features."""
    names = data.feature_names
    if names[:2] != BASE_NAMES or any(n not in FEATURES for n in names[2:]):
        return None
    return tuple(names[2:])


def n_test(settings: GeneratorSettings) -> int:
    """How many of the points are kept aside for testing."""
    n = round(settings.test_ratio * settings.n_samples)
    return n if n >= MIN_TEST and settings.n_samples - n >= MIN_TEST else 0


def build_data(settings: GeneratorSettings) -> tuple[Dataset, Dataset | None]:
    """The (training, test) data the settings describe, the same for the same
    settings; no test set when the ratio leaves fewer than two points for it."""
    kwargs: dict[str, object] = {"n_samples": settings.n_samples, "noise": settings.noise}
    if "seed" in dataset_parameters(settings.dataset):
        kwargs["seed"] = settings.seed
    data = add_features(make_dataset(settings.dataset, **kwargs), settings.features)
    k = n_test(settings)
    if k == 0:
        return data, None
    return data.split(k / data.n_samples, seed=settings.seed)


def to_settings(settings: GeneratorSettings) -> dict[str, str | int | float]:
    """The flat session settings that :func:`from_settings` reads back."""
    return {
        "data_set": settings.dataset,
        "data_points": settings.n_samples,
        "data_noise": settings.noise,
        "data_test_ratio": settings.test_ratio,
        "data_seed": settings.seed,
        "data_features": ",".join(settings.features),
    }


def from_settings(values: Mapping[str, object]) -> GeneratorSettings | None:
    """The generator settings saved in a session's settings; ``None`` when
    there are none (no ``data_set``). Missing keys take their defaults; a
    value of the wrong kind or out of range raises DataError naming it."""
    name = values.get("data_set")
    if name is None:
        return None
    defaults = GeneratorSettings()
    raw_features = values.get("data_features", "")
    if not isinstance(raw_features, str):
        raise DataError("settings.data_features must be a text of feature names")
    noise = values.get("data_noise", defaults.noise)
    ratio = values.get("data_test_ratio", defaults.test_ratio)
    for key, value in (("data_noise", noise), ("data_test_ratio", ratio)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DataError(f"settings.{key} must be a number")
    try:
        return GeneratorSettings(
            dataset=str(name),
            n_samples=values.get("data_points", defaults.n_samples),  # type: ignore[arg-type]
            noise=float(noise),  # type: ignore[arg-type]
            test_ratio=float(ratio),  # type: ignore[arg-type]
            seed=values.get("data_seed", defaults.seed),  # type: ignore[arg-type]
            features=tuple(f for f in raw_features.split(",") if f),
        )
    except DataError as exc:
        raise DataError(f"settings (data): {exc}") from None
