"""Explorers, tables, charts and exercises of the chapter "Costs" (chapters/costs.ipynb).

The cost model itself lives in the engine (:func:`lettools.cost_breakdown` and
friends in :mod:`lettools.cost_model`: the drag profile, tracking and divergence, margin
and round-trip costs; :mod:`lettools.real_funds`: the spreads a measured lag
implies); this module binds the real funds' measured figures (stored, with their
sources, in ``lettools/facts/costs.json``) to it and arranges it
for the page: the cost breakdown explorer,
the expense-ratio comparison, the real funds' measured lags and the spreads
they imply, tracking difference, tracking error and performance divergence on
index history, the do-it-yourself comparison with margin rules, and the
investor's own round-trip costs. Every drag is an annual
decimal of assets, measured against ``L`` times the index's total return (price
change plus dividends), which is what a total return swap pays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from lettools import (
    DRAG_HORIZONS,
    cost_breakdown,
    diy_leverage_cost,
    drag_profile,
    drag_profile_grid,
    fee_table,
    financing_cost,
    fund_year_pnl,
    index_returns,
    tracking_and_divergence,
    tracking_summary,
)
from lettools._conventions import SPREAD_BASES, spread_fraction
from lettools.charts import accessible, inline_csv
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.facts import value as fact
from lettools.real_funds import implied_spreads, swap_notional_spreads
from lettools.twin import Explorer, Param

__all__ = [
    "EXPENSE_RATIOS",
    "expense_ratio_chart",
    "cost_explorer",
    "tracking_windows",
    "tracking_chart",
    "diy_comparison",
    "diy_chart",
    "MEASURES",
    "REAL_FUND_LAGS",
    "REAL_FUND_JOINT",
    "REAL_FUND_SWAP_SPREAD_GAP",
    "REAL_FUND_PERIODS",
    "REAL_FUND_YEARS",
    "REAL_FUND_RATE_SLOPE",
    "REAL_FUND_RATE_SLOPE_SE",
    "REAL_FUND_STOCK_SHARE",
    "REAL_FUND_TAX_BOUND",
    "REAL_FUND_EARLY_YEARS",
    "REAL_FUND_WITHIN_SLOPE",
    "REAL_FUND_ANNUAL_MODEL",
    "ZERO_RATE_YEARS",
    "BUMP_YEARS",
    "stock_share_by_year",
    "REAL_UPRO_2009_2018",
    "UPRO_MODEL_COSTS",
    "real_fund_periods",
    "real_fund_spreads",
    "swap_spreads",
    "swap_spread_rise",
    "REAL_FUND_FEE_SENSITIVITY",
    "two_fund_fit",
]

#: How a real fund's lag is measured: on NAV alone, or with its distributions added back.
MEASURES = ("adjusted", "nav")

_COMPONENT_LABELS = {
    "benchmark": "Benchmark rate (price of leverage)",
    "spread_cost": "Financing spread",
    "fees": "Expense ratio",
    "trading": "Trading",
}

#: Expense ratios from issuer documents (references.md, references.bib), each dated: leveraged funds and,
#: for comparison, two unleveraged index funds. ``net`` is what holders pay; ``gross`` is the ratio before
#: any fee waiver (equal to ``net`` when there is none).
EXPENSE_RATIOS = pd.DataFrame(
    [
        ("TQQQ (3x Nasdaq-100), Sep 2023", "Leveraged fund", 0.0086, 0.0098),
        ("UPRO (3x S&P 500), Jun 2022", "Leveraged fund", 0.0091, 0.0091),
        ("SSO (2x S&P 500), Jun 2023", "Leveraged fund", 0.0089, 0.0089),
        ("QQUP (2x Top QQQ), 2025 prospectus", "Leveraged fund", 0.0095, 0.0116),
        ("QQQ (1x Nasdaq-100), Jan 2024", "Unleveraged index fund", 0.0020, 0.0020),
        ("VOO (1x S&P 500), Apr 2024", "Unleveraged index fund", 0.0003, 0.0003),
    ],
    columns=["fund", "kind", "net", "gross"],
)

def _plain_keys_and_tuples(record: Any) -> Any:
    """A facts record as the module uses it: year keys as ints, two-element lists as tuples."""
    if isinstance(record, dict):
        return {int(key) if key.isdigit() else key: _plain_keys_and_tuples(value) for key, value in record.items()}
    if isinstance(record, list):
        return tuple(_plain_keys_and_tuples(value) for value in record)
    return record


def _measured(key: str) -> Any:
    """A real-fund figure from ``lettools/facts/costs.json`` (``basis: derived``).

    The figures are measured from data that may not be redistributed
    (``../shared/data``); ``tests/test_real_funds.py`` recomputes each one from that
    data and fails if the facts file no longer matches it.
    """
    return _plain_keys_and_tuples(fact("costs", key))


#: The real-fund figures below (``REAL_FUND_*`` and :data:`REAL_UPRO_2009_2018`) are stored with their sources in
#: ``lettools/facts/costs.json`` and loaded from there; the comments say what each field is.
#:
#: Two real funds against the model, measured by ``tests/test_real_funds.py`` from the funds' published
#: NAVs, the S&P 500 total-return index and the one-month Treasury-bill rate (Ken French's data library),
#: 25 June 2009 to 31 December 2024 (3,905 trading days). ``lag``: the fund's mean daily shortfall against
#: ``L R_TR + (1 - L) r - f``, times 252 (annual decimal); ``residual_sd_bp``: the standard deviation of
#: that daily shortfall, basis points; ``robust_sd_bp``: the same spread measured robustly (1.4826 times the
#: median absolute deviation), which a few outlying days do not move; ``correlation``: of the fund's daily
#: NAV return with ``L R_TR``; ``tracking_difference_bp`` and ``tracking_error_bp``: the mean and the standard
#: deviation of the daily tracking difference in the strict sense, the fund's NAV return minus ``L R_TR``
#: (basis points; the mean includes the financing and the fee).
#: NAV falls on each distribution's ex-date by the amount paid, which the holder receives in cash, so ``lag``
#: counts distributions as shortfall. ``residual_sd_drop10_bp``: the residual's standard deviation without the ten
#: days farthest from its median (basis points). ``distributions``: the NAV gaps on the ex-dates listed in
#: ``lettools/facts/costs.json`` (the day's shortfall beyond the fund's median daily shortfall, clipped at
#: zero), summed and annualised; ``lag_adjusted``: the lag with them added back (annual decimals).
#: The data may not be redistributed, so the book quotes these figures (from the facts file) and the test
#: recomputes them.
REAL_FUND_LAGS = _measured("real_fund_lags")


#: The same data, jointly: for each spread basis, the mean annual difference between the spread UPRO needs
#: and the spread SSO needs (UPRO minus SSO) and its standard error (from the daily differences of the two
#: funds' shortfalls, each divided by its spread fraction), on NAV (``spread_gap``) and with distributions
#: added back (``spread_gap_adjusted``); ``abs_index_return_per_year``, the sum of the index's absolute daily
#: returns per year, which sizes the rebalancing trades in a two-fund fit; and ``mean_rate``, the
#: Treasury-bill rate's mean over the sample, annual decimal (standard errors Newey-West with 5 lags, which allows
#: for the one-day reversals of the shortfalls); ``abs_to_sd_ratio``, the index's mean absolute daily
#: total return divided by its standard deviation (``sqrt(2/pi)``, about 0.80, for normal returns; fat tails make it
#: smaller, so the normal formula for the trading drag overstates it at a given volatility).
REAL_FUND_JOINT = _measured("real_fund_joint")

#: The lags of :data:`REAL_FUND_LAGS` and the spread gaps of :data:`REAL_FUND_JOINT` in two sub-periods, the
#: low-rate years to the end of 2021 and the high-rate years 2022 to 2024, measured the same way by
#: ``tests/test_real_funds.py``: ``first`` and ``last`` (the first and last daily returns), ``days``,
#: ``mean_rate`` (the Treasury-bill rate's mean, annual decimal), ``lag`` and ``lag_adjusted`` per fund, and
#: ``spread_gap`` and ``spread_gap_adjusted`` per basis (UPRO's spread minus SSO's and its standard error,
#: annual decimals). ``stock_share``: the share ``k`` of assets in index stocks that goes with the period, the
#: zero-rate ``k`` of :data:`REAL_FUND_STOCK_SHARE` to 2021 and an illustrative 0.9 for both funds in 2022-2024
#: (near the 2023-24 estimates, which are not secure); ``swap_spread_gap``: UPRO's spread on its remaining swap
#: notional ``L - k`` minus SSO's, from the daily differences of the adjusted shortfalls each divided by its
#: ``L - k``, and the Newey-West (5 lags) standard error of that mean (the uncertainty in ``k`` not included).
REAL_FUND_PERIODS = _measured("real_fund_periods")

#: Least-squares line of each fund's distribution-adjusted daily shortfall (annualised, as in
#: :data:`REAL_FUND_LAGS`) on the day's Treasury-bill rate over the whole sample: ``(intercept, slope)``, the
#: intercept an annual decimal and the slope per unit of the annual rate. Measured by
#: ``tests/test_real_funds.py``.
REAL_FUND_RATE_SLOPE = _measured("real_fund_rate_slope")

#: Standard errors of the slopes of :data:`REAL_FUND_RATE_SLOPE`, Newey-West with 5 lags (which allows for the
#: one-day reversals of the shortfall). Measured by ``tests/test_real_funds.py``.
REAL_FUND_RATE_SLOPE_SE = _measured("real_fund_rate_slope_se")

#: Year by year in the high-rate period: the Treasury-bill rate's mean (``rate``) and each fund's
#: distribution-adjusted lag (annual decimals), to show where the slope of :data:`REAL_FUND_RATE_SLOPE` comes from;
#: ``volatility``, the standard deviation of the index's daily total returns times ``sqrt(252)``. The lags use the
#: whole sample's median shortfall to find the distributions (as :data:`REAL_FUND_LAGS`), while
#: :data:`REAL_FUND_PERIODS` re-estimates it in each period, so the three years average to within a few hundredths
#: of a point of the period's lag rather than exactly to it. Measured by ``tests/test_real_funds.py``.
REAL_FUND_YEARS = _measured("real_fund_years")

#: An inference, not a filing: the share ``k`` of assets each fund holds in index stocks, from its distributions
#: in the years when the bill rate was about zero (:data:`ZERO_RATE_YEARS`). A fund with stocks worth ``k A`` and
#: the rest in cash earns net income ``k q + (1 - k) r - f`` (``q`` the index's dividend yield, from the
#: total-return and price indices), so ``k = (d + f - r) / (q - r)`` with ``d`` the year's distributions; this
#: assumes all net income is paid out and none of the distributions is a capital gain. ``stock_share`` is the
#: mean over those years and ``stock_share_se`` its standard error (from the spread across years);
#: ``spread_on_swaps`` is the whole-sample distribution-adjusted lag divided by the remaining notional ``L - k``
#: (annual decimal). Measured by ``tests/test_real_funds.py``. ``fee_share``: the mean over those years of
#: ``(f - r) / (q - r)``, the part of ``k`` needed only for dividends to cover the fee; ``stock_share_fee_095``:
#: ``k`` with a 0.95% fee in every year instead of ``expense_ratio`` (the fees charged then were not verified).
#: ``by_year``: the same formula on each full year 2010-2024 alone (:func:`stock_share_by_year`). It does not pin
#: ``k`` down: it gives 0.1 for UPRO in 2017, values far outside [0, 1] when the bill rate was close to the dividend
#: yield (2018, 2019, 2022) and more than 1 for SSO in 2023. ``ZERO_RATE_YEARS`` are the full years whose bill rate
#: averaged below 0.1%.
#: ``REAL_FUND_SWAP_SPREAD_GAP``: UPRO's ``spread_on_swaps`` minus SSO's, as the mean of the daily differences
#: of the two adjusted shortfalls, each divided by its ``L - k``, with the Newey-West (5 lags) standard error of
#: that mean (``se_days``; ``se_days_independent`` treats the days as independent); the uncertainty in ``k`` is
#: added in the chapter. Measured by ``tests/test_real_funds.py``.
ZERO_RATE_YEARS = (2011, 2012, 2013, 2014, 2015, 2021)
REAL_FUND_STOCK_SHARE = _measured("real_fund_stock_share")

#: How strongly the stock share ``k = (d + f - r) / (q - r)`` of :data:`REAL_FUND_STOCK_SHARE` responds to an error
#: in the fee ``f`` (or in the distributions ``d``): ``1 / |q - r|`` per unit, with ``q`` the index's dividend
#: yield and ``r`` the bill rate of the year. ``zero_rate``: its mean over :data:`ZERO_RATE_YEARS`; ``by_year``: each
#: full year 2010-2024 (in the hundreds where ``q`` and ``r`` nearly met: 2018, 2019, 2022). The same for both
#: funds (it depends on the index and the rate only). Measured by ``tests/test_real_funds.py``.
REAL_FUND_FEE_SENSITIVITY = _measured("real_fund_fee_sensitivity")
REAL_FUND_SWAP_SPREAD_GAP = _measured("real_fund_swap_spread_gap")

#: What the distributions say about the tax treatment that :data:`REAL_FUND_STOCK_SHARE` assumes (that the swaps'
#: payments stayed out of the funds' net investment income). ``index_total_return_2013``: the S&P 500's total return
#: in 2013; ``upro_distributions_2013``: UPRO's distributions that year (the NAV gaps on the ex-dates, as a fraction
#: of assets), both decimals. ``stock_share_financing_deducted``: ``k`` if instead the swaps' financing payments
#: (benchmark plus spread on the swap notional ``L - k``) had been deducted from net income while their index
#: returns stayed out of it: the mean over :data:`ZERO_RATE_YEARS` of ``(d + f + L (r + s) - r) / (q + s)``, with
#: ``s = lag / (L - k)`` solved jointly and each year paired with its own distribution-adjusted lag (not the
#: whole sample's, which includes the high-rate years). ``zero_rate_lag``: the mean of those years' lags. Above 1
#: would mean more stock than assets. Measured by ``tests/test_real_funds.py``.
REAL_FUND_TAX_BOUND = _measured("real_fund_tax_bound")

#: Year by year in 2010-2021, measured like :data:`REAL_FUND_YEARS`: the Treasury-bill rate's mean (``rate``) and each
#: fund's distribution-adjusted lag (annual decimals). They show the lag rising with the rate within the low-rate
#: period, in the hiking cycle of 2016-2019. Measured by ``tests/test_real_funds.py``.
REAL_FUND_EARLY_YEARS = _measured("real_fund_early_years")

#: The slope of :data:`REAL_FUND_RATE_SLOPE` measured within each period: ``slope`` within 2009-2021 with its
#: Newey-West (5 lags, as everywhere in the chapter) standard error ``se_nw5``, and ``slope_2022_2024`` with
#: ``se_2022_2024`` within the high-rate years. Neither is distinguishable from zero at that bandwidth. Measured by
#: ``tests/test_real_funds.py``.
REAL_FUND_WITHIN_SLOPE = _measured("real_fund_within_slope")

#: The fifteen annual mean adjusted lags of 2010-2024 against two shapes: ``r2_rate``, the R-squared of a line in the
#: year's bill rate; ``r2_shift``, of a step in 2022; ``t_rate`` and ``t_shift``, the two t statistics with both in.
#: Measured by ``tests/test_real_funds.py``.
REAL_FUND_ANNUAL_MODEL = _measured("real_fund_annual_model")

#: The zero-rate years before the 2016-2019 hiking cycle and the years of its peak, whose mean lags of
#: :data:`REAL_FUND_EARLY_YEARS` the chapter compares.
BUMP_YEARS = {"before": (2011, 2012, 2013, 2014, 2015), "peak": (2017, 2018, 2019)}


def stock_share_by_year() -> pd.DataFrame:
    """The stock share ``k = (d + f - r) / (q - r)`` of each full year, beside the year's bill rate.

    Returns
    -------
    pandas.DataFrame
        One row per year 2010-2024: ``rate`` (the bill rate's mean, annual decimal, from
        :data:`REAL_FUND_EARLY_YEARS` and :data:`REAL_FUND_YEARS`), ``sensitivity``
        (``1 / |q - r|``, how far ``k`` moves per unit of fee or distributions,
        :data:`REAL_FUND_FEE_SENSITIVITY`), ``zero_rate`` (whether the year is one of
        :data:`ZERO_RATE_YEARS`, the full years whose bill rate averaged below 0.1%) and
        ``k_<fund>`` for each fund of :data:`REAL_FUND_STOCK_SHARE`.
    """
    rates = {**{year: row["rate"] for year, row in REAL_FUND_EARLY_YEARS.items()},
             **{year: row["rate"] for year, row in REAL_FUND_YEARS.items()}}
    rows = {}
    for year, sensitivity in REAL_FUND_FEE_SENSITIVITY["by_year"].items():
        row: dict[str, Any] = {"rate": rates[year], "sensitivity": sensitivity, "zero_rate": year in ZERO_RATE_YEARS}
        row.update({f"k_{fund}": share["by_year"][year] for fund, share in REAL_FUND_STOCK_SHARE.items()})
        rows[year] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")

#: UPRO from 25 June 2009 to 31 December 2018 (2,395 daily returns), measured by ``tests/test_real_funds.py``
#: from its NAVs, the S&P 500 total-return and price indices and the one-month Treasury-bill rate. Returns over
#: the whole window, decimals: ``fund_return`` (the real fund's NAV); ``fund_total_return`` (NAV with its
#: distributions reinvested, the NAV gaps on the listed ex-dates added back); ``target_return``, three times the
#: total-return index's; ``price_target_return``, three times the price index's; ``model_return``, the model
#: ``1 + 3 R_TR - 2 r/P - f/P - 3 s/P - 6 c |R_TR|`` day by day with the realised bill rate, ``f = 0.0091``,
#: ``s = 0.005`` and ``c = 0.0002`` (:data:`UPRO_MODEL_COSTS`); ``model_return_no_costs``, the same with every
#: cost and the rate at zero. ``mean_rate`` and ``dividend_yield`` (the total-return index's mean log return
#: minus the price index's, times 252) are annual decimals. ``nav_lag``: the real NAV's mean daily shortfall against
#: ``3 R_TR - 2 r - f`` (the model before any spread or trading cost), times 252; ``model_frictions``: the model's
#: spread and trading cost a year, ``3 s + 6 c`` times the index's mean absolute daily return times 252;
#: ``nav_lag_adjusted``: ``nav_lag`` with the distributions added back (the NAV gaps on the listed ex-dates).
REAL_UPRO_2009_2018 = _measured("real_upro_2009_2018")

#: The costs of the model in :data:`REAL_UPRO_2009_2018` (and of the chapter's simulated fund): UPRO's expense
#: ratio, an illustrative spread of 0.5% on the whole notional ``|L|`` (above the 0.46% and 0.35% that UPRO's and SSO's
#: distribution-adjusted lags imply on that basis, and near the 0.53% to 0.57% they imply on the swap notional
#: ``L - k`` of :data:`REAL_FUND_STOCK_SHARE`), an illustrative trading cost.
UPRO_MODEL_COSTS = {"expense_ratio": 0.0091, "spread": 0.005, "trading_cost": 0.0002}


def _check_measure(measure) -> str:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    return measure


def real_fund_periods(measure: str = "adjusted") -> pd.DataFrame:
    """The spreads the real funds imply on each basis, over the whole sample and in two sub-periods.

    ``measure="adjusted"`` (default) uses the lags with distributions added back;
    ``"nav"`` the lags on NAV alone.

    Returns
    -------
    pandas.DataFrame
        One row per period (``2009-2024`` from :data:`REAL_FUND_LAGS` and
        :data:`REAL_FUND_JOINT`, then those of :data:`REAL_FUND_PERIODS`):
        ``mean_rate``; for each basis, ``UPRO_<basis>`` and ``SSO_<basis>`` (the
        lag over the spread fraction), ``gap_<basis>`` (UPRO minus SSO, as
        measured from the daily data) and ``gap_<basis>_se`` (its standard
        error); all annual decimals.
    """
    suffix = "_adjusted" if _check_measure(measure) == "adjusted" else ""
    periods = {"2009-2024": {"mean_rate": REAL_FUND_JOINT["mean_rate"],
                             "lag" + suffix: {fund: row["lag" + suffix] for fund, row in REAL_FUND_LAGS.items()},
                             "spread_gap" + suffix: REAL_FUND_JOINT["spread_gap" + suffix]}}
    periods.update(REAL_FUND_PERIODS)
    rows = {}
    for period, figures in periods.items():
        row = {"mean_rate": figures["mean_rate"]}
        for basis in SPREAD_BASES:
            for fund, lag in figures["lag" + suffix].items():
                row[f"{fund}_{basis}"] = lag / spread_fraction(REAL_FUND_LAGS[fund]["leverage"], basis)
            row[f"gap_{basis}"], row[f"gap_{basis}_se"] = figures["spread_gap" + suffix][basis]
        rows[period] = row
    return pd.DataFrame(rows).T.rename_axis("period")


def two_fund_fit(spread_basis: str = "notional", measure: str = "adjusted") -> pd.Series:
    """One spread and one trading cost that together explain both real funds' lags exactly.

    Solves ``lag_i = spread_fraction(L_i) s + c |L_i^2 - L_i| a`` for the two funds of
    :data:`REAL_FUND_LAGS`, with ``a`` the index's absolute daily returns summed over a
    year (:data:`REAL_FUND_JOINT`) and ``lag_i`` the distribution-adjusted lag
    (``measure="adjusted"``) or the lag on NAV alone (``"nav"``). Returns ``spread``
    (annual decimal) and ``trading_cost`` (per unit of money traded, decimal). A
    negative trading cost means the basis cannot explain both funds with costs that
    make sense.
    """
    key = "lag_adjusted" if _check_measure(measure) == "adjusted" else "lag"
    funds = list(REAL_FUND_LAGS.values())
    turnover = REAL_FUND_JOINT["abs_index_return_per_year"]
    matrix = np.array([[spread_fraction(f["leverage"], spread_basis),
                        abs(f["leverage"] ** 2 - f["leverage"]) * turnover] for f in funds])
    spread, trading_cost = np.linalg.solve(matrix, np.array([f[key] for f in funds]))
    return pd.Series({"spread": spread, "trading_cost": trading_cost}, name=spread_basis)


def real_fund_spreads(spread_bases: Sequence[str] = SPREAD_BASES, expense_ratio: float | None = None) -> pd.DataFrame:
    """The spread that explains each real fund's lag, on each spread basis.

    On a flat index the model's daily shortfall is linear in the spread, so the
    spread that explains a lag is ``lag / spread_fraction(L, spread_basis)``.

    Parameters
    ----------
    spread_bases : sequence of str
        The bases to report (``"notional"``, ``"borrowed"``).
    expense_ratio : float, optional
        A fee (annual decimal) to assume in every year instead of each fund's
        ``expense_ratio`` in :data:`REAL_FUND_LAGS`. The model then charges that fee,
        so each lag changes by the fund's fee minus this one: a sensitivity, since
        the fees charged over the sample were not all verified.

    Returns
    -------
    pandas.DataFrame
        One row per fund of :data:`REAL_FUND_LAGS`: ``leverage``, ``lag``,
        ``distributions`` and ``lag_adjusted`` as measured, ``spread_<basis>``
        (the lag on NAV over the spread fraction) and ``spread_<basis>_adjusted``
        (the distribution-adjusted lag over it) for each basis (annual decimals).
    """
    return implied_spreads(REAL_FUND_LAGS, spread_bases, expense_ratio)


def swap_spreads(period: str = "2009-2024", stock_shares: Mapping[str, float] | None = None) -> pd.Series:
    """The spread on each real fund's remaining swap notional that explains its lag in a period.

    A fund with stocks worth ``k A`` holds swaps on ``(L - k) A``, so its
    distribution-adjusted lag is ``(L - k) s`` and ``s = lag / (L - k)``. Pairing a
    period's lag with a stock share inferred from other years mixes regimes, so
    each period of :data:`REAL_FUND_PERIODS` carries its own ``stock_share``.

    Parameters
    ----------
    period : str
        ``"2009-2024"`` (the whole sample, :data:`REAL_FUND_LAGS`) or a period of
        :data:`REAL_FUND_PERIODS`.
    stock_shares : mapping of str to float, optional
        ``k`` per fund (each below the fund's leverage). By default the period's
        ``stock_share``, and for the whole sample the zero-rate ``k`` of
        :data:`REAL_FUND_STOCK_SHARE`.

    Returns
    -------
    pandas.Series
        The spread on the swaps per fund (annual decimals).
    """
    if period == "2009-2024":
        lags = {fund: row["lag_adjusted"] for fund, row in REAL_FUND_LAGS.items()}
        default = {fund: row["stock_share"] for fund, row in REAL_FUND_STOCK_SHARE.items()}
    elif period in REAL_FUND_PERIODS:
        lags, default = REAL_FUND_PERIODS[period]["lag_adjusted"], REAL_FUND_PERIODS[period]["stock_share"]
    else:
        raise ValueError(f"period must be '2009-2024' or one of {list(REAL_FUND_PERIODS)}, got {period!r}")
    leverages = {fund: REAL_FUND_LAGS[fund]["leverage"] for fund in lags}
    return swap_notional_spreads(lags, leverages, default if stock_shares is None else stock_shares).rename(period)


def swap_spread_rise(stock_cap: float = 0.82) -> dict[str, float]:
    """How far the spread on the swaps rose from 2009-2021 to 2022-2024, for any ``k`` from the zero-rate value up to 1.

    The 2009-2021 spread is each fund's lag on its zero-rate ``(L - k)``
    (:func:`swap_spreads`). In 2022-2024 ``k`` is not known, so it is let run from
    the zero-rate value to 1; ``lag / (L - k)`` rises with ``k``, so the two ends
    bound the spread and its ratio to 2009-2021.

    Parameters
    ----------
    stock_cap : float, default 0.82
        A stock share for SSO in 2022-2024 (the default, its holdings bound at the
        turn of 2026), at which UPRO's ``k`` that gives the same spread is found.

    Returns
    -------
    dict of str to float
        ``spread_low`` and ``spread_high`` (annual decimals, lowest and highest over
        both funds and ``k``), ``ratio_low`` and ``ratio_high`` (to each fund's
        2009-2021 spread), and ``upro_k_at_cap``: UPRO's ``k`` for which its 2022-2024
        spread equals SSO's at ``stock_cap``.
    """
    if isinstance(stock_cap, bool) or not isinstance(stock_cap, (int, float, np.integer, np.floating)):
        raise TypeError(f"stock_cap must be a real number, got {stock_cap!r}")
    cap = float(stock_cap)
    if not 0.0 <= cap < REAL_FUND_LAGS["SSO"]["leverage"]:
        raise ValueError(f"stock_cap must be in [0, 2), got {stock_cap!r}")
    early = swap_spreads("2009-2021")
    zero_rate = REAL_FUND_PERIODS["2009-2021"]["stock_share"]
    low = swap_spreads("2022-2024", zero_rate)
    high = swap_spreads("2022-2024", {fund: 1.0 for fund in zero_rate})
    sso_at_cap = float(swap_spreads("2022-2024", {"UPRO": 1.0, "SSO": cap})["SSO"])
    upro_lag = REAL_FUND_PERIODS["2022-2024"]["lag_adjusted"]["UPRO"]
    return {"spread_low": float(low.min()), "spread_high": float(high.max()),
            "ratio_low": float((low / early).min()), "ratio_high": float((high / early).max()),
            "upro_k_at_cap": REAL_FUND_LAGS["UPRO"]["leverage"] - upro_lag / sso_at_cap}


def expense_ratio_chart() -> alt.LayerChart:
    """Bars of real funds' net expense ratios, with a tick at the gross ratio where a waiver applies."""
    data = EXPENSE_RATIOS
    order = list(data["fund"])
    kinds = ["Leveraged fund", "Unleveraged index fund"]
    y = alt.Y("fund:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    x = alt.X("net:Q", title="Annual expense ratio (net; tick: gross before waivers)",
              axis=alt.Axis(format=".1%"), scale=alt.Scale(domain=[0, 0.012]))
    color = alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds))
    tooltip = [
        alt.Tooltip("fund:N", title="Fund"),
        alt.Tooltip("net:Q", title="Net", format=".2%"),
        alt.Tooltip("gross:Q", title="Gross", format=".2%"),
    ]
    base = alt.Chart(data)
    bars = base.mark_bar(height=18).encode(x=x, y=y, color=color, tooltip=tooltip)
    gross = (
        base.transform_filter("datum.gross > datum.net")
        .mark_tick(color="black", thickness=2, size=24)
        .encode(x="gross:Q", y=y, tooltip=tooltip)
    )
    chart = alt.layer(bars, gross).properties(width=440, height=230)
    return accessible(
        chart,
        title="What a year costs: expense ratios",
        description=(
            "Horizontal bars of annual expense ratios from dated issuer documents. Four leveraged funds' net "
            "ratios lie between 0.86% and 0.95%, with black ticks at the gross ratio where a fee waiver "
            "lowers it. Below them, two unleveraged index funds: QQQ at 0.20% and VOO at 0.03%."
        ),
    )


# The cost breakdown explorer

def _draw_drag(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.VConcatChart:
    names = list(_COMPONENT_LABELS.values())
    label = " : ".join(f"datum.component === {key!r} ? {name!r}" for key, name in _COMPONENT_LABELS.items())
    low = min(domains["benchmark"][0], 0.0)
    high = max(domains["total"][1], sum(max(domains[key][1], 0.0) for key in _COMPONENT_LABELS))
    x = alt.X("value:Q", title="Annual drag (share of assets)", axis=alt.Axis(format=".0%"),
              scale=alt.Scale(domain=[low, high]))
    color = alt.Color("name:N", title=None, scale=alt.Scale(domain=names + ["Total"]))
    stacked = (
        base.transform_fold(list(_COMPONENT_LABELS), as_=["component", "value"])
        .transform_calculate(name=f"{label} : datum.component", row="'Components'")
        .mark_bar(height=26)
        .encode(x=x, y=alt.Y("row:N", title=None), color=color,
                tooltip=[alt.Tooltip("name:N", title="Source"),
                         alt.Tooltip("value:Q", title="Annual drag", format=".2%")])
    )
    total = (
        base.transform_calculate(name="'Total'", row="'Total'", value="datum.total")
        .mark_bar(height=26)
        .encode(x=x, y=alt.Y("row:N", title=None), color=color,
                tooltip=[alt.Tooltip("value:Q", title="Total annual drag", format=".2%")])
    )
    total_text = (  # right of the bar, or right of zero when the total is a credit
        base.transform_calculate(row="'Total'", value="datum.total", at="max(datum.total, 0)")
        .mark_text(align="left", dx=6, fontSize=12)
        .encode(x=alt.X("at:Q", scale=alt.Scale(domain=[low, high])), y=alt.Y("row:N", title=None),
                text=alt.Text("value:Q", format=".2%"))
    )
    bars = alt.layer(stacked, total, total_text).properties(width=460, height=80)
    lost_columns = [f"lost_{years:g}" for years in DRAG_HORIZONS]
    # Plot what is kept, 1 - lost, on a log axis: an inverse fund at a high rate gains many times
    # what a long fund loses, and a linear axis fixed over the whole grid would flatten every other line.
    kept_low = 1.0 - max(domains[c][1] for c in lost_columns)
    kept_high = 1.0 - min(domains[c][0] for c in lost_columns)
    line = (
        base.transform_fold(lost_columns, as_=["key", "lost"])
        .transform_calculate(years="toNumber(slice(datum.key, 5))", kept="1 - datum.lost")
        .mark_line(point=True, color="#000000")
        .encode(
            x=alt.X("years:Q", title="Holding period (years)", scale=alt.Scale(domain=[1, max(DRAG_HORIZONS)])),
            y=alt.Y("kept:Q", title="Value, as a share of the cost-free fund's", axis=alt.Axis(format=".0%"),
                    scale=alt.Scale(type="log", domain=[min(kept_low, 0.5), max(kept_high, 1.0)])),
            tooltip=[alt.Tooltip("years:Q", title="Years"),
                     alt.Tooltip("kept:Q", title="Value vs cost-free", format=".1%"),
                     alt.Tooltip("lost:Q", title="Share lost to costs", format=".1%")],
        )
        .properties(width=460, height=220)
    )
    no_cost = base.mark_rule(strokeDash=[4, 4], color="#777777").encode(y=alt.datum(1.0))
    line = alt.layer(no_cost, line)
    return alt.vconcat(bars, line, spacing=18)


def cost_explorer() -> Explorer:
    """The chapter's cost breakdown explorer: any fund's annual drag and what it costs over time."""
    return Explorer(
        compute=drag_profile,
        params=[
            Param("leverage", [-3, -2, -1, 1, 2, 3], default=3, label="Leverage", live=(-3.0, 4.0, 0.5)),
            Param("rate", np.round(np.arange(0.0, 0.0801, 0.01), 2), default=0.04,
                  label="Benchmark rate", percent=True, live=(0.0, 0.10, 0.0025)),
            Param("spread", [0.0, 0.0025, 0.005, 0.0075, 0.01], default=0.005,
                  label="Financing spread", percent=True, live=(0.0, 0.02, 0.0005)),
            Param("expense_ratio", [0.0005, 0.002, 0.0065, 0.0095], default=0.0095,
                  label="Expense ratio", percent=True, control="select", live=(0.0, 0.015, 0.0005)),
            Param("trading_cost", [0.0, 0.0002, 0.0005, 0.001], default=0.0002,
                  label="Trading cost per unit traded", percent=True, control="select",
                  live=(0.0, 0.002, 0.0001)),
        ],
        draw=_draw_drag,
        title="Where a fund's annual drag comes from, and what it costs over time",
        description=(
            "Top: a stacked bar splitting the fund's annual drag into the benchmark rate on the borrowed "
            "part (the price of leverage; negative, a credit, for funds holding cash), the financing spread "
            "on the swap notional, the expense ratio and rebalancing trading costs, and a bar with the "
            "total. Bottom, on a logarithmic axis: the holding's value after 1 to 10 years as a share of "
            "what a cost-free fund would be worth (a dashed line marks 100%). For a 3x fund at a 4% "
            "benchmark the price of leverage is the largest part, and the shortfall grows with every year "
            "held."
        ),
        decimals=6,
        compute_grid=drag_profile_grid,
    )


# Tracking difference, tracking error and performance divergence

def tracking_windows(
    name: str,
    windows: Sequence[tuple[str, str]],
    leverage: float,
    **costs,
) -> pd.DataFrame:
    """:func:`tracking_summary` of a simulated fund on an index over several date windows.

    ``name`` is an index of :func:`lettools.index_returns`; ``windows`` are
    ``(start, end)`` date pairs; ``costs`` go to :func:`tracking_and_divergence`.
    Also reports ``fund_return_no_costs``: the same fund with every cost set to
    zero, to show how much of the divergence compounding alone produces.
    Returns one row per window, indexed ``"start to end"``.
    """
    rows = {}
    for start, end in windows:
        returns = index_returns(name, start, end)
        summary = tracking_summary(tracking_and_divergence(returns, leverage, **costs))
        bare = tracking_summary(tracking_and_divergence(returns, leverage))
        summary["fund_return_no_costs"] = bare["fund_return"]
        rows[f"{returns.index[0].date()} to {returns.index[-1].date()}"] = summary
    table = pd.DataFrame(rows).T
    table["days"] = table["days"].astype(int)
    return table


def tracking_chart(frame: pd.DataFrame, leverage: float) -> alt.VConcatChart:
    """Two panels from :func:`tracking_and_divergence`: the daily tracking difference, and the cumulative returns."""
    table = frame.round({"tracking_difference_bp": 3, "fund_cumulative": 4, "target_cumulative": 4})
    table.index = pd.to_datetime(table.index)
    data = inline_csv(table.rename_axis("date").reset_index())
    multiple = f"{leverage:g}x"
    x = alt.X("date:T", title=None)
    miss = (
        alt.Chart(data)
        .mark_line(strokeWidth=1, color="#0072B2")
        .encode(x=x, y=alt.Y("tracking_difference_bp:Q", title="Tracking difference (bp)",
                             scale=alt.Scale(domain=[-10, 10])),
                tooltip=[alt.Tooltip("date:T"),
                         alt.Tooltip("tracking_difference_bp:Q", title="Tracking difference (bp)", format=".2f")])
        .properties(width=520, height=120, title=alt.Title(
            f"Daily tracking difference: fund minus {multiple} the index's return", fontSize=13,
            fontWeight="normal"))
    )
    names = {"fund_cumulative": "Fund", "target_cumulative": f"{multiple} the index's cumulative return"}
    label = " : ".join(f"datum.key === {key!r} ? {value!r}" for key, value in names.items())
    cumulative = (
        alt.Chart(data)
        .transform_fold(list(names), as_=["key", "value"])
        .transform_calculate(series=f"{label} : datum.key")
        .mark_line(strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y("value:Q", title="Return since the start", axis=alt.Axis(format="%")),
            color=alt.Color("series:N", title=None, scale=alt.Scale(domain=list(names.values()))),
            strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=list(names.values()))),
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("series:N"), alt.Tooltip("value:Q", format=".1%")],
        )
        .properties(width=520, height=220, title=alt.Title(
            "Performance divergence: the two since the start", fontSize=13, fontWeight="normal"))
    )
    chart = alt.vconcat(miss, cumulative, spacing=20)
    return accessible(
        chart,
        title=f"A simulated {multiple} S&P 500 fund: small daily tracking differences, a large long-run gap",
        description=(
            f"Top: the simulated {multiple} fund's daily tracking difference, its return minus {multiple} the "
            "index's return, in basis points; it stays within a few basis points every day. Bottom: the "
            f"fund's cumulative return and {multiple} the index's cumulative return over the same years; the "
            "two lines drift far apart."
        ),
    )


# Doing it yourself

def diy_comparison(
    leverage,
    *,
    rate: float,
    fund_spread: float,
    fund_spread_basis: str = "notional",
    expense_ratio: float,
    fund_trading_cost: float,
    sigma: float,
    futures_basis: float,
    margin_rate: float,
) -> pd.DataFrame:
    """Annual drag of L x exposure through a leveraged ETF, index futures or a margin loan.

    The ETF's drag is :func:`lettools.cost_breakdown` (its spread on
    ``fund_spread_basis``, the swap notional by default); futures pay the
    benchmark on the borrowed part and the futures basis on the whole notional
    ``L`` (like a swap spread: nothing offsets it), and a margin loan pays
    ``margin_rate`` on the borrowed part only (:func:`lettools.diy_leverage_cost`,
    no further costs). All inputs are annual decimals; none is a market fact.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``leverage``, ``route``); columns ``benchmark`` (the
        benchmark rate on the borrowed part, which every route pays), ``extra``
        (everything above it) and ``total``, annual decimals of your capital.
    """
    leverages = np.atleast_1d(np.asarray(leverage, dtype=float))
    if np.any(leverages <= 1):
        raise ValueError("leverage: the comparison covers long leverage above 1")
    etf = cost_breakdown(leverages, rate=rate, expense_ratio=expense_ratio, spread=fund_spread,
                         spread_basis=fund_spread_basis, trading_cost=fund_trading_cost, sigma=sigma)["total"]
    futures = diy_leverage_cost(leverages, borrow_rate=rate)["total"]
    futures = futures + pd.Series(leverages * futures_basis, index=futures.index)
    margin = diy_leverage_cost(leverages, borrow_rate=margin_rate)["total"]
    rows = []
    for lev in leverages:
        benchmark = (lev - 1.0) * rate
        for route, total in (("Leveraged ETF", etf), ("Index futures", futures), ("Margin loan", margin)):
            value = float(total.loc[lev])
            rows.append({"leverage": lev, "route": route, "benchmark": benchmark,
                         "extra": value - benchmark, "total": value})
    return pd.DataFrame(rows).set_index(["leverage", "route"])


def diy_chart(table: pd.DataFrame) -> alt.FacetChart:
    """Stacked bars of :func:`diy_comparison`: the benchmark part everyone pays, and the extra."""
    data = table.reset_index()
    parts = {"benchmark": "Benchmark rate on the borrowed part", "extra": "Everything above the benchmark"}
    label = " : ".join(f"datum.part === {key!r} ? {value!r}" for key, value in parts.items())
    routes = list(dict.fromkeys(data["route"]))
    chart = (
        alt.Chart(data)
        .transform_fold(list(parts), as_=["part", "value"])
        .transform_calculate(part_name=f"{label} : datum.part", lev=alt.expr.format(alt.datum.leverage, "d") + "x")
        .mark_bar()
        .encode(
            x=alt.X("route:N", title=None, sort=routes,
                    axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')")),
            y=alt.Y("value:Q", title="Annual drag (share of your capital)", axis=alt.Axis(format=".0%"),
                    stack="zero"),
            color=alt.Color("part_name:N", title=None, scale=alt.Scale(domain=list(parts.values()))),
            order=alt.Order("part:O"),
            tooltip=[alt.Tooltip("route:N", title="Route"), alt.Tooltip("part_name:N", title="Part"),
                     alt.Tooltip("value:Q", title="Annual drag", format=".2%"),
                     alt.Tooltip("total:Q", title="Total", format=".2%")],
        )
        .properties(width=230, height=240)
        .facet(column=alt.Column("lev:N", title="Leverage", sort="ascending"))
    )
    return accessible(
        chart,
        title="The same leverage three ways: what a year costs",
        description=(
            "Stacked bars for 2x and 3x exposure bought through a leveraged ETF, index futures and a margin "
            "loan. The lower part, the benchmark rate on the borrowed part, is the same for every route; the "
            "upper part is what each adds. With the stated inputs futures add the least and the margin loan "
            "the most, with the ETF in between."
        ),
    )


# Exercises

_FINANCING_INPUTS = {"assets": 250e6, "leverage": 2, "rate": 0.045, "spread": 0.005}
_FEE_TABLE_INPUTS = {"management_fee": 0.0075, "other_expenses": 0.0019, "fee_waiver": 0.0004}
_LOSS_INPUTS = {"assets": 200e6, "leverage": 3, "index_return": -0.08, "rate": 0.05,
                "transaction_cost_rate": 0.003, "expense_ratio": 0.01}


def _financing_millions() -> float:
    inputs = dict(_FINANCING_INPUTS)
    return financing_cost(inputs.pop("assets"), inputs.pop("leverage"), inputs.pop("rate"), **inputs) / 1e6


register(
    NumericExercise(
        id="costs-financing",
        expected=_financing_millions,
        unit="number",
        decimals=2,
        quantity="in millions of dollars",
        scale=1e6,
        points=2,
        minutes=10,
        hint=("The swaps charge the benchmark plus the spread on their whole notional; the cash the fund "
              "holds earns the benchmark."),
        mistakes=(
            (lambda: _FINANCING_INPUTS["leverage"] * _FINANCING_INPUTS["assets"]
             * (_FINANCING_INPUTS["rate"] + _FINANCING_INPUTS["spread"]) / 1e6,
             "That is what the swaps charge, but the fund's cash earns the benchmark rate on its assets: "
             "net that interest off."),
            (lambda: financing_cost(_FINANCING_INPUTS["assets"], _FINANCING_INPUTS["leverage"],
                                    _FINANCING_INPUTS["rate"], spread=_FINANCING_INPUTS["spread"],
                                    spread_basis="borrowed") / 1e6,
             "That charges the spread on the borrowed part only. The dealer charges it on the whole "
             "swap notional, L times assets; the cash's interest offsets only the benchmark rate."),
            (lambda: financing_cost(_FINANCING_INPUTS["assets"], _FINANCING_INPUTS["leverage"],
                                    _FINANCING_INPUTS["rate"]) / 1e6,
             "That leaves out the spread the dealer charges on top of the benchmark rate."),
        ),
    )
)

register(
    NumericExercise(
        id="costs-fee-table",
        expected=lambda: float(fee_table(**_FEE_TABLE_INPUTS)["net"]),
        unit="decimal",
        decimals=4,
        points=1,
        minutes=5,
        hint="Add the lines to get the gross ratio, then take off the waiver.",
        mistakes=(
            (lambda: float(fee_table(**_FEE_TABLE_INPUTS)["gross"]),
             "That is the gross ratio: the fee waiver has not been taken off yet."),
            (lambda: float(fee_table(**_FEE_TABLE_INPUTS)["gross"]) + _FEE_TABLE_INPUTS["fee_waiver"],
             "The waiver reduces what you pay: subtract it."),
        ),
    )
)

register(
    NumericExercise(
        id="costs-year-loss",
        expected=lambda: float(fund_year_pnl(**_LOSS_INPUTS)["return_on_assets"]),
        unit="decimal",
        decimals=3,
        points=3,
        minutes=15,
        hint="Loss on the exposure plus all three costs, divided by the fund's assets at the start.",
        mistakes=(
            (lambda: _LOSS_INPUTS["leverage"] * _LOSS_INPUTS["index_return"],
             "That is the loss before costs: interest, transaction costs and the fee come on top."),
            (lambda: float(fund_year_pnl(**_LOSS_INPUTS)["net_gain"] / fund_year_pnl(**_LOSS_INPUTS)["exposure"]),
             "That divides by the exposure. The investors' money is the fund's assets."),
        ),
    )
)

def _upro_notional_spread() -> float:
    return float(real_fund_spreads().loc["UPRO", "spread_notional_adjusted"])


register(
    NumericExercise(
        id="costs-upro-lag",
        expected=_upro_notional_spread,
        unit="decimal",
        decimals=4,
        points=1,
        minutes=20,
        written=("Do the same for SSO on both bases, and say whether the two funds decide which basis the "
                 "spread is charged on. Then redo both funds to 2021 with the 2009-21 adjusted lags the statement "
                 "gives, dividing by the swap notional L - k with the inferred stock shares, and say whether one "
                 "spread fits both."),
        written_points=3,
        hint=("Take the distributions out of the lag first (the holder received them), then divide by the "
              "notional in units of the fund's assets."),
        mistakes=(
            (lambda: float(real_fund_spreads().loc["UPRO", "spread_notional"]),
             "That divides the lag on NAV, which counts the distributions paid to holders as a cost. Take "
             "them out first."),
            (lambda: float(real_fund_spreads().loc["UPRO", "spread_borrowed_adjusted"]),
             "That spreads the lag over the borrowed part, 2 times assets. The question asks for the spread "
             "on the whole notional, 3 times assets."),
            (lambda: REAL_FUND_LAGS["UPRO"]["lag_adjusted"],
             "That is the whole lag. Divide it by the notional, in units of the fund's assets."),
        ),
    )
)


def _annual_drag(leverage: float, rate: float, spread: float, expense_ratio: float) -> float:
    """Reference: a swap-based fund's annual drag without trading costs, from the engine."""
    return float(cost_breakdown(leverage, rate=rate, spread=spread, expense_ratio=expense_ratio)["total"])


register(
    FunctionExercise(
        id="costs-annual-drag",
        reference=_annual_drag,
        cases=(
            {"leverage": 3, "rate": 0.07, "spread": 0.0, "expense_ratio": 0.0},
            {"leverage": 2, "rate": 0.04, "spread": 0.005, "expense_ratio": 0.0089},
            {"leverage": 3, "rate": 0.05, "spread": 0.01, "expense_ratio": 0.0091},
            {"leverage": 1, "rate": 0.05, "spread": 0.01, "expense_ratio": 0.0009},
            {"leverage": -1, "rate": 0.04, "spread": 0.005, "expense_ratio": 0.0095},
            {"leverage": -3, "rate": 0.02, "spread": 0.01, "expense_ratio": 0.0095},
        ),
        hint=(
            "Work out what the fund pays (or earns) on the money it borrows or holds in cash, and on "
            "which amount the spread is charged in each of the three cases; test your function on "
            "L = 3, 1 and -1 by hand."
        ),
    )
)


#: How far the one-month bill used here fell behind the Federal Reserve's moves: the mean over each year's (and each
#: period's) daily returns of the interest the floor of the federal funds target range (:func:`fed_funds_floor`,
#: accrued by calendar day at the quoted rate over 365) would have paid over the return's interval, minus the
#: bill's, times 252 (annual decimal, on the same footing as the lags of :data:`REAL_FUND_YEARS`). A one-month bill
#: earns the rate fixed when it was bought, so it trails overnight rates while they rise and leads them while they
#: fall. Accrual convention: the interval from one trading day's close to the next, ``(t - 1, t]``, is credited the
#: floor in effect on each calendar day in it, so a new level is credited one day before the night it first applies
#: to; :data:`REAL_FUND_FLOOR_ACCRUAL_SHIFT` is what that does to each figure. Measured by ``tests/test_real_funds.py``.
REAL_FUND_FLOOR_GAP = _measured("real_fund_floor_gap")

#: What a deposit at the floor *earned* over the one-month bill: :data:`REAL_FUND_FLOOR_GAP` with the floor accrued
#: Actual/360, the convention on which federal funds and SOFR are quoted, instead of over 365 (annual decimals).
#: :data:`REAL_FUND_FLOOR_GAP` compares the bill with the floor as quoted; :func:`floor_rebased_rise` adds the
#: Actual/360 extra separately. Measured by ``tests/test_real_funds.py``.
REAL_FUND_FLOOR_GAP_ACT360 = _measured("real_fund_floor_gap_act360")

#: How much each figure of :data:`REAL_FUND_FLOOR_GAP` over-reads because the floor is credited one day early: the
#: figure minus the same gap with each level accrued from the night of the day it took effect (annual decimals). It
#: is the sum of the period's changes in the floor over 365, times 252 over the period's returns: at most a little
#: over a basis point, in 2022, and none over 2009-2021, which began and ended at zero. Measured by
#: ``tests/test_real_funds.py``.
REAL_FUND_FLOOR_ACCRUAL_SHIFT = _measured("real_fund_floor_accrual_shift")

#: The spread adjustment for one-month USD LIBOR fixed on 5 March 2021, the five-year median of one-month LIBOR
#: minus SOFR (annual decimal; ``lettools/facts/costs.json``, reported). The chapter quotes it as a fact about the
#: fallback only: which rate UPRO's and SSO's swaps paid before 2022 was not read.
LIBOR_SOFR_SPREAD = float(fact("costs", "libor_sofr_spread_adjustment")["one_month"])

__all__ += ["REAL_FUND_FLOOR_GAP", "REAL_FUND_FLOOR_GAP_ACT360", "REAL_FUND_FLOOR_ACCRUAL_SHIFT",
            "LIBOR_SOFR_SPREAD", "fed_funds_floor",
            "floor_rebased_years", "floor_rebased_rise"]


def fed_funds_floor(dates) -> np.ndarray:
    """The floor of the federal funds target range in effect on each date (annual decimal).

    From ``fed_funds_target_floor`` in ``lettools/facts/costs.json`` (the Federal
    Reserve's table of target-range changes, by the date each level took effect).
    The floor is a policy setting, a proxy for the overnight rates that swaps pay,
    which traded some basis points above it.

    Parameters
    ----------
    dates : array-like of dates
        Dates on or after 16 December 2008, when the target became a range.

    Returns
    -------
    numpy.ndarray
        The floor on each date, annual decimal.
    """
    from lettools.facts import load as load_facts

    table = load_facts("costs")["fed_funds_target_floor"]["value"]
    effective = pd.DatetimeIndex(list(table)).to_numpy()
    levels = np.array(list(table.values()), dtype=float) / 100
    try:
        days = pd.DatetimeIndex(np.atleast_1d(np.asarray(dates))).to_numpy()
    except (TypeError, ValueError) as error:
        raise TypeError(f"dates must be dates, got {dates!r}") from error
    if days.size and days.min() < effective[0]:
        raise ValueError("dates must be on or after 2008-12-16, when the target became a range")
    return levels[np.searchsorted(effective, days, side="right") - 1]


def _swap_multiples(fund: str) -> tuple[float, float]:
    """The two ends of the amount (per unit of assets) on which a fund's benchmark differs from the bill.

    ``L - 1`` if the fund's cash earns the benchmark too, ``L - k`` (the zero-rate ``k``) if it earns the bill.
    """
    leverage = REAL_FUND_LAGS[fund]["leverage"]
    return leverage - 1.0, leverage - REAL_FUND_STOCK_SHARE[fund]["stock_share"]


def floor_rebased_years() -> pd.DataFrame:
    """The high-rate years' adjusted lags re-based from the one-month bill to the federal funds floor.

    A fund pays its benchmark on the swap notional and earns about the bill (or the
    overnight rate) on its cash, so a lag measured against the bill over-reads by
    ``m`` times the floor-minus-bill gap of :data:`REAL_FUND_FLOOR_GAP`, with ``m``
    from ``L - 1`` (cash earning the overnight rate) to ``L - k`` (cash earning the
    bill; ``k`` the zero-rate stock share of :data:`REAL_FUND_STOCK_SHARE`).

    Returns
    -------
    pandas.DataFrame
        One row per year of :data:`REAL_FUND_YEARS`: ``rate`` (the bill), ``floor_gap``,
        and per fund its lag against the bill and the two ends of its lag against the
        floor, ``<fund>_floor_low`` and ``<fund>_floor_high`` (annual decimals).
    """
    rows = {}
    for year, figures in REAL_FUND_YEARS.items():
        gap = REAL_FUND_FLOOR_GAP[year]
        row = {"rate": figures["rate"], "floor_gap": gap}
        for fund in REAL_FUND_LAGS:
            ends = [figures[fund] - multiple * gap for multiple in _swap_multiples(fund)]
            row.update({fund: figures[fund], f"{fund}_floor_low": min(ends), f"{fund}_floor_high": max(ends)})
        rows[year] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")


def floor_rebased_rise(early_premium: float = 0.0) -> dict[str, float]:
    """:func:`swap_spread_rise` with each period's lags re-based on the federal funds floor and its day count.

    Against a benchmark near the floor, each period's adjusted lag over-reads by
    ``m (G + D)``: ``G`` the floor-minus-bill gap of :data:`REAL_FUND_FLOOR_GAP` and
    ``D = (365/360 - 1)`` times the floor's mean over the period, the extra that an
    Actual/360 day count costs. ``m`` runs from ``L - 1`` to ``L - k`` (as in
    :func:`floor_rebased_years`), ``k`` is the zero-rate stock share to 2021 and
    from there to 1 in 2022-2024; the re-based lag is divided by ``L - k``.

    Two assumptions. First, a constant offset: the overnight rate the swaps pay
    is taken to sit the same distance above the floor in both periods (the floor
    stands in for it, so that distance drops out only if it did not change; SOFR
    and the effective federal funds rate traded some basis points above the floor,
    by amounts not measured here). ``early_premium`` relaxes it for 2009-2021: a
    benchmark that sat that much further above the floor then (a sensitivity: which
    rate these funds' swaps paid before 2022 was not read) over-reads the early lag by a further
    ``(L - k) p 365/360`` (on the swap notional only: the fund's cash did not earn
    it), which lowers the 2009-2021 spread and raises the ratio. Second, the floor's
    accrual convention of :data:`REAL_FUND_FLOOR_GAP`, which credits each change one
    day early; :data:`REAL_FUND_FLOOR_ACCRUAL_SHIFT` bounds its effect on ``G``.

    Parameters
    ----------
    early_premium : float, default 0.0
        How far the 2009-2021 benchmark sat above the floor beyond the distance it
        kept in 2022-2024 (annual decimal, from 0 to 0.01).

    Returns
    -------
    dict of str to float
        ``spread_low`` and ``spread_high``: the 2022-2024 spread on the swaps (annual
        decimals), ``ratio_low`` and ``ratio_high``: its ratio to 2009-2021's, lowest
        and highest over both funds, both ends of ``m`` and ``k``.

    Raises
    ------
    TypeError
        If ``early_premium`` is not a real number.
    ValueError
        If ``early_premium`` is outside [0, 0.01].
    """
    if isinstance(early_premium, bool) or not isinstance(early_premium, (int, float, np.integer, np.floating)):
        raise TypeError(f"early_premium must be a real number, got {early_premium!r}")
    premium = float(early_premium)
    if not 0.0 <= premium <= 0.01:
        raise ValueError(f"early_premium must be in [0, 0.01] (an annual decimal), got {early_premium!r}")
    over_read = {}
    for period, figures in REAL_FUND_PERIODS.items():
        days = pd.date_range(figures["first"], figures["last"], freq="D")
        over_read[period] = REAL_FUND_FLOOR_GAP[period] + float(fed_funds_floor(days).mean()) * (365 / 360 - 1)

    def spread(fund: str, period: str, k: float, cash_earns_bill: bool) -> float:
        leverage = REAL_FUND_LAGS[fund]["leverage"]
        multiple = leverage - k if cash_earns_bill else leverage - 1.0
        lag = REAL_FUND_PERIODS[period]["lag_adjusted"][fund] - multiple * over_read[period]
        if period == "2009-2021":
            lag -= (leverage - k) * premium * 365 / 360
        return lag / (leverage - k)

    spreads, ratios = [], []
    for fund, share in REAL_FUND_STOCK_SHARE.items():
        zero_rate = share["stock_share"]
        for cash_earns_bill in (False, True):
            early = spread(fund, "2009-2021", zero_rate, cash_earns_bill)
            for k in (zero_rate, 1.0):
                spreads.append(spread(fund, "2022-2024", k, cash_earns_bill))
                ratios.append(spreads[-1] / early)
    return {"spread_low": min(spreads), "spread_high": max(spreads),
            "ratio_low": min(ratios), "ratio_high": max(ratios)}
