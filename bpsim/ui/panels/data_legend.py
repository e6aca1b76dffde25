"""The data panel's legend line: what each colour and symbol means, and any
note on what the panel cannot show (more than two inputs, say)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtGui import QColor

from bpsim.model.data.dataset import Dataset
from bpsim.ui.colors import diverging_rgb, palette_for
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
    text = "&nbsp;&nbsp;&nbsp; ".join(keys)
    for note in (bd.scatter_note(train), units.scaling_note(train)):
        if note:
            text += f'<br><span style="color:{colors.muted}"><i>{html.escape(note)}</i></span>'
    return text


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
