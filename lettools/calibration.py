"""Calibrating the book's illustrative inputs to data, and daily resets against the continuous-time limit.

:func:`market_moments` turns a daily series of an index's total returns and the risk-free rate into
the annual drift, volatility and rate that the chapters' simulations take as inputs (the book stores
the results for the US market, computed from the Ken French data library, in
``lettools/facts/compounding.json``; see :func:`calibrated_inputs`).

:func:`daily_reset_log_moments` gives the exact mean and variance of a daily-reset fund's daily log
return when the index follows geometric Brownian motion sampled once a day, so that the
continuous-time closed forms (median ``exp(g T)``, the chance of a loss) can be set beside their
daily-reset values and the gap between them measured rather than asserted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lettools._typing import ArrayLike
from lettools._validation import as_array, as_positive_int, as_scalar, check_finite

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["market_moments", "calibrated_inputs", "daily_reset_log_moments"]


def _as_dates(dates) -> pd.DatetimeIndex:
    """``dates`` as a DatetimeIndex: 1-D dates (datetime64, Timestamps, datetimes or date strings), no gaps."""
    if isinstance(dates, (str, bytes)):
        raise TypeError(f"dates must be a 1-D sequence of dates, got a single string: {dates!r}")
    try:
        array = np.asarray(dates)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise TypeError(f"dates must be a 1-D sequence of dates ({exc})") from None
    if array.ndim != 1:
        raise TypeError(f"dates must be a 1-D sequence of dates, got a {array.ndim}-D array of shape {array.shape}")
    if array.dtype.kind in "biufcm":  # numbers are not dates (pandas would read them as nanoseconds since 1970)
        raise TypeError(f"dates must be dates (datetime64, Timestamps or date strings), got dtype {array.dtype}")
    import pandas as pd  # lazily: keeps `import lettools` fast
    try:
        index = pd.DatetimeIndex(pd.to_datetime(array, format="mixed" if array.dtype.kind in "OUS" else None))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"dates could not be read as dates: {exc}") from None
    if index.hasnans:
        raise ValueError("dates has missing values (NaT)")
    return index


def market_moments(total_returns: ArrayLike, risk_free: ArrayLike, dates: ArrayLike | None) -> dict:
    """Annual drift, volatility and rate of an index from its daily total returns.

    Parameters
    ----------
    total_returns : array_like
        The index's daily simple total returns (dividends included), 1-D.
    risk_free : array_like
        The risk-free rate per day on the same days (a simple decimal), 1-D, same length.
    dates : array_like of datetime
        The trading days, same length, increasing.

    Returns
    -------
    dict
        ``days_per_year`` (trading days per calendar year, averaged over the years covered, which
        annualises both moments), ``mu`` (arithmetic annual drift: mean daily return x days per
        year), ``sigma`` (daily standard deviation x sqrt(days per year)), ``rate`` (mean daily
        risk-free rate x days per year), ``excess`` (``mu - rate``), ``growth`` (compound annual
        growth rate of the index), ``monthly_mean`` and ``monthly_sd`` (of calendar-month
        compound returns), ``first`` and ``last`` (ISO dates) and ``n_days``.

    Raises
    ------
    ValueError
        If the lengths differ, the dates are not increasing, or fewer than two days or two calendar
        months are given.
    TypeError
        If ``dates`` are not dates (numbers, booleans, a scalar or a 2-D array).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> dates = pd.bdate_range("2020-01-01", periods=504)
    >>> rng = np.random.default_rng(0)
    >>> m = market_moments(rng.normal(0.0004, 0.01, 504), np.full(504, 0.0001), dates)
    >>> round(m["mu"], 4), round(m["sigma"], 4), round(m["rate"], 4)
    (0.0302, 0.1612, 0.0252)
    """
    returns = as_array(total_returns, "total_returns", ndim=(1,), minimum=-1.0, minimum_inclusive=False)
    rates = as_array(risk_free, "risk_free", ndim=(1,))
    index = _as_dates(dates)
    if not (returns.size == rates.size == index.size):
        raise ValueError(f"total_returns, risk_free and dates must have the same length, got "
                         f"{returns.size}, {rates.size} and {index.size}")
    if returns.size < 2:
        raise ValueError("total_returns needs at least two days")
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise ValueError("dates must be strictly increasing")
    periods = index.to_period("M")
    if periods[0] == periods[-1]:
        raise ValueError("total_returns and dates must span at least two calendar months (for monthly_sd)")
    n_years = index.year.nunique()
    days_per_year = returns.size / n_years
    import pandas as pd  # lazily: keeps `import lettools` fast

    months = pd.Series(1.0 + returns, index=index).groupby(periods).prod() - 1.0
    growth = float(np.exp(np.sum(np.log1p(returns)) / n_years) - 1.0)
    mu = float(returns.mean() * days_per_year)
    rate = float(rates.mean() * days_per_year)
    return {
        "first": index[0].date().isoformat(),
        "last": index[-1].date().isoformat(),
        "n_days": int(returns.size),
        "days_per_year": float(days_per_year),
        "mu": mu,
        "sigma": float(returns.std(ddof=1) * np.sqrt(days_per_year)),
        "rate": rate,
        "excess": mu - rate,
        "growth": growth,
        "monthly_mean": float(months.mean()),
        "monthly_sd": float(months.std(ddof=1)),
    }


def calibrated_inputs(period: str = "1927-2024") -> dict:
    """The US market's drift, volatility and rate over ``period``, as stored with their source.

    Reads ``lettools/facts/compounding.json`` (computed by :func:`market_moments` from the Ken French
    data library's daily market factor plus the risk-free rate; the test suite recomputes it when the
    data file is present). Periods: ``"1927-2024"``, ``"1999-2018"``, ``"2008"`` and ``"1932"``.

    Parameters
    ----------
    period : {"1927-2024", "1999-2018", "2008", "1932"}
        The stored period.

    Returns
    -------
    dict
        ``mu`` (arithmetic annual drift), ``sigma`` (annual volatility) and ``rate`` (annual
        risk-free rate), decimals, with the period's source and dates.

    Raises
    ------
    ValueError
        If the period is not stored.

    Examples
    --------
    >>> inputs = calibrated_inputs("1927-2024")
    >>> {"mu", "sigma", "rate"} <= set(inputs)
    True
    """
    from lettools.facts import load

    facts = load("compounding")
    key = f"us_market_{period.replace('-', '_')}" if isinstance(period, str) else None
    if key not in facts:
        stored = sorted(k.removeprefix("us_market_").replace("_", "-") for k in facts if k.startswith("us_market_"))
        raise ValueError(f"period must be one of {', '.join(stored)}; got {period!r}")
    return dict(facts[key]["value"])


_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(96)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def daily_reset_log_moments(
    leverage: ArrayLike,
    mu: ArrayLike,
    sigma: ArrayLike,
    *,
    periods_per_year: int = 252,
) -> dict:
    """Mean and variance per year of a daily-reset fund's log growth on a GBM index sampled daily.

    The index's daily simple return is ``R = exp(x) - 1`` with ``x`` normal, mean
    ``(mu - sigma^2/2) dt`` and variance ``sigma^2 dt`` (:func:`lettools.gbm_returns`), and the fund
    earns ``ln(1 + L R)`` a day (no costs). Gauss-Hermite quadrature (96 nodes) gives its mean and
    variance; times ``periods_per_year`` they are the annual rates that replace the continuous-time
    ``g = L mu - L^2 sigma^2 / 2`` and ``L^2 sigma^2``. Over ``T`` years the fund's log value is a sum
    of ``T x periods_per_year`` such terms, so (central limit) its median is close to
    ``exp(mean T)`` and the chance of a loss to ``Phi(-mean T / sqrt(variance T))``.

    Parameters
    ----------
    leverage : array_like
        The daily multiple ``L``.
    mu : array_like
        The index's arithmetic annual drift (decimal).
    sigma : array_like
        The index's annual volatility, >= 0.
    periods_per_year : int
        Trading days per year.

    Returns
    -------
    dict
        ``mean`` and ``variance`` (daily-reset, per year), ``mean_continuous`` and
        ``variance_continuous`` (the continuous-time limits).

    Raises
    ------
    ValueError
        If a day's loss of 100% or more has non-negligible probability (``1 + L R <= 0`` at the
        quadrature's nodes, which span about +-13 daily standard deviations).

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> m = daily_reset_log_moments(3, 0.08, 0.2)
    >>> {k: round(v, 4) for k, v in m.items()}
    {'mean': 0.0599, 'variance': 0.3603, 'mean_continuous': 0.06, 'variance_continuous': 0.36}
    """
    leverage = as_scalar(leverage, "leverage")
    mu = as_scalar(mu, "mu", minimum=-10.0, maximum=10.0)
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    dt = 1.0 / periods_per_year
    x = (mu - sigma**2 / 2.0) * dt + sigma * np.sqrt(dt) * _NODES
    with np.errstate(all="ignore"):  # a huge leverage or sigma overflows: refused below, by name
        gross = 1.0 + leverage * np.expm1(x)
    if np.any(gross <= 0.0):
        raise ValueError("a one-day wipeout (1 + L R <= 0) has non-negligible probability for this leverage, mu, "
                         "sigma and periods_per_year (sigma too large for the leverage): the log moments do not exist")
    with np.errstate(all="ignore"):
        logs = np.log(gross)
        mean = float(np.sum(_WEIGHTS * logs))
        variance = float(np.sum(_WEIGHTS * (logs - mean) ** 2))
        exposure = np.float64(leverage)
        moments = {
            "mean": mean * periods_per_year,
            "variance": variance * periods_per_year,
            "mean_continuous": float(exposure * mu - exposure**2 * sigma**2 / 2.0),
            "variance_continuous": float(exposure**2 * sigma**2),
        }
    check_finite(list(moments.values()), "leverage", "mu", "sigma")
    return moments
