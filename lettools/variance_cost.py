"""The variance cost of a daily-reset fund on a given path: its log shortfall against ``L`` times the index.

Returns are simple decimals (0.01 is +1%); leverage ``L`` is the fund's daily multiple; no costs.
The log shortfall ``L ln(S_T / S_0) - ln(V_T / V_0)`` (``S`` the index, ``V`` the fund) is, to
second order, ``(L^2 - L) / 2`` times the path's realised variance (Avellaneda and Zhang, 2010).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_positive_int, as_returns, as_scalar
from .fund import terminal_value
from .paths import gbm_returns
from .theory import _result, realized_variance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["log_shortfall", "yearly_decay", "rolling_volatility", "shortfall_sample"]


def log_shortfall(index_returns: ArrayLike, leverage: float) -> FloatOrArray:
    """How far a daily-reset fund ends below ``L`` times its index, on a log scale.

    ``L ln(S_T / S_0) - ln(V_T / V_0)`` with ``S`` the index and ``V`` the fund (no costs),
    that is ``sum_t [L ln(1 + R_t) - ln(1 + L R_t)]``. Avellaneda and Zhang's relation puts it
    at ``(L^2 - L) / 2`` times the path's realised variance (:func:`lettools.realized_variance`);
    it is positive for ``L > 1`` and ``L < 0`` on any path that moves, zero for ``L = 1``.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns, 1-D (days) or 2-D (paths x days), each greater than -1.
    leverage : float
        The fund's daily multiple ``L``.

    Returns
    -------
    float or numpy.ndarray
        The log shortfall (natural-log units), one value per path (a float for 1-D input);
        ``inf`` for a path that wipes the fund out (a day with ``1 + L R <= 0``).

    References
    ----------
    .. [1] Avellaneda, M. and Zhang, S. (2010), "Path-dependence of leveraged ETF returns"
       (``avellaneda2010path``).

    Examples
    --------
    >>> round(log_shortfall([0.10, -0.10], 2.0), 6)
    0.020721
    >>> abs(log_shortfall([0.03, -0.02], 1.0)) < 1e-15
    True
    >>> log_shortfall([-0.5, 0.1], 3.0)
    inf
    """
    returns = as_returns(index_returns)
    leverage = as_scalar(leverage, "leverage")
    index_log = np.sum(np.log1p(returns), axis=-1)
    fund = np.asarray(terminal_value(returns, leverage))
    with np.errstate(all="ignore"):  # a wiped-out fund has an infinite shortfall, by design
        result = leverage * index_log - np.log(fund)
    if np.any(~np.isfinite(result) & (fund > 0.0)):
        raise ValueError(f"leverage {leverage!r} is too extreme: the shortfall of a surviving fund overflows")
    return _result(result)


def _dated_returns(index_returns: pd.Series) -> None:
    """Refuse anything but a pandas Series indexed by date, naming ``index_returns``."""
    import pandas as pd  # lazily: keeps `import lettools` fast

    if not isinstance(index_returns, pd.Series) or not isinstance(index_returns.index, pd.DatetimeIndex):
        raise TypeError(
            "index_returns must be a pandas Series indexed by date (a DatetimeIndex), "
            f"got {type(index_returns).__name__}"
        )


def yearly_decay(index_returns: pd.Series, leverage: float = 2.0, periods_per_year: int = 252) -> pd.DataFrame:
    """Per calendar year: realised volatility, returns and the decay of a daily-reset fund (no costs).

    Parameters
    ----------
    index_returns : pandas.Series
        Daily simple returns of the index, each greater than -1, indexed by date (a
        ``DatetimeIndex``; e.g. :func:`lettools.index_returns`).
    leverage : float
        The fund's daily multiple ``L``.
    periods_per_year : int
        Trading days per year, for annualising the volatility.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``, with columns ``volatility`` (annualised realised volatility,
        ``sqrt(periods_per_year / n * sum R^2)`` over the year's ``n`` days), ``index_return``,
        ``fund_return``, ``variance_cost`` (:func:`log_shortfall`, ``inf`` if the fund is wiped
        out) and ``second_order``, ``(L^2 - L) / 2`` times the year's realised variance.

    References
    ----------
    .. [1] Avellaneda, M. and Zhang, S. (2010), "Path-dependence of leveraged ETF returns"
       (``avellaneda2010path``).

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.Series([0.1, -0.1, 0.02], index=pd.to_datetime(["2019-12-30", "2019-12-31", "2020-01-02"]))
    >>> yearly_decay(days, leverage=2.0)["variance_cost"].round(6).tolist()
    [0.020721, 0.000385]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    _dated_returns(index_returns)
    values = as_returns(index_returns, ndim=(1,))
    leverage = as_scalar(leverage, "leverage")
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    rows = {}
    for year in np.unique(index_returns.index.year):
        days = values[index_returns.index.year == year]
        variance = float(realized_variance(days))
        with np.errstate(all="ignore"):  # huge leverage: refused below, by name
            second_order = (np.float64(leverage) ** 2 - leverage) / 2.0 * variance
        if not np.isfinite(second_order):
            raise ValueError(f"leverage {leverage!r} is too extreme: (L^2 - L) / 2 times the variance overflows")
        rows[int(year)] = {
            "volatility": np.sqrt(variance * periods_per_year / days.size),
            "index_return": np.prod(1.0 + days) - 1.0,
            "fund_return": terminal_value(days, leverage) - 1.0,
            "variance_cost": log_shortfall(days, leverage),
            "second_order": second_order,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")


def rolling_volatility(index_returns: pd.Series, window: int = 21, periods_per_year: int = 252) -> pd.DataFrame:
    """Annualised realised volatility of an index over a rolling window of trading days.

    ``sqrt(periods_per_year / window * sum of squared daily returns in the window)``: the
    realised volatility of :func:`lettools.fund_return` (about zero mean, as in
    :func:`lettools.realized_variance`), not the standard deviation about the window's mean.

    Parameters
    ----------
    index_returns : pandas.Series
        Daily simple returns of the index, each greater than -1, indexed by date (a
        ``DatetimeIndex``; e.g. :func:`lettools.index_returns`).
    window : int
        Trading days per window, at most the number of returns.
    periods_per_year : int
        Trading days per year, for annualising.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (the window's last day) and ``volatility`` (annual decimal), one row per
        full window.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.Series([0.01, -0.01, 0.02], index=pd.bdate_range("2020-01-01", periods=3))
    >>> rolling_volatility(days, window=2)["volatility"].round(4).tolist()
    [0.1587, 0.251]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    _dated_returns(index_returns)
    values = as_returns(index_returns, ndim=(1,))
    window = as_positive_int(window, "window", maximum=values.size)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    returns = pd.Series(values, index=index_returns.index)
    with np.errstate(all="ignore"):  # huge returns overflow their squares: refused below, by name
        volatility = np.sqrt((returns**2).rolling(window).mean() * periods_per_year).dropna()
    if not np.all(np.isfinite(volatility.to_numpy())):
        raise ValueError("index_returns are too large: their squares overflow")
    return pd.DataFrame({"date": volatility.index, "volatility": volatility.to_numpy()})


def shortfall_sample(
    leverages: ArrayLike = (2, 3),
    sigmas: ArrayLike = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    paths_per_sigma: int = 25,
    n_days: int = 63,
    *,
    seed: int = 2010,
) -> pd.DataFrame:
    """Realised variance and log shortfall on many driftless GBM paths, for several leverages.

    For the ``i``-th volatility in ``sigmas``, ``paths_per_sigma`` driftless paths of :func:`lettools.gbm_returns`
    seeded with ``seed + i``; every leverage sees the same paths. No costs.

    Parameters
    ----------
    leverages : array_like
        Daily multiples ``L`` (1-D).
    sigmas : array_like
        Annual volatilities the paths are drawn with, each at least 0 (1-D).
    paths_per_sigma : int
        Paths per volatility.
    n_days : int
        Days per path (63: a quarter).
    seed : int
        Base seed, a non-negative whole number.

    Returns
    -------
    pandas.DataFrame
        One row per path and leverage: ``leverage``, ``sigma`` (the volatility the path was drawn
        with), ``realized_variance`` (sum of squared daily returns), ``variance_cost``
        (:func:`log_shortfall`, ``inf`` for a wiped-out fund) and ``second_order``,
        ``(L^2 - L) / 2`` times the realised variance.

    References
    ----------
    .. [1] Avellaneda, M. and Zhang, S. (2010), "Path-dependence of leveraged ETF returns"
       (``avellaneda2010path``).

    Examples
    --------
    >>> sample = shortfall_sample([2.0], [0.2], 3, 21, seed=1)
    >>> sample.shape, bool((sample["variance_cost"] > 0).all())
    ((3, 5), True)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage_grid = as_array(leverages, "leverages", ndim=(1,))
    sigma_grid = as_array(sigmas, "sigmas", ndim=(1,), minimum=0.0)
    paths_per_sigma = as_positive_int(paths_per_sigma, "paths_per_sigma", maximum=1_000_000)
    n_days = as_positive_int(n_days, "n_days")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number (sigmas entry i uses seed + i), got {seed!r}")
    if not 0 <= seed <= 2**62:
        raise ValueError(f"seed must be from 0 to 2**62, got {seed!r}")
    frames = []
    for number, sigma in enumerate(sigma_grid):
        returns = gbm_returns(paths_per_sigma, n_days, 0.0, float(sigma), seed=int(seed) + number)
        variance = np.asarray(realized_variance(returns))
        for leverage in leverage_grid:
            with np.errstate(all="ignore"):  # a huge leverage overflows: refused below, by name
                second_order = (leverage**2 - leverage) / 2.0 * variance
            if not np.all(np.isfinite(second_order)):
                raise ValueError(f"leverages value {leverage!r} is too extreme: (L^2 - L) / 2 times RV overflows")
            try:
                cost = log_shortfall(returns, float(leverage))
            except ValueError as exc:
                raise ValueError(f"leverages value {leverage!r}: {exc}") from None
            frames.append(
                pd.DataFrame(
                    {
                        "leverage": float(leverage),
                        "sigma": float(sigma),
                        "realized_variance": variance,
                        "variance_cost": cost,
                        "second_order": second_order,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
