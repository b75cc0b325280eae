"""Tables, charts, explorers and exercises of the chapter "Regulation" (chapters/regulation.ipynb).

Every regulatory fact here comes from the book's sourced-facts file and is cited
in the chapter's prose; the tables only arrange them. Risk models assume an index
following geometric Brownian motion with zero drift and a fund without costs, so
that what the numbers show is the daily reset itself. Probabilities and returns
are decimals; holding periods are in trading days (252 a year).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from lettools._validation import as_array, as_positive_int, as_returns, as_scalar
from lettools.charts import accessible
from lettools.costs import fund_year_pnl
from lettools.data import index_returns as load_index_returns
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.holding import (
    admissible_horizon,
    fund_value_at_risk,
    prob_fund_loss,
    prob_lag_static,
    simulate_holding_risk,
)
from lettools.theory import wipeout_move
from lettools.twin import Explorer, Param

__all__ = [
    "REGIMES",
    "EVENTS",
    "LEVERAGE_CUTS",
    "regime_table",
    "timeline_chart",
    "leverage_cut_table",
    "var_ratio",
    "max_leverage_within_var_limit",
    "var_ratio_table",
    "var_ratio_chart",
    "RISKS",
    "holding_risk",
    "admissible_days",
    "holding_risk_curve",
    "holding_risk_explorer",
    "historical_lag_share",
    "lag_evidence_table",
]


# ---------------------------------------------------------------------------------------------
# Regimes compared

#: One row per jurisdiction: who regulates, since when, what limits leverage, what protects investors.
#: "Basis" says whether the row rests on the primary text or on reports of it.
REGIMES: tuple[Mapping[str, str], ...] = (
    {
        "Jurisdiction": "United States",
        "Rule or body": "SEC Rule 18f-4; Rule 6c-11 amended; FINRA Notice 09-31",
        "Since": "Adopted 28 Oct 2020; compliance from 19 Aug 2022",
        "Leverage limit": "Fund VaR at most 200% of a reference portfolio's VaR, or 20% of net assets; "
                          "funds above 200% offered by 28 Oct 2020 grandfathered; new funds about 2x (reported)",
        "Investor safeguards": "Broker suitability (FINRA 2009); sales-practice rules 15l-2 and 211(h)-1 "
                               "proposed, not adopted (reported)",
        "Basis": "primary; reported where marked",
    },
    {
        "Jurisdiction": "South Korea",
        "Rule or body": "Financial Services Commission",
        "Since": "7 Sep 2020 (new buyers); 4 Jan 2021 (existing); 15 Dec 2025 (overseas products)",
        "Leverage limit": "not covered here",
        "Investor safeguards": "Deposit of KRW 10-30 million in three tiers and a one-hour online course; "
                               "a one-hour course for overseas leveraged products",
        "Basis": "reported",
    },
    {
        "Jurisdiction": "Hong Kong",
        "Rule or body": "Securities and Futures Commission",
        "Since": "Feb 2016; single-stock products by a Jan 2025 circular, first listed 24 Mar 2025",
        "Leverage limit": "Initially up to 2x and -1x on non-Hong Kong equity indices, later widened; "
                          "single-stock products up to +-2x",
        "Investor safeguards": "not covered here",
        "Basis": "reported; first listing from HKEX",
    },
    {
        "Jurisdiction": "European Union",
        "Rule or body": "UCITS: CESR/10-788; ESMA/2012/474",
        "Since": "2010 (exposure); 2012 (disclosure)",
        "Leverage limit": "Commitment approach: global exposure at most 100% of NAV (so at most 2x); "
                          "VaR approach: at most twice the reference portfolio's VaR, or 20% of NAV",
        "Investor safeguards": "Disclose how the frequency of the leverage reset affects medium- "
                               "to long-term returns",
        "Basis": "reported",
    },
    {
        "Jurisdiction": "United Kingdom",
        "Rule or body": "Financial Conduct Authority",
        "Since": "12 Jan 2026",
        "Leverage limit": "not covered here",
        "Investor safeguards": "Multi-firm review of complex exchange-traded products",
        "Basis": "primary",
    },
    {
        "Jurisdiction": "India",
        "Rule or body": "-",
        "Since": "as of Mar 2026",
        "Leverage limit": "No domestic leveraged ETFs",
        "Investor safeguards": "-",
        "Basis": "reported",
    },
)


def regime_table() -> pd.DataFrame:
    """The regimes compared, one row per jurisdiction (built from :data:`REGIMES`)."""
    return pd.DataFrame(list(REGIMES)).set_index("Jurisdiction")


# ---------------------------------------------------------------------------------------------
# Timeline of rules and incidents

_RULE, _INCIDENT = "Rule or regulatory action", "Market event or issuer action"

#: (date used to place the event, date as the sources give it, kind, short label, detail).
EVENTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("2009-06-15", "June 2009", _RULE, "FINRA Regulatory Notice 09-31",
     "Daily-reset funds typically unsuitable for retail investors holding longer than one session"),
    ("2009-08-18", "18 Aug 2009", _RULE, "SEC and FINRA investor alert",
     "A 3x financials fund fell 53% while its index gained about 8% (reported)"),
    ("2012-02-21", "21 Feb 2012", _INCIDENT, "TVIX: new issuance suspended",
     "The note traded up to about 89% above its indicative value (reported)"),
    ("2012-03-22", "22 Mar 2012", _INCIDENT, "TVIX: issuance resumes",
     "The note fell about 50% in two days (reported)"),
    ("2016-02-15", "Feb 2016", _RULE, "Hong Kong leveraged and inverse products regime",
     "Initially up to 2x and -1x on non-Hong Kong equity indices (reported)"),
    ("2018-02-05", "5 Feb 2018", _INCIDENT, "VIX +115.6%: XIV accelerated, SVXY NAV -96.1%",
     "Credit Suisse declared an acceleration event and redeemed XIV (reported)"),
    ("2018-02-27", "27 Feb 2018", _INCIDENT, "ProShares cuts SVXY to -0.5x, UVXY to 1.5x",
     "Effective after the close (reported)"),
    ("2020-03-31", "31 Mar 2020", _INCIDENT, "Direxion moves ten funds from 3x to 2x",
     "BRZU, RUSL, NUGT, DUST, JNUG, JDST, ERX, ERY, GUSH, DRIP; eight others closed (reported)"),
    ("2020-04-02", "Apr 2020", _INCIDENT, "Oil products close: UWT/DWT, then OILD",
     "UWT and DWT closed on 2 April; WTI futures settled below zero on 20 April (reported)"),
    ("2020-09-07", "7 Sep 2020", _RULE, "Korea: deposit and course for new buyers",
     "KRW 10-30 million deposit in three tiers and a one-hour online course (reported)"),
    ("2020-10-28", "28 Oct 2020", _RULE, "SEC adopts Rule 18f-4",
     "VaR within 200% of a reference portfolio's VaR or 20% of net assets; effective 19 Feb 2021"),
    ("2021-01-04", "4 Jan 2021", _RULE, "Korea: rules extend to existing investors",
     "The deposit and course now apply to investors who already held such products (reported)"),
    ("2022-07-11", "July 2022", _INCIDENT, "Single-stock leveraged ETFs trade in the US",
     "SEC Commissioner Crenshaw's statement on single-stock ETFs, 11 July 2022"),
    ("2022-08-19", "19 Aug 2022", _RULE, "Rule 18f-4: compliance date", "Funds must comply from this date"),
    ("2025-03-24", "24 Mar 2025", _INCIDENT, "Hong Kong: first single-stock L&I products list",
     "Allowed up to +-2x by a January 2025 SFC circular"),
    ("2025-12-15", "15 Dec 2025", _RULE, "Korea: course for overseas leveraged products",
     "A one-hour course before buying overseas leveraged products (reported)"),
    ("2025-12-20", "Dec 2025", _RULE, "SEC staff letters on 3x-5x filings",
     "Reviews halted until the funds fit the 200% VaR limit or were withdrawn (reported)"),
    ("2026-01-12", "12 Jan 2026", _RULE, "UK FCA review of complex ETPs",
     "Multi-firm review of complex exchange-traded products"),
)


def _events_frame() -> pd.DataFrame:
    frame = pd.DataFrame(list(EVENTS), columns=["date", "when", "kind", "event", "detail"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


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
            f"Timeline of {len(frame)} events from June 2009 to January 2026, one row per event in date order, "
            "with regulatory actions as blue squares and market events or issuer actions as orange "
            "triangles. US guidance comes first in 2009; incidents cluster in 2012, 2018 and 2020; rules in "
            "Korea and the US follow in 2020 to 2022, and new rules in Hong Kong, Korea, the US and the UK "
            "in 2025 and 2026."
        ),
    )


# ---------------------------------------------------------------------------------------------
# What issuers did: leverage cuts and the wipeout move

#: Leverage cuts: (product, effective date, leverage before, leverage after).
LEVERAGE_CUTS: tuple[tuple[str, str, float, float], ...] = (
    ("SVXY (inverse volatility)", "27 Feb 2018", -1.0, -0.5),
    ("UVXY (leveraged volatility)", "27 Feb 2018", 2.0, 1.5),
    ("Ten Direxion funds", "31 Mar 2020", 3.0, 2.0),
)


def leverage_cut_table() -> pd.DataFrame:
    """Each leverage cut with the one-day index move that would wipe the fund out, before and after.

    The wipeout move is ``-1 / L`` (:func:`lettools.wipeout_move`), a decimal.
    """
    rows = [
        {"product": product, "effective": date, "leverage_before": before, "leverage_after": after,
         "wipeout_before": wipeout_move(before), "wipeout_after": wipeout_move(after)}
        for product, date, before, after in LEVERAGE_CUTS
    ]
    return pd.DataFrame(rows).set_index("product")


# ---------------------------------------------------------------------------------------------
# Rule 18f-4: the fund's VaR relative to its index

def var_ratio(leverage, sigma, n_days, *, confidence: float = 0.99):
    """The fund's value at risk divided by its unlevered index's, under GBM with no drift and no costs.

    Parameters
    ----------
    leverage : float or array_like
        Daily leverage target ``L``.
    sigma : float or array_like
        Index volatility, annual decimal, > 0.
    n_days : float or array_like
        VaR horizon in trading days, > 0.
    confidence : float
        VaR confidence level, in (0, 1).

    Returns
    -------
    float or numpy.ndarray
        The ratio (2.0 is 200%). For a short horizon it is close to ``|L|``.
    """
    # With no volatility the index has no value at risk and the ratio is undefined.
    sigma = as_array(sigma, "sigma", minimum=0.0, minimum_inclusive=False)
    fund = fund_value_at_risk(leverage, sigma, n_days, confidence=confidence)
    index = fund_value_at_risk(1.0, sigma, n_days, confidence=confidence)
    return fund / index


def max_leverage_within_var_limit(sigma: float, n_days: float, *, confidence: float = 0.99,
                                  limit: float = 2.0) -> float:
    """The largest long leverage whose VaR is at most ``limit`` times the index's (see :func:`var_ratio`).

    Parameters
    ----------
    sigma : float
        Index volatility, annual decimal, > 0.
    n_days : float
        VaR horizon, trading days, > 0.
    confidence : float
        VaR confidence level, in (0, 1).
    limit : float
        Allowed ratio of the fund's VaR to the index's, > 1 (Rule 18f-4's relative test: 2.0).

    Returns
    -------
    float
        The leverage ``L >= 1`` at which the ratio equals ``limit``.
    """
    from scipy.optimize import brentq  # lazily, as in lettools.holding

    sigma = as_scalar(sigma, "sigma", minimum=0.0, minimum_inclusive=False)
    n_days = as_scalar(n_days, "n_days", minimum=0.0, minimum_inclusive=False)
    limit = as_scalar(limit, "limit", minimum=1.0, minimum_inclusive=False)
    excess = lambda leverage: var_ratio(leverage, sigma, n_days, confidence=confidence) - limit  # noqa: E731
    high = 2.0 * limit
    while excess(high) < 0.0:  # the ratio grows with leverage but can be below limit at 2 x limit
        high *= 2.0
        if high > 1e4:
            raise ValueError(f"no leverage up to 10,000 reaches a VaR ratio of {limit}")
    return float(brentq(excess, 1.0, high, xtol=1e-10))


def var_ratio_table(leverages=(2.0, 3.0, -1.0, -2.0, -3.0), horizons=(1, 20, 63), *,
                    sigma: float = 0.2, confidence: float = 0.99) -> pd.DataFrame:
    """:func:`var_ratio` for each leverage (rows) and horizon in trading days (columns)."""
    leverages = np.asarray(leverages, dtype=np.float64)
    table = {
        f"{days} day{'s' if days != 1 else ''}": var_ratio(leverages, sigma, days, confidence=confidence)
        for days in horizons
    }
    return pd.DataFrame(table, index=pd.Index(leverages, name="leverage"))


def var_ratio_chart(*, sigmas=(0.1, 0.2, 0.4), n_days: int = 20, confidence: float = 0.99,
                    limit: float = 2.0) -> alt.LayerChart:
    """The VaR ratio against leverage (0.5 to 4) for a few volatilities, with the rule's limit."""
    leverage = np.round(np.arange(0.5, 4.0001, 0.05), 2)
    frame = pd.concat(
        [pd.DataFrame({"leverage": leverage, "ratio": var_ratio(leverage, sigma, n_days, confidence=confidence),
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
    rule_frame = pd.DataFrame({"ratio": [limit], "label": [f"Limit: {limit:.0%} of the index's VaR"]})
    rule = alt.Chart(rule_frame).mark_rule(color="black", strokeDash=[2, 2]).encode(y="ratio:Q")
    label = alt.Chart(rule_frame).mark_text(align="left", dx=4, dy=-8).encode(
        x=alt.value(4), y="ratio:Q", text="label:N")
    return accessible(
        alt.layer(lines, rule, label).properties(width=460, height=280),
        title=f"Rule 18f-4's relative test: {confidence:.0%} VaR over {n_days} days",
        description=(
            "Line chart of a daily-reset fund's value at risk divided by its index's, against leverage from "
            "0.5 to 4, for index volatilities of 10%, 20% and 40%, with a dashed line at the 200% limit. "
            "The ratio rises almost in proportion to leverage, crossing 200% a little above 2x and "
            "standing near 3 at 3x."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Holding-period risk: the daily-reset short end simulated, closed forms beyond

#: Risks offered by the explorer: label -> (kind for lettools.holding, loss threshold).
RISKS: Mapping[str, tuple[str, float]] = {
    "lags L x index": ("lag", 0.0),
    "loses over 20%": ("loss", 0.2),
}

_SWITCH_DAY = 21          # simulate daily resets up to one month, closed forms beyond
_MAX_DAYS = 504           # two years of trading days
_PATHS = 20_000           # standard error of a simulated probability at most 0.35 percentage points
_SEED = 2009


@functools.lru_cache(maxsize=64)
def _simulated_short_end(leverage: float, sigma: float, threshold: float) -> pd.DataFrame:
    return simulate_holding_risk(leverage, sigma, _SWITCH_DAY, threshold=threshold, n_paths=_PATHS, seed=_SEED)


def holding_risk(leverage: float, sigma: float, *, risk: str = "lag", threshold: float = 0.0,
                 max_days: int = _MAX_DAYS) -> pd.DataFrame:
    """Daily probability of a holding-period risk, for holding periods of 1 to ``max_days`` days.

    Up to 21 days a fund that resets once a day is simulated (:func:`lettools.simulate_holding_risk`,
    20,000 seeded paths): there the continuous-time closed forms are wrong, most of all on day 1,
    when the fund returns exactly ``L`` times the index. Beyond, :func:`lettools.prob_lag_static`
    or :func:`lettools.prob_fund_loss` are exact for the continuous-time model.

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L``.
    sigma : float
        Index volatility, annual decimal, >= 0.
    risk : {"lag", "loss"}
        The chance of ending below ``1 + L (S_t / S_0 - 1)``, or of losing more than ``threshold``.
    threshold : float
        Loss threshold for ``risk="loss"``, decimal in [0, 1).
    max_days : int
        Longest holding period, trading days (at least 22).

    Returns
    -------
    pandas.DataFrame
        Columns ``n_days``, ``probability`` and ``simulated`` (True for the short end).
    """
    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0)
    if risk not in ("lag", "loss"):
        raise ValueError(f"risk must be 'lag' or 'loss', got {risk!r}")
    max_days = as_positive_int(max_days, "max_days")
    if max_days <= _SWITCH_DAY:
        raise ValueError(f"max_days must be more than {_SWITCH_DAY}, got {max_days}")
    short = _simulated_short_end(leverage, sigma, float(threshold))[risk].to_numpy()
    days = np.arange(_SWITCH_DAY + 1, max_days + 1, dtype=np.float64)
    if risk == "lag":
        long = prob_lag_static(leverage, sigma, days)
    else:
        long = prob_fund_loss(leverage, sigma, days, threshold=threshold)
    return pd.DataFrame({
        "n_days": np.arange(1, max_days + 1),
        "probability": np.concatenate([short, long]),
        "simulated": np.arange(1, max_days + 1) <= _SWITCH_DAY,
    })


def admissible_days(curve: pd.DataFrame, limit: float) -> int:
    """Longest holding period ``h`` with the risk at most ``limit`` on every day 1..h (0 if day 1 breaks it).

    ``curve`` is a :func:`holding_risk` table; a curve that never breaks the limit gives its last day.
    """
    limit = as_scalar(limit, "limit", minimum=0.0, maximum=1.0)
    breaches = np.flatnonzero(curve["probability"].to_numpy() > limit)
    return int(breaches[0]) if breaches.size else int(curve["n_days"].iloc[-1])


# Days drawn in the chart: every day of the first month, then steps of about a month to two years.
_CHART_DAYS = np.concatenate([
    np.arange(1, _SWITCH_DAY + 1),
    [22, 26, 31, 36, 42, 52, 63, 84, 105, 126, 168, 210, 252, 315, 378, 441, 504],
])


def holding_risk_curve(leverage: float, sigma: float, risk: str, limit: float) -> pd.DataFrame:
    """The explorer's data: the risk's probability on the chart's days and the admissible horizon.

    ``risk`` is a key of :data:`RISKS`. Returns columns ``n_days``, ``probability``,
    ``simulated`` and ``horizon`` (the admissible horizon, the same on every row).
    """
    if risk not in RISKS:
        raise ValueError(f"risk must be one of {list(RISKS)}, got {risk!r}")
    kind, threshold = RISKS[risk]
    curve = holding_risk(leverage, sigma, risk=kind, threshold=threshold)
    horizon = admissible_days(curve, limit)
    shown = curve[curve["n_days"].isin(_CHART_DAYS)].reset_index(drop=True)
    return shown.assign(horizon=horizon)


def _draw_holding_risk(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    x = alt.X("n_days:Q", title="Holding period, trading days (log scale)",
              scale=alt.Scale(type="log", domain=[1, _MAX_DAYS], nice=False),
              axis=alt.Axis(values=[1, 2, 5, 10, 21, 63, 126, 252, 504], format="d"))
    y = alt.Y("probability:Q", title="Probability", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%"))
    tooltip = [alt.Tooltip("n_days:Q", title="Days"), alt.Tooltip("probability:Q", title="Probability", format=".1%"),
               alt.Tooltip("simulated:N", title="Simulated daily resets")]
    line = base.mark_line(color="#0072B2").encode(x=x, y=y, tooltip=tooltip)
    # Filter on the day, not on the boolean column: CSV booleans arrive as text in the browser.
    dots = base.transform_filter(f"datum.n_days <= {_SWITCH_DAY}").mark_point(color="#0072B2", size=30).encode(
        x=x, y=y, tooltip=tooltip)
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
            "Line chart of the probability of the chosen risk, lagging L times the index or losing more "
            "than 20%, against the holding period from 1 to 504 trading days on a log scale, with the "
            "risk limit as a dashed horizontal line and the admissible horizon, the longest holding period "
            "that keeps the risk within the limit, as a dotted vertical line. Lagging becomes likely from "
            "the second day on; the chance of a large loss grows with the holding period, faster for "
            "higher leverage and volatility."
        ),
        decimals=4,
    )


# ---------------------------------------------------------------------------------------------
# Real data: how often did a daily-reset fund lag L x its index?

def historical_lag_share(index_returns, leverage: float, n_days: int) -> float:
    """Share of non-overlapping ``n_days`` windows in which a daily-reset fund ended below ``1 + L R``.

    ``R`` is the index's return over the window. No costs: the gap is the daily reset alone.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns of the index (1-D).
    leverage : float
        Daily leverage target ``L``.
    n_days : int
        Window length, trading days; the incomplete last window is dropped.
    """
    returns = as_returns(index_returns, ndim=(1,))
    leverage = as_scalar(leverage, "leverage")
    n_days = as_positive_int(n_days, "n_days")
    windows = returns.size // n_days
    if windows == 0:
        raise ValueError(f"n_days ({n_days}) is longer than the {returns.size} returns given")
    blocks = returns[: windows * n_days].reshape(windows, n_days)
    fund = np.prod(np.maximum(1.0 + leverage * blocks, 0.0), axis=1)
    static = 1.0 + leverage * (np.prod(1.0 + blocks, axis=1) - 1.0)
    # A one-day window is an exact tie (the fund returns L R); rounding must not count it as a lag.
    return float(np.mean(fund < static - 1e-12))


def lag_evidence_table(index: str = "nasdaq", leverage: float = 3.0, horizons=(1, 5, 21, 63, 252)) -> pd.DataFrame:
    """Historical lag share (:func:`historical_lag_share`) beside the model's, for one index and leverage.

    The model column is the simulated short end or the closed form (:func:`holding_risk`) at the
    index's realised annual volatility over the whole sample.
    """
    returns = load_index_returns(index).to_numpy()
    sigma = float(np.std(returns, ddof=1) * np.sqrt(252))
    curve = holding_risk(leverage, sigma, risk="lag", max_days=max(max(horizons), _SWITCH_DAY + 1))
    model = curve.set_index("n_days")["probability"]
    rows = [{"n_days": days, "windows": len(returns) // days,
             "history": historical_lag_share(returns, leverage, days), "model": float(model[days])}
            for days in horizons]
    return pd.DataFrame(rows).set_index("n_days")


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

register(
    NumericExercise(
        id="regulation-var-leverage",
        expected=lambda: max_leverage_within_var_limit(0.2, 20, confidence=0.99),
        unit="number",
        decimals=2,
        quantity="as a leverage L (a plain number, 2 for 2x)",
        points=2,
        minutes=15,
        hint="Search for the leverage at which the fund's VaR is exactly twice the index's VaR.",
        mistakes=(
            (lambda: 2.0,
             "Two is the rule of thumb. Under the model the VaR ratio at 2x is a little below 200%: "
             "find where it reaches 200% exactly."),
        ),
    )
)


def _var_ratio_99(leverage: float, sigma: float, n_days: float) -> float:
    return float(var_ratio(leverage, sigma, n_days, confidence=0.99))


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


def _example_4_2_return() -> float:
    pnl = fund_year_pnl(500.0, 2.0, -0.10, borrow_rate=0.05, transaction_cost_rate=0.003, management_fee=0.01)
    return float(pnl["return_on_assets"])


register(
    NumericExercise(
        id="regulation-news-loss",
        expected=_example_4_2_return,
        unit="decimal",
        decimals=3,
        points=2,
        minutes=10,
        written="What the $84 billion figure covers.",
        written_points=1,
        hint="Add the index loss on the $1bn exposure to the interest, trading costs and fee, "
             "then divide by the starting assets.",
        mistakes=(
            (lambda: -0.25, "That is the article's figure. Redo the division: the loss over the $500M of assets."),
            (lambda: -0.20, "That is two times the index's loss, before any cost."),
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
