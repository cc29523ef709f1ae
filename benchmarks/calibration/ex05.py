"""Answers to the checks of lesson 05 besides the solutions (see ``calibration/__init__``)."""

from __future__ import annotations

import numpy as np
import test_checks_ex05 as t

from calibration import right, wrong


def flat_at_last_years_mean(train_series, horizon):
    """No season: every week of the horizon at the mean of the last 52 weeks."""
    return np.full(horizon, np.asarray(train_series, dtype=np.float64)[-52:].mean())


def seasonal_naive_two_years_back(train_series, horizon):
    """The same weeks two years earlier: the season, but two years of growth missing."""
    values = np.asarray(train_series, dtype=np.float64)
    return values[-104 : -104 + horizon]


def lstm_on_scaled_levels(train_series, horizon):
    """The lesson's LSTM on levels scaled to [0, 1] by the training part (not on changes)."""
    import keras

    from course_utils.data import make_windows
    from course_utils.models import build_regressor

    values = np.asarray(train_series, dtype=np.float64)
    low, high = values.min(), values.max()
    scaled = (values - low) / (high - low)
    window = 26
    X, Y = make_windows(scaled, window, horizon=horizon)
    keras.utils.set_random_seed(42)
    model = build_regressor(window, units=16, learning_rate=1e-2, horizon=horizon, name="levels")
    model.fit(X.astype(np.float32), Y.astype(np.float32), epochs=15, batch_size=64, verbose=0)
    x = scaled[-window:].reshape(1, window, 1).astype(np.float32)
    return low + model(x, training=False).numpy()[0] * (high - low)


ANSWERS = {
    "5.1": [
        right("a linear AR(2) on returns", lambda ns: (t.ar_on_returns, ns["MY_TICKER"])),
        wrong("AR fitted on all returns (leak)", lambda ns: (t.ar_fitted_on_everything, "MSFT")),
        wrong("scale from the whole series (leak)", lambda ns: (t.scaled_on_everything, "MSFT")),
        wrong("window one month too late", lambda ns: (t.off_by_one, "MSFT")),
    ],
    "5.2": [
        right("seasonal-naive plus a year's growth", lambda ns: (t.seasonal_with_drift,)),
        wrong("LSTM on levels scaled to [0, 1]", lambda ns: (lstm_on_scaled_levels,)),
        wrong("flat at last year's mean", lambda ns: (flat_at_last_years_mean,)),
        wrong("seasonal-naive two years back", lambda ns: (seasonal_naive_two_years_back,)),
    ],
}
