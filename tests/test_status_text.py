"""The status bar's texts, from the timeline (no Qt)."""

from __future__ import annotations

from bpsim.model.sessions.session import new_session
from bpsim.viewmodel.loss_view import LOSS_TIPS
from bpsim.viewmodel.status_text import status_texts
from bpsim.viewmodel.timeline import Timeline


def test_stepping_names_the_frame_and_the_batch_loss() -> None:
    tl = Timeline(new_session("mazur"))
    tl.seek(1)
    texts = status_texts(tl, float("nan"))
    assert texts.step == "Step 0 · Epoch 0"
    assert texts.frame == f"Frame 2 of {len(tl.trace)} · {tl.frame.label}"
    assert texts.loss == "Batch loss 0.2984"  # E_total of the worked example
    assert texts.loss_tip == LOSS_TIPS["batch"]


def test_training_gives_the_speed_and_the_latest_training_loss() -> None:
    tl = Timeline(new_session("xor"))
    tl.go_to_step(9)
    texts = status_texts(tl, 0.123456, training_rate=12345.6)
    trained = tl.trainer.step  # training reports the steps taken, past the one shown
    assert trained == 10
    assert texts.step == f"Step {trained} · Epoch {trained // tl.steps_per_epoch}"
    assert texts.frame == "Training: 12,346 steps/s"
    assert texts.loss == "Training loss 0.1235"
    assert texts.loss_tip == LOSS_TIPS["train"]
