"""Long moves through training: go to step N, run N steps, open a bookmark.

A step the timeline has seen is restored exactly from its checkpoints; a
step further on is trained to, recording the loss on the way as continuous
training does, so the loss plot shows the whole way there and not one
straight line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget

from bpsim.model.errors import DivergedError
from bpsim.viewmodel.training_pace import record_every

if TYPE_CHECKING:
    from bpsim.ui.window.controller import Controller

MAX_JUMP = 10_000_000  # steps a dialog accepts
SAY_TRAINING = 1000  # steps of new ground from which the status bar says it trains


def show_moment(c: Controller, step: int, frame: int = 0) -> bool:
    """Show frame ``frame`` of step ``step`` everywhere; False if training
    diverged on the way (the last good step is shown, as training does)."""
    c._stop_motion()
    c.w.statusBar().clearMessage()
    tl = c.timeline
    trainer = tl.trainer
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        known = min(step, c.plotted_until)  # steps trained before: replayed from checkpoints
        if trainer.step < known:
            tl.go_to_step(known)
        if step - trainer.step > SAY_TRAINING:  # a wait worth a word
            bar = c.w.statusBar()
            bar.showMessage(f"Training to step {step:,}…")
            bar.repaint()
        if trainer.step < step:  # the state the trainer stands at, after the shown step
            c.record_progress(tl.session, (trainer.step, trainer.net))
        while trainer.step < step:  # new ground: train, plotting as training does
            every = record_every(trainer.step)
            chunk = min(every - trainer.step % every, step - trainer.step)
            tl.train_for(3600.0, max_steps=chunk)
            if trainer.step % every == 0 or trainer.step == step:
                c.record_progress(tl.session, (trainer.step, trainer.net))
        tl.go_to_step(step)
        tl.seek(frame)
    except DivergedError as exc:
        c.diverged(exc)
        return False
    finally:
        QApplication.restoreOverrideCursor()
    c.w.statusBar().clearMessage()
    c.refresh()
    return True


def ask_step(parent: QWidget, current: int, first: int) -> int | None:
    """Ask which step to go to (None: cancelled)."""
    step, ok = QInputDialog.getInt(
        parent,
        "Go to Step",
        f"Go to training step ({first:,} is the first; steps not yet trained are trained to):",
        current,
        first,
        MAX_JUMP,
    )
    return step if ok else None


def ask_steps(parent: QWidget, last: int) -> int | None:
    """Ask how many steps to run at once (None: cancelled)."""
    steps, ok = QInputDialog.getInt(
        parent,
        "Run Steps",
        "Train this many steps at once, then show the next one:",
        last,
        1,
        MAX_JUMP,
    )
    return steps if ok else None
