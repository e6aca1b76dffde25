"""The formula card: the current frame's rule, with the numbers plugged in.

The card shows a title line (phase; in a mini-batch "sample 2 of 4" or "whole
batch"; layer; what is computed), the symbolic formula in large type, the same
formula with the numbers substituted and the result in bold, and the named
values the computation reads (full precision in the tooltip), the numbers to
a chosen number of digits (:meth:`FormulaCard.set_digits`).

The card is as tall as its content: one line per row at least (so frames whose
rows fit one line keep the card's height while stepping), more where a formula
cannot fit one line. While stepping it keeps the tallest height it has needed
(the network above does not jump up and down), until the type, the digits or
:meth:`FormulaCard.reset_height` start over. A formula too long for its line
is first set smaller (to 70 %, never below the body text), then wrapped
before an operator (the result stays with its "="); values that do not fit
one line are summarised. Given
less height than it asks for (a small dock), the card sets all its text
smaller, down to 60 %, before anything is cut. Names such as ``net_h1``,
``δ_o1`` or ``w5`` are set with subscripts; everything else is HTML-escaped.

Phases are colour-coded with the network view's accents (:mod:`bpsim.ui.colors`,
Okabe–Ito: amber forward, bluish green backward, reddish purple update), so
the card and the view always agree; :data:`PHASE_COLORS` and
:data:`PHASE_COLORS_DARK` give them per phase.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bpsim.model.notation import DIGITS_RANGE
from bpsim.model.trace.frames import Frame, Phase
from bpsim.ui.colors import DARK, LIGHT
from bpsim.ui.panels.frame_text import (
    MAX_INPUTS_SHOWN,
    Digits,
    inputs_html,
    inputs_tooltip,
    position_text,
    substituted_html,
    title_html,
)
from bpsim.ui.panels.rich_text import formula_html, readable

IDLE_TEXT = "Press → to step through one training step"

PHASE_COLORS: dict[Phase, str] = {phase: LIGHT.accent(phase.value).name() for phase in Phase}
PHASE_COLORS_DARK: dict[Phase, str] = {phase: DARK.accent(phase.value).name() for phase in Phase}

LINE = 1.2  # a line with subscripts is taller than the font's line spacing
FORMULA_STEPS = (1.0, 0.9, 0.8, 0.7)  # sizes tried to set a formula on one line
TITLE_STEPS = (1.0, 0.9, 0.8)
SQUEEZE_STEPS = (1.0, 0.9, 0.8, 0.7, 0.6)  # sizes of all text in too little height


@dataclass(frozen=True)
class _Plan:
    """How the card sets its text: each row's font, how many values it shows,
    and the height that takes."""

    fonts: dict[QLabel, QFont]
    inputs_shown: int
    height: int


def phase_color(phase: Phase | str, *, dark: bool = False) -> QColor:
    """The accent colour of a phase on a light or dark background."""
    return QColor((PHASE_COLORS_DARK if dark else PHASE_COLORS)[Phase(phase)])


def _label(*, selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    if selectable:  # mouse only: the arrow keys stay with the timeline
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _application_point_size() -> float:
    size = QApplication.font().pointSizeF()
    return size if size > 0 else 10.0  # a font set in pixels has no point size


class FormulaCard(QFrame):
    """Shows one frame of a training step as a formula with numbers.

    ``sigHeightHintChanged(height)`` tells the window the card's content
    needs another height (at its current width)."""

    sigHeightHintChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = QTextDocument()
        self._doc.setDocumentMargin(0)
        self._plans: dict[tuple[int, int | None], _Plan] = {}
        self._last_hint = 0
        self._tallest: dict[int, int] = {}  # the tallest content seen, by card width
        self._digits = Digits()
        self._frame: Frame | None = None
        self._step: int | None = None
        self._total: int | None = None
        self._n_samples: int | None = None
        self._idle_text = IDLE_TEXT
        self._scale = 1.0
        self._fonts: dict[QLabel, QFont] = {}
        self._base_pt = _application_point_size()

        self.title = _label(selectable=False)
        self.position = _label(selectable=False)
        self.position.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.position.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)
        self.position.setWordWrap(False)
        self.symbolic = _label()
        self.substituted = _label()
        self.inputs = _label()

        self._header = QHBoxLayout()
        self._header.addWidget(self.title, 1)
        self._header.addWidget(self.position)
        self._layout = QVBoxLayout(self)
        # the card's own hints say how tall it is, not its labels' minimums
        self._layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        self._layout.addLayout(self._header)
        self._layout.addWidget(self.symbolic)
        self._layout.addWidget(self.substituted)
        self._layout.addWidget(self.inputs)
        self._layout.addStretch(1)  # more room than the text needs stays below it
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._apply_fonts()
        self._render()

    # -- public --------------------------------------------------------------

    def frame(self) -> Frame | None:
        return self._frame

    def set_frame(
        self,
        frame: Frame | None,
        *,
        step: int | None = None,
        total_frames: int | None = None,
        n_samples: int | None = None,
    ) -> None:
        """Show ``frame`` (None: the idle text). ``step`` is the training step
        the frame belongs to, ``total_frames`` the length of its trace and
        ``n_samples`` the number of samples in its batch (None: one sample;
        with more, the title says which sample a frame is of, or that it is
        of the whole batch)."""
        self._frame, self._step, self._total = frame, step, total_frames
        self._n_samples = n_samples
        self._render()

    def set_idle_text(self, text: str) -> None:
        """What the card says without a frame (e.g. "Training…")."""
        self._idle_text = text
        if self._frame is None:
            self._render()

    def digits(self) -> int:
        return self._digits.count

    def decimals(self) -> bool:
        return self._digits.decimals

    def set_digits(self, digits: int, *, decimals: bool = False) -> None:
        """Write numbers to ``digits`` significant digits (or, with
        ``decimals``, decimal places, as the worked example is published).
        ``digits`` must lie in :data:`~bpsim.model.notation.DIGITS_RANGE`."""
        low, high = DIGITS_RANGE
        if not low <= digits <= high:
            raise ValueError(f"digits must be from {low} to {high}, got {digits}")
        self._digits = Digits(int(digits), decimals)
        self._tallest.clear()
        self._render()

    def font_scale(self) -> float:
        return self._scale

    def set_font_scale(self, scale: float) -> None:
        """Scale every text of the card (1 is the application font)."""
        if scale <= 0:
            raise ValueError("font scale must be positive")
        self._scale = float(scale)
        self._apply_fonts()
        self._render()

    def formula_text(self) -> str:
        """The current formula as plain text (what "Copy formula" copies)."""
        frame = self._frame
        if frame is None:
            return ""
        numbers = self._digits.substituted(frame)
        if "=" in frame.symbolic:
            return f"{frame.symbolic}\n  = {numbers}"
        return f"{frame.symbolic}\n  {numbers}"

    # -- rendering -----------------------------------------------------------

    def _dark(self) -> bool:
        return self._background().lightness() < 128

    def _background(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Base)

    def _accent(self) -> QColor:
        if self._frame is None:
            return self.palette().color(QPalette.ColorRole.Mid)
        return phase_color(self._frame.phase, dark=self._dark())

    def _muted(self) -> str:
        text = self.palette().color(QPalette.ColorRole.Text)
        bg = self._background()
        mix = QColor(
            (text.red() * 62 + bg.red() * 38) // 100,
            (text.green() * 62 + bg.green() * 38) // 100,
            (text.blue() * 62 + bg.blue() * 38) // 100,
        )
        return mix.name()

    def _apply_fonts(self) -> None:
        base = self._base_pt * self._scale
        sizes = {
            self.title: (base * 1.05, True),
            self.position: (base * 0.95, False),
            self.symbolic: (base * 1.75, False),
            self.substituted: (base * 1.6, False),
            self.inputs: (base * 1.0, False),
        }
        for label, (pt, bold) in sizes.items():
            font = QFont(self.font())
            font.setPointSizeF(pt)
            font.setBold(bold)
            self._fonts[label] = font
            label.setFont(font)
        bar = round(6 * self._scale)
        pad = round(12 * self._scale)
        spacing = round(6 * self._scale)
        self._layout.setContentsMargins(bar + pad, round(pad * 0.75), pad, round(pad * 0.75))
        self._layout.setSpacing(spacing)
        self._header.setSpacing(spacing * 2)
        self._tallest.clear()
        self._changed()

    # -- fitting the text --------------------------------------------------------

    def reset_height(self) -> None:
        """Forget the tallest frame shown: the card fits the current one."""
        self._tallest.clear()
        self._changed()

    def _changed(self) -> None:
        """The text or its fonts changed: plan again, and tell the layout."""
        self._plans.clear()
        for width in {self.width(), self._hint_width()}:
            self._tallest[width] = max(self._tallest.get(width, 0), self._plan(width).height)
        self._fit()
        self.updateGeometry()
        hint = self.heightForWidth(self._hint_width())
        if hint != self._last_hint:
            self._last_hint = hint
            self.sigHeightHintChanged.emit(hint)

    def _measure(self, rich: str, font: QFont, width: float) -> float:
        """The height of ``rich`` set in ``font`` at ``width`` (as a label sets it)."""
        doc = self._doc
        doc.setDefaultFont(font)
        doc.setHtml(rich)
        doc.setTextWidth(max(width, 1.0))
        return doc.size().height()

    def _ideal_width(self, rich: str, font: QFont) -> float:
        doc = self._doc
        doc.setDefaultFont(font)
        doc.setHtml(rich)
        doc.setTextWidth(-1)
        return doc.idealWidth()

    def _scaled(self, label: QLabel, factor: float) -> QFont:
        font = QFont(self._fonts[label])
        font.setPointSizeF(font.pointSizeF() * factor)
        return font

    def _fit_row(
        self, label: QLabel, rich: str, squeeze: float, width: float, steps: tuple[float, ...]
    ) -> tuple[QFont, float]:
        """The largest font (of ``steps`` of the nominal one, never below the
        body text) that sets ``rich`` on one line; failing that the smallest,
        wrapped. Returns the font and the row's height."""
        floor = self._base_pt * self._scale * squeeze
        nominal = self._fonts[label].pointSizeF() * squeeze
        tried = [f for f in steps if f == 1.0 or nominal * f >= floor]
        font, height = self._scaled(label, squeeze), 0.0
        for f in tried:
            font = self._scaled(label, squeeze * f)
            height = self._measure(rich, font, width)
            if height <= QFontMetricsF(font).lineSpacing() * LINE:
                break
        return font, height

    def _plan(self, width: int, room: int | None = None) -> _Plan:
        """How to set the current text at a card ``width``: at nominal size, or
        (given ``room``, a height smaller than that) all of it smaller, down
        to the last of :data:`SQUEEZE_STEPS`."""
        key = (width, room)
        if key in self._plans:
            return self._plans[key]
        margins = self._layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        fixed = margins.top() + margins.bottom() + 3 * self._layout.spacing()
        plan = _Plan({}, 0, 0)
        for squeeze in SQUEEZE_STEPS:
            fonts: dict[QLabel, QFont] = {}
            fonts[self.position] = self._scaled(self.position, squeeze)
            position_width = self._ideal_width(self.position.text(), fonts[self.position])
            title_width = inner - position_width - self._header.spacing()
            fonts[self.title], title = self._fit_row(
                self.title, self.title.text(), squeeze, title_width, TITLE_STEPS
            )
            total = fixed + max(title, QFontMetricsF(fonts[self.position]).lineSpacing())
            for label in (self.symbolic, self.substituted):
                fonts[label], height = self._fit_row(
                    label, label.text(), squeeze, inner, FORMULA_STEPS
                )
                total += height
            fonts[self.inputs] = self._scaled(self.inputs, squeeze)
            shown, height = self._fit_inputs(fonts[self.inputs], inner)
            total += height
            plan = _Plan(fonts, shown, math.ceil(total))
            if room is None or plan.height <= room:
                break
        self._plans[key] = plan
        return plan

    def _fit_inputs(self, font: QFont, width: float) -> tuple[int, float]:
        """How many values fit one line (at least one), and the row's height."""
        frame = self._frame
        if frame is None or not frame.inputs:
            return 0, self._measure(self.inputs.text(), font, width)
        line = QFontMetricsF(font).lineSpacing() * LINE
        shown = min(MAX_INPUTS_SHOWN, len(frame.inputs))
        height = self._measure(self._inputs_html(shown), font, width)
        while shown > 1 and height > line:
            shown -= 1
            height = self._measure(self._inputs_html(shown), font, width)
        return shown, height

    def _inputs_html(self, shown: int) -> str:
        assert self._frame is not None
        return inputs_html(self._frame, self._muted(), shown, self._digits)

    def _hint_width(self) -> int:
        return self.width() if self.isVisible() else round(560 * self._scale)

    def _fit(self) -> None:
        """Set each row in the font its plan gives, for the card's size."""
        width = self.width()
        natural = self._plan(width)
        plan = natural if self.height() >= natural.height else self._plan(width, self.height())
        for label, font in plan.fonts.items():
            if label.font() != font:
                label.setFont(font)
        if self._frame is not None and self._frame.inputs:
            self.inputs.setText(self._inputs_html(plan.inputs_shown))

    def sizeHint(self) -> QSize:
        width = self._hint_width()
        return QSize(width, self.heightForWidth(width))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self._plan(width).height, self._tallest.get(width, 0))

    def minimumSizeHint(self) -> QSize:
        """Narrow, and as short as all the text set at its smallest allows."""
        return QSize(round(240 * self._scale), self._plan(self._hint_width(), 0).height)

    def _render(self) -> None:
        frame = self._frame
        muted = self._muted()
        if frame is None:
            self.title.setText(f'<span style="color:{muted}">Formula</span>')
            self.position.setText("")
            self.symbolic.setText(
                f'<span style="color:{muted}">{html.escape(self._idle_text)}</span>'
            )
            self.substituted.setText("")
            self.inputs.setText("")
            self.inputs.setToolTip("")
            self.substituted.setToolTip("")
        else:
            accent = readable(phase_color(frame.phase, dark=self._dark()), self._background())
            self.title.setText(title_html(frame, self._n_samples, accent.name(), muted))
            position = position_text(frame, self._step, self._total)
            self.position.setText(f'<span style="color:{muted}">{position}</span>')
            self.symbolic.setText(formula_html(frame.symbolic))
            self.substituted.setText(substituted_html(frame, self._digits))
            self.substituted.setToolTip(
                "" if frame.value is None else f"{formula_html(frame.label)} = {frame.value!r}"
            )
            self.inputs.setText(inputs_html(frame, muted, digits=self._digits))
            self.inputs.setToolTip(inputs_tooltip(frame))
        self._changed()
        self.update()

    # -- events ----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = 6 * self._scale
        border = QColor(self.palette().color(QPalette.ColorRole.Text))
        border.setAlpha(40)
        painter.setPen(border)
        painter.setBrush(self._background())
        painter.drawRoundedRect(rect, radius, radius)
        bar = QRectF(rect.left(), rect.top(), 6 * self._scale + radius, rect.height())
        painter.setClipRect(QRectF(rect.left(), rect.top(), 6 * self._scale, rect.height()))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._accent())
        painter.drawRoundedRect(bar, radius, radius)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._render()
        elif event.type() == QEvent.Type.ApplicationFontChange:
            # The base is the application's font: a parent's font (the window
            # scales its own for large type) would scale the card twice.
            self._base_pt = _application_point_size()
            self._apply_fonts()
        super().changeEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        action = menu.addAction("Copy formula")
        action.setEnabled(self._frame is not None)
        action.triggered.connect(self._on_copy_triggered)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _on_copy_triggered(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.formula_text())
