"""Series, windows, splits and train-only scaling (course_utils.data, lesson 03)."""

import numpy as np
import pytest

from course_utils.data import (
    apply_scaler,
    chronological_split,
    fit_scaler,
    invert_scaling,
    make_windows,
    split_index,
    synthetic_series,
)


def brute_force_windows(series, window, horizon):
    """The obvious loop, written independently of make_windows."""
    values = np.asarray(series, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    xs, ys = [], []
    for start in range(len(values) - window - horizon + 1):
        xs.append(values[start : start + window])
        ys.append(values[start + window : start + window + horizon, 0])
    return np.array(xs), np.array(ys)


@pytest.mark.parametrize("features", [None, 1, 3])
@pytest.mark.parametrize(
    ("length", "window", "horizon"), [(50, 1, 1), (50, 10, 1), (37, 5, 4), (12, 6, 6), (2, 1, 1)]
)
def test_make_windows_matches_brute_force(features, length, window, horizon):
    rng = np.random.default_rng(length * 100 + window * 10 + horizon)
    shape = (length,) if features is None else (length, features)
    series = rng.normal(size=shape)
    X, y = make_windows(series, window, horizon)
    X_ref, y_ref = brute_force_windows(series, window, horizon)
    n = length - window - horizon + 1
    assert X.shape == (n, window, 1 if features is None else features)
    assert y.shape == (n, horizon)
    assert X.dtype == np.float32 and y.dtype == np.float32
    np.testing.assert_array_equal(X, X_ref.astype(np.float32))
    np.testing.assert_array_equal(y, y_ref.astype(np.float32))


def test_make_windows_keeps_the_last_window_and_copies():
    series = np.arange(1000.0)
    X, y = make_windows(series, 10)
    assert len(X) == 990, "the classic loop's off-by-one would give 989"
    assert y[-1, 0] == 999.0 and X[-1, -1, 0] == 998.0
    X[0, 0, 0] = -1.0
    assert series[0] == 0.0, "the windows must not be a view of the input"
    assert X.flags.c_contiguous


def test_make_windows_accepts_lists():
    _, y = make_windows([1, 2, 3, 4], 2)
    np.testing.assert_array_equal(y[:, 0], [3, 4])


@pytest.mark.parametrize(
    ("series", "window", "horizon", "error", "match"),
    [
        (np.arange(10.0), 0, 1, ValueError, "window must be >= 1"),
        (np.arange(10.0), 3, 0, ValueError, "horizon must be >= 1"),
        (np.arange(10.0), -2, 1, ValueError, "window must be >= 1"),
        (np.arange(10.0), 2.0, 1, TypeError, "window must be an int"),
        (np.arange(10.0), 3, True, TypeError, "horizon must be an int"),
        (np.arange(10.0), 10, 1, ValueError, "series is too short"),
        (np.arange(10.0), 8, 3, ValueError, "series is too short"),
        (np.array([1.0, np.nan, 3.0, 4.0]), 2, 1, ValueError, "NaN or infinite"),
        (np.array([1.0, np.inf, 3.0, 4.0]), 2, 1, ValueError, "NaN or infinite"),
        (np.zeros((4, 3, 2)), 2, 1, ValueError, "must be 1-D"),
        (np.float64(3.0), 1, 1, ValueError, "must be 1-D"),
        (np.zeros((6, 0)), 2, 1, ValueError, "no feature columns"),
        (["a", "b", "c"], 1, 1, TypeError, "array of numbers"),
    ],
)
def test_make_windows_bad_inputs(series, window, horizon, error, match):
    with pytest.raises(error, match=match):
        make_windows(series, window, horizon)


def test_chronological_split_keeps_order():
    X, y = make_windows(np.arange(105.0), 5)
    X_train, X_test, y_train, y_test = chronological_split(X, y, 0.8)
    assert len(X_train) == 80 and len(X_test) == 20
    np.testing.assert_array_equal(np.concatenate([y_train, y_test])[:, 0], np.arange(5.0, 105.0))
    assert y_train.max() < y_test.min()
    np.testing.assert_array_equal(X_test[0, :, 0], np.arange(80.0, 85.0))


@pytest.mark.parametrize(
    ("n", "fraction", "error", "match"),
    [
        (10, 0.0, ValueError, "strictly between 0 and 1"),
        (10, 1.0, ValueError, "strictly between 0 and 1"),
        (10, 1.5, ValueError, "strictly between 0 and 1"),
        (10, -0.2, ValueError, "strictly between 0 and 1"),
        (10, 0.05, ValueError, "empty training part"),
        (1, 0.99, ValueError, "empty training part"),
        (1, 0.5, ValueError, "empty"),
        (10, "0.8", TypeError, "must be a number"),
    ],
)
def test_split_bad_fractions(n, fraction, error, match):
    X, y = np.zeros((n, 3, 1)), np.zeros((n, 1))
    with pytest.raises(error, match=match):
        chronological_split(X, y, fraction)


def test_split_mismatched_lengths_and_scalars():
    with pytest.raises(ValueError, match="X has 5 samples but y has 4"):
        chronological_split(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least 1-D"):
        chronological_split(np.float64(1.0), np.zeros(4))


def test_split_index():
    assert split_index(990) == 792
    assert split_index(3, 0.5) == 1
    with pytest.raises(ValueError, match="n must be >= 1"):
        split_index(0)


def test_synthetic_series_kinds():
    t = np.linspace(0, 100, 1000)
    np.testing.assert_allclose(synthetic_series("sine"), np.sin(t))
    np.testing.assert_allclose(
        synthetic_series("cosine", n=50, stop=10.0), np.cos(np.linspace(0, 10, 50))
    )
    np.testing.assert_allclose(synthetic_series("increasing", n=11, stop=10.0), np.arange(11.0))
    wave = synthetic_series("sine_sum")
    assert wave.shape == (1000,) and np.all(np.abs(wave) <= 1.5)
    assert synthetic_series("sine").dtype == np.float64


def test_synthetic_series_noise_is_reproducible_and_has_its_std():
    a = synthetic_series("sine", n=20000, stop=2000.0, noise_std=0.3, seed=5)
    b = synthetic_series("sine", n=20000, stop=2000.0, noise_std=0.3, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    noise = a - synthetic_series("sine", n=20000, stop=2000.0)
    assert abs(noise.std() - 0.3) < 0.01 and abs(noise.mean()) < 0.01
    c = synthetic_series("sine", n=20000, stop=2000.0, noise_std=0.3, seed=6)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kind": "square"}, ValueError, "kind must be one of"),
        ({"kind": 3}, ValueError, "kind must be one of"),
        ({"kind": "sine", "n": 1}, ValueError, "n must be >= 2"),
        ({"kind": "sine", "n": 10.0}, TypeError, "n must be an int"),
        ({"kind": "sine", "stop": 0.0}, ValueError, "stop must be > 0"),
        ({"kind": "sine", "stop": float("nan")}, ValueError, "stop must be finite"),
        ({"kind": "sine", "stop": "100"}, TypeError, "stop must be a number"),
        ({"kind": "sine", "noise_std": -0.1}, ValueError, "noise_std must be >= 0"),
        (
            {"kind": "sine", "noise_std": 0.1, "seed": "x"},
            TypeError,
            "seed must be a numpy Generator",
        ),
    ],
)
def test_synthetic_series_bad_inputs(kwargs, error, match):
    with pytest.raises(error, match=match):
        synthetic_series(**kwargs)


def test_scaler_fits_on_the_training_part_only_and_inverts():
    series = np.concatenate([np.linspace(-2.0, 2.0, 80), np.linspace(2.0, 6.0, 20)])
    scaler = fit_scaler(series[:80])
    scaled = apply_scaler(scaler, series)
    assert scaled.shape == series.shape
    assert scaled[:80].min() == 0.0 and scaled[:80].max() == 1.0
    assert scaled[-1] == pytest.approx(2.0), "test values beyond the training range exceed 1"
    predictions = scaled[20:].reshape(-1, 4)
    np.testing.assert_allclose(invert_scaling(scaler, predictions), series[20:].reshape(-1, 4))


def test_scaler_two_features_and_feature_range():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(50, 2)) * [1.0, 10.0] + [0.0, 100.0]
    scaler = fit_scaler(data, feature_range=(-1, 1))
    scaled = apply_scaler(scaler, data)
    assert scaled.shape == (50, 2)
    np.testing.assert_allclose(scaled.min(axis=0), [-1, -1])
    np.testing.assert_allclose(invert_scaling(scaler, scaled[:, 1], column=1), data[:, 1])


def test_apply_scaler_scales_windows_of_any_shape_with_a_one_feature_scaler():
    series = np.sin(np.linspace(0, 20, 200)) * 3 + 1
    scaler = fit_scaler(series[:150])
    X, _ = make_windows(series, 10)  # X (190, 10, 1)
    expected = (X - series[:150].min()) / (series[:150].max() - series[:150].min())
    np.testing.assert_allclose(apply_scaler(scaler, X), expected, rtol=1e-6)
    np.testing.assert_allclose(apply_scaler(scaler, X[:, :, 0]), expected[:, :, 0], rtol=1e-6)
    np.testing.assert_allclose(apply_scaler(scaler, [[1.0, 4.0]]).shape, (1, 2))
    flat = apply_scaler(scaler, series)
    np.testing.assert_allclose(flat, scaler.transform(series.reshape(-1, 1))[:, 0])
    np.testing.assert_allclose(invert_scaling(scaler, apply_scaler(scaler, X)), X, rtol=1e-6)


def test_apply_scaler_with_several_features_scales_the_last_axis():
    data = np.column_stack([np.arange(10.0), 100 + 10 * np.arange(10.0)])
    scaler = fit_scaler(data)
    X, _ = make_windows(data, 3)  # (8, 3, 2)
    scaled = apply_scaler(scaler, X)
    np.testing.assert_allclose(scaled[:, :, 0] * 9, X[:, :, 0])
    np.testing.assert_allclose(scaled[:, :, 1] * 90 + 100, X[:, :, 1])
    np.testing.assert_allclose(apply_scaler(scaler, data), scaler.transform(data))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: fit_scaler(np.array([1.0])), ValueError, "at least 2 values"),
        (lambda: fit_scaler(np.arange(5.0), feature_range=(1, 0)), ValueError, "low < high"),
        (lambda: fit_scaler(np.arange(5.0), feature_range=3), TypeError, "pair of numbers"),
        (lambda: fit_scaler(np.array([1.0, np.nan, 2.0])), ValueError, "train_part contains"),
        (lambda: apply_scaler("scaler", np.arange(3.0)), TypeError, "fitted MinMaxScaler"),
        (lambda: fit_scaler(np.full(10, 3.0)), ValueError, "constant: every value is 3"),
        (
            lambda: fit_scaler(np.column_stack([np.arange(4.0), np.ones(4)])),
            ValueError,
            r"constant \(column 1\)",
        ),
        (lambda: fit_scaler(np.arange(5.0), feature_range=(0, np.inf)), ValueError, "finite"),
        (lambda: fit_scaler(np.arange(5.0), feature_range=(np.nan, 1)), ValueError, "finite"),
        (lambda: apply_scaler(fit_scaler(np.arange(5.0)), "abc"), TypeError, "array of numbers"),
        (lambda: apply_scaler(fit_scaler(np.arange(5.0)), [1.0, np.nan]), ValueError, "NaN"),
        (lambda: apply_scaler(fit_scaler(np.arange(5.0)), np.float64(1)), ValueError, "non-empty"),
        (
            lambda: apply_scaler(fit_scaler(np.ones((4, 2)) * [[1], [2], [3], [4]]), np.ones(3)),
            ValueError,
            "fitted on 2 features",
        ),
        (lambda: invert_scaling(None, np.arange(3.0)), TypeError, "fitted MinMaxScaler"),
        (
            lambda: invert_scaling(fit_scaler(np.arange(5.0)), [1.0], column=1),
            ValueError,
            "column must be in 0..0",
        ),
        (
            lambda: invert_scaling(fit_scaler(np.arange(5.0)), [1.0], column=0.0),
            TypeError,
            "column must be an int",
        ),
        (
            lambda: invert_scaling(fit_scaler(np.arange(5.0)), ["a"]),
            TypeError,
            "values must be numbers",
        ),
    ],
)
def test_scaler_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
