"""course_utils.validate: one definition of a valid argument, NumPy scalars accepted alike."""

import numpy as np
import pytest

from course_utils import validate


def test_counts_accept_python_and_numpy_ints_and_nothing_else():
    assert validate.positive_int(np.int64(10), "n") == 10
    assert validate.positive_int(np.array(3), "n") == 3
    assert validate.positive_int(0, "n", minimum=0) == 0
    for bad in (True, 2.0, "3", None, np.float32(2)):
        with pytest.raises(TypeError, match="n must be an int"):
            validate.positive_int(bad, "n")
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        validate.positive_int(np.int32(0), "n")


def test_numbers_accept_numpy_scalars_refuse_strings_and_infinity():
    assert validate.finite_float(np.float32(0.25), "alpha") == 0.25
    assert validate.finite_float(np.int64(2), "alpha") == 2.0
    for bad in ("0.1", None, False, [0.1]):
        with pytest.raises(TypeError, match="alpha must be a number"):
            validate.finite_float(bad, "alpha")
    for bad in (np.inf, -np.inf, np.nan):
        with pytest.raises(ValueError, match="must be finite"):
            validate.finite_float(bad, "alpha")
    with pytest.raises(ValueError, match="> 0"):
        validate.finite_float(0, "learning_rate", low=0.0, low_inclusive=False)
    with pytest.raises(ValueError, match="<= 1"):
        validate.finite_float(1.5, "p", high=1.0)
    assert validate.rate(np.float64(0.5), "dropout") == 0.5
    with pytest.raises(ValueError, match=r"dropout must be < 1\.0"):
        validate.rate(1, "dropout")


def test_seeds_and_generators():
    assert validate.seed(np.uint8(7)) == 7
    with pytest.raises(ValueError, match="seed must be >= 0"):
        validate.seed(-3)
    rng = np.random.default_rng(1)
    assert validate.as_generator(rng) is rng
    assert isinstance(validate.as_generator(np.int64(5)), np.random.Generator)
    with pytest.raises(ValueError, match="rng must be >= 0"):
        validate.as_generator(-1)
    with pytest.raises(TypeError, match="numpy Generator"):
        validate.as_generator(1.5)


def test_choices_series_and_text():
    assert validate.one_of("GRU", "cell", ("lstm", "gru")) == "gru"
    with pytest.raises(ValueError, match="cell must be one of"):
        validate.one_of(3, "cell", ("lstm", "gru"))
    assert validate.as_series([[1.0], [2.0]]).shape == (2, 1)
    with pytest.raises(ValueError, match="1-D"):
        validate.as_series(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="array of numbers"):
        validate.as_series(["a", "b"])
    with pytest.raises(ValueError, match="at least 3"):
        validate.as_series([1.0], min_length=3)
    assert validate.text("ab", min_chars=2) == "ab"
    with pytest.raises(TypeError, match="must be a str"):
        validate.text(b"ab")
    with pytest.raises(ValueError, match="corpus is empty"):
        validate.text("", "corpus")
