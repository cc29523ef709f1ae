"""Loaders of the real series shipped by installed packages (course_utils.data, lesson 05).

The root conftest's network guard is active here: a loader that tried to download would fail.
"""

import os
from pathlib import Path

import lstm_course_netguard as netguard  # tests/netguard/sitecustomize.py (conftest.py)
import numpy as np
import pandas as pd
import pytest
from helpers import ROOT

from course_utils.data import load_co2, load_goog, load_stock, stock_tickers

REPO = ROOT


def _repo_files() -> set[Path]:
    found = set()
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [d for d in subfolders if d not in (".venv", ".git")]
        found.update(Path(folder) / name for name in files)
    return found


def assert_clean_series(series, name):
    assert isinstance(series, pd.Series)
    assert series.name == name
    assert isinstance(series.index, pd.DatetimeIndex)
    assert series.index.is_monotonic_increasing and series.index.is_unique
    assert series.dtype == np.float64
    assert not series.isna().any()
    assert np.all(np.isfinite(series.to_numpy()))


def test_the_network_guard_is_on(tmp_path, monkeypatch):
    import socket

    monkeypatch.setenv("LSTM_COURSE_NETWORK_LOG", str(tmp_path / "net.log"))  # not the session's
    with pytest.raises(netguard.NetworkBlocked):
        socket.getaddrinfo("example.invalid", 80)


def test_co2_weekly_with_gaps_filled_by_time_interpolation():
    raw = load_co2(fill_gaps=False)
    co2 = load_co2()
    assert_clean_series(co2, "co2_ppm")
    assert len(co2) == len(raw) == 2284
    assert int(raw.isna().sum()) == 59
    assert (co2.index == raw.index).all()
    assert set(np.diff(co2.index.to_numpy()).astype("timedelta64[D]").astype(int)) == {7}
    measured = raw.notna().to_numpy()
    assert np.array_equal(co2.to_numpy()[measured], raw.to_numpy()[measured])
    # a filled week lies on the straight line between its measured neighbours (in time)
    gap = int(np.flatnonzero(~measured)[0])
    before, after = gap - 1, gap + 1
    while not measured[after]:
        after += 1
    t = co2.index.asi8
    weight = (t[gap] - t[before]) / (t[after] - t[before])
    expected = raw.iloc[before] + weight * (raw.iloc[after] - raw.iloc[before])
    assert co2.iloc[gap] == pytest.approx(expected)
    assert 310 < co2.min() < co2.max() < 380


def test_co2_rejects_a_non_bool():
    with pytest.raises(TypeError, match="fill_gaps"):
        load_co2(fill_gaps="yes")


def test_goog_daily_close():
    goog = load_goog()
    assert_clean_series(goog, "goog_close_usd")
    assert len(goog) == 1047
    assert str(goog.index[0].date()) == "2004-08-19"
    assert str(goog.index[-1].date()) == "2008-10-14"
    assert goog.index.day_of_week.max() <= 4  # trading days only
    assert 50 < goog.min() < goog.max() < 1000


def test_stock_tickers_and_every_ticker_loads():
    tickers = stock_tickers()
    assert tickers == (
        "IBM",
        "AAPL",
        "MSFT",
        "XRX",
        "AMZN",
        "DELL",
        "GOOGL",
        "ADBE",
        "^GSPC",
        "^IXIC",
    )
    for ticker in tickers:
        series = load_stock(ticker)
        assert_clean_series(series, ticker)
        months = series.index.to_period("M")
        assert months.is_unique  # one value per month (the repeated last row is dropped)
        assert (series > 0).all()
    ibm = load_stock("IBM")
    assert len(ibm) == 390
    assert str(ibm.index[0].date()) == "1990-01-01" and str(ibm.index[-1].date()) == "2022-06-01"


def test_unknown_ticker_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"unknown ticker 'GOOG'.*IBM, AAPL.*\^IXIC"):
        load_stock("GOOG")
    with pytest.raises(TypeError, match="ticker must be a string"):
        load_stock(3)


def test_loaders_write_nothing_into_the_repository():
    before = _repo_files()
    load_co2(), load_goog(), load_stock("AAPL"), stock_tickers()
    assert _repo_files() == before
