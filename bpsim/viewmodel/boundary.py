"""What the data panel draws: the network's output over the input plane.

Pure numpy, no Qt: :mod:`bpsim.ui.panels.data_view` draws what these functions
return. For two inputs the network is evaluated on a grid that covers the
data (:func:`grid_for`, :func:`decision_surface`); the boundary between the
classes is traced with a vectorised marching squares (:func:`contour_segments`,
:func:`boundary_segments`). For one input the prediction is a curve
(:func:`curve_for`). :func:`plot_kind` says which of these fits a data set.

One surface of 80 × 80 points is one forward pass of 6,400 rows: a fraction
of a millisecond for a 2-8-8-1 network, cheap enough for every display frame.
"""

# ruff: noqa: N803  (X for a data matrix, as in bpsim.model)

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bpsim.model.data.dataset import Dataset
from bpsim.model.data.generator import derived_features, with_features

Array = NDArray[np.float64]
Rgba = NDArray[np.uint8]
PlotKind = Literal["binary", "multiclass", "value", "curve", "scatter"]
Extent = tuple[float, float, float, float]

DEFAULT_RESOLUTION = 80
DEFAULT_MARGIN = 0.1
# Rows per forward pass: the widest layer's activations stay under ~100 kB.
# glibc serves larger blocks with fresh mmap'd pages, and faulting those in
# made one 6,400-row pass of a 2-8-8-1 network 3x slower than four smaller ones.
CHUNK_ELEMENTS = 12_000


class Forward(Protocol):
    """What the functions here need of a network (a :class:`Network` has it)."""

    sizes: tuple[int, ...]

    def forward(self, X: ArrayLike) -> Array: ...


# -- which picture fits the data -------------------------------------------------


def plot_kind(data: Dataset) -> PlotKind:
    """The picture the data panel shows for ``data``:

    - ``"binary"``: two inputs, one 0/1 output: output surface and p = 0.5 line;
    - ``"multiclass"``: two inputs, one output per class: predicted class;
    - ``"value"``: two inputs, one regression output: the output's surface;
    - ``"curve"``: one input, one output: the prediction along x;
    - ``"scatter"``: anything else: the first two features, no surface.
    """
    if data.n_features == 1:
        return "curve" if data.n_outputs == 1 else "scatter"
    if data.n_features == 2 or derived_features(data):
        if data.task == "classification":
            return "binary" if data.n_outputs == 1 else "multiclass"
        if data.n_outputs == 1:
            return "value"
    return "scatter"


def scatter_note(data: Dataset) -> str:
    """Why a ``"scatter"`` picture shows no surface ('' for the other kinds)."""
    if plot_kind(data) != "scatter":
        return ""
    if data.n_features > 2:
        shown = f"{data.feature_names[0]} and {data.feature_names[1]}"
        return f"decision boundary shown for 2-D inputs only; showing {shown}"
    return f"{data.n_outputs} outputs: no single surface to show"


def sample_coordinates(data: Dataset) -> tuple[Array, Array]:
    """Where the samples are plotted: the first two features, or for one
    input, the input against the target (or the class index)."""
    if data.n_features >= 2:
        return data.X[:, 0], data.X[:, 1]
    if data.task == "classification" and data.n_outputs > 1:
        return data.X[:, 0], data.labels().astype(np.float64)
    return data.X[:, 0], data.Y[:, 0]


def feature_title(data: Dataset, j: int) -> str:
    """Feature ``j``'s column name with its unit: ``sepal_length (cm)``."""
    unit = data.feature_units[j]
    return f"{data.feature_names[j]} ({unit})" if unit else data.feature_names[j]


def axis_labels(data: Dataset) -> tuple[str, str]:
    """The (bottom, left) axis titles that go with :func:`sample_coordinates`:
    column names and units (the values are the raw ones; see
    :mod:`bpsim.viewmodel.units`)."""
    if data.n_features >= 2:
        return feature_title(data, 0), feature_title(data, 1)
    if data.task == "classification" and data.n_outputs == 1:
        assert data.class_names is not None
        return feature_title(data, 0), f"p({data.class_names[1]})"
    if data.task == "classification":
        return feature_title(data, 0), "class"
    return feature_title(data, 0), data.target_name or "y"


# -- the grid --------------------------------------------------------------------


def data_bounds(X: ArrayLike, margin: float = DEFAULT_MARGIN) -> tuple[Array, Array]:
    """Per-column ``(low, high)`` covering ``X`` plus ``margin`` × its span on
    each side; a column without spread gets ±0.5 around its value."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2 or len(arr) == 0:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {arr.shape}")
    if margin < 0:
        raise ValueError("the margin must not be negative")
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    span = hi - lo
    pad = np.where(span > 0, margin * span, 0.5)
    return lo - pad, hi + pad


def grid_for(
    X: ArrayLike, resolution: int = DEFAULT_RESOLUTION, margin: float = DEFAULT_MARGIN
) -> tuple[Array, Array, Array]:
    """A ``resolution`` × ``resolution`` grid over two-column data.

    Returns ``(xs, ys, points)``: the grid's x and y coordinates and its
    points, one row each, x varying fastest (``points.reshape(ny, nx, 2)``
    gives rows of constant y).
    """
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"a grid needs data with two columns, got shape {arr.shape}")
    lo, hi = data_bounds(arr, margin)
    return grid_over((lo[0], hi[0]), (lo[1], hi[1]), resolution)


def grid_over(
    x_range: tuple[float, float], y_range: tuple[float, float], resolution: int
) -> tuple[Array, Array, Array]:
    """A ``resolution`` × ``resolution`` grid whose outermost points lie on
    the ends of ``x_range`` and ``y_range``; returns ``(xs, ys, points)`` as
    :func:`grid_for` does."""
    if resolution < 2:
        raise ValueError("the resolution must be 2 or more")
    xs = np.linspace(float(x_range[0]), float(x_range[1]), resolution)
    ys = np.linspace(float(y_range[0]), float(y_range[1]), resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    return xs, ys, points


# -- the surface -----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Surface:
    """The network's answer on a grid of ``shape = (ny, nx)`` points.

    ``extent`` is ``(x_min, x_max, y_min, y_max)`` of the grid points (the
    centres of the edge cells). Row ``i`` of every array is the grid row at
    ``y_min + i·dy``. A single output gives ``values`` (a sigmoid's lie in
    [0, 1]); several outputs give ``classes``, the index of the largest
    output, and ``confidence``, its probability (softmax) or its value
    clipped to [0, 1]. ``outputs`` keeps every output, ``(ny, nx, k)``.
    """

    extent: Extent
    outputs: Array
    values: Array | None
    classes: NDArray[np.int64] | None
    confidence: Array | None

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.outputs.shape[0]), int(self.outputs.shape[1])

    @property
    def multiclass(self) -> bool:
        return self.classes is not None

    @property
    def n_outputs(self) -> int:
        return int(self.outputs.shape[2])


def forward_in_chunks(net: Forward, points: Array) -> Array:
    """``net.forward(points)``, in blocks of rows small enough to stay in
    the allocator's reused memory (see ``CHUNK_ELEMENTS``)."""
    rows = max(32, CHUNK_ELEMENTS // max(net.sizes))
    if len(points) <= rows:
        return net.forward(points)
    out = np.empty((len(points), net.sizes[-1]))
    for start in range(0, len(points), rows):
        out[start : start + rows] = net.forward(points[start : start + rows])
    return out


def network_inputs(data: Dataset | None, points: Array) -> Array:
    """What the network sees at ``points`` of the plotted plane: the points
    themselves, or for data with derived features (``x1²``, ``sin x1``…) the
    points with those features added, computed on the raw values and scaled
    as the data were."""
    features = None if data is None else derived_features(data)
    if data is None or not features:
        return points
    scaling = data.input_scaling
    if scaling is None:
        return with_features(points, features)
    raw = points * scaling.scale[:2] + scaling.mean[:2]
    return scaling.to_network(with_features(raw, features))


def decision_surface(
    net: Forward, points: ArrayLike, shape: tuple[int, int], data: Dataset | None = None
) -> Surface:
    """One forward pass over the grid ``points`` (from :func:`grid_for`),
    arranged as ``shape = (ny, nx)``. With ``data`` that have derived
    features, the network sees them at every point (:func:`network_inputs`).
    Non-finite outputs (a diverged network) become 0."""
    pts = np.asarray(points, dtype=np.float64)
    ny, nx = shape
    if pts.shape != (ny * nx, 2):
        raise ValueError(f"expected {ny * nx} points of two coordinates, got shape {pts.shape}")
    out = forward_in_chunks(net, network_inputs(data, pts))
    out = np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
    k = out.shape[1]
    outputs = out.reshape(ny, nx, k)
    extent = (float(pts[0, 0]), float(pts[-1, 0]), float(pts[0, 1]), float(pts[-1, 1]))
    if k == 1:
        return Surface(extent, outputs, outputs[:, :, 0], None, None)
    classes: NDArray[np.int64] = np.argmax(outputs, axis=2).astype(np.int64)
    best = np.take_along_axis(outputs, classes[:, :, None], axis=2)[:, :, 0]
    return Surface(extent, outputs, None, classes, np.clip(best, 0.0, 1.0))


def curve_for(
    net: Forward, X: ArrayLike, n: int = 200, margin: float = DEFAULT_MARGIN
) -> tuple[Array, Array]:
    """The network's first output along the range of one-column data ``X``
    (plus ``margin``): ``(xs, ys)`` of ``n`` points."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 1:
        raise ValueError(f"a curve needs data with one column, got shape {arr.shape}")
    if n < 2:
        raise ValueError("a curve needs 2 points or more")
    lo, hi = data_bounds(arr, margin)
    xs = np.linspace(lo[0], hi[0], n)
    ys = np.nan_to_num(net.forward(xs[:, None])[:, 0], nan=0.0, posinf=0.0, neginf=0.0)
    return xs, ys


# -- contour lines -----------------------------------------------------------------


def contour_segments(field: ArrayLike, level: float, extent: Extent) -> Array:
    """The line where ``field`` (``(ny, nx)`` on a regular grid spanning
    ``extent``) crosses ``level``, as segments: rows ``2i`` and ``2i + 1``
    are the ends of segment ``i`` (for a line drawn with ``connect="pairs"``).

    Marching squares with linear interpolation along the cell edges; a
    saddle cell is resolved by the mean of its corners.
    """
    f = np.asarray(field, dtype=np.float64)
    if f.ndim != 2 or min(f.shape) < 2:
        raise ValueError(f"the field must be 2-D with at least 2 × 2 points, got {f.shape}")
    ny, nx = f.shape
    xs = np.linspace(extent[0], extent[1], nx)
    ys = np.linspace(extent[2], extent[3], ny)
    above = f > level

    def crossing(a: Array, b: Array, pa: Array, pb: Array) -> tuple[NDArray[np.bool_], Array]:
        cut = (a > level) != (b > level)
        denom = np.where(cut, b - a, 1.0)
        t = np.clip(np.where(cut, (level - a) / denom, 0.0), 0.0, 1.0)
        return cut, pa + t * (pb - pa)

    # crossings on the horizontal edges (ny, nx-1) and vertical edges (ny-1, nx)
    h_cut, h_x = crossing(f[:, :-1], f[:, 1:], xs[None, :-1], xs[None, 1:])
    v_cut, v_y = crossing(f[:-1, :], f[1:, :], ys[:-1, None], ys[1:, None])
    h_y = np.broadcast_to(ys[:, None], h_x.shape)
    v_x = np.broadcast_to(xs[None, :], v_y.shape)
    # the four edges of every cell: bottom, right, top, left -> (4, ny-1, nx-1)
    cut = np.stack([h_cut[:-1], v_cut[:, 1:], h_cut[1:], v_cut[:, :-1]])
    px = np.stack([h_x[:-1], v_x[:, 1:], h_x[1:], v_x[:, :-1]])
    py = np.stack([h_y[:-1], v_y[:, 1:], h_y[1:], v_y[:, :-1]])
    cut, px, py = cut.reshape(4, -1), px.reshape(4, -1), py.reshape(4, -1)
    count = cut.sum(axis=0)

    single = np.flatnonzero(count == 2)
    first = np.argmax(cut[:, single], axis=0)
    last = 3 - np.argmax(cut[::-1, single], axis=0)
    pairs = [(single, first, last)]

    saddle = np.flatnonzero(count == 4)
    if len(saddle):
        corners = np.stack([f[:-1, :-1], f[:-1, 1:], f[1:, 1:], f[1:, :-1]]).reshape(4, -1)
        centre_above = corners[:, saddle].mean(axis=0) > level
        a_above = above[:-1, :-1].ravel()[saddle]
        # True: the line cuts off corners b and d (bottom-right, top-left pairs)
        cut_bd = a_above == centre_above
        bottom = np.zeros(len(saddle), dtype=np.int64)
        bottom_to = np.where(cut_bd, 1, 3)  # to the right edge (cut_bd) or the left
        top_or_right = np.where(cut_bd, 2, 1)
        other_end = np.where(cut_bd, 3, 2)  # top-left (cut_bd) or right-top
        pairs += [(saddle, bottom, bottom_to), (saddle, top_or_right, other_end)]

    segments = []
    for cells, start, end in pairs:
        ends = np.empty((len(cells), 2, 2))
        ends[:, 0, 0], ends[:, 0, 1] = px[start, cells], py[start, cells]
        ends[:, 1, 0], ends[:, 1, 1] = px[end, cells], py[end, cells]
        segments.append(ends.reshape(-1, 2))
    return np.concatenate(segments) if segments else np.empty((0, 2))


def boundary_segments(surface: Surface, level: float = 0.5) -> Array:
    """The decision boundary of a surface as segments (see
    :func:`contour_segments`): where a single output crosses ``level``, or
    where the predicted class changes (each class's output equals the
    largest other one)."""
    if not surface.multiclass:
        assert surface.values is not None
        return contour_segments(surface.values, level, surface.extent)
    out = surface.outputs
    ranked = np.sort(out, axis=2)
    top, second = ranked[:, :, -1], ranked[:, :, -2]
    parts = []
    for c in range(surface.n_outputs - 1):  # every pair of classes involves one of 0..k-2
        own = out[:, :, c]
        best_other = np.where(own >= top, second, top)
        parts.append(contour_segments(own - best_other, 0.0, surface.extent))
    return np.concatenate(parts)


# -- colours -----------------------------------------------------------------------


def normalized(values: ArrayLike, lo: float, hi: float) -> Array:
    """``values`` mapped from ``[lo, hi]`` to [-1, 1], clipped (0 if ``hi <= lo``)."""
    v = np.asarray(values, dtype=np.float64)
    if hi <= lo:
        return np.zeros_like(v)
    out: Array = np.clip(2.0 * (v - lo) / (hi - lo) - 1.0, -1.0, 1.0)
    return out


def shade(
    surface: Surface,
    background: ArrayLike,
    colors: ArrayLike,
    strength: float,
    value_range: tuple[float, float] | None = None,
) -> Rgba:
    """The surface as an opaque RGBA image ``(ny, nx, 4)``.

    ``colors`` are RGB rows, one per class. A single output blends the
    ``background`` towards ``colors[0]`` below its middle and ``colors[1]``
    above it, in proportion to the distance from the middle (0.5, or the
    middle of ``value_range`` for a regression output): the middle is the
    background itself. Several outputs blend towards the predicted class's
    colour, more strongly where the network is sure. ``strength`` is the
    blend at the extremes (0..1).
    """
    bg = np.asarray(background, dtype=np.float64)[:3]
    rgb_rows = np.asarray(colors, dtype=np.float64)[:, :3]
    if surface.multiclass:
        assert surface.classes is not None and surface.confidence is not None
        k = surface.n_outputs
        sure = np.clip((surface.confidence - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
        alpha = strength * (0.25 + 0.75 * sure)
        target = rgb_rows[surface.classes % len(rgb_rows)]
    else:
        assert surface.values is not None
        if value_range is None:
            scaled = 2.0 * np.clip(surface.values, 0.0, 1.0) - 1.0
        else:
            scaled = normalized(surface.values, *value_range)
        alpha = strength * np.abs(scaled)
        target = np.where((scaled < 0)[:, :, None], rgb_rows[0], rgb_rows[1])
    rgba = np.empty((*surface.shape, 4), dtype=np.uint8)
    rgba[:, :, :3] = np.rint(bg + alpha[:, :, None] * (target - bg))
    rgba[:, :, 3] = 255
    return rgba


def pixel_rect(surface: Surface) -> tuple[float, float, float, float]:
    """``(x, y, width, height)`` the image covers: every grid point is the
    centre of its pixel."""
    x0, x1, y0, y1 = surface.extent
    ny, nx = surface.shape
    dx, dy = (x1 - x0) / max(nx - 1, 1), (y1 - y0) / max(ny - 1, 1)
    return x0 - dx / 2, y0 - dy / 2, nx * dx, ny * dy
