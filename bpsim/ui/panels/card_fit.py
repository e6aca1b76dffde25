"""How the formula card sets its text: which font each row gets and how tall
that makes the card, at a given width (and, when the card is given less
height than it needs, at that height).

Each row gets one line if it can: a long formula or title is first set
smaller (formulas to 70 %, never below the body text), then wrapped; values
that do not fit one line are summarised (fewer shown). Given too little
height, all text is set smaller together, down to its size at normal type
(larger type never makes the card's text smaller than that). Text is measured with
a :class:`QTextDocument` as a :class:`QLabel` lays out rich text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QVBoxLayout, QWidget

LINE = 1.2  # a line with subscripts is taller than the font's line spacing
FORMULA_STEPS = (1.0, 0.9, 0.8, 0.7)  # sizes tried to set a formula on one line
TITLE_STEPS = (1.0, 0.9, 0.8)
# sizes of all text in too little height (never below normal type: least_squeeze)
SQUEEZE_STEPS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.42, 0.36, 0.3, 0.25)
ROWS = ("title", "position", "symbolic", "substituted", "inputs")


@dataclass(frozen=True)
class CardText:
    """The card's rich text, row by row; ``inputs(n)`` shows ``n`` of the
    ``n_inputs`` values."""

    title: str
    position: str
    symbolic: str
    substituted: str
    inputs: Callable[[int], str]
    n_inputs: int


@dataclass(frozen=True)
class CardMetrics:
    """The nominal font of each row, the body text's size (no formula is set
    smaller), the least all text may be squeezed to (not below its size at
    normal type), and the card's margins (left + right, top + bottom) and spacing."""

    fonts: dict[str, QFont]
    body_pt: float
    least_squeeze: float
    horizontal: int
    vertical: int
    spacing: int
    header_spacing: int


@dataclass(frozen=True)
class Plan:
    """Each row's font and height, how many values are shown, and the card's height."""

    fonts: dict[str, QFont]
    heights: dict[str, int]
    inputs_shown: int
    height: int


class CardFitter:
    """Plans the card's text (see the module's docstring)."""

    def __init__(self) -> None:
        self._doc = QTextDocument()
        self._doc.setDocumentMargin(0)

    def measure(self, rich: str, font: QFont, width: float) -> float:
        """The height of ``rich`` set in ``font`` at ``width``."""
        doc = self._doc
        doc.setDefaultFont(font)
        doc.setHtml(rich)
        doc.setTextWidth(max(width, 1.0))
        return doc.size().height()

    def ideal_width(self, rich: str, font: QFont) -> float:
        doc = self._doc
        doc.setDefaultFont(font)
        doc.setHtml(rich)
        doc.setTextWidth(-1)
        return doc.idealWidth()

    def plan(self, text: CardText, m: CardMetrics, width: int, room: int | None = None) -> Plan:
        """How to set ``text`` at a card ``width``: at nominal size, or (given
        ``room``, a height smaller than that) all of it smaller."""
        inner = width - m.horizontal
        plan = Plan({}, {}, 0, 0)
        steps = [s for s in SQUEEZE_STEPS if s == 1.0 or s >= m.least_squeeze - 1e-9]
        for squeeze in steps:
            fonts = {row: _scaled(m.fonts[row], squeeze) for row in ROWS}
            position_width = self.ideal_width(text.position, fonts["position"])
            fonts["title"], title = self._fit_row(
                text.title, m, "title", squeeze, inner - position_width - m.header_spacing
            )
            position = QFontMetricsF(fonts["position"]).lineSpacing()
            heights = {"title": math.ceil(max(title, position))}
            heights["position"] = heights["title"]
            for row in ("symbolic", "substituted"):
                fonts[row], height = self._fit_row(getattr(text, row), m, row, squeeze, inner)
                heights[row] = math.ceil(height)
            shown, height = self._fit_inputs(text, fonts["inputs"], inner)
            heights["inputs"] = math.ceil(height)
            total = m.vertical + 3 * m.spacing + sum(heights.values()) - heights["position"]
            plan = Plan(fonts, heights, shown, total)
            if room is None or plan.height <= room:
                break
        return plan

    def _fit_row(
        self, rich: str, m: CardMetrics, row: str, squeeze: float, width: float
    ) -> tuple[QFont, float]:
        """The largest font (of the steps of the nominal one, never below the
        body text) that sets ``rich`` on one line; failing that the smallest,
        wrapped. Returns the font and the row's height."""
        steps = TITLE_STEPS if row == "title" else FORMULA_STEPS
        nominal = m.fonts[row].pointSizeF() * squeeze
        tried = [f for f in steps if f == 1.0 or nominal * f >= m.body_pt * squeeze]
        font, height = m.fonts[row], 0.0
        for f in tried:
            font = _scaled(m.fonts[row], squeeze * f)
            height = self.measure(rich, font, width)
            if height <= QFontMetricsF(font).lineSpacing() * LINE:
                break
        return font, height

    def _fit_inputs(self, text: CardText, font: QFont, width: float) -> tuple[int, float]:
        """How many values fit one line (at least one), and the row's height."""
        shown = text.n_inputs
        height = self.measure(text.inputs(shown), font, width)
        line = QFontMetricsF(font).lineSpacing() * LINE
        while shown > 1 and height > line:
            shown -= 1
            height = self.measure(text.inputs(shown), font, width)
        return shown, height


def _scaled(font: QFont, factor: float) -> QFont:
    out = QFont(font)
    out.setPointSizeF(font.pointSizeF() * factor)
    return out


def card_label(*, selectable: bool = True) -> QLabel:
    """A row of the card: rich text, wrapped, aligned top left."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    if selectable:  # mouse only: the arrow keys stay with the timeline
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def application_point_size() -> float:
    size = QApplication.font().pointSizeF()
    return size if size > 0 else 10.0  # a font set in pixels has no point size


class CardRows(QVBoxLayout):
    """The card's rows, each as tall as the card's plan makes it. The layout
    reports no height for width: a scroll area or a dock would otherwise never
    give the card less than its content, and the card could not squeeze."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        # the card's own hints say how tall it is, not its labels' minimums
        self.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)

    def hasHeightForWidth(self) -> bool:
        return False
