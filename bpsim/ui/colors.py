"""Colours of the network view: a colour-blind-safe blue–orange scale.

One hue pair says "sign" everywhere: blue is negative, orange is positive,
for unit values (a diverging scale through a neutral middle) and for edges.
Blue and orange stay apart for every common form of colour blindness (the
pair of ColorBrewer's RdBu and PuOr ends, and of the Okabe–Ito palette).
The highlight accents are a warm amber for the forward pass, a bluish green
for the backward pass (whose arrows also point back) and a reddish purple
for the update, again from Okabe–Ito.

There are two palettes, one for light and one for dark backgrounds; the view
picks the one that matches the application palette (which Qt derives from
``QGuiApplication.styleHints().colorScheme()`` where the platform has one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QPen

from bpsim.model.trace.frames import Phase

Rgb = tuple[int, int, int]

SCALE_STOPS = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
_LIGHT_STOPS = np.array(
    [(33, 102, 172), (146, 197, 222), (247, 247, 247), (253, 184, 99), (179, 88, 6)], float
)
_DARK_STOPS = np.array(
    [(108, 172, 235), (52, 98, 150), (62, 64, 70), (156, 98, 38), (246, 156, 64)], float
)


@dataclass(frozen=True, eq=False)
class Palette:
    """Every colour the view and the legend use, for one background."""

    dark: bool
    background: QColor
    foreground: QColor
    secondary: QColor  # text that matters less than a unit's value: weights on edges
    muted: QColor
    outline: QColor
    unknown_fill: QColor
    unknown_edge: QColor
    negative: QColor
    positive: QColor
    forward: QColor
    backward: QColor
    update: QColor
    label_background: QColor
    stops: NDArray[np.float64]

    def accent(self, phase: str) -> QColor:
        """The highlight colour of a phase (``Phase`` values)."""
        if phase in ("backward", "loss"):
            return self.backward if phase == "backward" else self.forward
        return self.update if phase == "update" else self.forward


def _c(rgb: Rgb | str, alpha: int = 255) -> QColor:
    color = QColor(rgb) if isinstance(rgb, str) else QColor(*rgb)
    color.setAlpha(alpha)
    return color


LIGHT = Palette(
    dark=False,
    background=_c("#ffffff"),
    foreground=_c("#1d1f23"),
    secondary=_c("#3b4048"),
    muted=_c("#5f6670"),
    outline=_c("#3a3f47"),
    unknown_fill=_c("#eceef1"),
    unknown_edge=_c("#9aa1aa", 150),
    negative=_c((33, 102, 172)),
    positive=_c((205, 98, 0)),
    forward=_c("#e69f00"),
    backward=_c("#009e73"),
    update=_c("#b8509a"),
    label_background=_c("#ffffff", 225),
    stops=_LIGHT_STOPS,
)

DARK = Palette(
    dark=True,
    background=_c("#1b1d21"),
    foreground=_c("#eceff3"),
    secondary=_c("#ccd2da"),
    muted=_c("#a3abb5"),
    outline=_c("#c9ced6"),
    unknown_fill=_c("#2b2e34"),
    unknown_edge=_c("#6c737d", 150),
    negative=_c((96, 165, 235)),
    positive=_c((246, 150, 56)),
    forward=_c("#f5c042"),
    backward=_c("#36cfa5"),
    update=_c("#e592c8"),
    label_background=_c("#1b1d21", 225),
    stops=_DARK_STOPS,
)


def palette_for(dark: bool) -> Palette:
    return DARK if dark else LIGHT


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the (application) palette has a dark window background."""
    pal = palette if palette is not None else QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def diverging_rgb(values: NDArray[np.float64], pal: Palette) -> NDArray[np.uint8]:
    """RGB (n, 3) of values on the diverging scale, clipped to [-1, 1].

    NaN (not yet known) maps to the palette's ``unknown_fill``.
    """
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0), -1.0, 1.0)
    rgb = np.stack([np.interp(v, SCALE_STOPS, pal.stops[:, c]) for c in range(3)], axis=-1)
    unknown = np.isnan(values)
    if unknown.any():
        fill = pal.unknown_fill
        rgb[unknown] = (fill.red(), fill.green(), fill.blue())
    out: NDArray[np.uint8] = np.rint(rgb).astype(np.uint8)
    return out


def diverging(value: float, pal: Palette) -> QColor:
    """The colour of one value on the diverging scale."""
    r, g, b = diverging_rgb(np.array([value]), pal)[0]
    return QColor(int(r), int(g), int(b))


def text_color_for(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill``."""
    luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF()
    return QColor("#111111") if luminance > 0.45 else QColor("#ffffff")


def blend(under: QColor, over: QColor, amount: float) -> QColor:
    """``over`` laid on ``under`` with opacity ``amount``, as an opaque colour.

    Qt's raster engine strokes opaque, flat-capped lines on a fast path and
    falls back to a path rasterizer (10-20x slower) for translucent or
    round-capped ones; so translucency is baked into opaque colours.
    """
    a = min(max(amount, 0.0), 1.0)
    return QColor(
        round(under.red() + a * (over.red() - under.red())),
        round(under.green() + a * (over.green() - under.green())),
        round(under.blue() + a * (over.blue() - under.blue())),
    )


def line_pen(color: QColor, width: float) -> QPen:
    """An opaque, flat-capped pen (the raster engine's fast path)."""
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


class PenBank:
    """Edge pens made once and reused: ``levels`` widths for each sign.

    Width level ``k`` (0..levels) is ``w_min + (w_max - w_min) * k / levels``;
    level 0 is a zero weight. With ``fade`` thin edges are also paler (blended
    into the background), which keeps dense layers readable. All pens are
    opaque and flat-capped: see :func:`blend`.
    """

    def __init__(
        self, pal: Palette, w_min: float, w_max: float, levels: int, *, fade: bool
    ) -> None:
        self.levels = levels
        self.w_min = w_min
        self.w_max = w_max
        self.widths = [w_min + (w_max - w_min) * k / levels for k in range(levels + 1)]
        self.pens: tuple[list[QPen], list[QPen]] = ([], [])  # negative, positive
        for sign, base in enumerate((pal.negative, pal.positive)):
            for k, width in enumerate(self.widths):
                amount = (0.3 + 0.7 * k / levels) if fade else 1.0
                self.pens[sign].append(line_pen(blend(pal.background, base, amount), width))
        unknown = blend(pal.background, pal.unknown_edge, pal.unknown_edge.alphaF())
        self.unknown = line_pen(unknown, max(1.0, w_min))

    def quantize(self, values: NDArray[np.float64], scale: float) -> NDArray[np.int64]:
        """Width level of each value for edges scaled to ``scale`` (max |value|)."""
        mag = np.abs(np.nan_to_num(values, nan=0.0)) / (scale if scale > 0 else 1.0)
        levels = np.ceil(np.clip(mag, 0.0, 1.0) * self.levels).astype(np.int64)
        out: NDArray[np.int64] = np.where(mag > 0, np.maximum(levels, 1), 0)
        return out


# the phases' accents on light and dark backgrounds, for the card and the view
PHASE_COLORS: dict[Phase, str] = {phase: LIGHT.accent(phase.value).name() for phase in Phase}
PHASE_COLORS_DARK: dict[Phase, str] = {phase: DARK.accent(phase.value).name() for phase in Phase}


def phase_color(phase: Phase | str, *, dark: bool = False) -> QColor:
    """The accent colour of a phase on a light or dark background."""
    return QColor((PHASE_COLORS_DARK if dark else PHASE_COLORS)[Phase(phase)])
