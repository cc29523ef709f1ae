"""From a series to training samples: windows, chronological splits, scalers fit on train only.

Introduced in ``notebooks/03_sine_forecasting.ipynb``.
"""

from __future__ import annotations

import numpy as np

from course_utils import validate


def make_windows(series: object, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into (input window, next ``horizon`` values) pairs, every possible one.

    Sample ``i`` has inputs ``series[i : i + window]`` (all features) and targets
    ``series[i + window : i + window + horizon]`` of the first column, so there are
    ``T - window - horizon + 1`` samples: the last one ends exactly at the last value (the
    classic tutorial loop ``range(len(data) - window - 1)`` drops it). Vectorised with a strided
    view; no Python loop over samples.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Parameters
    ----------
    series
        shape (T,) or (T, features), finite numbers.
    window
        input steps per sample (>= 1).
    horizon
        future steps to predict per sample (>= 1).

    Returns
    -------
        ``X`` of shape (n, window, features) and ``y`` of shape (n, horizon), float32.

    Examples
    --------
    >>> X, y = make_windows(np.arange(6), window=3)
    >>> X.shape, y.shape
    ((3, 3, 1), (3, 1))
    >>> X[-1, :, 0], y[-1]
    (array([2., 3., 4.], dtype=float32), array([5.], dtype=float32))
    >>> make_windows(np.arange(6), window=3, horizon=2)[1]
    array([[3., 4.],
           [4., 5.]], dtype=float32)
    """
    window = validate.positive_int(window, "window")
    horizon = validate.positive_int(horizon, "horizon")
    values = validate.as_series(series)
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

    Examples
    --------
    >>> split_index(990, 0.8)
    792
    """
    n = validate.positive_int(n, "n")
    train_fraction = validate.fraction(train_fraction, "train_fraction")
    n_train = int(np.floor(n * train_fraction))
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

    Returns
    -------
        ``X_train, X_test, y_train, y_test`` (``split_index(len(X), train_fraction)`` samples
        train).

    Examples
    --------
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

    Parameters
    ----------
    train_part
        shape (T,) or (T, features), the values the model trains on.
    feature_range
        the (low, high) the training part is mapped onto.

    Examples
    --------
    >>> scaler = fit_scaler(np.array([2.0, 4.0, 6.0]))
    >>> apply_scaler(scaler, np.array([2.0, 6.0, 8.0]))
    array([0. , 1. , 1.5])
    >>> invert_scaling(scaler, np.array([[0.5], [1.5]]))
    array([[4.],
           [8.]])
    """
    from sklearn.preprocessing import MinMaxScaler

    values = validate.as_series(train_part, "train_part")
    try:
        low, high = (float(v) for v in feature_range)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"feature_range must be a pair of numbers, got {feature_range!r}") from exc
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"feature_range must be two finite numbers, got {feature_range!r}")
    if not low < high:
        raise ValueError(f"feature_range must have low < high, got {feature_range!r}")
    if values.shape[0] < 2:
        raise ValueError("train_part needs at least 2 values to have a range")
    table = values.reshape(values.shape[0], -1)
    flat = np.flatnonzero(table.max(axis=0) == table.min(axis=0))
    if flat.size:
        where = "" if table.shape[1] == 1 else f" (column {int(flat[0])})"
        raise ValueError(
            f"train_part is constant{where}: every value is {table[0, flat[0]]:g}, so it has no "
            "range to map onto feature_range. A constant series needs no scaling: subtract that "
            "value, or leave the series as it is"
        )
    return MinMaxScaler(feature_range=(low, high)).fit(table)


def _check_scaler(scaler: object) -> None:
    if not hasattr(scaler, "scale_") or not hasattr(scaler, "min_"):
        raise TypeError(
            f"scaler must be a fitted MinMaxScaler (from fit_scaler), got {type(scaler).__name__}"
        )


def apply_scaler(scaler, series: object) -> np.ndarray:
    """Scale ``series`` with a fitted scaler, element by element; the same shape comes back.

    With a scaler fitted on one feature, ``series`` may have any shape: a series (T,), windows
    (n, window) or (n, window, 1). With several features, the last axis holds them: (T, features)
    or windows (n, window, features).

    Introduced in ``notebooks/03_sine_forecasting.ipynb``; see :func:`fit_scaler`.

    Examples
    --------
    >>> scaler = fit_scaler(np.array([[0.0, 10.0], [4.0, 20.0]]))
    >>> apply_scaler(scaler, np.array([[2.0, 15.0], [8.0, 30.0]]))
    array([[0.5, 0.5],
           [2. , 2. ]])
    >>> one = fit_scaler(np.array([2.0, 4.0, 6.0]))
    >>> apply_scaler(one, np.array([[2.0, 3.0], [5.0, 6.0]]))  # two windows of 2 steps
    array([[0.  , 0.25],
           [0.75, 1.  ]])
    """
    _check_scaler(scaler)
    if isinstance(series, (str, bytes)) or series is None:
        raise TypeError(f"series must be an array of numbers, got {type(series).__name__}")
    try:
        values = np.asarray(series, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"series must be an array of numbers, got {type(series).__name__}") from exc
    if values.ndim == 0 or values.size == 0:
        raise ValueError(f"series must be a non-empty array, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        bad = int(np.count_nonzero(~np.isfinite(values)))
        raise ValueError(f"series contains {bad} NaN or infinite value(s); clean it first")
    scale = np.asarray(scaler.scale_, dtype=np.float64)
    offset = np.asarray(scaler.min_, dtype=np.float64)
    if scale.size > 1 and values.shape[-1] != scale.size:
        raise ValueError(
            f"the scaler was fitted on {scale.size} features, so the last axis of series must "
            f"hold {scale.size} values; got shape {values.shape}"
        )
    return values * scale + offset  # what MinMaxScaler.transform computes, on any shape


def invert_scaling(scaler, values: object, column: int = 0) -> np.ndarray:
    """Undo the scaling of ``column`` on values of any shape (e.g. predictions (n, horizon)).

    Introduced in ``notebooks/03_sine_forecasting.ipynb``; see :func:`fit_scaler`.

    Examples
    --------
    >>> scaler = fit_scaler(np.array([[0.0, 10.0], [4.0, 20.0]]))
    >>> invert_scaling(scaler, np.array([[0.5, 1.0]]), column=1)
    array([[15., 20.]])
    """
    _check_scaler(scaler)
    column = validate.integer(column, "column", low=0, high=len(scaler.scale_))
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"values must be numbers, got {type(values).__name__}") from exc
    return (array - scaler.min_[column]) / scaler.scale_[column]
