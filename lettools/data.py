"""Real index history that installs with the package, from ``arch.data``.

``arch`` ships daily closes of the S&P 500 and the Nasdaq Composite
(1999-2018) and the VIX (2014-2019). They are price indices: the returns here
leave out dividends. ``arch`` is imported only when data are asked for, so
``import lettools`` stays fast.
"""

from __future__ import annotations

import functools
import importlib
import numbers
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datetime import date

    import pandas as pd


__all__ = ["INDEX_NAMES", "load_index", "load_vix", "index_returns"]

INDEX_NAMES = ("sp500", "nasdaq")


@functools.cache
def _load_arch_dataset(module: str) -> pd.DataFrame:
    return importlib.import_module(f"arch.data.{module}").load()


def _check_name(name) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {', '.join(INDEX_NAMES)}; got {name!r}")
    key = name.strip().lower()
    if key not in INDEX_NAMES:
        raise ValueError(f"name must be one of {', '.join(INDEX_NAMES)}; got {name!r}")
    return key


def load_index(name: str) -> pd.DataFrame:
    """Daily closes and simple returns of a stock index.

    Parameters
    ----------
    name : {"sp500", "nasdaq"}
        The S&P 500 or the Nasdaq Composite.

    Returns
    -------
    pandas.DataFrame
        Indexed by trading ``date``; ``close`` (index points, the source's
        adjusted close) and ``return`` (simple daily return, decimal, from the
        previous close). The first day, which has no previous close, is dropped.
        S&P 500: 1999-01-05 to 2018-12-31, 5,030 days.

    Examples
    --------
    >>> sp = load_index("sp500")
    >>> list(sp.columns)
    ['close', 'return']
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    raw = _load_arch_dataset(_check_name(name))
    close = raw["Adj Close"].astype("float64")
    frame = pd.DataFrame({"close": close, "return": close.pct_change()}).iloc[1:]
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame


def load_vix() -> pd.DataFrame:
    """Daily closes of the VIX volatility index, 2014-2019.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date``, one column ``vix`` (index points, an annualised
        volatility in percent). Days the source leaves blank are dropped.

    Examples
    --------
    >>> vix = load_vix()
    >>> list(vix.columns)
    ['vix']
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    raw = _load_arch_dataset("vix")
    frame = raw[["vix"]].astype("float64").dropna()
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame


def index_returns(name: str, start: str | date | None = None, end: str | date | None = None) -> pd.Series:
    """Daily simple returns of an index over a window of dates.

    Parameters
    ----------
    name : {"sp500", "nasdaq"}
        The index.
    start, end : str, datetime-like or None
        First and last dates kept (inclusive); the whole history when None. A number
        is refused (``index_returns("sp500", 2008)`` does not mean the year 2008: pass
        ``"2008-01-01", "2008-12-31"``).

    Returns
    -------
    pandas.Series
        Simple daily returns (decimals) indexed by ``date``, named ``name``.

    Examples
    --------
    >>> r = index_returns("sp500", "2008-01-01", "2008-12-31")
    >>> bool(len(r) > 200)
    True
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    returns = load_index(name)["return"].rename(_check_name(name))
    bounds = {}
    for label, value in (("start", start), ("end", end)):
        if value is None:
            continue
        if isinstance(value, (bool, numbers.Number, np.number)):
            # pandas would read 2008 as 2008 nanoseconds after 1970; a year alone is ambiguous.
            raise TypeError(
                f"{label} must be a date (a string such as '2008-01-01', a datetime or a pandas"
                f" Timestamp), got the number {value!r}; for the calendar year 2008 pass"
                " start='2008-01-01', end='2008-12-31'"
            )
        try:
            bounds[label] = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            raise ValueError(f"{label} must be a date, got {value!r}") from None
        if bounds[label] is pd.NaT:
            raise ValueError(f"{label} must be a date, got {value!r}")
    if "start" in bounds and "end" in bounds and bounds["start"] > bounds["end"]:
        raise ValueError(f"start ({bounds['start'].date()}) is after end ({bounds['end'].date()})")
    window = returns.loc[bounds.get("start") : bounds.get("end")]
    if window.empty:
        first, last = returns.index[0].date(), returns.index[-1].date()
        raise ValueError(
            f"no {name} data between start={start!r} and end={end!r}: the data run from {first} to {last}"
        )
    return window
