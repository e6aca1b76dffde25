"""The data panel's legend line: what each colour and symbol means, and any
note on what the panel cannot show (more than two inputs, say) or on the
values the network sees; notes take at most two lines (:class:`DataHeader`)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPalette, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from bpsim.model.data.dataset import Dataset
from bpsim.ui.colors import blend, diverging_rgb, palette_for
from bpsim.ui.panels.elided_label import ElidedLabel
from bpsim.viewmodel import boundary as bd
from bpsim.viewmodel import units
from bpsim.viewmodel.boundary import PlotKind

# Okabe–Ito, colour-blind safe; two classes use the app's blue and orange
LIGHT_CLASSES = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8c8c8c")
DARK_CLASSES = ("#56a9e6", "#f0a830", "#2fc79c", "#e38fc4", "#f07a3a", "#a6dcf7", "#b4b4b4")
# regression samples: the loss plot's training and test colours
LIGHT_SAMPLES = ("#0072b2", "#d55e00")
DARK_SAMPLES = ("#56b4e9", "#f0a04b")
DOT, SQUARE, LINE = "\u25cf", "\u25a1", "\u2501\u2501"
LINE_NAMES = {"binary": "p = 0.5", "multiclass": "boundary", "curve": "network"}


@dataclass(frozen=True)
class LegendColors:
    """The colours (``#rrggbb``) the legend names."""

    classes: tuple[str, ...]
    text: str
    training: str  # regression samples
    test: str
    muted: str  # the note


def key_html(symbol: str, color: str, label: str) -> str:
    text = html.escape(label).replace(" ", "&nbsp;")
    return f'<span style="color:{color}">{symbol}</span>&nbsp;{text}'


def legend_html(
    train: Dataset, test: Dataset | None, kind: PlotKind | None, colors: LegendColors
) -> str:
    """The legend of ``train`` (and ``test``) drawn as ``kind``."""
    fg = colors.text
    if train.task == "classification":
        assert train.class_names is not None
        pairs = zip(colors.classes, train.class_names, strict=False)
        keys = [key_html(DOT, color, name) for color, name in pairs]
    else:
        keys = [key_html(DOT, fg if kind == "value" else colors.training, "training")]
    if test is not None:
        plain = train.task == "classification" or kind == "value"
        keys.append(key_html(SQUARE, fg if plain else colors.test, "test"))
    if kind in LINE_NAMES:
        keys.append(key_html(LINE, fg, LINE_NAMES[kind]))
    return "&nbsp;&nbsp;&nbsp; ".join(keys)


def legend_notes(train: Dataset) -> list[str]:
    """What the panel says under the legend: why there is no surface, and
    the standardized values the network sees."""
    return [note for note in (bd.scatter_note(train), units.scaling_note(train)) if note]


class DataHeader(QWidget):
    """The legend line above the data plot (wrapping) and its notes, which
    take at most two lines (elided; the whole text in their tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.note = ElidedLabel(max_lines=2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)

    def set_content(self, legend: str, notes: list[str], muted: str = "") -> None:
        self.legend.setText(legend)
        self.note.set_full_text("; ".join(notes))
        self.note.setVisible(bool(notes))
        self.note.setStyleSheet(f"color: {muted}; font-style: italic" if muted else "")

    def show_data(
        self,
        train: Dataset,
        test: Dataset | None,
        kind: PlotKind | None,
        palette: QPalette,
        classes: list[QColor],
    ) -> None:
        """The legend of ``train`` (and ``test``) drawn as ``kind``, and its notes."""
        window = palette.color(QPalette.ColorRole.Window)
        text_color = palette.color(QPalette.ColorRole.WindowText)
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        samples = DARK_SAMPLES if dark else LIGHT_SAMPLES
        colors = LegendColors(
            classes=tuple(c.name() for c in classes),
            text=text_color.name(),
            training=samples[0],
            test=samples[1],
            muted=blend(window, text_color, 0.7).name(),
        )
        legend = legend_html(train, test, kind, colors)
        self.set_content(legend, legend_notes(train), colors.muted)

    def text(self) -> str:
        """The legend and the whole of every note."""
        note = self.note.full_text()
        return self.legend.text() + (f"<br><i>{html.escape(note)}</i>" if note else "")

    def set_text_font(self, font: QFont) -> None:
        self.legend.setFont(font)
        self.note.setFont(font)

    def fit(self, pt: float, width: int) -> float:
        """Set the text in ``pt`` points; the height the header then takes at ``width``."""
        font = QFont(self.legend.font())
        font.setPointSizeF(pt)
        self.set_text_font(font)
        inner = max(width - 20, 1)
        height = 6 + max(self.legend.heightForWidth(inner), 0)
        if self.note.isVisibleTo(self):
            lines = QFontMetricsF(font).height() * self.note.max_lines
            height += min(max(self.note.heightForWidth(inner), 0), int(lines) + 2)
        return float(height)


def class_colors(n_outputs: int, dark: bool) -> list[QColor]:
    """One colour per class: the app's blue and orange for two classes."""
    if n_outputs <= 2:
        pal = palette_for(dark)
        return [QColor(pal.negative), QColor(pal.positive)]
    names = DARK_CLASSES if dark else LIGHT_CLASSES
    return [QColor(names[c % len(names)]) for c in range(n_outputs)]


def sample_colors(
    data: Dataset,
    kind: PlotKind | None,
    test: bool,
    dark: bool,
    value_range: tuple[float, float],
    foreground: QColor,
) -> list[QColor]:
    """Each sample's colour: its class's, or for a regression surface its
    target's place on the diverging scale."""
    if data.task == "classification":
        colors = class_colors(data.n_outputs, dark)
        return [colors[c] for c in data.labels()]
    if kind == "value" and test:
        return [foreground] * data.n_samples  # pale hollow squares would vanish
    if kind == "value":
        scaled = bd.normalized(data.Y[:, 0], *value_range)
        rgb = diverging_rgb(scaled, palette_for(dark))
        return [QColor(int(r), int(g), int(b)) for r, g, b in rgb]
    return [QColor((DARK_SAMPLES if dark else LIGHT_SAMPLES)[1 if test else 0])] * data.n_samples


@lru_cache(maxsize=16)
def ring_style(rgba: int, width: float) -> tuple[QPen, QBrush]:
    """The pen and (empty) brush of the ring around the traced sample, one
    pair per color and width: pyqtgraph's symbol atlas keeps one picture per
    pen and brush *object*, so a new pen each frame grew it without end."""
    pen = QPen(QColor.fromRgba(rgba))
    pen.setWidthF(width)
    pen.setCosmetic(True)
    return pen, QBrush(Qt.BrushStyle.NoBrush)
