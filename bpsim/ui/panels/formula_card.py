"""The formula card: the current frame's rule, with the numbers plugged in.

The card shows a title line (phase; in a mini-batch "sample 2 of 4" or "whole
batch"; layer; what is computed), the symbolic formula in large type, the same
formula with the numbers substituted and the result in bold, and the named
values the computation reads (full precision in the tooltip). Each row keeps
the lines reserved for it, so the card's height depends only on its width and
the font scale: a formula too long for its lines is set smaller (down to 60 %),
and values that do not fit are summarised. Names such as ``net_h1``,
``δ_o1`` or ``w5`` are set with subscripts; everything else is HTML-escaped.

Phases are colour-coded with the network view's accents (:mod:`bpsim.ui.colors`,
Okabe–Ito: amber forward, bluish green backward, reddish purple update), so
the card and the view always agree; :data:`PHASE_COLORS` and
:data:`PHASE_COLORS_DARK` give them per phase.
"""

from __future__ import annotations

import html
import math

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
    QResizeEvent,
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

from bpsim.model.trace.frames import Frame, Phase
from bpsim.ui.colors import DARK, LIGHT
from bpsim.ui.panels.frame_text import (
    MAX_INPUTS_SHOWN,
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

# lines reserved per row: the card keeps its height while stepping (a narrow
# card gives the title up to three lines)
TITLE_LINES, FORMULA_LINES, NUMBER_LINES, INPUT_LINES = 1, 2, 2, 2
FIT_STEPS = (1.0, 0.9, 0.8, 0.7, 0.6)  # font sizes tried for a long formula, largest first
# the widest usual title and position: narrower cards give the title two lines
LONG_TITLE = "Backward pass · sample 16 of 16 · gradient share · ∂E/∂w12"
LONG_POSITION = "step 1000 · frame 100 / 139"
QWIDGETSIZE_MAX = (1 << 24) - 1


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
    """Shows one frame of a training step as a formula with numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame: Frame | None = None
        self._step: int | None = None
        self._total: int | None = None
        self._n_samples: int | None = None
        self._idle_text = IDLE_TEXT
        self._scale = 1.0
        self._reserved = 0
        self._long_title = self._long_position = 0.0
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
        self._layout.addLayout(self._header)
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
            self._fonts[label] = font
            label.setFont(font)
        bar = round(6 * self._scale)
        pad = round(12 * self._scale)
        spacing = round(6 * self._scale)
        self._layout.setContentsMargins(bar + pad, round(pad * 0.75), pad, round(pad * 0.75))
        self._layout.setSpacing(spacing)
        self._header.setSpacing(spacing * 2)
        # a usual title and position, to tell how many lines titles need
        self._long_title = QFontMetricsF(self._fonts[self.title]).horizontalAdvance(LONG_TITLE)
        self._long_position = (
            QFontMetricsF(self._fonts[self.position]).horizontalAdvance(LONG_POSITION)
            + 2 * spacing
            + bar
            + 2 * pad
        )
        self._reserved = self._reserved_for(QWIDGETSIZE_MAX)
        self.setMinimumHeight(self._reserved)
        self._fit()
        self.updateGeometry()

    def _rows(self, width: int) -> dict[QLabel, float]:
        """The height reserved for each row's text at a card ``width``: the card
        keeps its height while stepping (a line with subscripts is taller than
        the font's line spacing, hence the 1.2)."""
        title_width = max(width - self._long_position, 1.0)
        title_lines = (
            1 if self._long_title <= title_width else 1.25 * self._long_title / title_width
        )
        lines = {
            self.title: TITLE_LINES * min(math.ceil(title_lines), 3),
            self.symbolic: FORMULA_LINES,
            self.substituted: NUMBER_LINES,
            self.inputs: INPUT_LINES,
        }
        return {
            label: QFontMetricsF(self._fonts[label]).lineSpacing() * 1.2 * n
            for label, n in lines.items()
        }

    def _reserved_for(self, width: int) -> int:
        margins = self._layout.contentsMargins()
        fixed = margins.top() + margins.bottom() + 3 * self._layout.spacing()
        return round(fixed + sum(self._rows(width).values()))

    def sizeHint(self) -> QSize:
        width = round(560 * self._scale)
        return QSize(width, self._reserved_for(width))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self._reserved_for(width), super().heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(round(240 * self._scale), self._reserved)

    def _fit(self) -> None:
        """Shrink each row's text (to 60 %, never below the application font)
        until it fits the lines reserved for it; show fewer values if they
        still do not fit. Only text that cannot fit makes the card taller."""
        margins = self._layout.contentsMargins()
        inner = self.width() - margins.left() - margins.right()
        for label, height in self._rows(self.width()).items():
            width = inner
            if label is self.title:
                width -= self.position.sizeHint().width() + self._header.spacing()
            steps = FIT_STEPS[:3] if label is self.title else FIT_STEPS
            if self._fit_label(label, width, height, steps):
                continue
            frame = self._frame
            if label is self.inputs and frame is not None:
                shown = min(MAX_INPUTS_SHOWN, len(frame.inputs))
                while shown > 1 and label.heightForWidth(width) > height:
                    shown -= 1
                    label.setText(inputs_html(frame, self._muted(), shown))

    def _fit_label(
        self, label: QLabel, width: int, height: float, steps: tuple[float, ...]
    ) -> bool:
        nominal = self._fonts[label]
        pt = nominal.pointSizeF()
        for factor in (f for f in steps if f == 1.0 or pt * f >= self._base_pt):
            font = QFont(nominal)
            font.setPointSizeF(pt * factor)
            if label.font() != font:
                label.setFont(font)
            if label.heightForWidth(max(width, 1)) <= height:
                return True
        return False

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
            self.substituted.setText(substituted_html(frame))
            self.substituted.setToolTip(
                "" if frame.value is None else f"{formula_html(frame.label)} = {frame.value!r}"
            )
            self.inputs.setText(inputs_html(frame, muted))
            self.inputs.setToolTip(inputs_tooltip(frame))
        self._fit()
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
        if event.size().width() != event.oldSize().width():
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
