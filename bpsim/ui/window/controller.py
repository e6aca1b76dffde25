"""The controller: moves the timeline, trains, and keeps the views in step.

Views lay out and draw; this class holds the logic, connects every callback (in
:meth:`Controller._connect_callbacks`) and owns the app's timers (play, the pulse's
animation; training's through :class:`TrainingRun`), stopped in :meth:`shutdown`."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEasingCurve, QObject, QSettings, QTimer, QVariantAnimation, Signal

from bpsim.model.data.presets import DEFAULT_PRESET, PRESETS
from bpsim.model.engine.network import Network
from bpsim.model.errors import DivergedError
from bpsim.model.sessions.session import Session, evaluate_session, new_session
from bpsim.ui.window import dialogs
from bpsim.ui.window.actions import paint_glyphs
from bpsim.ui.window.file_controller import FileController
from bpsim.ui.window.shown_panels import ShownPanels
from bpsim.ui.window.training_run import TrainingRun
from bpsim.ui.window.view_settings import ViewSettings
from bpsim.viewmodel.history import SERIES
from bpsim.viewmodel.loss_view import Moment
from bpsim.viewmodel.network.scene import scene_from_trace
from bpsim.viewmodel.status_text import status_texts
from bpsim.viewmodel.timeline import Granularity, Point, Timeline
from bpsim.viewmodel.units import view_unit_names

if TYPE_CHECKING:
    from bpsim.ui.window.main_window import MainWindow

MAX_TRANSITION_MS = 300


class Controller(QObject):
    """Drives ``window`` over a :class:`Timeline` of ``session``."""

    sigRefreshed = Signal()  # the current frame is shown everywhere (see_inside follows)
    sigSessionLoaded = Signal()  # a new session is shown (its lecture, too)

    def __init__(self, window: MainWindow, session: Session, session_path: str | None) -> None:
        super().__init__(window)
        self.w = window
        self.view = window.network_view
        self.card = window.formula_card
        self.plot = window.loss_plot
        self.controls = window.controls
        self.panels = ShownPanels(window.data_view)
        self.a = window.actions_by_name
        self._play_timer = QTimer(self)
        self._transition = QVariantAnimation(self)
        self._transition.setStartValue(0.0)
        self._transition.setEndValue(1.0)
        self._transition.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self.plotted_until = -1
        self._shut_down = False
        self.last_point: Point = (float("nan"), None, None)
        self.session_path = session_path
        self.timeline: Timeline
        self._connect_callbacks()
        self.files = FileController(self)
        self.training = TrainingRun(self)
        self.view_settings = ViewSettings(window, lambda: self.timeline.steps_per_epoch)
        if not self.load(session, session_path):
            self.load(new_session(DEFAULT_PRESET))

    # -- wiring --------------------------------------------------------------------

    def _connect_callbacks(self) -> None:
        a, c = self.a, self.controls
        a["next"].triggered.connect(self._on_next)
        a["prev"].triggered.connect(self._on_prev)
        a["start"].triggered.connect(self._on_start)
        a["end"].triggered.connect(self._on_end)
        a["play"].toggled.connect(self._on_play_toggled)
        a["reset"].triggered.connect(self._on_reset)
        a["network_settings"].triggered.connect(self._on_network_settings)
        a["finer"].triggered.connect(lambda: self._shift_granularity(-1))
        a["coarser"].triggered.connect(lambda: self._shift_granularity(+1))
        a["faster"].triggered.connect(lambda: c.speed.setValue(c.speed.value() + 1))
        a["slower"].triggered.connect(lambda: c.speed.setValue(c.speed.value() - 1))
        a["gradient_mode"].toggled.connect(self._on_gradient_mode_toggled)
        a["quit"].triggered.connect(self.w.close)
        a["shortcuts"].triggered.connect(lambda: dialogs.show_shortcuts(self.w))
        a["about"].triggered.connect(lambda: dialogs.show_about(self.w))
        for name, action in self.w.preset_actions.items():
            action.triggered.connect(lambda _=False, n=name: self._on_preset(n))
        c.speed.valueChanged.connect(self._on_speed_changed)
        c.learning_rate.valueChanged.connect(self._on_learning_rate_changed)
        c.learning_rate.editingFinished.connect(self.view.setFocus)  # arrows step again
        c.edge_mode.currentIndexChanged.connect(self._on_edge_mode_changed)
        c.granularity.currentIndexChanged.connect(lambda _: self.w.network_view.setFocus())
        self._play_timer.timeout.connect(self._on_play_tick)
        self._transition.valueChanged.connect(lambda v: self.view.set_transition(float(v)))
        self._on_speed_changed(c.speed.value())

    # -- sessions --------------------------------------------------------------------

    def load(self, session: Session, path: str | None = None) -> bool:
        """Show ``session`` from its current step on. If its first step
        cannot be computed (it diverges), say so and keep what was shown."""
        self._stop_motion()
        start_step, start = session.trainer.step, evaluate_session(session)
        try:
            timeline = Timeline(session)
        except DivergedError as exc:
            dialogs.warn(self.w, "Cannot open this session", f"Its first step diverges: {exc}.")
            return False
        self.timeline = timeline
        self.panels.set_data(session.dataset, session.test)
        self.card.set_data(session.dataset)
        inputs, outputs = view_unit_names(session.dataset)
        self.view.set_unit_names(inputs, outputs, to_raw=session.dataset.to_raw)
        # The worked example's single sample has nothing to plot: show the
        # controls instead.
        shown = self.w.data_dock if session.dataset.n_samples > 1 else self.w.controls_dock
        shown.raise_()
        self.plot.clear()
        self.plot.load_history(session.history)  # the curve so far, from a file
        self.plotted_until = -1
        self._plot_point(start_step, start)
        self.session_path = path
        preset = session.settings.get("preset")
        title = Path(path).name if path else PRESETS[str(preset)].title if preset in PRESETS else ""
        title = title or str(session.settings.get("source") or "")
        self.w.setWindowTitle(f"{title} — bpsim" if title else "bpsim")
        description = PRESETS[str(preset)].description if preset in PRESETS else ""
        self.controls.description.setText(description or session.dataset.description)
        self._apply_saved_settings(session.settings)
        self.view_settings.apply_x_unit()
        self.refresh()
        self.sigSessionLoaded.emit()
        return True

    def _apply_saved_settings(self, settings: dict[str, str | int | float | bool | None]) -> None:
        granularity = self.controls.granularity.findData(settings.get("granularity"))
        if granularity >= 0:
            self.controls.granularity.setCurrentIndex(granularity)
        if settings.get("edge_mode") in ("weights", "gradients"):
            self.a["gradient_mode"].setChecked(settings["edge_mode"] == "gradients")
        frame = settings.get("frame")
        if isinstance(frame, int) and not isinstance(frame, bool):
            self.timeline.seek(frame)

    def _on_preset(self, name: str) -> None:
        self.load(new_session(name))

    def _on_network_settings(self) -> None:
        from bpsim.ui.window.network_dialog import edit_network

        self._stop_motion()
        session = edit_network(self.w, self.timeline.session)
        if isinstance(session, tuple):  # only the update order: redo the shown step
            self._on_learning_rate_changed(self.timeline.trainer.optimizer.lr, session[0])
        elif session is not None:
            self.load(session)

    def _on_reset(self) -> None:
        self._stop_motion()
        self.timeline.reset()
        first = self.timeline.first_step
        self.plot.truncate_after(first)  # the run starts over: so does its curve
        self.plotted_until = min(self.plotted_until, first)
        self.w.statusBar().clearMessage()
        self.refresh()

    # -- moving through time -----------------------------------------------------

    def granularity(self) -> Granularity:
        return self.w.granularity()

    def _shift_granularity(self, delta: int) -> None:
        combo = self.controls.granularity
        combo.setCurrentIndex(min(max(combo.currentIndex() + delta, 0), combo.count() - 1))
        self.w.statusBar().showMessage(f"Step by: {combo.currentText()}", 2000)

    def finish_transition(self) -> None:
        if self._transition.state() == QVariantAnimation.State.Running:
            self._transition.stop()
        self.view.set_transition(1.0)

    def _move(self, forward: bool) -> None:
        self.finish_transition()
        if self.a["train"].isChecked():
            self.a["train"].setChecked(False)  # the first press only pauses, on a step
            return
        self.w.statusBar().clearMessage()
        try:
            if forward:
                self.timeline.forward(self.granularity())
            else:
                self.timeline.backward(self.granularity())
        except DivergedError as exc:
            self.diverged(exc)
            return
        self.refresh()
        if forward:
            self.view.set_transition(0.0)
            self._transition.start()

    def _on_next(self) -> None:
        self._move(forward=True)

    def _on_prev(self) -> None:
        if self.a["play"].isChecked():
            self.a["play"].setChecked(False)
        if self.timeline.at_beginning:
            self.w.statusBar().showMessage("This is where the session starts.", 3000)
            return
        self._move(forward=False)

    def _on_start(self) -> None:
        self.finish_transition()
        self.timeline.to_start()
        self.refresh()

    def _on_end(self) -> None:
        self.finish_transition()
        self.timeline.to_end()
        self.refresh()

    def _on_play_toggled(self, playing: bool) -> None:
        paint_glyphs(self.a)  # play becomes pause and back
        self.a["play"].setText("&Pause" if playing else "&Play")
        if playing:
            if self.a["train"].isChecked():
                self.a["train"].setChecked(False)
            self._play_timer.start()
        else:
            self._play_timer.stop()

    def _on_play_tick(self) -> None:
        self._move(forward=True)

    def _on_speed_changed(self, fps: int) -> None:
        self._play_timer.setInterval(int(1000 / max(fps, 1)))
        self._transition.setDuration(min(MAX_TRANSITION_MS, int(800 / max(fps, 1))))
        self.controls.speed_label.setText(f"{fps} frames per second")

    def diverged(self, exc: DivergedError) -> None:
        """Training diverged: plot where it went, show the last good step."""
        self._stop_motion()
        tl = self.timeline
        failed = tl.trainer.step
        self.record_progress(tl.session)
        with contextlib.suppress(DivergedError):  # else the last good step stays shown
            tl.go_to_step(failed - 1 - exc.step_back, at_end=True)
        self.refresh()
        message = (
            f"Training diverged at step {failed}: {exc.reason}. "
            "Lower the learning rate to go on from here, or step back in time."
        )
        self.w.statusBar().showMessage(message, 30000)

    def _stop_motion(self) -> None:
        for name in ("play", "train"):
            action = self.a[name]
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self._play_timer.stop()
        self.training.stop()
        self.view.set_draft(False)
        self.finish_transition()

    # -- showing -------------------------------------------------------------------------

    def edge_mode(self) -> str:
        return "gradients" if self.a["gradient_mode"].isChecked() else "weights"

    def _shown_state(self) -> tuple[int, Network]:
        """The step whose state the frames have shown, and that network: the
        state before the shown step until its whole update is on screen,
        after it from then on (and always while training)."""
        tl = self.timeline
        trainer = tl.trainer
        if self.a["train"].isChecked() or tl.update_shown:
            return trainer.step, trainer.net
        return tl.step, tl.net_before_step()

    def record_progress(self, session: Session, shown: tuple[int, Network] | None = None) -> None:
        """Plot the loss of the state the frames have shown (``_shown_state()``
        unless given), if it is new."""
        step, net = shown or self._shown_state()
        if step > self.plotted_until:
            self._plot_point(step, evaluate_session(session, net))

    def _plot_point(self, step: int, point: Point) -> None:
        train, test, accuracy = point
        self.plot.append(step, train, test, accuracy)
        self.plotted_until = step
        self.last_point = point

    def plot_values(self) -> dict[str, float | None]:
        """The latest plotted point's values, by series name."""
        return dict(zip(SERIES, self.last_point, strict=True))

    def refresh(self) -> None:
        """Show the timeline's current frame everywhere."""
        tl = self.timeline
        net = tl.trainer.net
        scene = scene_from_trace(
            tl.trace, tl.cursor, activation_names=net.activation_names, mode=self.edge_mode()
        )
        self.view.set_scene(scene)
        self.card.set_frame(
            tl.frame, step=tl.step, total_frames=len(tl.trace), n_samples=len(tl.trace.X)
        )
        shown = self._shown_state()  # one copy of the network per refresh, for both panels
        before, after = tl.losses()
        if tl.step > self.plotted_until:
            self._plot_point(tl.step, before)
        if after is not None and shown[0] > self.plotted_until:
            self._plot_point(shown[0], after)
        values = dict(zip(SERIES, before, strict=True))
        after_loss = None if after is None else after[0]
        moment = Moment(tl.step, tl.cursor + 1, len(tl.trace), values, after_loss)
        self.plot.set_moment(moment)
        self.plot.refresh()
        self.panels.show_network(shown[1])
        sample = tl.frame.sample if len(tl.batch_indices) > 1 else 0
        self.panels.show_highlight(None if sample is None else int(tl.batch_indices[sample]))
        self.update_status()
        self.sigRefreshed.emit()

    def update_status(self, training_rate: float | None = None) -> None:
        w, tl = self.w, self.timeline
        texts = status_texts(tl, self.last_point[0], training_rate)
        w.step_label.setText(texts.step)
        w.frame_label.setText(texts.frame)
        w.loss_label.setText(texts.loss)
        w.loss_label.setToolTip(texts.loss_tip)
        if training_rate is not None:
            return
        lr = self.controls.learning_rate
        if lr.value() != tl.trainer.optimizer.lr:  # stepping back may restore another rate
            lr.blockSignals(True)
            lr.setValue(tl.trainer.optimizer.lr)
            lr.blockSignals(False)

    # -- view settings ----------------------------------------------------------------

    def _on_gradient_mode_toggled(self, on: bool) -> None:
        combo = self.controls.edge_mode
        combo.blockSignals(True)
        combo.setCurrentIndex(1 if on else 0)
        combo.blockSignals(False)
        self.view.set_mode(self.edge_mode())
        if not self.a["train"].isChecked():
            self.refresh()

    def _on_edge_mode_changed(self, index: int) -> None:
        self.a["gradient_mode"].setChecked(index == 1)

    def _on_learning_rate_changed(self, lr: float, update_order: str | None = None) -> None:
        self._stop_motion()
        tl = self.timeline
        try:
            tl.set_learning_rate(lr, update_order)
        except DivergedError as exc:
            self.diverged(exc)
            return
        self.plot.truncate_after(tl.step)
        self.plotted_until = min(self.plotted_until, tl.step)
        self.w.statusBar().clearMessage()
        self.refresh()

    # -- preferences and closing --------------------------------------------------

    def restore_preferences(self, settings: QSettings) -> None:
        c = self.controls
        index = c.granularity.findData(settings.value("step/granularity", "frame"))
        c.granularity.setCurrentIndex(max(index, 0))
        with contextlib.suppress(TypeError, ValueError):  # damaged: keep the default
            c.speed.setValue(int(settings.value("step/speed", 3)))
        self.training.restore(settings)
        self.view_settings.restore(settings)

    def save_preferences(self, settings: QSettings) -> None:
        settings.setValue("step/granularity", self.granularity().value)
        settings.setValue("step/speed", self.controls.speed.value())
        self.training.save(settings)
        self.view_settings.save(settings)

    def timers(self) -> list[QTimer]:
        return [self._play_timer, self.training.timer]

    def shutdown(self) -> None:
        """Stop every timer and animation and disconnect them (on close)."""
        if self._shut_down:
            return
        self._shut_down = True
        self._stop_motion()
        self._transition.stop()
        for timer in self.timers():
            timer.timeout.disconnect()
        self._transition.valueChanged.disconnect()
