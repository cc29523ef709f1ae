"""Checks of lesson 03 (sine forecasting): exercises 3.1–3.4.

Every check builds its own series and windows and judges what the learner's function does on
them; none of them trains a model. Introduced in ``solutions/03_sine_forecasting_solutions.ipynb``.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils.baselines import LinearAR, mse
from course_utils.checks.base import (
    Hint,
    NotDone,
    as_array,
    call_learner,
    exercise_check,
    require_number,
)
from course_utils.data import chronological_split, make_windows, synthetic_series

#: The noisy sine of exercise 3.4 (and of the lesson): σ = 0.1, seed 1.
NOISE_STD = 0.1
NOISE_SEED = 1
#: The time step of the lesson's series (1000 points over [0, 100]).
STEP = 100.0 / 999


def _window_arg(window: object, largest: int = 200) -> int:
    value = require_number(window, "window")
    if not float(value).is_integer() or not 1 <= value <= largest:
        raise Hint(
            f"window should be a whole number of steps between 1 and {largest}, got {window}"
        )
    return int(value)


def _require_done(value: object, name: str, writer: str) -> None:
    """``None`` means the exercise cell that should set ``name`` has not worked yet."""
    if value is None:
        raise NotDone(
            f"not done yet: {name} is still None. Write {writer} (replace the "
            "`raise NotImplementedError(...)` line), run its cells, then this one."
        )


def _predictions(predict_next, X: np.ndarray, what: str) -> np.ndarray:
    """Call ``predict_next`` on windows (n, window); accept (n,) or (n, 1) back."""
    n = X.shape[0]
    got = call_learner(predict_next, X.copy(), what="your predict_next")
    array = as_array(got, what)
    if array.size != n or (array.ndim == 2 and array.shape[1] != 1) or array.ndim > 2:
        raise Hint(
            f"{what} has shape {array.shape}; for {n} windows return {n} numbers, "
            f"shape ({n},) or ({n}, 1)"
        )
    return array.reshape(n)


@exercise_check
def ex_03_1(predict_next, window) -> str:
    """Exercise 3.1: ``predict_next(windows)`` forecasts the next value of a cosine wave.

    Judged on 300 points of cos(t) for t from 100 on (beyond the training series), with the
    lesson's step: the MSE in original units must be ≤ 1e-3 (persistence: ≈ 5e-3).
    """
    _require_done(predict_next, "predict_next_cosine", "make_cosine_forecaster")
    window = _window_arg(window)
    t = 100.0 + STEP * np.arange(300 + window)
    X, y = make_windows(np.cos(t), window)
    X2, target = X[:, :, 0].astype(np.float64), y[:, 0].astype(np.float64)
    pred = _predictions(predict_next, X2, f"predict_next(windows of shape {X2.shape})")
    error = mse(target, pred)
    persistence = mse(target, X2[:, -1])
    if np.allclose(pred, X2[:, -1], atol=1e-6):
        raise Hint("your predictions equal the last value of each window (persistence)")
    if pred.min() >= -0.05 and mse((target + 1) / 2, pred) < error / 4:
        raise Hint(
            "your predictions look like they are still in the scaled range [0, 1]: undo the "
            "scaling (scaler.inverse_transform or cu.data.invert_scaling) before returning them"
        )
    if error > 1e-3:
        raise Hint(
            f"on the checker's cosine windows your MSE is {error:.3g} (persistence: "
            f"{persistence:.3g}); it should be ≤ 1e-3. Did you scale the windows with the "
            "scaler fitted on the training part before calling the model, and train long enough?"
        )
    n = len(target)
    return f"MSE ≤ 1e-3 on {n} cosine windows the check made (persistence {persistence:.1g})"


def _arithmetic(start: float, step: float, length: int) -> np.ndarray:
    return start + step * np.arange(length)


@exercise_check
def ex_03_2(predict_next) -> str:
    """Exercise 3.2: continue 0.1, 0.2, 0.3, 0.4, 0.5 with 0.6 (± 0.05).

    Also probes other increasing sequences of 5 values the check draws (steps 0.05–0.1, all
    values in [0, 1]), so a model that memorised the one example does not pass.
    """
    _require_done(predict_next, "predict_next_step", "make_step_forecaster")
    rng = np.random.default_rng(302)
    starts = rng.uniform(0.0, 0.45, size=6)
    steps = rng.uniform(0.05, 0.1, size=6)
    sequences = [_arithmetic(0.1, 0.1, 5)] + [
        _arithmetic(s, d, 5) for s, d in zip(starts, steps, strict=True)
    ]
    X = np.array(sequences)
    expected = X[:, -1] + (X[:, -1] - X[:, -2])
    pred = _predictions(predict_next, X, "predict_next(windows of shape (7, 5))")
    if np.allclose(pred, X[:, -1], atol=1e-3):
        raise Hint("you return the last value (0.5 for 0.1…0.5): the model has to learn the step")
    if np.allclose(pred, X.mean(axis=1), atol=1e-3):
        raise Hint("you return the mean of the window: the model has to continue the sequence")
    first = pred[0]
    if abs(first - 0.6) > 0.05:
        raise Hint(f"for 0.1, 0.2, 0.3, 0.4, 0.5 you predict {first:.3f}; expected 0.6 ± 0.05")
    errors = np.abs(pred - expected)
    worst = int(np.argmax(errors))
    if errors[worst] > 0.05:
        shown = ", ".join(f"{v:.3f}" for v in X[worst])
        raise Hint(
            f"0.6 is right, but for {shown} you predict {pred[worst]:.3f} instead of "
            f"{expected[worst]:.3f}: train on many sequences (different starts and steps), "
            "not only on 0.1…0.5"
        )
    return "0.1…0.5 → 0.6 ± 0.05, and 6 other sequences the check drew continued within 0.05"


#: Where ex_03_3 starts its probe sequences (each probe is `window` consecutive integers).
PROBE_STARTS = (11, 25, 60, 137)


@exercise_check
def ex_03_3(predict_next, window) -> str:
    """Exercise 3.3: the next number of 1, 2, …, 10, and of sequences beyond the training range.

    Probes ``window`` consecutive integers starting at 11, 25, 60 and 137 (e.g. 11…20 → 21)
    and accepts predictions within ± 0.5 of the right integer.
    """
    _require_done(predict_next, "predict_next_count", "make_counting_forecaster")
    window = _window_arg(window, largest=10)
    X = np.array([np.arange(s, s + window, dtype=np.float64) for s in PROBE_STARTS])
    expected = X[:, -1] + 1
    pred = _predictions(predict_next, X, f"predict_next(windows of shape {X.shape})")
    if np.allclose(pred, X[:, -1], atol=1e-3):
        raise Hint("you return the last number of each window: predict the next one")
    errors = np.abs(pred - expected)
    if np.all(errors <= 0.5):
        return "next integer right (± 0.5) after " + ", ".join(
            f"{int(x[0])}…{int(x[-1])}" for x in X
        )
    shown = "; ".join(
        f"{int(x[0])}…{int(x[-1])} → {p:.1f} (expected {int(e)})"
        for x, p, e in zip(X, pred, expected, strict=True)
    )
    if pred[-1] < expected[-1] - 0.5 and errors[-1] > errors[0]:
        raise Hint(
            f"your predictions fall behind as the numbers grow: {shown}. A scaler fitted on "
            "1…10 maps these numbers outside the range the model was trained on, and its "
            "tanh/sigmoid units saturate, so the output flattens. Predict the difference to "
            "the next number (always 1 here) and add it to the last value, or use a scaling "
            "that covers the numbers you will meet"
        )
    raise Hint(f"predictions off by more than 0.5: {shown}")


def reference_window_sweep(windows: list[int]) -> dict[int, float]:
    """Test MSE of a least-squares AR model of order ``window`` on the noisy sine, per window.

    The check's own quick sweep for exercise 3.4: the same noisy sine (σ = 0.1, seed 1), the
    same windows, chronological 80/20 split, original units.

    >>> sweep = reference_window_sweep([2, 30])
    >>> sweep[2] > sweep[30]
    True
    """
    series = synthetic_series("sine", noise_std=NOISE_STD, seed=NOISE_SEED)
    result = {}
    for window in windows:
        X, y = make_windows(series, window)
        X_train, X_test, _, y_test = chronological_split(X, y, 0.8)
        model = LinearAR(window).fit(series[: len(X_train) + window])
        result[window] = mse(y_test, model.predict(X_test))
    return result


@exercise_check
def ex_03_4(results, best_window) -> str:
    """Exercise 3.4: a window-length sweep (``{window: test MSE}``) and its best window.

    The sweep must try at least 4 windows, from short (≤ 5) to long (≥ 20), with test MSEs in
    original units (none below 0.8 σ², the noise floor). ``best_window`` must be the sweep's
    minimum, and the check's own quick sweep (a linear AR per window on the same noisy sine)
    must rate it within 15 % of the best window it finds among the windows you tried.
    """
    _require_done(results, "results", "window_test_mse and the sweep")
    if not isinstance(results, dict) or not results:
        raise Hint(
            "results should be a dict {window: test MSE}, e.g. {2: 0.03, 5: 0.02, ...}; "
            f"got {'an empty dict' if isinstance(results, dict) else type(results).__name__}"
        )
    sweep: dict[int, float] = {}
    for key, value in results.items():
        if isinstance(key, bool) or not isinstance(key, numbers.Integral) or key < 1:
            raise Hint(f"the keys of results should be window lengths (ints ≥ 1), got {key!r}")
        sweep[int(key)] = require_number(value, f"results[{key}]")
    if len(sweep) < 4:
        raise Hint(f"try at least 4 window lengths, you tried {sorted(sweep)}")
    if min(sweep) > 5 or max(sweep) < 20:
        raise Hint(
            f"your windows {sorted(sweep)} should span short (≤ 5 steps) to long (≥ 20 steps)"
        )
    floor = NOISE_STD**2
    low = [w for w, v in sweep.items() if v < 0.8 * floor]
    if low:
        raise Hint(
            f"the MSE for window(s) {low} is below 0.8 σ² = {0.8 * floor:.3g}, lower than the "
            "noise lets any forecast go: measure on the test part, in original units (undo "
            "the scaling)"
        )
    best = _window_arg(best_window, largest=10_000)
    if best not in sweep:
        raise Hint(f"best_window={best} is not one of the windows you tried {sorted(sweep)}")
    own_best = min(sweep, key=sweep.get)
    if best != own_best:
        raise Hint(
            f"in your sweep window {own_best} has the lowest test MSE ({sweep[own_best]:.3g}), "
            f"not window {best} ({sweep[best]:.3g})"
        )
    reference = reference_window_sweep(sorted(sweep))
    ref_best = min(reference, key=reference.get)
    if reference[best] > 1.15 * reference[ref_best]:
        raise Hint(
            f"the check's quick sweep (a linear AR on the same noisy sine) finds window "
            f"{ref_best} best (MSE {reference[ref_best]:.3g}) and window {best} "
            f"{reference[best] / reference[ref_best] - 1:.0%} worse: a short window cannot "
            "average the noise away. Did the longer windows train as long as the short ones?"
        )
    return "your best window is within 15 % of the best in the check's own quick sweep"
