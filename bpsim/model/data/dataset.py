"""The data set: inputs and targets, read-only, with their names.

A :class:`Dataset` holds inputs ``X`` (one row per sample) and targets ``Y``
(one row per sample, one column per output unit). Classification targets are
0/1: one column for two classes, one-hot columns for more.

``X`` holds what the network sees. A standardized data set also keeps its
``input_scaling`` (:class:`~bpsim.model.data.scaling.Scaling`), so
:meth:`Dataset.to_raw` gives the user's own values back; ``feature_units``
("cm", "h", or "") and ``target_name`` name them. Targets are never scaled.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.data.scaling import Scaling
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
    ``feature_units`` defaults to no unit for every feature; ``target_name``
    names the target column ('' when it has no name); ``input_scaling`` is
    how the raw inputs became ``X`` (None: ``X`` holds the raw values).
    """

    name: str
    X: Array
    Y: Array
    task: Task
    feature_names: tuple[str, ...] = ()
    class_names: tuple[str, ...] | None = None
    description: str = ""
    feature_units: tuple[str, ...] = ()
    target_name: str = ""
    input_scaling: Scaling | None = None

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
        units = tuple(self.feature_units) or ("",) * X.shape[1]
        if len(units) != X.shape[1] or not all(isinstance(u, str) for u in units):
            raise DataError(f"{where}: {X.shape[1]} features but {len(units)} feature units")
        if self.input_scaling is not None and self.input_scaling.n_features != X.shape[1]:
            raise DataError(
                f"{where}: {X.shape[1]} features but a scaling of {self.input_scaling.n_features}"
            )
        classes = None if self.class_names is None else tuple(self.class_names)
        if self.task == "regression" and classes is not None:
            raise DataError(f"{where}: a regression data set has no class names")
        if self.task == "classification":
            _check_classes(where, Y, classes)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "Y", Y)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(self, "class_names", classes)
        object.__setattr__(self, "feature_units", units)

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
        return self.with_samples(self.X[idx], self.Y[idx])

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
        """Per-feature ``(mean, scale)`` of ``X`` that :meth:`standardized` uses.

        A constant feature gets its value as the mean (exactly) and scale 1,
        so it becomes exactly 0 rather than NaN. Each feature is first divided
        by a power of two near its largest magnitude, so that features of any
        size (up to 1.8e308) neither overflow (the square of 1e155 would) nor
        lose a bit: dividing by a power of two is exact.
        """
        X = self.X
        _, exponent = np.frexp(np.max(np.abs(X), axis=0))
        power = np.ldexp(1.0, np.maximum(exponent - 1, 0))  # |X / power| < 2
        scaled = X / power
        mean = scaled.mean(axis=0) * power
        constant = X.max(axis=0) == X.min(axis=0)
        mean = np.where(constant, X[0], mean)
        std = scaled.std(axis=0) * power
        scale = np.where(~constant & (std > 1e-12 * np.maximum(np.abs(mean), 1.0)), std, 1.0)
        return mean, scale

    def standardized(self, scaling: tuple[Array, Array] | Scaling | None = None) -> Dataset:
        """The same data with every feature at mean 0 and variance 1, or
        scaled with another data set's ``scaling()`` (a test set is scaled
        with its training set's statistics). The result keeps the scaling
        from the raw values in ``input_scaling``."""
        if scaling is None:
            scaling = self.scaling()
        step = scaling if isinstance(scaling, Scaling) else Scaling(*scaling)
        Z = step.to_network(self.X)
        whole = step if self.input_scaling is None else self.input_scaling.then(step)
        return dataclasses.replace(self, X=Z, input_scaling=whole)

    @property
    def is_standardized(self) -> bool:
        return self.input_scaling is not None

    def to_raw(self, X: ArrayLike) -> Array:
        """Values the network sees (rows of ``n_features``, or one row) in the
        data's own units; unchanged for data that were never scaled."""
        if self.input_scaling is None:
            return np.array(X, dtype=np.float64)
        return self.input_scaling.to_raw(X)

    def to_network(self, raw: ArrayLike) -> Array:
        """Raw values (rows of ``n_features``, or one row) as the network sees them."""
        if self.input_scaling is None:
            return np.array(raw, dtype=np.float64)
        return self.input_scaling.to_network(raw)

    @property
    def raw_inputs(self) -> Array:
        """The inputs in the data's own units."""
        return self.to_raw(self.X)

    def one_hot(self) -> Dataset:
        """Two-class data with one-hot targets (two columns), e.g. for a
        softmax output; other data sets are returned unchanged."""
        if self.task != "classification" or self.n_outputs != 1:
            return self
        y = self.Y[:, 0]
        return self.with_samples(self.X, np.column_stack([1.0 - y, y]))

    def with_names(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        feature_units: tuple[str, ...] | None = None,
        target_name: str | None = None,
    ) -> Dataset:
        """The same samples under other names, descriptions or units."""
        return dataclasses.replace(
            self,
            name=self.name if name is None else name,
            description=self.description if description is None else description,
            feature_units=self.feature_units if feature_units is None else feature_units,
            target_name=self.target_name if target_name is None else target_name,
        )

    def with_samples(self, X: ArrayLike, Y: ArrayLike) -> Dataset:
        """Other samples with the same names, units and scaling."""
        return dataclasses.replace(
            self, X=np.asarray(X, dtype=np.float64), Y=np.asarray(Y, dtype=np.float64)
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
