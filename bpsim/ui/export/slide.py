"""A slide: the network view above the formula card, for export."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QVBoxLayout, QWidget

from bpsim.model.trace.frames import Trace
from bpsim.ui.network.view import NetworkView
from bpsim.ui.panels.formula_card import FormulaCard
from bpsim.viewmodel.network.scene import scene_from_trace, trace_index


class SlideView(QWidget):
    """Shows frame ``k`` of a trace: the network and the formula below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.network_view = NetworkView()
        self.formula_card = FormulaCard()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.network_view, stretch=1)
        layout.addWidget(self.formula_card)

    def set_slide_size(self, width: int, height: int) -> None:
        """Fix the slide's size and scale its type to it (1 at 1280x720).

        The network view's type and units already follow its own size (see
        :func:`bpsim.viewmodel.network.fit.font_px_for`): it keeps scale 1, so that
        the whole picture, units included, scales with the slide."""
        self.setFixedSize(width, height)
        scale = min(max(min(width / 1280, height / 720), 0.45), 3.0)
        self.formula_card.set_font_scale(scale)
        self.network_view.set_font_scale(1.0)

    def show_frame(
        self, trace: Trace, k: int, activation_names: Sequence[str], mode: str = "weights"
    ) -> None:
        """Frame ``k``; ``mode`` is what edge thickness shows (weights or gradients)."""
        scene = scene_from_trace(
            trace, k, activation_names=activation_names, mode=mode, index=trace_index(trace)
        )
        self.network_view.set_scene(scene)
        self.network_view.set_transition(1.0)
        self.formula_card.set_frame(
            trace.frames[k], total_frames=len(trace), n_samples=len(trace.X)
        )
        # the card as tall as its text needs (the tallest frame so far, so an
        # animation's network does not jump), at most a third of the slide
        card = self.formula_card.heightForWidth(self.width())
        self.formula_card.setFixedHeight(min(card, self.height() // 3))
