"""The handwritten digits: the shipped file, its loader and the digits preset."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pytest

from bpsim.model.data.datasets import make_dataset
from bpsim.model.data.digits import DIGITS_SAMPLES, image_shape, make_digits, pixel_names
from bpsim.model.data.presets import PRESETS
from bpsim.model.errors import DataError
from bpsim.model.sessions.session import evaluate_session, new_session


def test_the_shipped_digits_are_1797_pictures_of_ten_digits() -> None:
    data = make_dataset("digits")
    assert data.X.shape == (DIGITS_SAMPLES, 64)
    assert data.Y.shape == (DIGITS_SAMPLES, 10)
    assert data.class_names == tuple("0123456789")
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    assert np.all(np.rint(data.X * 16) == data.X * 16)  # counts 0..16, divided by 16
    assert np.all(data.Y.sum(axis=1) == 1.0)
    per_class = data.Y.sum(axis=0)
    assert per_class.sum() == DIGITS_SAMPLES and per_class.min() >= 170  # about 180 each
    # the first picture is a zero: ink in a ring, none in the middle column of row 4
    first = data.X[0].reshape(8, 8)
    assert data.Y[0].argmax() == 0
    assert first[3, 3] == first[3, 4] == 0.0 and first[3, 2] > 0.5 and first[3, 5] >= 0.5


def test_the_licence_note_names_both_licences() -> None:
    note = (files("bpsim.resources") / "digits-LICENSE.txt").read_text(encoding="utf-8")
    assert "CC BY 4.0" in note and "BSD 3-Clause" in note and "Alpaydin" in note


def test_a_subset_is_the_same_for_the_same_seed() -> None:
    a, b = make_digits(100, seed=3), make_digits(100, seed=3)
    assert a.n_samples == 100 and np.array_equal(a.X, b.X)
    assert not np.array_equal(a.X, make_digits(100, seed=4).X)


@pytest.mark.parametrize("n", [0, 9, 1798, 2.5, True])
def test_impossible_sample_counts_are_refused(n: object) -> None:
    with pytest.raises(DataError, match="digits"):
        make_digits(n)  # type: ignore[arg-type]


def test_pixel_names_make_an_image_and_other_names_do_not() -> None:
    assert image_shape(make_digits(10, seed=0).feature_names) == (8, 8)
    assert image_shape(pixel_names(3, 4)) == (3, 4)
    assert image_shape(("x1", "x2")) is None
    assert image_shape(pixel_names(3, 4)[:-1]) is None  # a pixel short
    assert image_shape(tuple(reversed(pixel_names(2, 2)))) is None
    assert image_shape(()) is None


def test_the_digits_preset_trains_above_90_percent_test_accuracy() -> None:
    preset = PRESETS["digits"]
    assert preset.sizes == (64, 16, 10) and preset.activations[-1] == "softmax"
    session = new_session("digits")
    assert session.test is not None and session.test.n_samples > 400
    session.trainer.train_for(60.0, max_steps=1000)
    assert session.trainer.step == 1000
    _train, _test, accuracy = evaluate_session(session)
    assert accuracy is not None and accuracy > 0.9
