"""What a leveraged fund costs its holders: financing, fees and the daily rebalance.

Every annual *drag* here is measured against ``L`` times the index's *total*
return ``R`` (price change plus dividends reinvested), which is what a total
return swap pays: a fund whose daily return is exactly ``L * R`` has zero drag.
On that yardstick a daily-reset fund's year costs, as decimals of its assets,

* financing ``(L - 1) * rate + spread_fraction(L, spread_basis) * spread``: the
  benchmark rate on the borrowed part, plus the dealer's spread on the swap
  notional ``|L|`` (``spread_basis="notional"``, the default) or on the borrowed
  part only (``"borrowed"``; see :mod:`lettools._conventions`). For ``L < 1`` the
  first term is negative: the fund holds ``(1 - L)`` of its assets in cash (an
  inverse fund also receives interest on its short notional), and that
  interest is a credit;
* the expense ratio;
* trading: the cost of the daily rebalancing trade ``A (L^2 - L) R``.

Against ``L`` times the *price* return instead, a fund that receives the total
return would also show a credit of ``L * q`` a year, ``q`` the dividend yield
(about 2% for the S&P 500 in the 2010s, so 6% for a 3x fund); no function here
includes it. Index data without dividends, such as the price series that
install with the book, simulate a fund whose swap pays the price return only.

Money amounts are in whatever currency unit ``assets`` is given in.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

import numpy as np

from ._conventions import check_spread_basis, spread_fraction
from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_positive_int, as_returns, as_scalar, check_finite
from .fund import simulate_fund
from .theory import _check_broadcast, _closed_form, rebalance_flow

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "leveraged_etf_maintenance_margin",
    "financing_cost",
    "cost_breakdown",
    "cost_over_horizon",
    "fund_year_pnl",
    "diy_leverage_cost",
    "rebalance_trading_cost",
    "tracking_and_divergence",
    "tracking_summary",
    "margin_leverage_cap",
    "margin_call_fall",
    "round_trip_drag",
    "fee_table",
    "DRAG_HORIZONS",
    "drag_profile",
    "drag_profile_grid",
]

_COMPONENTS = ["financing", "expense_ratio", "trading", "total"]


def _scalar_or_array(values: np.ndarray):
    return float(values) if np.ndim(values) == 0 else values


def financing_cost(
    assets: ArrayLike, leverage: ArrayLike, rate: float, *, spread: float = 0.0, spread_basis: str = "notional"
) -> FloatOrArray:
    """Money a fund pays for its leverage in a year (negative: interest it earns).

    A long fund (``L > 1``) pays ``rate`` on the borrowed ``(L - 1) * assets``. A
    fund with ``L < 1`` holds ``(1 - L) * assets`` of cash (an inverse fund's own
    assets plus the interest leg of its short swaps) and earns ``rate`` on it, so
    the benchmark part is negative. The dealer's spread is charged on the swap
    notional ``|L| * assets`` (``spread_basis="notional"``) or, for a fund that holds
    the index and borrows the rest, on ``(L - 1) * assets`` (``"borrowed"``; an
    inverse fund still pays it on ``|L| * assets``).
    In one formula: ``assets * ((L - 1) * rate + spread_fraction(L, spread_basis) * spread)``.

    Parameters
    ----------
    assets : float or array_like
        Fund assets (net asset value), money, >= 0.
    leverage : float or array_like
        Daily leverage target ``L`` (3 for a 3x fund, -1 for an inverse fund).
        Broadcasts against ``assets``.
    rate : float
        Benchmark financing rate (for example an overnight rate), annual decimal.
    spread : float, default 0.0
        Dealer's spread over the benchmark, annual decimal, >= 0.
    spread_basis : {"notional", "borrowed"}, default "notional"
        What the spread is paid on (see :func:`lettools.simulate_fund`).

    Returns
    -------
    float or numpy.ndarray
        Financing cost per year, money. Example 4.1: ``financing_cost(100e6, 3, 0.07)``
        is 14 million, a 14% drag on assets.

    Examples
    --------
    >>> round(financing_cost(100.0, 3, 0.05, spread=0.005), 4)
    11.5
    """
    assets = as_array(assets, "assets", minimum=0.0)
    leverage = as_array(leverage, "leverage")
    rate = as_scalar(rate, "rate")
    spread = as_scalar(spread, "spread", minimum=0.0)
    spread_basis = check_spread_basis(spread_basis)
    return _closed_form(
        lambda assets, leverage, rate, spread: assets
        * ((leverage - 1.0) * rate + spread_fraction(leverage, spread_basis) * spread),
        assets=assets, leverage=leverage, rate=rate, spread=spread,
    )


def cost_breakdown(
    leverage: ArrayLike,
    *,
    rate: float,
    expense_ratio: float,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    sigma: float = 0.0,
    periods_per_year: int = 252,
) -> pd.Series | pd.DataFrame:
    """Annual drag of a daily-reset fund, by source, as decimals of its assets.

    The drag is measured against ``L`` times the index's total return (see the
    module notes): ``financing = (L - 1) * rate + spread_fraction(L, spread_basis) * spread``
    (negative for ``L < 1``: interest earned on cash), ``expense_ratio``, and
    ``trading = trading_cost * |L^2 - L| * E|R| * periods_per_year``, the cost of
    the daily rebalancing trade ``A |L^2 - L| |R|`` with
    ``E|R| = sigma / sqrt(periods_per_year) * sqrt(2 / pi)`` for normal
    daily returns with zero mean.

    Parameters
    ----------
    leverage : float or array_like
        Daily leverage target(s) ``L``; an array gives one row per leverage.
    rate : float
        Benchmark financing rate, annual decimal.
    expense_ratio : float
        The fund's expense ratio, annual decimal, >= 0 (0.0095 for 0.95%).
    spread : float, default 0.0
        Financing spread over ``rate``, annual decimal, >= 0.
    spread_basis : {"notional", "borrowed"}, default "notional"
        What the spread is paid on (see :func:`lettools.simulate_fund`).
    trading_cost : float, default 0.0
        Cost per unit of money traded in the rebalance (half the bid-ask spread
        plus impact), decimal, >= 0 (0.0005 for 5 basis points).
    sigma : float, default 0.0
        Index volatility, annual decimal, >= 0; only the trading cost uses it.
    periods_per_year : int, default 252
        Trading days in a year.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        For a scalar ``leverage``, a Series indexed ``financing``,
        ``expense_ratio``, ``trading``, ``total`` (annual decimals of assets);
        for an array, a DataFrame with those columns and one row per leverage
        (index named ``leverage``).

    Examples
    --------
    >>> cost_breakdown(3, rate=0.05, expense_ratio=0.0095).round(4).to_dict()
    {'financing': 0.1, 'expense_ratio': 0.0095, 'trading': 0.0, 'total': 0.1095}
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    leverage = as_array(leverage, "leverage", ndim=(0, 1))
    rate = as_scalar(rate, "rate")
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)
    spread = as_scalar(spread, "spread", minimum=0.0)
    spread_basis = check_spread_basis(spread_basis)
    trading_cost = as_scalar(trading_cost, "trading_cost", minimum=0.0)
    sigma = as_scalar(sigma, "sigma", minimum=0.0)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")

    with np.errstate(all="ignore"):
        financing = (leverage - 1.0) * rate + spread_fraction(leverage, spread_basis) * spread
        mean_abs_daily_return = sigma / math.sqrt(periods_per_year) * math.sqrt(2.0 / math.pi)
        trading = trading_cost * np.abs(leverage**2 - leverage) * mean_abs_daily_return * periods_per_year
        expense = np.broadcast_to(expense_ratio, leverage.shape)
        table = np.stack(
            np.broadcast_arrays(financing, expense, trading, financing + expense + trading), axis=-1
        )
    check_finite(table, "leverage", "rate", "expense_ratio", "spread", "trading_cost", "sigma")
    if leverage.ndim == 0:
        return pd.Series(table, index=_COMPONENTS, name=float(leverage))
    return pd.DataFrame(table, columns=_COMPONENTS, index=pd.Index(leverage, name="leverage"))


def cost_over_horizon(drag: ArrayLike, years: ArrayLike) -> float | pd.Series | pd.DataFrame:
    """Share of a holding's final value lost to an annual drag over a holding period.

    The drag is treated as a continuously compounded rate: the holding ends at
    ``exp(-drag * years)`` times what it would be worth with no drag, so the
    share lost is ``1 - exp(-drag * years)``. (A fund deducting ``drag /
    periods_per_year`` every day compounds to within ``drag**2 / (2 *
    periods_per_year)`` a year of this.) A negative drag, such as the interest
    an inverse fund earns when rates are high, gives a negative share: a gain.

    Parameters
    ----------
    drag : float, pandas.Series or pandas.DataFrame
        Total annual drag, decimal; or the output of :func:`cost_breakdown`,
        whose ``total`` is used.
    years : float or array_like
        Holding period(s) in years, >= 0.

    Returns
    -------
    float, pandas.Series or pandas.DataFrame
        A float for a scalar drag and scalar ``years``; otherwise indexed by
        ``years`` (named ``years``), one column per leverage when ``drag`` is a
        DataFrame from :func:`cost_breakdown`.

    Examples
    --------
    >>> round(cost_over_horizon(0.05, 10), 4)
    0.3935
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    years_array = as_array(years, "years", ndim=(0, 1), minimum=0.0)
    if isinstance(drag, pd.DataFrame):
        if "total" not in drag.columns:
            raise ValueError("drag: a DataFrame must be the output of cost_breakdown (a 'total' column)")
        totals = as_array(drag["total"], "drag")
        with np.errstate(all="ignore"):
            lost = check_finite(1.0 - np.exp(-np.outer(np.atleast_1d(years_array), totals)), "drag", "years")
        return pd.DataFrame(
            lost, index=pd.Index(np.atleast_1d(years_array), name="years"), columns=drag.index
        )
    if isinstance(drag, pd.Series):
        if "total" not in drag.index:
            raise ValueError("drag: a Series must be the output of cost_breakdown (a 'total' entry)")
        drag = drag["total"]
    total = as_scalar(drag, "drag")
    with np.errstate(all="ignore"):
        lost = check_finite(1.0 - np.exp(-total * years_array), "drag", "years")
    if years_array.ndim == 0:
        return float(lost)
    return pd.Series(lost, index=pd.Index(years_array, name="years"), name="share_lost")


def fund_year_pnl(
    assets: float,
    leverage: float,
    index_return: float,
    *,
    rate: float,
    transaction_cost_rate: float,
    expense_ratio: float,
) -> pd.Series:
    """One-period profit and loss of a leveraged fund, with its costs, then its rebalance.

    This is the single-step accounting of a year used in explainers (Example 4.2),
    not a daily-reset path: the index moves once by ``index_return``, the year's
    costs are charged once, and the fund then resets its exposure to ``L`` times
    its new assets.

    * exposure ``L * A``; borrowed ``(L - 1) * A`` (negative: cash held);
    * interest ``rate * borrowed`` (negative: interest earned);
    * transaction costs ``transaction_cost_rate * |exposure|``;
    * management fee ``expense_ratio * A``;
    * net gain ``exposure * index_return - costs``; new assets ``A + net gain``;
      when that is negative the fund is wiped out, as in :func:`lettools.simulate_fund`:
      new assets 0, net gain ``-A``, return -100%, and the rebalance sells all the exposure;
    * rebalancing trade: new target exposure ``L * new assets`` minus the
      exposure after the move, ``exposure * (1 + index_return)`` (negative: sell).

    Parameters
    ----------
    assets : float
        Fund assets at the start, money, > 0.
    leverage : float
        Leverage ``L``.
    index_return : float
        The index's simple return over the period, decimal, > -1.
    rate : float
        Interest rate on the borrowed part, decimal for the period.
    transaction_cost_rate : float
        Trading costs as a share of exposure for the period, decimal, >= 0.
    expense_ratio : float
        Fees as a share of assets for the period, decimal, >= 0 (reported as ``management_fee``).

    Returns
    -------
    pandas.Series
        ``exposure``, ``borrowed``, ``interest``, ``transaction_costs``,
        ``management_fee``, ``total_costs``, ``index_gain``, ``net_gain`` (money),
        ``return_on_assets`` (decimal), ``new_assets``, ``exposure_after_move``,
        ``new_exposure``, ``rebalance_trade`` (money).

    Examples
    --------
    >>> pnl = fund_year_pnl(
    ...     100.0, 3, 0.10, rate=0.05, transaction_cost_rate=0.001, expense_ratio=0.0095
    ... )
    >>> pnl[["interest", "total_costs", "net_gain", "rebalance_trade"]].round(4).tolist()
    [10.0, 11.25, 18.75, 26.25]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    assets = as_scalar(assets, "assets", minimum=0.0, minimum_inclusive=False)
    leverage = as_scalar(leverage, "leverage")
    index_return = as_scalar(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    rate = as_scalar(rate, "rate")
    transaction_cost_rate = as_scalar(transaction_cost_rate, "transaction_cost_rate", minimum=0.0)
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)

    exposure = leverage * assets
    borrowed = (leverage - 1.0) * assets
    interest = rate * borrowed
    trading = transaction_cost_rate * abs(exposure)
    fee = expense_ratio * assets
    total_costs = interest + trading + fee
    index_gain = exposure * index_return
    # A loss beyond the assets wipes the fund out, as a day's in simulate_fund does: its
    # holders lose what they put in and no more (limited liability), and it holds nothing after.
    new_assets = max(assets + index_gain - total_costs, 0.0)
    net_gain = new_assets - assets
    exposure_after_move = exposure * (1.0 + index_return)
    new_exposure = leverage * new_assets
    check_finite(
        [exposure, total_costs, index_gain, new_exposure - exposure_after_move],
        "assets", "leverage", "index_return", "rate", "transaction_cost_rate", "expense_ratio",
    )
    return pd.Series(
        {
            "exposure": exposure,
            "borrowed": borrowed,
            "interest": interest,
            "transaction_costs": trading,
            "management_fee": fee,
            "total_costs": total_costs,
            "index_gain": index_gain,
            "net_gain": net_gain,
            "return_on_assets": net_gain / assets,
            "new_assets": new_assets,
            "exposure_after_move": exposure_after_move,
            "new_exposure": new_exposure,
            "rebalance_trade": new_exposure - exposure_after_move,
        },
        name="fund_year_pnl",
    )


def diy_leverage_cost(leverage: ArrayLike, *, borrow_rate: float, other_costs: float = 0.0) -> pd.Series | pd.DataFrame:
    """Annual drag of building ``L`` x exposure yourself, as decimals of your own capital.

    Holding ``L`` times your capital in the index means borrowing ``L - 1``
    times it. Through a broker's margin loan, ``borrow_rate`` is the margin
    rate, charged on the borrowed part only. Through futures, ``borrow_rate``
    is the benchmark rate, and the futures basis ``b`` (the financing rate
    implied by the futures price minus the benchmark) must be added as
    ``other_costs = L * b``: the future's price carries the implied rate on the
    whole notional ``L``, so the basis, like a swap spread, falls on all of it
    (a 3x position with ``b = 0.0025`` pays ``0.0075``, not ``0.0050``). On the
    same yardstick as :func:`cost_breakdown` (against ``L`` times the index's
    total return, dividends included) the drag is ``(L - 1) * borrow_rate + other_costs``. Compare it
    with a fund's ``total``. Unlike the fund, a position you do not rebalance has
    static leverage, which drifts as the index moves.

    Parameters
    ----------
    leverage : float or array_like
        Leverage ``L``, >= 1 (this covers borrowing to go long, not shorting).
    borrow_rate : float
        Your financing rate, annual decimal. No market rate is assumed: pass the
        one you would actually pay.
    other_costs : float, default 0.0
        Any further annual costs (the futures basis on the whole notional,
        ``L * b``; commissions, futures roll, your own rebalancing), annual
        decimal of capital, >= 0.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``financing``, ``other``, ``total``: a Series for a scalar leverage, a
        DataFrame indexed by ``leverage`` otherwise.

    Examples
    --------
    >>> diy_leverage_cost(2, borrow_rate=0.06).round(4).to_dict()
    {'financing': 0.06, 'other': 0.0, 'total': 0.06}
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    leverage = as_array(leverage, "leverage", ndim=(0, 1), minimum=1.0)
    borrow_rate = as_scalar(borrow_rate, "borrow_rate")
    other_costs = as_scalar(other_costs, "other_costs", minimum=0.0)
    financing = (leverage - 1.0) * borrow_rate
    table = np.stack(
        np.broadcast_arrays(financing, other_costs, financing + other_costs), axis=-1
    )
    columns = ["financing", "other", "total"]
    if leverage.ndim == 0:
        return pd.Series(table, index=columns, name=float(leverage))
    return pd.DataFrame(table, columns=columns, index=pd.Index(leverage, name="leverage"))


def rebalance_trading_cost(
    assets: ArrayLike, leverage: ArrayLike, index_return: ArrayLike, trading_cost: float
) -> FloatOrArray:
    """Money spent on one day's rebalancing trade: ``trading_cost * |A (L^2 - L) R|``.

    Parameters
    ----------
    assets : float or array_like
        Fund assets at the previous close, money.
    leverage : float or array_like
        Leverage ``L``.
    index_return : float or array_like
        The day's index return, decimal.
    trading_cost : float
        Cost per unit of money traded (half the bid-ask spread plus impact), decimal, >= 0.

    Returns
    -------
    float or numpy.ndarray
        The cost, in the unit of ``assets``.

    Examples
    --------
    A 3x fund of 100 million after a 2% day trades 12 million; at 2 basis points that costs 2,400:

    >>> round(rebalance_trading_cost(100e6, 3, 0.02, 0.0002), 6)
    2400.0
    """
    trading_cost = as_scalar(trading_cost, "trading_cost", minimum=0.0)
    return _scalar_or_array(trading_cost * np.abs(rebalance_flow(assets, leverage, index_return)))


def tracking_and_divergence(
    returns: ArrayLike | pd.Series,
    leverage: float,
    *,
    rate: ArrayLike = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
) -> pd.DataFrame:
    """Day by day: a simulated fund's tracking difference against ``L`` x the day's index return, and the long-run gap.

    Parameters
    ----------
    returns : array_like or pandas.Series
        The index's daily simple returns; a Series keeps its dates as the index.
        Give total returns for a swap-based fund's target; price returns
        simulate a fund whose swap pays the price change only.
    leverage : float
        Leverage ``L``.
    rate, expense_ratio, spread, spread_basis, trading_cost
        As in :func:`lettools.simulate_fund`.

    Returns
    -------
    pandas.DataFrame
        One row per day: ``tracking_difference_bp``, the fund's return minus
        ``L`` times the index's return that day, in basis points (the daily
        tracking difference; its standard deviation is the tracking error);
        ``fund_cumulative``, the fund's return since the start, and
        ``target_cumulative``, ``L`` times the index's return since the start
        (both decimals; their difference is the performance divergence). A
        fund wiped out (its assets floored at zero by :func:`lettools.simulate_fund`)
        has a return of 0 on every later day.

    Examples
    --------
    With no costs a 2x fund tracks each day exactly, yet after +10% and -10% it
    is down 4% while twice the index's return is -2%:

    >>> frame = tracking_and_divergence([0.10, -0.10], 2)
    >>> bool(abs(frame["tracking_difference_bp"]).max() < 1e-9)
    True
    >>> round(float(frame["fund_cumulative"].iloc[-1]), 6), round(float(frame["target_cumulative"].iloc[-1]), 6)
    (-0.04, -0.02)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    values = as_returns(returns, "returns", ndim=(1,))
    dates = returns.index if isinstance(returns, pd.Series) else pd.RangeIndex(1, values.size + 1, name="day")
    leverage = as_scalar(leverage, "leverage")
    nav = simulate_fund(values, leverage, rate=rate, expense_ratio=expense_ratio, spread=spread,
                        spread_basis=spread_basis, trading_cost=trading_cost)
    previous = nav[:-1]
    # After a wipeout the fund holds nothing: its return is 0 on every later day.
    fund_daily = np.divide(nav[1:], previous, out=np.ones_like(previous), where=previous > 0.0) - 1.0
    index_level = np.cumprod(1.0 + values)
    return pd.DataFrame(
        {
            "tracking_difference_bp": (fund_daily - leverage * values) * 1e4,
            "fund_cumulative": nav[1:] - 1.0,
            "target_cumulative": leverage * (index_level - 1.0),
        },
        index=dates,
    )


def tracking_summary(frame: pd.DataFrame, *, periods_per_year: int = 252) -> pd.Series:
    """Tracking difference, tracking error and performance divergence from :func:`tracking_and_divergence`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`tracking_and_divergence`.
    periods_per_year : int, default 252
        Trading days in a year, to annualise the mean tracking difference.

    Returns
    -------
    pandas.Series
        ``days``; ``mean_tracking_difference_bp`` and ``tracking_error_bp``
        (the mean and the standard deviation of the daily tracking difference,
        basis points); ``annual_tracking_difference`` (the mean daily tracking
        difference times ``periods_per_year``, decimal); ``fund_return`` and
        ``target_return`` (over the whole period, decimals); and ``divergence``,
        their difference.

    Examples
    --------
    >>> summary = tracking_summary(tracking_and_divergence([0.10, -0.10], 2))
    >>> round(float(summary["divergence"]), 6)
    -0.02
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    required = {"tracking_difference_bp", "fund_cumulative", "target_cumulative"}
    if not isinstance(frame, pd.DataFrame) or not required <= set(frame.columns):
        raise ValueError("frame must be the output of tracking_and_divergence")
    if len(frame) == 0:
        raise ValueError("frame must hold at least one day")
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    fund, target = float(frame["fund_cumulative"].iloc[-1]), float(frame["target_cumulative"].iloc[-1])
    return pd.Series(
        {
            "days": float(len(frame)),
            "mean_tracking_difference_bp": float(frame["tracking_difference_bp"].mean()),
            "tracking_error_bp": float(frame["tracking_difference_bp"].std(ddof=1)),
            "annual_tracking_difference": float(frame["tracking_difference_bp"].mean()) * 1e-4 * periods_per_year,
            "fund_return": fund,
            "target_return": target,
            "divergence": fund - target,
        },
        name="tracking_summary",
    )


def margin_leverage_cap(initial_margin: float) -> float:
    """Largest leverage a margin account allows at purchase: ``1 / initial_margin``.

    Regulation T's initial margin of 50% (``initial_margin=0.5``) caps a standard
    account at 2x: you put up at least half of what you buy.

    Parameters
    ----------
    initial_margin : float
        Equity required at purchase as a share of the position, decimal in (0, 1].

    Returns
    -------
    float
        The largest leverage at purchase.

    Examples
    --------
    >>> margin_leverage_cap(0.5)
    2.0
    """
    initial_margin = as_scalar(initial_margin, "initial_margin", minimum=0.0, minimum_inclusive=False, maximum=1.0)
    return 1.0 / initial_margin


def margin_call_fall(leverage: ArrayLike, maintenance_margin: float) -> FloatOrArray:
    """Index fall that brings a margin position of ``leverage`` to its maintenance margin.

    Buying ``L`` per unit of equity borrows ``L - 1``. After the index falls by
    ``x`` the position is worth ``L (1 - x)`` and the equity ``L (1 - x) - (L - 1)``;
    the broker calls for more when equity falls to ``maintenance_margin`` of the
    position's value: ``x = 1 - (L - 1) / (L (1 - maintenance_margin))``.

    Parameters
    ----------
    leverage : float or array_like
        Leverage at purchase, >= 1 and at most ``1 / maintenance_margin`` (above it
        the position is below its maintenance margin at purchase).
    maintenance_margin : float
        Equity required as a share of the position's value, decimal in [0, 1).

    Returns
    -------
    float or numpy.ndarray
        The fall, as a positive decimal (0.25 is a 25% fall).

    Examples
    --------
    At 2x and a 25% maintenance margin, a fall of a third triggers the call:

    >>> round(margin_call_fall(2.0, 0.25), 6)
    0.333333
    """
    leverage = as_array(leverage, "leverage", minimum=1.0)
    maintenance_margin = as_scalar(maintenance_margin, "maintenance_margin", minimum=0.0, maximum=1.0)
    if maintenance_margin == 1.0:
        raise ValueError("maintenance_margin must be < 1")
    if np.any((leverage - 1.0) > leverage * (1.0 - maintenance_margin)):
        raise ValueError("leverage must be at most 1 / maintenance_margin: above it the position is called at purchase")
    fall = 1.0 - (leverage - 1.0) / (leverage * (1.0 - maintenance_margin))
    return _scalar_or_array(fall)


def leveraged_etf_maintenance_margin(fund_leverage: ArrayLike, base_margin: float = 0.25) -> FloatOrArray:
    """FINRA's maintenance margin on a long position in a leveraged ETF.

    Since 1 December 2009 (FINRA Regulatory Notice 09-53, now in FINRA Rule 4210)
    the maintenance requirement on a leveraged ETF is the normal requirement
    times the fund's leverage factor, not above 100% of the position's value:
    ``min(1, |L| base_margin)``. An inverse fund counts by its magnitude.

    Parameters
    ----------
    fund_leverage : float or array_like
        The fund's daily leverage factor ``L`` (2 for a 2x fund, -3 for a -3x fund),
        nonzero.
    base_margin : float, default 0.25
        The normal maintenance requirement for a long ETF position, decimal in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        Required equity as a share of the position's value.

    Examples
    --------
    >>> float(leveraged_etf_maintenance_margin(2)), float(leveraged_etf_maintenance_margin(3))
    (0.5, 0.75)
    >>> float(leveraged_etf_maintenance_margin(-5))
    1.0
    """
    fund_leverage = as_array(fund_leverage, "fund_leverage")
    if np.any(fund_leverage == 0):
        raise ValueError("fund_leverage must be nonzero")
    base_margin = as_scalar(base_margin, "base_margin", minimum=0.0, maximum=1.0)
    if base_margin == 0.0:
        raise ValueError("base_margin must be > 0")
    return _scalar_or_array(np.minimum(1.0, np.abs(fund_leverage) * base_margin))


def round_trip_drag(quoted_spread: ArrayLike, holding_days: ArrayLike, *, periods_per_year: int = 252) -> FloatOrArray:
    """What buying at the ask and selling at the bid costs, per year held.

    A round trip pays the whole quoted bid-ask spread (half on the way in, half
    on the way out), as a share of the price; spread over a holding of
    ``holding_days`` trading days that is ``quoted_spread * periods_per_year /
    holding_days`` a year. A change in the fund's premium or discount to its
    NAV between purchase and sale comes on top, in either direction.

    Parameters
    ----------
    quoted_spread : float or array_like
        Ask minus bid, as a share of the mid price, decimal (0.0001 is 1 basis point), >= 0.
    holding_days : float or array_like
        Trading days held, > 0.
    periods_per_year : int, default 252
        Trading days in a year.

    Returns
    -------
    float or numpy.ndarray
        The annual drag, decimal.

    Examples
    --------
    A 10 basis point spread paid on a one-month (21-day) holding costs 1.2% a year:

    >>> round(round_trip_drag(0.0010, 21), 6)
    0.012
    """
    quoted_spread = as_array(quoted_spread, "quoted_spread", minimum=0.0)
    holding_days = as_array(holding_days, "holding_days", minimum=0.0, minimum_inclusive=False)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    _check_broadcast(quoted_spread=quoted_spread, holding_days=holding_days)
    drag = quoted_spread * float(periods_per_year) / holding_days
    return _scalar_or_array(drag)


def fee_table(management_fee: float, other_expenses: float, fee_waiver: float = 0.0) -> pd.Series:
    """Read a prospectus fee table: gross and net annual expense ratio.

    Parameters
    ----------
    management_fee, other_expenses : float
        The table's lines, annual decimals, >= 0.
    fee_waiver : float, default 0.0
        The fee waiver or expense reimbursement, annual decimal, >= 0 and at most
        the gross ratio (give it positive even when the table prints it in parentheses).

    Returns
    -------
    pandas.Series
        ``gross`` (management fee plus other expenses), ``fee_waiver`` and
        ``net`` (gross minus waiver), annual decimals.

    Examples
    --------
    >>> table = fee_table(0.0075, 0.0041, 0.0021)
    >>> round(float(table["gross"]), 6), round(float(table["net"]), 6)
    (0.0116, 0.0095)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    management_fee = as_scalar(management_fee, "management_fee", minimum=0.0)
    other_expenses = as_scalar(other_expenses, "other_expenses", minimum=0.0)
    fee_waiver = as_scalar(fee_waiver, "fee_waiver", minimum=0.0)
    gross = management_fee + other_expenses
    if not math.isfinite(gross):
        raise ValueError("management_fee + other_expenses must be finite")
    if fee_waiver > gross:
        raise ValueError(f"fee_waiver ({fee_waiver}) cannot exceed the gross expense ratio ({gross})")
    return pd.Series({"gross": gross, "fee_waiver": fee_waiver, "net": gross - fee_waiver}, name="fee_table")


#: Holding periods (years) at which :func:`drag_profile` reports the share of value lost.
DRAG_HORIZONS = tuple(range(1, 11))

_DRAG_SETTINGS = ("leverage", "rate", "spread", "expense_ratio", "trading_cost")


def drag_profile(
    leverage: float,
    rate: float,
    spread: float,
    expense_ratio: float,
    trading_cost: float,
    sigma: float = 0.20,
    spread_basis: str = "notional",
) -> pd.DataFrame:
    """One fund's annual drag by source and the share of value it costs over 1 to 10 years.

    Parameters
    ----------
    leverage : float
        Leverage ``L``.
    rate : float
        The benchmark rate, annual decimal in [-1, 1], as in :func:`cost_breakdown`.
    spread, expense_ratio : float
        Annual decimals, as in :func:`cost_breakdown`.
    trading_cost : float
        Cost per unit of money traded, decimal.
    sigma : float, default 0.20
        The index's annual volatility, which sets the size of the daily rebalancing trades.
    spread_basis : str, default "notional"
        As in :func:`lettools.simulate_fund`.

    Returns
    -------
    pandas.DataFrame
        One row with ``benchmark`` (the benchmark rate on the borrowed part,
        ``(L - 1) r``: the price of leverage, which any levered position pays, and a
        credit when ``L < 1``), ``spread_cost`` (the spread on the swap notional,
        ``|L| s``), ``fees`` (the expense ratio), ``trading``, ``frictions`` (spread,
        fee and trading: what a fund costs beyond the price of leverage) and
        ``total`` (annual decimals of assets, from :func:`cost_breakdown`), and
        ``lost_1`` ... ``lost_10``: the share of the holding's final value lost
        to the total drag after each number of years of :data:`DRAG_HORIZONS`
        (:func:`cost_over_horizon`), compared with a fund earning ``L`` times the
        index's daily returns and no costs.

    Examples
    --------
    >>> row = drag_profile(3, 0.04, 0.005, 0.0095, 0.0).iloc[0]
    >>> round(float(row["benchmark"]), 6), round(float(row["spread_cost"]), 6), round(float(row["total"]), 6)
    (0.08, 0.015, 0.1045)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    rate = as_scalar(rate, "rate", minimum=-1.0, maximum=1.0)
    drag = cost_breakdown(leverage, rate=rate, expense_ratio=expense_ratio, spread=spread,
                          spread_basis=spread_basis, trading_cost=trading_cost, sigma=sigma)
    lost = cast("pd.Series", cost_over_horizon(drag, list(DRAG_HORIZONS)))  # a Series: one drag, many years
    benchmark = (float(leverage) - 1.0) * float(rate)
    spread_cost = float(drag["financing"]) - benchmark
    # "fees", not "expense_ratio": the explorer adds a column for each parameter, and that name is taken.
    row = {
        "benchmark": benchmark,
        "spread_cost": spread_cost,
        "fees": float(drag["expense_ratio"]),
        "trading": float(drag["trading"]),
        "frictions": spread_cost + float(drag["expense_ratio"]) + float(drag["trading"]),
        "total": float(drag["total"]),
    }
    row.update({f"lost_{years:g}": value for years, value in lost.items()})
    return pd.DataFrame([row])


def drag_profile_grid(settings: pd.DataFrame, sigma: float = 0.20) -> pd.DataFrame:
    """:func:`drag_profile` at every row of ``settings``, with the settings as columns.

    Each cost component depends on few of the settings (financing on the leverage, rate
    and spread; trading on the leverage and trading cost), so :func:`cost_breakdown` is
    called once per such combination over every leverage at once, and the components
    are added as it adds them: about 50 calls for a grid of 4,320 points instead of
    4,320. The tests hold it equal to the point-by-point grid.

    Parameters
    ----------
    settings : pandas.DataFrame
        One row per point, with columns ``leverage``, ``rate``, ``spread``,
        ``expense_ratio`` and ``trading_cost`` (as in :func:`drag_profile`).
    sigma : float, default 0.20
        As in :func:`drag_profile`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`drag_profile`, one row per row of ``settings``,
        followed by the settings.

    Examples
    --------
    >>> import pandas as pd
    >>> settings = pd.DataFrame({"leverage": [3.0, -1.0], "rate": [0.04, 0.08], "spread": [0.005, 0.0],
    ...                          "expense_ratio": [0.0095, 0.0095], "trading_cost": [0.0, 0.0]})
    >>> [round(float(x), 6) for x in drag_profile_grid(settings)["total"]]
    [0.1045, -0.1505]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    if not isinstance(settings, pd.DataFrame):
        raise TypeError(f"settings must be a pandas.DataFrame, got {type(settings).__name__}")
    missing = [column for column in _DRAG_SETTINGS if column not in settings.columns]
    if missing:
        raise ValueError(f"settings lacks the columns {missing}")
    if len(settings) == 0:
        raise ValueError("settings must hold at least one row")
    settings = settings.reset_index(drop=True)
    leverage = settings["leverage"].to_numpy(dtype=np.float64)
    levels = np.unique(leverage)
    financing = np.empty(len(settings))
    trading = np.empty(len(settings))
    zero = dict(rate=0.0, expense_ratio=0.0, spread=0.0, trading_cost=0.0, sigma=sigma)
    for (rate, spread), rows in settings.groupby(["rate", "spread"]).indices.items():
        part = cost_breakdown(levels, **{**zero, "rate": rate, "spread": spread})["financing"].to_numpy()
        financing[rows] = part[np.searchsorted(levels, leverage[rows])]
    for trading_cost, rows in settings.groupby("trading_cost").indices.items():
        part = cost_breakdown(levels, **{**zero, "trading_cost": trading_cost})["trading"].to_numpy()
        trading[rows] = part[np.searchsorted(levels, leverage[rows])]
    fees = settings["expense_ratio"].to_numpy(dtype=np.float64)
    total = financing + fees + trading
    lost = cast("pd.DataFrame", cost_over_horizon(pd.DataFrame({"total": total}), list(DRAG_HORIZONS))).to_numpy().T
    benchmark = (leverage - 1.0) * settings["rate"].to_numpy(dtype=np.float64)
    spread_cost = financing - benchmark
    frame = pd.DataFrame({
        "benchmark": benchmark, "spread_cost": spread_cost, "fees": fees, "trading": trading,
        "frictions": spread_cost + fees + trading, "total": total,
    })
    frame[[f"lost_{years:g}" for years in DRAG_HORIZONS]] = lost
    return pd.concat([frame, settings], axis=1)
