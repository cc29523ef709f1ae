"""Checks of lesson 05 (course_utils.checks.ex05): pass on honest forecasters, not-done on the stub,
the specific hint on each plausible mistake, and refusal of the cheats (peeking at the future,
memorised or typed answers, copies of the baselines, look-ups of the held-back data).

The fast tests use NumPy forecasters (a linear AR on returns, seasonal-naive with drift): honest
and cheap. The solutions, which train LSTMs, are run by solutions/05 and `make calibrate`.
"""

import numpy as np
import pytest

from course_utils.baselines import LinearAR
from course_utils.checks.ex05 import ex_05_1, ex_05_2
from course_utils.data import load_co2

SEEDS = range(6)


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 5.x: replace this line with your code")


# --- exercise 5.1: forecast(series, n_test) ---------------------------------------------------


def ar_on_returns(series, n_test):
    """Honest: an AR(2) on returns fitted on the training months; prices back."""
    values = np.asarray(series, dtype=np.float64)
    split = len(values) - n_test
    returns = values[1:] / values[:-1] - 1
    model = LinearAR(2).fit(returns[: split - 1])
    windows = np.stack([returns[m - 3 : m - 1] for m in range(split, len(values))])
    return values[split - 1 : -1] * (1 + model.predict(windows)[:, 0])


def ar_fitted_on_everything(series, n_test):
    """Leak: the AR is fitted on all returns, the test months included."""
    values = np.asarray(series, dtype=np.float64)
    split = len(values) - n_test
    returns = values[1:] / values[:-1] - 1
    model = LinearAR(2).fit(returns)
    windows = np.stack([returns[m - 3 : m - 1] for m in range(split, len(values))])
    return values[split - 1 : -1] * (1 + model.predict(windows)[:, 0])


def scaled_on_everything(series, n_test):
    """Leak: a [0, 1] scale from the whole series; a tiny pull towards its middle."""
    values = np.asarray(series, dtype=np.float64)
    low, high = values.min(), values.max()
    last = values[-n_test - 1 : -1]
    scaled = (last - low) / (high - low)
    return last + 0.01 * (0.5 - scaled) * (high - low)


def off_by_one(series, n_test):
    """Uses the value it forecasts (the window ends one month too late)."""
    values = np.asarray(series, dtype=np.float64)
    return 0.5 * (values[-n_test - 1 : -1] + values[-n_test:])


def one_month_ahead_peek(series, n_test):
    """Looks one month further than the target."""
    values = np.append(np.asarray(series, dtype=np.float64), series.iloc[-1])
    return 0.9 * values[-n_test - 2 : -2] + 0.1 * values[-n_test:]


def test_5_1_passes_on_an_honest_forecaster_for_several_draws():
    for seed in SEEDS:
        result = ex_05_1.evaluate(ar_on_returns, "MSFT", seed=seed)
        assert result.passed, (seed, result.message)
        assert "no peeking" in result.message


def test_5_1_judges_a_ticker_the_learner_did_not_use():
    seen = []

    def recording(series, n_test):
        seen.append(series.name)
        return ar_on_returns(series, n_test)

    for seed in SEEDS:
        for mine in ("IBM", "AAPL"):
            assert ex_05_1.evaluate(recording, mine, seed=seed).passed
            assert seen[-1] != mine
    assert len(set(seen)) > 2  # the draw changes


def test_5_1_not_done():
    assert "not done yet" in ex_05_1.evaluate(stub, "MSFT", seed=0).message
    assert "not done yet: forecast is still None" in ex_05_1.evaluate(None, "MSFT", seed=0).message


@pytest.mark.parametrize(
    ("forecast", "hint"),
    [
        (ar_fitted_on_everything, "forecasts for every test month changed"),
        (scaled_on_everything, "scaler fitted on all the"),
        (off_by_one, "uses the value it forecasts"),
        (one_month_ahead_peek, "peeks at the future"),
        (lambda s, n: np.asarray(s)[-n - 1 : -1], "persistence itself"),
        (lambda s, n: 1.01 * np.asarray(s)[-n - 1 : -1], "one constant"),
        (lambda s, n: np.diff(np.log(np.asarray(s)))[-n:], "look scaled, or like returns"),
        (lambda s, n: np.asarray(s)[-n:], "equal the test values"),
        (lambda s, n: np.asarray(s)[-n - 1 : -1][:-1], "numbers, shape ("),
        (lambda s, n: 123.0, "shape ()"),
        (lambda s, n: None, "is None"),
        (lambda s, n: "prices", "should be numbers"),
        (
            lambda s, n: 2.0 * np.asarray(s)[-n - 1 : -1] * (1 + 0.01 * np.sin(np.arange(n))),
            "≤ 1.15",
        ),
    ],
)
def test_5_1_hints(forecast, hint):
    result = ex_05_1.evaluate(forecast, "MSFT", seed=3)
    assert not result.passed and hint in result.message, result.message
    assert "[seed=3 repeats this draw]" in result.line()


def test_5_1_refuses_a_bad_ticker_and_a_memoriser():
    assert "my_ticker should be" in ex_05_1.evaluate(ar_on_returns, "GOOG", seed=0).message
    assert "my_ticker should be" in ex_05_1.evaluate(ar_on_returns, None, seed=0).message
    memory = {}

    def memoriser(series, n_test):
        if "answer" not in memory:
            memory["answer"] = ar_on_returns(series, n_test)
        return memory["answer"]

    # refused even on the draw it memorised: its second call (the altered series) repeats itself
    assert not any(ex_05_1.evaluate(memoriser, "MSFT", seed=s).passed for s in (0, 1, 2, 4))


def test_5_1_refuses_a_function_that_peeks_once_and_then_repeats_itself():
    memory = {}

    def peek_then_repeat(series, n_test):
        values = np.asarray(series, dtype=np.float64)
        if "answer" not in memory:  # first call (the judged one): peek at the month itself
            memory["answer"] = 0.9 * values[-n_test:] + 0.1 * values[-n_test - 1 : -1]
        return memory["answer"]

    for seed in (0, 1, 2):
        memory.clear()
        result = ex_05_1.evaluate(peek_then_repeat, "MSFT", seed=seed)
        assert not result.passed and "did not change" in result.message, result.message


def test_5_1_refuses_a_look_up_of_stocks_csv_by_value():
    from course_utils.data import load_stock, stock_tickers

    def look_up(series, n_test):
        for ticker in stock_tickers():
            full = load_stock(ticker).to_numpy()
            head = np.asarray(series, dtype=np.float64)[:20]
            if len(full) >= len(series) and np.allclose(full[:20], head):
                real = full[: len(series)]
                return 0.9 * real[-n_test:] + 0.1 * real[-n_test - 1 : -1]
        return np.asarray(series, dtype=np.float64)[-n_test - 1 : -1] * 1.001

    for seed in (0, 1, 2):
        assert not ex_05_1.evaluate(look_up, "MSFT", seed=seed).passed


def test_5_1_a_rule_that_nearly_copies_last_month_passes_as_the_text_says():
    def nearly_persistence(series, n_test):
        values = np.asarray(series, dtype=np.float64)
        recent = values[-n_test - 2 : -2] / values[-n_test - 3 : -3] - 1  # last known return
        return values[-n_test - 1 : -1] * (1 + 0.05 * recent)

    assert ex_05_1.evaluate(nearly_persistence, "MSFT", seed=0).passed


def test_5_1_a_learner_who_mutates_the_series_cannot_change_the_judgement():
    def vandal(series, n_test):
        answer = ar_on_returns(series, n_test)
        series.iloc[:] = 0.0  # the check handed over a copy; its truth is already taken
        return answer

    assert ex_05_1.evaluate(vandal, "MSFT", seed=1).passed


# --- exercise 5.2: forecast_co2(train_series, horizon) --------------------------------------------


def seasonal_with_drift(train_series, horizon):
    """Honest and cheap: the same weeks a year earlier plus last year's growth."""
    values = np.asarray(train_series, dtype=np.float64)
    growth = values[-52:].mean() - values[-104:-52].mean()
    return values[-52 : -52 + horizon] + growth if horizon < 52 else values[-52:] + growth


def test_5_2_passes_on_an_honest_forecaster_for_several_draws():
    for seed in SEEDS:
        result = ex_05_2.evaluate(seasonal_with_drift, seed=seed)
        assert result.passed, (seed, result.message)


def seasonal_naive(train_series, horizon):
    values = np.asarray(train_series, dtype=np.float64)
    return values[-52:][:horizon]


def look_up(train_series, horizon):
    """Cheat: read the weeks after the cut from the full data set."""
    co2 = load_co2()
    after = co2[co2.index > train_series.index[-1]]
    return after.to_numpy()[:horizon]


@pytest.mark.parametrize(
    ("forecast", "hint"),
    [
        (seasonal_naive, "seasonal-naive itself"),
        (lambda s, h: np.full(h, s.iloc[-1]), "persistence"),
        (lambda s, h: seasonal_naive(s, h) - 1.0, "fall below the truth"),
        (lambda s, h: np.full(h, s.iloc[-52:].mean()), "almost no season"),
        (lambda s, h: s.iloc[-1] + 0.05 * np.arange(1, h + 1), "almost no season"),
        (lambda s, h: seasonal_with_drift(s, h) - s.iloc[-1], "the series"),
        (lambda s, h: (seasonal_with_drift(s, h) - 300) / 100, "look scaled"),
        (lambda s, h: seasonal_with_drift(s, h) + np.sin(np.arange(h)) * 3, "should be below 0.9"),
        (look_up, "shape"),
        (lambda s, h: seasonal_with_drift(s, 52), "shape (52,)"),
        (lambda s, h: 350.0, "shape ()"),
    ],
)
def test_5_2_hints(forecast, hint):
    result = ex_05_2.evaluate(forecast, seed=5)
    assert not result.passed and hint in result.message, result.message


def test_5_2_not_done_and_memoriser():
    assert "not done yet" in ex_05_2.evaluate(stub, seed=0).message
    assert "not done yet: forecast_co2 is still None" in ex_05_2.evaluate(None, seed=0).message
    memory = {}

    def memoriser(train_series, horizon):
        if "answer" not in memory:
            memory["answer"] = seasonal_with_drift(train_series, horizon)
        return memory["answer"]

    assert not any(ex_05_2.evaluate(memoriser, seed=s).passed for s in (1, 2, 3))


def test_5_2_refuses_a_look_up_of_the_weekly_changes():
    def look_up_changes(train_series, horizon):
        real = load_co2().to_numpy()
        mine = np.diff(np.asarray(train_series, dtype=np.float64))[-200:]
        changes = np.diff(real)
        for end in range(len(changes), 199, -1):
            if np.allclose(changes[end - 200 : end], mine):
                return real[end + 1 : end + 1 + horizon] + train_series.iloc[-1] - real[end]
        return seasonal_naive(train_series, horizon)

    for seed in (0, 1, 2):
        assert not ex_05_2.evaluate(look_up_changes, seed=seed).passed


def test_5_2_the_learner_never_sees_real_dates_or_levels():
    seen = []

    def recording(train_series, horizon):
        seen.append((train_series.index[-1], float(train_series.iloc[0]), horizon))
        return seasonal_with_drift(train_series, horizon)

    real = load_co2()
    for seed in SEEDS:
        assert ex_05_2.evaluate(recording, seed=seed).passed
    assert all(end > real.index[-1] for end, _, _ in seen)
    assert all(first > real.iloc[0] + 9 for _, first, _ in seen)
    assert all(26 <= h <= 52 for _, _, h in seen)


# The solutions themselves are judged where they are written: solutions/05 runs both checks
# (fixed draws, under nbval), and `make calibrate` runs them on 100 fresh draws each.


def test_5_2_records_its_margin_for_an_honest_forecaster():
    result = ex_05_2.evaluate(seasonal_with_drift, seed=4)
    assert result.passed and 0 < result.margin < 0.8, result.margin
    assert ex_05_1.evaluate(ar_on_returns, "MSFT", seed=4).margin is not None


def test_5_1_margin_is_the_share_of_the_ten_percent_excess_used():
    # a rule that nearly copies last month scores about 1.0 × persistence: it uses almost none
    # of the 15 % the check allows above persistence (as a share of the ratio 1.15: about 0.87)
    def nearly_persistence(series, n_test):
        values = np.asarray(series, dtype=np.float64)
        recent = values[-n_test - 2 : -2] / values[-n_test - 3 : -3] - 1
        return values[-n_test - 1 : -1] * (1 + 0.01 * recent)

    result = ex_05_1.evaluate(nearly_persistence, "MSFT", seed=3)
    assert result.passed and result.margin < 0.2, result.margin
