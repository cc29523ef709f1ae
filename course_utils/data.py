"""Data for the lessons: synthetic series and tasks, windows and splits, and loaders for the data
that installed packages ship. Everything here is NumPy only (no TensorFlow import).
"""

from __future__ import annotations

import numbers

import numpy as np


def _as_generator(rng: np.random.Generator | int, name: str = "rng") -> np.random.Generator:
    """Accept a NumPy ``Generator`` or an int seed; anything else is a ``TypeError``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy Generator (np.random.default_rng(seed)) or an int seed, "
        f"got {type(rng).__name__}"
    )


def _positive_int(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def adding_problem(
    n: int, length: int, rng: np.random.Generator | int
) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem of Hochreiter & Schmidhuber (1997), in its common two-half form.

    Each sequence has ``length`` steps with two features: a value drawn uniformly from [0, 1)
    and a marker that is 1 at exactly two steps, one in the first half and one in the second
    half, and 0 elsewhere. The target is the sum of the two marked values, so a model must carry
    the first marked value across up to ``length`` steps. Always guessing the mean, 1.0, gives
    an MSE of 1/6 ≈ 0.167 (the variance of a sum of two uniforms).

    Introduced in ``notebooks/02_vanishing_gradients.ipynb``.

    Args:
        n: number of sequences (>= 1).
        length: steps per sequence (>= 2).
        rng: a NumPy ``Generator`` (or an int seed) — all randomness comes from it.

    Returns:
        ``x`` of shape (n, length, 2) and ``y`` of shape (n,), both float32.

    Example:
        >>> x, y = adding_problem(3, 10, np.random.default_rng(0))
        >>> x.shape, y.shape
        ((3, 10, 2), (3,))
        >>> x[..., 1].sum(axis=1)
        array([2., 2., 2.], dtype=float32)
        >>> bool(np.allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1)))
        True
    """
    n = _positive_int(n, "n")
    length = _positive_int(length, "length", minimum=2)
    rng = _as_generator(rng)
    half = length // 2
    values = rng.uniform(0.0, 1.0, size=(n, length))
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return x, y


# --- lesson 03: synthetic series, windows, chronological splits, train-only scaling -----------

SERIES_KINDS = ("sine", "cosine", "increasing", "sine_sum")


def synthetic_series(
    kind: str,
    n: int = 1000,
    stop: float = 100.0,
    noise_std: float = 0.0,
    seed: np.random.Generator | int = 0,
) -> np.ndarray:
    """A synthetic series on ``n`` evenly spaced points of ``t`` from 0 to ``stop``.

    The classic recipe's data is ``synthetic_series("sine")``: ``sin(t)`` on 1000 points of
    [0, 100] (one period is about 63 points). Kinds:

    - ``"sine"``: sin(t); ``"cosine"``: cos(t);
    - ``"increasing"``: t itself, a straight ramp from 0 to ``stop``;
    - ``"sine_sum"``: sin(t) + 0.5 sin(3.1 t + 1), a wave that does not repeat exactly.

    ``noise_std`` > 0 adds Gaussian noise of that standard deviation (σ), drawn from ``seed``
    (an int or a NumPy ``Generator``); its variance σ² is the lowest MSE any forecaster of the
    noisy values can reach.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Returns:
        float64 array of shape (n,).

    Example:
        >>> series = synthetic_series("sine", n=5, stop=4.0)
        >>> series.round(3)
        array([ 0.   ,  0.841,  0.909,  0.141, -0.757])
        >>> synthetic_series("increasing", n=4, stop=3.0)
        array([0., 1., 2., 3.])
        >>> noisy = synthetic_series("sine", noise_std=0.1, seed=1)
        >>> round(float(np.std(noisy - synthetic_series("sine"))), 2)
        0.1
    """
    if not isinstance(kind, str) or kind not in SERIES_KINDS:
        raise ValueError(f"kind must be one of {SERIES_KINDS}, got {kind!r}")
    n = _positive_int(n, "n", minimum=2)
    stop = _finite_float(stop, "stop")
    if stop <= 0:
        raise ValueError(f"stop must be > 0, got {stop}")
    noise_std = _finite_float(noise_std, "noise_std")
    if noise_std < 0:
        raise ValueError(f"noise_std must be >= 0, got {noise_std}")
    rng = _as_generator(seed, "seed")
    t = np.linspace(0.0, stop, n)
    if kind == "sine":
        values = np.sin(t)
    elif kind == "cosine":
        values = np.cos(t)
    elif kind == "increasing":
        values = t.copy()
    else:
        values = np.sin(t) + 0.5 * np.sin(3.1 * t + 1.0)
    if noise_std > 0:
        values = values + rng.normal(0.0, noise_std, size=n)
    return values


def _finite_float(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _as_series(series: object, name: str = "series") -> np.ndarray:
    """A finite float64 array of rank 1 or 2 (time first), or a clear error."""
    try:
        array = np.asarray(series, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(series).__name__}") from exc
    if array.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (time,) or 2-D (time, features), got shape {array.shape}"
        )
    if array.ndim == 2 and array.shape[1] < 1:
        raise ValueError(f"{name} has no feature columns (shape {array.shape})")
    if not np.all(np.isfinite(array)):
        bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); clean it first")
    return array


def make_windows(series: object, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into (input window, next ``horizon`` values) pairs, every possible one.

    Sample ``i`` has inputs ``series[i : i + window]`` (all features) and targets
    ``series[i + window : i + window + horizon]`` of the first column, so there are
    ``T - window - horizon + 1`` samples: the last one ends exactly at the last value (the
    classic tutorial loop ``range(len(data) - window - 1)`` drops it). Vectorised with a strided
    view; no Python loop over samples.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Args:
        series: shape (T,) or (T, features), finite numbers.
        window: input steps per sample (>= 1).
        horizon: future steps to predict per sample (>= 1).

    Returns:
        ``X`` of shape (n, window, features) and ``y`` of shape (n, horizon), float32.

    Example:
        >>> X, y = make_windows(np.arange(6), window=3)
        >>> X.shape, y.shape
        ((3, 3, 1), (3, 1))
        >>> X[-1, :, 0], y[-1]
        (array([2., 3., 4.], dtype=float32), array([5.], dtype=float32))
        >>> make_windows(np.arange(6), window=3, horizon=2)[1]
        array([[3., 4.],
               [4., 5.]], dtype=float32)
    """
    window = _positive_int(window, "window")
    horizon = _positive_int(horizon, "horizon")
    values = _as_series(series)
    if values.ndim == 1:
        values = values[:, None]
    length = values.shape[0]
    n = length - window - horizon + 1
    if n < 1:
        raise ValueError(
            f"series is too short: {length} steps cannot hold window={window} + "
            f"horizon={horizon} (needs at least {window + horizon})"
        )
    # views of shape (n, features, window) and (n, horizon); then copy into float32 arrays
    inputs = np.lib.stride_tricks.sliding_window_view(values[: n + window - 1], window, axis=0)
    targets = np.lib.stride_tricks.sliding_window_view(values[window:, 0], horizon)
    X = np.ascontiguousarray(inputs.transpose(0, 2, 1), dtype=np.float32)
    y = np.ascontiguousarray(targets, dtype=np.float32)
    return X, y


def split_index(n: int, train_fraction: float = 0.8) -> int:
    """How many of ``n`` samples go to training: ``floor(n * train_fraction)``, both sides >= 1.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Example:
        >>> split_index(990, 0.8)
        792
    """
    n = _positive_int(n, "n")
    if isinstance(train_fraction, bool) or not isinstance(train_fraction, numbers.Real):
        raise TypeError(f"train_fraction must be a number, got {type(train_fraction).__name__}")
    if not 0.0 < float(train_fraction) < 1.0:
        raise ValueError(f"train_fraction must be strictly between 0 and 1, got {train_fraction}")
    n_train = int(np.floor(n * float(train_fraction)))
    if n_train < 1 or n_train >= n:  # floor keeps n_train < n; n_train can be 0
        part = "training" if n_train < 1 else "test"
        raise ValueError(
            f"train_fraction={train_fraction} of {n} samples leaves an empty {part} part"
        )
    return n_train


def chronological_split(
    X: object, y: object, train_fraction: float = 0.8
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split samples in time order, no shuffling: the first part trains, the rest tests.

    A shuffled split would put windows from the future into training, and neighbouring
    windows overlap, so the test error would look better than any real forecast.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Returns:
        ``X_train, X_test, y_train, y_test`` (``split_index(len(X), train_fraction)`` samples
        train).

    Example:
        >>> X, y = make_windows(np.arange(12), window=2)
        >>> X_train, X_test, y_train, y_test = chronological_split(X, y, 0.8)
        >>> len(X_train), len(X_test), y_train[-1, 0], y_test[0, 0]
        (8, 2, np.float32(9.0), np.float32(10.0))
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays of samples (at least 1-D)")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]}")
    n_train = split_index(X.shape[0], train_fraction)
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:]


def fit_scaler(train_part: object, feature_range: tuple[float, float] = (0.0, 1.0)):
    """A scikit-learn ``MinMaxScaler`` fitted on the training part of a series only.

    Fitting on the whole series would let the test part's minimum and maximum leak into
    training. Use :func:`apply_scaler` to scale any part with it and :func:`invert_scaling` to
    bring predictions back to original units.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Args:
        train_part: shape (T,) or (T, features), the values the model trains on.
        feature_range: the (low, high) the training part is mapped onto.

    Example:
        >>> scaler = fit_scaler(np.array([2.0, 4.0, 6.0]))
        >>> apply_scaler(scaler, np.array([2.0, 6.0, 8.0]))
        array([0. , 1. , 1.5])
        >>> invert_scaling(scaler, np.array([[0.5], [1.5]]))
        array([[4.],
               [8.]])
    """
    from sklearn.preprocessing import MinMaxScaler

    values = _as_series(train_part, "train_part")
    try:
        low, high = (float(v) for v in feature_range)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"feature_range must be a pair of numbers, got {feature_range!r}") from exc
    if not low < high:
        raise ValueError(f"feature_range must have low < high, got {feature_range!r}")
    if values.shape[0] < 2:
        raise ValueError("train_part needs at least 2 values to have a range")
    return MinMaxScaler(feature_range=(low, high)).fit(values.reshape(values.shape[0], -1))


def _check_scaler(scaler: object) -> None:
    if not hasattr(scaler, "scale_") or not hasattr(scaler, "min_"):
        raise TypeError(
            f"scaler must be a fitted MinMaxScaler (from fit_scaler), got {type(scaler).__name__}"
        )


def apply_scaler(scaler, series: object) -> np.ndarray:
    """Scale ``series`` (shape (T,) or (T, features)) with a fitted scaler; same shape back.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``; see :func:`fit_scaler`.

    Example:
        >>> scaler = fit_scaler(np.array([[0.0, 10.0], [4.0, 20.0]]))
        >>> apply_scaler(scaler, np.array([[2.0, 15.0], [8.0, 30.0]]))
        array([[0.5, 0.5],
               [2. , 2. ]])
    """
    _check_scaler(scaler)
    values = _as_series(series)
    scaled = scaler.transform(values.reshape(values.shape[0], -1))
    return scaled.reshape(values.shape)


def invert_scaling(scaler, values: object, column: int = 0) -> np.ndarray:
    """Undo the scaling of ``column`` on values of any shape (e.g. predictions (n, horizon)).

    Introduced in ``notebooks/03_sine_forecasting.ipynb``; see :func:`fit_scaler`.

    Example:
        >>> scaler = fit_scaler(np.array([[0.0, 10.0], [4.0, 20.0]]))
        >>> invert_scaling(scaler, np.array([[0.5, 1.0]]), column=1)
        array([[15., 20.]])
    """
    _check_scaler(scaler)
    if isinstance(column, bool) or not isinstance(column, numbers.Integral):
        raise TypeError(f"column must be an int, got {type(column).__name__}")
    if not 0 <= column < len(scaler.scale_):
        raise ValueError(f"column must be in 0..{len(scaler.scale_) - 1}, got {column}")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"values must be numbers, got {type(values).__name__}") from exc
    return (array - scaler.min_[column]) / scaler.scale_[column]
