"""How a data set's raw inputs became the numbers the network sees.

Standardizing a feature maps its raw value ``x`` (hours, centimetres, …) to
``(x - mean) / scale``. A :class:`Scaling` keeps ``mean`` and ``scale`` per
feature, so the app can show the user's own units beside the network's
numbers: :meth:`Scaling.to_raw` and :meth:`Scaling.to_network` are inverse
affine maps (exact up to the last bit or two of rounding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.errors import DataError

Array = NDArray[np.float64]


def _frozen(values: ArrayLike) -> Array:
    arr = np.array(values, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Scaling:
    """``network value = (raw value - mean) / scale``, one ``mean`` and one
    positive ``scale`` per feature."""

    mean: Array
    scale: Array

    def __post_init__(self) -> None:
        try:
            mean, scale = _frozen(self.mean), _frozen(self.scale)
        except (TypeError, ValueError) as exc:
            raise DataError(f"a scaling needs numeric means and scales ({exc})") from None
        if mean.ndim != 1 or mean.shape != scale.shape or len(mean) == 0:
            raise DataError(
                f"a scaling needs one mean and one scale per feature, got shapes "
                f"{mean.shape} and {scale.shape}"
            )
        if not (np.isfinite(mean).all() and np.isfinite(scale).all() and (scale > 0).all()):
            raise DataError("a scaling needs finite means and finite, positive scales")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "scale", scale)

    @property
    def n_features(self) -> int:
        return len(self.mean)

    def to_network(self, raw: ArrayLike) -> Array:
        """Raw values (one row per sample, or a single row) as the network sees them."""
        raw = self._check(raw)
        with np.errstate(over="ignore", invalid="ignore"):
            values: Array = (raw - self.mean) / self.scale
            if not np.isfinite(values).all():  # values near ±1.8e308: no overflow this way
                values = np.where(
                    np.isfinite(values), values, raw / self.scale - self.mean / self.scale
                )
        return values

    def to_raw(self, X: ArrayLike) -> Array:
        """The network's values (one row per sample, or a single row) in raw units."""
        X = self._check(X)
        with np.errstate(over="ignore", invalid="ignore"):
            values: Array = X * self.scale + self.mean
            if not np.isfinite(values).all():  # near ±1.8e308: halve, add, then double
                halves = X * (self.scale / 2) + self.mean / 2
                values = np.where(np.isfinite(values), values, 2 * halves)
        return values

    def then(self, after: Scaling) -> Scaling:
        """This scaling followed by ``after`` (standardizing standardized data)
        as one scaling from the raw values."""
        if after.n_features != self.n_features:
            raise DataError("scalings of different numbers of features do not compose")
        return Scaling(self.mean + self.scale * after.mean, self.scale * after.scale)

    def same_as(self, other: Scaling | None) -> bool:
        """True when ``other`` holds the very same numbers."""
        return (
            other is not None
            and np.array_equal(self.mean, other.mean)
            and np.array_equal(self.scale, other.scale)
        )

    def _check(self, values: ArrayLike) -> Array:
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.n_features:
            raise DataError(f"expected values of {self.n_features} features, got shape {arr.shape}")
        return arr

    def __repr__(self) -> str:
        return f"Scaling(mean={self.mean.tolist()}, scale={self.scale.tolist()})"
