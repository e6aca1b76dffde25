"""The current frame's callouts (no Qt): the highlighted edge's (``w6: 0.45
→ 0.4087``, ``∂E/∂w5 = 0.08217``) on or beside its edge, a bias's
(``b_o1⁺ = …``) near the unit's bias slot. Always shown: in ever smaller
type until a spot covers nothing, else where they cover least
(:meth:`~bpsim.viewmodel.network.board.Board.place` with ``must``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from numpy.typing import NDArray

from bpsim.viewmodel.network.board import Board, PlacedLabel, make_label
from bpsim.viewmodel.network.fit import BELOW, RIGHT, Measure, ViewGeometry, text_px
from bpsim.viewmodel.network.highlight import Edge, Highlight, Unit
from bpsim.viewmodel.network.layout import Layout

Array = NDArray[np.float64]
CALLOUT_T = (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8, 0.13, 0.87, 0.06, 0.94)  # in this order


def around_spots(x: float, y: float, w: float, h: float) -> Array:
    """The last resort for a ``w`` × ``h`` callout: a grid of spots around
    (x, y), nearest rows first (half a line apart, up to four lines away)."""
    dxs = np.linspace(-2.5 * w, 2.5 * w, 21)
    rows = [0.0, *(0.5 * k * sign for k in range(1, 9) for sign in (-1, 1))]
    return np.vstack([np.column_stack([x + dxs, np.full_like(dxs, y + k * h)]) for k in rows])


def edge_points(lay: Layout, e: Edge, ts: Array) -> Array:
    """Points a fraction ``ts`` along edge ``e``."""
    x0, y0, x1, y1 = lay.segment(*e)
    return np.column_stack([x0 + ts * (x1 - x0), y0 + ts * (y1 - y0)])


class Callouts:
    """Places the callouts of ``hl`` on ``board`` (units' ``names`` placed)."""

    def __init__(
        self,
        board: Board,
        hl: Highlight | None,
        geo: ViewGeometry,
        measure: Measure,
        names: dict[Unit, PlacedLabel],
    ) -> None:
        self.board, self.hl, self.geo, self.m, self.names = board, hl, geo, measure, names
        self.lay, self.fp, self.r = geo.layout, geo.font_px, geo.layout.radius
        self.reach = self.r + 1.4 * geo.ring_w

    def edge(self) -> None:
        """The highlighted edge's callout: on the edge, else beside it."""
        hl = self.hl
        if hl is None or not hl.edge_label or not hl.edges:
            return
        on_edge = edge_points(self.lay, hl.edges[0], np.array(CALLOUT_T))
        fp, geo = self.fp, self.geo  # ever smaller, down to the smallest type
        sizes = sorted({geo.name_px, geo.small_px, text_px(0.65 * fp), text_px(0.5 * fp)})[::-1]

        def tries() -> Iterator[tuple[PlacedLabel, Array, Array]]:
            for px in sizes:
                lab = make_label(
                    hl.edge_label,
                    px,
                    self.m,
                    bold=True,
                    boxed=True,
                    bordered=True,
                    color="foreground",
                    role="callout",
                    group="callout",
                    owner=hl.edges[0],
                    current=True,
                )
                lift = np.array([0.0, 0.5 * lab.height + 0.3 * self.fp])
                beside = [on_edge + k * sign * lift for k in (1, 2, 3, 4, 5) for sign in (-1, 1)]
                mid = on_edge[0]
                around = around_spots(float(mid[0]), float(mid[1]), lab.width, lab.height)
                yield lab, np.vstack([on_edge, *beside]), around  # on it, else beside it

        self._first_fit(tries())

    def biases(self) -> None:
        """The bias callout of each unit the frame is about, near its bias slot."""
        hl = self.hl
        if hl is None or not hl.bias_label:
            return
        for unit in hl.main:
            self._first_fit(self._bias_tries(unit, hl.bias_label))

    def _bias_tries(self, unit: Unit, text: str) -> Iterator[tuple[PlacedLabel, Array, Array]]:
        """The bias callout ``text`` of ``unit`` in ever smaller type, with its spots."""
        geo, fp = self.geo, self.fp
        x, y = self.lay.center(*unit)
        name = self.names.get(unit)
        for px in sorted({geo.small_px, text_px(0.65 * fp), text_px(0.5 * fp)})[::-1]:
            lab = make_label(
                text,
                px,
                self.m,
                bold=True,
                boxed=True,
                bordered=True,
                color="accent",
                role="bias_callout",
                owner=unit,
                current=True,
            )
            w, h = lab.width, lab.height
            reach = self.reach + 0.3 * fp
            below = y + self.r + geo.bias_gap + 0.5 * h
            above = y - self.reach - geo.name_gap - 1.4 * geo.name_px - 0.5 * h
            right = x + reach + w / 2
            if name is not None and geo.name_side[unit[0]] == RIGHT:
                right = name.rect[2] + 0.3 * fp + w / 2  # right of its name
            beside = [(right, y), (x - geo.bias_dx[unit[0]] - w / 2, y)]
            first = [(x, below)] if geo.bias_side[unit[0]] == BELOW else beside[1:]
            spots = [
                *first,
                (x, below),
                *beside,
                *((x + dx, below + k * h) for k in (1, 2, 3) for dx in (0, -w / 2, w / 2)),
                *((x + dx, above - k * h) for k in (0, 1, 2) for dx in (0, -w / 2, w / 2)),
                (x - reach - w / 2, y + self.r),
                (x - reach - w / 2, y - self.r),
                *(
                    (bx, y + k * sign * h)
                    for k in (1, 2, 3)
                    for sign in (1, -1)
                    for bx, _ in beside
                ),
            ]
            yield lab, np.array(spots), around_spots(x, y, w, h)

    def _first_fit(self, tries: Iterable[tuple[PlacedLabel, Array, Array]]) -> None:
        """Each (label, spots, last-resort spots) in turn, in ever smaller type:
        the first spot that covers nothing, else the first last-resort spot
        that covers nothing, else (the smallest) where it covers least."""
        made = []
        for lab, spots, around in tries:  # made one by one, as they are needed
            if self.board.place(lab, spots) is not None:
                return
            made.append((lab, spots, around))
        for lab, _, around in made:
            if self.board.place(lab, around) is not None:
                return
        lab, spots, around = made[-1]
        self.board.place(lab, np.vstack([spots, around]), must=True)
