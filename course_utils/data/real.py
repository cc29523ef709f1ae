"""Real series shipped by installed packages (lesson 05): CO₂ at Mauna Loa, stock prices.

Nothing here downloads anything or writes a file: the data sit inside matplotlib's and
statsmodels' installed packages. pandas is imported inside the functions (importing
:mod:`course_utils.data` stays light).
"""

from __future__ import annotations

import numpy as np

from course_utils import validate


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

    Returns
    -------
        a ``pandas.Series`` named ``"co2_ppm"``, indexed by week (a sorted ``DatetimeIndex``,
        every Saturday).

    Examples
    --------
    >>> co2 = load_co2()
    >>> len(co2), co2.name, str(co2.index[0].date()), bool(co2.isna().any())
    (2284, 'co2_ppm', '1958-03-29', False)
    >>> int(load_co2(fill_gaps=False).isna().sum())
    59
    """
    fill_gaps = validate.flag(fill_gaps, "fill_gaps")
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

    Returns
    -------
        a ``pandas.Series`` named ``"goog_close_usd"`` with a sorted ``DatetimeIndex``.

    Examples
    --------
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

    Examples
    --------
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

    Parameters
    ----------
    ticker
        one of :func:`stock_tickers` (e.g. ``"AAPL"``, ``"IBM"``, ``"^GSPC"``).

    Returns
    -------
        a ``pandas.Series`` named after the ticker with a sorted ``DatetimeIndex``, no NaN.

    Examples
    --------
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
