"""Fonts, pens and text of the network view for one size and palette.

:class:`NetworkStyle` holds the fonts and pens of one
:class:`~bpsim.viewmodel.network.fit.ViewGeometry` (the type size, margins and units'
layout, decided without Qt) and decides how the values inside the circles
fit. Text is set with subscripts as the formula card sets it (``h2_1`` as h
with a lowered ``2,1``): :func:`rich_runs` splits it, :func:`qt_measure`
measures it for the viewmodel's label placement, and a :class:`Label` paints
a placed label (:func:`label_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from bpsim.ui.colors import Palette, PenBank
from bpsim.viewmodel.network.board import PlacedLabel
from bpsim.viewmodel.network.fit import MIN_TEXT_PX, ViewGeometry

SUB_SCALE, SUB_DROP = 0.75, 0.2  # a subscript's size and how far it is lowered (em)

BoolArray = NDArray[np.bool_]
Run = tuple[str, bool]  # a piece of text, and whether it is a subscript

# a name: letters, then a number and/or "_part"s (a letter or two and a
# number), not glued to a preceding letter, digit or "." (so "1.2e−5" keeps
# its "e", and a data set's "sepal_length" stays as it is)
_NAME = re.compile(
    r"(?<![\w.])(?P<base>[^\W\d_]+)(?P<number>\d*)"
    r"(?P<parts>(?:_[^\W\d_]{0,2}\d+)*)"  # _1, _o1: not a column's _length
)


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


def qt_measure(text: str, px: int, bold: bool) -> tuple[float, float]:
    """The width and height of ``text`` as :class:`Label` draws it (the
    viewmodel's :data:`~bpsim.viewmodel.network.fit.Measure` in the app)."""
    st = _set_text(text, px, bold)
    return st.width, st.height


@dataclass
class Label:
    """A line of text (in a rounded box when ``boxed``) in ``rect``."""

    rect: QRectF
    text: SetText
    color: QColor
    boxed: bool = False
    border: QColor | None = None
    placed: PlacedLabel | None = None  # what the viewmodel placed

    @property
    def plain_text(self) -> str:
        return "".join(text for text, _ in self.text.runs)

    def paint(self, p: QPainter, background: QColor) -> None:
        box, st = self.rect, self.text
        if self.boxed and self.border is None:  # a plain background (cheaper than rounded)
            p.fillRect(box, background)
        elif self.boxed:
            h = box.height()
            p.setPen(QPen(self.border, 1.6))
            p.setBrush(background)
            p.drawRoundedRect(box, h / 4, h / 4)
        p.setPen(self.color)
        c = box.center()
        st.draw(p, c.x() - st.width / 2, c.y() - st.height / 2 + st.ascent)


def label_of(lab: PlacedLabel, pal: Palette, accent: QColor) -> Label:
    """The label the viewmodel placed, in the palette's colours (a frame's
    callouts bordered in ``accent``)."""
    colors = {
        "foreground": pal.foreground,
        "muted": pal.muted,
        "secondary": pal.secondary,
        "backward": pal.backward,
        "accent": accent,
    }
    color = QColor(colors[lab.color])
    border = None
    if lab.bordered:
        border = QColor(accent) if lab.role in ("callout", "bias_callout") else color
    left, top, right, bottom = lab.rect
    box = QRectF(left, top, right - left, bottom - top)
    return Label(box, _set_text(lab.text, lab.px, lab.bold), color, lab.boxed, border, lab)


class NetworkStyle:
    """Fonts and pens for one :class:`~bpsim.viewmodel.network.fit.ViewGeometry` and palette.

    Call :meth:`set_edges` once the edges are quantized.
    """

    def __init__(self, sizes: tuple[int, ...], pal: Palette, geo: ViewGeometry) -> None:
        self.sizes = sizes
        self.pal = pal
        self.geo = geo
        fp = self.font_px = geo.font_px
        self.f_small = font(geo.small_px)
        self.margins = geo.margins
        self.unit_pen = QPen(pal.outline, max(1.0, 0.1 * fp))
        self.unknown_pen = QPen(pal.muted, max(1.0, 0.08 * fp), Qt.PenStyle.DashLine)
        self.delta_pen = QPen(pal.backward, max(1.5, 0.16 * fp))
        self.levels: list[NDArray[np.int64]] = []
        self.visible: list[BoolArray] = []
        self.pens: PenBank | None = None
        self._set_layout()

    def _set_layout(self) -> None:
        """How the values inside the circles fit, and the highlight's sizes."""
        layout = self.layout = self.geo.layout
        r, fp = layout.radius, self.font_px
        self.pitch = self.geo.pitch
        self.ring_w = self.geo.ring_w

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
        finite = [p for p in self.pitch if np.isfinite(p)] or [4 * r]
        self.halo = min(max(0.28 * fp, 1.5), max(1.5, 0.2 * min(finite)))
        self.dot = max(2.5, min(0.35 * fp, 0.8 * r))

    def set_edges(
        self, levels: list[NDArray[np.int64]], visible: list[BoolArray], pens: PenBank
    ) -> None:
        self.levels, self.visible, self.pens = levels, visible, pens
