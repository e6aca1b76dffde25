"""Where the network view puts units and edges (numpy only, no Qt).

:func:`layout_network` places the layers left to right in a ``width`` ×
``height`` picture; the :class:`Layout` it returns answers where a unit or an
edge is and which one lies under a point (hit testing for hover and tooltips).
Layers are indexed as in :mod:`bpsim.viewmodel.network.scene`: layer 0 is the input layer and
the edge ``(l, i, j)`` runs from unit ``i`` of layer ``l - 1`` to unit ``j`` of
layer ``l``.

For placing labels, :func:`rects_near`, :func:`circles_under`,
:func:`segments_through` and :func:`overlap_areas` test many rectangles (rows
``left, top, right, bottom``) against units and edges at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Layout:
    """Where the units sit in a ``width`` × ``height`` picture (pixels).

    Layers run left to right at ``xs``; ``ys[l]`` are the centres of layer
    ``l``'s units; every unit is a circle of ``radius``.
    """

    width: float
    height: float
    xs: Array
    ys: tuple[Array, ...]
    radius: float

    def center(self, layer: int, j: int) -> tuple[float, float]:
        return float(self.xs[layer]), float(self.ys[layer][j])

    def segment(self, layer: int, i: int, j: int) -> tuple[float, float, float, float]:
        """Edge ``(layer, i, j)`` from the source's rim to the target's rim."""
        x0, y0 = self.center(layer - 1, i)
        x1, y1 = self.center(layer, j)
        length = float(np.hypot(x1 - x0, y1 - y0)) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        r = self.radius
        return x0 + ux * r, y0 + uy * r, x1 - ux * r, y1 - uy * r

    def unit_at(self, x: float, y: float, slack: float = 2.0) -> tuple[int, int] | None:
        """The unit under the point, if any."""
        layer = int(np.argmin(np.abs(self.xs - x)))
        if abs(self.xs[layer] - x) > self.radius + slack:
            return None
        d = np.hypot(self.ys[layer] - y, self.xs[layer] - x)
        j = int(np.argmin(d))
        return (layer, j) if d[j] <= self.radius + slack else None

    def edge_at(
        self, x: float, y: float, tol: float, visible: Sequence[NDArray[np.bool_]] | None = None
    ) -> tuple[int, int, int] | None:
        """The edge nearest to the point within ``tol`` pixels (hidden edges skipped)."""
        layer = int(np.searchsorted(self.xs, x))
        if not 1 <= layer < len(self.xs):
            return None
        x0, x1 = self.xs[layer - 1], self.xs[layer]
        y0 = self.ys[layer - 1][:, None]
        y1 = self.ys[layer][None, :]
        # nearest point of each segment, by projecting onto it
        dx, dy = x1 - x0, y1 - y0
        s = np.clip(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        dist = np.hypot(x0 + s * dx - x, y0 + s * dy - y)
        if visible is not None:
            dist = np.where(visible[layer - 1], dist, np.inf)
        i, j = np.unravel_index(int(np.argmin(dist)), dist.shape)
        return (layer, int(i), int(j)) if dist[i, j] <= tol else None


def layout_network(
    sizes: Sequence[int],
    width: float,
    height: float,
    *,
    margins: tuple[float, float, float, float] = (40.0, 40.0, 40.0, 40.0),
    max_radius: float = 60.0,
    label_gap: float = 0.0,
    radius: float | None = None,
) -> Layout:
    """Lay out layers left to right inside ``margins`` (left, top, right, bottom).

    The densest layer fills the height; sparser layers keep a pitch of a few
    radii so that a 2-unit input layer does not drift to the corners. Units
    shrink to leave ``label_gap`` pixels between them for a name, unless that
    would leave a radius under a fifth of their pitch (then names are left out).
    A given ``radius`` is used as it is (:func:`bpsim.viewmodel.network.fit.fit_geometry`
    decides it).
    """
    left, top, right, bottom = margins
    avail_w = max(width - left - right, 1.0)
    avail_h = max(height - top - bottom, 1.0)
    n_layers = len(sizes) - 1
    pitch_x = avail_w / max(n_layers, 1)
    r = min(0.36 * avail_h / max(sizes), 0.14 * pitch_x, max_radius)
    dense_pitch = avail_h / max(sizes)
    if label_gap > 0 and (dense_pitch - label_gap) / 2 >= 0.2 * dense_pitch:
        r = min(r, (dense_pitch - label_gap) / 2)
    r = max(r, 1.5) if radius is None else float(radius)
    xs = np.linspace(left + r, width - right - r, len(sizes)) if n_layers else np.array([width / 2])
    mid = top + avail_h / 2
    ys: list[Array] = []
    for n in sizes:
        pitch = min(avail_h / n, max(avail_h / max(sizes), 4.5 * r))
        ys.append(mid + (np.arange(n, dtype=np.float64) - (n - 1) / 2) * pitch)
    return Layout(float(width), float(height), xs, tuple(ys), float(r))


def rects_near(rects: Array, others: Array, pad: float) -> BoolArray:
    """(len(rects), len(others)): which rectangles come within ``pad`` of which others."""
    a, b = rects[:, None, :], others[None, :, :]
    near: BoolArray = (
        (a[..., 0] - pad < b[..., 2])
        & (a[..., 2] + pad > b[..., 0])
        & (a[..., 1] - pad < b[..., 3])
        & (a[..., 3] + pad > b[..., 1])
    )
    return near


def circles_under(rects: Array, circles: Array, pad: float) -> NDArray[np.int64]:
    """How many circles (rows x, y, r) each rectangle comes within ``pad`` of."""
    c = circles[None, :, :]
    nx = np.clip(c[..., 0], rects[:, 0:1], rects[:, 2:3])  # the nearest point of the rectangle
    ny = np.clip(c[..., 1], rects[:, 1:2], rects[:, 3:4])
    count: NDArray[np.int64] = (np.hypot(nx - c[..., 0], ny - c[..., 1]) < c[..., 2] + pad).sum(1)
    return count


def segments_through(rects: Array, segments: Array) -> BoolArray:
    """(len(rects), len(segments)): which segments (rows x0, y0, x1, y1, with
    x0 < x1 as every edge runs left to right) pass through which rectangles:
    where the ranges of the segment's parameter within the rectangle's x and y
    extents overlap inside [0, 1]."""
    x0, y0, x1, y1 = (v[None, :] for v in segments.T)
    left, top, right, bottom = (v[:, None] for v in rects.T)
    with np.errstate(divide="ignore", invalid="ignore"):  # horizontal: 1/0, then 0*inf
        inv_dx, inv_dy = 1.0 / (x1 - x0), 1.0 / (y1 - y0)
        ya, yb = (top - y0) * inv_dy, (bottom - y0) * inv_dy
        lo = np.maximum(np.maximum((left - x0) * inv_dx, np.minimum(ya, yb)), 0.0)
        hi = np.minimum(np.minimum((right - x0) * inv_dx, np.maximum(ya, yb)), 1.0)
        through: BoolArray = lo <= hi
    return through


def overlap_areas(rects: Array, others: Array) -> Array:
    """(len(rects), len(others)): the area each rectangle shares with each other one."""
    a, b = rects[:, None, :], others[None, :, :]
    w = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    h = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    area: Array = np.clip(w, 0, None) * np.clip(h, 0, None)
    return area
