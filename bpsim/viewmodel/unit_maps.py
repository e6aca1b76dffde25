"""Unit maps: every hidden unit's output over the input plane.

Pure numpy, no Qt: :mod:`bpsim.ui.inside.unit_maps` draws what this returns.
For two-input data the network is evaluated once on a small grid over the
data (the data panel's range, :func:`bpsim.viewmodel.boundary.data_bounds`),
and every hidden layer's activations of that one vectorised forward pass
become one map per unit, as TensorFlow Playground draws them.

Each layer gets a colour range from its activation: tanh's (-1, 1) and
sigmoid's (0, 1) are fixed, so a map's colour means the same value at every
step; relu and the identity are unbounded, so their range is the layer's
largest magnitude on the grid, centred on 0 (0 is the neutral colour).
:func:`scaled` maps a unit's values to [-1, 1] for the diverging colour scale.
"""

# ruff: noqa: N803  (X for a data matrix, as in bpsim.model)

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.data.dataset import Dataset
from bpsim.model.errors import quiet_fp
from bpsim.viewmodel.boundary import Extent, data_bounds, grid_over, normalized, sample_coordinates

Array = NDArray[np.float64]

DEFAULT_RESOLUTION = 32
FIXED_RANGES: dict[str, tuple[float, float]] = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


class Layered(Protocol):
    """What unit maps need of a network (a :class:`Network` has it)."""

    sizes: tuple[int, ...]
    activation_names: tuple[str, ...]

    def forward_cache(self, X: Array) -> tuple[list[Array], list[Array]]: ...


@dataclass(frozen=True, eq=False)
class UnitMaps:
    """Hidden layer ``k``'s maps are ``layers[k]``, shape ``(units, ny, nx)``:
    row ``i`` of a map is the grid row at ``y_min + i·dy`` (as a
    :class:`~bpsim.viewmodel.boundary.Surface`). ``ranges[k]`` is the layer's
    colour range (low, high); ``names[k]`` its units' labels, as the network
    view names them: ``h2,3`` is hidden layer 2's third unit, and with a
    single hidden layer ``h3`` is its third."""

    extent: Extent
    layers: tuple[Array, ...]
    ranges: tuple[tuple[float, float], ...]
    names: tuple[tuple[str, ...], ...]
    activations: tuple[str, ...]

    @property
    def n_units(self) -> int:
        return sum(int(m.shape[0]) for m in self.layers)

    def unit(self, layer: int, unit: int) -> Array:
        """The map of hidden ``layer`` (0 = first hidden layer)'s ``unit``."""
        out: Array = self.layers[layer][unit]
        return out


def has_maps(data: Dataset) -> bool:
    """Whether ``data`` has a plane to draw maps over: exactly two inputs."""
    return data.n_features == 2


def no_maps_note(data: Dataset | None, sizes: tuple[int, ...] | None) -> str:
    """Why no maps are shown ('' if they are)."""
    if data is None:
        return "No data."
    if not has_maps(data):
        return f"Unit maps need two inputs (a plane to draw on); this data has {data.n_features}."
    if sizes is not None and len(sizes) < 3:
        return "This network has no hidden layer: its output is the data panel's surface."
    return ""


def grid_for_data(
    train: Dataset, test: Dataset | None = None, resolution: int = DEFAULT_RESOLUTION
) -> tuple[Array, tuple[int, int]]:
    """The grid's points over the data's range (the data panel's, with its
    margin) and its shape ``(ny, nx)``."""
    shown = [d for d in (train, test) if d is not None]
    lo, hi = data_bounds(np.vstack([np.column_stack(sample_coordinates(d)) for d in shown]))
    xs, ys, points = grid_over((lo[0], hi[0]), (lo[1], hi[1]), resolution)
    return points, (len(ys), len(xs))


def layer_range(activation: str, values: Array) -> tuple[float, float]:
    """The colour range of a layer with this activation and these values."""
    fixed = FIXED_RANGES.get(activation)
    if fixed is not None:
        return fixed
    finite = values[np.isfinite(values)]
    top = float(np.max(np.abs(finite))) if finite.size else 0.0
    top = top if top > 1e-12 else 1.0
    return -top, top


def unit_maps(net: Layered, points: ArrayLike, shape: tuple[int, int]) -> UnitMaps:
    """Every hidden unit's output on the grid ``points`` (``(ny·nx, 2)``, x
    varying fastest), from one forward pass. Non-finite values become 0."""
    pts = np.asarray(points, dtype=np.float64)
    ny, nx = shape
    if pts.shape != (ny * nx, 2) or net.sizes[0] != 2:
        raise ValueError(f"expected {ny * nx} points of two coordinates, got shape {pts.shape}")
    with quiet_fp():
        acts = net.forward_cache(pts)[1][1:-1]  # the hidden layers'

    def prefix(k: int) -> str:  # one hidden layer: h1, h2, …; more: h1,1, h2,1, …
        return "h" if len(acts) == 1 else f"h{k + 1},"

    layers: list[Array] = []
    ranges: list[tuple[float, float]] = []
    names: list[tuple[str, ...]] = []
    for a, name in zip(acts, net.activation_names, strict=False):
        values = np.nan_to_num(np.asarray(a, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        maps = np.ascontiguousarray(values.T.reshape(values.shape[1], ny, nx))
        layers.append(maps)
        ranges.append(layer_range(name, maps))
        names.append(tuple(f"{prefix(len(names))}{j + 1}" for j in range(maps.shape[0])))
    extent = (float(pts[0, 0]), float(pts[-1, 0]), float(pts[0, 1]), float(pts[-1, 1]))
    hidden = tuple(net.activation_names[: len(layers)])
    return UnitMaps(extent, tuple(layers), tuple(ranges), tuple(names), hidden)


def scaled(maps: UnitMaps, layer: int) -> Array:
    """Layer ``layer``'s maps mapped to [-1, 1] (the diverging scale): the
    low end of its range is -1 (blue), the high end +1 (orange)."""
    return normalized(maps.layers[layer], *maps.ranges[layer])
