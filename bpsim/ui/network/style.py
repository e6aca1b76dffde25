"""Fonts, pens, text and label decisions of the network view for one size and palette.

:class:`NetworkStyle` measures once per widget size (fonts scale with it, never
below :data:`MIN_TEXT_PX`) and decides, per layer, which labels fit between the
units: names, biases, values inside the circles, weights on the edges. Text is
set with subscripts as the formula card sets it (``h2_1`` as h with a lowered
``2,1``): :func:`rich_runs` splits it, a :class:`Label` measures and paints it,
and a :class:`LabelBoard` keeps labels from covering units and each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from bpsim.ui.colors import Palette, PenBank
from bpsim.viewmodel.layout import (
    Layout,
    circles_under,
    overlap_areas,
    rects_near,
    segments_through,
)

MAX_LABELLED_EDGES = 24  # small networks show every weight on its edge
MIN_TEXT_PX = 10  # no label is smaller, whatever the widget size or font scale
MIN_FONT_PX = 12.5  # the base font size below which labels would shrink under MIN_TEXT_PX
SUB_SCALE, SUB_DROP = 0.75, 0.2  # a subscript's size and how far it is lowered (em)
LINE = 1.32  # a line of text (with a name's subscript) is at most this many pixel sizes high

BoolArray = NDArray[np.bool_]
Run = tuple[str, bool]  # a piece of text, and whether it is a subscript

# a name: letters, then a number and/or "_part"s, not glued to a preceding
# letter, digit or "." (so "1.2e−5" keeps its "e"); as the formula card's
_NAME = re.compile(
    r"(?<![\w.])(?P<base>[^\W\d_]+)(?P<number>\d*)"
    r"(?P<parts>(?:_[^\W_\u00b2\u00b3\u00b9\u2070-\u209f]+)*)"  # a square is not a subscript
)


def font_px_for(width: float, height: float, scale: float) -> float:
    """The view's base font size: it follows the widget size and the font scale,
    and never goes below the size at which secondary text is :data:`MIN_TEXT_PX`."""
    base = min(max(min(width / 72, height / 40), MIN_FONT_PX), 48.0)
    return max(base * scale, MIN_FONT_PX)


@lru_cache(maxsize=512)
def _font(px: int, bold: bool) -> QFont:
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def font(px: float, *, bold: bool = False, floor: int = MIN_TEXT_PX) -> QFont:
    """A (shared, do not modify) font of ``px`` pixels, at least ``floor``."""
    return _font(max(floor, round(px)), bold)


@lru_cache(maxsize=512)
def _metrics(px: int, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(_font(px, bold))


def metrics(f: QFont) -> QFontMetricsF:
    return _metrics(f.pixelSize(), f.bold())


def sub_font(f: QFont) -> QFont:
    return font(SUB_SCALE * f.pixelSize(), bold=f.bold(), floor=9)


@lru_cache(maxsize=2048)
def rich_runs(text: str) -> tuple[Run, ...]:
    """``text`` in runs, names' numbers and parts as subscripts: ``w5`` → w, 5;
    ``h2_1`` → h, 2,1; ``∂E/∂b_o1`` → ∂E/∂b, o1. Numbers stay as they are."""
    runs: list[Run] = []
    pos = 0
    for m in _NAME.finditer(text):
        sub = ",".join(s for s in (m["number"], *m["parts"].split("_")) if s)
        if sub:
            runs += [(text[pos : m.end("base")], False), (sub, True)]
            pos = m.end()
    if pos < len(text):
        runs.append((text[pos:], False))
    return tuple(r for r in runs if r[0])


@dataclass(frozen=True)
class SetText:
    """Text set in a font: where each run starts (x from the left, y from the
    baseline), the width and the height (a subscript adds its drop)."""

    runs: tuple[Run, ...]
    font: QFont
    offsets: tuple[tuple[float, float], ...]
    width: float
    height: float
    ascent: float

    def draw(self, p: QPainter, x: float, baseline: float) -> None:
        """Draw the text from ``x`` on ``baseline`` in the painter's pen."""
        sf = sub_font(self.font)
        for (text, is_sub), (dx, dy) in zip(self.runs, self.offsets, strict=True):
            p.setFont(sf if is_sub else self.font)
            p.drawText(QPointF(x + dx, baseline + dy), text)


@lru_cache(maxsize=4096)
def _set_text(text: str, px: int, bold: bool) -> SetText:
    f = _font(px, bold)
    runs = rich_runs(text)
    fm, sub = metrics(f), metrics(sub_font(f))
    drop = SUB_DROP * px
    x, height, offsets = 0.0, fm.height(), []
    for run, is_sub in runs:
        offsets.append((x, drop if is_sub else 0.0))
        x += (sub if is_sub else fm).horizontalAdvance(run)
        if is_sub:
            height = max(height, fm.ascent() + drop + sub.descent())
    return SetText(runs, f, tuple(offsets), x, height, fm.ascent())


def set_text(text: str, f: QFont) -> SetText:
    """``text`` with its names' subscripts (:func:`rich_runs`), set in ``f``."""
    return _set_text(text, f.pixelSize(), f.bold())


@dataclass
class Label:
    """A line of text (in a rounded box when ``boxed``) in ``rect``."""

    rect: QRectF
    text: SetText
    color: QColor
    boxed: bool = False
    border: QColor | None = None
    yields: bool = False  # gives way to a callout that finds no other room

    @classmethod
    def at(
        cls,
        text: str,
        f: QFont,
        color: QColor,
        x: float,
        y: float,
        *,
        anchor: str = "center",
        boxed: bool = False,
        border: QColor | None = None,
    ) -> Label:
        """A label whose box is centred on (x, y), or whose left or right edge is at x."""
        st = set_text(text, f)
        w, h = st.width, st.height
        if boxed:
            pad = 0.25 * metrics(f).height()
            w, h = w + 2 * pad, h + 0.4 * pad
        left = {"center": x - w / 2, "left": x, "right": x - w}[anchor]
        return cls(QRectF(left, y - h / 2, w, h), st, color, boxed, border)

    @property
    def plain_text(self) -> str:
        return "".join(text for text, _ in self.text.runs)

    def paint(self, p: QPainter, background: QColor) -> None:
        box, st = self.rect, self.text
        if self.boxed:
            h = box.height()
            p.setPen(QPen(self.border, 1.6) if self.border is not None else Qt.PenStyle.NoPen)
            p.setBrush(background)
            p.drawRoundedRect(box, h / 4, h / 4)
        p.setPen(self.color)
        c = box.center()
        st.draw(p, c.x() - st.width / 2, c.y() - st.height / 2 + st.ascent)


class LabelBoard:
    """Where labels already are: placed labels and unit circles (with ``pad``).

    :meth:`place` tests all of a label's candidate spots at once (as arrays of
    rectangles ``left, top, right, bottom``): a few numpy operations per label.
    """

    def __init__(self, bounds: QRectF, pad: float) -> None:
        self.bounds = bounds
        self.pad = pad
        self.labels: list[Label] = []
        self._circles = np.zeros((0, 3))
        self._segments = np.zeros((0, 4))  # x0, y0, x1, y1: edges a label should not cross
        self._segment_ids: list[tuple[int, ...]] = []
        self._rect_rows: list[tuple[float, float, float, float]] = []  # of self.labels
        self._arrays: tuple[NDArray[np.float64], NDArray[np.bool_]] | None = None

    def set_obstacles(
        self,
        circles: NDArray[np.float64],
        segments: NDArray[np.float64],
        segment_ids: list[tuple[int, ...]],
    ) -> None:
        """Units (rows x, y, r) and edges (rows x0, y0, x1, y1) labels keep off."""
        self._circles, self._segments, self._segment_ids = circles, segments, segment_ids

    @property
    def _rects(self) -> NDArray[np.float64]:
        return self._label_arrays()[0]

    @property
    def _yields(self) -> NDArray[np.bool_]:
        return self._label_arrays()[1]

    def _label_arrays(self) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        if self._arrays is None:
            rects = np.array(self._rect_rows, dtype=np.float64).reshape(-1, 4)
            self._arrays = rects, np.array([lab.yields for lab in self.labels], dtype=bool)
        return self._arrays

    def add(self, label: Label, *, yielding: bool = False, displace: bool = False) -> Label:
        """Place ``label``; one that is ``yielding`` gives way to a callout that
        finds no other room, one placed with ``displace`` takes the room of those."""
        r = label.rect
        row = (r.left(), r.top(), r.right(), r.bottom())
        if displace and self.labels:
            gone = self._overlaps(np.array([row]))[0] & self._yields
            if gone.any():
                keep = np.flatnonzero(~gone)
                self.labels = [self.labels[k] for k in keep]
                self._rect_rows = [self._rect_rows[k] for k in keep]
        label.yields = yielding
        self.labels.append(label)
        self._rect_rows.append(row)
        self._arrays = None
        return label

    def place(
        self,
        label: Label,
        centers: NDArray[np.float64],
        *,
        edge: tuple[int, ...] | None = None,
        must: bool = False,
    ) -> Label | None:
        """``label`` at the first of ``centers`` where it is clear of everything
        (the other edges too, given the label's own ``edge``), else clear of
        labels and units; a label that ``must`` be shown then takes the room of
        yielding labels, else covers labels, else goes where it covers least
        (fewest units, then least text). Spots are kept inside the picture."""
        w, h = label.rect.width(), label.rect.height()
        b = self.bounds
        left = np.clip(centers[:, 0] - w / 2, b.left(), b.right() - w)
        top = np.clip(centers[:, 1] - h / 2, b.top(), b.bottom() - h)
        rects = np.column_stack([left, top, left + w, top + h])
        inside = (rects[:, 0] >= b.left()) & (rects[:, 1] >= b.top())  # it fits at all
        clear = inside & (self._units_covered(rects) == 0)
        over = self._overlaps(rects)
        tries = [clear & ~over.any(axis=1)]
        if edge is not None:
            tries.insert(0, tries[0] & ~self._crossed(rects, edge))
        if must:
            tries += [clear & ~(over & ~self._yields).any(axis=1), clear]
        for ok in tries:
            if ok.any():
                return self.add(_moved(label, rects[int(np.argmax(ok))]), displace=must)
        if not must:
            return None
        area = (over & ~self._yields) * overlap_areas(rects, self._rects)
        cost = self._units_covered(rects) * 1e12 + area.sum(axis=1)
        return self.add(_moved(label, rects[int(np.argmin(cost))]), displace=True)

    def free(self, rect: QRectF) -> bool:
        """Whether ``rect`` lies inside the picture, clear of units and labels."""
        row = np.array([[rect.left(), rect.top(), rect.right(), rect.bottom()]])
        clear = self._units_covered(row)[0] == 0 and not self._overlaps(row).any()
        return bool(clear) and self.bounds.contains(rect)

    def kept(self, labels: list[Label]) -> list[Label]:
        """Those of ``labels`` still placed (not displaced)."""
        ids = {id(lab) for lab in self.labels}
        return [lab for lab in labels if id(lab) in ids]

    def _overlaps(self, rects: NDArray[np.float64]) -> NDArray[np.bool_]:
        """(candidates, labels): which placed labels each rectangle comes near."""
        return rects_near(rects, self._rects, self.pad)

    def _units_covered(self, rects: NDArray[np.float64]) -> NDArray[np.int64]:
        return circles_under(rects, self._circles, self.pad)

    def _crossed(self, rects: NDArray[np.float64], own: tuple[int, ...]) -> NDArray[np.bool_]:
        """Whether an edge other than ``own`` runs through each rectangle."""
        hit = segments_through(rects, self._segments)
        if own in self._segment_ids:
            hit[:, self._segment_ids.index(own)] = False
        return np.asarray(hit.any(axis=1), dtype=bool)


def _moved(label: Label, rect: NDArray[np.float64]) -> Label:
    box = QRectF(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1])
    return Label(box, label.text, label.color, label.boxed, label.border)


class NetworkStyle:
    """Fonts, pens, margins and which labels fit, for one widget size and palette.

    Call :meth:`set_layout` once the units are placed and :meth:`set_edges`
    once the edges are quantized (:class:`~bpsim.ui.network.paint.NetworkPainter`
    then hands out boards to place labels on).
    """

    def __init__(self, sizes: tuple[int, ...], pal: Palette, fp: float, *, legend: bool) -> None:
        self.sizes = sizes
        self.pal = pal
        self.font_px = fp
        self.f_name = font(0.95 * fp, bold=True)
        self.f_small = font(0.8 * fp)
        self.f_small_bold = font(0.8 * fp, bold=True)
        self.f_caption = font(0.9 * fp, bold=True)
        self.f_tag = font(fp, bold=True)
        self.fm_small = metrics(self.f_small)
        cap_h = metrics(self.f_caption).height()
        # captions: title, activation, a gap, E; then the legend strip
        self.captions_h = 0.3 * fp + 2 * cap_h + self.fm_small.height() + 0.35 * fp
        bottom = self.captions_h + (2.2 * fp if legend else 0.4 * fp)
        # the right margin grows by the room the output units' labels take
        # (NetworkPainter.make_room, measured on a scene)
        self.margins = (1.0 * fp, 2.9 * fp, 1.4 * fp, bottom)
        # the gap between units that a name of 0.4 of the font size (at least
        # MIN_TEXT_PX) needs, see set_layout (a highlight ring is at most 0.2 fp wide)
        self.name_room = LINE * max(MIN_TEXT_PX, 0.4 * fp) + max(0.15 * fp, 0.28 * fp + 1.5) + 1.5
        self.unit_pen = QPen(pal.outline, max(1.0, 0.1 * fp))
        self.unknown_pen = QPen(pal.muted, max(1.0, 0.08 * fp), Qt.PenStyle.DashLine)
        self.delta_pen = QPen(pal.backward, max(1.5, 0.16 * fp))
        self.levels: list[NDArray[np.int64]] = []
        self.visible: list[BoolArray] = []
        self.pens: PenBank | None = None

    def set_layout(self, layout: Layout) -> None:
        """Decide, per layer, which labels fit at this size."""
        self.layout = layout
        r, fp = layout.radius, self.font_px
        small_h = self.fm_small.height()
        self.pitch = [float(np.min(np.diff(ys))) if len(ys) > 1 else np.inf for ys in layout.ys]
        gaps = [p - 2 * r for p in self.pitch]
        self.ring_w = max(1.5, min(0.2 * fp, 0.35 * r))
        # names sit clear of a highlight ring (1.4 ring widths out) and shrink to
        # fit between units, down to a legible minimum
        self.name_gap = max(0.15 * fp, 1.4 * self.ring_w + 1.5)
        name_px = [min(0.95 * fp, (g - self.name_gap - 1.0) / LINE) for g in gaps]
        self.f_names = [font(px, bold=True) for px in name_px]
        self.f_deltas = [font(min(0.8 * fp, px), bold=True) for px in name_px]
        self.show_name = [px >= MIN_TEXT_PX - 0.01 for px in name_px]
        # a bias goes under its unit where it leaves room for the next unit's name
        names_h = [
            self.name_gap + LINE * round(px) if show else 0.0
            for px, show in zip(name_px, self.show_name, strict=True)
        ]
        self.show_bias = [
            i > 0 and g >= 0.25 * fp + small_h + h + 1.0
            for i, (g, h) in enumerate(zip(gaps, names_h, strict=True))
        ]

        # small circles show three significant digits, large ones four (as fmt);
        # the net input goes under the value while both stay legible, else the
        # value alone takes the circle (the formula card has the net input)
        def value_size(widest: str, lines: int) -> float:
            em = metrics(font(100, bold=True)).horizontalAdvance(widest) / 100
            return min(0.95 * fp, (0.45 if lines == 2 else 0.62) * r, 1.75 * r / em)

        self.short_values = r < 1.6 * fp or value_size("−0.0000", 2) < MIN_TEXT_PX
        widest = "−0.000" if self.short_values else "−0.0000"
        value_px = value_size(widest, 2)
        self.show_sub = 0.7 * value_px >= max(9.0, 0.6 * self.f_small.pixelSize())
        if not self.show_sub:
            value_px = value_size(widest, 1)
        self.show_values = value_px >= 8.0
        self.f_value = font(value_px, bold=True, floor=8)
        self.f_sub = font(0.7 * value_px, floor=9)
        self.fm_value = metrics(self.f_value)
        n_edges = sum(a * b for a, b in pairwise(self.sizes))
        self.edge_labels = n_edges <= MAX_LABELLED_EDGES and min(self.pitch) >= 2.2 * small_h
        finite = [p for p in self.pitch if np.isfinite(p)] or [4 * r]
        self.halo = min(max(0.28 * fp, 1.5), max(1.5, 0.2 * min(finite)))
        self.dot = max(2.5, min(0.35 * fp, 0.8 * r))

    def set_edges(
        self, levels: list[NDArray[np.int64]], visible: list[BoolArray], pens: PenBank
    ) -> None:
        self.levels, self.visible, self.pens = levels, visible, pens
