"""Checks of lesson 03 (course_utils.checks.ex03): pass on right answers, not-done on the stub,
and the specific hint on plausible wrong answers. No model is trained here: the right answers
are exact predictors, which is what a trained model approximates."""

import numpy as np
import pytest

from course_utils.checks import ex03
from course_utils.checks.ex03 import STEP, ex_03_1, ex_03_2, ex_03_3, ex_03_4


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 3.x: replace this line with your code")


def exact_sinusoid(windows):
    """sin/cos of step h satisfy x[t+1] = 2 cos(h) x[t] - x[t-1]."""
    return 2 * np.cos(STEP) * windows[:, -1] - windows[:, -2]


def linear_continuation(windows):
    return windows[:, -1] + (windows[:, -1] - windows[:, -2])


def test_3_1_passes_on_a_right_predictor_and_accepts_column_output():
    assert ex_03_1.evaluate(exact_sinusoid, 10).passed
    result = ex_03_1.evaluate(lambda w: exact_sinusoid(w)[:, None], 30)
    assert result.passed and "persistence 0.005" in result.message


def test_3_1_not_done_and_hints():
    assert "not done yet" in ex_03_1.evaluate(stub, 10).message
    assert "persistence" in ex_03_1.evaluate(lambda w: w[:, -1], 10).message
    scaled = ex_03_1.evaluate(lambda w: (exact_sinusoid(w) + 1) / 2, 10)
    assert not scaled.passed and "scaled range" in scaled.message
    noisy = ex_03_1.evaluate(lambda w: exact_sinusoid(w) + 0.1, 10)
    assert not noisy.passed and "≤ 1e-3" in noisy.message
    assert "shape" in ex_03_1.evaluate(lambda w: exact_sinusoid(w)[:5], 10).message
    assert "whole number" in ex_03_1.evaluate(exact_sinusoid, 2.5).message
    assert "should be a number" in ex_03_1.evaluate(exact_sinusoid, None).message
    assert "not done yet: predict_next_cosine is still None" in ex_03_1.evaluate(None, 10).message
    assert "expected a function" in ex_03_1.evaluate("f", 10).message


def test_3_2():
    assert ex_03_2.evaluate(linear_continuation).passed
    assert "not done yet" in ex_03_2.evaluate(stub).message
    assert "last value" in ex_03_2.evaluate(lambda w: w[:, -1]).message
    assert "mean of the window" in ex_03_2.evaluate(lambda w: w.mean(axis=1)).message
    assert "expected 0.6" in ex_03_2.evaluate(lambda w: w[:, -1] + 0.2).message

    def memorised(windows):
        out = np.full(len(windows), 0.6)
        return out

    assert "train on many sequences" in ex_03_2.evaluate(memorised).message
    assert "None" in ex_03_2.evaluate(lambda w: None).message
    assert "not done yet" in ex_03_2.evaluate(None).message


def test_3_3():
    result = ex_03_3.evaluate(lambda w: w[:, -1] + 1, 10)
    assert result.passed and "11…20" in result.message
    assert ex_03_3.evaluate(lambda w: w[:, -1] + 1.3, 3).passed
    assert "not done yet" in ex_03_3.evaluate(stub, 10).message
    assert "not done yet" in ex_03_3.evaluate(None, 10).message
    assert "last number" in ex_03_3.evaluate(lambda w: w[:, -1], 10).message

    def saturating(windows):
        """What a tanh model with a scaler fitted on 1..10 does: it flattens out."""
        return np.minimum(windows[:, -1] + 1, 12.0)

    flat = ex_03_3.evaluate(saturating, 5)
    assert not flat.passed and "fall behind" in flat.message and "difference" in flat.message
    off = ex_03_3.evaluate(lambda w: w[:, -1] + 3, 5)
    assert not off.passed and "off by more than 0.5" in off.message
    assert "between 1 and 10" in ex_03_3.evaluate(lambda w: w[:, -1] + 1, 11).message


def test_reference_sweep_prefers_long_windows():
    sweep = ex03.reference_window_sweep([2, 5, 10, 20, 40])
    assert sweep[2] > 1.5 * ex03.NOISE_STD**2
    assert min(sweep, key=sweep.get) in (20, 40)


GOOD = {2: 0.024, 5: 0.021, 10: 0.0146, 20: 0.0118, 40: 0.0112}


def test_3_4_passes_on_a_sensible_sweep():
    assert ex_03_4.evaluate(GOOD, 40).passed
    near = {**GOOD, 20: 0.0110}  # 20 is within 15 % of the reference's best
    assert ex_03_4.evaluate(near, 20).passed


@pytest.mark.parametrize(
    ("results", "best", "hint"),
    [
        (None, 10, "not done yet: results is still None"),
        ([2, 5], 10, "should be a dict"),
        ({}, 10, "an empty dict"),
        ({2: 0.02, 5: 0.02, 10: 0.02}, 10, "at least 4 window lengths"),
        ({8: 0.02, 10: 0.02, 20: 0.02, 40: 0.01}, 40, "short (≤ 5 steps) to long"),
        ({2: 0.02, 3: 0.02, 4: 0.02, 10: 0.01}, 10, "short (≤ 5 steps) to long"),
        ({2.0: 0.02, 5: 0.02, 10: 0.02, 20: 0.01}, 20, "ints ≥ 1"),
        ({**GOOD, 5: "low"}, 40, "should be a number"),
        ({**GOOD, 40: 0.0011}, 40, "below 0.8 σ²"),
        (GOOD, 30, "not one of the windows"),
        (GOOD, 20, "window 40 has the lowest"),
        ({2: 0.02, 5: 0.011, 10: 0.012, 20: 0.013, 40: 0.014}, 5, "check's quick sweep"),
    ],
)
def test_3_4_hints(results, best, hint):
    result = ex_03_4.evaluate(results, best)
    assert not result.passed and hint in result.message, result.message
