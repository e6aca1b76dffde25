"""Tools → Gradient Check: the shown step's gradients, analytic beside numerical.

Shows a :class:`~bpsim.viewmodel.gradient_check.GradientTable`: one row per
weight and bias, with backpropagation's gradient, the central difference,
their difference and relative error; rows that disagree are marked. The
table sorts by any column (click its header), e.g. by relative error.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bpsim.viewmodel.gradient_check import GradientTable

HEADERS = ("Parameter", "Backpropagation", "Central difference", "|Difference|", "Relative error")


class _Number(QTableWidgetItem):
    """A cell that sorts by its number, not its text."""

    def __init__(self, value: float, digits: int = 10) -> None:
        super().__init__(f"{value:.{digits}g}".replace("-", "\u2212"))
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _Number):
            return self.value < other.value
        return super().__lt__(other)


class _Parameter(QTableWidgetItem):
    """A parameter's name that sorts in the network's order (w2 before w10)."""

    def __init__(self, name: str, order: int) -> None:
        super().__init__(name)
        self.order = order

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _Parameter):
            return self.order < other.order
        return super().__lt__(other)


class GradientCheckDialog(QDialog):
    """The gradient check of one step (``title`` says which)."""

    def __init__(self, table: GradientTable, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gradient Check — bpsim")
        self.setObjectName("gradient_check")
        self.result = table
        intro = QLabel(
            f"<b>{title}</b><br>Each parameter θ's gradient ∂E/∂θ as backpropagation computes "
            f"it, and as central differences measure it: (E(θ + ε) − E(θ − ε)) / 2ε with "
            f"ε = {table.eps:g}. They agree when |a − n| ≤ {table.atol:g} + "
            f"{table.rtol:g}·max(|a|, |n|)."
        )
        intro.setWordWrap(True)
        self.summary = QLabel(table.summary())
        self.summary.setWordWrap(True)
        good = table.all_agree
        self.summary.setStyleSheet(f"font-weight: bold; color: {'#009e73' if good else '#d55e00'}")
        self.table = QTableWidget(len(table.rows), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        bad = QColor("#d55e00")
        bad.setAlpha(60)
        for k, row in enumerate(table.in_reading_order()):
            cells = [
                _Parameter(row.name, k),
                _Number(row.analytic),
                _Number(row.numerical),
                _Number(row.difference, 3),
                _Number(row.relative_error, 3),
            ]
            if not row.agrees(table.rtol, table.atol):
                for cell in cells:
                    cell.setBackground(bad)
                cells[0].setToolTip("these two gradients disagree")
            for c, cell in enumerate(cells):
                self.table.setItem(k, c, cell)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 520)
