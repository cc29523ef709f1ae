"""Answers to the checks of lesson 05 besides the solutions (see ``calibration/__init__``)."""

from __future__ import annotations

import numpy as np
import test_checks_ex05 as t

from calibration import right, wrong


def lstm_on_scaled_prices(series, n_test):
    """The lesson's LSTM on prices scaled to [0, 1] by the training months (not on returns)."""
    import keras

    from course_utils.data import make_windows
    from course_utils.models import build_regressor

    values = np.asarray(series, dtype=np.float64)
    split = len(values) - n_test
    low, high = values[:split].min(), values[:split].max()
    scaled = (values - low) / (high - low)
    window = 12
    X, y = make_windows(scaled, window)
    month = np.arange(len(y)) + window  # the month each sample forecasts
    train = month < split
    keras.utils.set_random_seed(42)
    model = build_regressor(window, units=8, name="monthly_prices")
    model.fit(X[train], y[train], epochs=10, batch_size=32, verbose=0)
    return low + model(X[~train], training=False).numpy()[:, 0] * (high - low)


def flat_at_last_years_mean(train_series, horizon):
    """No season: every week of the horizon at the mean of the last 52 weeks."""
    return np.full(horizon, np.asarray(train_series, dtype=np.float64)[-52:].mean())


def straight_line(train_series, horizon):
    """No season: a line from last year's mean, rising by last year's growth."""
    values = np.asarray(train_series, dtype=np.float64)
    growth = values[-52:].mean() - values[-104:-52].mean()
    return values[-52:].mean() + growth * (np.arange(1, horizon + 1) + 26) / 52


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
        wrong("LSTM on prices scaled to [0, 1]", lambda ns: (lstm_on_scaled_prices, "MSFT")),
    ],
    "5.2": [
        right("seasonal-naive plus a year's growth", lambda ns: (t.seasonal_with_drift,)),
        wrong("LSTM on levels scaled to [0, 1]", lambda ns: (lstm_on_scaled_levels,)),
        wrong("flat at last year's mean", lambda ns: (flat_at_last_years_mean,)),
        wrong("a straight line through last year's growth", lambda ns: (straight_line,)),
        wrong("seasonal-naive two years back", lambda ns: (seasonal_naive_two_years_back,)),
    ],
}
