"""Session files: exact round trips, atomic writes, one clear error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.model import SessionError
from bpsim.model.data.dataset import Dataset
from bpsim.model.engine.optimizers import make_optimizer
from bpsim.model.engine.training import Trainer
from bpsim.model.sessions.session import Session
from bpsim.model.sessions.session_file import load_session, save_session, session_to_dict
from tests.strategies import Problem, problems


def session_for(p: Problem, optimizer: str, steps: int) -> Session:
    task = "classification" if p.net.loss_name != "mse" else "regression"
    Y = p.Y
    if p.net.loss_name == "bce" and Y.shape[1] > 1:
        task = "regression"  # multi-label targets: keep them as plain numbers
    names = None
    if task == "classification":
        names = ("no", "yes") if Y.shape[1] == 1 else tuple(f"c{k}" for k in range(Y.shape[1]))
    dataset = Dataset("random", p.X, Y, task, class_names=names)
    trainer = Trainer(p.net, p.X, Y, make_optimizer(optimizer, lr=0.01), batch_size=2, seed=3)
    trainer.train(steps)
    return Session(trainer, dataset, {"speed": 2.5, "mode": "weights", "labels": True})


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(problems(), st.sampled_from(["sgd", "momentum", "adam"]), st.integers(0, 4))
def test_save_and_load_round_trip_exactly(tmp_path: Path, p, optimizer: str, steps: int) -> None:
    session = session_for(p, optimizer, steps)
    path = tmp_path / "s.bpsim.json"
    save_session(path, session)
    loaded = load_session(path)
    assert session_to_dict(loaded) == session_to_dict(session)
    np.testing.assert_array_equal(loaded.net.params, session.net.params)
    # and training goes on identically from both
    np.testing.assert_array_equal(loaded.trainer.train(5), session.trainer.train(5))
    np.testing.assert_array_equal(loaded.net.params, session.net.params)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    from hypothesis import find

    p = find(problems(max_batch=3), lambda p: len(p.X) == 3)
    path = tmp_path / "good.json"
    save_session(path, session_for(p, "adam", 2))
    return path


def corrupt(path: Path, change) -> Path:
    doc = json.loads(path.read_text())
    change(doc)
    bad = path.with_name("bad.json")
    bad.write_text(json.dumps(doc))
    return bad


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("network"), "has no 'network'"),
        (lambda d: d.update(format="something"), "not a bpsim session"),
        (lambda d: d.update(schema_version=99), "newer than this bpsim reads"),
        (lambda d: d["network"].update(loss="hinge"), "network.loss is 'hinge'"),
        (lambda d: d["network"]["weights"].pop(), "weight and bias layers"),
        (lambda d: d["network"]["weights"][0].append([1.0]), "shape"),
        (lambda d: d["network"]["biases"][0].__setitem__(0, "x"), "numbers only"),
        (lambda d: d["network"].update(sizes=[2, "a"]), "not a usable"),
        (lambda d: d["optimizer"].update(name="rmsprop"), "optimizer.name is 'rmsprop'"),
        (lambda d: d["optimizer"]["state"].update(m=[1.0]), "optimizer.state.m has shape"),
        (lambda d: d["training"].update(order=[0, 0, 1]), "permutation"),
        (lambda d: d["training"].update(position=-1), "training.position is -1"),
        (lambda d: d["training"].update(rng_state={"bit_generator": "nope"}), "not a usable"),
        (lambda d: d["dataset"].update(X=[[1.0]]), "not a usable"),
        (lambda d: d["settings"].update(x={"nested": 1}), "plain value"),
        (lambda d: d["network"].update(l2=True), "must be a number"),
        (lambda d: d["network"].update(sizes=[2, 10**6, 10**6, 2]), "bpsim handles"),
        (lambda d: d["network"].update(sizes=[2, 0, 2]), "whole numbers of units"),
        (lambda d: d["dataset"].update(class_names=[0, 1]), "list of names"),
        (lambda d: d["training"].update(order=[0.5, 1.2, 2.0]), "sample numbers"),
        (lambda d: d.update(loss_history={"train": {"step": [0, 1], "value": [1.0]}}), "2 steps"),
        (lambda d: d.update(loss_history={"train": {"step": [2, 1], "value": [1, 1]}}), "go back"),
        (lambda d: d.update(loss_history={"train": {"step": [0], "value": ["x"]}}), "numbers"),
    ],
)
def test_malformed_files_give_one_clear_error(saved: Path, change, message: str) -> None:
    bad = corrupt(saved, change)
    with pytest.raises(SessionError, match=message) as info:
        load_session(bad)
    assert str(bad) in str(info.value)
    assert "\n" not in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="no such file"):
        load_session(tmp_path / "missing.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SessionError, match="not a text file"):
        load_session(tmp_path / "bin.json")
    (tmp_path / "broken.json").write_text('{"format": ')
    with pytest.raises(SessionError, match="not valid JSON"):
        load_session(tmp_path / "broken.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(SessionError, match="not a bpsim session"):
        load_session(tmp_path / "list.json")


def test_a_failed_write_keeps_the_old_file(saved: Path, monkeypatch) -> None:
    original = saved.read_bytes()
    session = load_session(saved)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SessionError, match="No space left"):
        save_session(saved, session)
    assert saved.read_bytes() == original
    assert [p.name for p in saved.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_write_into_a_missing_folder_is_explained(tmp_path: Path, saved: Path) -> None:
    with pytest.raises(SessionError, match="cannot write"):
        save_session(tmp_path / "no" / "such" / "dir.json", load_session(saved))


@pytest.mark.parametrize("name", ["mazur", "xor", "circle", "iris", "sine"])
def test_sessions_from_presets_round_trip(tmp_path: Path, name: str) -> None:
    from bpsim.model.sessions.session import new_session

    session = new_session(name)
    assert session.settings["preset"] == name
    if session.dataset.n_samples + (0 if session.test is None else session.test.n_samples) >= 40:
        assert session.test is not None and session.test.n_samples > 0
    session.trainer.train(3)
    save_session(tmp_path / "p.json", session)
    loaded = load_session(tmp_path / "p.json")
    assert session_to_dict(loaded) == session_to_dict(session)


def test_saved_files_get_the_usual_permissions(tmp_path: Path, saved: Path) -> None:
    mask = os.umask(0o022)
    try:
        save_session(tmp_path / "perm.json", load_session(saved))
    finally:
        os.umask(mask)
    assert (tmp_path / "perm.json").stat().st_mode & 0o777 == 0o644


def test_the_loss_history_round_trips(tmp_path: Path) -> None:
    from bpsim.model.sessions.session import new_session

    session = new_session("xor")
    session.history = {"train": ([0.0, 5.0, 9.0], [0.3, 0.2, 0.1]), "test": ([0.0], [0.4])}
    save_session(tmp_path / "h.json", session)
    assert load_session(tmp_path / "h.json").history == session.history


def test_evaluate_session_reports_test_accuracy_for_classification_only() -> None:
    from bpsim.model.sessions.session import evaluate_session, new_session

    iris = new_session("iris")
    train, test, accuracy = evaluate_session(iris)
    assert train > 0 and test is not None and accuracy is not None and 0 <= accuracy <= 1
    sine = new_session("sine")
    assert evaluate_session(sine)[2] is None  # regression: no accuracy
    mazur = new_session("mazur")
    assert evaluate_session(mazur)[1] is None  # one sample: no test set


def test_the_data_s_units_and_scaling_round_trip_exactly(tmp_path: Path) -> None:
    from bpsim.model.data.csvdata import load_csv
    from bpsim.model.sessions.session import session_for_dataset

    csv = Path(__file__).resolve().parent.parent / "resources" / "samples" / "exam_results.csv"
    session = session_for_dataset(load_csv(csv))
    save_session(tmp_path / "exam.json", session)
    loaded = load_session(tmp_path / "exam.json")
    for before, after in ((session.dataset, loaded.dataset), (session.test, loaded.test)):
        assert before is not None and after is not None
        assert before.input_scaling is not None and after.input_scaling is not None
        np.testing.assert_array_equal(after.input_scaling.mean, before.input_scaling.mean)
        np.testing.assert_array_equal(after.input_scaling.scale, before.input_scaling.scale)
        np.testing.assert_array_equal(after.raw_inputs, before.raw_inputs)
        assert (after.feature_units, after.target_name) == (("", ""), "result")
    iris = tmp_path / "iris.json"
    save_session(iris, new_session_named("iris"))
    assert load_session(iris).dataset.feature_units == ("cm",) * 4


def new_session_named(name: str) -> Session:
    from bpsim.model.sessions.session import new_session

    return new_session(name)


def test_files_from_before_units_still_open(tmp_path: Path) -> None:
    path = tmp_path / "iris.json"
    save_session(path, new_session_named("iris"))
    doc = json.loads(path.read_text())
    for key in ("dataset", "test_dataset"):
        for added in ("feature_units", "target_name", "input_scaling"):
            del doc[key][added]
    old = corrupt(path, lambda d: d.update(doc))
    data = load_session(old).dataset
    assert data.input_scaling is None and data.target_name == ""
    assert data.feature_units == ("", "", "", "")
    np.testing.assert_array_equal(data.X, load_session(path).dataset.X)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["dataset"].update(input_scaling=[1.0]), "must be an object or null"),
        (lambda d: d["dataset"]["input_scaling"].update(scale=[1.0, 0.0]), "positive scales"),
        (lambda d: d["dataset"]["input_scaling"].update(mean=[1.0]), "has shape"),
        (lambda d: d["dataset"]["input_scaling"].pop("mean"), "has no 'mean'"),
        (lambda d: d["dataset"].update(feature_units=["cm"]), "feature units"),
        (lambda d: d["dataset"].update(target_name=3), "target_name must be a name"),
        (
            lambda d: d["test_dataset"]["input_scaling"].update(mean=[0.0, 0.0]),
            "not standardized as the training data",
        ),
    ],
)
def test_broken_scalings_give_one_clear_error(tmp_path: Path, change, message: str) -> None:
    from bpsim.model.data.csvdata import load_csv
    from bpsim.model.sessions.session import session_for_dataset

    csv = Path(__file__).resolve().parent.parent / "resources" / "samples" / "exam_results.csv"
    path = tmp_path / "exam.json"
    save_session(path, session_for_dataset(load_csv(csv)))
    with pytest.raises(SessionError, match=message):
        load_session(corrupt(path, change))
