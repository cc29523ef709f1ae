"""The gap-filling task of lesson 04 (course_utils.data.gap_filling_task)."""

import numpy as np
import pytest

from course_utils.data import gap_filling_task


def test_gap_layout_and_values():
    task = gap_filling_task(50, rng=3, length=20, gap=4, noise_std=0.0)
    assert task.inputs.shape == (50, 20, 2) and task.targets.shape == (50, 20, 1)
    assert task.inputs.dtype == np.float32 and task.mask.shape == (50, 20)
    assert np.all(task.mask.sum(axis=1) == 4)
    first = task.mask.argmax(axis=1)
    assert first.min() >= 4 and (first + 4).max() <= 20 - 4  # visible steps on both sides
    hidden = task.mask > 0
    assert np.all(task.inputs[..., 0][hidden] == 0) and np.array_equal(
        task.inputs[..., 1], task.mask
    )
    # without noise, the visible inputs are the targets
    assert np.allclose(task.inputs[..., 0][~hidden], task.targets[..., 0][~hidden])
    assert np.abs(task.targets).max() <= 1.0


def test_same_seed_same_task_and_noise():
    a, b = gap_filling_task(5, rng=1), gap_filling_task(5, rng=1)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    noisy = gap_filling_task(200, rng=1, noise_std=0.1)
    visible = noisy.mask == 0
    residual = noisy.inputs[..., 0][visible] - noisy.targets[..., 0][visible]
    assert 0.08 < residual.std() < 0.12


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, ValueError, "n must be >= 1"),
        ({"gap": 0}, ValueError, "gap must be >= 1"),
        ({"gap": 5, "length": 14}, ValueError, "length must be >= 15"),
        ({"noise_std": -0.1}, ValueError, "noise_std"),
        ({"rng": "seed"}, TypeError, "rng must be"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    args = {"n": 3, "rng": 0, **kwargs}
    with pytest.raises(error, match=match):
        gap_filling_task(**args)
