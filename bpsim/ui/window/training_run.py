"""Continuous training (T): the engine runs in slices between repaints.

Each tick of a zero-interval timer trains for :data:`TRAIN_SLICE` seconds,
then shows the network as it stands; the loss plot and the data panel, which
change slowly, repaint every :data:`PANEL_EVERY` ticks. Pressing T again
pauses on the next step, opened frame by frame.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer

from bpsim.model.errors import DivergedError
from bpsim.viewmodel.scene import scene_from_network

if TYPE_CHECKING:
    from bpsim.ui.window.controller import Controller

TRAIN_SLICE = 0.035  # seconds of training between two repaints of the network (~20 fps)
PANEL_EVERY = 2  # the loss plot and the data panel repaint every other time (~10 fps)


class TrainingRun(QObject):
    """Trains ``controller``'s timeline while the Train action is checked."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.c = controller
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self._started = 0.0
        self._steps = 0
        self._ticks = 0
        self._connect_callbacks()

    def _connect_callbacks(self) -> None:
        self.c.a["train"].toggled.connect(self._on_train_toggled)
        self.timer.timeout.connect(self._on_tick)

    def stop(self) -> None:
        self.timer.stop()

    def _on_train_toggled(self, training: bool) -> None:
        c = self.c
        if training:
            if c.a["play"].isChecked():
                c.a["play"].setChecked(False)
            c.finish_transition()
            self._started = time.perf_counter()
            self._steps = self._ticks = 0
            c.card.set_frame(None)
            c.card.set_idle_text("Training… press T to pause and open the next step")
            c.w.data_view.set_highlight(None)
            c.view.set_draft(True)  # cheaper edges while they change every refresh
            self.timer.start()
            return
        self.timer.stop()
        c.view.set_draft(False)
        try:
            c.timeline.open_next_step()
        except DivergedError as exc:
            c.diverged(exc)
            return
        c.refresh()

    def _on_tick(self) -> None:
        c = self.c
        first = c.timeline.trainer.step
        losses: list[float] = []
        try:
            self._steps += c.timeline.train_for(TRAIN_SLICE, out=losses)
        except DivergedError as exc:
            # Show the run up to the blow-up: each step's loss before its update.
            steps = np.arange(first, first + len(losses))
            c.plot.append_many(steps, np.array(losses))
            c.plotted_until = max(c.plotted_until, first + len(losses) - 1)
            c.diverged(exc)
            return
        trainer = c.timeline.trainer
        x = trainer.X[0]
        c.view.set_scene(
            scene_from_network(trainer.net, x, mode=c.edge_mode(), targets=trainer.Y[0])
        )
        self._ticks += 1
        if self._ticks % PANEL_EVERY == 0:  # the plots change slowly: spare their paint
            c.record_progress(c.timeline.session)
            c.plot.set_current_step(trainer.step)
            c.plot.refresh()
            c.w.data_view.update_network(trainer.net)
        rate = self._steps / max(time.perf_counter() - self._started, 1e-9)
        c.update_status(training_rate=rate)
