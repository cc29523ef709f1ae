"""Data for the lessons: synthetic series and tasks, windows and splits, and loaders for the data
that installed packages ship. Everything here is NumPy only (no TensorFlow import).
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from course_utils import validate

# The shared argument checks (course_utils.validate), under the names this module has always used.
_as_generator = validate.as_generator
_positive_int = validate.positive_int
_finite_float = validate.finite_float
_as_series = validate.as_series


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

    Example:
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


# --- lesson 05: real series shipped by installed packages ---------------------------------------
# Nothing here downloads anything or writes a file: the data sit inside matplotlib's and
# statsmodels' installed packages. pandas is imported inside the functions (data.py stays light).


def _sample_data_path(filename: str) -> str:
    """The path of one of matplotlib's bundled sample-data files (no network, no download)."""
    from matplotlib import cbook

    return str(cbook.get_sample_data(filename, asfileobj=False))


def load_co2(fill_gaps: bool = True):
    """Weekly atmospheric CO₂ at Mauna Loa, in ppm, March 1958 – December 2001 (2284 weeks).

    Source: ``statsmodels.datasets.co2`` (Keeling & Whorf, Scripps Institution of
    Oceanography, via CDIAC; the statsmodels docs call it public domain). The file holds 59
    weeks with no measurement (the longest run is 18 weeks, in 1964). With ``fill_gaps=True``
    (the default) each gap is filled by **linear interpolation in time** between the
    measurements on either side (``Series.interpolate(method="time")``); the first and last
    weeks are measured, so nothing needs extrapolating. ``fill_gaps=False`` keeps the NaN.

    Introduced in ``notebooks/05_real_world_forecasting.ipynb``.

    Returns:
        a ``pandas.Series`` named ``"co2_ppm"``, indexed by week (a sorted ``DatetimeIndex``,
        every Saturday).

    Example:
        >>> co2 = load_co2()
        >>> len(co2), co2.name, str(co2.index[0].date()), bool(co2.isna().any())
        (2284, 'co2_ppm', '1958-03-29', False)
        >>> int(load_co2(fill_gaps=False).isna().sum())
        59
    """
    if not isinstance(fill_gaps, bool):
        raise TypeError(f"fill_gaps must be True or False, got {type(fill_gaps).__name__}")
    from statsmodels.datasets import co2 as co2_dataset

    series = co2_dataset.load_pandas().data["co2"].astype("float64").sort_index()
    series.index = series.index.as_unit("ns")
    series.index.name = "week"
    series.name = "co2_ppm"
    if fill_gaps:
        series = series.interpolate(method="time", limit_area="inside")
        if series.isna().any():  # only if the file changed: a gap at either end
            raise ValueError("load_co2: the data start or end with a gap; cannot interpolate it")
    return series


def load_goog():
    """Daily closing prices of Google (GOOG), in US dollars, 19 Aug 2004 – 14 Oct 2008.

    Source: matplotlib's bundled sample data ``goog.npz`` (``matplotlib.cbook.get_sample_data``),
    shipped inside the matplotlib package for its examples (matplotlib licence); its columns
    are those of Yahoo! Finance's daily quotes. The file holds one NumPy record array (date,
    open, high, low, close, volume, adj_close) of plain dtypes (``datetime64[D]``, floats,
    ints), so it loads with ``numpy.load(..., allow_pickle=False)``: no pickle, no code from
    the file runs. One value per trading day (no weekends or holidays), no missing values.

    Introduced in ``notebooks/05_real_world_forecasting.ipynb``.

    Returns:
        a ``pandas.Series`` named ``"goog_close_usd"`` with a sorted ``DatetimeIndex``.

    Example:
        >>> goog = load_goog()
        >>> len(goog), goog.name, str(goog.index[0].date()), float(goog.iloc[0])
        (1047, 'goog_close_usd', '2004-08-19', 100.34)
    """
    import pandas as pd

    with np.load(_sample_data_path("goog.npz"), allow_pickle=False) as archive:
        records = archive["price_data"]
    index = pd.DatetimeIndex(records["date"].astype("datetime64[ns]"), name="date")
    series = pd.Series(records["close"].astype(np.float64), index=index, name="goog_close_usd")
    return series.sort_index()


def _stocks_table():
    import pandas as pd

    table = pd.read_csv(
        _sample_data_path("Stocks.csv"), comment="#", parse_dates=["Date"], index_col="Date"
    )
    return table.sort_index()


def stock_tickers() -> tuple[str, ...]:
    """The tickers in matplotlib's ``Stocks.csv`` (see :func:`load_stock`), in file order.

    Introduced in ``notebooks/05_real_world_forecasting.ipynb``.

    Example:
        >>> stock_tickers()[:3]
        ('IBM', 'AAPL', 'MSFT')
        >>> "^GSPC" in stock_tickers()
        True
    """
    return tuple(str(column) for column in _stocks_table().columns)


def load_stock(ticker: str):
    """Monthly prices (US dollars; index points for ``^GSPC`` and ``^IXIC``) of one ticker.

    Source: matplotlib's bundled sample data ``Stocks.csv`` (its header says the data come from
    Yahoo! Finance; shipped inside the matplotlib package, matplotlib licence), January 1990 – June
    2022, one row per month. The prices are Yahoo's *adjusted* closes (corrected for splits and
    dividends), not the closing prices quoted on each day. The file also has rows with no price
    at all (dates of other events) and tickers listed before they existed: both are dropped.
    Its last row (28 June 2022) repeats the 1 June prices, so only the first row of each month
    is kept.

    Introduced in ``notebooks/05_real_world_forecasting.ipynb``.

    Args:
        ticker: one of :func:`stock_tickers` (e.g. ``"AAPL"``, ``"IBM"``, ``"^GSPC"``).

    Returns:
        a ``pandas.Series`` named after the ticker with a sorted ``DatetimeIndex``, no NaN.

    Example:
        >>> ibm = load_stock("IBM")
        >>> len(ibm), ibm.name, str(ibm.index[0].date()), str(ibm.index[-1].date())
        (390, 'IBM', '1990-01-01', '2022-06-01')
        >>> load_stock("GOOG")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: unknown ticker 'GOOG'; Stocks.csv has: IBM, AAPL, MSFT, ..., ^GSPC, ^IXIC
    """
    table = _stocks_table()
    if not isinstance(ticker, str):
        raise TypeError(f"ticker must be a string such as 'AAPL', got {type(ticker).__name__}")
    if ticker not in table.columns:
        raise ValueError(
            f"unknown ticker {ticker!r}; Stocks.csv has: {', '.join(map(str, table.columns))}"
        )
    series = table[ticker].dropna().astype(np.float64)
    months = series.index.to_period("M")
    series = series[~months.duplicated(keep="first")]
    series.index = series.index.as_unit("ns")
    series.index.name = "month"
    series.name = ticker
    return series


# --- lesson 07: variable-length sequences whose relevant step is known ------------------------

#: Token ids of :func:`relevant_step_task`: 0 pads, 1 is the marker, values are ids 2, 3, ...
PAD_ID = 0
MARKER_ID = 1
RELEVANT_STEP_TASKS = ("after_marker", "largest")


class RelevantStepTask(NamedTuple):
    """Padded sequences, their targets, true lengths and the step that decides each target.

    What :func:`relevant_step_task` returns; unpack it or use the field names.

    >>> x, y, lengths, positions = relevant_step_task(3, 8, 0)
    >>> relevant_step_task(3, 8, 0).lengths.tolist() == lengths.tolist()
    True
    """

    x: np.ndarray  #: (n, max_len) int32 token ids, padded with 0 at the end
    y: np.ndarray  #: (n,) int32 target: a value class in 0..n_values-1
    lengths: np.ndarray  #: (n,) int32 number of real (unpadded) steps
    positions: np.ndarray  #: (n,) int32 index of the step that decides the target


def relevant_step_task(
    n: int,
    max_len: int,
    rng: np.random.Generator | int,
    *,
    min_len: int | None = None,
    n_values: int = 8,
    task: str = "after_marker",
) -> RelevantStepTask:
    """Variable-length token sequences in which exactly one step decides the target.

    Lengths are drawn uniformly from ``min_len..max_len`` (default: from half of ``max_len``);
    each sequence is padded with :data:`PAD_ID` (0) at the end up to ``max_len``. Values are the
    token ids ``2 .. n_values + 1``; the target is the value's class ``token - 2``.

    - ``"after_marker"``: one step holds the marker (id 1); the target is the value right after
      it, so the relevant step is ``marker + 1``.
    - ``"largest"``: no marker; one step holds a value larger than every other, and the target
      is that value (relevant step: where it is).

    Introduced in ``notebooks/07_attention.ipynb``.

    Returns:
        :class:`RelevantStepTask` ``(x, y, lengths, positions)``.

    Raises:
        ValueError: ``n`` < 1 (an empty batch), a length below the task's minimum (2 steps),
            ``min_len > max_len``, ``n_values`` < 2 or an unknown ``task``.

    Example:
        >>> task = relevant_step_task(2, 6, np.random.default_rng(0), min_len=4)
        >>> task.x.shape, task.lengths.tolist()
        ((2, 6), [6, 5])
        >>> bool(np.all(task.x[np.arange(2), task.positions - 1] == MARKER_ID))
        True
        >>> bool(np.all(task.x[np.arange(2), task.positions] - 2 == task.y))
        True
    """
    if task not in RELEVANT_STEP_TASKS:
        raise ValueError(f"task must be one of {RELEVANT_STEP_TASKS}, got {task!r}")
    if isinstance(n, numbers.Integral) and not isinstance(n, bool) and n < 1:
        raise ValueError(f"n must be >= 1 (an empty batch has no sequences), got {n}")
    n = _positive_int(n, "n")
    max_len = _positive_int(max_len, "max_len", minimum=2)
    min_len = max(2, max_len // 2) if min_len is None else _positive_int(min_len, "min_len", 2)
    if min_len > max_len:
        raise ValueError(f"min_len ({min_len}) must be <= max_len ({max_len})")
    n_values = _positive_int(n_values, "n_values", minimum=2)
    rng = _as_generator(rng)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    rows = np.arange(n)
    steps = np.arange(max_len)[None, :]
    if task == "after_marker":
        tokens = rng.integers(2, n_values + 2, size=(n, max_len))
        markers = (rng.random(n) * (lengths - 1)).astype(np.int64)  # 0 .. length-2
        tokens[rows, markers] = MARKER_ID
        positions = markers + 1
    else:
        targets = rng.integers(n_values // 2, n_values, size=n)  # the largest value's class
        # every other step: a value class drawn below the target, so the largest is unique
        tokens = (rng.random((n, max_len)) * targets[:, None]).astype(np.int64) + 2
        positions = (rng.random(n) * lengths).astype(np.int64)
        tokens[rows, positions] = targets + 2
    tokens[steps >= lengths[:, None]] = PAD_ID
    y = tokens[rows, positions] - 2
    return RelevantStepTask(
        tokens.astype(np.int32),
        y.astype(np.int32),
        lengths.astype(np.int32),
        positions.astype(np.int32),
    )


# --- lesson 04: a gap to fill, where the answer needs the values after the gap ----------------


class GapTask(NamedTuple):
    """Sequences with a run of hidden values, the complete sequences, and where the gap is.

    What :func:`gap_filling_task` returns (introduced in lesson 04).

    >>> task = gap_filling_task(4, 0, length=12, gap=3)
    >>> task.inputs.shape, task.targets.shape, task.mask.sum(axis=1).tolist()
    ((4, 12, 2), (4, 12, 1), [3.0, 3.0, 3.0, 3.0])
    """

    inputs: np.ndarray  #: (n, length, 2) float32: the noisy value (0 inside the gap), gap flag
    targets: np.ndarray  #: (n, length, 1) float32: the clean sequence, gap included
    mask: np.ndarray  #: (n, length) float32: 1 inside the gap, 0 elsewhere


def gap_filling_task(
    n: int,
    rng: np.random.Generator | int,
    *,
    length: int = 24,
    gap: int = 5,
    noise_std: float = 0.05,
) -> GapTask:
    """Random sine waves with ``gap`` consecutive values hidden: fill them in.

    Each sequence is ``a sin(ω t + φ)`` for t = 0..length-1 with amplitude a in [0.5, 1],
    angular frequency ω in [0.15, 0.45] per step and phase φ in [0, 2π), plus Gaussian noise of
    ``noise_std``. A gap of ``gap`` steps starts at a random step with at least ``gap`` visible
    steps before it and after it. The inputs carry two features per step: the noisy value (set
    to 0 inside the gap) and a flag that is 1 inside the gap. The targets are the clean values,
    so the error inside the gap (``mask``) is what a gap-filler is judged on. The values after
    the gap tell much more about the hidden ones than the values before it alone.

    Introduced in ``notebooks/04_stacked_dropout_bidirectional.ipynb``.

    Example:
        >>> task = gap_filling_task(3, rng=0, length=20, gap=4)
        >>> task.inputs.shape, task.targets.shape, task.mask.sum(axis=1).tolist()
        ((3, 20, 2), (3, 20, 1), [4.0, 4.0, 4.0])
    """
    n = _positive_int(n, "n")
    rng = _as_generator(rng)
    gap = _positive_int(gap, "gap")
    length = _positive_int(length, "length", minimum=3 * gap)
    noise_std = validate.finite_float(noise_std, "noise_std", low=0.0)
    t = np.arange(length)
    amplitude = rng.uniform(0.5, 1.0, size=(n, 1))
    omega = rng.uniform(0.15, 0.45, size=(n, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    clean = amplitude * np.sin(omega * t + phase)
    noisy = clean + rng.normal(0.0, noise_std, size=clean.shape)
    start = rng.integers(gap, length - 2 * gap + 1, size=(n, 1))
    mask = ((t >= start) & (t < start + gap)).astype(np.float32)
    inputs = np.stack([noisy * (1 - mask), mask], axis=-1).astype(np.float32)
    return GapTask(inputs, clean[..., None].astype(np.float32), mask)
