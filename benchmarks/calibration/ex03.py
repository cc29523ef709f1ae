"""Answers to the checks of lesson 03 besides the solutions (see ``calibration/__init__``).

Every check of lesson 03 asks for a trained LSTM, so most wrong answers here train one too: the
mistakes a learner makes with Keras (too few epochs, targets left unscaled, an off-by-one
target, training on the test windows). Where NumPy shows the same mistake (3.3's capped
extrapolation) the answer is NumPy, to keep the calibration cheap.
"""

from __future__ import annotations

import keras
import numpy as np
import test_checks_ex03 as t

from calibration import right, wrong
from course_utils.baselines import mse
from course_utils.data import (
    apply_scaler,
    chronological_split,
    fit_scaler,
    invert_scaling,
    make_windows,
)
from course_utils.models import build_regressor


def fit_cosine_lstm50(window, X, y, epochs, batch_size):
    """The exercises' LSTM(50) → Dense(1), fitted on ``X``/``y``, its rate decayed from 3e-3 to
    zero along a cosine over the ``epochs`` epochs at ``batch_size`` (exercises 3.1 and 3.4 ask
    for this schedule). The schedule's length and the fit share ``batch_size``.
    """
    steps = epochs * (len(X) // batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps)
    model = build_regressor(window, units=50, learning_rate=schedule)
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


# --- 3.1 ----------------------------------------------------------------------------------------


def cosine_recipe(epochs=30, scale_targets=True, ahead=1, whole_series_scaler=False):
    """A ``train_cosine_model`` with one mistake switched on (none: the exercise's recipe).

    The exercise's recipe: batch 32, the rate decayed from 3e-3 to zero along a cosine over all
    epochs (:func:`fit_cosine_lstm50`). ``epochs``: under-training; ``scale_targets=False``: the
    windows scaled, the targets left in original units; ``ahead=2``: hand-cut windows whose
    target is the value two steps on; ``whole_series_scaler``: the scaler fitted on the whole
    series (test part included).
    """

    def train_cosine_model(series, window):
        values = np.asarray(series, dtype=np.float64)
        X, y = make_windows(values[: len(values) - ahead + 1], window)
        if ahead > 1:  # the same windows, each target `ahead` steps after the window's end
            y = values[window + ahead - 1 :].reshape(-1, 1)
        X_train, _, y_train, _ = chronological_split(X, y, 0.8)
        scaler = fit_scaler(values if whole_series_scaler else values[: len(X_train) + window])
        targets = apply_scaler(scaler, y_train) if scale_targets else y_train
        model = fit_cosine_lstm50(window, apply_scaler(scaler, X_train), targets, epochs, 32)
        return model, scaler

    return train_cosine_model


# --- 3.2 ----------------------------------------------------------------------------------------


def step_model(epochs=30, fixed_step=None, one_example=False):
    """A ``make_step_model`` with one mistake switched on (none: the solution's recipe).

    ``fixed_step``: every training sequence climbs by that step (only the start is random);
    ``one_example``: the one sequence 0.1…0.5 → 0.6, repeated; ``epochs``: under-training.
    """

    def make_step_model():
        rng = np.random.default_rng(0)
        n = 1000
        starts = rng.uniform(0.0, 0.5, size=n)
        steps = np.full(n, fixed_step) if fixed_step else rng.uniform(0.02, 0.12, size=n)
        if one_example:
            starts, steps = np.full(n, 0.1), np.full(n, 0.1)
        sequences = starts[:, None] + steps[:, None] * np.arange(6)
        model = build_regressor(5, units=16, learning_rate=3e-3)
        model.fit(sequences[:, :5, None], sequences[:, 5:], epochs=epochs, batch_size=32, verbose=0)
        return model

    return make_step_model


# --- 3.3 ----------------------------------------------------------------------------------------


def counting_on_scaled_levels(sequence, window):
    """The lesson's naive approach: levels scaled to [0, 1] by the sequence, an LSTM on them."""
    values = np.asarray(sequence, dtype=np.float64)
    scaler = fit_scaler(values)
    X, y = make_windows(apply_scaler(scaler, values), window)
    model = build_regressor(window, units=16, learning_rate=2e-2)
    model.fit(X, y, epochs=100, verbose=0)

    def predict_next(windows):
        windows = np.asarray(windows, dtype=np.float64)
        scaled = apply_scaler(scaler, windows).reshape(len(windows), window, 1)
        return invert_scaling(scaler, model(scaled, training=False).numpy())[:, 0]

    return predict_next


def counting_on_steps_undertrained(sequence, window):
    """The solution's differencing, trained 5 epochs at Keras' default learning rate."""
    steps = np.diff(np.asarray(sequence, dtype=np.float64))
    X, y = make_windows(steps, window - 1)
    model = build_regressor(window - 1, units=16)
    model.fit(X, y, epochs=5, verbose=0)

    def predict_next(windows):
        windows = np.asarray(windows, dtype=np.float64)
        diffs = np.diff(windows, axis=1)[:, :, None].astype(np.float32)
        return windows[:, -1] + model(diffs, training=False).numpy()[:, 0]

    return predict_next


def covering_ten_times(windows, sequence):
    """A scaling that covers up to 10 × the sequence's largest number: saturates beyond it."""
    high = 10 * np.abs(sequence).max()
    return np.clip(windows[:, -1] + np.diff(sequence).mean(), -high, high)


# --- 3.4 ----------------------------------------------------------------------------------------


def window_recipe(epochs=30, train_on_all=False):
    """A ``window_test_mse`` with one mistake switched on (none: the solution's recipe).

    The solution's recipe (batch 16, the rate decayed from 3e-3 to zero along a cosine over all
    epochs) with ``epochs=3``: under-trained; ``train_on_all``: the model fitted on every window,
    the test windows included (the leak).
    """

    def window_test_mse(series, window):
        X, y = make_windows(series, window)
        X_train, X_test, y_train, y_test = chronological_split(X, y, 0.8)
        scaler = fit_scaler(series[: len(X_train) + window])
        X_fit, y_fit = (X, y) if train_on_all else (X_train, y_train)
        model = fit_cosine_lstm50(
            window, apply_scaler(scaler, X_fit), apply_scaler(scaler, y_fit), epochs, 16
        )
        prediction = model(apply_scaler(scaler, X_test).astype(np.float32), training=False)
        return mse(y_test, invert_scaling(scaler, prediction.numpy())), model, scaler

    return window_test_mse


ANSWERS = {
    "3.1": [
        wrong("the recipe for 3 epochs (under-trained)", lambda ns: (cosine_recipe(epochs=3),)),
        wrong("targets left unscaled", lambda ns: (cosine_recipe(scale_targets=False),)),
        wrong("target two steps after the window", lambda ns: (cosine_recipe(ahead=2),)),
        wrong(
            "scaler fitted on the whole series (1 epoch)",
            lambda ns: (cosine_recipe(epochs=1, whole_series_scaler=True),),
        ),
    ],
    "3.2": [
        wrong("trained on 0.1…0.5 → 0.6 only", lambda ns: (step_model(one_example=True),)),
        wrong("every training step 0.1", lambda ns: (step_model(fixed_step=0.1),)),
        wrong("the solution for 3 epochs", lambda ns: (step_model(epochs=3),)),
    ],
    "3.3": [
        right(
            "last value + mean step (the named baseline)",
            lambda ns: (t.maker(lambda w, s: w[:, -1] + np.diff(s).mean()),),
        ),
        wrong(
            "LSTM on levels scaled to [0, 1] (the lesson's)",
            lambda ns: (counting_on_scaled_levels,),
        ),
        wrong("steps, 5 epochs at lr 1e-3", lambda ns: (counting_on_steps_undertrained,)),
        wrong("a scaling covering 10 × the max", lambda ns: (t.maker(covering_ten_times),)),
    ],
    "3.4": [
        wrong("the recipe for 3 epochs (under-trained)", lambda ns: (window_recipe(3),)),
        wrong("trained on every window (leak)", lambda ns: (window_recipe(train_on_all=True),)),
        wrong("a barely trained tiny LSTM", lambda ns: (t.tiny_answer("own"),)),
    ],
}
