"""The Controls dock's contents: step size, play and training speed, learning
rate, edge width, digits and the preset's description, in a scroll area so
that nothing is cut when large type makes them taller than the dock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSlider,
    QSpinBox,
    QWidget,
)

from bpsim.model.notation import DEFAULT_DIGITS, DIGITS_RANGE
from bpsim.ui.window.spin_boxes import LEARNING_RATES, LogSpinBox
from bpsim.viewmodel.timeline import GRANULARITY_LABELS
from bpsim.viewmodel.training_pace import DEFAULT_SPEED, SPEEDS, speed_index


class ControlsPanel(QWidget):
    """Step size, speed, learning rate and the preset's description."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        # a narrow dock (or large type) puts each label above its control
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.granularity = QComboBox()
        for g, label in GRANULARITY_LABELS.items():
            self.granularity.addItem(label, g.value)
        self.granularity.setToolTip("How far one press of → or ← moves (↑ and ↓ change it)")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 30)
        self.speed.setValue(3)
        self.speed.setToolTip("Frames per second while playing ([ and ] change it)")
        self.speed_label = QLabel()
        self.train_speed = QSlider(Qt.Orientation.Horizontal)
        self.train_speed.setRange(0, len(SPEEDS) - 1)
        self.train_speed.setPageStep(1)
        self.train_speed.setValue(speed_index(DEFAULT_SPEED))
        self.train_speed.setToolTip(
            "Training steps per second while training continuously (T), from a few, to "
            "watch the boundary form, to as fast as possible ({ and } change it)"
        )
        self.train_speed_label = QLabel()
        self.learning_rate = LogSpinBox(*LEARNING_RATES)
        self.learning_rate.setToolTip("Learning rate η; a change applies from the current step on")
        self.learning_rate.setKeyboardTracking(False)  # apply when typing is done
        self.edge_mode = QComboBox()
        self.edge_mode.addItem("|weight|", "weights")
        self.edge_mode.addItem("|gradient|", "gradients")
        self.edge_mode.setToolTip("What edge thickness shows (G toggles)")
        self.digits = QSpinBox()
        self.digits.setRange(*DIGITS_RANGE)
        self.digits.setValue(DEFAULT_DIGITS)
        self.digits.setToolTip("How many digits numbers are shown with (D and Shift+D change it)")
        self.decimals = QCheckBox("decimal places")
        self.decimals.setToolTip(
            "Count the digits after the decimal point, as the classic worked example is "
            "published (9 decimal places), instead of significant figures"
        )
        digits_row = QHBoxLayout()
        digits_row.setContentsMargins(0, 0, 0, 0)
        digits_row.addWidget(self.digits)
        digits_row.addWidget(self.decimals, 1)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Step by", self.granularity)
        form.addRow("Play speed", self.speed)
        form.addRow("", self.speed_label)
        form.addRow("Training speed", self.train_speed)
        form.addRow("", self.train_speed_label)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Edge width", self.edge_mode)
        form.addRow("Digits", digits_row)
        form.addRow(self.description)
        widgets = (self.granularity, self.speed, self.train_speed, self.edge_mode)
        for w in (*widgets, self.digits, self.decimals):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: it scrolls, instead of being
    cut, where the dock is shorter (or narrower) than it needs."""
    area = QScrollArea()
    area.setObjectName(f"{widget.objectName() or 'panel'}_scroll")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setMinimumSize(60, 60)
    return area
