"""The formula card: the current frame's rule, with the numbers plugged in.

The card shows a title line (phase, layer, what is computed, the sample of a
mini-batch), the symbolic formula in large type, the same formula with the
numbers substituted and the result in bold, and the named values the
computation reads (full precision in the tooltip). Names such as ``net_h1``,
``δ_o1`` or ``w5`` are set with subscripts; everything else is HTML-escaped.

Phases are colour-coded with the network view's accents (:mod:`bpsim.ui.colors`,
Okabe–Ito: amber forward, bluish green backward, reddish purple update), so
the card and the view always agree; :data:`PHASE_COLORS` and
:data:`PHASE_COLORS_DARK` give them per phase.
"""

from __future__ import annotations

import html
import math
import re

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QSizePolicy, QVBoxLayout, QWidget

from bpsim.model.frames import Frame, FrameKind, Phase
from bpsim.model.notation import fmt
from bpsim.ui.colors import DARK, LIGHT

IDLE_TEXT = "Press → to step through one training step"

PHASE_COLORS: dict[Phase, str] = {phase: LIGHT.accent(phase.value).name() for phase in Phase}
PHASE_COLORS_DARK: dict[Phase, str] = {phase: DARK.accent(phase.value).name() for phase in Phase}

PHASE_TITLES = {
    Phase.FORWARD: "Forward pass",
    Phase.LOSS: "Loss",
    Phase.BACKWARD: "Backward pass",
    Phase.UPDATE: "Update",
}

KIND_TITLES = {
    FrameKind.INPUT: "inputs and targets",
    FrameKind.NET: "weighted sum",
    FrameKind.OUT: "activation",
    FrameKind.LOSS_TERM: "output error",
    FrameKind.LOSS: "total error",
    FrameKind.OUTPUT_DELTA: "output delta",
    FrameKind.DELTA: "hidden delta",
    FrameKind.WEIGHT_CONTRIBUTION: "gradient share",
    FrameKind.BIAS_CONTRIBUTION: "gradient share",
    FrameKind.WEIGHT_GRADIENT: "weight gradient",
    FrameKind.BIAS_GRADIENT: "bias gradient",
    FrameKind.WEIGHT_UPDATE: "weight update",
    FrameKind.BIAS_UPDATE: "bias update",
}

# lines reserved per row: the card keeps its height while stepping
TITLE_LINES, FORMULA_LINES, NUMBER_LINES, INPUT_LINES = 1, 2, 2, 2
MAX_INPUTS_SHOWN = 12  # more are summarised ("and 13 more"), all in the tooltip

# A name: letters (each perhaps with combining marks, as in m̂), then an
# optional number and optional "_part"s, not glued to a preceding letter,
# digit, "_" or "." (so "1.2e−5" keeps its "e"). A caret before a name
# ("e^net_o1"), a number or a parenthesised group makes it a superscript.
_MARKS = "\u0300-\u036f"
_TOKEN = re.compile(
    rf"\^(?P<power>\([^()]*\)|[−-]?\d[\d.]*(?:e[−-]?\d+)?)"
    rf"|(?P<caret>\^)?(?<![\w.{_MARKS}])(?P<base>(?:[^\W\d_][{_MARKS}]*)+)(?P<number>\d*)"
    r"(?P<parts>(?:_[^\W_]+)*)"
)
_HAS_MARK = re.compile(f"[{_MARKS}]")


def phase_color(phase: Phase | str, *, dark: bool = False) -> QColor:
    """The accent colour of a phase on a light or dark background."""
    return QColor((PHASE_COLORS_DARK if dark else PHASE_COLORS)[Phase(phase)])


def _token_html(match: re.Match[str]) -> str:
    power = match.group("power")
    if power is not None:
        inner = power[1:-1] if power.startswith("(") else power
        return f"<sup>{formula_html(inner)}</sup>"
    base, number, parts = match.group("base", "number", "parts")
    text = html.escape(base)
    if _HAS_MARK.search(base):
        # some sans fonts misplace combining marks (m̂); serif fonts set them right
        text = f'<span style="font-family:serif">{text}</span>'
    subscript = [number] if number else []
    subscript += [p for p in parts.split("_") if p]
    if subscript:
        text += f"<sub>{html.escape(','.join(subscript))}</sub>"
    return f"<sup>{text}</sup>" if match.group("caret") else text


def formula_html(text: str) -> str:
    """``text`` as rich text: names get subscripts (``net_h1`` → net<sub>h1</sub>,
    ``w5`` → w<sub>5</sub>, ``h2_1`` → h<sub>2,1</sub>), powers (``e^net_o1``,
    ``e^(−0.1)``) superscripts; everything else is escaped."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        out.append(_token_html(match))
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(color: QColor, background: QColor, ratio: float = 4.5) -> QColor:
    """``color`` darkened (or lightened on a dark background) until text in it
    reads on ``background`` (WCAG contrast ``ratio``)."""
    out = QColor(color)
    dark_bg = background.lightness() < 128
    for _ in range(20):
        if _contrast(out, background) >= ratio:
            break
        out = out.lighter(112) if dark_bg else out.darker(112)
    return out


def _label(*, selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    if selectable:  # mouse only: the arrow keys stay with the timeline
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FormulaCard(QFrame):
    """Shows one frame of a training step as a formula with numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame: Frame | None = None
        self._step: int | None = None
        self._total: int | None = None
        self._idle_text = IDLE_TEXT
        self._scale = 1.0
        self._reserved = 0
        self._base_pt = self.font().pointSizeF() if self.font().pointSizeF() > 0 else 10.0

        self.title = _label(selectable=False)
        self.position = _label(selectable=False)
        self.position.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.position.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)
        self.position.setWordWrap(False)
        self.symbolic = _label()
        self.substituted = _label()
        self.inputs = _label()

        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(self.title, 1)
        header.addWidget(self.position)
        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(6)
        self._layout.addLayout(header)
        self._layout.addWidget(self.symbolic)
        self._layout.addWidget(self.substituted)
        self._layout.addStretch(1)  # the values sit at the bottom, wherever the formula ends
        self._layout.addWidget(self.inputs)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._apply_fonts()
        self._render()

    # -- public --------------------------------------------------------------

    def frame(self) -> Frame | None:
        return self._frame

    def set_frame(
        self, frame: Frame | None, *, step: int | None = None, total_frames: int | None = None
    ) -> None:
        """Show ``frame`` (None: the idle text). ``step`` is the training step
        the frame belongs to, ``total_frames`` the length of its trace."""
        self._frame, self._step, self._total = frame, step, total_frames
        self._render()

    def idle_text(self) -> str:
        return self._idle_text

    def set_idle_text(self, text: str) -> None:
        """What the card says without a frame (e.g. "Training…")."""
        self._idle_text = text
        if self._frame is None:
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
        if "=" in frame.symbolic:
            return f"{frame.symbolic}\n  = {frame.substituted}"
        return f"{frame.symbolic}\n  {frame.substituted}"

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
            label.setFont(font)
        bar = round(6 * self._scale)
        pad = round(12 * self._scale)
        spacing = round(6 * self._scale)
        self._layout.setContentsMargins(bar + pad, round(pad * 0.75), pad, round(pad * 0.75))
        self._layout.setSpacing(spacing)
        self._reserved = round(
            2 * round(pad * 0.75)
            + 3 * spacing
            + self._line_height(self.title) * TITLE_LINES
            + self._line_height(self.symbolic) * FORMULA_LINES
            + self._line_height(self.substituted) * NUMBER_LINES
            + self._line_height(self.inputs) * INPUT_LINES
        )
        self.setMinimumHeight(self._reserved)
        self.updateGeometry()

    @staticmethod
    def _line_height(label: QLabel) -> float:
        # a line with subscripts is taller than the font's line spacing
        return QFontMetricsF(label.font()).lineSpacing() * 1.2

    def sizeHint(self) -> QSize:
        return QSize(round(560 * self._scale), self._reserved)

    def heightForWidth(self, width: int) -> int:
        return max(self._reserved, super().heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(round(240 * self._scale), self._reserved)

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
            self.update()
            return
        self.title.setText(self._title_html(frame, muted))
        self.position.setText(f'<span style="color:{muted}">{self._position_text(frame)}</span>')
        self.symbolic.setText(formula_html(frame.symbolic))
        self.substituted.setText(self._substituted_html(frame))
        self.substituted.setToolTip(
            "" if math.isnan(frame.value) else f"{formula_html(frame.label)} = {frame.value!r}"
        )
        self.inputs.setText(self._inputs_html(frame, muted))
        self.inputs.setToolTip(self._inputs_tooltip(frame))
        self.update()

    def _title_html(self, frame: Frame, muted: str) -> str:
        color = readable(phase_color(frame.phase, dark=self._dark()), self._background()).name()
        parts = [f'<span style="color:{color}">{PHASE_TITLES[frame.phase]}</span>']
        details: list[str] = []
        if frame.sample is not None:
            details.append(f"sample {frame.sample + 1}")
        if frame.kind in (FrameKind.NET, FrameKind.OUT, FrameKind.DELTA, FrameKind.OUTPUT_DELTA):
            details.append(f"layer {frame.layer}")
        details.append(KIND_TITLES[frame.kind])
        if frame.kind not in (FrameKind.INPUT, FrameKind.LOSS):
            label = re.sub(r"\s*\(sample \d+\)$", "", frame.label)
            details.append(formula_html(label))
        parts += [f'<span style="color:{muted}; font-weight:normal">{d}</span>' for d in details]
        return "&nbsp;· ".join(parts)  # a line may break after a dot, not before

    def _position_text(self, frame: Frame) -> str:
        where = f"frame {frame.index + 1}"
        if self._total is not None:
            where += f"&thinsp;/&thinsp;{self._total}"
        return f"step {self._step} · {where}" if self._step is not None else where

    def _substituted_html(self, frame: Frame) -> str:
        text = frame.substituted
        head, sep, result = text.rpartition(" = ")
        body = (
            f"{formula_html(head)}{sep}<b>{formula_html(result)}</b>" if sep else formula_html(text)
        )
        return f"= {body}" if "=" in frame.symbolic else body

    def _inputs_html(self, frame: Frame, muted: str) -> str:
        shown = frame.inputs[:MAX_INPUTS_SHOWN]
        items = [
            f'<span style="color:{muted}">{formula_html(name)}</span>&nbsp;=&nbsp;'
            f"{html.escape(fmt(value))}"
            for name, value in shown
        ]
        rest = len(frame.inputs) - len(shown)
        if rest > 0:
            items.append(f'<span style="color:{muted}">and {rest} more (hover)</span>')
        return "&nbsp;&nbsp;&nbsp; ".join(items)

    def _inputs_tooltip(self, frame: Frame) -> str:
        if not frame.inputs:
            return ""
        rows = "".join(
            f"<tr><td>{formula_html(name)}</td><td>&nbsp;=&nbsp;</td><td>{value!r}</td></tr>"
            for name, value in frame.inputs
        )
        return f"<table>{rows}</table>"

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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._render()
        elif event.type() == QEvent.Type.FontChange:
            self._base_pt = self.font().pointSizeF() if self.font().pointSizeF() > 0 else 10.0
            self._apply_fonts()
        super().changeEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        action = menu.addAction("Copy formula")
        action.setEnabled(self._frame is not None)
        action.triggered.connect(self._on_copy_triggered)
        menu.exec(event.globalPos())

    def _on_copy_triggered(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.formula_text())
