"""Editing a weight or bias (Timeline.set_parameter) and undoing it, without Qt."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpsim.model.sessions.session import new_session
from bpsim.viewmodel.timeline import Timeline
from bpsim.viewmodel.undo import Edit, UndoStack, apply, current_value, edit_kind, parse_value


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def mazur() -> Timeline:
    return Timeline(new_session("mazur"))


def frames_of(tl: Timeline) -> list[tuple[str, float | None]]:
    return [(f.label, f.value) for f in tl.trace.frames]


def test_edited_weight_changes_the_forward_pass_as_numpy_says() -> None:
    tl = mazur()
    edit = Edit("weight", 0, (2, 0, 0), current_value(tl, "weight", (2, 0, 0)), 1.0)
    assert edit.old == 0.40  # w5 of the worked example
    apply(tl, edit, 1.0)
    net = tl.net_before_step()
    X, Y = tl.trainer.X, tl.trainer.Y
    W1, b1 = net.weights[0], net.biases[0]
    W2, b2 = net.weights[1], net.biases[1]
    assert W2[0, 0] == 1.0
    h = sigmoid(X @ W1 + b1)
    net_o = h @ W2 + b2
    out = sigmoid(net_o)
    assert tl.trace.zs[1][0, 0] == pytest.approx(net_o[0, 0], abs=1e-15)
    assert net_o[0, 0] == pytest.approx(0.593269992 * 1.0 + 0.596884378 * 0.45 + 0.60, abs=1e-8)
    loss = 0.5 * float(np.sum((Y - out) ** 2))
    assert tl.trace.loss == pytest.approx(loss, abs=1e-15)
    assert tl.losses()[0][0] == pytest.approx(loss, abs=1e-15)
    assert tl.trace.loss != pytest.approx(0.298371109, abs=1e-6)  # the example's loss


def test_undo_restores_parameters_frames_and_loss_bit_for_bit_and_redo_reapplies() -> None:
    tl = mazur()
    tl.go_to_step(3)
    tl.seek(7)
    params, frames, loss = tl.params_before_step().copy(), frames_of(tl), tl.losses()[0]
    stack = UndoStack()
    edit = Edit("weight", 3, (1, 1, 0), current_value(tl, "weight", (1, 1, 0)), -2.5)
    apply(tl, edit, edit.new)
    stack.push(edit)
    edited_frames, edited_loss = frames_of(tl), tl.losses()[0]
    assert edited_frames != frames and edited_loss != loss
    tl.go_to_step(9)  # wander off: undo goes back to the edit's step
    assert stack.undo(tl) is edit
    assert tl.step == 3
    assert np.array_equal(tl.params_before_step(), params)
    assert frames_of(tl) == frames and tl.losses()[0] == loss
    assert stack.redo(tl) is edit
    assert frames_of(tl) == edited_frames and tl.losses()[0] == edited_loss
    assert current_value(tl, "weight", (1, 1, 0)) == -2.5


def test_an_edit_survives_going_back_before_it_and_replaying() -> None:
    tl = mazur()
    tl.go_to_step(2)
    tl.set_parameter(1, 0, None, 0.75)  # the bias of hidden unit 1
    assert tl.net_before_step().biases[0][0] == 0.75
    after = frames_of(tl)
    tl.go_to_step(0)
    tl.go_to_step(2)
    assert frames_of(tl) == after
    tl.max_checkpoints = 2  # thinning keeps the edited step
    tl.go_to_step(40)
    tl.go_to_step(2)
    assert frames_of(tl) == after


def test_editing_a_bias_changes_the_outputs() -> None:
    tl = mazur()
    before = tl.trace.acts[-1].copy()
    edit = Edit("bias", 0, (2, 1), current_value(tl, "bias", (2, 1)), 3.0)
    apply(tl, edit, 3.0)
    assert tl.trace.acts[-1][0, 0] == before[0, 0]  # o1 does not see o2's bias
    assert tl.trace.acts[-1][0, 1] != before[0, 1]


def test_learning_rate_edit_undone() -> None:
    tl = mazur()
    frames = frames_of(tl)
    stack = UndoStack()
    edit = Edit("lr", 0, (), 0.5, 2.0)
    apply(tl, edit, 2.0)
    stack.push(edit)
    assert frames_of(tl) != frames
    stack.undo(tl)
    assert frames_of(tl) == frames and tl.trainer.optimizer.lr == 0.5


@pytest.mark.parametrize("text", ["abc", "nan", "1e400", "-inf", ""])
def test_invalid_values_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match="number"):
        parse_value(text)


def test_typed_values() -> None:
    assert parse_value(" −0,5 ") == -0.5
    assert parse_value("1e-3") == 1e-3
    assert math.isfinite(parse_value("1e300"))


def test_the_stack_is_bounded_and_a_new_edit_forgets_redo() -> None:
    stack = UndoStack(limit=3)
    for k in range(5):
        stack.push(Edit("lr", k, (), k, k + 1))
    assert [e.step for e in stack.done] == [2, 3, 4]
    assert stack.take_undo() is not None and stack.undone
    stack.push(Edit("lr", 9, (), 0, 1))
    assert not stack.undone


def test_edit_kinds() -> None:
    assert edit_kind((0, 1)) is None  # an input unit
    assert edit_kind((1, 1)) == "bias"
    assert edit_kind((2, 0, 1)) == "weight"
