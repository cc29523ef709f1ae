"""cu.data.relevant_step_task: shapes, padding, the relevant step, and bad inputs."""

import numpy as np
import pytest

from course_utils import data
from course_utils.data import MARKER_ID, PAD_ID, relevant_step_task


@pytest.mark.parametrize("task", data.RELEVANT_STEP_TASKS)
def test_shapes_types_and_padding(task):
    result = relevant_step_task(200, 15, np.random.default_rng(0), task=task)
    x, y, lengths, positions = result
    assert x.shape == (200, 15) and x.dtype == np.int32
    assert y.shape == lengths.shape == positions.shape == (200,)
    assert lengths.min() >= 7 and lengths.max() <= 15  # default min_len: half of max_len
    steps = np.arange(15)[None, :]
    assert np.all(x[steps >= lengths[:, None]] == PAD_ID)  # padding at the end, only there
    assert np.all(x[steps < lengths[:, None]] != PAD_ID)
    assert np.all((0 <= positions) & (positions < lengths))
    assert np.all((0 <= y) & (y < 8))
    np.testing.assert_array_equal(x[np.arange(200), positions] - 2, y)


def test_after_marker_has_one_marker_right_before_the_relevant_step():
    x, _, _, positions = relevant_step_task(300, 20, 1, min_len=2)
    assert np.all((x == MARKER_ID).sum(axis=1) == 1)
    np.testing.assert_array_equal(np.argmax(x == MARKER_ID, axis=1), positions - 1)


def test_largest_is_unique_and_at_the_relevant_step():
    x, y, lengths, positions = relevant_step_task(300, 20, 2, task="largest", n_values=6)
    assert not np.any(x == MARKER_ID)
    for row, length, position in zip(x, lengths, positions, strict=True):
        values = row[:length]
        assert np.argmax(values) == position
        assert np.sum(values == values.max()) == 1
    assert y.max() <= 5


def test_same_seed_same_task_and_lengths_vary():
    a = relevant_step_task(50, 30, np.random.default_rng(3))
    b = relevant_step_task(50, 30, np.random.default_rng(3))
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
    assert len(set(a.lengths.tolist())) > 5


def test_min_len_equal_to_max_len_means_no_padding():
    x, _, lengths, _ = relevant_step_task(10, 6, 0, min_len=6)
    assert np.all(lengths == 6) and not np.any(x == PAD_ID)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 0}, ValueError, "empty batch"),
        ({"n": -3}, ValueError, "empty batch"),
        ({"max_len": 1}, ValueError, "max_len must be >= 2"),
        ({"min_len": 0}, ValueError, "min_len must be >= 2"),
        ({"min_len": 1}, ValueError, "min_len must be >= 2"),
        ({"min_len": 12}, ValueError, "min_len (12) must be <= max_len (10)"),
        ({"n_values": 1}, ValueError, "n_values must be >= 2"),
        ({"task": "sum"}, ValueError, "task must be one of"),
        ({"n": 2.5}, TypeError, "n must be an int"),
        ({"rng": "seed"}, TypeError, "rng must be a numpy Generator"),
    ],
)
def test_bad_inputs(kwargs, error, message):
    args = {"n": 4, "max_len": 10, "rng": 0} | kwargs
    with pytest.raises(error, match=None) as info:
        relevant_step_task(**args)
    assert message in str(info.value)
