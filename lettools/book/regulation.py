"""Tables, charts, explorers and exercises of the chapter "Regulation" (chapters/regulation.ipynb).

Every regulatory fact here comes from the book's sourced-facts file,
``lettools/facts/regulation.json`` (each record names its source), and is cited in
the chapter's prose; the tables only arrange them. Risk models assume an index
following geometric Brownian motion with zero drift and a fund without costs, so
that what the numbers show is the daily reset itself. Probabilities and returns
are decimals; holding periods are in trading days (252 a year).
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from lettools.charts import accessible
from lettools.cost_model import fund_year_pnl
from lettools.data import index_returns as load_index_returns
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.facts import value as fact
from lettools.holder_risk import (
    HOLDING_RISK_LEVERAGES,
    HOLDING_RISK_MAX_DAYS,
    HOLDING_RISK_PATHS,
    admissible_days,
    closed_form_gap,
    historical_lag_share,
    holding_risk,
    holding_risk_curves,
    var_ratio,
)
from lettools.holding import admissible_horizon, portfolio_var
from lettools.theory import wipeout_move
from lettools.twin import Explorer, Param

__all__ = [
    "REGIMES",
    "EVENTS",
    "LEVERAGE_CUTS",
    "regime_table",
    "timeline_chart",
    "leverage_cut_table",
    "RULE_VAR",
    "RULE_VAR_PROPOSAL_2019",
    "proposal_vs_rule_table",
    "rule_var_table",
    "rule_var_history",
    "rule_var_history_chart",
    "var_ratio_table",
    "var_ratio_chart",
    "RISKS",
    "closed_form_gap_table",
    "holding_risk_curve",
    "holding_risk_explorer",
    "lag_evidence_table",
]


# ---------------------------------------------------------------------------------------------
# Regimes compared

#: One row per jurisdiction: who regulates, since when, what limits leverage, what protects investors.
#: "Basis" says whether the row rests on the primary text or on reports of it; "source" names the citations.
REGIMES: tuple[Mapping[str, str], ...] = tuple(fact("regulation", "regimes"))


def regime_table() -> pd.DataFrame:
    """The regimes compared, one row per jurisdiction (built from :data:`REGIMES`, sources left out)."""
    return pd.DataFrame(list(REGIMES)).drop(columns="source").set_index("Jurisdiction")


# ---------------------------------------------------------------------------------------------
# Timeline of rules and incidents

_RULE, _INCIDENT = "Rule or regulatory action", "Market event or issuer action"

_KINDS = {"rule": _RULE, "incident": _INCIDENT}

#: Each event: date used to place it, date as the sources give it, kind, short label, detail and source.
EVENTS: tuple[Mapping[str, str], ...] = tuple(fact("regulation", "events"))


def _events_frame() -> pd.DataFrame:
    frame = pd.DataFrame(list(EVENTS))[["date", "when", "kind", "event", "detail"]]
    frame["kind"] = frame["kind"].map(_KINDS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _month_year(iso_date: str) -> str:
    return pd.Timestamp(iso_date).strftime("%B %Y")


def timeline_chart() -> alt.Chart:
    """Rules and incidents 2009-2026 on a time axis, one row per event, coloured and shaped by kind."""
    frame = _events_frame()
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")  # ISO text: embeds the same in every run
    kinds = [_RULE, _INCIDENT]
    encoding = dict(
        x=alt.X("date:T", title=None, scale=alt.Scale(domain=["2009-01-01", "2026-06-30"]),
                axis=alt.Axis(format="%Y", tickCount=18, labelAngle=0)),
        y=alt.Y("event:N", title=None, sort=list(frame["event"]), axis=alt.Axis(labelLimit=330)),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=["#0072B2", "#D55E00"])),
        shape=alt.Shape("kind:N", title=None, scale=alt.Scale(domain=kinds, range=["square", "triangle-up"])),
        tooltip=[alt.Tooltip("when:N", title="When"), alt.Tooltip("event:N", title="Event"),
                 alt.Tooltip("kind:N", title="Kind"), alt.Tooltip("detail:N", title="Detail")],
    )
    chart = alt.Chart(frame).mark_point(size=110, filled=True, opacity=1).encode(**encoding)
    return accessible(
        chart.properties(width=360, height=len(frame) * 22),
        title="Rules and incidents, 2009-2026",
        description=(
            f"Timeline of {len(frame)} events from {_month_year(frame['date'].iloc[0])} to "
            f"{_month_year(frame['date'].iloc[-1])}, one row per event in date order, "
            "with regulatory actions as blue squares and market events or issuer actions as orange "
            "triangles. US guidance and margin rules come first in 2009; EU and Indian limits follow in 2010 and EU "
            "guidance in 2012; incidents cluster in 2012, 2018 and 2020; the EU's key information document applies "
            "from 2018 (to UCITS from 2023) and the SEC proposes its rule in 2019; rules in Korea and the US "
            "follow in 2020 to 2022, and new rules in Hong Kong, Korea, the US and the UK in 2025 and 2026."
        ),
    )


# ---------------------------------------------------------------------------------------------
# What issuers did: leverage cuts and the wipeout move

#: Leverage cuts: product, effective date, leverage before and after, source.
LEVERAGE_CUTS: tuple[Mapping[str, object], ...] = tuple(fact("regulation", "leverage_cuts"))


def leverage_cut_table() -> pd.DataFrame:
    """Each leverage cut with the one-day index move that would wipe the fund out, before and after.

    The wipeout move is ``-1 / L`` (:func:`lettools.wipeout_move`), a decimal.
    """
    rows = [
        {"product": cut["product"], "effective": cut["effective"], "leverage_before": cut["before"],
         "leverage_after": cut["after"], "wipeout_before": wipeout_move(cut["before"]),
         "wipeout_after": wipeout_move(cut["after"])}
        for cut in LEVERAGE_CUTS
    ]
    return pd.DataFrame(rows).set_index("product")


# ---------------------------------------------------------------------------------------------
# Rule 18f-4: the fund's VaR relative to its index

#: Rule 18f-4's VaR parameters and limits: confidence, horizon_days, min_history_years, relative_limit,
#: absolute_limit.
RULE_VAR: Mapping[str, float] = fact("regulation", "rule_18f4_var")
_HISTORY_DAYS = int(RULE_VAR["min_history_years"] * 252)

#: The November 2019 proposal: relative_limit, absolute_limit and leveraged_inverse_cap (the multiple up to which
#: leveraged and inverse funds would have been excepted from the VaR limit; sales practices rules proposed alongside).
RULE_VAR_PROPOSAL_2019: Mapping[str, float] = fact("regulation", "rule_18f4_proposal_2019")


def finra_2012_table() -> pd.DataFrame:
    """FINRA's sanctions of 1 May 2012 for leveraged and inverse ETF sales: fine and restitution per firm, with totals.

    From the facts file (``finra_2012_sanctions``); US dollars.
    """
    table = pd.DataFrame(fact("regulation", "finra_2012_sanctions")).set_index("firm")[["fine", "restitution"]]
    table["total"] = table["fine"] + table["restitution"]
    table.loc["All four"] = table.sum()
    return table.astype(int)


def proposal_vs_rule_table() -> pd.DataFrame:
    """Rule 18f-4 as proposed in November 2019 and as adopted in October 2020, side by side (from the facts file)."""
    proposed, adopted = RULE_VAR_PROPOSAL_2019, RULE_VAR
    rows = {
        "Relative VaR limit (share of the reference portfolio's VaR)":
            (f"{proposed['relative_limit']:.0%}", f"{adopted['relative_limit']:.0%}"),
        "Absolute VaR limit (share of net assets)":
            (f"{proposed['absolute_limit']:.0%}", f"{adopted['absolute_limit']:.0%}"),
        "Leveraged and inverse funds":
            (f"excepted from the VaR limit up to {proposed['leveraged_inverse_cap']:g}x; sales practices rules "
             "proposed alongside",
             f"new funds held to the VaR limit (about {adopted['relative_limit']:g}x); funds above it on "
             "28 Oct 2020 grandfathered on conditions (see text)"),
        "Sales practices rules 15l-2 and 211(h)-1": ("proposed", "not adopted"),
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["Proposed, Nov 2019", "Adopted, Oct 2020"])


def _rule_var(returns: np.ndarray, exposure: float, horizon: int | None = None) -> float:
    days = int(RULE_VAR["horizon_days"]) if horizon is None else horizon
    return portfolio_var(returns, exposure, confidence=RULE_VAR["confidence"], horizon=days,
                         history_days=_HISTORY_DAYS)


def rule_var_table(index: str = "nasdaq", leverages=(2.0, 3.0, -1.0, -2.0, -3.0), *, end: str | None = None,
                   horizon: int | None = None) -> pd.DataFrame:
    """Rule 18f-4's relative test with real data: each fund's VaR over its unlevered index's.

    The VaR is :func:`lettools.holding.portfolio_var` of the fund's current
    portfolio (``L`` times net assets in the index) with the rule's parameters:
    99%, 20 trading days, the last three years (756 days) of daily returns up to
    ``end`` (the sample's end when omitted). ``horizon`` (trading days) replaces
    the rule's 20 days: with ``horizon=1`` a -1x fund's ratio is the upper 1%
    daily return of the window over minus its lower 1% daily return, a one-day
    -1x holder's ratio in a historical simulation.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``leverage``: ``fund_var`` and ``index_var`` (decimals of net
        assets) and ``ratio``; ``attrs`` holds the window's first and last date.
    """
    returns = load_index_returns(index, end=end)
    window = returns.iloc[-_HISTORY_DAYS:]
    values = window.to_numpy()
    days = int(RULE_VAR["horizon_days"]) if horizon is None else horizon
    index_var = _rule_var(values, 1.0, days)
    leverages = np.asarray(leverages, dtype=float)
    fund = np.array([_rule_var(values, leverage, days) for leverage in leverages])
    table = pd.DataFrame({"fund_var": fund, "index_var": index_var, "ratio": fund / index_var},
                         index=pd.Index(leverages, name="leverage"))
    table.attrs.update(first=str(window.index[0].date()), last=str(window.index[-1].date()))
    return table


def rule_var_history(index: str = "nasdaq", leverage: float = -2.0, *, step: int = 21) -> pd.DataFrame:
    """The rule's VaR ratio of one fund, recomputed every ``step`` trading days on a rolling 3-year window.

    Returns columns ``date`` (the window's last day) and ``ratio``.
    """
    returns = load_index_returns(index)
    values = returns.to_numpy()
    if isinstance(step, bool) or not isinstance(step, (int, float, np.integer, np.floating)):
        raise TypeError(f"step must be a whole number of trading days, got {type(step).__name__}")
    if not np.isfinite(step) or step != int(step) or step < 1:
        raise ValueError(f"step must be a whole number of trading days >= 1, got {step!r}")
    ends = np.arange(_HISTORY_DAYS, values.size + 1, int(step))
    ratios = [_rule_var(values[:last], leverage) / _rule_var(values[:last], 1.0) for last in ends]
    return pd.DataFrame({"date": returns.index[ends - 1], "ratio": ratios})


def rule_var_history_chart(index: str = "nasdaq", leverages=(-2.0, -3.0)) -> alt.LayerChart:
    """The rule's VaR ratio of inverse funds on rolling three-year windows, with the 200% limit."""
    frames = []
    for leverage in leverages:
        history = rule_var_history(index, leverage)
        history["fund"] = f"{leverage:g}x"
        frames.append(history)
    data = pd.concat(frames, ignore_index=True)
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    names = [f"{leverage:g}x" for leverage in leverages]
    x = alt.X("date:T", title="Last day of the three-year window")
    y = alt.Y("ratio:Q", title="Fund VaR / index VaR (Rule 18f-4)", scale=alt.Scale(domain=[0, 3.5]))
    lines = alt.Chart(data).mark_line().encode(
        x=x, y=y,
        color=alt.Color("fund:N", title="Fund", scale=alt.Scale(domain=names)),
        strokeDash=alt.StrokeDash("fund:N", title="Fund", scale=alt.Scale(domain=names)),
        tooltip=[alt.Tooltip("date:T", title="Window ends"), alt.Tooltip("fund:N", title="Fund"),
                 alt.Tooltip("ratio:Q", title="VaR ratio", format=".2f")],
    )
    limit = RULE_VAR["relative_limit"]
    rule = alt.Chart(pd.DataFrame({"ratio": [limit]})).mark_rule(color="black", strokeDash=[2, 2]).encode(y="ratio:Q")
    name = {"nasdaq": "Nasdaq Composite", "sp500": "S&P 500"}.get(index, index)
    return accessible(
        alt.layer(lines, rule).properties(width=480, height=260),
        title=f"Inverse funds under the relative test: {name}, rolling three-year windows",
        description=(
            f"Line chart of the Rule 18f-4 VaR ratio of {' and '.join(names)} funds on the {name}, each fund's 99% "
            "20-day VaR of its current portfolio over the index's, recomputed every 21 trading days on the preceding "
            "three years of daily returns, with a dashed line at the 200% limit. A long fund's ratio would be a flat "
            "line at its leverage. The inverse funds' ratios swing with the balance between the index's large rises "
            "and large falls: they drop well below their multiple in windows that contain a crash, and rise above it "
            "in calm, rising years."
        ),
    )


def var_ratio_table(leverages=(2.0, 3.0, -1.0, -2.0, -3.0), horizons=(1, 20, 63), *,
                    sigma: float = 0.2, confidence: float = 0.99, rebalancing: str = "daily") -> pd.DataFrame:
    """:func:`lettools.var_ratio` for each leverage (rows) and horizon in trading days (columns).

    ``rebalancing="daily"`` (the default) is a fund that resets once a day (:func:`lettools.daily_reset_var`);
    ``"continuous"`` the continuously rebalanced approximation of the decay chapter.
    """
    leverages = np.asarray(leverages, dtype=np.float64)
    table = {
        f"{days} day{'s' if days != 1 else ''}": var_ratio(leverages, sigma, days, confidence=confidence,
                                                           rebalancing=rebalancing)
        for days in horizons
    }
    return pd.DataFrame(table, index=pd.Index(leverages, name="leverage"))


def var_ratio_chart(*, sigmas=(0.1, 0.2, 0.4), n_days: int = 20, confidence: float = 0.99,
                    limit: float = 2.0) -> alt.LayerChart:
    """The holder's VaR ratio of a daily-reset fund against leverage (0.5 to 4) for a few volatilities, with the limit.

    The ratio is :func:`lettools.var_ratio` with ``rebalancing="daily"`` (:func:`lettools.daily_reset_var`).
    """
    leverage = np.round(np.arange(0.5, 4.0001, 0.05), 2)
    frame = pd.concat(
        [pd.DataFrame({"leverage": leverage,
                       "ratio": var_ratio(leverage, sigma, n_days, confidence=confidence, rebalancing="daily"),
                       "volatility": f"{sigma:.0%}"}) for sigma in sigmas],
        ignore_index=True,
    )
    names = [f"{sigma:.0%}" for sigma in sigmas]
    x = alt.X("leverage:Q", title="Leverage L", scale=alt.Scale(domain=[0.5, 4]))
    y = alt.Y("ratio:Q", title="Fund VaR / index VaR", scale=alt.Scale(domain=[0, 4.2]))
    lines = alt.Chart(frame).mark_line().encode(
        x=x, y=y,
        color=alt.Color("volatility:N", title="Index volatility", scale=alt.Scale(domain=names)),
        strokeDash=alt.StrokeDash("volatility:N", title="Index volatility", scale=alt.Scale(domain=names)),
        tooltip=[alt.Tooltip("volatility:N", title="Volatility"), alt.Tooltip("leverage:Q", format=".2f"),
                 alt.Tooltip("ratio:Q", title="VaR ratio", format=".3f")],
    )
    # Rule 18f-4 measures the current portfolio, L times the index held unchanged: for a long fund exactly L.
    rule_line = alt.Chart(pd.DataFrame({"leverage": [0.5, 4.0], "ratio": [0.5, 4.0]})).mark_line(
        color="black", strokeWidth=1).encode(x=x, y=y)
    rule_text = alt.Chart(pd.DataFrame({"leverage": [3.2], "ratio": [3.2]})).mark_text(
        align="right", dx=-6, dy=-6, text="rule's measure: exactly L").encode(x=x, y=y)
    # the limit applies to the rule's measure (the diagonal), not to the holder's ratio: drawn for reference
    rule_frame = pd.DataFrame({"ratio": [limit],
                               "label": [f"Rule 18f-4 limit, {limit:.0%}: applies to the rule's measure (solid line)"]})
    rule = alt.Chart(rule_frame).mark_rule(color="black", strokeDash=[2, 2]).encode(y="ratio:Q")
    label = alt.Chart(rule_frame).mark_text(align="left", dx=4, dy=-8).encode(
        x=alt.value(4), y="ratio:Q", text="label:N")
    return accessible(
        alt.layer(lines, rule_line, rule_text, rule, label).properties(width=460, height=280),
        title=f"The holder's {confidence:.0%} VaR over {n_days} days, against the rule's measure",
        description=(
            "Line chart of the value at risk of holding a daily-reset fund for the horizon divided by its "
            "index's, against leverage from 0.5 to 4, for index volatilities of 10%, 20% and 40%, with a thin "
            "black line for Rule 18f-4's measure of the current portfolio, which equals the leverage, and a "
            "dashed line at the rule's 200% limit, drawn for reference: the limit applies to the rule's measure, not "
            "to the holder's. For leverage above 1 the holder's ratio bends below the rule's line, "
            "more as leverage and volatility rise, because compounding caps a loss at 100%; for leverage below 1 "
            "it lies slightly above it."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Holding-period risk: a daily-reset fund simulated at every horizon

#: Risks offered by the explorer: label -> (kind for lettools.holding_risk, threshold).
RISKS: Mapping[str, tuple[str, float]] = {
    "lags L x index": ("lag", 0.0),
    "lags by over 5 points": ("shortfall", 0.05),
    "loses over 20%": ("loss", 0.2),
}

_MAX_DAYS = HOLDING_RISK_MAX_DAYS
#: Paths behind every simulated holding-period probability of the page.
SIMULATED_PATHS: int = HOLDING_RISK_PATHS


def _probability(value: float, name: str) -> float:
    """``value`` as a float if it is a number in [0, 1]; otherwise an error naming ``name`` (a page-level guard)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return float(value)


# Days drawn in the chart: every day of the first month, then steps of about a month to two years.
_CHART_DAYS = np.concatenate([
    np.arange(1, 22),
    [22, 26, 31, 36, 42, 52, 63, 84, 105, 126, 168, 210, 252, 315, 378, 441, 504],
])


def closed_form_gap_table(leverage: float, sigma: float) -> pd.DataFrame:
    """:func:`lettools.closed_form_gap` for the risks of :data:`RISKS`, each row labelled as in the explorer."""
    labels = {kind: label for label, (kind, _) in RISKS.items()}
    shortfall, loss = RISKS["lags by over 5 points"][1], RISKS["loses over 20%"][1]
    gaps = closed_form_gap(leverage, sigma, shortfall=shortfall, loss=loss)
    return gaps.rename(index=labels)


def holding_risk_curve(leverage: float, sigma: float, risk: str, limit: float) -> pd.DataFrame:
    """The explorer's data: the risk's probability on the chart's days and the admissible horizon.

    ``risk`` is a key of :data:`RISKS`. Returns columns ``n_days``, ``probability``
    and ``horizon`` (the admissible horizon, the same on every row).
    """
    if risk not in RISKS:
        raise ValueError(f"risk must be one of {list(RISKS)}, got {risk!r}")
    kind, threshold = RISKS[risk]
    curve = holding_risk(leverage, sigma, risk=kind, threshold=threshold)
    horizon = admissible_days(curve, limit)
    shown = curve[curve["n_days"].isin(_CHART_DAYS)].reset_index(drop=True)
    return shown.assign(horizon=horizon)


def holding_risk_grid(settings: pd.DataFrame) -> pd.DataFrame:
    """The explorer's whole grid (its ``compute_grid``): the simulations first, every volatility at once.

    Equal to computing :func:`holding_risk_curve` point by point (the tests check): only the order
    of the simulation's work changes (:func:`lettools.holding_risk_curves` draws each pass's normals once
    and counts every volatility and leverage from them in one compiled pass, on two threads), not its
    arithmetic; each curve is read once, from the table :func:`lettools.holding_risk` reads, for all
    the limits.
    """
    sigmas = tuple(float(sigma) for sigma in dict.fromkeys(settings["sigma"]))
    tables: dict[tuple[str, float], dict] = {}  # (kind, threshold) -> sigma -> leverage -> the three curves
    for kind, threshold in dict.fromkeys(RISKS[risk] for risk in settings["risk"] if risk in RISKS):
        # The risk asked for at its threshold; the other two at the engine's defaults, as holding_risk does.
        thresholds = {kind: float(threshold)} if kind in ("shortfall", "loss") else {}
        tables[(kind, threshold)] = holding_risk_curves(sigmas, HOLDING_RISK_LEVERAGES, max_days=_MAX_DAYS,
                                                        **thresholds)
    shown = np.flatnonzero(np.isin(np.arange(1, _MAX_DAYS + 1), _CHART_DAYS))
    n_days = shown + 1
    columns: dict[str, list] = {name: [] for name in ("n_days", "probability", "horizon", *settings.columns)}
    curves: dict[tuple, np.ndarray] = {}  # one curve per leverage, volatility and risk, whatever the limit
    for row in settings.to_dict("records"):
        if row["risk"] not in RISKS:
            raise ValueError(f"risk must be one of {list(RISKS)}, got {row['risk']!r}")
        kind, threshold = RISKS[row["risk"]]
        key = (row["leverage"], row["sigma"], row["risk"])
        if key not in curves:
            if row["leverage"] in HOLDING_RISK_LEVERAGES:  # the table holding_risk reads, read here directly
                curves[key] = tables[(kind, threshold)][float(row["sigma"])][row["leverage"]][kind].to_numpy()
            else:
                curves[key] = holding_risk(row["leverage"], row["sigma"], risk=kind, threshold=threshold)[
                    "probability"].to_numpy()
        probability = curves[key]
        breaches = np.flatnonzero(probability > _probability(row["limit"], "limit"))
        horizon = int(breaches[0]) if breaches.size else _MAX_DAYS  # admissible_days on the whole curve
        columns["n_days"].append(n_days)
        columns["probability"].append(probability[shown])
        columns["horizon"].append(np.full(shown.size, horizon, dtype=np.int64))
        for name in settings.columns:
            columns[name].append([row[name]] * shown.size)
    return pd.DataFrame({
        name: np.concatenate(parts) if name in ("n_days", "probability", "horizon") else
        pd.Series([value for part in parts for value in part], dtype=settings[name].dtype)
        for name, parts in columns.items()
    })


def _draw_holding_risk(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    x = alt.X("n_days:Q", title="Holding period, trading days (log scale)",
              scale=alt.Scale(type="log", domain=[1, _MAX_DAYS], nice=False),
              axis=alt.Axis(values=[1, 2, 5, 10, 21, 63, 126, 252, 504], format="d"))
    y = alt.Y("probability:Q", title="Probability", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%"))
    tooltip = [alt.Tooltip("n_days:Q", title="Days"), alt.Tooltip("probability:Q", title="Probability", format=".1%")]
    line = base.mark_line(color="#0072B2").encode(x=x, y=y, tooltip=tooltip)
    dots = base.mark_point(color="#0072B2", size=30).encode(x=x, y=y, tooltip=tooltip)
    first = base.transform_filter("datum.n_days == 1")
    limit_line = first.mark_rule(color="#D55E00", strokeDash=[6, 3]).encode(y=alt.Y("limit:Q"))
    marker = first.transform_calculate(at="max(datum.horizon, 1)").mark_rule(color="black", strokeDash=[2, 2]).encode(
        x=alt.X("at:Q"))
    text = first.transform_calculate(
        at="max(datum.horizon, 1)",
        label=f"datum.horizon >= {_MAX_DAYS} ? 'admissible: {_MAX_DAYS}+ days' : "
              "'admissible: ' + datum.horizon + (datum.horizon == 1 ? ' day' : ' days')",
    ).mark_text(align="left", dx=5, y=12, fontSize=12).encode(x=alt.X("at:Q"), text="label:N")
    return alt.layer(line, dots, limit_line, marker, text).properties(width=480, height=280)


def holding_risk_explorer() -> Explorer:
    """Chance of a holding-period risk against the holding period, with the limit and admissible horizon."""
    return Explorer(
        compute=holding_risk_curve,
        params=[
            Param("leverage", [-3, -2, -1, 2, 3], default=3, label="Leverage", control="select",
                  live=(-3.0, 3.0, 0.5)),
            Param("sigma", np.round(np.arange(0.1, 0.601, 0.1), 2), default=0.3, label="Index volatility",
                  percent=True, live=(0.05, 0.8, 0.05)),
            Param("risk", list(RISKS), default="loses over 20%", label="Risk"),
            Param("limit", [0.05, 0.1, 0.25, 0.6], default=0.1, label="Risk limit", percent=True),
        ],
        draw=_draw_holding_risk,
        title="Holding-period risk and the admissible horizon",
        description=(
            "Line chart of the probability of the chosen risk, lagging L times the index at all, lagging it by "
            "more than 5 percentage points, or losing more than 20%, against the holding period from 1 to 504 "
            "trading days on a log scale, with the risk limit as a dashed horizontal line and the admissible "
            "horizon, the longest holding period "
            "that keeps the risk within the limit, as a dotted vertical line. Lagging at all becomes likely from "
            "the second day on; lagging by more than 5 points and losing more than 20% grow with the holding "
            "period, faster for higher leverage and volatility."
        ),
        decimals=3,
        compute_grid=holding_risk_grid,
    )


# ---------------------------------------------------------------------------------------------
# Real data: how often did a daily-reset fund lag L x its index?

def lag_evidence_table(index: str = "nasdaq", leverage: float = 3.0, horizons=(1, 5, 21, 63, 252)) -> pd.DataFrame:
    """Historical lag share (:func:`lettools.historical_lag_share`) beside the model's, for one index and leverage.

    The model column is the daily-reset simulation (:func:`lettools.holding_risk`) at the
    index's realised annual volatility over the whole sample; ``std_error`` is the binomial standard
    error of the historical share, ``sqrt(p (1 - p) / windows)``.
    """
    returns = load_index_returns(index).to_numpy()
    sigma = float(np.std(returns, ddof=1) * np.sqrt(252))
    curve = holding_risk(leverage, sigma, risk="lag", max_days=max(horizons))
    model = curve.set_index("n_days")["probability"]
    rows = [{"n_days": days, "windows": len(returns) // days,
             "history": historical_lag_share(returns, leverage, days), "model": float(model[days])}
            for days in horizons]
    table = pd.DataFrame(rows).set_index("n_days")
    # Binomial standard error of a share from independent windows: large where the windows are few.
    table["std_error"] = np.sqrt(table["history"] * (1 - table["history"]) / table["windows"])
    return table


# ---------------------------------------------------------------------------------------------
# Exercises

register(
    NumericExercise(
        id="regulation-admissible-horizon",
        expected=lambda: admissible_horizon(2, 0.25, max_probability=0.05, risk="loss", threshold=0.2),
        unit="number",
        decimals=0,
        steps=0.5,  # a whole number of days: the next day is the anticipated mistake
        quantity="in trading days",
        points=2,
        minutes=10,
        hint="Find the first holding period at which the chance of losing more than 20% exceeds 5%; "
             "the admissible horizon is the day before it.",
        mistakes=(
            (lambda: admissible_horizon(2, 0.25, max_probability=0.05, risk="loss", threshold=0.2) + 1,
             "That is the first day that breaks the limit: the admissible horizon is the last day that keeps it."),
        ),
    )
)

def _rule_ratio_minus_2x() -> float:
    return float(rule_var_table("nasdaq", (-2.0,)).loc[-2.0, "ratio"])


register(
    NumericExercise(
        id="regulation-rule-var-ratio",
        expected=_rule_ratio_minus_2x,
        unit="number",
        decimals=2,
        quantity="as a ratio of the two VaRs (a plain number, 2 for 200%)",
        points=2,
        minutes=15,
        hint="Compute lettools.holding.portfolio_var for exposure -2 and for exposure 1 with the rule's parameters "
             "(99%, 20 days, the last 756 daily returns), and divide.",
        mistakes=(
            (lambda: 2.0,
             "Two is |L|. For an inverse fund the rule's VaR comes from the upper tail of the index's 20-day "
             "returns, the index's from the lower tail: compute both."),
            (lambda: float(var_ratio(-2.0, 0.2, 20)),
             "That is the holder's measure under a model, not the rule's VaR of the current portfolio on the data."),
        ),
    )
)


def _var_ratio_99(leverage: float, sigma: float, n_days: float) -> float:
    # The continuously rebalanced approximation (lettools.fund_value_at_risk), as the exercise asks.
    return float(var_ratio(leverage, sigma, n_days, confidence=0.99, rebalancing="continuous"))


register(
    FunctionExercise(
        id="regulation-var-ratio-function",
        reference=_var_ratio_99,
        cases=(
            {"leverage": 3, "sigma": 0.2, "n_days": 20},
            {"leverage": 2, "sigma": 0.4, "n_days": 1},
            {"leverage": -2, "sigma": 0.3, "n_days": 63},
            {"leverage": 0.5, "sigma": 0.15, "n_days": 5},
        ),
        rel_tol=1e-6,
        hint="Divide lettools.fund_value_at_risk for the fund by the same call for the index itself "
             "(a leverage of one), both at the confidence level the exercise asks for.",
    )
)


def _example_4_2_deeper_fall(index_return: float = -0.20) -> float:
    pnl = fund_year_pnl(500.0, 2.0, index_return, rate=0.05, transaction_cost_rate=0.003, expense_ratio=0.01)
    return float(pnl["return_on_assets"])


register(
    NumericExercise(
        id="regulation-news-loss",
        expected=_example_4_2_deeper_fall,
        unit="decimal",
        decimals=3,
        points=2,
        minutes=10,
        written="What the $84 billion figure covers.",
        written_points=1,
        hint="Add the index loss on the $1bn exposure to the interest, trading costs and fee, "
             "then divide by the starting assets.",
        mistakes=(
            (lambda: _example_4_2_deeper_fall(-0.10),
             "That is the 10% fall of the costs chapter's Example 4.2: redo it with the index down 20%."),
            (lambda: -0.40, "That is two times the index's loss, before any cost."),
        ),
    )
)

register(
    NumericExercise(
        id="regulation-nasdaq-lag",
        expected=lambda: historical_lag_share(load_index_returns("nasdaq").to_numpy(), 2.0, 21),
        unit="decimal",
        decimals=3,
        points=3,
        minutes=20,
        hint="Cut the returns into consecutive 21-day blocks, drop the incomplete last block, and "
             "compare the fund's compounded value with 1 + 2 R in each.",
    )
)
