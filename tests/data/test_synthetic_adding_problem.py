"""The adding problem generator (course_utils.data.adding_problem)."""

import numpy as np
import pytest

from course_utils.data import adding_problem


@pytest.mark.parametrize(("n", "length"), [(1, 2), (5, 3), (64, 50), (10, 201)])
def test_shapes_markers_and_targets(n, length):
    x, y = adding_problem(n, length, np.random.default_rng(1))
    assert x.shape == (n, length, 2) and y.shape == (n,)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[..., 1]
    assert set(np.unique(markers)) <= {0.0, 1.0}
    assert np.all(markers.sum(axis=1) == 2), "exactly two markers per sequence"
    half = length // 2
    assert np.all(markers[:, :half].sum(axis=1) == 1), "one marker in the first half"
    assert np.all(markers[:, half:].sum(axis=1) == 1), "one marker in the second half"
    values = x[..., 0]
    assert np.all((values >= 0) & (values < 1))
    np.testing.assert_allclose(y, (values * markers).sum(axis=1), rtol=1e-6)


def test_constant_guess_baseline_is_one_sixth():
    _, y = adding_problem(200_000, 20, np.random.default_rng(0))
    assert abs(float(np.mean((y - 1.0) ** 2)) - 1 / 6) < 0.003


def test_same_seed_same_data_and_int_seed_accepted():
    a = adding_problem(4, 8, np.random.default_rng(7))
    b = adding_problem(4, 8, 7)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0, "length": 10}, ValueError, "n must be >= 1"),
        ({"n": 5, "length": 1}, ValueError, "length must be >= 2"),
        ({"n": 2.5, "length": 10}, TypeError, "n must be an int"),
        ({"n": 5, "length": True}, TypeError, "length must be an int"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        adding_problem(rng=np.random.default_rng(0), **kwargs)


def test_bad_rng():
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        adding_problem(3, 10, rng="seed")


@pytest.mark.parametrize(
    ("rng", "error", "match"),
    [
        (-1, ValueError, "rng must be >= 0, got -1"),
        (np.int64(-3), ValueError, "rng must be >= 0"),
        (1.5, TypeError, "rng must be a numpy Generator"),
        ("0", TypeError, "rng must be a numpy Generator"),
    ],
)
def test_bad_seed_is_a_clear_error(rng, error, match):
    with pytest.raises(error, match=match):
        adding_problem(5, 10, rng)


def test_numpy_integer_seed_accepted():
    a = adding_problem(3, 6, np.int64(4))
    b = adding_problem(3, 6, 4)
    np.testing.assert_array_equal(a[0], b[0])
