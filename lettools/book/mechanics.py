"""Explorers, charts, tables and exercises of the chapter "Mechanics" (chapters/mechanics.ipynb).

Money amounts are in millions of the fund's currency, returns are simple decimals
(0.01 is +1%), and a positive trade is a purchase of index exposure. Costs are left
out: the chapter is about how exposure is held and reset, not what it costs.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from lettools.charts import accessible
from lettools.data import index_returns as load_index_returns
from lettools.decomposition import effective_leverage, flow_adjusted_trade
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.facts import value as fact
from lettools.fund import simulate_fund
from lettools.oneday import BALANCE_SHEET_ITEMS, BALANCE_SHEET_STAGES, acceleration_move, balance_sheet, day_by_day
from lettools.paths import gbm_returns
from lettools.theory import rebalance_flow, wipeout_move
from lettools.twin import Explorer, Param

__all__ = [
    "DAY_PRESETS",
    "LEVERAGE_PAIRS",
    "day_pair_values",
    "days_explorer",
    "balance_sheet_explorer",
    "intraday_leverage_table",
    "intraday_leverage_chart",
    "flow_examples",
    "XIV_FIGURES",
    "xiv_table",
    "wipeout_table",
    "wipeout_chart",
    "US_LEVERAGED_ETF_ASSETS_FLOOR",
    "market_size_table",
    "market_size_chart",
]


# ---------------------------------------------------------------------------------------------
# Day by day: assets, exposure and the rebalancing trade


def _seeded_days(sigma: float, seed: int) -> tuple[float, ...]:
    """Five daily returns of a driftless GBM index, rounded to 0.1% so they read like a table."""
    return tuple(float(r) for r in np.round(gbm_returns(1, 5, 0.0, sigma, seed=seed)[0], 3))


#: Five-day index paths offered by the explorer: hand-written ones and two seeded draws.
DAY_PRESETS: dict[str, tuple[float, ...]] = {
    "Steady rise": (0.01, 0.02, 0.01, 0.015, 0.01),
    "Steady fall": (-0.01, -0.02, -0.01, -0.015, -0.01),
    "Up, down, up, down": (0.03, -0.03, 0.03, -0.03, 0.03),
    "Calm day, then a crash": (0.005, 0.01, -0.10, 0.02, 0.01),
    "Random, 20% volatility (seed 4)": _seeded_days(0.20, 4),
    "Random, 60% volatility (seed 9)": _seeded_days(0.60, 9),
}

#: Long and inverse fund of each pair offered by the explorer.
LEVERAGE_PAIRS: dict[str, tuple[float, float]] = {
    "2x and -2x": (2.0, -2.0),
    "3x and -3x": (3.0, -3.0),
    "2x and -1x": (2.0, -1.0),
}

_DAY_SERIES = {"assets_after": "Assets", "target_exposure": "Target exposure"}


def _fund_label(leverage: float) -> str:
    kind = "Long" if leverage > 0 else "Inverse"
    return f"{kind} fund, L = {leverage:g}"


def day_pair_values(
    sequence: str,
    pair: str,
    through_day: int,
    *,
    sequences: Mapping[str, Sequence[float]] | None = None,
    assets: float = 100.0,
) -> pd.DataFrame:
    """Day-by-day book of a long and an inverse fund on the same index path, up to ``through_day``.

    Parameters
    ----------
    sequence : str
        Name of the index path in ``sequences`` (default :data:`DAY_PRESETS`).
    pair : str
        Name of the leverage pair in :data:`LEVERAGE_PAIRS`.
    through_day : int
        Last day shown, from 0 (only the starting position) to the path's length.
    sequences : mapping, optional
        Index paths to choose from; defaults to :data:`DAY_PRESETS`.
    assets : float
        Both funds' assets before day 1, $ millions.

    Returns
    -------
    pandas.DataFrame
        One row per fund and day ``0..through_day``: ``fund`` (label), ``panel``
        (0 for the long fund, 1 for the inverse one), ``day``, ``index_return``,
        ``assets_after``, ``target_exposure``, ``trade`` (0 on day 0) and ``action``
        ("buy", "sell" or "none"); ``level_low``, ``level_high`` and ``trade_bound``,
        the range of money levels and the largest trade of the path over every pair
        (they fix the chart's axes while the reader steps through days).
    """
    paths = DAY_PRESETS if sequences is None else sequences
    if sequence not in paths:
        raise ValueError(f"sequence must be one of {list(paths)}, got {sequence!r}")
    if pair not in LEVERAGE_PAIRS:
        raise ValueError(f"pair must be one of {list(LEVERAGE_PAIRS)}, got {pair!r}")
    returns = day_by_day(paths[sequence], 1.0)["index_return"].to_numpy()  # checked by the engine
    if isinstance(through_day, bool) or not float(through_day).is_integer() or not 0 <= through_day <= returns.size:
        raise ValueError(f"through_day must be a whole number from 0 to {returns.size}, got {through_day!r}")
    frames = []
    for panel, leverage in enumerate(LEVERAGE_PAIRS[pair]):
        book = _book(tuple(returns.tolist()), leverage, float(assets)).reset_index()
        start = pd.DataFrame(
            {
                "day": [0],
                "index_return": [0.0],
                "assets_after": [assets],
                "target_exposure": [leverage * assets],
                "trade": [0.0],
            }
        )
        rows = pd.concat([start, book[list(start.columns)]], ignore_index=True)
        rows = rows[rows["day"] <= through_day]
        frames.append(rows.assign(fund=_fund_label(leverage), panel=panel))
    frame = pd.concat(frames, ignore_index=True)
    frame["level_low"], frame["level_high"], frame["trade_bound"] = _sequence_bounds(returns, assets)
    frame["action"] = np.select([frame["trade"] > 1e-12, frame["trade"] < -1e-12], ["buy", "sell"], "none")
    return frame[
        [
            "fund",
            "panel",
            "day",
            "index_return",
            "assets_after",
            "target_exposure",
            "trade",
            "action",
            "level_low",
            "level_high",
            "trade_bound",
        ]
    ]


@functools.lru_cache(maxsize=64)
def _book(path: tuple[float, ...], leverage: float, assets: float) -> pd.DataFrame:
    # day_by_day of one path and fund, kept for every day the reader steps to (callers copy it).
    return day_by_day(np.array(path, dtype=np.float64), leverage, assets=assets)


def _sequence_bounds(returns: np.ndarray, assets: float) -> tuple[float, float, float]:
    """Lowest and highest money level and largest absolute trade of a path, over every leverage pair."""
    return _path_bounds(tuple(returns.tolist()), float(assets))


@functools.lru_cache(maxsize=64)
def _path_bounds(path: tuple[float, ...], assets: float) -> tuple[float, float, float]:
    # The same for every pair and day of a path: computed once per path (the explorer's grid asks 18 times).
    returns = np.array(path, dtype=np.float64)
    books = [day_by_day(returns, leverage, assets=assets) for pair in LEVERAGE_PAIRS.values() for leverage in pair]
    levels = np.concatenate(
        [[assets, leverage * assets] for pair in LEVERAGE_PAIRS.values() for leverage in pair]
        + [book[["assets_after", "target_exposure"]].to_numpy().ravel() for book in books]
    )
    trade = max(float(np.abs(book["trade"]).max()) for book in books)
    return float(min(levels.min(), 0.0)), float(max(levels.max(), 0.0)), trade


def _draw_days(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.HConcatChart:
    # Axes stay fixed while the reader steps through days or switches funds: invisible marks at the
    # sequence's bounds (over every pair and day) set them; only a new index path rescales them.
    last_day = int(domains["day"][1])
    x = alt.X(
        "day:Q",
        title="Day",
        scale=alt.Scale(domain=[-0.5, last_day + 0.5], nice=False),
        axis=alt.Axis(values=list(range(last_day + 1)), format="d"),
    )
    names = list(_DAY_SERIES.values())
    label = " : ".join(f"datum.key === {key!r} ? {name!r}" for key, name in _DAY_SERIES.items())
    columns = []
    for panel, heading in enumerate(("Long fund", "Inverse fund")):
        own = base.transform_filter(f"datum.panel == {panel}")
        legend = {} if panel == 0 else {"legend": None}
        lines = (
            own.transform_fold(list(_DAY_SERIES), as_=["key", "value"])
            .transform_calculate(series=f"{label} : datum.key")
            .mark_line(point=True)
            .encode(
                x=x,
                y=alt.Y("value:Q", title="$ million"),
                color=alt.Color(
                    "series:N", title=None, scale=alt.Scale(domain=names, range=["#0072B2", "#D55E00"]), **legend
                ),
                strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=names), **legend),
                tooltip=[
                    alt.Tooltip("fund:N", title="Fund"),
                    alt.Tooltip("day:Q", title="Day"),
                    alt.Tooltip("series:N", title="Series"),
                    alt.Tooltip("value:Q", title="$ million", format=",.2f"),
                ],
            )
        )
        level_bounds = [
            own.mark_point(opacity=0).encode(x=x, y=alt.Y(f"{field}:Q")) for field in ("level_low", "level_high")
        ]
        name = (
            own.transform_filter("datum.day == 0")
            .mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold")
            .encode(x=alt.value(4), y=alt.value(2), text="fund:N")
        )
        top = alt.layer(lines, *level_bounds, name).properties(title=heading, width=230, height=180)
        bars = (
            own.transform_filter("datum.day > 0")
            .mark_bar(size=18)
            .encode(
                x=x,
                y=alt.Y("trade:Q", title="Trade at the close, $ million"),
                color=alt.Color(
                    "action:N",
                    title="Rebalancing trade",
                    scale=alt.Scale(domain=["buy", "sell"], range=["#009E73", "#CC79A7"]),
                    **legend,
                ),
                tooltip=[
                    alt.Tooltip("fund:N", title="Fund"),
                    alt.Tooltip("day:Q", title="Day"),
                    alt.Tooltip("index_return:Q", title="Index return", format="+.1%"),
                    alt.Tooltip("trade:Q", title="Trade, $ million", format="+,.2f"),
                    alt.Tooltip("action:N", title="Action"),
                ],
            )
        )
        trade_bounds = [
            own.transform_calculate(edge=f"{sign} * datum.trade_bound")
            .mark_point(opacity=0)
            .encode(x=x, y=alt.Y("edge:Q"))
            for sign in (-1, 1)
        ]
        bottom = alt.layer(bars, *trade_bounds).properties(width=230, height=130)
        columns.append(alt.vconcat(top, bottom).resolve_scale(color="independent", strokeDash="independent"))
    return alt.hconcat(*columns)


def days_explorer(sequences: Mapping[str, Sequence[float]] | None = None) -> Explorer:
    """Step through days of a long and an inverse fund: assets, target exposure and the trade.

    Parameters
    ----------
    sequences : mapping of str to sequence of float, optional
        Index paths (daily simple returns, all of the same length) to choose from;
        defaults to :data:`DAY_PRESETS`. Pass your own, e.g.
        ``days_explorer({**DAY_PRESETS, "Mine": [0.02, -0.01, 0.0, 0.03, -0.04]})``.
    """
    paths = dict(DAY_PRESETS if sequences is None else sequences)
    if len(paths) < 2:
        raise ValueError("sequences must name at least two index paths")
    lengths = {len(day_by_day(path, 1.0)) for path in paths.values()}  # checked by the engine
    if len(lengths) != 1:
        raise ValueError("every path in sequences must have the same number of days")
    n_days = lengths.pop()

    def compute(sequence: str, pair: str, through_day: int) -> pd.DataFrame:
        return day_pair_values(sequence, pair, int(round(through_day)), sequences=paths)

    return Explorer(
        compute=compute,
        params=[
            Param("sequence", list(paths), default=next(iter(paths)), label="Index path", control="select"),
            Param("pair", list(LEVERAGE_PAIRS), default="2x and -2x", label="Funds", control="radio"),
            Param("through_day", list(range(n_days + 1)), default=n_days, label="Show up to day"),
        ],
        draw=_draw_days,
        title="Day by day: a long and an inverse fund on the same index path",
        description=(
            "Two columns, one per fund, each starting with $100 million. Top: the fund's assets and its target "
            "exposure (leverage times assets; negative for the inverse fund) at each close. Bottom: the "
            "rebalancing trade at each close, a purchase above zero and a sale below. Both funds buy after an "
            "up day and sell after a down day."
        ),
        decimals=4,
    )


# ---------------------------------------------------------------------------------------------
# The balance sheet of a swap- and futures-based fund over one day

def _draw_balance_sheet(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.FacetChart:
    items = [item for _, item in BALANCE_SHEET_ITEMS.values()]
    x = alt.X("side:N", title=None, axis=alt.Axis(labelAngle=0), sort=["Holdings", "Exposure"])
    bars = base.mark_bar().encode(
        x=x,
        y=alt.Y("amount:Q", title="$ million", stack="zero"),
        color=alt.Color(
            "item:N",
            title=None,
            scale=alt.Scale(domain=items, range=["#56B4E9", "#E69F00", "#0072B2", "#D55E00"]),
            legend=alt.Legend(columns=2),
        ),
        order=alt.Order("item_order:Q"),
        tooltip=[
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("item:N", title="Item"),
            alt.Tooltip("amount:Q", title="$ million", format="+,.2f"),
        ],
    )
    levels = base.transform_filter("datum.item_order == 0").transform_fold(["nav", "target"], as_=["key", "level"])
    levels = levels.transform_calculate(
        side="datum.key === 'nav' ? 'Holdings' : 'Exposure'",
        what="datum.key === 'nav' ? 'Net assets' : 'Target exposure: L x net assets'",
    )
    ticks = levels.mark_tick(thickness=3, size=40, color="black").encode(
        x=x,
        y=alt.Y("level:Q"),
        tooltip=[
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("what:N", title="Level"),
            alt.Tooltip("level:Q", title="$ million", format=",.2f"),
        ],
    )
    # Invisible marks at the leverage's extremes over every move: the axis stays put while the move changes.
    bounds = [base.mark_point(opacity=0).encode(x=x, y=alt.Y(f"{field}:Q")) for field in ("low", "high")]
    panel = alt.layer(bars, ticks, *bounds).properties(width=120, height=280)
    return panel.facet(
        column=alt.Column(
            "stage:N",
            title=None,
            sort=list(BALANCE_SHEET_STAGES),
            header=alt.Header(labelFontSize=13, labelFontWeight="bold"),
        )
    )


def balance_sheet_explorer() -> Explorer:
    """The fund's balance sheet over one day, for a choice of leverage and index move."""
    moves = np.round(np.arange(-0.10, 0.1001, 0.01), 2)

    def compute(leverage: float, index_return: float) -> pd.DataFrame:
        extremes = [_sheet_extremes(leverage, move) for move in (moves[0], moves[-1], index_return)]
        low, high = min(low for low, _ in extremes), max(high for _, high in extremes)
        return balance_sheet(leverage, index_return).assign(low=low * 1.05, high=high * 1.05)

    return Explorer(
        compute=compute,
        params=[
            Param("leverage", [-3, -2, -1, 2, 3], default=2, label="Leverage", live=(-3.0, 3.0, 0.5)),
            Param("index_return", moves, default=0.05, label="Index move", percent=True, live=(-0.30, 0.30, 0.005)),
        ],
        draw=_draw_balance_sheet,
        title="One day on a leveraged fund's balance sheet",
        description=(
            "Three panels: before the index moves, after it moves, and after the rebalance at the close. In each, "
            "one stacked bar shows the fund's holdings (cash and T-bills, plus any swap gain owed to it) and a "
            "second its index exposure (swap and futures exposure; negative for an inverse fund). Black ticks "
            "mark net assets and the target exposure, leverage times net assets. After the move the exposure no "
            "longer matches the target; the rebalance closes the gap."
        ),
        decimals=4,
    )


@functools.lru_cache(maxsize=256)
def _sheet_extremes(leverage: float, index_return: float) -> tuple[float, float]:
    """:func:`_stack_extremes` of one day's balance sheet (memoised: the grid asks for each many times)."""
    return _stack_extremes(balance_sheet(leverage, index_return))


def _stack_extremes(sheet: pd.DataFrame) -> tuple[float, float]:
    """Lowest and highest point reached by any stacked bar or level of a balance sheet (0 included)."""
    amount = sheet["amount"]
    stacks = pd.DataFrame({"below": amount.clip(upper=0), "above": amount.clip(lower=0)}).groupby(
        [sheet["stage"], sheet["side"]]).sum()
    low = min(0.0, stacks["below"].min(), sheet["target"].min())
    high = max(0.0, stacks["above"].max(), sheet["target"].max())
    return float(low), float(high)


# ---------------------------------------------------------------------------------------------
# Buying during the day: the leverage a buyer gets until the close


def intraday_leverage_table(
    leverages: Sequence[float] = (2.0, 3.0, -1.0, -3.0),
    moves: Sequence[float] = (-0.05, -0.03, -0.01, 0.0, 0.01, 0.03, 0.05),
) -> pd.DataFrame:
    """Leverage held from a purchase during the day until the close, ``L (1 + R) / (1 + L R)``.

    Rows: the index's move from the last close to the moment of purchase; columns: the fund's
    multiple. From :func:`lettools.effective_leverage`.
    """
    leverages = np.asarray(leverages, dtype=float)
    moves = np.asarray(moves, dtype=float)
    values = effective_leverage(leverages[None, :], moves[:, None])
    return pd.DataFrame(
        values,
        index=pd.Index(moves, name="index move since last close"),
        columns=pd.Index([f"{v:g}x" for v in leverages], name="fund"),
    )


def intraday_leverage_chart(
    leverages: Sequence[float] = (2.0, 3.0, -1.0, -2.0, -3.0), limit: float = 0.10
) -> alt.LayerChart:
    """Effective leverage from an intraday purchase to the close, against the index's move so far."""
    if isinstance(limit, bool) or not isinstance(limit, (int, float, np.number)) or not 0.0 < limit <= 0.3:
        raise ValueError(f"limit must be a number above 0 and at most 0.3, got {limit!r}")
    moves = np.round(np.linspace(-limit, limit, 81), 6)
    table = intraday_leverage_table(leverages, moves)
    long = table.reset_index().melt(id_vars="index move since last close", var_name="fund", value_name="leverage")
    long = long.rename(columns={"index move since last close": "move"})
    funds = list(table.columns)
    color = alt.Color("fund:N", title="Fund", scale=alt.Scale(domain=funds))
    base = alt.Chart(long)
    x = alt.X("move:Q", title="Index move from the last close to the purchase", axis=alt.Axis(format="+.0%"))
    lines = base.mark_line(strokeWidth=2).encode(
        x=x,
        y=alt.Y("leverage:Q", title="Leverage held until the close"),
        color=color,
        strokeDash=alt.StrokeDash("fund:N", title="Fund", scale=alt.Scale(domain=funds)),
    )
    hover = alt.selection_point(fields=["move"], nearest=True, on="pointerover", empty=False)
    points = base.mark_point(size=40, filled=True).encode(
        x=x,
        y="leverage:Q",
        color=color,
        opacity=alt.condition(hover, alt.value(1.0), alt.value(0.0)),
        tooltip=[
            alt.Tooltip("fund:N", title="Fund"),
            alt.Tooltip("move:Q", title="Index move so far", format="+.1%"),
            alt.Tooltip("leverage:Q", title="Leverage until the close", format=".3f"),
        ],
    ).add_params(hover)
    chart = alt.layer(lines, points).properties(width=460, height=300)
    return accessible(
        chart,
        title="Bought during the day, a daily-reset fund is not at its multiple",
        subtitle="L (1 + R) / (1 + L R) until the close, after an index move R since the last close",
        description=(
            "Line chart of the leverage a buyer holds from an intraday purchase to the close, against the "
            "index's move since the last close, from -10% to +10%, for 2x, 3x, -1x, -2x and -3x funds. "
            "After a rise every fund is below its multiple in size (a 3x fund about 2.83x after +3%); "
            "after a fall, above it. Hover over the lines to read a value."
        ),
    )


def flow_examples(assets: float = 100.0, leverage: float = 3.0, index_return: float = 0.05,
                  flows: Sequence[float] = (0.0, -10.0, 10.0)) -> pd.DataFrame:
    """The closing trade of one fund on one day for several net flows, ``A (L^2 - L) R + L F``.

    Columns: ``net_flow`` (creations positive), ``rebalancing`` ``A (L^2 - L) R``,
    ``flow_part`` ``L F`` and ``trade`` (their sum, :func:`lettools.flow_adjusted_trade`).
    """
    flows = np.asarray(flows, dtype=float)
    rebalancing = rebalance_flow(assets, leverage, index_return)
    return pd.DataFrame(
        {
            "net_flow": flows,
            "rebalancing": rebalancing,
            "flow_part": leverage * flows,
            "trade": flow_adjusted_trade(assets, leverage, index_return, flows),
        }
    )


# ---------------------------------------------------------------------------------------------
# 5 February 2018: which series each figure is

#: Reported figures for XIV and its index on 2 and 5 February 2018, read from
#: ``lettools/facts/mechanics.json`` (each with its source there): the closing indicative value of
#: 2 February is Credit Suisse's (acceleration notice, 6 February 2018); that of 5 February was
#: reported by the Wall Street Journal and ETF.com; the index move by Invest In Vol (PRWeb); the VIX
#: move by ETF.com (checked against Cboe's VIX closes).
XIV_FIGURES = {
    "xiv_indicative_2feb": fact("mechanics", "xiv_indicative_2feb"),
    "xiv_indicative_5feb": fact("mechanics", "xiv_indicative_5feb"),
    "short_term_futures_index_move_5feb": fact("mechanics", "short_term_futures_index_move_5feb"),
    "vix_move_5feb": fact("mechanics", "vix_move_5feb"),
}


def xiv_table() -> pd.Series:
    """XIV's fall in indicative value against -1x the futures index's move and -1x the VIX's move."""
    fall = XIV_FIGURES["xiv_indicative_5feb"] / XIV_FIGURES["xiv_indicative_2feb"] - 1.0
    return pd.Series(
        {
            "XIV indicative value, 2 Feb close ($)": XIV_FIGURES["xiv_indicative_2feb"],
            "XIV indicative value, 5 Feb close ($)": XIV_FIGURES["xiv_indicative_5feb"],
            "XIV change in indicative value": fall,
            "-1 x short-term VIX futures index move": -XIV_FIGURES["short_term_futures_index_move_5feb"],
            "-1 x VIX move": -XIV_FIGURES["vix_move_5feb"],
        }
    )


# ---------------------------------------------------------------------------------------------
# Why a daily target; the wipeout move; what issuers do near it


def wipeout_table(leverages=(2.0, 3.0, -1.0, -2.0, -3.0)) -> pd.DataFrame:
    """The one-day index move that wipes out each fund, from :func:`lettools.wipeout_move`."""
    leverages = np.atleast_1d(np.asarray(leverages, dtype=float))
    return pd.DataFrame({"wipeout_move": wipeout_move(leverages)}, index=pd.Index(leverages, name="leverage"))


def wipeout_chart(max_leverage: float = 5.0) -> alt.LayerChart:
    """The wipeout move ``-1/L`` against leverage, for ``1 <= |L| <= max_leverage``."""
    if (isinstance(max_leverage, bool) or not isinstance(max_leverage, (int, float, np.number))
            or not 1.0 < max_leverage < np.inf):
        raise ValueError(f"max_leverage must be a finite number above 1, got {max_leverage!r}")
    sides = []
    for sign, name in ((1.0, "Long funds (L > 0)"), (-1.0, "Inverse funds (L < 0)")):
        grid = sign * np.linspace(1.0, max_leverage, 81)
        sides.append(pd.DataFrame({"leverage": grid, "move": wipeout_move(grid), "kind": name}))
    curve = pd.concat(sides, ignore_index=True)
    common = wipeout_table().reset_index().assign(label=lambda t: t["leverage"].map(lambda v: f"{v:+g}x"))
    x = alt.X("leverage:Q", title="Leverage L", scale=alt.Scale(domain=[-max_leverage, max_leverage]))
    y = alt.Y(
        "move:Q", title="One-day index move to zero", axis=alt.Axis(format="+.0%"), scale=alt.Scale(domain=[-1.0, 1.0])
    )
    lines = (
        alt.Chart(curve)
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=alt.Color("kind:N", title=None),
            tooltip=[
                alt.Tooltip("leverage:Q", title="Leverage", format="+.2f"),
                alt.Tooltip("move:Q", title="Wipeout move", format="+.1%"),
            ],
        )
    )
    points = (
        alt.Chart(common)
        .mark_point(color="black")
        .encode(
            x="leverage:Q",
            y=alt.Y("wipeout_move:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Fund"),
                alt.Tooltip("wipeout_move:Q", title="Wipeout move", format="+.1%"),
            ],
        )
    )
    labels = (
        alt.Chart(common)
        .mark_text(align="left", dx=7, dy=-8, fontSize=12)
        .encode(
            x="leverage:Q",
            y="wipeout_move:Q",
            text=alt.Text("wipeout_move:Q", format="+.1%"),
        )
    )
    zero = alt.Chart(pd.DataFrame({"move": [0.0]})).mark_rule(color="#999999").encode(y="move:Q")
    chart = alt.layer(zero, lines, points, labels).properties(width=480, height=300)
    return accessible(
        chart,
        title="The one-day index move that takes a fund to zero",
        description=(
            "Line chart of the wipeout move, minus one over the leverage, for leverages from -5 to -1 and from 1 "
            "to 5. Long funds are wiped out by a fall (-50% at 2x, -33.3% at 3x), inverse funds by a rise "
            "(+100% at -1x, +50% at -2x, +33.3% at -3x). The higher the absolute leverage, the smaller the move."
        ),
    )


# ---------------------------------------------------------------------------------------------
# The market: figures reported by CNBC (3 June 2026), citing Goldman Sachs and EPFR data


#: Lower bound on the assets of all US leveraged ETFs, $ billion: "more than $200 billion in the U.S."
#: in a later news report (Weston 2026), not in the CNBC report; from ``lettools/facts/mechanics.json``.
US_LEVERAGED_ETF_ASSETS_FLOOR = float(fact("mechanics", "us_letf_assets_floor_bn"))


def market_size_table() -> pd.DataFrame:
    """Assets ($ billion) of the two groups of leveraged ETFs in the CNBC report, April and end-May 2026.

    Inputs are the reported figures in ``lettools/facts/mechanics.json``; the growth multiple is computed.
    """
    groups = {
        "US leveraged ETFs linked to AI and technology": fact("mechanics", "us_ai_tech_letf_assets_bn"),
        "Leveraged ETFs in South Korea and Taiwan": fact("mechanics", "korea_taiwan_letf_assets_bn"),
    }
    table = pd.DataFrame(
        {"april": [float(v[0]) for v in groups.values()], "end_may": [float(v[1]) for v in groups.values()]},
        index=pd.Index(list(groups), name="group"),
    )
    return table.assign(multiple=table["end_may"] / table["april"])


def market_size_chart() -> alt.Chart:
    """Bar chart of :func:`market_size_table`: April against end-May 2026, per group."""
    table = market_size_table().reset_index()
    long = table.melt(
        id_vars=["group", "multiple"], value_vars=["april", "end_may"], var_name="when", value_name="assets"
    )
    long["when"] = long["when"].map({"april": "April 2026", "end_may": "End of May 2026"})
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=320), sort=list(table["group"])),
            yOffset=alt.YOffset("when:N", sort=["April 2026", "End of May 2026"]),
            # Room right of the longest bar for its label, at a phone's width too.
            x=alt.X("assets:Q", title="Assets, $ billion",
                    scale=alt.Scale(domain=[0, float(long["assets"].max()) * 1.3])),
            color=alt.Color("when:N", title=None, sort=["April 2026", "End of May 2026"]),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip("assets:Q", title="$ billion", format=",.1f"),
                alt.Tooltip("multiple:Q", title="Growth multiple", format=".2f"),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=4, fontSize=12).encode(
        text=alt.Text("assets:Q", format="$,.1f")
    )  # $ billion
    chart = alt.layer(bars, text).properties(width=420, height=200)
    return accessible(
        chart,
        title="Two subsets of leveraged ETFs, April and end-May 2026",
        subtitle="As reported by CNBC, citing Goldman Sachs and EPFR data",
        description=(
            "Horizontal bar chart. US leveraged ETFs linked to AI and technology grew from "
            f"${table['april'].iloc[0]:g} billion in April 2026 to ${table['end_may'].iloc[0]:g} billion at the end "
            f"of May; leveraged ETFs in South Korea and Taiwan from ${table['april'].iloc[1]:g} billion to "
            f"${table['end_may'].iloc[1]:g} billion. Both are subsets: a later news report puts all US leveraged "
            f"ETFs together above ${US_LEVERAGED_ETF_ASSETS_FLOOR:g} billion."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Exercises


def _two_day_assets() -> float:
    """Assets ($ million) after two days of a $50M 3x fund: index +2%, then -3%."""
    return float(simulate_fund([0.02, -0.03], 3, start=50.0)[-1])


register(
    NumericExercise(
        id="mechanics-two-day-assets",
        expected=_two_day_assets,
        unit="number",
        decimals=2,
        quantity="in millions of dollars",
        scale=1e6,
        points=2,
        minutes=10,
        hint="Each day the assets are multiplied by 1 + 3 R for that day's index return R.",
        mistakes=(
            (
                lambda: 50.0 * (1 + 3 * ((1.02 * 0.97) - 1)),
                "That is three times the index's two-day return applied once. The fund resets each evening: "
                "compound the two days.",
            ),
            (
                lambda: 50.0 * (1 + 0.02) * (1 - 0.03),
                "That is what an unleveraged fund would have: use three times each day's return.",
            ),
        ),
    )
)


def _two_day_second_trade() -> float:
    """Trade ($ million) at the close of day 2 of the same fund."""
    first_close = float(simulate_fund([0.02], 3, start=50.0)[-1])
    return float(rebalance_flow(first_close, 3, -0.03))


register(
    NumericExercise(
        id="mechanics-two-day-trade",
        expected=_two_day_second_trade,
        unit="number",
        decimals=2,
        quantity="in millions of dollars, negative for a sale",
        scale=1e6,
        points=2,
        minutes=10,
        hint="Use the assets at the close of day 1, not the starting $50 million.",
        mistakes=(
            (
                lambda: float(rebalance_flow(50.0, 3, -0.03)),
                "That uses the starting assets. The trade on day 2 scales with the assets at the close of day 1.",
            ),
        ),
    )
)


def _worst_day_leverage() -> float:
    """The smallest leverage that the S&P 500's worst day of 1999-2018 would have wiped out."""
    return float(-1.0 / load_index_returns("sp500").min())


register(
    NumericExercise(
        id="mechanics-worst-day-leverage",
        expected=_worst_day_leverage,
        unit="number",
        decimals=1,
        quantity="as a leverage L (a plain number, 2 for 2x)",
        points=3,
        minutes=15,
        hint="Find the most negative daily return R in the data, then solve 1 + L R = 0 for L.",
    )
)

register(
    NumericExercise(
        id="mechanics-intraday-leverage",
        expected=lambda: float(effective_leverage(2.0, -0.04)),
        unit="number",
        decimals=3,
        quantity="as a leverage (a plain number, 2 for 2x)",
        points=2,
        minutes=10,
        written="Why it is above or below 2, and the -2x fund's leverage.",
        written_points=1,
        hint="Per unit of assets at the last close, compare the exposure now with the net assets now.",
        mistakes=(
            (lambda: 2.0, "That is the multiple set at the last close. The fund has not traded since: its exposure "
             "and its assets have moved by different amounts."),
            (lambda: float(effective_leverage(2.0, 0.04)), "That is the leverage after a 4% rise, not a 4% fall."),
        ),
    )
)


def _worst_day_share() -> float:
    """A 3x fund's one-day loss on the S&P 500's worst day of 1999-2018, as a fraction of its assets.

    It equals the index's fall as a share of the 3x wipeout move, ``R / (-1/3) = -3 R``.
    """
    return float(-3.0 * load_index_returns("sp500").min())


register(
    NumericExercise(
        id="mechanics-worst-day-share",
        expected=_worst_day_share,
        unit="decimal",
        decimals=2,
        points=2,
        minutes=10,
        hint="A 3x fund's return on a day is three times the index's. Give the loss as a positive decimal.",
        mistakes=(
            (
                lambda: float(-9.0 * load_index_returns("sp500").min()),
                "That divides the fund's loss by the index's wipeout move: a fund loss set against an index move. "
                "Compare like with like: the index's fall with the index's wipeout move, R / (-1/3).",
            ),
            (
                lambda: float(-load_index_returns("sp500").min()),
                "That is the index's own fall. The fund lost three times as much.",
            ),
        ),
    )
)

def _worst_day_wipeout_share() -> float:
    """How far the S&P 500's worst day of 1999-2018 went towards a 2x fund's wipeout move, R / (-1/2)."""
    return float(load_index_returns("sp500").min() / (-1.0 / 2.0))


register(
    NumericExercise(
        id="mechanics-worst-day-wipeout-share",
        expected=_worst_day_wipeout_share,
        unit="decimal",
        decimals=2,
        points=1,
        minutes=5,
        hint="Divide the index's fall R by the 2x wipeout move, -1/2: an index move set against an index move.",
        mistakes=(
            (
                lambda: float(-3.0 * load_index_returns("sp500").min()),
                "That is the share of the 3x fund's wipeout move, -1/3. A 2x fund is wiped out by -1/2.",
            ),
            (
                lambda: float(-load_index_returns("sp500").min()),
                "That is the index's fall itself. Divide it by the size of the 2x wipeout move, 1/2.",
            ),
            (
                lambda: float(-4.0 * load_index_returns("sp500").min()),
                "That divides the 2x fund's loss by the index's wipeout move. Use the index's own fall.",
            ),
        ),
    )
)


register(
    NumericExercise(
        id="mechanics-acceleration-move",
        expected=lambda: acceleration_move(-1.0, 0.20),
        unit="decimal",
        decimals=2,
        points=2,
        minutes=10,
        written="The comparison with the wipeout move of a -1x product.",
        written_points=1,
        hint="For a -1x product the value after the day is 1 - R of the previous close; set it equal to 0.2.",
        mistakes=(
            (
                lambda: float(wipeout_move(-1.0)),
                "That is the move that takes the value all the way to zero; the clause acts earlier, at 20%.",
            ),
            (lambda: 0.20, "A 20% rise leaves a -1x product at 80% of its previous close, not 20%."),
        ),
    )
)


def _trade(assets: float, leverage: float, index_return: float) -> float:
    """Reference for the coding exercise: target minus held exposure, from the simulated balance sheet."""
    return float(day_by_day([index_return], leverage, assets=assets)["trade"].iloc[0])


register(
    FunctionExercise(
        id="mechanics-end-of-day-trade",
        reference=_trade,
        cases=(
            {"assets": 100.0, "leverage": 2.0, "index_return": 0.01},
            {"assets": 100.0, "leverage": 3.0, "index_return": 0.05},
            {"assets": 80.0, "leverage": -2.0, "index_return": -0.03},
            {"assets": 250.0, "leverage": -1.0, "index_return": 0.02},
            {"assets": 40.0, "leverage": 1.0, "index_return": -0.04},
            {"assets": 10.0, "leverage": 3.0, "index_return": 0.0},
        ),
        rel_tol=1e-9,
        abs_tol=1e-9,
        hint="Target exposure after the day is L times the new assets A (1 + L R); the exposure held has "
        "grown to L A (1 + R). The trade is the difference.",
    )
)
