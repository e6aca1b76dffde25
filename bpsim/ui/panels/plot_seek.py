"""Click the loss plot to open that step.

A single left click in the plot area of a
:class:`~bpsim.ui.panels.loss_plot.LossPlot` emits :attr:`PlotSeek.sigStepClicked`
with the training step under the pointer (the x axis counts steps even when
it is labelled in epochs). A double click still makes the view follow the
data again, as before; a drag still pans.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, Signal

from bpsim.ui.panels.loss_plot import LossPlot


class PlotSeek(QObject):
    """Turns clicks on ``plot`` into steps."""

    sigStepClicked = Signal(int)

    def __init__(self, plot: LossPlot) -> None:
        super().__init__(plot)
        self.plot = plot
        scene = plot.plot_item.scene()
        assert scene is not None
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    def step_at(self, scene_x: float, scene_y: float) -> int | None:
        """The step under the scene point, None outside the plot area."""
        from PySide6.QtCore import QPointF

        vb = self.plot.plot_item.vb
        point = QPointF(scene_x, scene_y)
        if not vb.sceneBoundingRect().contains(point):
            return None
        x = float(vb.mapSceneToView(point).x())
        return max(round(x), 0) if math.isfinite(x) else None

    def _on_mouse_clicked(self, event: object) -> None:
        button = getattr(event, "button", lambda: None)()
        if button != Qt.MouseButton.LeftButton or getattr(event, "double", lambda: False)():
            return
        pos = event.scenePos()  # type: ignore[attr-defined]
        step = self.step_at(pos.x(), pos.y())
        if step is not None:
            self.sigStepClicked.emit(step)
