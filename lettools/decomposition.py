"""Where a daily-reset fund's result comes from: yardsticks, variance cost, trades and flows.

The book compares a fund over a period with two yardsticks built from the index's return ``R``
over the same period (no costs):

- the **target**, ``1 + L R``: ``L`` times the period's return, which is what leverage bought
  once and held earns;
- the **no-decay value**, ``(1 + R)^L``: what the fund would be worth had the index reached the
  same end along a path with no variance. Its logarithm is ``L`` times the index's log return.

The no-decay value is never below the target (Bernoulli's inequality, for ``L >= 1`` or
``L <= 0``): their difference is the *convexity gain* that a net move brings. The fund falls short
of the no-decay value by the *variance cost*. The fund beats its target exactly when the variance
cost is below the convexity gain measured in logs, ``ln[(1 + R)^L / (1 + L R)]``, and always when
``1 + L R <= 0``. The variance cost is, exactly,

    ln(no-decay) - ln(fund) = sum_t [L ln(1 + R_t) - ln(1 + L R_t)]
                            = (L^2 - L)/2 sum R_t^2 + (L - L^3)/3 sum R_t^3 + ...

which is never negative for ``L >= 1`` or ``L <= 0`` (each day's term is not), whatever the path.
Returns are simple decimals; rates and volatilities are annual decimals.
"""

from __future__ import annotations

import numpy as np

from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_positive_int, as_returns, as_scalar, check_finite
from .theory import _check_broadcast, _closed_form, _result

__all__ = [
    "effective_leverage",
    "flow_adjusted_trade",
    "offsetting_flow_share",
    "yardstick_decomposition",
    "excess_drift_to_outgrow",
    "rebalancing_trade_pnl",
    "growth_decomposition",
    "monthly_fund_moments",
    "implied_volatility",
]


def effective_leverage(leverage: ArrayLike, index_return: ArrayLike) -> FloatOrArray:
    """Leverage of a position set to ``L`` times assets and left alone while the index moves by ``index_return``.

    ``L (1 + R) / (1 + L R)``: the exposure has moved with the index, the assets with ``L`` times
    it. This is the leverage someone buying a daily-reset fund *during* the day gets until the
    close, after the index has moved ``R`` since the last close (Cheng and Madhavan 2009), and the
    leverage of a fund that resets only once a month, ``R`` into the month. NaN where the position
    has been wiped out (``1 + L R <= 0``).

    Parameters
    ----------
    leverage : array_like
        The multiple ``L`` set at the last reset.
    index_return : array_like
        The index's simple return since that reset, greater than -1.

    Returns
    -------
    float or numpy.ndarray
        The position's leverage ``L (1 + R) / (1 + L R)``; NaN where it has been wiped out.

    References
    ----------
    .. [1] M. Cheng and A. Madhavan, "The dynamics of leveraged and inverse exchange-traded funds", Journal
           of Investment Management 7 (2009), 43-62 (``cheng2009dynamics`` in references.bib).

    Examples
    --------
    >>> round(effective_leverage(3, 0.03), 4)   # a 3x fund bought after a +3% morning
    2.8349
    """
    leverage = as_array(leverage, "leverage")
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    _check_broadcast(leverage=leverage, index_return=index_return)
    with np.errstate(all="ignore"):
        equity = 1.0 + leverage * index_return
        value = np.where(equity > 0.0, leverage * (1.0 + index_return) / equity, np.nan)
    if np.any(np.isinf(value) | (np.isnan(value) & (equity > 0.0))):
        raise ValueError(
            "the result is not a finite float64 for these values of leverage, index_return: they are too extreme"
        )
    return _result(value)


def flow_adjusted_trade(
    assets: ArrayLike,
    leverage: ArrayLike,
    index_return: ArrayLike,
    net_flow: ArrayLike,
) -> FloatOrArray:
    """The day's rebalancing trade with creations and redemptions: ``A (L^2 - L) R + L F``.

    ``F`` is the net cash that authorised participants put into the fund at the close (creations
    positive, redemptions negative), in the unit of ``assets``. The fund needs ``L`` times its new
    assets, ``A (1 + L R) + F``, and holds ``L A (1 + R)``; the difference is the trade (Cheng and
    Madhavan 2009). Positive means buy index exposure.

    Parameters
    ----------
    assets : array_like
        Assets at the previous close, >= 0.
    leverage : array_like
        The daily multiple ``L``.
    index_return : array_like
        The index's return on the day, greater than -1.
    net_flow : array_like
        Net creations (+) or redemptions (-) at the close, in the unit of ``assets``.

    Returns
    -------
    float or numpy.ndarray
        Index exposure to buy (positive) or sell at the close, in the unit of ``assets``.

    References
    ----------
    .. [1] M. Cheng and A. Madhavan, "The dynamics of leveraged and inverse exchange-traded funds", Journal
           of Investment Management 7 (2009), 43-62 (``cheng2009dynamics`` in references.bib).

    Examples
    --------
    >>> round(flow_adjusted_trade(100.0, 3, 0.01, -2.0), 4)   # redemptions of 2 offset the buy of 6
    0.0
    """
    assets = as_array(assets, "assets", minimum=0.0)
    leverage = as_array(leverage, "leverage")
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    net_flow = as_array(net_flow, "net_flow")
    return _closed_form(
        lambda assets, leverage, index_return, net_flow: assets * (leverage**2 - leverage) * index_return
        + leverage * net_flow,
        assets=assets, leverage=leverage, index_return=index_return, net_flow=net_flow,
    )


def offsetting_flow_share(leverage: ArrayLike, index_return: ArrayLike) -> FloatOrArray:
    """Net investor flow, as a share of the previous close's assets, that cancels the rebalancing trade.

    Setting :func:`flow_adjusted_trade` to zero, ``A (L^2 - L) R + L F = 0``, gives
    ``F / A = -(L - 1) R``: a 3x fund needs inflows of 2% of its assets for each 1%
    fall (buying on the dip cancels its sale), and a -2x fund redemptions of 3% for
    each 1% fall. Undefined for ``L = 0`` (no exposure, no trade).

    Parameters
    ----------
    leverage : array_like
        The daily multiple ``L``, non-zero.
    index_return : array_like
        The index's return on the day, greater than -1.

    Returns
    -------
    float or numpy.ndarray
        ``F / A``: positive for creations, negative for redemptions.

    Examples
    --------
    >>> round(offsetting_flow_share(3, -0.03), 4)
    0.06
    """
    leverage = as_array(leverage, "leverage")
    if np.any(leverage == 0.0):
        raise ValueError("leverage must be non-zero: a fund without exposure has no trade to offset")
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    return _closed_form(
        lambda leverage, index_return: -(leverage - 1.0) * index_return,
        leverage=leverage, index_return=index_return,
    )


def yardstick_decomposition(index_returns: ArrayLike, leverage: ArrayLike) -> dict:
    """A daily-reset fund over a path against its two yardsticks, with every term named.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns of the index, one path (1-D) or one path per row (2-D).
    leverage : float
        The daily multiple ``L``; the fund must survive every day (``1 + L R_t > 0``).

    Returns
    -------
    dict
        Floats for one path, arrays for several:

        ``index_return``
            ``R = prod(1 + R_t) - 1``.
        ``fund_return``
            ``prod(1 + L R_t) - 1``.
        ``target_return``
            ``L R``, the target (leverage bought once and held).
        ``no_decay_return``
            ``(1 + R)^L - 1``.
        ``convexity_gain``
            ``no_decay_return - target_return``, >= 0 for ``L >= 1`` or ``L <= 0``.
        ``log_convexity_gain``
            ``ln(1 + no_decay_return) - ln(1 + target_return)``, the same gain in the unit of the
            variance cost: the fund beats its target exactly when ``variance_cost`` is below it.
            ``inf`` where the target is a loss of 100% or more (``1 + L R <= 0``).
        ``variance_cost``
            ``ln(1 + no_decay_return) - ln(1 + fund_return)``, exact.
        ``variance_cost_second_order``
            ``(L^2 - L)/2 sum R_t^2``.
        ``cubic_term``
            ``(L - L^3)/3 sum R_t^3``, the next term of ``variance_cost``.
        ``realized_variance``
            ``sum R_t^2``.

    Examples
    --------
    >>> parts = yardstick_decomposition([0.10, -0.10], 2)
    >>> round(parts["fund_return"], 4), round(parts["target_return"], 4)   # 2x over +10%, -10%
    (-0.04, -0.02)
    """
    returns = as_returns(index_returns)
    leverage = as_scalar(leverage, "leverage")
    if np.any(1.0 + leverage * returns <= 0.0):
        raise ValueError(
            "with this leverage, index_returns include a day on which the fund is wiped out (1 + L R_t <= 0)"
        )
    index_log = np.sum(np.log1p(returns), axis=-1)
    fund_log = np.sum(np.log1p(leverage * returns), axis=-1)
    index_return = np.expm1(index_log)
    no_decay = np.expm1(leverage * index_log)
    target = leverage * index_return
    realized = np.sum(returns**2, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):  # a target at or below -100%: an infinite gain
        log_gain = np.where(1.0 + target > 0.0, leverage * index_log - np.log(np.maximum(1.0 + target, 0.0)), np.inf)
    return {
        "index_return": _result(index_return),
        "fund_return": _result(np.expm1(fund_log)),
        "target_return": _result(target),
        "no_decay_return": _result(no_decay),
        "convexity_gain": _result(no_decay - target),
        "log_convexity_gain": _result(log_gain),
        "variance_cost": _result(leverage * index_log - fund_log),
        "variance_cost_second_order": _result((leverage**2 - leverage) / 2.0 * realized),
        "cubic_term": _result((leverage - leverage**3) / 3.0 * np.sum(returns**3, axis=-1)),
        "realized_variance": _result(realized),
    }


def rebalancing_trade_pnl(index_returns: ArrayLike, leverage: ArrayLike, *, assets: float = 1.0) -> np.ndarray:
    """Profit of each close's rebalancing trade, marked from that close to the end of the path.

    The trade at close ``s`` buys ``A_{s-1} (L^2 - L) R_s`` of exposure, which then earns
    ``S_T / S_s - 1``. The sum over all closes is exactly the fund's value minus the target's
    (leverage bought once and held), both starting from ``assets``: a daily-reset fund *is* the
    held position plus its rebalancing trades. No costs; the fund must survive every day.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns of the index (1-D).
    leverage : float
        The daily multiple ``L``.
    assets : float
        Starting assets, > 0.

    Returns
    -------
    numpy.ndarray
        One profit per day, in the unit of ``assets``.

    Examples
    --------
    >>> rebalancing_trade_pnl([0.10, -0.10], 2).round(6).tolist()
    [-0.02, -0.0]
    """
    returns = as_returns(index_returns, ndim=(1,))
    leverage = as_scalar(leverage, "leverage")
    assets = as_scalar(assets, "assets", minimum=0.0, minimum_inclusive=False)
    if np.any(1.0 + leverage * returns <= 0.0):
        raise ValueError(
            "with this leverage, index_returns include a day on which the fund is wiped out (1 + L R_t <= 0)"
        )
    fund_before = assets * np.concatenate(([1.0], np.cumprod(1.0 + leverage * returns)[:-1]))
    trades = fund_before * (leverage**2 - leverage) * returns
    index_level = np.cumprod(1.0 + returns)
    return trades * (index_level[-1] / index_level - 1.0)


def growth_decomposition(
    leverage: ArrayLike,
    mu: ArrayLike,
    sigma: ArrayLike,
    *,
    rate: ArrayLike = 0.0,
    expense_ratio: ArrayLike = 0.0,
) -> dict:
    """The fund's long-run log growth rate ``g(L)`` split into named parts (annual decimals).

    Under geometric Brownian motion with arithmetic drift ``mu`` and volatility ``sigma``:

        g(L) = L (mu - sigma^2/2) - (L^2 - L) sigma^2 / 2 + (1 - L) r - f

    ``index_term`` is ``L`` times the index's own log growth rate, ``variance_cost`` the decay
    (entered with a minus sign), ``financing`` the rate paid on the borrowed part (or earned on
    the cash of an inverse fund), ``fees`` the expense ratio. ``growth`` is their sum. The
    financing spread is left to the chapter on costs.

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
    dict
        ``index_term``, ``variance_cost``, ``financing``, ``fees`` and ``growth`` (annual log
        growth, decimals): floats for scalar inputs, arrays of the broadcast shape otherwise.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> parts = growth_decomposition(3, 0.08, 0.2, rate=0.02)
    >>> {k: round(v, 4) for k, v in parts.items()}
    {'index_term': 0.18, 'variance_cost': 0.12, 'financing': -0.04, 'fees': 0.0, 'growth': 0.02}
    """
    leverage = as_array(leverage, "leverage")
    mu = as_array(mu, "mu")
    sigma = as_array(sigma, "sigma", minimum=0.0)
    rate = as_array(rate, "rate")
    expense_ratio = as_array(expense_ratio, "expense_ratio", minimum=0.0)
    inputs = {"leverage": leverage, "mu": mu, "sigma": sigma, "rate": rate, "expense_ratio": expense_ratio}
    return {
        "index_term": _closed_form(lambda leverage, mu, sigma, **_: leverage * (mu - sigma**2 / 2.0), **inputs),
        "variance_cost": _closed_form(
            lambda leverage, sigma, **_: (leverage**2 - leverage) * sigma**2 / 2.0, **inputs
        ),
        "financing": _closed_form(lambda leverage, rate, **_: (1.0 - leverage) * rate, **inputs),
        "fees": _closed_form(lambda leverage, expense_ratio, **_: expense_ratio + 0.0 * leverage, **inputs),
        "growth": _closed_form(
            lambda leverage, mu, sigma, rate, expense_ratio: leverage * (mu - sigma**2 / 2.0)
            - (leverage**2 - leverage) * sigma**2 / 2.0 + (1.0 - leverage) * rate - expense_ratio,
            **inputs,
        ),
    }


def excess_drift_to_outgrow(leverage: ArrayLike, reference: ArrayLike, sigma: ArrayLike) -> FloatOrArray:
    """The excess drift ``mu - r`` above which a fund at ``leverage`` grows faster than one at ``reference``.

    From :func:`growth_decomposition`, ``g(L) - g(M) = (L - M) [(mu - r) - (L + M) sigma^2 / 2]``
    (the fee cancels), so for ``L > M`` the higher leverage grows faster exactly when
    ``mu - r > (L + M) sigma^2 / 2``. Against the index (``M = 1``) a 3x fund needs ``2 sigma^2``.

    Parameters
    ----------
    leverage, reference : array_like
        The two daily multiples, ``leverage > reference``.
    sigma : array_like
        The index's annual volatility, decimal, >= 0.

    Returns
    -------
    float or numpy.ndarray
        The threshold for ``mu - r``, annual decimal.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> round(excess_drift_to_outgrow(3, 1, 0.2), 4)
    0.08
    """
    leverage = as_array(leverage, "leverage")
    reference = as_array(reference, "reference")
    sigma = as_array(sigma, "sigma", minimum=0.0)
    _check_broadcast(leverage=leverage, reference=reference, sigma=sigma)
    if np.any(leverage <= reference):
        raise ValueError("leverage must be above reference: the comparison is of the higher leverage against the lower")
    return _closed_form(
        lambda leverage, reference, sigma: (leverage + reference) * sigma**2 / 2.0,
        leverage=leverage, reference=reference, sigma=sigma,
    )


def monthly_fund_moments(leverage: ArrayLike, monthly_mean: ArrayLike, monthly_sd: ArrayLike, n_days: int = 21) -> dict:
    """Exact mean and standard deviation of a daily-reset fund's month, for independent days.

    The index's ``n_days`` daily returns are independent and identically distributed, with the
    daily mean ``m`` and variance ``v`` that compound to the given monthly mean and standard
    deviation: ``(1 + m)^n = 1 + M`` and ``((1 + m)^2 + v)^n = (1 + M)^2 + S^2``. Then the fund's
    month has mean ``(1 + L m)^n - 1`` and second moment ``((1 + L m)^2 + L^2 v)^n``, whatever the
    shape of the daily distribution. No costs.

    Parameters
    ----------
    leverage : array_like
        The daily multiple ``L``.
    monthly_mean : array_like
        The index's mean simple return over a month (decimal), greater than -1.
    monthly_sd : array_like
        Standard deviation of the index's monthly simple return (decimal), >= 0.
    n_days : int
        Trading days in a month.

    Returns
    -------
    dict
        ``daily_mean``, ``daily_sd``, ``fund_mean``, ``fund_sd`` and, for comparison, ``target_mean``
        and ``target_sd`` (``L`` times the index's month: ``L M`` and ``|L| S``).

    Examples
    --------
    >>> m = monthly_fund_moments(3, 0.01, 0.05)   # 3x, index +1% a month with a 5% sd
    >>> round(m["fund_mean"], 4), round(m["fund_sd"], 4), round(m["target_sd"], 4)
    (0.0303, 0.1536, 0.15)
    """
    leverage = as_scalar(leverage, "leverage")
    monthly_mean = as_scalar(monthly_mean, "monthly_mean", minimum=-1.0, minimum_inclusive=False)
    monthly_sd = as_scalar(monthly_sd, "monthly_sd", minimum=0.0)
    if isinstance(n_days, (float, np.floating)):
        raise TypeError(f"n_days must be a positive whole number of days, got {n_days!r}")
    n_days = as_positive_int(n_days, "n_days")
    with np.errstate(all="ignore"):
        gross = np.float64(1.0 + monthly_mean) ** (1.0 / n_days)
        second = (np.float64(1.0 + monthly_mean) ** 2 + np.float64(monthly_sd) ** 2) ** (1.0 / n_days)
        # Rounding can leave a zero variance a hair below zero.
        daily_mean, daily_variance = gross - 1.0, max(second - gross**2, 0.0)
        fund_gross = 1.0 + leverage * daily_mean
        fund_mean = fund_gross**n_days
        fund_second = (fund_gross**2 + np.float64(leverage) ** 2 * daily_variance) ** n_days
        result = {
            "daily_mean": float(daily_mean),
            "daily_sd": float(np.sqrt(daily_variance)),
            "fund_mean": float(fund_mean - 1.0),
            "fund_sd": float(np.sqrt(max(fund_second - fund_mean**2, 0.0))),
            "target_mean": leverage * monthly_mean,
            "target_sd": abs(leverage) * monthly_sd,
        }
    check_finite(list(result.values()), "leverage", "monthly_mean", "monthly_sd", "n_days")
    return result


def implied_volatility(
    index_return: ArrayLike,
    fund_return: ArrayLike,
    leverage: ArrayLike,
    *,
    years: ArrayLike = 1.0,
) -> FloatOrArray:
    """The realised volatility that the Avellaneda-Zhang relation needs to turn an index return into a fund return.

    Solving ``1 + F = (1 + R)^L exp((L - L^2)/2 sigma^2 T)`` for ``sigma`` (no financing, no fees):

        sigma = sqrt(2 [L ln(1 + R) - ln(1 + F)] / ((L^2 - L) T))

    Parameters
    ----------
    index_return, fund_return : array_like
        The index's and the fund's returns over the period, each greater than -1.
    leverage : array_like
        The daily multiple, outside ``[0, 1]``.
    years : array_like
        Length of the period in years, > 0.

    Returns
    -------
    float or numpy.ndarray
        Annualised volatility; NaN where the fund did *better* than the no-decay value, which no
        volatility explains.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> from lettools import fund_return
    >>> observed = fund_return(0.1, 0.25, 3)
    >>> round(implied_volatility(0.1, observed, 3), 6)
    0.25
    """
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    fund_return = as_array(fund_return, "fund_return", minimum=-1.0, minimum_inclusive=False)
    leverage = as_array(leverage, "leverage")
    years = as_array(years, "years", minimum=0.0, minimum_inclusive=False)
    _check_broadcast(index_return=index_return, fund_return=fund_return, leverage=leverage, years=years)
    if np.any((leverage >= 0.0) & (leverage <= 1.0)):
        raise ValueError("leverage must lie outside [0, 1]: only then does volatility cost the fund anything")
    with np.errstate(all="ignore"):
        cost = leverage * np.log1p(index_return) - np.log1p(fund_return)
        value = np.where(cost >= 0.0, np.sqrt(2.0 * np.maximum(cost, 0.0) / ((leverage**2 - leverage) * years)), np.nan)
    if np.any(np.isinf(value) | (np.isnan(value) & ~(cost < 0.0))):
        raise ValueError(
            "the result is not a finite float64 for these values of index_return, fund_return, leverage,"
            " years: they are too extreme"
        )
    return _result(value)
