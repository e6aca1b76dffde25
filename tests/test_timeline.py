"""The timeline: stepping through frames, steps and epochs, both ways, exactly."""

from __future__ import annotations

import numpy as np
import pytest

from bpsim.model import FrameKind, Phase
from bpsim.model.sessions.session import new_session
from bpsim.viewmodel.timeline import Granularity, Timeline, group_key


def params_of(tl: Timeline) -> np.ndarray:
    return np.concatenate([w.ravel() for w in tl.trace.weights_before])


def test_opens_on_the_first_frame_of_the_first_step() -> None:
    tl = Timeline(new_session("mazur"))
    assert tl.step == 0 and tl.cursor == 0 and tl.at_beginning
    assert tl.frame.kind is FrameKind.INPUT
    assert tl.trace.weights_before[0][0, 0] == 0.15


def test_frame_by_frame_through_a_step_into_the_next_and_back() -> None:
    tl = Timeline(new_session("mazur"))
    n = len(tl.trace)
    for _ in range(n - 1):
        tl.forward()
    assert tl.cursor == n - 1 and tl.frame.kind is FrameKind.WEIGHT_UPDATE
    first_trace = tl.trace
    tl.forward()
    assert tl.step == 1 and tl.cursor == 0
    # the new step starts from the updated weights
    np.testing.assert_array_equal(tl.trace.weights_before[1], first_trace.weights_after[1])
    tl.backward()
    assert tl.step == 0 and tl.cursor == n - 1
    # the same numbers as the first time
    assert [f.value for f in tl.trace.frames[1:]] == [f.value for f in first_trace.frames[1:]]
    # the trainer stands after the shown step, as after any traced step
    np.testing.assert_array_equal(tl.trainer.net.weights[1], first_trace.weights_after[1])


@pytest.mark.parametrize("preset", ["xor", "iris", "spiral"])
def test_stepping_back_restores_parameters_exactly(preset: str) -> None:
    tl = Timeline(new_session(preset), checkpoint_every=3)
    seen = {}
    for _ in range(7):
        seen[tl.step] = (params_of(tl), tl.trace.loss)
        tl.forward(Granularity.STEP)
    tl.train_for(0.02)  # some untraced training in between
    tl.open_next_step()
    far = tl.step
    for target in [5, 2, 0, 6]:
        tl.go_to_step(target)
        np.testing.assert_array_equal(params_of(tl), seen[target][0])
        assert tl.trace.loss == seen[target][1]
    # and forward again to where we were: the same trajectory
    tl.go_to_step(far)
    assert tl.step == far


def test_step_back_from_the_first_frame_goes_to_the_previous_step_end() -> None:
    tl = Timeline(new_session("xor"))
    tl.forward(Granularity.STEP)
    assert tl.step == 1 and tl.cursor == 0
    tl.backward(Granularity.FRAME)
    assert tl.step == 0 and tl.cursor == len(tl.trace) - 1
    tl.backward(Granularity.STEP)
    assert tl.step == 0 and tl.cursor == 0
    tl.backward(Granularity.STEP)  # nothing before the first step
    assert tl.step == 0 and tl.cursor == 0


def test_unit_granularity_shows_a_units_sum_and_activation_together() -> None:
    tl = Timeline(new_session("mazur"))
    tl.forward(Granularity.UNIT)  # from the inputs to h1
    assert tl.frame.label == "out_h1"
    tl.forward(Granularity.UNIT)
    assert tl.frame.label == "out_h2"
    tl.backward(Granularity.UNIT)
    assert tl.frame.label == "out_h1"
    tl.backward(Granularity.UNIT)
    assert tl.frame.kind is FrameKind.INPUT


def test_layer_and_pass_granularities_end_on_boundaries() -> None:
    tl = Timeline(new_session("mazur"))
    tl.forward(Granularity.LAYER)
    assert tl.frame.label == "out_h2" and tl.frame.layer == 1
    tl.forward(Granularity.LAYER)
    assert tl.frame.label == "out_o2"
    tl.forward(Granularity.PASS)
    assert tl.frame.kind is FrameKind.LOSS  # the whole loss phase
    tl.forward(Granularity.PASS)
    assert tl.frame.phase is Phase.BACKWARD and tl.trace.frames[tl.cursor + 1].phase is Phase.UPDATE
    tl.forward(Granularity.PASS)
    assert tl.cursor == len(tl.trace) - 1
    tl.forward(Granularity.PASS)  # into the next step: its forward pass
    assert tl.step == 1 and tl.frame.phase is Phase.FORWARD
    assert tl.trace.frames[tl.cursor + 1].phase is Phase.LOSS


def test_epochs() -> None:
    session = new_session("iris")
    tl = Timeline(session)
    spe = tl.steps_per_epoch
    assert spe == int(np.ceil(len(session.trainer.X) / session.trainer.batch_size))
    tl.forward(Granularity.EPOCH)
    assert tl.step == spe and tl.epoch == 1
    tl.forward(Granularity.FRAME)
    tl.backward(Granularity.EPOCH)
    assert tl.step == spe and tl.cursor == 0
    tl.backward(Granularity.EPOCH)
    assert tl.step == 0


def test_group_keys_split_the_worked_example_into_units() -> None:
    tl = Timeline(new_session("mazur"))
    keys = [group_key(f, Granularity.UNIT) for f in tl.trace.frames]
    groups = [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]
    # inputs, h1, h2, o1, o2, loss, δo1, δo2, ∂w into o1, into o2, δh1, δh2, ∂w into h1, h2,
    # updates into h1, h2, o1, o2
    assert len(groups) == 18


def test_checkpoints_stay_bounded() -> None:
    tl = Timeline(new_session("xor"), checkpoint_every=1, max_checkpoints=50)
    tl.train_for(0.05)
    assert len(tl._checkpoints) <= 51
    tl.open_next_step()
    before = params_of(tl)
    tl.go_to_step(tl.step - 37)
    tl.go_to_step(tl.step + 37)
    np.testing.assert_array_equal(params_of(tl), before)


def values_of(tl: Timeline) -> np.ndarray:
    return np.array([f.value for f in tl.trace.frames])  # NaN where a frame has no value


def test_a_learning_rate_change_keeps_the_past_exact() -> None:
    tl = Timeline(new_session("xor"), checkpoint_every=4)
    for _ in range(5):
        tl.forward(Granularity.STEP)
    before_change = {s: None for s in range(5)}
    for s in before_change:
        tl.go_to_step(s)
        before_change[s] = values_of(tl)
    tl.go_to_step(5)
    tl.set_learning_rate(3.0)
    assert tl.trace.lr == 3.0 and tl.step == 5
    after_change = values_of(tl)
    for _ in range(3):
        tl.forward(Granularity.STEP)
    tl.reset()  # back to the start: the old rate again
    assert tl.step == 0 and tl.trace.lr == 1.0
    for s, values in before_change.items():
        tl.go_to_step(s)
        np.testing.assert_array_equal(values_of(tl), values)
    tl.go_to_step(5)  # and forward again: the new rate from step 5 on
    assert tl.trace.lr == 3.0
    np.testing.assert_array_equal(values_of(tl), after_change)


def test_a_reopened_session_starts_where_it_was_saved(tmp_path) -> None:
    from bpsim.model.sessions.session_file import load_session

    tl = Timeline(new_session("xor"))
    for _ in range(5):
        tl.forward(Granularity.STEP)
    tl.save(str(tmp_path / "s.json"), {})
    reopened = Timeline(load_session(tmp_path / "s.json"))
    assert reopened.step == 5 and reopened.first_step == 5 and reopened.at_beginning
    reopened.backward(Granularity.FRAME)  # nothing before: stays, no error
    reopened.backward(Granularity.EPOCH)
    assert reopened.step == 5 and reopened.cursor == 0
    reopened.forward(Granularity.STEP)
    reopened.reset()
    assert reopened.step == 5


def test_thinning_keeps_the_first_and_the_shown_step() -> None:
    tl = Timeline(new_session("xor"), checkpoint_every=1, max_checkpoints=16)
    tl.train_for(0.05)
    tl.open_next_step()
    shown = tl.step
    tl.train_for(0.05)
    steps = sorted(tl._checkpoints)
    assert steps[0] == 0 and shown in tl._checkpoints and len(steps) <= 17
    gaps = np.diff(steps)
    assert gaps.max() <= 4 * max(np.median(gaps), 1)  # evenly spread, no huge holes


def test_a_learning_rate_change_survives_checkpoint_thinning() -> None:
    tl = Timeline(new_session("xor"), checkpoint_every=1, max_checkpoints=8)
    for _ in range(5):
        tl.forward(Granularity.STEP)
    tl.set_learning_rate(2.0)
    tl.forward(Granularity.STEP)
    tl.train_for(0.05)  # thousands of steps: old checkpoints get thinned
    tl.open_next_step()
    tl.reset()
    assert tl.trace.lr == 1.0
    tl.go_to_step(4)
    assert tl.trace.lr == 1.0
    tl.go_to_step(5)
    assert tl.trace.lr == 2.0
    tl.go_to_step(9)
    assert tl.trace.lr == 2.0


def test_losses_of_the_shown_step_before_and_after_its_whole_update() -> None:
    tl = Timeline(new_session("mazur"))
    before, after = tl.losses()
    assert before[0] == pytest.approx(0.298371109, abs=1e-9) and after is None
    w1 = next(f for f in tl.trace.frames if f.label == "w1⁺")
    tl.seek(w1.index)  # only w1 updated: not yet the step's result
    assert not tl.update_shown and tl.losses()[1] is None
    tl.to_end()
    assert tl.update_shown
    before, after = tl.losses()
    assert after is not None and after[0] == pytest.approx(0.2910277737, abs=1e-9)
    tl.forward()  # step 1 starts from the weights step 0 ended with
    assert tl.step == 1 and tl.losses()[0][0] == pytest.approx(after[0])
    tl.backward()  # and back: the same numbers
    assert tl.losses() == (before, after)


def test_losses_name_the_test_set_and_accuracy_when_there_are_some() -> None:
    tl = Timeline(new_session("circle"))
    train, test, accuracy = tl.losses()[0]
    assert train > 0 and test is not None and test > 0
    assert accuracy is not None and 0 <= accuracy <= 1


def test_training_runs_at_most_max_steps() -> None:
    tl = Timeline(new_session("xor"))
    start = tl.trainer.step
    assert tl.train_for(10.0, max_steps=7) == 7 and tl.trainer.step == start + 7
    assert tl.train_for(10.0, max_steps=0) == 0 and tl.trainer.step == start + 7
    tl.go_to_step(3)  # checkpoints were kept on the way: back in time still works
    assert tl.step == 3
