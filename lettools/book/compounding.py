"""Explorers, charts, tables and exercises of the chapter "Compounding" (chapters/compounding.ipynb).

Values of funds and positions are per 100 invested in the explorers' tables and
per unit invested in the Monte Carlo summaries. Returns are simple decimals,
drifts and volatilities annual decimals, horizons trading days (252 a year).
"""

from __future__ import annotations

import functools
import math
import numbers
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.stats import norm

from lettools import facts
from lettools.alerts import paired_fund_return
from lettools.calibration import daily_reset_log_moments
from lettools.charts import accessible, end_labels
from lettools.decomposition import effective_leverage, implied_volatility
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.fund import terminal_value
from lettools.holding import prob_fund_loss
from lettools.montecarlo import simulate_outcomes, simulate_outcomes_sigmas
from lettools.multiday import divergence_path, gbm_mean_median, value_paths
from lettools.paths import SCENARIOS, scenario_returns
from lettools.theory import expected_growth_factor, fund_return
from lettools.twin import Explorer, Param

__all__ = [
    "EXAMPLE_PATTERNS",
    "pattern_returns",
    "pattern_values",
    "examples_explorer",
    "effective_leverage_chart",
    "scenario_values",
    "paths_explorer",
    "outcome_summary",
    "outcome_grid",
    "outcomes_explorer",
    "mean_median_chart",
    "divergence_chart",
    "calendar_year_comparison",
    "scenario_rule_table",
    "ALERT_FIGURES",
    "alert_check",
    "alert_rounding_table",
    "alert_path_spread",
    "monte_carlo_check",
    "pairing_financing_table",
    "direxion_pairing",
]

#: Value columns of the explorers' tables and the names shown for them.
SERIES = {"index": "Index", "fund": "Daily-reset fund", "held": "Leverage bought once and held"}

#: Day patterns behind the worked examples, each scaled by one daily move.
EXAMPLE_PATTERNS = {
    "up, then down": "Example 2.1: a rise and a fall of the same size",
    "two up days": "Example 2.2: two rises in a row",
    "four down, then back": "Example 2.3: four falls, then the rise that restores the index",
}

_LEVERAGES = [-3, -2, -1, 2, 3]


def _number(value, name: str, low: float = -math.inf, high: float = math.inf) -> float:
    """A page input that is a real number strictly between ``low`` and ``high``, else an error naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low < value < high:
        raise ValueError(f"{name} must be a number above {low:g} and below {high:g}, got {value!r}")
    return float(value)


def _whole(value, name: str, low: int = 1, high: int = 100_000) -> int:
    """A page input that is a whole number from ``low`` to ``high`` (2.0 from a slider is accepted)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or value != int(value) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}")
    return int(value)


def _grid(values, name: str, low: float = -math.inf) -> np.ndarray:
    """A page input that is a non-empty 1-D sequence of numbers above ``low``, as a float array."""
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise TypeError(f"{name} must be a 1-D sequence of numbers, got {values!r}")
    items = [_number(value, name, low) for value in values]
    if not items:
        raise ValueError(f"{name} is empty: it needs at least one value")
    return np.array(items, dtype=float)



def pattern_returns(pattern: str, move: float) -> np.ndarray:
    """Daily index returns of one of the worked examples' patterns, scaled by ``move``.

    ``"up, then down"`` is ``[move, -move]`` (example 2.1 with ``move = 0.10``);
    ``"two up days"`` is ``[move, move]`` (example 2.2); ``"four down, then back"``
    is four days of ``-move`` and then the rise that takes the index exactly back
    to its start, ``(1 - move)^-4 - 1`` (example 2.3 rounds it: 4.1% for ``move = 0.01``).
    """
    if pattern not in EXAMPLE_PATTERNS:
        raise ValueError(f"pattern must be one of {', '.join(map(repr, EXAMPLE_PATTERNS))}; got {pattern!r}")
    move = _number(move, "move", 0.0, 1.0)  # below 1: a 100% fall ends the index
    if pattern == "up, then down":
        return np.array([move, -move])
    if pattern == "two up days":
        return np.array([move, move])
    return np.array([-move] * 4 + [(1.0 - move) ** -4 - 1.0])


_EXAMPLE_MOVES = np.round(np.arange(0.01, 0.1001, 0.01), 2)


@functools.cache
def _pattern_envelope(pattern: str) -> tuple[float, float]:
    """Lowest and highest value (start 100) of a pattern over the explorer's moves and leverages."""
    values = [value_paths(pattern_returns(pattern, move), leverage)[list(SERIES)].to_numpy()
              for move in _EXAMPLE_MOVES for leverage in _LEVERAGES]
    return float(np.min(values)), float(np.max(values))


def pattern_values(pattern: str, move: float, leverage: float) -> pd.DataFrame:
    """:func:`value_paths` (start 100) of a worked example's pattern; see :func:`pattern_returns`.

    Two more columns, ``y_low`` and ``y_high``, hold the lowest and highest value the
    pattern reaches over the explorer's grid of moves and leverages: the chart keeps
    its vertical axis fixed per pattern with them.
    """
    returns = pattern_returns(pattern, move)  # validates pattern and move first
    low, high = _pattern_envelope(pattern)
    return value_paths(returns, leverage).assign(y_low=low, y_high=high)


def _value_lines(base: alt.Chart, domains: Mapping[str, list[float]] | None, *, x_title: str, width: int,
                 height: int, points: bool) -> alt.LayerChart:
    """Lines of the :data:`SERIES` columns over ``day``, with each one's total change labelled at the end.

    With ``domains`` the vertical axis spans the given values of the series; with
    ``None`` it spans each row's ``y_low`` to ``y_high`` columns (and any value beyond).
    """
    names = list(SERIES.values())
    label = " : ".join(f"datum.key === {key!r} ? {name!r}" for key, name in SERIES.items())
    # One row per day keeps the embedded data small; fold into one row per series in the browser.
    long = base.transform_fold(list(SERIES), as_=["key", "value"]).transform_calculate(
        series=f"{label} : datum.key", change="datum.value / 100 - 1"
    )
    if domains is not None:
        low = min(domains[key][0] for key in SERIES)
        high = max(domains[key][1] for key in SERIES)
        y_scale = alt.Scale(domain=[low, high], zero=False)
    else:
        y_scale = alt.Scale(zero=False)
    # Colour and dash both encode the series, so reading it does not rest on colour alone.
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=names),
                      legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5))
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=names))
    y = alt.Y("value:Q", title="Value (start = 100)", scale=y_scale)
    x = alt.X("day:Q", title=x_title, axis=alt.Axis(tickMinStep=1, format="d"))
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("day:Q", title="Day"),
        alt.Tooltip("value:Q", title="Value", format=".2f"),
        alt.Tooltip("change:Q", title="Change since day 0", format="+.2%"),
    ]
    lines = long.mark_line(point=points).encode(x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip)
    labels = end_labels(  # the lines often end close together: labels keep clear of each other
        long.transform_joinaggregate(last="max(day)").transform_filter("datum.day === datum.last"),
        x=x, y=y, color=color, text=alt.Text("change:Q", format="+.1%"), value="value",
    )
    layers = [lines, labels]
    if domains is None:
        # An invisible rule from y_low to y_high fixes the axis for the whole pattern.
        layers.append(base.mark_rule(opacity=0).encode(y=alt.Y("y_low:Q", scale=y_scale), y2="y_high:Q"))
    return alt.layer(*layers).properties(width=width, height=height)


def _draw_examples(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    # The patterns span very different ranges: fix the axis per pattern, not over the whole grid.
    return _value_lines(base, None, x_title="Day", width=420, height=280, points=True)


def examples_explorer() -> Explorer:
    """Examples 2.1-2.3 with any daily move and leverage: index, daily-reset fund, leverage held."""
    return Explorer(
        compute=pattern_values,
        params=[
            Param("pattern", list(EXAMPLE_PATTERNS), default="up, then down", label="Days"),
            Param("move", _EXAMPLE_MOVES, default=0.10, label="Daily move",
                  percent=True, live=(0.005, 0.20, 0.005)),
            Param("leverage", _LEVERAGES, default=2, label="Leverage", live=(-3.0, 3.0, 0.5)),
        ],
        draw=_draw_examples,
        title="The worked examples, with any move and leverage",
        description=(
            "Line chart over the days of the chosen pattern of three values starting at 100: the index, "
            "a fund that resets to the chosen leverage every day, and the same leverage bought once and "
            "held. Labels at the last day give each one's total change. Rises and falls of the same size "
            "leave the daily-reset fund below the held position; rises only leave it above."
        ),
    )


# -- leverage held drifts -----------------------------------------------------------------

def effective_leverage_chart(leverages: Sequence[float] = (2, 3), *, low: float = -0.25, high: float = 0.50,
                             cap: float = 10.0) -> alt.LayerChart:
    """Leverage of a held position against the index's return since purchase, for each ``L``.

    Dashed horizontal lines mark the constant leverage of the daily-reset fund.
    Leverage above ``cap`` is not drawn (it heads to infinity at the wipeout move ``-1/L``).
    """
    moves = np.round(np.arange(low, high + 1e-9, 0.005), 4)
    frames = []
    for leverage in leverages:
        safe = moves[1.0 + leverage * moves > 1.0 / cap]  # stay clear of the wipeout move
        values = effective_leverage(leverage, safe)
        keep = values <= cap
        multiple = f"{leverage:g}x"
        frames.append(pd.DataFrame({"index_return": safe[keep], "leverage": values[keep],
                                    "multiple": multiple, "kind": "bought once and held"}))
        frames.append(pd.DataFrame({"index_return": [low, high], "leverage": [leverage, leverage],
                                    "multiple": multiple, "kind": "daily-reset fund"}))
    data = pd.concat(frames, ignore_index=True).assign(position=lambda t: t["multiple"] + " " + t["kind"])
    # Colour says the multiple, dash says the kind of position: neither rests on colour alone.
    color = alt.Color("multiple:N", title="Multiple", scale=alt.Scale(domain=list(dict.fromkeys(data["multiple"]))))
    dash = alt.StrokeDash("kind:N", title="Position",
                          scale=alt.Scale(domain=["bought once and held", "daily-reset fund"]))
    lines = alt.Chart(data).mark_line().encode(
        x=alt.X("index_return:Q", title="Index return since the position was opened",
                axis=alt.Axis(format="+.0%", values=[float(v) for v in np.round(np.arange(-0.2, high + 1e-9, 0.1), 1)]),
                scale=alt.Scale(domain=[low, high], nice=False)),
        y=alt.Y("leverage:Q", title="Leverage (exposure / equity)", scale=alt.Scale(domain=[0, cap])),
        color=color,
        strokeDash=dash,
        detail="position:N",
        tooltip=[alt.Tooltip("position:N", title="Position"),
                 alt.Tooltip("index_return:Q", title="Index return", format="+.1%"),
                 alt.Tooltip("leverage:Q", title="Leverage", format=".2f")],
    )
    return accessible(
        lines.properties(width=460, height=280),
        title="Leverage bought once drifts; the daily reset puts it back",
        description=(
            "Line chart of the leverage of a position bought once at 2x and at 3x, against the index's "
            "return since purchase, with the constant 2x and 3x of daily-reset funds as flat lines. "
            "After a rise the held leverage falls below its starting multiple; after a fall it rises, "
            "steeply as the index nears the move that wipes the position out."
        ),
    )


# -- scenarios: fund versus L x index ---------------------------------------------------------

def scenario_values(kind: str, leverage: float, seed: int, *, n_days: int = 60) -> pd.DataFrame:
    """:func:`value_paths` (start 100) on a seeded teaching path (:func:`lettools.scenario_returns`).

    ``seed`` is a whole number >= 1 (a float such as 2.0, as a slider gives, is accepted).
    """
    seed = _whole(seed, "seed", 1, 2**53)
    return value_paths(scenario_returns(kind, n_days=n_days, seed=seed), leverage)


def _draw_scenarios(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    return _value_lines(base, domains, x_title="Trading day", width=460, height=300, points=False)


def paths_explorer() -> Explorer:
    """Pick a market (trend, flat, choppy), a path and a leverage: the fund against ``L`` x the index."""
    return Explorer(
        compute=scenario_values,
        params=[
            Param("kind", list(SCENARIOS), default="choppy", label="Market"),
            Param("leverage", _LEVERAGES, default=3, label="Leverage", live=(-3.0, 3.0, 0.5)),
            Param("seed", [1, 2, 3, 4], default=2, label="Path number", live=(1, 40, 1)),
        ],
        draw=_draw_scenarios,
        title="60 trading days: the daily-reset fund against leverage held",
        description=(
            "Line chart over 60 trading days of three values starting at 100: a simulated index path of "
            "the chosen market, a fund that resets to the chosen leverage every day, and the same "
            "leverage bought once and held. Labels at day 60 give each one's total change. In trends the "
            "fund ends ahead of the held position; when a choppy index goes nowhere it ends behind."
        ),
        decimals=3,
    )


# -- Monte Carlo: the distribution of outcomes -------------------------------------------------

_STRATEGIES = {"daily-reset fund": "Daily-reset fund", "L x index (static)": "Bought once and held"}


def outcome_summary(sigma: float, n_days: int, *, leverage: float = 3.0, mu: float = 0.08,
                    n_paths: int = 20_000, seed: int = 2009) -> pd.DataFrame:
    """Distribution of the value of 1 invested after ``n_days``, from :func:`lettools.simulate_outcomes`.

    Parameters
    ----------
    sigma : float
        The index's annual volatility.
    n_days : int
        Holding period in trading days.
    leverage, mu : float
        The multiple and the index's arithmetic annual drift.
    n_paths, seed : int
        Monte Carlo size and seed (the same paths for both strategies).

    Returns
    -------
    pandas.DataFrame
        Two rows (``strategy``: "Daily-reset fund", "Bought once and held") with
        ``mean``, ``median``, ``q05``, ``q25``, ``q75``, ``q95`` (value of 1 invested),
        ``prob_loss`` and ``prob_wipeout`` (shares of paths).

    Notes
    -----
    Summaries are kept (the last 128 settings; :func:`outcome_grid` fills them for the
    explorer's grid), so a setting the live explorer shows again costs no new simulation.
    """
    return _outcome_summaries((sigma,), n_days, leverage=leverage, mu=mu, n_paths=n_paths, seed=seed)[0]


_SUMMARIES: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_SUMMARIES_LOCK = threading.Lock()
_SUMMARIES_KEPT = 128  # settings kept; each a two-row table


def _summary_key(sigma, n_days, leverage, mu, n_paths, seed) -> tuple | None:
    """The cache key of a setting given as plain numbers, or None (anything else is computed, and checked, anew)."""
    reals = (sigma, leverage, mu)
    whole = (n_days, n_paths, seed)
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v) for v in reals + whole):
        return None
    if not all(float(v).is_integer() for v in whole):
        return None
    return (float(sigma), int(n_days), float(leverage), float(mu), int(n_paths), int(seed))


def _outcome_summaries(sigmas: Sequence[float], n_days: int, *, leverage: float, mu: float, n_paths: int,
                       seed: int) -> list[pd.DataFrame]:
    """:func:`outcome_summary` for several volatilities; those not kept are simulated together (normals drawn once)."""
    keys = [_summary_key(sigma, n_days, leverage, mu, n_paths, seed) for sigma in sigmas]
    with _SUMMARIES_LOCK:
        found = {key: _SUMMARIES[key] for key in keys if key is not None and key in _SUMMARIES}
    missing = [sigma for sigma, key in zip(sigmas, keys, strict=True) if key is None or key not in found]
    missing = list(dict.fromkeys(missing))
    if missing:
        if len(missing) == 1:
            runs = [simulate_outcomes(leverage, mu, missing[0], n_days, n_paths=n_paths, seed=seed)]
        else:
            runs = simulate_outcomes_sigmas(leverage, mu, missing, n_days, n_paths=n_paths, seed=seed)
        computed = {sigma: run.summary().rename(index=_STRATEGIES).rename_axis("strategy").reset_index()
                    for sigma, run in zip(missing, runs, strict=True)}
        with _SUMMARIES_LOCK:
            for sigma, frame in computed.items():
                key = _summary_key(sigma, n_days, leverage, mu, n_paths, seed)
                if key is not None:
                    _SUMMARIES[key] = frame
                    found[key] = frame
            while len(_SUMMARIES) > _SUMMARIES_KEPT:
                _SUMMARIES.popitem(last=False)
    else:
        computed = {}
    frames = []
    with _SUMMARIES_LOCK:
        for sigma, key in zip(sigmas, keys, strict=True):
            if key is not None and key in _SUMMARIES:
                _SUMMARIES.move_to_end(key)
            frames.append((found[key] if key is not None else computed[sigma]).copy())
    return frames


def outcome_grid(settings: pd.DataFrame) -> pd.DataFrame:
    """The outcomes explorer's whole grid (its ``compute_grid``), each horizon's volatilities on one draw.

    Equal to computing :func:`outcome_summary` point by point (the tests check, bit for bit): with one
    seed every volatility uses the same normals, so :func:`lettools.simulate_outcomes_sigmas` draws them
    once per horizon, and only the draws' number changes, not the arithmetic.
    """
    tables = {}
    for n_days in dict.fromkeys(settings["n_days"]):
        sigmas = list(dict.fromkeys(settings.loc[settings["n_days"] == n_days, "sigma"]))
        for sigma, table in zip(sigmas, _outcome_summaries(sigmas, n_days, leverage=3.0, mu=0.08, n_paths=20_000,
                                                           seed=2009), strict=True):
            tables[(sigma, n_days)] = table
    frames = [tables[(row["sigma"], row["n_days"])].assign(**row) for row in settings.to_dict("records")]
    return pd.concat(frames, ignore_index=True)


_FLOOR = 0.01  # the log axis of the outcomes chart starts at 1 cent per unit; wipeouts sit at its edge


def _draw_outcomes(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    high = max(domains["q95"][1], domains["mean"][1]) * 1.15
    x_scale = alt.Scale(type="log", domain=[_FLOOR, high], clamp=True)
    x_axis = alt.Axis(values=[0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30], format="~g")
    y = alt.Y("strategy:N", title=None, sort=list(_STRATEGIES.values()), axis=alt.Axis(labelLimit=200))
    clamped = base.transform_calculate(
        lo5=f"max(datum.q05, {_FLOOR})", lo25=f"max(datum.q25, {_FLOOR})",
        hi75=f"max(datum.q75, {_FLOOR})", hi95=f"max(datum.q95, {_FLOOR})",
        mid=f"max(datum.median, {_FLOOR})",
    )
    tooltip = [
        alt.Tooltip("strategy:N", title="Strategy"),
        alt.Tooltip("mean:Q", title="Mean", format=".3f"),
        alt.Tooltip("median:Q", title="Median", format=".3f"),
        alt.Tooltip("q05:Q", title="5% quantile", format=".3f"),
        alt.Tooltip("q95:Q", title="95% quantile", format=".3f"),
        alt.Tooltip("prob_loss:Q", title="Chance of a loss", format=".1%"),
        alt.Tooltip("prob_wipeout:Q", title="Chance of a wipeout", format=".1%"),
    ]
    x_title = "Value of 1 invested at the end (log scale)"
    whisker = clamped.mark_rule(strokeWidth=2, color="#555555").encode(
        x=alt.X("lo5:Q", title=x_title, scale=x_scale, axis=x_axis), x2="hi95:Q", y=y, tooltip=tooltip)
    box = clamped.mark_bar(size=22, color="#bfd5e8").encode(x=alt.X("lo25:Q", scale=x_scale), x2="hi75:Q", y=y,
                                                             tooltip=tooltip)
    even = base.mark_rule(strokeDash=[2, 3], color="#000000").encode(x=alt.datum(1.0, scale=x_scale))
    stats = clamped.transform_calculate(Median="datum.mid", Mean="datum.mean").transform_fold(
        ["Median", "Mean"], as_=["statistic", "stat_value"])
    marks = stats.mark_point(size=110, filled=True).encode(
        x=alt.X("stat_value:Q", scale=x_scale),
        y=y,
        color=alt.Color("statistic:N", title=None, scale=alt.Scale(domain=["Median", "Mean"])),
        shape=alt.Shape("statistic:N", title=None, scale=alt.Scale(domain=["Median", "Mean"],
                                                                    range=["circle", "diamond"])),
        tooltip=tooltip,
    )
    text = clamped.transform_calculate(
        note="'median ' + format(datum.median, '.2f') + ', mean ' + format(datum.mean, '.2f') + "
             "'\\nloss on ' + format(datum.prob_loss, '.0%') + ' of paths\\nwiped out on ' + "
             "format(datum.prob_wipeout, '.0%') + ' of paths'"
    ).mark_text(align="left", baseline="top", dy=-55, fontSize=12, x=0, lineBreak="\n", lineHeight=14).encode(
        y=y, text="note:N")  # three short lines above the box: one long line runs past a phone's column
    return alt.layer(box, whisker, even, marks, text).properties(width=480, height=220)


def outcomes_explorer() -> Explorer:
    """Monte Carlo outcomes of a 3x daily-reset fund and 3x held, by volatility and holding period."""
    return Explorer(
        compute=outcome_summary,
        params=[
            Param("sigma", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], default=0.3, label="Index volatility",
                  percent=True, live=(0.05, 0.80, 0.05)),
            Param("n_days", [21, 63, 126, 252, 504, 756], default=126, label="Holding period (trading days)"),
        ],
        draw=_draw_outcomes,
        title="Outcomes of 3x leverage over 20,000 simulated index paths",
        description=(
            "For a 3x daily-reset fund and 3x the index bought once and held, on an index with an 8% "
            "annual drift and the chosen volatility, horizontal bars show the middle half of the "
            "simulated final values, whiskers the range from the 5% to the 95% quantile, a circle the "
            "median and a diamond the mean, on a log axis with a dotted line at the starting value 1. "
            "Higher volatility leaves the fund's mean where it is and pulls its median down; a longer "
            "holding period spreads the outcomes further."
        ),
        decimals=5,
        compute_grid=outcome_grid,
    )


def mean_median_chart(simulated: pd.DataFrame, *, leverage: float = 3.0, mu: float = 0.08,
                      years: float = 1.0) -> alt.LayerChart:
    """Closed-form mean and median of the fund against volatility, with Monte Carlo points on top.

    ``simulated`` holds rows of :func:`outcome_summary` for the fund with a ``sigma``
    column (e.g. the outcomes explorer's grid at one horizon).
    """
    sigmas = np.round(np.arange(0.0, 0.6501, 0.01), 2)
    mean, median = gbm_mean_median(leverage, mu, sigmas, years)
    theory = pd.concat([
        pd.DataFrame({"sigma": sigmas, "value": mean, "statistic": "Mean"}),
        pd.DataFrame({"sigma": sigmas, "value": median, "statistic": "Median"}),
    ])
    points = simulated.melt(id_vars="sigma", value_vars=["mean", "median"], var_name="statistic",
                            value_name="value")
    points["statistic"] = points["statistic"].str.capitalize()
    stats = ["Mean", "Median"]
    color = alt.Color("statistic:N", title=None, scale=alt.Scale(domain=stats))
    x = alt.X("sigma:Q", title="Index volatility (annual)", axis=alt.Axis(format=".0%"))
    y = alt.Y("value:Q", title="Value of 1 invested after one year", scale=alt.Scale(zero=False))
    lines = alt.Chart(theory).mark_line().encode(
        x=x, y=y, color=color, strokeDash=alt.StrokeDash("statistic:N", title=None, scale=alt.Scale(domain=stats)),
        tooltip=[alt.Tooltip("statistic:N"), alt.Tooltip("sigma:Q", format=".0%"),
                 alt.Tooltip("value:Q", title="Closed form", format=".3f")],
    )
    dots = alt.Chart(points).mark_point(size=70, filled=True).encode(
        x=x, y=y, color=color, shape=alt.Shape("statistic:N", title=None, scale=alt.Scale(
            domain=stats, range=["diamond", "circle"])),
        tooltip=[alt.Tooltip("statistic:N"), alt.Tooltip("sigma:Q", format=".0%"),
                 alt.Tooltip("value:Q", title="Monte Carlo", format=".3f")],
    )
    return accessible(
        alt.layer(lines, dots).properties(width=460, height=280),
        title=f"{leverage:g}x fund after {years:g} year: the mean holds, the median falls",
        description=(
            f"Line chart of the mean and the median value of 1 invested in a {leverage:g}x daily-reset "
            f"fund after {years:g} year, against the index's volatility from 0% to 65%, on an index "
            f"drifting {mu:.0%} a year: closed-form lines with Monte Carlo points on them. The mean stays "
            "flat whatever the volatility; the median falls further and further below it."
        ),
    )


# -- performance divergence over a longer holding period ---------------------------------

def divergence_chart(index_returns, leverage: float) -> alt.LayerChart:
    """Index, ``L``x daily-reset fund and ``L``x held over a path, e.g. from :func:`divergence_path`."""
    data = value_paths(index_returns, leverage)
    base = alt.Chart(data)
    domains = {key: [float(data[key].min()), float(data[key].max())] for key in SERIES}
    chart = _value_lines(base, domains, x_title="Trading day", width=460, height=300, points=False)
    return accessible(
        chart,
        title=f"An index up, a {leverage:g}x daily-reset fund down",
        description=(
            f"Line chart over {len(data) - 1} trading days of an index path, a {leverage:g}x daily-reset "
            f"fund and {leverage:g}x the index bought once and held, all starting at 100. The index ends "
            "up and the held position ends up by a multiple of that, while the daily-reset fund, hit by "
            "large daily swings back and forth, slides far down."
        ),
    )


# -- real index history --------------------------------------------------------------------

def calendar_year_comparison(name: str, years: Sequence[int], leverage: float = 2.0) -> pd.DataFrame:
    """A daily-reset fund on a real index, calendar year by calendar year, against ``L`` x the index.

    Uses :func:`lettools.index_returns` (price index, dividends left out) and no costs.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``: ``index`` (the index's return), ``L_x_index`` (``L`` times
        it), ``fund`` (the fund's return), ``gap`` (fund minus ``L`` x index) and
        ``volatility`` (annualised standard deviation of the daily returns).
    """
    from lettools.data import index_returns  # deferred: loads arch only when real data are asked for

    leverage = _number(leverage, "leverage")
    rows = {}
    for year in years:
        returns = index_returns(name, f"{int(year)}-01-01", f"{int(year)}-12-31").to_numpy()
        index = float(np.prod(1.0 + returns) - 1.0)
        fund = terminal_value(returns, leverage) - 1.0
        rows[int(year)] = {"index": index, "L_x_index": leverage * index, "fund": fund,
                           "gap": fund - leverage * index,
                           "volatility": float(returns.std(ddof=1) * np.sqrt(252))}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("year")


# -- exercises ---------------------------------------------------------------------------

def _two_day_return(first_return: float, second_return: float, leverage: float) -> float:
    return terminal_value([first_return, second_return], leverage) - 1.0


register(
    NumericExercise(
        id="compounding-two-day",
        expected=lambda: _two_day_return(0.04, -0.03, 3),
        unit="decimal",
        decimals=4,
        points=2,
        minutes=10,
        written="The comparison with three times the index's two-day return.",
        written_points=1,
        hint="Day by day, the fund's value is multiplied by one plus three times the index's return.",
        mistakes=(
            (lambda: 3 * ((1.04 * 0.97) - 1),
             "That is three times the index's two-day return: the result of 3x bought once and held. "
             "The fund resets each day, so compound its two daily returns."),
            (lambda: 3 * (0.04 - 0.03),
             "Adding the daily returns ignores compounding: multiply the daily growth factors instead."),
        ),
    )
)

_MEAN_MEDIAN_INPUTS = {"leverage": 3.0, "mu": 0.10, "sigma": 0.25, "years": 1.0}

register(
    NumericExercise(
        id="compounding-mean-3x",
        expected=lambda: gbm_mean_median(**_MEAN_MEDIAN_INPUTS)[0],
        unit="number",
        decimals=4,
        quantity="as the value of 1 invested (1.05 for a 5% gain)",
        points=2,
        minutes=10,
        hint="The mean of a lognormal value is exp(mean of the log + half its variance).",
        mistakes=((lambda: gbm_mean_median(**_MEAN_MEDIAN_INPUTS)[1],
                   "That is the median. The mean adds half the variance of the log value back."),
                  (lambda: 1 + 3 * 0.10,
                   "That is 1 + L mu T, the first-order approximation: the mean value is exp(L mu T)."),),
    )
)

register(
    NumericExercise(
        id="compounding-median-3x",
        expected=lambda: gbm_mean_median(**_MEAN_MEDIAN_INPUTS)[1],
        unit="number",
        decimals=4,
        quantity="as the value of 1 invested (1.05 for a 5% gain)",
        points=2,
        minutes=10,
        hint="The median is exp(g T) with g = L mu - L^2 sigma^2 / 2.",
        mistakes=(
            (lambda: gbm_mean_median(**_MEAN_MEDIAN_INPUTS)[0],
             "That is the mean. The median is lower: its growth rate is the mean's less L^2 sigma^2 / 2."),
            (lambda: float(np.exp(3 * 0.10 - 3 * 0.25**2 / 2)),
             "The drag grows with the square of the leverage: L^2 sigma^2 / 2, not L sigma^2 / 2."),
            (lambda: 1 + 3 * 0.10 - 3**2 * 0.25**2 / 2,
             "That is 1 + g T, the first-order approximation: the median value is exp(g T)."),
        ),
    )
)


def _fund_value(index_returns, leverage: float, start: float) -> float:
    return terminal_value(index_returns, leverage, start=start)


register(
    FunctionExercise(
        id="compounding-fund-value",
        reference=_fund_value,
        cases=(
            {"index_returns": [0.10, -0.10], "leverage": 2, "start": 100.0},
            {"index_returns": [0.02, 0.03, -0.01, 0.015], "leverage": 3, "start": 50.0},
            {"index_returns": [-0.01, -0.01, -0.01, -0.01, 0.041], "leverage": 2, "start": 1000.0},
            {"index_returns": [0.05, -0.02, 0.04], "leverage": -1, "start": 10.0},
            {"index_returns": [0.012], "leverage": -3, "start": 7.0},
        ),
        hint="Start from `start` and, for each day, multiply by (1 + leverage * that day's return).",
    )
)

_NASDAQ_YEAR = 2011

register(
    NumericExercise(
        id="compounding-nasdaq-2x",
        expected=lambda: float(calendar_year_comparison("nasdaq", [_NASDAQ_YEAR], 2.0).loc[_NASDAQ_YEAR, "fund"]),
        unit="decimal",
        decimals=3,
        points=3,
        minutes=20,
        written="The comparison with twice the index's return, and what was different in 2013.",
        written_points=2,
        hint="Select the year's daily returns with lettools.index_returns and compound 1 + 2 R_t over them.",
        mistakes=((lambda: float(calendar_year_comparison("nasdaq", [_NASDAQ_YEAR], 2.0)
                                 .loc[_NASDAQ_YEAR, "L_x_index"]),
                   "That is twice the index's return for the year: the daily-reset fund compounds day by day."),),
    )
)



def _alert_index_fit() -> float:
    """The index return that makes (1 + R^(3))^2 / (1 + R)^9 equal the alert's -3x fund exactly."""
    long_3x, inverse_3x = ALERT_FIGURES["long_3x"], ALERT_FIGURES["inverse_3x"]
    return float(((1.0 + long_3x) ** 2 / (1.0 + inverse_3x)) ** (1.0 / 9.0) - 1.0)


register(
    NumericExercise(
        id="compounding-alert-index",
        expected=_alert_index_fit,
        unit="decimal",
        decimals=4,
        points=2,
        minutes=15,
        written="The derivation of the formula, and whether the index return you find fits the alert's wording.",
        written_points=2,
        hint="Set (1 + R^(3))^2 / (1 + R)^9 equal to 1 + R^(-3) = 0.10 and solve for R.",
        mistakes=(
            (lambda: ALERT_FIGURES["index_return"],
             "That is the alert's rounded index return: solve the formula for the R that gives exactly -90%."),
            (lambda: float((0.47**2 / 0.10) ** (1.0 / 9.0)),
             "That is 1 + R, the growth factor: subtract 1 to give the return."),
        ),
    )
)

# -- the monthly distribution of a daily-reset fund -------------------------------------------


# -- the second-order rule: when the fund beats L times the index ----------------------------


def scenario_rule_table(leverage: float = 3.0, seeds: Sequence[int] = (1, 2, 3, 4), n_days: int = 60) -> pd.DataFrame:
    """The second-order rule on the teaching markets' paths: squared net move against realised variance.

    Per market and path: ``squared_net_move`` ``(sum R_t)^2``, ``realized_variance``
    ``sum R_t^2``, the rule's verdict (``fund ahead`` when the first exceeds the second),
    ``second_order`` ``(L^2 - L)/2 ((sum R_t)^2 - sum R_t^2)`` and the exact ``fund_minus_target``
    (per unit invested, target = leverage bought once and held).
    """
    leverage = _number(leverage, "leverage")
    rows = []
    for kind in SCENARIOS:
        for seed in seeds:
            returns = scenario_returns(kind, n_days=n_days, seed=seed)
            net, squares = float(np.sum(returns)), float(np.sum(returns**2))
            fund = float(np.prod(1.0 + leverage * returns))
            target = 1.0 + leverage * (float(np.prod(1.0 + returns)) - 1.0)
            rows.append({
                "market": kind,
                "path": seed,
                "squared_net_move": net**2,
                "realized_variance": squares,
                "rule": "fund ahead" if net**2 > squares else "fund behind",
                "second_order": (leverage**2 - leverage) / 2.0 * (net**2 - squares),
                "fund_minus_target": fund - target,
            })
    return pd.DataFrame(rows)


#: The SEC and FINRA investor alert of 18 August 2009: 1 December 2008 to 30 April 2009, the Russell
#: 1000 Financial Services index gained about 8%, a 3x fund on it fell 53% and a -3x fund 90%. Read
#: from ``lettools/facts/regulation.json``, which holds them with their source.
ALERT_FIGURES = {
    "index_return": float(facts.value("regulation", "alert_index_return")),
    "long_3x": float(facts.value("regulation", "alert_3x_return")),
    "inverse_3x": float(facts.value("regulation", "alert_minus3x_return")),
}


def alert_check(n_days: int) -> pd.Series:
    """Back the index's volatility out of the alert's 3x fund and predict its -3x fund with it.

    ``n_days`` is the number of trading days in the alert's window. Uses
    :func:`lettools.implied_volatility` and :func:`lettools.fund_return` (no costs).
    """
    n_days = _whole(n_days, "n_days")
    years = n_days / 252
    volatility = implied_volatility(ALERT_FIGURES["index_return"], ALERT_FIGURES["long_3x"], 3, years=years)
    return pd.Series({
        "trading days": n_days,
        "volatility implied by the 3x fund": volatility,
        "-3x fund, predicted": fund_return(ALERT_FIGURES["index_return"], volatility, -3, years=years),
        "-3x fund, reported": ALERT_FIGURES["inverse_3x"],
    })


def alert_rounding_table(index_returns: Sequence[float] = (0.075, 0.08, 0.085, 0.09),
                         long_returns: Sequence[float] = (-0.535, -0.53, -0.525)) -> pd.DataFrame:
    """The -3x fund that the 3x fund implies, over the rounding ranges of the alert's figures.

    :func:`lettools.paired_fund_return` (no costs; volatility drops out): rows are index returns,
    columns the 3x fund's return, values the predicted -3x return.
    """
    index_grid = _grid(index_returns, "index_returns", -1.0)
    long_grid = _grid(long_returns, "long_returns", -1.0)
    values = paired_fund_return(index_grid[:, None], long_grid[None, :], 3.0, -3.0)
    return pd.DataFrame(values, index=pd.Index(index_grid, name="index return"),
                        columns=pd.Index(long_grid, name="3x fund return"))


def alert_path_spread(n_days: int, seeds: Sequence[int] = tuple(range(1, 11))) -> pd.DataFrame:
    """The -3x fund, day by day, on index paths that reproduce the alert's index and 3x fund exactly.

    For each seed, :func:`divergence_path` builds a path of ``n_days`` on which the index returns the
    alert's figure and a 3x daily-reset fund the alert's 3x figure; the table gives the path's
    annualised volatility and the exact return of a -3x daily-reset fund on it (no costs). The spread
    over seeds is how much the path's shape, beyond its volatility, moves the -3x result. ``sum R^3``
    is the path's realised third moment and ``paired, with -24 sum R^3`` the paired prediction
    ``(1 + R3)^2 / (1 + R)^9`` corrected by the third-order term, ``exp(-24 sum R^3)``.
    """
    n_days = _whole(n_days, "n_days")
    rows = []
    for seed in seeds:
        path = divergence_path(ALERT_FIGURES["index_return"], ALERT_FIGURES["long_3x"], 3.0, n_days, seed=int(seed))
        rows.append({
            "seed": int(seed),
            "volatility": float(np.sqrt(np.sum(path**2) * 252 / n_days)),
            "-3x fund": terminal_value(path, -3.0) - 1.0,
            "sum R^3": float(np.sum(path**3)),
            "paired, with -24 sum R^3": float(np.exp(2.0 * np.log(terminal_value(path, 3.0))
                                                     - 9.0 * np.log1p(ALERT_FIGURES["index_return"])
                                                     - 24.0 * np.sum(path**3)) - 1.0),
        })
    return pd.DataFrame(rows).set_index("seed")


def alert_fat_tail_spread(n_days: int, dof: float = 3.0, n_seeds: int = 200,
                          quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.Series:
    """Quantiles of the -3x fund over fat-tailed paths that reproduce the alert's index and 3x fund.

    Each seeded path has daily log returns ``a + k z_t`` with ``z_t`` Student's t draws on ``dof``
    degrees of freedom (demeaned, scaled to unit standard deviation, in the order drawn); ``a``
    makes the index return the alert's figure exactly and ``k`` is solved so that a 3x daily-reset
    fund returns the alert's 3x figure (no costs). A -3x fund that a single rise of a third wipes
    out counts as -100%. Unlike :func:`alert_path_spread`, large one-sided days are allowed. The
    last entry, ``wiped``, is the share of paths on which the -3x fund is wiped out (a one-day index
    rise of a third or more), the tail event that sets the lower quantiles.
    """
    n_days = _whole(n_days, "n_days")
    dof = _number(dof, "dof", 2.0)
    n_seeds = _whole(n_seeds, "n_seeds", 1, 1_000_000)
    drift = np.log1p(ALERT_FIGURES["index_return"]) / n_days
    results = np.empty(n_seeds)
    for seed in range(n_seeds):
        shocks = np.random.default_rng(seed).standard_t(dof, n_days)
        shocks = (shocks - shocks.mean()) / shocks.std()

        def excess(scale: float, shocks=shocks) -> float:
            return terminal_value(np.expm1(drift + scale * shocks), 3.0) - (1.0 + ALERT_FIGURES["long_3x"])

        high = 0.01
        while excess(high) > 0.0:
            high *= 2.0
        path = np.expm1(drift + brentq(excess, 0.0, high, xtol=1e-12) * shocks)
        results[seed] = terminal_value(path, -3.0) - 1.0
    summary = pd.Series(np.quantile(results, quantiles), index=[f"q{round(100 * q):02d}" for q in quantiles])
    summary["wiped"] = float(np.mean(results <= -1.0))
    return summary


def monte_carlo_check(simulation) -> pd.DataFrame:
    """The daily-reset fund's Monte Carlo mean, median and chance of loss next to their closed forms.

    ``simulation`` is a :class:`lettools.OutcomeSimulation` without costs. Two sets of closed forms:

    - ``daily resets``: the mean ``(1 + L m)^T`` with ``m`` the index's daily mean (exact); the median
      ``exp(T E[ln(1 + L R)])`` and the chance of a loss ``Phi(-T E / sqrt(T Var))`` from the exact
      daily log moments (:func:`lettools.daily_reset_log_moments`; normal approximation of a sum of
      ``T`` independent days);
    - ``continuous time``: ``exp(L mu T)``, ``exp(g T)`` (:func:`gbm_mean_median`) and
      :func:`lettools.prob_fund_loss`.

    Standard errors: of the mean, sd / sqrt(n); of a share, sqrt(p (1 - p) / n); of the median,
    sqrt(1/4 / n) divided by the lognormal density there. The three estimates come from the same
    paths, so their errors are correlated.
    """
    fund = np.asarray(simulation.fund)
    n = fund.size
    years = simulation.years
    daily_mean = np.expm1(simulation.mu / simulation.periods_per_year)
    mean, median = gbm_mean_median(simulation.leverage, simulation.mu, simulation.sigma, years)
    log_sd = abs(simulation.leverage) * simulation.sigma * np.sqrt(years)
    density_at_median = 1.0 / (median * log_sd * np.sqrt(2.0 * np.pi))
    loss = float(np.mean(fund < 1.0))
    daily = daily_reset_log_moments(simulation.leverage, simulation.mu, simulation.sigma,
                                    periods_per_year=simulation.periods_per_year)
    log_mean, log_variance = daily["mean"] * years, daily["variance"] * years
    return pd.DataFrame(
        {
            "Monte Carlo": [fund.mean(), float(np.median(fund)), loss],
            "standard error": [fund.std() / np.sqrt(n), np.sqrt(0.25 / n) / density_at_median,
                               np.sqrt(loss * (1.0 - loss) / n)],
            "daily resets": [
                expected_growth_factor(simulation.leverage, daily_mean, simulation.n_days),
                float(np.exp(log_mean)),
                float(norm.cdf(-log_mean / np.sqrt(log_variance))),
            ],
            "continuous time": [
                mean,
                median,
                prob_fund_loss(simulation.leverage, simulation.sigma, simulation.n_days, mu=simulation.mu),
            ],
        },
        index=pd.Index(["mean", "median", "chance of a loss"], name="daily-reset fund"),
    )


# -- the pairing with financing, and an issuer's own four-day example (lettools/facts/compounding.json) --


def pairing_financing_table() -> pd.DataFrame:
    """TQQQ/SQQQ calendar years: the actual -3x fund against the pairing without and with financing.

    From ``lettools/facts/compounding.json`` (``pairing_financing``, recomputed by
    ``tests/test_compounding_real_data.py`` from the shared data files): the paired prediction
    ``2 ln(1 + R^(3)) - 9 ln(1 + R) - 24 sum R_t^3``, and the same plus ``8 sum ln(1 + r_t)`` and the
    expense ratio (``2 f - f``). Rows are years; returns simple decimals.
    """
    years = facts.value("compounding", "pairing_financing")["years"]
    table = pd.DataFrame(years).set_index("year")
    return table.rename(columns={"index": "Nasdaq-100", "tqqq": "TQQQ (3x)", "sqqq_actual": "SQQQ (-3x), actual",
                                 "sqqq_paired": "SQQQ, paired", "sqqq_paired_financed": "SQQQ, paired with financing",
                                 "bills_log": "bills, sum ln(1 + r)"}).drop(columns="days")


def direxion_pairing() -> pd.Series:
    """Direxion's FAS/FAZ example (15-21 January 2009) against the pairing, and the third moment it implies.

    The reported index, 3x and -3x returns come from ``lettools/facts/compounding.json``
    (``direxion_fas_faz_2009``). ``paired`` is ``(1 + R^(3))^2 / (1 + R)^9 - 1``; ``implied_sum_cubes``
    is the ``sum R_t^3`` that closes the gap through the term ``-24 sum R_t^3`` (costs over four days
    are negligible).
    """
    figures = facts.value("compounding", "direxion_fas_faz_2009")
    paired = paired_fund_return(figures["index"], figures["bull_3x"], 3, -3)
    gap = np.log1p(figures["bear_3x"]) - np.log1p(paired)
    return pd.Series({"index": figures["index"], "FAS (3x)": figures["bull_3x"], "FAZ (-3x), reported":
                      figures["bear_3x"], "FAZ, paired": paired, "gap in logs": gap,
                      "implied sum R^3": -gap / 24.0})
