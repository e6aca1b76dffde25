"""The window's actions: one place for names, shortcuts, icons and tips.

Shortcuts use the platform's standard key sequence where one exists. The
help dialog lists this table, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle

from bpsim.ui.icons import glyph_icon, icon_color

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    tip: str
    keys: tuple[str | QKeySequence.StandardKey, ...] = ()
    icon: QStyle.StandardPixmap | str | None = None  # a str names a glyph of icons.py
    checkable: bool = False


SP = QStyle.StandardPixmap

SPECS = [
    ActionSpec("open", "&Open Session…", "Open a saved session file", (Key.Open,), SP.SP_DialogOpenButton),
    ActionSpec("open_csv", "Open &CSV Data…", "Train a new network on your own CSV file", ("Ctrl+Shift+O",)),
    ActionSpec("save", "&Save Session", "Save the session", (Key.Save,), SP.SP_DialogSaveButton),
    ActionSpec("save_as", "Save Session &As…", "Save the session under a new name", (Key.SaveAs,)),
    ActionSpec("export_png", "Export Frame as &PNG…", "Save the network view as a picture", ("Ctrl+E",)),
    ActionSpec("export_gif", "Export Step as &GIF…", "Save the whole training step as an animation", ("Ctrl+Shift+E",)),
    ActionSpec("quit", "&Quit", "Quit bpsim", (Key.Quit, "Ctrl+Q")),
    ActionSpec("play", "&Play", "Play the frames (Space)", ("Space",), "play", checkable=True),
    ActionSpec("next", "&Next", "One step forward (Right, Page Down)", ("Right", "PgDown"), "next"),
    ActionSpec("prev", "P&revious", "One step back (Left, Page Up)", ("Left", "PgUp"), "prev"),
    ActionSpec("start", "Start of Step", "First frame of this training step (Home)", ("Home",), "start"),
    ActionSpec("end", "End of Step", "Last frame of this training step (End)", ("End",), "end"),
    ActionSpec("train", "&Train Continuously", "Train at the training speed set in Controls; press again to pause (T)", ("T",), "train", checkable=True),
    ActionSpec("train_faster", "Train Faster", "More training steps per second, up to as fast as possible (})", ("}",)),
    ActionSpec("train_slower", "Train Slower", "Fewer training steps per second, down to two ({)", ("{",)),
    ActionSpec("finer", "Finer Steps", "Step by a smaller unit: operation, unit, layer… (Down)", ("Down",)),
    ActionSpec("coarser", "Coarser Steps", "Step by a larger unit: … pass, training step, epoch (Up)", ("Up",)),
    ActionSpec("network_settings", "&Network and Training…", "Change the architecture, activations, loss, optimizer, batch size… (Ctrl+Shift+N)", ("Ctrl+Shift+N",)),
    ActionSpec("reset", "&Reset", "Start this session over from its first step", ("Ctrl+R",)),
    ActionSpec("faster", "Faster", "Play faster (])", ("]",)),
    ActionSpec("slower", "Slower", "Play slower ([)", ("[",)),
    ActionSpec("gradient_mode", "Edges Show &Gradients", "Edge thickness shows |gradient| instead of |weight| (G)", ("G",), checkable=True),
    ActionSpec("fullscreen", "&Full Screen", "Full screen for the lecture hall (F11; Esc leaves it)", (Key.FullScreen, "F11"), checkable=True),
    ActionSpec("zoom_in", "&Larger Type", "Larger type everywhere", (Key.ZoomIn, "Ctrl+=")),
    ActionSpec("zoom_out", "&Smaller Type", "Smaller type everywhere", (Key.ZoomOut,)),
    ActionSpec("zoom_reset", "&Normal Type", "Type at its normal size", ("Ctrl+0",)),
    ActionSpec("more_digits", "&More Digits", "Show numbers with one more digit (D)", ("D",)),
    ActionSpec("fewer_digits", "&Fewer Digits", "Show numbers with one digit fewer (Shift+D)", ("Shift+D",)),
    ActionSpec("decimal_places", "Count &Decimal Places", "Digits count decimal places, as the worked example is published, not significant figures", (), checkable=True),
    ActionSpec("log_loss", "&Log Scale Loss", "Show the loss on a logarithmic axis (L)", ("L",), checkable=True),
    ActionSpec("loss_epochs", "Loss by &Epoch", "Plot the loss against epochs instead of steps (E)", ("E",), checkable=True),
    ActionSpec("gradient_check", "&Gradient Check…", "Compare the shown step's gradients with central differences, parameter by parameter (Ctrl+Shift+G)", ("Ctrl+Shift+G",)),
    ActionSpec("add_bookmark", "&Bookmark This Moment", "Add the moment shown to the lecture (Ctrl+B)", ("Ctrl+B",)),
    ActionSpec("lecture_mode", "&Lecture Mode", "Page Down and Page Up walk the lecture's bookmarks; → and ← still step inside a moment (Ctrl+L)", ("Ctrl+L",), checkable=True),
    ActionSpec("next_bookmark", "&Next Bookmark", "Open the lecture's next bookmark (Page Down in lecture mode; Ctrl+Page Down)", ("Ctrl+PgDown",)),
    ActionSpec("prev_bookmark", "&Previous Bookmark", "Open the lecture's previous bookmark (Page Up in lecture mode; Ctrl+Page Up)", ("Ctrl+PgUp",)),
    ActionSpec("presenter", "P&resenter Mode", "Full screen with the chosen panels, notes on a second screen, the clicker walks the lecture (F5; Esc leaves it; hold Ctrl for a laser pointer)", ("F5",), checkable=True),
    ActionSpec("speaker_notes", "Speaker &Notes Strip", "Show the bookmark's note and the next title in a strip under the picture (N)", ("N",), checkable=True),
    ActionSpec("blank_black", "Blank to Blac&k", "Black screen; any key or click brings the picture back (B or .)", ("B", ".")),
    ActionSpec("blank_white", "Blank to &White", "White screen; any key or click brings the picture back (W)", ("W",)),
    ActionSpec("go_to_step", "&Go to Step…", "Open training step N, training to it if need be (Ctrl+G; or click the loss plot)", ("Ctrl+G",)),
    ActionSpec("run_steps", "R&un Steps…", "Train N steps at once, e.g. 10,000, and show the next (Ctrl+Shift+T)", ("Ctrl+Shift+T",)),
    ActionSpec("keep_curve", "&Keep This Curve for Comparison", "Keep the training-loss curve on the plot, dashed, while you change a setting and train again (up to 3; Ctrl+K)", ("Ctrl+K",)),
    ActionSpec("clear_curves", "C&lear Compared Curves", "Remove the kept loss curves from the plot", ()),
    ActionSpec("export_lecture_pdf", "Export &Lecture as PDF…", "A handout: one page per bookmark, its picture, title and note"),
    ActionSpec("export_lecture_png", "Export Lecture as P&NGs…", "One picture per bookmark, numbered and titled, into a folder"),
    ActionSpec("shortcuts", "&Keyboard Shortcuts", "Every key bpsim knows", (Key.HelpContents, "F1")),
    ActionSpec("about", "&About bpsim", "What bpsim is"),
]  # fmt: skip


def key_text(key: str | QKeySequence.StandardKey) -> str:
    if isinstance(key, str):
        return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
    sequences = QKeySequence.keyBindings(key)
    return sequences[0].toString(QKeySequence.SequenceFormat.NativeText) if sequences else ""


def create_actions(parent: QObject) -> dict[str, QAction]:
    """One QAction per spec, parented to ``parent``, keyed by name."""
    style = QApplication.style()
    actions = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.name)
        action.setToolTip(spec.tip)
        action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        keys: list[QKeySequence] = []
        for key in spec.keys:
            if isinstance(key, str):
                keys.append(QKeySequence(key))
            else:
                keys.extend(QKeySequence.keyBindings(key))
        unique = list(dict.fromkeys(k for k in keys if not k.isEmpty()))
        action.setShortcuts(unique)
        if isinstance(spec.icon, QStyle.StandardPixmap):
            action.setIcon(style.standardIcon(spec.icon))
        actions[spec.name] = action
    paint_glyphs(actions)
    return actions


def paint_glyphs(actions: dict[str, QAction]) -> None:
    """(Re)draw the transport icons in the palette's colour, e.g. after the
    palette changed between light and dark."""
    color = icon_color()
    for spec in SPECS:
        if isinstance(spec.icon, str):
            glyph = spec.icon
            if spec.name == "play" and actions["play"].isChecked():
                glyph = "pause"
            actions[spec.name].setIcon(glyph_icon(glyph, color))


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for the help dialog."""
    rows = []
    for spec in SPECS:
        keys = [key_text(k) for k in spec.keys]
        keys = [k for k in dict.fromkeys(keys) if k]
        if keys:
            rows.append((", ".join(keys), spec.tip))
    return rows


def app_icon() -> QIcon:
    from importlib.resources import as_file, files

    with as_file(files("bpsim.resources") / "icons" / "bpsim.svg") as path:
        return QIcon(str(path))
