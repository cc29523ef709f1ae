"""Forecasts to beat before any network, and the error metrics every forecasting lesson reports.

- :func:`persistence_forecast`: tomorrow equals today (the last value of each window);
- :func:`seasonal_naive_forecast`: the value one season earlier;
- :class:`LinearAR`: a linear autoregression fitted by least squares (NumPy only);
- :func:`mse`, :func:`mae`: mean squared / absolute error of arrays of the same shape.

Introduced in ``notebooks/03_sine_forecasting.ipynb``. Windows are shaped as
:func:`course_utils.data.make_windows` makes them: ``X`` (n, window, features) or (n, window);
the forecast series is the first feature.
"""

from __future__ import annotations

import numpy as np

from course_utils.validate import as_series as _as_series
from course_utils.validate import positive_int as _positive_int

__all__ = ["LinearAR", "mae", "mse", "persistence_forecast", "seasonal_naive_forecast"]


def _as_windows(X: object, name: str = "X") -> np.ndarray:
    """The first feature of windows ``X`` as a float64 array (n, window)."""
    try:
        array = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of windows, got {type(X).__name__}") from exc
    if array.ndim == 3:
        if array.shape[2] < 1:
            raise ValueError(f"{name} has no features (shape {array.shape})")
        array = array[:, :, 0]
    elif array.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n, window, features) or (n, window), got {array.shape}"
        )
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def persistence_forecast(X: object, horizon: int = 1) -> np.ndarray:
    """The last value of each window, repeated over the horizon: "tomorrow = today".

    Any useful forecaster must beat it; on a noisy series its MSE is about twice the noise
    variance (the noise of today's value plus the noise of tomorrow's).

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Returns
    -------
        float64 array of shape (n, horizon), comparable with ``y`` from ``make_windows``.

    Examples
    --------
    >>> persistence_forecast(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), horizon=2)
    array([[3., 3.],
           [6., 6.]])
    """
    horizon = _positive_int(horizon, "horizon")
    last = _as_windows(X)[:, -1]
    return np.repeat(last[:, None], horizon, axis=1)


def seasonal_naive_forecast(X: object, season: int, horizon: int = 1) -> np.ndarray:
    """The value one ``season`` before each target step (e.g. 52 for weekly data, yearly cycle).

    Needs ``horizon <= season <= window``.

    Written with the lesson-03 baselines, for seasonal series such as the CO₂ data of lesson 05.

    Returns
    -------
        float64 array of shape (n, horizon).

    Examples
    --------
    >>> X = np.array([[1.0, 2.0, 3.0, 4.0]])
    >>> seasonal_naive_forecast(X, season=3, horizon=2)
    array([[2., 3.]])
    """
    season = _positive_int(season, "season")
    horizon = _positive_int(horizon, "horizon")
    windows = _as_windows(X)
    window = windows.shape[1]
    if season > window:
        raise ValueError(f"season={season} is longer than the window ({window} steps)")
    if horizon > season:
        raise ValueError(f"horizon={horizon} must be <= season={season}")
    # target step k (1..horizon) sits at index window - 1 + k; one season earlier: minus season
    return windows[:, window - season : window - season + horizon].copy()


class LinearAR:
    """Linear autoregression ``y_t = c + a_1 y_{t-1} + ... + a_p y_{t-p}``, least squares.

    A pure sine is *exactly* such a process of order 2:
    ``sin(t + h) = 2 cos(h) sin(t) - sin(t - h)``, so an AR(2) fitted on a clean sine predicts
    it to rounding error; a noisy sine is the honest test for any model.

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Parameters
    ----------
    order
        how many past values ``p`` the forecast uses (>= 1).

    Attributes (after ``fit``):
        coef_: shape (order,), ``coef_[0]`` multiplies the most recent value ``y_{t-1}``.
        intercept_: the constant ``c``.

    Examples
    --------
    >>> t = np.linspace(0, 100, 1000)
    >>> ar = LinearAR(order=2).fit(np.sin(t))
    >>> ar.coef_.round(4), round(float(2 * np.cos(t[1])), 4)
    (array([ 1.99, -1.  ]), 1.99)
    >>> ar.predict(np.sin(t[:2]).reshape(1, 2, 1)).round(4), round(float(np.sin(t[2])), 4)
    (array([[0.1989]]), 0.1989)
    """

    def __init__(self, order: int) -> None:
        self.order = _positive_int(order, "order")
        self.coef_: np.ndarray | None = None
        self.intercept_: float | None = None

    def __repr__(self) -> str:
        return f"LinearAR(order={self.order})"

    def fit(self, series: object) -> LinearAR:
        """Fit on a 1-D series (or the first column of a 2-D one); returns ``self``."""
        values = _as_series(series)
        if values.ndim == 2:
            values = values[:, 0]
        p = self.order
        if values.shape[0] < 2 * p + 1:
            raise ValueError(
                f"series has {values.shape[0]} values; an AR({p}) fit needs at least {2 * p + 1}"
            )
        lagged = np.lib.stride_tricks.sliding_window_view(values[:-1], p)[:, ::-1]
        design = np.column_stack([np.ones(lagged.shape[0]), lagged])
        solution, *_ = np.linalg.lstsq(design, values[p:], rcond=None)
        self.intercept_ = float(solution[0])
        self.coef_ = solution[1:]
        return self

    def predict(self, X: object) -> np.ndarray:
        """One-step forecasts for windows ``X`` (n, window[, features]); returns (n, 1)."""
        if self.coef_ is None:
            raise ValueError("this LinearAR is not fitted yet: call .fit(series) first")
        windows = _as_windows(X)
        if windows.shape[1] < self.order:
            raise ValueError(
                f"windows have {windows.shape[1]} steps but the model needs order={self.order}"
            )
        recent_first = windows[:, ::-1][:, : self.order]
        return (self.intercept_ + recent_first @ self.coef_)[:, None]

    def forecast(self, history: object, steps: int) -> np.ndarray:
        """Recursive multi-step forecast: each prediction is fed back as the newest value.

        Parameters
        ----------
        history
            1-D past values (at least ``order`` of them), oldest first.
        steps
            how many future values to produce.

        Returns
        -------
            float64 array of shape (steps,).

        Used in ``notebooks/03_sine_forecasting.ipynb``: on a clean sine an AR(2) stays on the
        truth at every horizon, since it is exact.

        Examples
        --------
        >>> ar = LinearAR(order=1).fit(2.0 ** np.arange(10))  # y_t = 2 y_{t-1}
        >>> ar.forecast([1.0, 2.0, 4.0], steps=3).round(6)
        array([ 8., 16., 32.])
        """
        if self.coef_ is None:
            raise ValueError("this LinearAR is not fitted yet: call .fit(series) first")
        steps = _positive_int(steps, "steps")
        values = _as_series(history, "history")
        if values.ndim != 1:
            raise ValueError(f"history must be 1-D, got shape {values.shape}")
        if values.shape[0] < self.order:
            raise ValueError(f"history needs at least order={self.order} values")
        buffer = list(values[-self.order :])
        out = np.empty(steps)
        for step in range(steps):
            recent_first = np.asarray(buffer[::-1][: self.order])
            out[step] = self.intercept_ + recent_first @ self.coef_
            buffer.append(out[step])
        return out


def _pair(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray]:
    arrays = []
    for name, value in (("y_true", y_true), ("y_pred", y_pred)):
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
        try:
            arrays.append(np.asarray(value, dtype=np.float64))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be an array of numbers") from exc
    a, b = arrays
    if a.shape != b.shape:
        raise ValueError(
            f"y_true has shape {a.shape} but y_pred has shape {b.shape}; make them equal "
            "(e.g. reshape to (n, 1)) — metrics never broadcast"
        )
    if a.size == 0:
        raise ValueError("y_true and y_pred are empty")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("y_true or y_pred contains NaN or infinite values")
    return a, b


def mse(y_true: object, y_pred: object) -> float:
    """Mean squared error of two arrays of the same shape (no broadcasting).

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Examples
    --------
    >>> mse([[1.0], [2.0]], [[1.0], [4.0]])
    2.0
    """
    a, b = _pair(y_true, y_pred)
    return float(np.mean((a - b) ** 2))


def mae(y_true: object, y_pred: object) -> float:
    """Mean absolute error of two arrays of the same shape (no broadcasting).

    Introduced in ``notebooks/03_sine_forecasting.ipynb``.

    Examples
    --------
    >>> mae([1.0, 2.0], [1.5, 1.0])
    0.75
    """
    a, b = _pair(y_true, y_pred)
    return float(np.mean(np.abs(a - b)))
