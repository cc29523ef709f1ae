"""Baselines and metrics (course_utils.baselines, lesson 03)."""

import numpy as np
import pytest

from course_utils.baselines import LinearAR, mae, mse, persistence_forecast, seasonal_naive_forecast
from course_utils.data import make_windows


def test_persistence_repeats_the_last_value_of_the_first_feature():
    series = np.column_stack([np.arange(10.0), -np.arange(10.0)])
    X, y = make_windows(series, 3, horizon=2)
    forecast = persistence_forecast(X, horizon=2)
    assert forecast.shape == y.shape == (6, 2)
    np.testing.assert_array_equal(forecast[:, 0], np.arange(2.0, 8.0))
    np.testing.assert_array_equal(forecast[:, 0], forecast[:, 1])
    np.testing.assert_array_equal(persistence_forecast(X[:, :, 0]), forecast[:, :1])


def test_persistence_on_noise_costs_twice_the_variance():
    series = np.random.default_rng(0).normal(scale=0.5, size=20000)
    X, y = make_windows(series, 2)
    assert mse(y, persistence_forecast(X)) == pytest.approx(2 * 0.25, rel=0.05)


def test_seasonal_naive():
    series = np.tile([1.0, 2.0, 3.0, 4.0], 5)
    X, y = make_windows(series, 8, horizon=3)
    forecast = seasonal_naive_forecast(X, season=4, horizon=3)
    np.testing.assert_array_equal(forecast, y)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"season": 9}, ValueError, "longer than the window"),
        ({"season": 2, "horizon": 3}, ValueError, "horizon=3 must be <= season=2"),
        ({"season": 0}, ValueError, "season must be >= 1"),
    ],
)
def test_seasonal_naive_bad_inputs(kwargs, error, match):
    with pytest.raises(error, match=match):
        seasonal_naive_forecast(np.zeros((3, 8)), **kwargs)


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (np.zeros(5), ValueError, r"\(n, window, features\) or \(n, window\)"),
        (np.zeros((0, 3)), ValueError, "empty"),
        (np.zeros((4, 3, 0)), ValueError, "no features"),
        (np.array([[1.0, np.nan]]), ValueError, "NaN"),
        ([["a", "b"]], TypeError, "array of windows"),
    ],
)
def test_persistence_bad_windows(X, error, match):
    with pytest.raises(error, match=match):
        persistence_forecast(X)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        persistence_forecast(np.zeros((2, 3)), horizon=0)


def test_linear_ar_recovers_a_known_ar2_process():
    rng = np.random.default_rng(42)
    a1, a2, c = 0.6, -0.3, 0.5
    y = np.zeros(20000)
    for t in range(2, y.size):
        y[t] = c + a1 * y[t - 1] + a2 * y[t - 2] + rng.normal(scale=0.1)
    ar = LinearAR(2).fit(y)
    assert ar.fit(y) is ar, "fit returns self"
    np.testing.assert_allclose(ar.coef_, [a1, a2], atol=0.02)
    assert ar.intercept_ == pytest.approx(c, abs=0.03)
    X, target = make_windows(y, 5)
    prediction = ar.predict(X)
    assert prediction.shape == target.shape
    assert mse(target, prediction) == pytest.approx(0.01, rel=0.05), "the noise floor"
    manual = c + a1 * X[:, -1, 0] + a2 * X[:, -2, 0]
    np.testing.assert_allclose(prediction[:, 0], manual, atol=0.01)


def test_linear_ar_is_exact_on_a_pure_sine_and_forecasts_recursively():
    t = np.linspace(0, 100, 1000)
    series = np.sin(t)
    ar = LinearAR(2).fit(series[:800])
    np.testing.assert_allclose(ar.coef_, [2 * np.cos(t[1]), -1.0], atol=1e-9)
    X, y = make_windows(series, 10)
    assert mse(y, ar.predict(X)) < 1e-12  # float32 windows: rounding only
    future = ar.forecast(series[:800], steps=200)
    assert future.shape == (200,)
    np.testing.assert_allclose(future, series[800:], atol=1e-8)


def test_linear_ar_accepts_a_2d_series():
    rng = np.random.default_rng(1)
    series = np.column_stack([np.sin(np.arange(200) * 0.3), rng.normal(size=200)])
    ar = LinearAR(2).fit(series)
    np.testing.assert_allclose(ar.coef_, [2 * np.cos(0.3), -1.0], atol=1e-8)
    assert repr(ar) == "LinearAR(order=2)"


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: LinearAR(0), ValueError, "order must be >= 1"),
        (lambda: LinearAR(2.0), TypeError, "order must be an int"),
        (lambda: LinearAR(3).fit(np.arange(6.0)), ValueError, "needs at least 7"),
        (lambda: LinearAR(2).fit([1.0, np.nan, 2.0, 3.0, 4.0]), ValueError, "NaN"),
        (lambda: LinearAR(2).predict(np.zeros((3, 5))), ValueError, "not fitted yet"),
        (lambda: LinearAR(2).forecast(np.zeros(5), 3), ValueError, "not fitted yet"),
        (lambda: LinearAR(4).fit(np.arange(20.0)).predict(np.zeros((3, 3))), ValueError, "order=4"),
        (
            lambda: LinearAR(2).fit(np.arange(20.0)).forecast(np.zeros(1), 3),
            ValueError,
            "at least order=2",
        ),
        (lambda: LinearAR(2).fit(np.arange(20.0)).forecast(np.zeros((4, 2)), 3), ValueError, "1-D"),
        (
            lambda: LinearAR(2).fit(np.arange(20.0)).forecast(np.zeros(4), 0),
            ValueError,
            "steps must be >= 1",
        ),
    ],
)
def test_linear_ar_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_metrics():
    assert mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(4 / 3)
    assert mae([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(2 / 3)
    assert mse(np.ones((4, 2)), np.ones((4, 2))) == 0.0
    assert isinstance(mae(np.ones(3), np.zeros(3)), float)


@pytest.mark.parametrize("metric", [mse, mae])
@pytest.mark.parametrize(
    ("a", "b", "error", "match"),
    [
        (np.zeros((5, 1)), np.zeros(5), ValueError, r"shape \(5, 1\) but y_pred has shape \(5,\)"),
        (np.zeros(5), np.zeros((1, 5)), ValueError, "never broadcast"),
        (np.zeros(3), np.zeros(4), ValueError, "shape"),
        (np.zeros(0), np.zeros(0), ValueError, "empty"),
        (np.array([1.0, np.nan]), np.zeros(2), ValueError, "NaN"),
        (None, np.zeros(2), TypeError, "y_true must be an array"),
        (np.zeros(2), "ab", TypeError, "y_pred must be an array"),
        (np.zeros(2), [object(), 1], TypeError, "y_pred must be an array"),
    ],
)
def test_metrics_bad_inputs(metric, a, b, error, match):
    with pytest.raises(error, match=match):
        metric(a, b)
