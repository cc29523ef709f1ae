"""Checks of notebook 00 (the worked example of how exercises and checks work)."""

from __future__ import annotations

import numpy as np

from course_utils.checks.base import Hint, as_array, call_learner, exercise_check


def _reference_scale_to_unit(values: np.ndarray) -> np.ndarray:
    low, high = values.min(), values.max()
    return (values - low) / (high - low)


@exercise_check
def ex_00_1(scale_to_unit) -> str:
    """Exercise 0.1: ``scale_to_unit(values)`` maps a 1-D array linearly onto [0, 1].

    Judged on arrays the check draws itself (negative values, several lengths), against the
    reference formula (x - min) / (max - min).
    """
    rng = np.random.default_rng(2024)
    for size in (2, 7, 50):
        values = rng.normal(loc=-3.0, scale=5.0, size=size)
        got = as_array(
            call_learner(scale_to_unit, values.copy()),
            f"scale_to_unit(array of {size} values)",
            shape=(size,),
        )
        expected = _reference_scale_to_unit(values)
        if np.allclose(got, values / np.abs(values).max()) or np.allclose(
            got, values / values.max()
        ):
            raise Hint(
                "you divided by the maximum; subtract the minimum first: (x - min) / (max - min)"
            )
        if got.min() < -1e-9 or got.max() > 1 + 1e-9:
            raise Hint(
                f"the result should lie in [0, 1] but spans [{got.min():.3g}, {got.max():.3g}]: "
                "divide by (max - min)"
            )
        if not np.allclose(got, expected, atol=1e-9):
            raise Hint("the smallest value should map to 0 and the largest to 1, linearly")
    return "(x - min) / (max - min) on three arrays the check drew"
