"""Continuous training (T): the engine runs in slices between repaints, at
the training speed set in the controls.

Each tick of the timer trains the steps the speed allows by now (a
:class:`~bpsim.viewmodel.training_pace.Pace`; as fast as possible: for what
is left of a frame after the last refresh, a
:class:`~bpsim.viewmodel.training_pace.FrameBudget`, so the view refreshes
30 times a second or more and the engine has the rest), then shows the
network as it stands; the loss plot and the data panel, which change
slowly, repaint at a fixed rate, every :data:`PANEL_SECONDS`. At a few
steps a second every step is shown. Pressing T again pauses on the next step, opened frame by frame.

The clock is injectable (``clock``), so a test can drive the speed exactly.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QSettings, QTimer

from bpsim.model.errors import DivergedError
from bpsim.viewmodel.loss_view import Moment
from bpsim.viewmodel.network.scene import scene_from_network
from bpsim.viewmodel.training_pace import (
    DEFAULT_SPEED,
    SPEEDS,
    FrameBudget,
    Pace,
    record_every,
    speed_index,
    speed_text,
)

if TYPE_CHECKING:
    from bpsim.ui.window.controller import Controller

PANEL_SECONDS = 0.5  # the loss plot, the data panel and the status bar: twice a second
PACED_INTERVAL_MS = 10  # how often a paced run looks whether a step is due


class TrainingRun(QObject):
    """Trains ``controller``'s timeline while the Train action is checked."""

    def __init__(
        self, controller: Controller, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        super().__init__(controller)
        self.c = controller
        self.clock = clock
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.pace = Pace(DEFAULT_SPEED, clock())
        self.budget = FrameBudget()
        self._started = 0.0
        self._steps = 0
        self._panels_at = -np.inf
        self._losses: list[float] = []
        self._losses_from = 0
        self._connect_callbacks()

    def _connect_callbacks(self) -> None:
        a, slider = self.c.a, self.c.controls.train_speed
        a["train"].toggled.connect(self._on_train_toggled)
        a["train_faster"].triggered.connect(lambda: self._shift_speed(+1))
        a["train_slower"].triggered.connect(lambda: self._shift_speed(-1))
        slider.valueChanged.connect(self._on_speed_changed)
        self.timer.timeout.connect(self._on_tick)
        self._on_speed_changed(slider.value())

    @property
    def speed(self) -> int | None:
        """Steps per second (None: as fast as possible)."""
        return self.pace.rate

    def set_speed(self, rate: int | None) -> None:
        """Train at ``rate`` steps per second (None: as fast as possible),
        from now on."""
        self.pace.restart(rate, self.clock())
        self.timer.setInterval(0 if rate is None else PACED_INTERVAL_MS)

    def stop(self) -> None:
        self.timer.stop()

    def _on_speed_changed(self, index: int) -> None:
        rate = SPEEDS[min(max(index, 0), len(SPEEDS) - 1)]
        self.set_speed(rate)
        self.c.controls.train_speed_label.setText(speed_text(rate))

    def _shift_speed(self, delta: int) -> None:
        slider = self.c.controls.train_speed
        slider.setValue(slider.value() + delta)
        self.c.w.statusBar().showMessage(f"Training speed: {speed_text(self.speed)}", 2000)

    def restore(self, settings: QSettings) -> None:
        """The training speed from the preferences (a damaged one: the default)."""
        saved = str(settings.value("train/speed", DEFAULT_SPEED))
        with contextlib.suppress(ValueError):
            self.c.controls.train_speed.setValue(
                speed_index(None if saved == "max" else int(saved))
            )

    def save(self, settings: QSettings) -> None:
        settings.setValue("train/speed", "max" if self.speed is None else self.speed)

    def _on_train_toggled(self, training: bool) -> None:
        c = self.c
        if training:
            if c.a["play"].isChecked():
                c.a["play"].setChecked(False)
            c.finish_transition()
            self._started = self.clock()
            self._steps = 0
            self._panels_at = -np.inf
            self._losses.clear()
            self.pace.restart(self.pace.rate, self._started)
            self.budget.restart()
            trainer = c.timeline.trainer  # training goes on from after the shown step
            c.record_progress(c.timeline.session, (trainer.step, trainer.net))
            c.card.set_frame(None)
            c.card.set_idle_text("Training… press T to pause and open the next step")
            c.panels.show_highlight(None)
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

    def _train_slice(self, allowed: int | None, losses: list[float]) -> int:
        """Train for up to the frame's budget of seconds and ``allowed`` steps
        (None: no limit); returns the steps run. The loss curve gets a point
        at every multiple of :func:`record_every` of the step, so the first
        steps' descent is drawn in detail however fast training runs."""
        c, tl = self.c, self.c.timeline
        trainer = tl.trainer
        start = time.perf_counter()
        deadline = start + self.budget.slice(start)
        done = 0
        while allowed is None or done < allowed:
            every = record_every(trainer.step)
            chunk = every - trainer.step % every
            if allowed is not None:
                chunk = min(chunk, allowed - done)
            left = max(deadline - time.perf_counter(), 0.0)
            done += tl.train_for(left, out=losses, max_steps=chunk)
            if trainer.step % every == 0:
                c.record_progress(tl.session, (trainer.step, trainer.net))
            if time.perf_counter() >= deadline:
                break
        self.budget.trained(time.perf_counter() - start)
        return done

    def _on_tick(self) -> None:
        c = self.c
        allowed = self.pace.allowed(self.clock())
        if allowed == 0:
            return
        if not self._losses:
            self._losses_from = c.timeline.trainer.step
        losses = self._losses  # since the plot's last refresh
        try:
            done = self._train_slice(allowed, losses)
        except DivergedError as exc:
            # Show the blow-up: the losses of the last steps' batches after the
            # last finite evaluated point (whose whole-set losses they must not
            # replace; near a divergence those overflow, these do not yet).
            steps = np.arange(self._losses_from, self._losses_from + len(losses))
            plotted, _ = c.plot.series("train")
            tail = steps > (plotted[-1] if len(plotted) else -1)
            if tail.any():
                c.plot.append_many(steps[tail], np.array(losses)[tail])
                c.plotted_until = max(c.plotted_until, int(steps[tail][-1]))
            losses.clear()
            c.diverged(exc)
            return
        self.pace.record(done)
        self._steps += done
        trainer = c.timeline.trainer
        x = trainer.X[0]
        c.view.set_scene(
            scene_from_network(trainer.net, x, mode=c.edge_mode(), targets=trainer.Y[0])
        )
        now = self.clock()
        if now - self._panels_at >= PANEL_SECONDS:  # the plots change slowly: spare their paint
            self._panels_at = now
            self._losses.clear()
            c.record_progress(c.timeline.session)
            c.plot.set_moment(Moment(trainer.step, training=True, values=c.plot_values()))
            c.plot.refresh()
            c.panels.show_network(trainer.net)
            rate = self._steps / max(now - self._started, 1e-9)
            c.update_status(training_rate=rate)  # the status bar too: text changes slowly
