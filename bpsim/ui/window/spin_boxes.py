"""Spin boxes for numbers that span several powers of ten."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

LEARNING_RATES = (1e-6, 100.0)  # the range every learning-rate field offers


class LogSpinBox(QDoubleSpinBox):
    """A spin box for rates and strengths that span several powers of ten.

    Values show with up to six significant digits and no trailing zeros
    (0.5, 0.001, 0.00002); the arrows step along 1, 2, 5, 10, 20, 50, …
    """

    def __init__(self, minimum: float, maximum: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(10)  # keep the value as typed; the text shows what matters
        self.setRange(minimum, maximum)
        grid = [m * 10.0**e for e in range(-5, 3) for m in (1, 2, 5)]
        self._grid = [minimum] * (minimum == 0) + [g for g in grid if minimum <= g <= maximum]

    def textFromValue(self, value: float) -> str:
        return str(np.format_float_positional(value, precision=6, fractional=False, trim="-"))

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        state = QValidator.State
        try:
            value = float(text.strip().replace(",", "."))
        except ValueError:  # maybe on the way to a number (".", "1e-")
            typing = set(text.strip()) <= set("0123456789.,eE+-")
            return (state.Intermediate if typing else state.Invalid), text, pos
        if self.minimum() <= value <= self.maximum():
            return state.Acceptable, text, pos
        return state.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        value = self.value()
        for _ in range(abs(steps)):
            if steps > 0:
                value = next((g for g in self._grid if g > value * (1 + 1e-9)), self.maximum())
            else:
                smaller = [g for g in self._grid if g < value * (1 - 1e-9)]
                value = smaller[-1] if smaller else self.minimum()
        self.setValue(value)
