"""The formula card: the current frame's rule, with the numbers plugged in.

The card shows a title line (phase; in a mini-batch "sample 2 of 4" or "whole
batch"; layer; what is computed), the symbolic formula in large type, the same
formula with the numbers substituted and the result in bold, and the named
values the computation reads (full precision in the tooltip), the numbers to
a chosen number of digits (:meth:`FormulaCard.set_digits`).

The card is as tall as its content (one line per row where it fits; how the
text is fitted: :mod:`bpsim.ui.panels.card_fit`), and while stepping keeps the
tallest height it has needed, so the network above does not jump, until the
type, the digits or :meth:`FormulaCard.reset_height` start over. Names such as
``net_h1``, ``δ_o1`` or ``w5`` are set with subscripts; all else is escaped.

Phases are colour-coded with the network view's accents
(:func:`bpsim.ui.colors.phase_color`), so the card and the view always agree.
Given the data set (:meth:`FormulaCard.set_data`), the values a frame reads
say what they are in the data's own terms: ``i1 = −0.5679 (hours_studied 3.1)``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QWidget,
)

from bpsim.model.data.dataset import Dataset
from bpsim.model.notation import DIGITS_RANGE
from bpsim.model.trace.frames import Frame
from bpsim.ui.colors import phase_color
from bpsim.ui.panels.card_fit import (
    ROWS,
    CardFitter,
    CardMetrics,
    CardRows,
    CardText,
    Plan,
    application_point_size,
    card_label,
)
from bpsim.ui.panels.frame_text import (
    MAX_INPUTS_SHOWN,
    CardTexts,
    Digits,
    FrameWhere,
    inputs_html,
)
from bpsim.ui.panels.rich_text import readable
from bpsim.viewmodel.units import value_notes

IDLE_TEXT = "Press → to step through one training step"


class FormulaCard(QFrame):
    """Shows one frame of a training step as a formula with numbers.

    ``sigHeightHintChanged(height)`` tells the window the card's content
    needs another height (at its current width)."""

    sigHeightHintChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fitter = CardFitter()
        self._plans: dict[tuple[int, int | None], Plan] = {}
        self._last_hint = 0
        self._last_geometry: tuple[int, QSize] | None = None
        self._tallest: dict[int, int] = {}  # the tallest content seen, by card width
        self._digits = Digits()
        self._frame: Frame | None = None
        self._step: int | None = None
        self._total: int | None = None
        self._n_samples: int | None = None
        self._data: Dataset | None = None
        self._notes_of: tuple[tuple[Frame, Dataset, Digits] | None, dict[str, str]] = (None, {})
        self._idle_text = IDLE_TEXT
        self._scale = 1.0
        self._fonts: dict[QLabel, QFont] = {}
        self._base_pt = application_point_size()

        self.title = card_label(selectable=False)
        self.position = card_label(selectable=False)
        self.position.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.position.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)
        self.position.setWordWrap(False)
        self.symbolic = card_label()
        self.substituted = card_label()
        self.inputs = card_label()

        labels = (self.title, self.position, self.symbolic, self.substituted, self.inputs)
        self._rows = dict(zip(ROWS, labels, strict=True))
        self._header = QHBoxLayout()
        self._header.addWidget(self.title, 1)
        self._header.addWidget(self.position)
        self._layout = CardRows(self)
        self._layout.addLayout(self._header)
        self._layout.addWidget(self.symbolic)
        self._layout.addWidget(self.substituted)
        self._layout.addWidget(self.inputs)
        self._layout.addStretch(1)  # more room than the text needs stays below it
        # down to its minimum size hint: the text squeezed (Minimum would stop at the hint)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
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

    def set_data(self, data: Dataset | None) -> None:
        """The data set the frames' inputs come from (None: name them only)."""
        self._data = data
        self._render()

    def _notes(self) -> dict[str, str]:
        frame, data = self._frame, self._data
        if frame is None or data is None or not frame.inputs:
            return {}
        key, notes = self._notes_of  # asked for several times per frame: made once
        if key is None or key[0] is not frame or key[1] is not data or key[2] != self._digits:
            notes = value_notes(data, frame.inputs, self._digits.fmt)
            self._notes_of = ((frame, data, self._digits), notes)
        return notes

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
        equals = "= " if "=" in frame.symbolic else ""
        return f"{frame.symbolic}\n  {equals}{self._digits.substituted(frame)}"

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
        hint = self.heightForWidth(self._hint_width())
        if (hint, self.minimumSizeHint()) != self._last_geometry:  # else no relayout
            self._last_geometry = (hint, self.minimumSizeHint())
            self.updateGeometry()
        if hint != self._last_hint:
            self._last_hint = hint
            self.sigHeightHintChanged.emit(hint)

    def _text(self) -> CardText:
        frame = self._frame
        if frame is None or not frame.inputs:
            inputs = self.inputs.text()
            return CardText(*self._texts(), lambda _: inputs, 0)
        n = min(MAX_INPUTS_SHOWN, len(frame.inputs))
        return CardText(*self._texts(), self._inputs_html, n)

    def _texts(self) -> tuple[str, str, str, str]:
        return (
            self.title.text(),
            self.position.text(),
            self.symbolic.text(),
            self.substituted.text(),
        )

    def _metrics(self) -> CardMetrics:
        m = self._layout.contentsMargins()
        return CardMetrics(
            {row: self._fonts[label] for row, label in self._rows.items()},
            self._base_pt * self._scale,
            min(1.0, 1.0 / self._scale),
            m.left() + m.right(),
            m.top() + m.bottom(),
            self._layout.spacing(),
            self._header.spacing(),
        )

    def _plan(self, width: int, room: int | None = None) -> Plan:
        """How to set the current text at a card ``width`` (see :mod:`card_fit`)."""
        key = (width, room)
        if key not in self._plans:
            self._plans[key] = self._fitter.plan(self._text(), self._metrics(), width, room)
        return self._plans[key]

    def _inputs_html(self, shown: int) -> str:
        assert self._frame is not None
        return inputs_html(self._frame, self._muted(), shown, self._digits, self._notes())

    def _hint_width(self) -> int:
        return self.width() if self.isVisible() else round(560 * self._scale)

    def _fit(self) -> None:
        """Set each row in the font its plan gives, for the card's size."""
        width = self.width()
        natural = self._plan(width)
        plan = natural if self.height() >= natural.height else self._plan(width, self.height())
        for row, font in plan.fonts.items():
            label = self._rows[row]
            if label.font() != font:
                label.setFont(font)
            label.setFixedHeight(plan.heights[row])  # as planned: the layout does not ask
        if self._frame is not None and self._frame.inputs:
            self.inputs.setText(self._inputs_html(plan.inputs_shown))

    def sizeHint(self) -> QSize:
        width = self._hint_width()
        return QSize(width, self.heightForWidth(width))

    def hasHeightForWidth(self) -> bool:
        return False  # the hint asks for the content; less room squeezes it (CardRows)

    def heightForWidth(self, width: int) -> int:
        """The content's height at a card ``width`` (the tallest seen while stepping)."""
        return max(self._plan(width).height, self._tallest.get(width, 0))

    def minimumSizeHint(self) -> QSize:
        """Narrow, and as short as all the text set at its smallest allows."""
        return QSize(round(240 * self._scale), self._plan(self._hint_width(), 0).height)

    def _render(self) -> None:
        frame = self._frame
        accent = "" if frame is None else phase_color(frame.phase, dark=self._dark())
        where = FrameWhere(self._step, self._total, self._n_samples)
        texts = CardTexts(frame, where, self._digits, self._notes(), self._idle_text)
        colors = (readable(accent, self._background()).name() if accent else "", self._muted())
        rows, tips = texts.html(*colors)
        for row, label in self._rows.items():
            label.setText(rows[row])
            label.setToolTip(tips.get(row, ""))
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
        if event.size().width() != event.oldSize().width():
            self._changed()  # the hints depend on the width
        else:
            self._fit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._render()
        elif event.type() == QEvent.Type.ApplicationFontChange:
            # The base is the application's font: a parent's font (the window
            # scales its own for large type) would scale the card twice.
            self._base_pt = application_point_size()
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
