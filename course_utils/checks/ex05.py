"""Checks of lesson 05 (real-world forecasting): exercises 5.1 and 5.2.

Both checks hold their own data (real series from :mod:`course_utils.data`), draw the period they
judge from the ``rng`` the decorator hands them, compute every reference before the learner's
function runs, and give the learner copies only. Introduced in
``solutions/05_real_world_forecasting_solutions.ipynb``.
"""

from __future__ import annotations

import numpy as np

from course_utils.checks.base import (
    Hint,
    NotDone,
    as_array,
    call_learner,
    exercise_check,
    record_margin,
)

#: Tickers of ``Stocks.csv`` with at least 200 months, the ones exercise 5.1 may be judged on.
LONG_TICKERS = ("IBM", "AAPL", "MSFT", "XRX", "AMZN", "GOOGL", "ADBE", "^GSPC", "^IXIC")
#: Exercise 5.1 passes when the learner's MAE is at most this multiple of persistence's.
MAX_RATIO_5_1 = 1.15
#: Exercise 5.2 passes when the learner's MAE is below this multiple of seasonal-naive's (beat
#: it by 10 %: the one-line answer of the exercise text scores at most 0.69, see ``ex_05_2``).
MAX_RATIO_5_2 = 0.9
#: ... and when the ups and downs of its forecast around a straight line are at least this share
#: of the truth's (the season; a flat or straight-line forecast has none).
MIN_SEASON_5_2 = 0.3
#: How many held-out periods exercise 5.2 judges a forecaster on (its MAE is their mean).
PROBES_5_2 = 3
#: The growth the probes of 5.2 add after the cut, in ppm a year (drawn in this range).
EXTRA_GROWTH_5_2 = (1.0, 2.0)
WEEKS_PER_YEAR = 52.18
#: 28 years are exactly 1461 weeks: shifting weekly dates by it keeps weekday and season.
WEEKS_IN_28_YEARS = 1461


def _require_function(func: object, name: str) -> None:
    if func is None:
        raise NotDone(
            f"not done yet: {name} is still None. Write it (replace the "
            "`raise NotImplementedError(...)` line), run its cell, then this one."
        )


def _seed_keras(seed: int) -> None:
    """Seed Keras/NumPy/Python before a learner call: two calls on equal inputs agree."""
    import keras

    keras.utils.set_random_seed(seed)


def _forecast_array(value: object, n: int, what: str) -> np.ndarray:
    """Accept (n,) or (n, 1) (a list, array, Series or tensor); return float64 (n,)."""
    array = as_array(value, what)
    if array.size != n or array.ndim > 2 or (array.ndim == 2 and array.shape[1] != 1):
        raise Hint(f"{what} has shape {array.shape}; return {n} numbers, shape ({n},) or ({n}, 1)")
    return array.reshape(n)


def _units_hint(pred: np.ndarray, level: float, unit: str) -> None:
    """Hints for forecasts in the wrong units (scaled, returns or changes instead of levels)."""
    if np.all(np.abs(pred) < 0.2 * level):
        if np.all((pred > -0.6) & (pred < 1.6)):
            raise Hint(
                f"your forecasts lie between {pred.min():.2f} and {pred.max():.2f}, but the "
                f"series is around {level:.0f} {unit}: they look scaled, or like returns or "
                "changes. Turn them back into levels (undo the scaling; last value × (1 + "
                "return) or last value + change)"
            )
        raise Hint(
            f"your forecasts are far from the series' level (around {level:.0f} {unit}): "
            "return levels in the series' own units, not changes"
        )


# --- exercise 5.1 ---------------------------------------------------------------------------


@exercise_check
def ex_05_1(forecast, my_ticker, *, rng) -> str:
    """Exercise 5.1: ``forecast(series, n_test)`` applied to a ticker the learner did not use.

    The check draws another ticker of ``Stocks.csv`` (one with at least 200 months), an end
    month and a test length ``n_test`` (36–60 months), and calls ``forecast`` on a copy of that
    series. Forecast ``i`` is for the value at position ``len(series) - n_test + i`` and may use
    only the values before it. Then the check changes the series from a month in the middle of
    the test part on and calls ``forecast`` again: every forecast for a month up to that one
    must stay the same (else the function peeks at the future), and every later one must move
    (else it returns remembered values: a function that peeks on one call and repeats itself on
    the next is refused). It passes when the MAE is at most 1.15 × persistence's ("the price
    does not change"): no skill is demanded, only an honest forecaster that is not much worse
    than the random walk, so a rule that nearly copies last month passes too (the exercise
    text says so). The prices are multiplied by a drawn constant, so the values handed over
    are not those of ``Stocks.csv``.

    The bar comes from 100 fresh draws (``make calibrate``): honest forecasters on returns
    scored at most 1.06 × persistence (the solution) and 1.09 × (a linear AR(2)), and the
    lesson's LSTM trained on prices scaled to [0, 1] at least 1.93 ×; at 1.10 the AR(2) used 92 %
    of the allowance, too close for a right answer.

    What it cannot stop: the data are public, so a function written to find its input inside
    ``load_stock`` (matching returns, not values) and to behave honestly only on the altered
    call can pass; like code that patches ``course_utils``, that is deliberate cheating.
    """
    import pandas as pd

    from course_utils.data import load_stock, stock_tickers

    _require_function(forecast, "forecast")
    if not isinstance(my_ticker, str) or my_ticker not in stock_tickers():
        raise Hint(
            f"my_ticker should be the ticker you used, one of {', '.join(stock_tickers())}; "
            f"got {my_ticker!r}"
        )
    ticker = str(rng.choice([t for t in LONG_TICKERS if t != my_ticker]))
    full = load_stock(ticker)
    end = len(full) - int(rng.integers(0, 61))  # drop up to five years at the end
    # prices times a drawn constant: returns and every ratio to persistence are unchanged, but
    # the numbers handed over are not those of Stocks.csv (no look-up of the file by value)
    series = full.iloc[:end] * float(rng.uniform(0.5, 2.0))
    n_test = int(rng.integers(36, 61))
    split = len(series) - n_test
    values = series.to_numpy()
    truth = values[split:].copy()
    persistence = values[split - 1 : -1].copy()
    persistence_mae = float(np.mean(np.abs(truth - persistence)))
    # the altered copy: every value from month `changed` on is rescaled and jittered
    changed = int(rng.integers(n_test // 3, 2 * n_test // 3))
    factor = float(rng.choice([rng.uniform(0.4, 0.7), rng.uniform(1.5, 2.5)]))
    jitter = rng.uniform(0.9, 1.1, size=len(series) - split - changed)
    altered = series.copy()
    altered.iloc[split + changed :] = values[split + changed :] * factor * jitter
    # and a new maximum and minimum at the end: any statistic of the whole series moves
    altered.iloc[-2] = values.min() * float(rng.uniform(0.3, 0.6))
    altered.iloc[-1] = values.max() * float(rng.uniform(1.5, 2.5))
    keras_seed = int(rng.integers(0, 2**31 - 1))

    what = f"forecast(series, n_test={n_test})"
    _seed_keras(keras_seed)
    got = call_learner(forecast, series.copy(), n_test, what="your forecast")
    pred = _forecast_array(got, n_test, what)
    level = float(np.mean(np.abs(truth)))
    _units_hint(pred, level, "dollars (or index points)")
    if np.allclose(pred, truth, rtol=1e-9, atol=1e-9):
        raise Hint(
            "your forecasts equal the test values themselves: forecast i may only use the "
            "values before position len(series) - n_test + i"
        )

    _seed_keras(keras_seed)
    got_altered = call_learner(forecast, altered.copy(), n_test, what="your forecast")
    pred_altered = _forecast_array(got_altered, n_test, what)
    moved = np.abs(pred_altered - pred) > 1e-6 * level + 1e-9
    if moved[: changed + 1].any():
        first = int(np.argmax(moved))
        if first == changed:
            raise Hint(
                f"your forecast for test month {changed} changed when the check changed that "
                "month's own value (and the later ones): forecast i must use only the values "
                "before it (series.iloc[:len(series) - n_test + i]); yours uses the value it "
                "forecasts (an off-by-one in the window)"
            )
        where = "every test month" if first == 0 else f"test month {first} and later"
        raise Hint(
            f"your forecasts for {where} changed when the check changed only the values from "
            f"test month {changed} on: your function peeks at the future. Fit the scaler and "
            "the model on series.iloc[:len(series) - n_test] only (a scaler fitted on all the "
            "data leaks the test part), and build each window from past values only. (If your "
            "function is not deterministic, seed it with keras.utils.set_random_seed.)"
        )

    if not moved[changed + 1 :].all():
        raise Hint(
            f"your forecasts for the months after test month {changed} did not change when the "
            "values just before them did: forecast i must be computed from the series you are "
            "given, one month ahead (values remembered from an earlier call, or read from "
            "another copy of the data, are not a forecast)"
        )
    if np.allclose(pred, persistence, rtol=1e-6):
        raise Hint(
            "your forecasts are the last known prices, i.e. persistence itself: train the "
            "lesson's model on returns and turn its forecasts into prices"
        )
    ratio_to_last = pred / persistence
    if np.allclose(ratio_to_last, ratio_to_last[0], rtol=1e-6, atol=1e-9):
        raise Hint(
            "your forecasts are the last known price times one constant (a random walk with "
            "drift): train the lesson's model on returns so the forecast depends on the window"
        )
    error = float(np.mean(np.abs(pred - truth)))
    ratio = error / persistence_mae
    # the share of the allowance used: how much of the 15 % excess over persistence
    record_margin(max(0.0, ratio - 1.0), MAX_RATIO_5_1 - 1.0)
    if not ratio <= MAX_RATIO_5_1:
        month = pd.Timestamp(series.index[split]).strftime("%Y-%m")
        raise Hint(
            f"on {ticker} (test from {month}, {n_test} months) your MAE is {ratio:.2f} × "
            f"persistence's; it should be ≤ {MAX_RATIO_5_1:.2f}. Forecast returns (not prices), "
            "scale them with the training part's statistics, and keep the model small: on "
            "monthly prices a forecast near 'no change' is the best bet"
        )
    return (
        "no peeking at the future, and MAE within 15 % of persistence on a ticker you did not "
        "use (on prices, not losing to the random walk is the honest goal)"
    )


# --- exercise 5.2 ---------------------------------------------------------------------------


def _co2_probe(values: np.ndarray, index, rng: np.random.Generator, horizon: int):
    """One held-out period of the CO₂ series, moved in time (28 years × k) and in level.

    After the cut the series grows faster than before it, by ``EXTRA_GROWTH_5_2`` ppm a year
    (drawn): CO₂ rose by about 1.5 ppm a year in the 1980s and 1990s, 2.4 in the 2010s and
    more since (NOAA's Mauna Loa record), and the probes stand 28-84 years later. Without it,
    a period after a year of unusual growth (the 1997-98 El Niño) could decide the check:
    seasonal-naive plus that year's growth then overshoots a year in which growth nearly
    stopped, for a reason no forecaster can see.
    """
    import pandas as pd

    cut = int(rng.integers(len(values) // 2, len(values) - horizon + 1))
    offset = float(rng.uniform(20.0, 70.0))
    stretch = float(rng.uniform(0.85, 1.15))  # every change × stretch: ratios to baselines stay
    shift = pd.Timedelta(weeks=WEEKS_IN_28_YEARS * int(rng.integers(1, 4)))
    extra = float(rng.uniform(*EXTRA_GROWTH_5_2)) / WEEKS_PER_YEAR  # ppm per week, after the cut
    anchor = values[cut - 1]
    moved = anchor + offset + stretch * (values - anchor)
    train = pd.Series(moved[:cut].copy(), index=index[:cut] + shift, name="co2_ppm")
    train.index.name = "week"
    truth = moved[cut : cut + horizon] + extra * np.arange(1, horizon + 1)
    seasonal = moved[cut - 52 : cut - 52 + horizon].copy()
    return train, truth, seasonal


def _season_size(forecast: np.ndarray) -> float:
    """The standard deviation of a forecast around its least-squares straight line (ppm)."""
    weeks = np.arange(len(forecast), dtype=np.float64)
    slope, intercept = np.polyfit(weeks, forecast, 1)
    return float(np.std(forecast - (slope * weeks + intercept)))


@exercise_check
def ex_05_2(forecast_co2, *, rng) -> str:
    """Exercise 5.2: ``forecast_co2(train_series, horizon)`` beats seasonal-naive on CO₂.

    The check cuts the weekly CO₂ series at three weeks it draws (in the second half of the
    data), hands ``forecast_co2`` the part before each cut and asks for the next ``horizon``
    weeks (26–52, drawn). So that neither a date nor a value gives the answer away, each period
    is moved by a whole number of 28-year cycles (1461 weeks: same weekdays, same season), every
    change is multiplied by a drawn factor (0.85–1.15) and the level raised by 20–70 ppm (as if
    CO₂ had kept rising); the ratio of any sensible forecast's MAE to seasonal-naive's is
    unchanged by this. After each cut CO₂ grows 1–2 ppm a year faster than before it
    (drawn; see ``_co2_probe``), as it did from the 1990s to the 2020s.

    It passes when the forecast has a season (its ups and downs around a straight line, summed
    over the three periods, are at least 0.3 of the truth's) and its mean MAE over the three
    periods is below 0.9 × seasonal-naive's (the same week one year earlier). Seasonal-naive
    plus a year's growth is a legitimate cheap answer and passes (the exercise text says so).

    Measured on 1000 draws of the probes (NumPy answers; ``make calibrate`` runs the solution):
    seasonal-naive plus a year's growth scores at most 0.69 × seasonal-naive's MAE and keeps at
    least 0.80 of the truth's season; a flat forecast at last year's mean scores below 1 on one
    draw in eleven, and a straight line through last year's growth on three in five, which is
    why the season is judged apart (both have none); seasonal-naive two years back never scores
    below 1.34. Without the added growth, seasonal-naive plus a year's growth failed 4 of the
    1000 draws (up to 1.56 ×; cuts in 1999, after the El Niño year 1998). The lesson's LSTM on
    levels scaled to [0, 1] (100 draws, seeds 1000-1099) scored from 0.79 to far above 1: below
    1 on 6 draws, below 0.9 on 2. Hence the bar of 0.9, not 1: it refuses that mistake on 98 of
    100 draws and leaves right answers a margin (0.69 / 0.9 for the one-liner). Two draws in a
    hundred where an LSTM on levels forecasts well are not separable from a right answer.

    What it cannot stop: the data are public, so a function written to find its input inside
    ``load_co2()`` by correlation and return the real continuation can pass; like code that
    patches ``course_utils``, that is deliberate cheating.
    """
    from course_utils.data import load_co2

    _require_function(forecast_co2, "forecast_co2")
    co2 = load_co2()
    values, index = co2.to_numpy(), co2.index
    horizon = int(rng.integers(26, 53))
    probes = [_co2_probe(values, index, rng, horizon) for _ in range(PROBES_5_2)]
    keras_seed = int(rng.integers(0, 2**31 - 1))
    errors, seasonal_errors, biases, seasons, true_seasons = [], [], [], [], []
    what = f"forecast_co2(train_series, horizon={horizon})"
    for train, truth, seasonal in probes:
        _seed_keras(keras_seed)
        got = call_learner(forecast_co2, train.copy(), horizon, what="your forecast_co2")
        pred = _forecast_array(got, horizon, what)
        _units_hint(pred, float(np.mean(truth)), "ppm")
        if np.allclose(pred, seasonal, atol=1e-6):
            raise Hint(
                "your forecast is seasonal-naive itself (the same weeks one year earlier): "
                "the exercise is to beat it"
            )
        if np.allclose(pred, train.iloc[-1], atol=1e-6):
            raise Hint("your forecast repeats the last value (persistence): forecast the season")
        errors.append(float(np.mean(np.abs(pred - truth))))
        seasonal_errors.append(float(np.mean(np.abs(seasonal - truth))))
        biases.append(float(np.mean(pred - truth)))
        seasons.append(_season_size(pred))
        true_seasons.append(_season_size(truth))
    error, seasonal_error = float(np.mean(errors)), float(np.mean(seasonal_errors))
    season = sum(seasons) / sum(true_seasons)
    record_margin(max(0.0, 1.0 - season), 1.0 - MIN_SEASON_5_2)
    record_margin(error / seasonal_error, MAX_RATIO_5_2)
    if season < MIN_SEASON_5_2:
        raise Hint(
            f"your forecast has almost no season: its ups and downs around a straight line are "
            f"{season:.0%} of the real ones' on the check's held-out weeks (it should be at least "
            f"{MIN_SEASON_5_2:.0%}). CO₂ rises and falls every year by several ppm: give the "
            "model at least a year of past weeks, or start from the same weeks a year earlier"
        )
    if error < MAX_RATIO_5_2 * seasonal_error:
        return "MAE at least 10 % below seasonal-naive's on three held-out periods, season kept"
    bias = float(np.mean(biases))
    summary = (
        f"on the check's held-out weeks your MAE is {error / seasonal_error:.2f} × "
        f"seasonal-naive's; it should be below {MAX_RATIO_5_2:g}"
    )
    if bias < -0.5 * error:
        raise Hint(
            f"{summary}. Your forecasts fall below the truth (mean error {bias:+.2f} ppm): "
            "a model on levels scaled to [0, 1] cannot follow the rising trend. Model the "
            "changes from the last value instead (differencing), with a scale from the "
            "training series only"
        )
    raise Hint(
        f"{summary}. Check that the model sees enough of the season (a window of half a year "
        "or more), predicts every week of the horizon (direct, or recursive), and that the "
        "forecast is back in ppm (last value + predicted change)"
    )
