"""Where labels already are (no Qt): :class:`Board` keeps labels off units,
off each other and, where asked, off edges they do not belong to.

A label is a :class:`PlacedLabel`: its text, type size and a rectangle
``(left, top, right, bottom)`` in view pixels; :meth:`Board.place` tests all
of a label's candidate spots at once, a few numpy operations per label.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from bpsim.viewmodel.network.fit import Measure
from bpsim.viewmodel.network.layout import (
    circles_under,
    overlap_areas,
    rects_near,
    segments_through,
)

Array = NDArray[np.float64]
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class PlacedLabel:
    """A line of text in ``rect`` (``left, top, right, bottom``), set in ``px``
    pixels (``bold``), in a rounded box when ``boxed``.

    ``role`` says what it is (``name``, ``bias``, ``delta``, ``output``,
    ``callout``, ``bias_callout``, ``edge``, ``caption``, ``title``), ``group``
    in which pass the view paints it (``units``, ``edges``, ``callout``,
    ``captions``), ``color`` the palette colour it takes (``foreground``,
    ``muted``, ``secondary``, ``backward`` or ``accent``), ``owner`` the unit
    ``(layer, j)`` or edge ``(layer, i, j)`` it belongs to, and ``current``
    whether it shows a number of the current frame.
    """

    text: str
    rect: Rect
    px: int
    bold: bool = False
    role: str = ""
    group: str = "units"
    color: str = "foreground"
    boxed: bool = False
    bordered: bool = False
    owner: tuple[int, ...] = ()
    current: bool = False
    yields: bool = False  # gives way to a current label that finds no other room

    @property
    def width(self) -> float:
        return self.rect[2] - self.rect[0]

    @property
    def height(self) -> float:
        return self.rect[3] - self.rect[1]

    def moved_to(self, left: float, top: float) -> PlacedLabel:
        left, top = float(left), float(top)
        return replace(self, rect=(left, top, left + self.width, top + self.height))


def make_label(
    text: str,
    px: int,
    measure: Measure,
    x: float = 0.0,
    y: float = 0.0,
    *,
    anchor: str = "center",
    bold: bool = False,
    boxed: bool = False,
    **kw: object,
) -> PlacedLabel:
    """A label whose box is centred on (x, y), or whose left or right edge is at x."""
    w, h = measure(text, px, bold)
    if boxed:
        pad = 0.3 * px  # about a quarter of a line
        w, h = w + 2 * pad, h + 0.4 * pad
    left = {"center": x - w / 2, "left": x, "right": x - w}[anchor]
    rect = (left, y - h / 2, left + w, y + h / 2)
    return PlacedLabel(text, rect, px, bold, boxed=boxed, **kw)  # type: ignore[arg-type]


class Board:
    """Placed labels, and units (rows x, y, r) labels keep ``pad`` away from,
    inside the view ``bounds`` (``left, top, right, bottom``)."""

    def __init__(self, bounds: Rect, pad: float, circles: Array) -> None:
        self.bounds = bounds
        self.pad = pad
        self.labels: list[PlacedLabel] = []
        self._circles = circles
        self._segments: Array = np.zeros((0, 4))
        self._segment_ids: list[tuple[int, ...]] = []
        self._rows: list[Rect] = []
        self._arrays: tuple[Array, NDArray[np.bool_]] | None = None

    def set_segments(self, segments: Array, ids: list[tuple[int, ...]]) -> None:
        """Edges (rows x0, y0, x1, y1, left to right) an edge's label keeps off."""
        self._segments, self._segment_ids = segments, ids

    def _label_arrays(self) -> tuple[Array, NDArray[np.bool_]]:
        if self._arrays is None:
            rects = np.array(self._rows, dtype=np.float64).reshape(-1, 4)
            self._arrays = rects, np.array([lab.yields for lab in self.labels], dtype=bool)
        return self._arrays

    def add(self, label: PlacedLabel, *, displace: bool = False) -> PlacedLabel:
        """Place ``label`` as it is; with ``displace`` the yielding labels it
        covers give way."""
        if displace and self.labels:
            rects, yields = self._label_arrays()
            gone = rects_near(np.array([label.rect]), rects, self.pad)[0] & yields
            if gone.any():
                keep = np.flatnonzero(~gone)
                self.labels = [self.labels[k] for k in keep]
                self._rows = [self._rows[k] for k in keep]
        self.labels.append(label)
        self._rows.append(label.rect)
        self._arrays = None
        return label

    def free(self, rect: Rect) -> bool:
        """Whether ``rect`` lies inside the view, clear of units and labels."""
        row = np.array([rect])
        b = self.bounds
        inside = b[0] <= rect[0] and b[1] <= rect[1] and rect[2] <= b[2] and rect[3] <= b[3]
        clear = circles_under(row, self._circles, self.pad)[0] == 0
        return bool(inside and clear and not self._overlaps(row).any())

    def place(
        self,
        label: PlacedLabel,
        centers: Array,
        *,
        edge: tuple[int, ...] | None = None,
        strict: bool = False,
        must: bool = False,
    ) -> PlacedLabel | None:
        """``label`` at the first of ``centers`` where it is clear of everything
        (given its own ``edge``, the other edges too; only there when
        ``strict``), else clear of labels and units; a label that ``must`` be
        shown then takes the room of yielding labels, else goes where it covers
        least (fewest units, then least text). Spots are kept inside the view."""
        w, h = label.width, label.height
        b = self.bounds
        left = np.clip(centers[:, 0] - w / 2, b[0], b[2] - w)
        top = np.clip(centers[:, 1] - h / 2, b[1], b[3] - h)
        rects = np.column_stack([left, top, left + w, top + h])
        inside = (rects[:, 0] >= b[0]) & (rects[:, 1] >= b[1])  # it fits at all
        clear = inside & (circles_under(rects, self._circles, self.pad) == 0)
        over = self._overlaps(rects)
        _, yields = self._label_arrays()
        tries = [clear & ~over.any(axis=1)]
        if edge is not None:
            uncrossed = tries[0] & ~self._crossed(rects, edge)
            tries = [uncrossed] if strict else [uncrossed, *tries]
        if must:
            tries += [clear & ~(over & ~yields).any(axis=1)]
        for ok in tries:
            if ok.any():
                k = int(np.argmax(ok))
                return self.add(label.moved_to(rects[k, 0], rects[k, 1]), displace=must)
        if not must:
            return None
        area = (over & ~yields) * overlap_areas(rects, self._label_arrays()[0])
        cost = circles_under(rects, self._circles, self.pad) * 1e12 + area.sum(axis=1)
        k = int(np.argmin(cost))
        return self.add(label.moved_to(rects[k, 0], rects[k, 1]), displace=True)

    def _overlaps(self, rects: Array) -> NDArray[np.bool_]:
        """(candidates, labels): which placed labels each rectangle comes near."""
        return rects_near(rects, self._label_arrays()[0], self.pad)

    def _crossed(self, rects: Array, own: tuple[int, ...]) -> NDArray[np.bool_]:
        """Whether an edge other than ``own`` runs through each rectangle."""
        hit = segments_through(rects, self._segments)
        if own in self._segment_ids:
            hit[:, self._segment_ids.index(own)] = False
        return np.asarray(hit.any(axis=1), dtype=bool)
