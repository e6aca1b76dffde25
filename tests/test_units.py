"""Data in user units, without Qt: the scaling a standardized data set keeps,
raw <-> network values, and the names and values the screen shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bpsim.model.data.csvdata import load_csv
from bpsim.model.data.dataset import Dataset
from bpsim.model.data.datasets import make_dataset, make_iris
from bpsim.model.data.scaling import Scaling
from bpsim.model.errors import DataError
from bpsim.model.notation import MINUS, fmt
from bpsim.model.sessions.session import new_session, session_for_dataset
from bpsim.viewmodel import boundary as bd
from bpsim.viewmodel import units

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
EXAM = SAMPLES / "exam_results.csv"


def exam_rows() -> set[tuple[float, float, str]]:
    lines = EXAM.read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split(",") for line in lines if line.strip()]
    return {(float(a), float(b), c) for a, b, c in rows}


# -- the scaling --------------------------------------------------------------------


def test_standardizing_keeps_the_statistics_and_to_raw_gives_the_values_back() -> None:
    iris = make_iris()
    s = iris.standardized()
    assert iris.input_scaling is None and not iris.is_standardized
    assert s.input_scaling is not None and s.is_standardized
    mean, scale = iris.scaling()
    np.testing.assert_array_equal(s.input_scaling.mean, mean)
    np.testing.assert_array_equal(s.input_scaling.scale, scale)
    np.testing.assert_allclose(s.raw_inputs, iris.X, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(s.to_network(iris.X), s.X, rtol=0, atol=1e-15)
    # a single row works too, and unscaled data map to themselves
    np.testing.assert_allclose(s.to_raw(s.X[7]), iris.X[7], rtol=1e-15)
    np.testing.assert_array_equal(iris.to_raw(iris.X), iris.X)
    assert s.feature_units == ("cm",) * 4 and s.target_name == "species"


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@given(arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 4)), elements=finite))
def test_raw_and_network_values_round_trip(X: np.ndarray) -> None:
    data = Dataset("r", X, np.zeros((len(X), 1)), "regression")
    s = data.standardized()
    assert s.input_scaling is not None
    span = np.maximum(np.abs(X).max(axis=0), 1.0)
    # back to the raw values to within a few units in the last place of the data's size
    assert (np.abs(s.raw_inputs - X) <= 8 * np.finfo(float).eps * span).all()
    np.testing.assert_allclose(s.to_network(s.raw_inputs), s.X, rtol=1e-9, atol=1e-9)
    # standardizing again composes into one scaling from the raw values
    twice = s.standardized(Scaling([1.5] * data.n_features, [2.0] * data.n_features))
    assert (np.abs(twice.raw_inputs - X) <= 32 * np.finfo(float).eps * span).all()


def test_derived_data_sets_keep_the_scaling_and_a_test_set_gets_the_trainings() -> None:
    session = new_session("iris")
    train, test = session.dataset, session.test
    assert test is not None and train.input_scaling is not None
    assert train.input_scaling.same_as(test.input_scaling)
    for derived in (train.subset([0, 3]), train.split(0.5, seed=1)[1], train.one_hot()):
        assert derived.input_scaling is train.input_scaling
    # the training part's statistics: its raw values have mean 0 after scaling
    np.testing.assert_allclose(train.X.mean(axis=0), 0.0, atol=1e-12)
    iris = make_iris().X
    raw = np.vstack([train.raw_inputs, test.raw_inputs])
    np.testing.assert_allclose(np.sort(raw, axis=0), np.sort(iris, axis=0), atol=1e-14)


def test_a_constant_feature_is_zero_for_the_network_and_its_value_raw() -> None:
    X = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 4.0]])
    s = Dataset("k", X, np.zeros((3, 1)), "regression").standardized()
    assert s.X[:, 0].tolist() == [0.0, 0.0, 0.0]
    assert s.raw_inputs[:, 0].tolist() == [0.1, 0.1, 0.1]
    # a test value other than the constant is not silently zeroed
    other = Dataset("t", [[0.3, 1.0]], np.zeros((1, 1)), "regression").standardized(s.input_scaling)
    assert other.X[0, 0] == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("mean", "scale", "message"),
    [([0.0], [0.0], "positive"), ([0.0, 1.0], [1.0], "one mean"), ([np.nan], [1.0], "finite")],
)
def test_a_scaling_is_validated(mean: list[float], scale: list[float], message: str) -> None:
    with pytest.raises(DataError, match=message):
        Scaling(mean, scale)


def test_a_data_set_checks_its_units_and_scaling() -> None:
    with pytest.raises(DataError, match="feature units"):
        Dataset("u", np.zeros((2, 2)), np.zeros((2, 1)), "regression", feature_units=("cm",))
    with pytest.raises(DataError, match="scaling"):
        Dataset(
            "u", np.zeros((2, 2)), np.zeros((2, 1)), "regression", input_scaling=Scaling([0], [1])
        )
    with pytest.raises(DataError, match="2 features"):
        Scaling([0.0, 0.0], [1.0, 1.0]).to_raw(np.zeros((3, 3)))


# -- the exam results, in hours ----------------------------------------------------------


@pytest.fixture(scope="module")
def exam():  # type: ignore[no-untyped-def]
    return session_for_dataset(load_csv(EXAM))


def test_exam_samples_come_back_in_hours_with_their_class(exam) -> None:  # type: ignore[no-untyped-def]
    data = exam.dataset
    assert data.feature_names == ("hours_studied", "hours_slept")
    assert data.target_name == "result" and data.is_standardized
    assert np.abs(data.X).max() < 3.0  # the network sees standardized values...
    rows = exam_rows()
    labels = data.labels()
    for i, (a, b) in enumerate(np.round(data.raw_inputs, 9)):  # ...that map back to the file's
        assert (a, b, data.class_names[labels[i]]) in rows


def test_the_tooltip_names_raw_values_class_and_what_the_network_sees(exam) -> None:  # type: ignore[no-untyped-def]
    data = exam.dataset
    raw = data.raw_inputs[0]
    text = units.sample_tooltip(data, 0)
    lines = text.splitlines()
    assert lines[0] == f"hours_studied = {fmt(raw[0])}"
    assert lines[1] == f"hours_slept = {fmt(raw[1])}"
    assert lines[2] == f"result: {data.class_names[data.labels()[0]]}"
    assert "standardized" in lines[3] and fmt(data.X[0, 1]) in lines[3]
    with pytest.raises(IndexError):
        units.sample_tooltip(data, data.n_samples)


def test_output_labels_for_classes_and_regression() -> None:
    iris = new_session("iris").dataset
    assert [o.name for o in units.output_labels(iris)] == ["setosa", "versicolor", "virginica"]
    assert units.output_labels(iris)[2].meaning == "p(virginica)"
    assert [o.unit for o in units.output_labels(iris)] == ["o1", "o2", "o3"]
    cubic = load_csv(SAMPLES / "cubic_curve.csv")
    assert units.output_labels(cubic) == (units.OutputLabel("o1", "y", "y"),)
    sine = make_dataset("sine")
    assert units.value_notes(sine, [("i1", 0.25)]) == {"i1": "x"}  # raw data: its name alone
    assert units.target_text(sine, [0.5]) == "0.5"


def test_the_scaling_is_written_out() -> None:
    X = np.array([[5.0, -3.0, 0.0], [7.0, -1.0, 2.0], [9.0, -2.0, -2.0]])
    d = Dataset("f", X, np.zeros((3, 1)), "regression", ("a", "b", "c")).standardized()
    sd = np.sqrt(8 / 3)
    assert units.scaling_formula(d, 0) == f"(a {MINUS} 7) / {fmt(sd)}"
    assert units.scaling_formula(d, 1).startswith("(b + 2) / ")
    assert units.scaling_formula(d, 2, variable="x") == f"x / {fmt(sd)}"
    note = units.scaling_note(d)
    assert note.startswith("the network sees standardized values: (a ") and "and 1 more" in note
    assert units.scaling_note(make_dataset("xor")) == ""


def test_axis_maps_turn_plot_coordinates_into_raw_values(exam) -> None:  # type: ignore[no-untyped-def]
    data = exam.dataset
    bottom, left = units.axis_maps(data)
    assert (bottom.title, left.title) == ("hours_studied", "hours_slept")
    x, y = bd.sample_coordinates(data)
    np.testing.assert_allclose(bottom.to_raw(x), data.raw_inputs[:, 0], rtol=1e-15)
    np.testing.assert_allclose(left.to_raw(y), data.raw_inputs[:, 1], rtol=1e-15)
    np.testing.assert_allclose(left.to_plot(left.to_raw(y)), y, atol=1e-15)
    # one input: the target's axis is never scaled
    cubic = session_for_dataset(load_csv(SAMPLES / "cubic_curve.csv")).dataset
    b, t = units.axis_maps(cubic)
    assert not b.is_identity and t.is_identity and t.title == "y"


def test_value_notes_say_what_a_frames_values_are(exam) -> None:  # type: ignore[no-untyped-def]
    data = exam.dataset
    frame = exam.trainer.net.copy().trace(data.X[0], data.Y[0], 0.1).frames[0]
    notes = units.value_notes(data, frame.inputs)
    raw = data.raw_inputs[0]
    assert notes["i1"] == f"hours_studied {fmt(float(raw[0]))}"
    assert notes["i2"] == f"hours_slept {fmt(float(raw[1]))}"
    assert notes["t1"] == data.class_names[int(data.Y[0, 0])]
    iris = make_iris().one_hot()
    onehot = units.value_notes(iris, [("t1", 1.0), ("t2", 0.0), ("i1", 5.1)])
    assert onehot["t1"] == iris.class_names[0] and onehot["t2"] == f"not {iris.class_names[1]}"
    assert onehot["i1"] == "sepal_length"  # not standardized: the name alone
    xor = make_dataset("xor")  # x1, x2 are i1, i2: nothing to add but the classes
    assert units.value_notes(xor, [("i1", 1.0), ("i2", 0.0)]) == {}


def test_the_view_names_units_only_where_names_say_more(exam) -> None:  # type: ignore[no-untyped-def]
    assert units.view_unit_names(exam.dataset) == (["hours_studied", "hours_slept"], ["p(pass)"])
    assert units.view_unit_names(make_dataset("worked_example")) == ([], [])
    xor_inputs, xor_outputs = units.view_unit_names(make_dataset("xor"))
    assert xor_inputs == [] and len(xor_outputs) == 1 and xor_outputs[0].startswith("p(")
    iris_inputs, iris_outputs = units.view_unit_names(make_iris().one_hot())
    assert iris_inputs[0] == "sepal_length" and len(iris_outputs) == 3
