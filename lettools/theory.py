"""Closed-form results for daily-reset funds.

Every function broadcasts over numpy arrays (pass column and row vectors to get
a table) and returns a float when all its inputs are scalars. Rates, fees,
drifts and volatilities are annual decimals; returns are simple decimals.
Notation: ``L`` leverage, ``R`` the index's simple return, ``mu`` the index's
arithmetic annual drift, ``sigma`` its annual volatility, ``r`` the financing
rate, ``f`` the expense ratio.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_returns, as_scalar

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "fund_return",
    "estimated_returns_table",
    "log_growth_rate",
    "decay_rate",
    "kelly_leverage",
    "cash_breakeven_leverage",
    "wipeout_move",
    "rebalance_flow",
    "expected_growth_factor",
    "realized_variance",
    "buy_and_hold_gap",
    "breakeven_return",
]


def _result(value):
    """A float for 0-d results, the array otherwise."""
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value


def _check_broadcast(**inputs) -> None:
    """Raise a ValueError naming the inputs and their shapes when they do not broadcast."""
    try:
        np.broadcast_shapes(*(np.shape(value) for value in inputs.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {np.shape(value)}" for name, value in inputs.items())
        raise ValueError(f"these inputs do not broadcast together: {shapes}") from None


def _closed_form(formula, **inputs):
    """Evaluate ``formula(**inputs)`` after checking that the inputs broadcast, refusing inf or NaN.

    Extreme but finite inputs (a volatility of 1e-300, a leverage of 1e6) can overflow a
    closed form; the caller gets a ValueError naming the inputs, not a RuntimeWarning and inf.
    """
    _check_broadcast(**inputs)
    with np.errstate(all="ignore"):
        value = np.asarray(formula(**inputs), dtype=np.float64)
    if not np.all(np.isfinite(value)):
        names = ", ".join(inputs)
        raise ValueError(f"the result is not a finite float64 for these values of {names}: they are too extreme")
    return _result(value)


def fund_return(
    index_return: ArrayLike,
    sigma: ArrayLike,
    leverage: ArrayLike,
    *,
    years: ArrayLike = 1.0,
    rate: ArrayLike = 0.0,
    expense_ratio: ArrayLike = 0.0,
) -> FloatOrArray:
    """Return of a daily-reset fund over a period, given the index's return and volatility.

    The continuous-time relation of Avellaneda and Zhang (2010):

        (1 + index_return)^L * exp(((1 - L) r - f) T + (L - L^2) / 2 * sigma^2 T) - 1

    It is exact for an index that moves continuously with realised annual
    volatility ``sigma`` over ``years``; with daily resets it holds to a good
    approximation. This is what issuers' prospectus tables of "estimated fund
    returns" tabulate.

    Parameters
    ----------
    index_return : array_like
        The index's return over the whole period, greater than -1.
    sigma : array_like
        The index's annualised realised volatility over the period, >= 0.
    leverage : array_like
        The daily multiple ``L``.
    years : array_like
        Length of the period in years, >= 0.
    rate, expense_ratio : array_like
        Annual financing rate and expense ratio (decimals).

    Returns
    -------
    float or numpy.ndarray
        The fund's simple return over the period (decimal), greater than -1; a float when every
        input is a scalar, else the broadcast shape.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> round(fund_return(0.0, 0.5, 3), 4)   # flat index, 50% volatility, one year
    -0.5276
    """
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    sigma = as_array(sigma, "sigma", minimum=0.0)
    leverage = as_array(leverage, "leverage")
    years = as_array(years, "years", minimum=0.0)
    rate = as_array(rate, "rate")
    expense_ratio = as_array(expense_ratio, "expense_ratio", minimum=0.0)

    def formula(index_return, sigma, leverage, years, rate, expense_ratio):
        exponent = ((1.0 - leverage) * rate - expense_ratio) * years + (
            (leverage - leverage**2) / 2.0 * sigma**2 * years
        )
        return (1.0 + index_return) ** leverage * np.exp(exponent) - 1.0

    return _closed_form(
        formula, index_return=index_return, sigma=sigma, leverage=leverage,
        years=years, rate=rate, expense_ratio=expense_ratio,
    )


def estimated_returns_table(
    leverage: ArrayLike,
    index_returns: ArrayLike = (-0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
    sigmas: ArrayLike = (0.10, 0.25, 0.50, 0.75, 1.00),
    *,
    years: ArrayLike = 1.0,
    rate: ArrayLike = 0.0,
    expense_ratio: ArrayLike = 0.0,
) -> pd.DataFrame:
    """An issuer-style table of estimated fund returns, from :func:`fund_return`.

    Parameters
    ----------
    leverage : float
        The fund's daily multiple.
    index_returns : sequence of float
        The index's returns over the period (rows), each greater than -1.
    sigmas : sequence of float
        Annualised index volatilities (columns), each >= 0.
    years, rate, expense_ratio : float
        As in :func:`fund_return`.

    Returns
    -------
    pandas.DataFrame
        Fund returns (decimals) with index "index return" and columns "volatility".

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> t = estimated_returns_table(3, index_returns=[-0.1, 0.0, 0.1], sigmas=[0.1, 0.5])
    >>> t.round(4).values.tolist()
    [[-0.2925, -0.6556], [-0.0296, -0.5276], [0.2917, -0.3713]]
    """
    import pandas as pd  # deferred: keeps ``import lettools`` fast

    rows = as_array(index_returns, "index_returns", ndim=(1,))
    columns = as_array(sigmas, "sigmas", ndim=(1,))
    leverage = as_scalar(leverage, "leverage")
    table = fund_return(
        rows[:, None], columns[None, :], leverage, years=years, rate=rate, expense_ratio=expense_ratio
    )
    return pd.DataFrame(
        table,
        index=pd.Index(rows, name="index return"),
        columns=pd.Index(columns, name="volatility"),
    )


def log_growth_rate(
    leverage: ArrayLike,
    mu: ArrayLike,
    sigma: ArrayLike,
    *,
    rate: ArrayLike = 0.0,
    expense_ratio: ArrayLike = 0.0,
) -> FloatOrArray:
    """Annual log growth rate of a daily-reset fund on a geometric Brownian motion index.

    ``g = L mu + (1 - L) r - f - L^2 sigma^2 / 2``: the fund's median value after
    ``T`` years is ``exp(g T)`` per unit invested. ``mu`` is the index's arithmetic
    drift (its expected value grows as ``exp(mu T)``).

    Parameters
    ----------
    leverage : array_like
        The daily multiple ``L``.
    mu : array_like
        The index's arithmetic annual drift (decimal).
    sigma : array_like
        The index's annual volatility, >= 0.
    rate, expense_ratio : array_like
        Annual financing rate and expense ratio (decimals).

    Returns
    -------
    float or numpy.ndarray
        Annual log growth rate ``g`` (decimal per year); a float for scalar inputs.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> round(log_growth_rate(3, 0.08, 0.2), 4)   # 3 x 8% - 9 x 4% / 2
    0.06
    """
    leverage = as_array(leverage, "leverage")
    mu = as_array(mu, "mu")
    sigma = as_array(sigma, "sigma", minimum=0.0)
    rate = as_array(rate, "rate")
    expense_ratio = as_array(expense_ratio, "expense_ratio", minimum=0.0)
    return _closed_form(
        lambda leverage, mu, sigma, rate, expense_ratio: (
            leverage * mu + (1.0 - leverage) * rate - expense_ratio - leverage**2 * sigma**2 / 2.0
        ),
        leverage=leverage, mu=mu, sigma=sigma, rate=rate, expense_ratio=expense_ratio,
    )


def decay_rate(leverage: ArrayLike, sigma: ArrayLike) -> FloatOrArray:
    """Volatility decay per year, ``(L^2 - L) sigma^2 / 2``.

    The gap between ``L`` times the index's log growth rate and the fund's, in
    continuous time and before costs. Positive for ``L > 1`` and for ``L < 0``.

    Parameters
    ----------
    leverage : array_like
        The daily multiple ``L``.
    sigma : array_like
        The index's annual volatility, >= 0.

    Returns
    -------
    float or numpy.ndarray
        Decay per year, in log growth (decimal); a float for scalar inputs.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).
    .. [2] R. A. Jarrow, "Understanding the risk of leveraged ETFs", Finance Research Letters 7 (2010),
           135-139 (``jarrow2010understanding`` in references.bib).

    Examples
    --------
    >>> round(decay_rate(3, 0.2), 4)
    0.12
    >>> decay_rate([-1, 1, 2], 0.2).round(4).tolist()
    [0.04, 0.0, 0.04]
    """
    leverage = as_array(leverage, "leverage")
    sigma = as_array(sigma, "sigma", minimum=0.0)
    return _closed_form(
        lambda leverage, sigma: (leverage**2 - leverage) * sigma**2 / 2.0, leverage=leverage, sigma=sigma
    )


def kelly_leverage(mu: ArrayLike, sigma: ArrayLike, *, rate: ArrayLike = 0.0) -> FloatOrArray:
    """Leverage that maximises the fund's log growth rate, ``(mu - r) / sigma^2`` (Kelly).

    Parameters
    ----------
    mu : array_like
        The index's arithmetic annual drift (decimal).
    sigma : array_like
        The index's annual volatility, > 0.
    rate : array_like
        Annual financing rate (decimal).

    Returns
    -------
    float or numpy.ndarray
        The growth-optimal multiple ``L*``; a float for scalar inputs.

    References
    ----------
    .. [1] J. L. Kelly, Jr., "A new interpretation of information rate", Bell System Technical Journal 35
           (1956), 917-926 (``kelly1956interpretation`` in references.bib).

    Examples
    --------
    >>> round(kelly_leverage(0.08, 0.2, rate=0.02), 4)
    1.5
    """
    mu = as_array(mu, "mu")
    sigma = as_array(sigma, "sigma", minimum=0.0, minimum_inclusive=False)
    rate = as_array(rate, "rate")
    return _closed_form(lambda mu, sigma, rate: (mu - rate) / sigma**2, mu=mu, sigma=sigma, rate=rate)


def cash_breakeven_leverage(mu: ArrayLike, sigma: ArrayLike, *, rate: ArrayLike = 0.0) -> FloatOrArray:
    """Leverage beyond which the fund grows more slowly than cash, ``2 (mu - r) / sigma^2``.

    Costs aside, ``g(L) - r = L (mu - r) - L^2 sigma^2 / 2``, which is negative
    for ``L`` above this value (twice the Kelly leverage).

    Parameters
    ----------
    mu : array_like
        The index's arithmetic annual drift (decimal).
    sigma : array_like
        The index's annual volatility, > 0.
    rate : array_like
        Annual financing rate (decimal), also the return on cash.

    Returns
    -------
    float or numpy.ndarray
        The multiple at which the fund's log growth equals the rate; a float for scalar inputs.

    References
    ----------
    .. [1] J. L. Kelly, Jr., "A new interpretation of information rate", Bell System Technical Journal 35
           (1956), 917-926 (``kelly1956interpretation`` in references.bib).

    Examples
    --------
    >>> round(cash_breakeven_leverage(0.08, 0.2, rate=0.02), 4)
    3.0
    """
    return _result(2.0 * np.asarray(kelly_leverage(mu, sigma, rate=rate)))


def wipeout_move(leverage: ArrayLike) -> FloatOrArray:
    """The single-day index return that takes a fund's NAV to zero, ``-1 / L``.

    -0.5 for 2x, about -0.333 for 3x, +1.0 for -1x. Raises ValueError for ``L = 0``
    (an unleveraged cash fund cannot be wiped out).

    Parameters
    ----------
    leverage : array_like
        The daily multiple ``L``, non-zero.

    Returns
    -------
    float or numpy.ndarray
        The index's one-day simple return that zeroes the fund (decimal); a float for scalar input.

    Examples
    --------
    >>> wipeout_move([2, 3, -1]).round(4).tolist()
    [-0.5, -0.3333, 1.0]
    """
    leverage = as_array(leverage, "leverage")
    if np.any(leverage == 0.0):
        raise ValueError("leverage must be non-zero: a fund with no exposure has no wipeout move")
    return _closed_form(lambda leverage: -1.0 / leverage, leverage=leverage)


def rebalance_flow(assets: ArrayLike, leverage: ArrayLike, index_return: ArrayLike) -> FloatOrArray:
    """Exposure a daily-reset fund must buy (positive) or sell after a day: ``A (L^2 - L) R``.

    ``assets`` is the fund's assets at the previous close (any currency unit); the
    result is in the same unit. The exposure needed after the day is
    ``L A (1 + L R)`` and the exposure held is ``L A (1 + R)``.

    Parameters
    ----------
    assets : array_like
        The fund's assets at the previous close (any currency unit), >= 0.
    leverage : array_like
        The daily multiple ``L``.
    index_return : array_like
        The index's simple return on the day, greater than -1.

    Returns
    -------
    float or numpy.ndarray
        Exposure to buy (positive) or sell, in the unit of ``assets``.

    References
    ----------
    .. [1] M. Cheng and A. Madhavan, "The dynamics of leveraged and inverse exchange-traded funds", Journal
           of Investment Management 7 (2009), 43-62 (``cheng2009dynamics`` in references.bib).

    Examples
    --------
    >>> round(rebalance_flow(100.0, 3, 0.01), 4)   # a 3x fund with 100 of assets buys 6
    6.0
    """
    assets = as_array(assets, "assets", minimum=0.0)
    leverage = as_array(leverage, "leverage")
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    return _closed_form(
        lambda assets, leverage, index_return: assets * (leverage**2 - leverage) * index_return,
        assets=assets, leverage=leverage, index_return=index_return,
    )


def expected_growth_factor(leverage: ArrayLike, daily_mean: ArrayLike, n_days: ArrayLike) -> FloatOrArray:
    """Expected value of the fund per unit invested after ``n_days``, ``(1 + L m)^T``.

    Exact for independent daily index returns with mean ``daily_mean`` and no
    costs, whatever their volatility (provided the fund is never wiped out).

    Parameters
    ----------
    leverage : array_like
        The daily multiple ``L``.
    daily_mean : array_like
        Mean daily simple return of the index, greater than -1, with ``L * daily_mean > -1``.
    n_days : array_like
        Number of trading days, whole and >= 0.

    Returns
    -------
    float or numpy.ndarray
        Expected fund value per unit invested after ``n_days``.

    Examples
    --------
    >>> round(expected_growth_factor(3, 0.0004, 252), 4)
    1.3529
    """
    leverage = as_array(leverage, "leverage")
    daily_mean = as_array(daily_mean, "daily_mean", minimum=-1.0, minimum_inclusive=False)
    n_days = as_array(n_days, "n_days", minimum=0.0)
    if np.any(n_days != np.round(n_days)):
        raise ValueError("n_days must be whole numbers of days")
    _check_broadcast(leverage=leverage, daily_mean=daily_mean, n_days=n_days)
    if np.any(leverage * daily_mean <= -1.0):
        raise ValueError(
            "leverage * daily_mean must be > -1: at or below it the average day wipes the fund out,"
            " and (1 + L m)^T no longer describes a fund that stays at zero"
        )
    return _closed_form(
        lambda leverage, daily_mean, n_days: (1.0 + leverage * daily_mean) ** n_days,
        leverage=leverage, daily_mean=daily_mean, n_days=n_days,
    )


def realized_variance(index_returns: ArrayLike) -> FloatOrArray:
    """Sum of squared daily simple returns, per path (the last axis is days).

    Dividing by the number of years gives the annualised realised variance whose
    square root is the ``sigma`` of :func:`fund_return`. Returns a float for
    1-D input and one value per path for 2-D input.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns, 1-D (days) or 2-D (paths x days), each greater than -1.

    Returns
    -------
    float or numpy.ndarray
        Sum of squared daily returns (not annualised): a float for 1-D input, one value per path
        for 2-D input.

    Examples
    --------
    >>> round(realized_variance([0.01, -0.02, 0.03]), 6)
    0.0014
    """
    returns = as_returns(index_returns)
    return _result(np.sum(returns**2, axis=-1))


def buy_and_hold_gap(first_return: ArrayLike, second_return: ArrayLike, leverage: ArrayLike) -> FloatOrArray:
    """Two-day gap between static ``L`` x exposure and a daily-reset fund: ``(L - L^2) R1 R2``.

    Static leverage ends at ``1 + L ((1 + R1)(1 + R2) - 1)``, the daily-reset fund at
    ``(1 + L R1)(1 + L R2)``; their difference (static minus daily-reset) is this.

    Parameters
    ----------
    first_return, second_return : array_like
        The index's simple returns on the two days, each greater than -1.
    leverage : array_like
        The multiple ``L``.

    Returns
    -------
    float or numpy.ndarray
        Static value minus daily-reset value after two days, per unit invested.

    Examples
    --------
    >>> round(buy_and_hold_gap(0.10, -0.10, 2), 6)
    0.02
    """
    first_return = as_array(first_return, "first_return", minimum=-1.0, minimum_inclusive=False)
    second_return = as_array(second_return, "second_return", minimum=-1.0, minimum_inclusive=False)
    leverage = as_array(leverage, "leverage")
    return _closed_form(
        lambda first_return, second_return, leverage: (leverage - leverage**2) * first_return * second_return,
        first_return=first_return, second_return=second_return, leverage=leverage,
    )


def breakeven_return(cumulative_return: ArrayLike) -> FloatOrArray:
    """Return needed to get back to the starting value after ``cumulative_return``.

    ``1 / (1 + c) - 1``: after a 50% loss a 100% gain is needed. For example a
    2x fund after four -1% index days is down ``1 - 0.98^4``, about 7.76%, and
    needs about +8.42% to recover.

    Parameters
    ----------
    cumulative_return : array_like
        The return suffered so far (decimal), greater than -1.

    Returns
    -------
    float or numpy.ndarray
        The simple return (decimal) that restores the starting value.

    Examples
    --------
    >>> round(breakeven_return(-0.5), 4)
    1.0
    """
    cumulative_return = as_array(
        cumulative_return, "cumulative_return", minimum=-1.0, minimum_inclusive=False
    )
    return _closed_form(
        lambda cumulative_return: 1.0 / (1.0 + cumulative_return) - 1.0, cumulative_return=cumulative_return
    )
