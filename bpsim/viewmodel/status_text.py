"""The status bar's three texts (where, which frame or how fast, the loss)."""

from __future__ import annotations

from typing import NamedTuple

from bpsim.viewmodel.loss_view import LOSS_TIPS
from bpsim.viewmodel.timeline import Timeline


class StatusTexts(NamedTuple):
    step: str  # "Step 12 · Epoch 3"
    frame: str  # "Frame 5 of 32 · net_h1", or the training speed
    loss: str  # "Batch loss 0.2984", or the latest training loss
    loss_tip: str  # what that loss is


def status_texts(
    timeline: Timeline, training_loss: float, training_rate: float | None = None
) -> StatusTexts:
    """The texts while stepping, or while training at ``training_rate``
    steps a second (``training_loss`` the latest plotted)."""
    tl = timeline
    if training_rate is not None:
        step = tl.trainer.step
        return StatusTexts(
            f"Step {step} · Epoch {step // tl.steps_per_epoch}",
            f"Training: {training_rate:,.0f} steps/s",
            f"Training loss {training_loss:.4g}",
            LOSS_TIPS["train"],
        )
    return StatusTexts(
        f"Step {tl.step} · Epoch {tl.epoch}",
        f"Frame {tl.cursor + 1} of {len(tl.trace)} · {tl.frame.label}",
        f"Batch loss {tl.trace.loss:.4g}",
        LOSS_TIPS["batch"],
    )
