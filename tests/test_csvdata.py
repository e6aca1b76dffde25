"""Reading CSV files: what is understood, and the message for every problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bpsim.model.data.csvdata import MAX_CLASSES, is_number, load_csv, parse_csv
from bpsim.model.data.datasets import make_iris
from bpsim.model.errors import DataError

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, message: str, target: str | int | None = None) -> str:
    """Load ``path`` expecting a DataError matching ``message``; check the
    message names the file and is one sentence."""
    with pytest.raises(DataError, match=message) as info:
        load_csv(path, target)
    text = str(info.value)
    assert path.name in text
    assert text.endswith(".") and text.count(". ") == 0 and "\n" not in text
    return text


# -- what is understood --------------------------------------------------------------


def test_header_and_text_target_with_two_classes(tmp_path: Path) -> None:
    path = write(tmp_path, "height,weight,sex\n1.8,80,m\n1.6,55,f\n1.7,62,f\n")
    d = load_csv(path)
    assert d.name == "data" and d.task == "classification"
    assert d.feature_names == ("height", "weight")
    assert d.class_names == ("f", "m")
    assert d.X.tolist() == [[1.8, 80], [1.6, 55], [1.7, 62]]
    assert d.Y.tolist() == [[1], [0], [0]]
    assert "3 samples, 2 features, target 'sex' (2 classes)" in d.description


def test_three_text_classes_are_one_hot(tmp_path: Path) -> None:
    path = write(tmp_path, "a,label\n1,cat\n2,dog\n3,bird\n4,dog\n")
    d = load_csv(path)
    assert d.class_names == ("bird", "cat", "dog")
    assert d.Y.tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]]
    assert d.labels().tolist() == [1, 2, 0, 2]


def test_without_header_the_columns_are_numbered(tmp_path: Path) -> None:
    d = load_csv(write(tmp_path, "1,2,0.5\n3,4,1.5\n5,6,2.25\n"))
    assert d.feature_names == ("column_1", "column_2")
    assert d.task == "regression" and d.class_names is None
    assert d.Y.tolist() == [[0.5], [1.5], [2.25]]


def test_without_header_a_text_target_still_works(tmp_path: Path) -> None:
    d = load_csv(write(tmp_path, "5.1,3.5,setosa\n7.0,3.2,versicolor\n"))
    assert d.n_samples == 2 and d.class_names == ("setosa", "versicolor")


def test_few_whole_numbers_make_classes_many_make_regression(tmp_path: Path) -> None:
    few = load_csv(write(tmp_path, "x,y\n1,0\n2,2.0\n3,1\n4,2\n", "few.csv"))
    assert few.task == "classification" and few.class_names == ("0", "1", "2")
    assert few.labels().tolist() == [0, 2, 1, 2]
    binary = load_csv(write(tmp_path, "x,y\n1,-1\n2,1\n3,1\n", "binary.csv"))
    assert binary.class_names == ("-1", "1") and binary.Y.tolist() == [[0], [1], [1]]
    rows = "".join(f"{i},{i}\n" for i in range(11))
    many = load_csv(write(tmp_path, "x,y\n" + rows, "many.csv"))
    assert many.task == "regression" and many.Y[:, 0].tolist() == list(range(11))


@pytest.mark.parametrize(("target", "column"), [("b", 1), ("B", 1), (0, 0), (-2, 1), (2, 2)])
def test_target_by_name_or_index(tmp_path: Path, target: str | int, column: int) -> None:
    data = np.array([[1.25, 2.5, 3.5], [4.25, 5.5, 6.5], [7.25, 8.5, 9.5]])
    path = write(tmp_path, "a,b,c\n" + "".join(",".join(map(str, r)) + "\n" for r in data))
    d = load_csv(path, target)
    assert d.Y[:, 0].tolist() == data[:, column].tolist()
    others = [j for j in range(3) if j != column]
    assert d.X.tolist() == data[:, others].tolist()
    assert d.feature_names == tuple("abc"[j] for j in others)


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separators(tmp_path: Path, sep: str) -> None:
    text = f"a{sep}b{sep}y\n1{sep}2{sep}yes\n3{sep}4{sep}no\n"
    d = load_csv(write(tmp_path, text))
    assert d.X.tolist() == [[1, 2], [3, 4]] and d.class_names == ("no", "yes")


def test_bom_crlf_blank_lines_spaces_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "win.csv"
    text = '\ufeff"a", b ,y\r\n\r\n 1 ,"2",x\r\n,,\r\n3,4e-1,z\r\n\r\n'
    path.write_bytes(text.encode("utf-8"))
    d = load_csv(path)
    assert d.feature_names == ("a", "b")
    assert d.X.tolist() == [[1, 2], [3, 0.4]] and d.class_names == ("x", "z")


def test_shipped_iris_csv_matches_the_iris_data_set() -> None:
    d = load_csv(RESOURCES / "iris.csv")
    iris = make_iris()
    assert np.array_equal(d.X, iris.X) and np.array_equal(d.Y, iris.Y)
    assert d.class_names == iris.class_names and d.feature_names == iris.feature_names


@pytest.mark.parametrize(
    ("name", "task", "shape"),
    [
        ("exam_results.csv", "classification", (60, 2, 1)),
        ("cubic_curve.csv", "regression", (50, 1, 1)),
    ],
)
def test_sample_files_load(name: str, task: str, shape: tuple[int, int, int]) -> None:
    d = load_csv(RESOURCES / "samples" / name)
    assert d.task == task
    assert (d.n_samples, d.n_features, d.n_outputs) == shape


def test_path_may_be_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y\n1,2.5\n2,3.5\n")
    assert load_csv(str(path)).Y.tolist() == [[2.5], [3.5]]


NUMBERS = ["1", "-2.5", "+.5", "3.", "1e-05", "2E+3"]
NOT_NUMBERS = ["", "nan", "inf", "1_000", "1,5", "0x10", "e5", "1e", "--1"]


@pytest.mark.parametrize(
    ("cell", "ok"), [(c, True) for c in NUMBERS] + [(c, False) for c in NOT_NUMBERS]
)
def test_is_number(cell: str, ok: bool) -> None:
    assert is_number(cell) is ok


@settings(max_examples=50, deadline=None)
@given(
    data=arrays(
        np.float64,
        st.tuples(st.integers(2, 12), st.integers(2, 5)),
        elements=st.floats(-1e12, 1e12, allow_nan=False, allow_subnormal=False),
    ),
    header=st.booleans(),
)
def test_round_trip_of_random_numbers(
    tmp_path_factory: pytest.TempPathFactory, data: np.ndarray, header: bool
) -> None:
    data = data + 0.0  # no negative zeros
    data[:, -1] = np.arange(len(data)) + 0.5  # distinct, not whole: a regression target
    lines = [",".join(f"{v:.17g}" for v in row) for row in data]
    if header:
        lines.insert(0, ",".join(f"col{j}" for j in range(data.shape[1])))
    path = tmp_path_factory.mktemp("rt") / "random.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    d = load_csv(path)
    assert d.task == "regression"
    assert np.array_equal(d.X, data[:, :-1])
    assert np.array_equal(d.Y[:, 0], data[:, -1])
    if header:
        assert d.feature_names == tuple(f"col{j}" for j in range(data.shape[1] - 1))


@settings(max_examples=30, deadline=None)
@given(labels=st.lists(st.integers(-3, 5), min_size=2, max_size=30))
def test_round_trip_of_whole_number_classes(
    tmp_path_factory: pytest.TempPathFactory, labels: list[int]
) -> None:
    assume(len(set(labels)) >= 2)
    path = tmp_path_factory.mktemp("cls") / "classes.csv"
    path.write_text("".join(f"{i}.5,{y}\n" for i, y in enumerate(labels)), encoding="utf-8")
    d = load_csv(path)
    assert d.task == "classification" and d.class_names is not None
    assert [int(d.class_names[k]) for k in d.labels()] == labels
    assert d.n_outputs == (1 if len(set(labels)) == 2 else len(set(labels)))


# -- every problem, with its message ----------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.csv", "does not exist")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    refused(folder, "is a folder")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("name,y\n1,2\nM\u00fcller,3\n".encode("latin-1"))
    refused(path, r"not UTF-8 text \(invalid byte at line 3\)")


@pytest.mark.parametrize("text", ["", "\n\n", " , \n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    refused(write(tmp_path, text, "empty.csv"), "empty.csv is empty")


def test_only_a_header(tmp_path: Path) -> None:
    refused(write(tmp_path, "a,b,y\n"), "has a header row but no data rows")


def test_ragged_rows(tmp_path: Path) -> None:
    text = "a,b,y\n1,2,3\n4,5,6\n7,8\n"
    refused(write(tmp_path, text), "Row 4 of data.csv has 2 values, but the header has 3")
    text = "1,2,3\n4,5,6,7\n"
    refused(write(tmp_path, text), "Row 2 of data.csv has 4 values, but row 1 has 3")


def test_non_numeric_feature_names_row_column_and_value(tmp_path: Path) -> None:
    text = "a,b,y\n1,2,0\n3,red,1\n"
    message = refused(write(tmp_path, text), "Row 3 of data.csv: column 'b' holds 'red'")
    assert "not a number" in message
    no_header = "1,2,0\n3,4,1\n5,x7,1\n"
    refused(write(tmp_path, no_header), "Row 3 of data.csv: column 2 holds 'x7'")


def test_too_large_number(tmp_path: Path) -> None:
    refused(write(tmp_path, "a,y\n1e999,1\n2,3\n"), "Row 2 of data.csv: column 'a' holds '1e999'")


@pytest.mark.parametrize("gap", ["", "NA", "nan", "?", " "])
def test_missing_feature_value(tmp_path: Path, gap: str) -> None:
    text = f"a,b,y\n1,2,0\n3,{gap},1\n"
    refused(write(tmp_path, text), "Row 3 of data.csv has no value in column 'b'")


def test_missing_target_value(tmp_path: Path) -> None:
    text = "a,label\n1,cat\n2,\n3,dog\n"
    refused(write(tmp_path, text), "Row 3 of data.csv has no value in column 'label'")


def test_unknown_target_column(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b,y\n1,2,3\n4,5,6\n")
    refused(path, "has no column 'z'; its columns are: a, b, y", target="z")
    refused(path, "has 3 columns, so there is no target column number 3", target=3)
    refused(path, "no target column number -4", target=-4)


def test_fewer_than_two_samples(tmp_path: Path) -> None:
    refused(write(tmp_path, "a,y\n1,2\n"), "only one data row; at least 2 samples")
    refused(write(tmp_path, "1,2\n"), "only one data row")


def test_no_feature_column(tmp_path: Path) -> None:
    refused(write(tmp_path, "y\n1\n2\n3\n"), "single column; it needs at least one feature column")


def test_constant_target(tmp_path: Path) -> None:
    refused(write(tmp_path, "a,y\n1,2\n3,2\n"), "target column 'y' has the same value in every row")
    refused(write(tmp_path, "a,y\n1,ok\n3,ok\n"), "has the same value in every row")


def test_text_among_numeric_targets(tmp_path: Path) -> None:
    text = "a,y\n1,0.5\n2,1.5\n3,oops\n4,2.5\n"
    refused(write(tmp_path, text), "Row 4 of data.csv: the target column 'y' holds 'oops'")


def test_too_many_classes(tmp_path: Path) -> None:
    rows = "".join(f"{i},id{i}\n" for i in range(MAX_CLASSES + 1))
    refused(write(tmp_path, "a,name\n" + rows), f"has {MAX_CLASSES + 1} different labels")


def test_broken_quoting(tmp_path: Path) -> None:
    refused(write(tmp_path, 'a,y\n1,"2\n3,4\n'), "is not valid CSV")
    refused(write(tmp_path, 'a,y\n1,"2"x\n3,4\n'), r"Row 2 of data.csv is not valid CSV")


def test_parse_csv_names_its_source() -> None:
    with pytest.raises(DataError, match="Row 2 of pasted text has no value"):
        parse_csv("a,y\n,1\n2,3\n", source="pasted text")
    d = parse_csv("a,y\n1,2.5\n2,3.5\n", name="mine")
    assert d.name == "mine"
