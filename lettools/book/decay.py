"""Explorers, charts, tables and exercises of the chapter "Volatility decay" (chapters/decay.ipynb).

The chapter's quantities, all per unit invested and before costs:

* the *variance cost* of a daily-reset fund, its log shortfall against the no-decay value
  ``(S_T / S_0)^L``: ``L ln(S_T / S_0) - ln(V_T / V_0)``, which is ``(L^2 - L) / 2`` times the
  realised variance of the path to second order (:mod:`lettools.decomposition`);
* the rebalancing trades, whose profits add up to the fund minus the target ``1 + L R``;
* the issuer-style table of estimated fund returns (:func:`lettools.fund_return`) and a
  simulation that checks it on daily paths with exactly the table's index return and
  realised volatility;
* the growth rate against leverage (:func:`lettools.log_growth_rate`), with the Kelly and
  cash-breakeven leverages;
* replays of real index history (:mod:`lettools.data`);
* the US market's drift, volatility and bill rate calibrated on Kenneth French's daily factors, and the
  Avellaneda-Zhang relation checked on SSO's and UPRO's NAVs, both as summary figures read from
  ``lettools/facts/decay.json`` (``tests/test_decay_real_data.py`` recomputes them from the data).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from lettools.charts import accessible, inline_csv
from lettools.data import index_returns, load_index
from lettools.decomposition import growth_decomposition, rebalancing_trade_pnl, yardstick_decomposition
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.facts import value as fact
from lettools.fund import simulate_fund, terminal_value
from lettools.paths import gbm_returns, scenario_returns
from lettools.theory import (
    cash_breakeven_leverage,
    estimated_returns_table,
    fund_return,
    kelly_leverage,
    log_growth_rate,
    realized_variance,
    rebalance_flow,
)
from lettools.twin import Explorer, Param
from lettools.variance_cost import log_shortfall

__all__ = [
    "EPISODES",
    "HISTORY_LEVERAGES",
    "TRADE_PATHS",
    "trade_ledger",
    "trades_explorer",
    "yardstick_table",
    "scenario_yardstick_table",
    "straight_path_cost",
    "one_day_costs",
    "growth_table",
    "PROSHARES_SDOW_2025",
    "proshares_comparison",
    "avellaneda_zhang_check",
    "QUARTER_DAYS",
    "shortfall_chart",
    "returns_table_frame",
    "returns_table_explorer",
    "growth_curve",
    "growth_explorer",
    "episode_paths",
    "episode_returns",
    "history_chart",
    "volatility_chart",
    "MARKET_PERIODS",
    "market_inputs",
    "calibration_table",
    "real_fund_check",
    "real_fund_miss_ratio",
]

#: Real episodes replayed in the chapter: label -> (index name, first day, last day).
EPISODES: Mapping[str, tuple[str, str, str]] = {
    "Nasdaq Composite, 2000-2002": ("nasdaq", "2000-01-01", "2002-12-31"),
    "S&P 500, 2008": ("sp500", "2008-01-01", "2008-12-31"),
}

#: Leverages of the hypothetical funds replayed on real history.
HISTORY_LEVERAGES = (1, 2, 3, -1)


def _fund_label(leverage: float) -> str:
    return f"{leverage:g}x"


# -- the log shortfall ---------------------------------------------------------------------


# -- decay from the rebalancing trade ------------------------------------------------------

#: Index paths of the trade explorer: name -> daily returns. The seeded ones are the chapter-2
#: teaching markets (:func:`lettools.scenario_returns`), 20 days long.
TRADE_PATHS: Mapping[str, tuple[float, ...]] = {
    "Up, down, up, down (4%)": (0.04, -0.04, 0.04, -0.04),
    "Five rises of 2%, five falls of 2%": (0.02,) * 5 + (-0.02,) * 5,
    "Steady rise, 1% a day": (0.01,) * 10,
    "Choppy market (seeded)": tuple(float(r) for r in scenario_returns("choppy", n_days=20, seed=2)),
    "Trend (seeded)": tuple(float(r) for r in scenario_returns("trend", n_days=20, seed=2)),
}


def trade_ledger(path: str, leverage: float, *, assets: float = 100.0) -> pd.DataFrame:
    """Each close's rebalancing trade and its profit to the end of the path (no costs).

    Parameters
    ----------
    path : str
        A key of :data:`TRADE_PATHS`.
    leverage : float
        The fund's daily multiple.
    assets : float
        Starting assets.

    Returns
    -------
    pandas.DataFrame
        One row per day: ``day``, ``index_return``, ``trade`` (bought at that close, in the unit
        of ``assets``, :func:`lettools.rebalance_flow`), ``trade_profit`` (that exposure's gain to
        the end, :func:`lettools.rebalancing_trade_pnl`), and on every row the path's totals:
        ``fund_minus_target`` (fund minus leverage bought once and held, exact) and
        ``second_order``, ``assets (L^2 - L)/2 ((sum R)^2 - sum R^2)``.
    """
    if path not in TRADE_PATHS:
        raise ValueError(f"path must be one of {list(TRADE_PATHS)}, got {path!r}")
    returns = np.asarray(TRADE_PATHS[path])
    profits = rebalancing_trade_pnl(returns, leverage, assets=assets)  # the engine checks leverage and assets
    leverage = float(leverage)
    fund_before = assets * np.concatenate(([1.0], np.cumprod(1.0 + leverage * returns)[:-1]))
    fund_end = assets * float(np.prod(1.0 + leverage * returns))
    target_end = assets * (1.0 + leverage * (float(np.prod(1.0 + returns)) - 1.0))
    net, squares = float(np.sum(returns)), float(np.sum(returns**2))
    return pd.DataFrame(
        {
            "day": np.arange(1, returns.size + 1),
            "index_return": returns,
            "trade": rebalance_flow(fund_before, leverage, returns),
            "trade_profit": profits,
            "fund_minus_target": fund_end - target_end,
            "second_order": assets * (leverage**2 - leverage) / 2.0 * (net**2 - squares),
        }
    )


def _draw_trades(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    low, high = domains["trade_profit"]
    bound = max(abs(low), abs(high))
    x = alt.X("day:O", title="Close at which the trade was made (day)")
    bars = base.mark_bar().encode(
        x=x,
        y=alt.Y(
            "trade_profit:Q",
            title="Profit of that close's trade to the end (per 100 invested)",
            scale=alt.Scale(domain=[-bound, bound]),
        ),
        color=alt.condition("datum.trade_profit >= 0", alt.value("#1f77b4"), alt.value("#d62728")),
        tooltip=[
            alt.Tooltip("day:O", title="Day"),
            alt.Tooltip("index_return:Q", title="Index that day", format="+.2%"),
            alt.Tooltip("trade:Q", title="Trade at the close", format="+.2f"),
            alt.Tooltip("trade_profit:Q", title="Its profit to the end", format="+.3f"),
        ],
    )
    summary = (
        base.transform_filter("datum.day == 1")
        .transform_calculate(
            # Four short lines rather than two long ones: at a phone's column width (about 300 px of
            # plot) a 50-character line runs past the chart's right edge.
            text="'Trades\\' profits, summed: ' + format(datum.fund_minus_target, '+.3f')"
            " + '\\n= fund minus target'"
            " + '\\nSecond order: ' + format(datum.second_order, '+.3f')"
            " + '\\n= (L² - L)/2 ((ΣR)² - ΣR²) x 100'"
        )
        .mark_text(align="left", baseline="top", fontSize=12, lineBreak="\n", lineHeight=16)
        .encode(x=alt.value(4), y=alt.value(4), text="text:N")
    )
    return alt.layer(bars, summary).properties(width=460, height=300)


def trades_explorer() -> Explorer:
    """The rebalancing trades of a fund along a path, each marked to the end: they add up to fund minus target."""
    return Explorer(
        compute=trade_ledger,
        params=[
            Param("path", list(TRADE_PATHS), default="Up, down, up, down (4%)", label="Index path"),
            Param("leverage", [-3, -2, -1, 2, 3], default=3, label="Leverage", live=(-3.0, 3.0, 0.5)),
        ],
        draw=_draw_trades,
        title="Decay is the rebalancing trades' profit and loss",
        description=(
            "Bar chart, one bar per trading day: the profit, to the end of the path, of the exposure the "
            "fund bought or sold at that day's close, per 100 invested. Blue bars gain, red bars lose. A "
            "line of text gives their sum, which equals the fund's value minus that of the same leverage "
            "bought once and held, and its second-order approximation. On paths that reverse, the trades "
            "lose; on a steady trend, they gain."
        ),
        decimals=6,
    )


# -- two yardsticks, one identity ----------------------------------------------------------


def yardstick_table(
    cases: Sequence[tuple[str, int, float]] = (("sp500", 2008, 2.0), ("sp500", 2008, 3.0), ("sp500", 2017, 3.0)),
) -> pd.DataFrame:
    """Real calendar years through :func:`lettools.yardstick_decomposition` (no costs).

    ``cases`` holds (index name, year, leverage). Returns one row per case with the index's
    return, the target ``L R``, the no-decay value ``(1 + R)^L - 1``, the convexity gain (simple
    and in logs, the unit of the variance cost), the exact variance cost and its second- and
    third-order terms, and the fund's return.
    """
    rows = {}
    for name, year, leverage in cases:
        returns = index_returns(name, f"{year}-01-01", f"{year}-12-31").to_numpy()
        parts = yardstick_decomposition(returns, leverage)
        rows[f"{INDEX_LABELS.get(name, name)} {year}, {leverage:g}x"] = {
            key: parts[key]
            for key in (
                "index_return",
                "target_return",
                "no_decay_return",
                "convexity_gain",
                "log_convexity_gain",
                "variance_cost",
                "variance_cost_second_order",
                "cubic_term",
                "fund_return",
            )
        }
    return pd.DataFrame.from_dict(rows, orient="index")


INDEX_LABELS = {"sp500": "S&P 500", "nasdaq": "Nasdaq"}


def scenario_yardstick_table(leverage: float = 3.0, n_days: int = 30, *, seed: int = 2) -> pd.DataFrame:
    """One seeded path of each teaching market (:func:`lettools.scenario_returns`) split by the identity.

    Returns one row per market (trend, flat, choppy) with the index's return, the target ``L R``,
    the fund's return (no costs), the convexity gain and the variance cost, both in logs, and
    ``beats_target``, which is true exactly when the gain exceeds the cost.
    """
    rows = {}  # scenario_returns checks n_days and seed, yardstick_decomposition leverage
    for kind in ("trend", "flat", "choppy"):
        parts = yardstick_decomposition(scenario_returns(kind, n_days=n_days, seed=seed), leverage)
        rows[kind] = {
            "index_return": parts["index_return"],
            "target_return": parts["target_return"],
            "fund_return": parts["fund_return"],
            "log_convexity_gain": parts["log_convexity_gain"],
            "variance_cost": parts["variance_cost"],
            "beats_target": bool(parts["fund_return"] > parts["target_return"]),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("market")


def straight_path_cost(daily_return: float = 0.001, n_days: int = 252, leverage: float = 3.0) -> pd.Series:
    """A path that rises by the same ``daily_return`` every day: what it still costs a daily-reset fund.

    The variance cost (exact) and ``(L^2 - L)/2 T R^2``, with the target, the no-decay value and
    the fund's return, from :func:`lettools.yardstick_decomposition`.
    """
    if isinstance(n_days, bool) or not isinstance(n_days, numbers.Integral) or not 1 <= n_days <= 100_000:
        raise ValueError(f"n_days must be a whole number from 1 to 100,000, got {n_days!r}")
    if isinstance(daily_return, bool) or not isinstance(daily_return, numbers.Real) or not -1.0 < daily_return < 1.0:
        raise ValueError(f"daily_return must be a number above -1 and below 1, got {daily_return!r}")
    parts = yardstick_decomposition(np.full(int(n_days), float(daily_return)), leverage)
    return pd.Series(
        {
            "index_return": parts["index_return"],
            "target_return": parts["target_return"],
            "no_decay_return": parts["no_decay_return"],
            "fund_return": parts["fund_return"],
            "variance_cost": parts["variance_cost"],
            "variance_cost_second_order": parts["variance_cost_second_order"],
        }
    )


def one_day_costs(leverage: float = 3.0, move: float = 0.02) -> pd.DataFrame:
    """One day's variance cost, ``L ln(1 + R) - ln(1 + L R)``, for a rise and a fall of ``move``.

    Columns: ``exact``, ``second_order`` ``(L^2 - L) R^2 / 2``, ``cubic`` ``(L - L^3) R^3 / 3``,
    and ``second_plus_cubic``; rows ``rise`` and ``fall``.
    """
    if isinstance(move, bool) or not isinstance(move, numbers.Real) or not 0.0 < move < 1.0:
        raise ValueError(f"move must be a number above 0 and below 1, got {move!r}")
    move = float(move)
    rows = {}  # yardstick_decomposition checks leverage
    for label, day in (("rise", move), ("fall", -move)):
        parts = yardstick_decomposition([day], leverage)
        rows[label] = {
            "exact": parts["variance_cost"],
            "second_order": parts["variance_cost_second_order"],
            "cubic": parts["cubic_term"],
            "second_plus_cubic": parts["variance_cost_second_order"] + parts["cubic_term"],
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def growth_table(
    mu: float, sigma: float, rate: float, leverages: Sequence[float] = (-1.0, 1.0, 2.0, 3.0)
) -> pd.DataFrame:
    """The long-run growth rate of each fund split into its parts (:func:`lettools.growth_decomposition`)."""
    parts = growth_decomposition(np.asarray(leverages, dtype=float), mu, sigma, rate=rate)
    return pd.DataFrame(
        {
            "L x index log growth": parts["index_term"],
            "variance cost": 0.0 - parts["variance_cost"],  # 0.0 - x: no "-0.00" for 1x
            "financing (1 - L) r": parts["financing"],
            "growth rate g(L)": parts["growth"],
        },
        index=pd.Index([_fund_label(v) for v in leverages], name="fund"),
    )


# -- the string, made quantitative ---------------------------------------------------------


#: Trading days in the simulated quarters of :func:`lettools.shortfall_sample` (its default ``n_days``).
QUARTER_DAYS = 63


def shortfall_chart(sample: pd.DataFrame) -> alt.LayerChart:
    """Scatter of log shortfall against realised variance, with the line ``(L^2 - L) / 2 x RV`` per leverage."""
    data = sample.assign(fund=sample["leverage"].map(_fund_label))
    funds = [_fund_label(v) for v in sorted(sample["leverage"].unique())]
    color = alt.Color("fund:N", title="Fund", scale=alt.Scale(domain=funds))
    base = alt.Chart(inline_csv(data[["fund", "realized_variance", "variance_cost", "second_order"]]))
    x = alt.X("realized_variance:Q", title="Realised variance of the index path (sum of squared daily returns)")
    points = base.mark_point(size=30, opacity=0.6).encode(
        x=x,
        y=alt.Y("variance_cost:Q", title="Variance cost: L ln(index growth) - ln(fund growth)"),
        color=color,
        shape=alt.Shape("fund:N", title="Fund", scale=alt.Scale(domain=funds)),
        tooltip=[
            alt.Tooltip("fund:N", title="Fund"),
            alt.Tooltip("realized_variance:Q", title="Realised variance", format=".4f"),
            alt.Tooltip("variance_cost:Q", title="Variance cost", format=".4f"),
            alt.Tooltip("second_order:Q", title="(L^2 - L)/2 x variance", format=".4f"),
        ],
    )
    lines = base.mark_line(strokeWidth=1.5).encode(x=x, y="second_order:Q", color=color)
    chart = alt.layer(lines, points).properties(width=480, height=320)
    return accessible(
        chart,
        title="The variance cost is the index path's realised variance times (L² - L)/2",
        description=(
            "Scatter plot: each point is one simulated quarter of an index with no drift and a "
            "volatility between 10% and 80%. Horizontal axis: the path's realised variance; vertical "
            "axis: the variance cost, how far the fund's log growth falls short of L times the index's "
            "log growth. Points for 2x and 3x funds lie on straight lines through the origin with "
            "slopes 1 and 3, the lines drawn."
        ),
    )


# -- the prospectus table, rebuilt and simulated -------------------------------------------

def _sdow_table() -> pd.DataFrame:
    record = fact("decay", "proshares_sdow_2025_estimated_returns")
    return pd.DataFrame(
        record["fund_returns_percent"],
        index=pd.Index(record["index_returns"], name="index return"),
        columns=pd.Index(record["volatilities"], name="volatility"),
    )


#: ProShares UltraPro Short Dow30 (SDOW, -3x the Dow Jones Industrial Average), "Estimated Fund
#: Returns", in percent: one-year index return (rows) against one-year volatility (columns). Read
#: from ``lettools/facts/decay.json`` (key ``proshares_sdow_2025_estimated_returns``, with its
#: source: the ProShares Trust prospectus filed with the SEC in 2025).
PROSHARES_SDOW_2025 = _sdow_table()


def proshares_comparison() -> pd.DataFrame:
    """The printed SDOW table beside :func:`lettools.estimated_returns_table` at -3x, in percent.

    Returns one row per cell: ``index return``, ``volatility``, ``printed``, ``rebuilt`` (the
    Avellaneda-Zhang relation with no financing and no fees, rounded to 0.1 as printed) and
    ``difference`` (printed minus unrounded rebuilt, percentage points).
    """
    rebuilt = estimated_returns_table(
        -3, PROSHARES_SDOW_2025.index.to_numpy(), PROSHARES_SDOW_2025.columns.to_numpy()
    ) * 100.0
    printed = PROSHARES_SDOW_2025.stack().rename("printed")
    exact = rebuilt.stack().rename("rebuilt_exact")
    frame = pd.concat([printed, exact], axis=1).reset_index()
    return frame.assign(
        rebuilt=frame["rebuilt_exact"].round(1), difference=frame["printed"] - frame["rebuilt_exact"]
    )[["index return", "volatility", "printed", "rebuilt", "difference"]]


def returns_table_frame(leverage: float) -> pd.DataFrame:
    """The issuer-style table of :func:`lettools.estimated_returns_table` in long form, for charts.

    Columns ``index_return``, ``volatility`` and ``fund_return`` (decimals; one year, no costs).
    """
    table = estimated_returns_table(leverage)  # the issuers' rows and columns (its defaults)
    long = table.stack().rename("fund_return").reset_index()
    return long.rename(columns={"index return": "index_return"})


def _draw_returns_table(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    y = alt.Y("index_return:O", title="Index return over the year", sort="descending", axis=alt.Axis(format="+.0%"))
    x = alt.X("volatility:O", title="Index volatility (annualised)", axis=alt.Axis(format=".0%", labelAngle=0))
    tooltip = [
        alt.Tooltip("index_return:Q", title="Index return", format="+.0%"),
        alt.Tooltip("volatility:Q", title="Volatility", format=".0%"),
        alt.Tooltip("fund_return:Q", title="Estimated fund return", format="+.1%"),
    ]
    # Losses orange, gains blue; gains above +100% share the deepest blue (the scale is clamped).
    fill = alt.Color(
        "fund_return:Q",
        title="Estimated fund return",
        scale=alt.Scale(scheme="blueorange", reverse=True, domain=[-1, 1], domainMid=0, clamp=True),
        legend=alt.Legend(format="+.0%", orient="right"),
    )
    cells = base.mark_rect().encode(x=x, y=y, color=fill, tooltip=tooltip)
    text = base.mark_text(fontSize=11).encode(
        x=x,
        y=y,
        text=alt.Text("fund_return:Q", format="+.0%"),
        color=alt.condition("abs(datum.fund_return) > 0.55", alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, text).properties(width=360, height=390)


def returns_table_explorer() -> Explorer:
    """The prospectus table of estimated one-year fund returns, as a heatmap, for a chosen leverage."""
    return Explorer(
        compute=returns_table_frame,
        params=[Param("leverage", [-3, -2, -1, 2, 3], default=3, label="Leverage", live=(-3.0, 3.0, 0.5))],
        draw=_draw_returns_table,
        title="Estimated one-year fund return, by index return and index volatility",
        description=(
            "Heatmap with the index's one-year return from -60% to +60% in rows and its volatility from "
            "10% to 100% in columns; each cell gives the estimated return of a daily-reset fund at the "
            "chosen leverage, before costs, from the Avellaneda-Zhang relation. Along every row the "
            "fund's return falls as volatility rises."
        ),
        decimals=5,
    )


# -- growth against leverage ---------------------------------------------------------------

_GROWTH_LEVERAGES = np.round(np.arange(-2.0, 5.0001, 0.2), 1)
_GROWTH_LIMITS = (-0.3, 0.3)
_GROWTH_HEIGHT = 300


def avellaneda_zhang_check(leverage: float, mu: float, sigma: float, *, seed: int) -> pd.Series:
    """One simulated year: the fund day by day against the Avellaneda-Zhang relation.

    The relation needs only the index's total return and realised volatility over
    the year (:func:`lettools.fund_return`); the simulation compounds every day.

    Parameters
    ----------
    leverage : float
        Daily multiple ``L``.
    mu, sigma : float
        Annual drift and volatility of the simulated index (decimals).
    seed : int
        Seed of the year's path (:func:`lettools.gbm_returns`).
    """
    year = gbm_returns(1, 252, mu, sigma, seed=seed)[0]
    index_total = float(np.prod(1 + year) - 1)
    realised_vol = float(np.sqrt(realized_variance(year)))  # one year: variance per year = RV
    label = f"{leverage:g}x fund"
    return pd.Series(
        {
            "index return": index_total,
            "realised volatility": realised_vol,
            f"{label}, simulated day by day": terminal_value(year, leverage) - 1,
            f"{label}, Avellaneda-Zhang": fund_return(index_total, realised_vol, leverage),
            f"{leverage:g} x index return": leverage * index_total,
        }
    )


def growth_curve(mu: float, sigma: float, rate: float) -> pd.DataFrame:
    """The fund's annual log growth rate for leverages from -2 to 5, with Kelly and breakeven.

    Columns: ``leverage``, ``growth`` (:func:`lettools.log_growth_rate`, no expense
    ratio), ``cash`` (the growth rate of cash, ``rate``), ``kelly``
    (:func:`lettools.kelly_leverage`) and ``breakeven``
    (:func:`lettools.cash_breakeven_leverage`), the last three the same on every row.
    """
    kelly = kelly_leverage(mu, sigma, rate=rate)  # the engine checks mu, sigma (> 0) and rate
    mu, sigma, rate = float(mu), float(sigma), float(rate)
    return pd.DataFrame(
        {
            "leverage": _GROWTH_LEVERAGES,
            "growth": log_growth_rate(_GROWTH_LEVERAGES, mu, sigma, rate=rate),
            "cash": rate,
            "kelly": kelly,
            "breakeven": cash_breakeven_leverage(mu, sigma, rate=rate),
        }
    )


def _draw_growth(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    low, high = float(_GROWTH_LEVERAGES[0]), float(_GROWTH_LEVERAGES[-1])
    x = alt.X("leverage:Q", title="Leverage L", scale=alt.Scale(domain=[low, high]))
    y_scale = alt.Scale(domain=list(_GROWTH_LIMITS))
    curve = base.mark_line(clip=True).encode(
        x=x,
        y=alt.Y("growth:Q", title="Annual log growth rate", scale=y_scale, axis=alt.Axis(format=".0%")),
        tooltip=[
            alt.Tooltip("leverage:Q", title="Leverage", format=".1f"),
            alt.Tooltip("growth:Q", title="Growth rate", format="+.2%"),
        ],
    )
    common = (
        base.transform_filter(
            "abs(datum.leverage - 1) < 1e-9 || abs(datum.leverage - 2) < 1e-9 "
            "|| abs(datum.leverage - 3) < 1e-9 || abs(datum.leverage + 1) < 1e-9"
        )
        .mark_point(clip=True, color="black")
        .encode(
            x=x,
            y=alt.Y("growth:Q", scale=y_scale),
            tooltip=[
                alt.Tooltip("leverage:Q", title="Fund", format=".0f"),
                alt.Tooltip("growth:Q", title="Growth rate", format="+.2%"),
            ],
        )
    )
    first = base.transform_filter(f"datum.leverage < {low + 1e-9}")
    cash = first.mark_rule(strokeDash=[4, 4], color="#555555").encode(y=alt.Y("cash:Q", scale=y_scale))
    rules = []
    for column, colour, dash in (("kelly", "#009E73", [1, 0]), ("breakeven", "#D55E00", [6, 3])):
        rules.append(
            first.transform_filter(f"datum.{column} >= {low} && datum.{column} <= {high}")
            .mark_rule(color=colour, strokeDash=dash, strokeWidth=2)
            .encode(x=alt.X(f"{column}:Q", scale=alt.Scale(domain=[low, high])))
        )
    caption = (
        first.transform_calculate(
            # Three short lines: one long line runs past the chart's right edge on a phone.
            text="'Kelly leverage ' + format(datum.kelly, '.2f') + ' (green)\\nslower than cash beyond ' "
            "+ format(datum.breakeven, '.2f') + ' (red, dashed)\\ngrey dashes: cash'"
        )
        .mark_text(align="left", baseline="top", fontSize=12, lineBreak="\n", lineHeight=16)
        .encode(x=alt.value(0), y=alt.value(_GROWTH_HEIGHT + 40), text="text:N")
    )
    return alt.layer(curve, common, cash, *rules, caption).properties(width=480, height=_GROWTH_HEIGHT)


def growth_explorer() -> Explorer:
    """Long-run growth of a daily-reset fund against its leverage, for a chosen drift, volatility and rate."""
    return Explorer(
        compute=growth_curve,
        params=[
            Param(
                "mu",
                np.round(np.arange(0.03, 0.1501, 0.02), 2),
                default=0.11,  # near the US market's 1926-2024 drift (market_inputs)
                label="Index drift mu",
                percent=True,
                live=(-0.10, 0.30, 0.01),
            ),
            Param(
                "sigma",
                np.round(np.arange(0.125, 0.4001, 0.05), 3),
                default=0.175,  # near its volatility
                label="Index volatility sigma",
                percent=True,
                live=(0.05, 0.80, 0.005),
            ),
            Param(
                "rate", [0.0, 0.03, 0.06], default=0.03, label="Financing rate r", percent=True, live=(0.0, 0.10, 0.005)
            ),
        ],
        draw=_draw_growth,
        title="Long-run growth rate of a daily-reset fund against its leverage",
        description=(
            "A downward-opening parabola: the fund's annual log growth rate, L mu + (1 - L) r - L² sigma² / 2, "
            "for leverage from -2 to 5. Black points mark the -1x, 1x, 2x and 3x funds, a green line the "
            "Kelly leverage at the top of the curve, a red dashed line the leverage beyond which the fund "
            "grows more slowly than cash, whose rate is the grey dashed line."
        ),
        decimals=5,
    )


# -- real history --------------------------------------------------------------------------


def episode_paths(leverages: Sequence[float] = HISTORY_LEVERAGES) -> pd.DataFrame:
    """Hypothetical daily-reset funds (no costs, start 1) replayed over each of :data:`EPISODES`.

    Returns one row per episode and trading day (plus a starting row dated the day before
    the first return, at 1): ``episode``, ``date`` and one column per fund named ``"2x"``,
    ``"-1x"`` and so on (``"1x"`` is the index itself).
    """
    frames = []
    for episode, (name, start, end) in EPISODES.items():
        returns = index_returns(name, start, end)
        dates = load_index(name).index
        first = dates.get_loc(returns.index[0])
        day_before = dates[first - 1] if first > 0 else returns.index[0] - pd.Timedelta(days=1)
        frame = pd.DataFrame({"date": pd.DatetimeIndex([day_before, *returns.index])})
        for leverage in leverages:
            frame[_fund_label(leverage)] = simulate_fund(returns.to_numpy(), leverage)
        frames.append(frame.assign(episode=episode))
    ordered = ["episode", "date", *(_fund_label(v) for v in leverages)]
    return pd.concat(frames, ignore_index=True)[ordered]


def episode_returns(leverages: Sequence[float] = HISTORY_LEVERAGES) -> pd.DataFrame:
    """Total return of each hypothetical fund over each episode, next to ``L`` times the index's return.

    Returns a DataFrame indexed by (episode, fund) with columns ``fund_return``,
    ``target_return`` (``L`` times the index's return) and ``no_decay_return``, ``(1 + index return)^L - 1``: what the
    fund would return had the index moved along a perfectly smooth path (zero realised
    variance in the Avellaneda-Zhang relation).
    """
    rows = []
    for episode, (name, start, end) in EPISODES.items():
        returns = index_returns(name, start, end).to_numpy()
        index_total = float(np.prod(1.0 + returns) - 1.0)
        for leverage in leverages:
            rows.append(
                {
                    "episode": episode,
                    "fund": _fund_label(leverage),
                    "fund_return": terminal_value(returns, leverage) - 1.0,
                    "target_return": leverage * index_total,
                    "no_decay_return": (1.0 + index_total) ** leverage - 1.0,
                }
            )
    return pd.DataFrame(rows).set_index(["episode", "fund"])


def history_chart(paths: pd.DataFrame) -> alt.FacetChart:
    """One panel per episode: the value of each hypothetical fund on a log scale."""
    funds = [column for column in paths.columns if column not in ("episode", "date")]
    color = alt.Color("fund:N", title="Daily-reset fund", scale=alt.Scale(domain=funds))
    chart = (
        alt.Chart(inline_csv(paths, decimals=5))
        .transform_fold(funds, as_=["fund", "value"])
        .mark_line(strokeWidth=1.8)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("value:Q", title="Value of 1 invested (log scale)", scale=alt.Scale(type="log")),
            color=color,
            strokeDash=alt.StrokeDash("fund:N", title="Daily-reset fund", scale=alt.Scale(domain=funds)),
            tooltip=[
                alt.Tooltip("date:T", title="Date"),
                alt.Tooltip("fund:N", title="Fund"),
                alt.Tooltip("value:Q", title="Value", format=".3f"),
            ],
        )
        .properties(width=300, height=280)
        .facet(column=alt.Column("episode:N", title=None, sort=list(EPISODES)))
        .resolve_scale(x="independent")
    )
    return accessible(
        chart,
        title="Real index history replayed with daily-reset funds (no costs)",
        description=(
            "Two panels of line charts on a logarithmic scale, the Nasdaq Composite from 2000 to 2002 "
            "and the S&P 500 in 2008, each with the value of 1 invested in the index (1x) and in "
            "hypothetical 2x, 3x and -1x daily-reset funds. The 2x and 3x funds lose far more than the "
            "index and the inverse fund gains less than the index loses."
        ),
    )


def volatility_chart(frame: pd.DataFrame, name: str = "S&P 500") -> alt.Chart:
    """Line chart of :func:`lettools.rolling_volatility` over time."""
    chart = (
        alt.Chart(inline_csv(frame, decimals=4))
        .mark_line(strokeWidth=1.2)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("volatility:Q", title="Annualised volatility, past 21 trading days", axis=alt.Axis(format=".0%")),
            tooltip=[
                alt.Tooltip("date:T", title="Date"),
                alt.Tooltip("volatility:Q", title="Volatility", format=".1%"),
            ],
        )
        .properties(width=560, height=260)
    )
    return accessible(
        chart,
        title=f"Volatility comes in clusters: the {name}'s rolling one-month volatility",
        description=(
            f"Line chart of the {name}'s annualised volatility over rolling 21-day windows, 1999 to 2018. "
            "Long calm stretches near or below 15% alternate with bursts: the highest, in late 2008, is "
            "several times the calm level, with smaller bursts in 2002, 2010, 2011, 2015 and 2018."
        ),
    )


# -- exercises -----------------------------------------------------------------------------


def _sp500_shortfall(year: int, leverage: float = 2.0) -> float:
    """Log shortfall of a daily-reset fund on the S&P 500 over one calendar year."""
    returns = index_returns("sp500", f"{year}-01-01", f"{year}-12-31")
    return log_shortfall(returns.to_numpy(), leverage)


def _sp500_simple_gap(year: int, leverage: float = 2.0) -> float:
    """``L`` times the index's simple return minus the fund's, over one calendar year of the S&P 500."""
    returns = index_returns("sp500", f"{year}-01-01", f"{year}-12-31").to_numpy()
    return leverage * float(np.prod(1.0 + returns) - 1.0) - (terminal_value(returns, leverage) - 1.0)


register(
    NumericExercise(
        id="decay-prospectus",
        expected=lambda: fund_return(-0.10, 0.25, 3),
        unit="decimal",
        decimals=3,
        points=2,
        minutes=10,
        hint="Raise the index's growth factor to the power L, then multiply by exp((L - L²) sigma² / 2).",
        mistakes=(
            (lambda: 3 * -0.10, "That is three times the index's return: volatility and compounding are missing."),
            (lambda: 0.9**3 - 1, "That leaves out the volatility term exp((L - L²) sigma² / 2)."),
        ),
    )
)

register(
    NumericExercise(
        id="decay-kelly",
        expected=lambda: kelly_leverage(0.11, 0.25, rate=0.03),
        unit="number",
        decimals=2,
        quantity="as a leverage L (a plain number, 2 for 2x)",
        points=2,
        minutes=10,
        hint="Kelly leverage is the excess drift over the financing rate, divided by the variance.",
        mistakes=(
            (lambda: 0.11 / 0.25**2, "Subtract the financing rate from the drift first."),
            (lambda: 0.08 / 0.25, "Divide by the variance, sigma squared, not by sigma."),
        ),
    )
)

register(
    NumericExercise(
        id="decay-breakeven",
        expected=lambda: cash_breakeven_leverage(0.11, 0.25, rate=0.03),
        unit="number",
        decimals=2,
        quantity="as a leverage L (a plain number, 2 for 2x)",
        points=2,
        minutes=10,
        hint="Set g(L) equal to the cash rate r and solve for the non-zero root.",
        mistakes=((lambda: kelly_leverage(0.11, 0.25, rate=0.03), "That is the Kelly leverage, where growth peaks."),),
    )
)

register(
    FunctionExercise(
        id="decay-shortfall-function",
        reference=lambda index_returns, leverage: log_shortfall(index_returns, leverage),
        cases=(
            {"index_returns": [0.10, -0.10], "leverage": 2},
            {"index_returns": [0.01, -0.02, 0.015, 0.03, -0.01], "leverage": 3},
            {"index_returns": [0.05, 0.05, 0.05], "leverage": -1},
            {"index_returns": [0.02, -0.03], "leverage": 1},
            {"index_returns": [-0.04, 0.02, 0.01, -0.01], "leverage": -2},
        ),
        hint="The fund multiplies by (1 + L R) each day and the index by (1 + R); compare L times the "
        "index's log growth with the fund's log growth.",
    )
)

register(
    NumericExercise(
        id="decay-sp500-2008",
        expected=lambda: _sp500_shortfall(2008),
        unit="decimal",
        decimals=3,
        points=3,
        minutes=20,
        written="The same for 2017, compared with each year's realised variance, and what explains the difference.",
        written_points=2,
        hint="Simulate the 2x fund on the 2008 daily returns, then compute 2 ln(index growth) - ln(fund growth).",
        mistakes=(
            (
                lambda: _sp500_simple_gap(2008),
                "That is the gap in simple returns: the decay is measured on a log scale.",
            ),
        ),
    )
)


# -- calibrated inputs and the relation on real funds (lettools/facts/decay.json) ------------------

#: Calibration periods of the US stock market in ``lettools/facts/decay.json``: label -> fact key.
MARKET_PERIODS: Mapping[str, str] = {"1926-2024": "us_market_1926_2024", "1999-2018": "us_market_1999_2018"}


def market_inputs(period: str = "1926-2024") -> dict:
    """The US stock market's drift ``mu``, volatility ``sigma`` and bill rate ``rate`` over a period.

    Measured from Kenneth French's daily factors (``Mkt-RF + RF``) and stored with their source in
    ``lettools/facts/decay.json`` (``tests/test_decay_real_data.py`` recomputes them). Returns a dict with
    ``mu``, ``sigma``, ``rate`` and ``excess_se``, the standard error of the mean of ``mu - r`` (annual
    decimals), and ``first``, ``last``, ``years`` and ``trading_days``.
    """
    if period not in MARKET_PERIODS:
        raise ValueError(f"period must be one of {list(MARKET_PERIODS)}, got {period!r}")
    from lettools.facts import value

    fact = value("decay", MARKET_PERIODS[period])
    return {
        "mu": fact["drift_mu"],
        "sigma": fact["volatility_sigma"],
        "rate": fact["bill_rate_r"],
        "excess_se": fact["excess_drift_standard_error"],
        "first": fact["first"],
        "last": fact["last"],
        "years": fact["years"],
        "trading_days": fact["trading_days"],
    }


def calibration_table(periods: Sequence[str] = tuple(MARKET_PERIODS)) -> pd.DataFrame:
    """For each calibration period: the inputs and what they imply for daily-reset funds (no fees, no spread).

    Columns: ``mu``, ``sigma``, ``r``, ``mu - r`` and its standard error, ``2 sigma^2`` (the excess drift a
    3x fund needs to outgrow its index, :func:`lettools.excess_drift_to_outgrow`), the growth rates ``g(1)``,
    ``g(2)``, ``g(3)`` (:func:`lettools.log_growth_rate`), the Kelly leverage and the cash breakeven.
    """
    from lettools.decomposition import excess_drift_to_outgrow

    rows = {}
    for period in periods:
        inputs = market_inputs(period)
        mu, sigma, rate = inputs["mu"], inputs["sigma"], inputs["rate"]
        row = {"mu": mu, "sigma": sigma, "r": rate, "mu - r": mu - rate, "se of mu - r": inputs["excess_se"],
               "2 sigma^2": excess_drift_to_outgrow(3, 1, sigma)}
        for leverage in (1, 2, 3):
            row[f"g({leverage})"] = log_growth_rate(leverage, mu, sigma, rate=rate)
        row["Kelly"] = kelly_leverage(mu, sigma, rate=rate)
        row["cash breakeven"] = cash_breakeven_leverage(mu, sigma, rate=rate)
        rows[period] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("period")


def real_fund_check() -> pd.DataFrame:
    """The Avellaneda-Zhang relation on the NAVs of ProShares' SSO (2x) and UPRO (3x), quarter by quarter.

    Summary figures from ``lettools/facts/decay.json`` (computed by ``tests/test_decay_real_data.py`` from
    data that stays outside the repository). One row per fund: the quarters checked and, in log points per
    quarter, the mean and standard deviation of the real log growth minus the relation's prediction, the
    standard deviations of the misses of the no-decay value, of the target and of a fixed-variance forecast
    (each with the same carry), and the largest gap between the relation and the exact daily model, with its
    quarter; then the mean of that gap (the higher-order decay the relation leaves out), the exact daily
    model's mean miss, the distributions paid a quarter and the exact model's mean miss with them added back;
    last, the relation fed a forecast of the quarter's variance known at its start instead of the variance
    it realised (the previous quarter's, or the VIX at the previous quarter's close): the spread of its
    misses, and the VIX forecast's mean miss.
    """
    from lettools.facts import value

    rows = {}
    for fund in ("sso", "upro"):
        fact = value("decay", f"az_real_{fund}")
        rows[f"{fund.upper()} ({fact['leverage']:g}x)"] = {
            "quarters": f"{fact['first_quarter']}-{fact['last_quarter']} ({fact['quarters']})",
            "mean miss, relation": 100 * fact["mean_error_avellaneda_zhang"],
            "sd of miss, relation": 100 * fact["sd_error_avellaneda_zhang"],
            "sd of miss, no-decay value": 100 * fact["sd_error_no_decay"],
            "sd of miss, target": 100 * fact["sd_error_target"],
            "sd of miss, fixed variance": 100 * fact["sd_error_fixed_variance"],
            "largest discrete-reset term": 100 * fact["largest_discrete_reset_term"],
            "in quarter": fact["largest_discrete_reset_quarter"],
            "mean higher-order decay": 100 * fact["mean_higher_order_terms"],
            "mean miss, exact daily model": 100 * fact["mean_error_exact"],
            "distributions": 100 * fact["distributions_per_quarter"],
            "mean miss, exact, distributions added": 100 * fact["mean_error_exact_distributions_added"],
            "sd of miss, last quarter's variance": 100 * fact["sd_error_lagged_variance"],
            "sd of miss, VIX forecast": 100 * fact["sd_error_vix_forecast"],
            "mean miss, VIX forecast": 100 * fact["mean_error_vix_forecast"],
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("fund")


def real_fund_miss_ratio() -> pd.Series:
    """SSO's mean quarterly miss of the exact daily model over UPRO's, with standard errors.

    From ``lettools/facts/decay.json`` (computed by ``tests/test_decay_real_data.py``): the ratio on NAV and
    with the funds' distributions added back. A cost charged on ``k`` times the assets predicts
    ``k_SSO / k_UPRO``: 2/3 for a spread on the whole notional, 1/2 on the borrowed part, 1/3 for trading.
    """
    from lettools.facts import value

    return pd.Series(value("decay", "az_real_sso_over_upro"), name="SSO / UPRO")
