"""Explorers, charts, tables and exercises of the chapter "Reflexivity" (chapters/reflexivity.ipynb).

Money is in billions of dollars ($bn) throughout the page, returns are simple
decimals (0.01 is +1%), and a positive flow is a purchase of index exposure.
Market depth is quoted the way a reader thinks of it, as the net order flow that
moves the index by 1% (``depth_per_pct``); the engine's ``depth`` (the flow that
would move it by 100%) is a hundred times that. Calibrated depths come from a
published price-impact multiplier and a market's value (:func:`calibration_table`);
every other depth is an illustrative input and is labelled as such. Sourced
figures are read from ``lettools/facts/reflexivity.json``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from lettools.charts import PALETTE, accessible
from lettools.decomposition import offsetting_flow_share
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.facts import load as load_facts
from lettools.facts import value as fact
from lettools.feedback import (
    aggregate_rebalance_flow,
    amplification,
    backcast_assets,
    depth_from_multiplier,
    feedback_gain,
    fixed_point_move,
    flow_share_of_volume,
    instability_assets,
    rebalance_sign_table,
    reflexive_market_summary,
    restate_calibration,
    simulate_feedback,
    simulate_reflexive_market,
    sqrt_impact_fixed_point,
)
from lettools.twin import Explorer, Param

__all__ = [
    "calibrated_depth_per_pct",
    "calibration_table",
    "present_day_calibration",
    "single_stock_sale",
    "single_stock_sqrt_check",
    "replay_scenarios",
    "replay_table",
    "depth_scaling_table",
    "replay_chart",
    "growth_amplification_table",
    "korea_taiwan_calibration",
    "korea_concentration",
    "desk_flow_per_pct",
    "explorer_steps",
    "LONG_LEVERAGE",
    "INVERSE_LEVERAGE",
    "FEEDBACK_ROUNDS",
    "ILLUSTRATIVE_DEPTHS",
    "KOREA_TAIWAN_ASSETS",
    "sign_chart",
    "flow_table",
    "feedback_rounds",
    "feedback_explorer",
    "underlying_gain_table",
    "underlying_gain_chart",
    "replay_leverage_check",
    "REPLAY_2X_LEVERAGES",
    "late_2025_restatement",
    "replay_2008_mix",
    "gains_2008",
    "REPLAY_2008_LEVERAGES",
    "REPLAY_2008_SHARES",
    "inverse_heavy_2008_shares",
    "mixes_2008",
    "flow_per_dollar_2012",
    "closing_auction_shares",
    "us_sqrt_check",
    "flow_offset_table",
]

#: Leverage of the long and the inverse funds in the feedback explorer (the engine's defaults).
LONG_LEVERAGE, INVERSE_LEVERAGE = 3.0, -3.0
#: Rounds of rebalancing drawn after the shock in the feedback explorer.
FEEDBACK_ROUNDS = 10

#: Illustrative depths ($bn of net flow per 1% move) of three kinds of underlying: model inputs, not data.
ILLUSTRATIVE_DEPTHS: Mapping[str, float] = {
    "Broad index": 50.0,
    "Concentrated index": 10.0,
    "Single stock": 1.0,
}


def _positive(value: float, name: str) -> float:
    """``value`` as a float if it is a finite number > 0; otherwise an error naming ``name`` (a page-level guard)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0.0:
        raise ValueError(f"{name} must be > 0 and finite, got {value}")
    return float(value)


def _depth_from_per_pct(depth_per_pct: float) -> float:
    """The engine's depth (flow per 100% move) from the page's depth per 1% move."""
    return 100.0 * _positive(depth_per_pct, "depth_per_pct")


# ---------------------------------------------------------------------------------------------
# Which way the funds trade


def _leverage_label(leverage: float) -> str:
    return f"{leverage:+g}x"


def sign_chart(leverages=(2.0, 3.0, -1.0, -2.0, -3.0), *, move: float = 0.01) -> alt.Chart:
    """Bars of each fund's closing trade per $1bn of assets after a ``+move`` and a ``-move`` day.

    Built from :func:`lettools.rebalance_sign_table`, so the chart and the table
    in the text cannot disagree.
    """
    table = rebalance_sign_table(leverages, move=move)
    order = [_leverage_label(level) for level in table.index]
    up, down = f"Index {move:+.0%}", f"Index {-move:+.0%}"
    data = pd.DataFrame(
        {
            "fund": order * 2,
            "day": [up] * len(order) + [down] * len(order),
            # Per $1bn of assets, in $ millions: easier to read than billions.
            "trade": np.concatenate([table["flow_up"], table["flow_down"]]) * 1000.0,
        }
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("fund:N", title="Fund's leverage", sort=order, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("day:N", sort=[up, down]),
            y=alt.Y("trade:Q", title="Closing trade per $1bn of assets ($m)"),
            color=alt.Color("day:N", title=None, sort=[up, down]),
            tooltip=[
                alt.Tooltip("fund:N", title="Fund"),
                alt.Tooltip("day:N", title="Day"),
                alt.Tooltip("trade:Q", title="Trade ($m per $1bn)", format="+.0f"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="black").encode(y="y:Q")
    return accessible(
        alt.layer(bars, zero).properties(width=460, height=260),
        title="Every fund trades with the day's move",
        description=(
            f"Grouped bar chart of the closing trade per $1bn of fund assets after an index move of "
            f"{move:+.0%} and of {-move:+.0%}, for funds of leverage {', '.join(order)}. On the up day every "
            "bar is a purchase and on the down day every bar is a sale, long and inverse funds alike. An "
            "inverse fund trades as much as a long fund with one more unit of leverage: -1x like +2x, -2x "
            "like +3x."
        ),
    )


# ---------------------------------------------------------------------------------------------
# The end-of-day flow


def flow_table(funds: Mapping[str, tuple[float, float]], index_return: float, closing_volume: float) -> pd.DataFrame:
    """Each fund's closing trade after a day's move, their sum, and each as a share of closing volume.

    Parameters
    ----------
    funds : mapping of str to (assets, leverage)
        Fund name -> (assets at the previous close in $bn, leverage).
    index_return : float
        The day's index return, simple decimal.
    closing_volume : float
        Money traded at the close in the underlying, $bn, > 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by fund, plus a ``"All funds"`` row: ``assets`` ($bn),
        ``leverage``, ``flow`` ($bn, positive = buying,
        :func:`lettools.aggregate_rebalance_flow`) and ``share_of_close``
        (:func:`lettools.flow_share_of_volume`).
    """
    if not funds:
        raise ValueError("funds must name at least one fund")
    names = list(funds)
    assets = np.array([funds[name][0] for name in names], dtype=float)
    leverages = np.array([funds[name][1] for name in names], dtype=float)
    flows = [aggregate_rebalance_flow(a, lev, index_return) for a, lev in zip(assets, leverages, strict=False)]
    total = aggregate_rebalance_flow(assets, leverages, index_return)
    table = pd.DataFrame(
        {
            "assets": [*assets, assets.sum()],
            "leverage": [*leverages, np.nan],
            "flow": [*flows, total],
        },
        index=pd.Index([*names, "All funds"], name="fund"),
    )
    table["share_of_close"] = flow_share_of_volume(table["flow"].to_numpy(), closing_volume)
    return table


# ---------------------------------------------------------------------------------------------
# The feedback loop, round by round: the explorer


def feedback_rounds(long_assets: float, inverse_assets: float, depth_per_pct: float, shock: float) -> pd.DataFrame:
    """The loop after an exogenous ``shock``: cumulative index move after each round of rebalancing.

    Parameters
    ----------
    long_assets, inverse_assets : float
        Assets of the 3x long and of the -3x inverse funds on the index, $bn, >= 0.
    depth_per_pct : float
        Net order flow that moves the index by 1%, $bn, > 0.
    shock : float
        The move that starts the loop, simple decimal in (-1, 1).

    Returns
    -------
    pandas.DataFrame
        One row per round ``0 .. FEEDBACK_ROUNDS`` (fewer if the index would reach
        -100% or +100% first, see :func:`lettools.simulate_feedback`): ``round``,
        ``move`` (cumulative, decimal), ``flow`` (this round's trade, $bn) and
        ``gain`` (the loop's feedback gain, the same on every row).
    """
    rounds = simulate_feedback(
        shock,
        long_assets=long_assets,
        inverse_assets=inverse_assets,
        long_leverage=LONG_LEVERAGE,
        inverse_leverage=INVERSE_LEVERAGE,
        depth=_depth_from_per_pct(depth_per_pct),
        n_rounds=FEEDBACK_ROUNDS,
    )
    return rounds[["round", "move", "flow"]].assign(gain=rounds.attrs["gain"])


def feedback_grid(settings: pd.DataFrame) -> pd.DataFrame:
    """The explorer's whole grid (its ``compute_grid``): :func:`feedback_rounds` at every setting, one frame.

    Each setting runs the engine's :func:`lettools.simulate_feedback` as :func:`feedback_rounds` does;
    only the assembly differs (arrays joined once instead of a frame per setting), so the result equals
    the point-by-point grid (the tests check).
    """
    names = list(settings.columns)
    parts: dict[str, list] = {name: [] for name in ("round", "move", "flow", "gain", *names)}
    for row in settings.to_dict("records"):
        rounds = simulate_feedback(
            row["shock"],
            long_assets=row["long_assets"],
            inverse_assets=row["inverse_assets"],
            long_leverage=LONG_LEVERAGE,
            inverse_leverage=INVERSE_LEVERAGE,
            depth=_depth_from_per_pct(row["depth_per_pct"]),
            n_rounds=FEEDBACK_ROUNDS,
        )
        count = len(rounds)
        for column in ("round", "move", "flow"):
            parts[column].append(rounds[column].to_numpy())
        parts["gain"].append(np.full(count, rounds.attrs["gain"]))
        for name in names:
            parts[name].append(np.full(count, row[name], dtype=settings[name].dtype))
    return pd.DataFrame({name: np.concatenate(arrays) for name, arrays in parts.items()})


#: Largest move drawn on the left panel and largest gain and amplification on the right one; beyond them
#: marks are clipped (a runaway loop would otherwise flatten every stable setting).
_MOVE_LIMIT, _GAIN_LIMIT, _AMPLIFICATION_LIMIT = 0.15, 2.5, 8.0
_PANEL_WIDTH = 400


def _amplification_curve() -> pd.DataFrame:
    gains = np.linspace(0.0, 1.0 - 1.0 / _AMPLIFICATION_LIMIT, 60)
    return pd.DataFrame({"gain": gains, "amplification": amplification(gains)})


@functools.lru_cache(maxsize=1)
def _curve_layers() -> tuple[alt.Chart, alt.Chart, alt.Chart]:
    """The setting-independent layers of the amplification panel, built once (a widget redraws often)."""
    gain_scale = alt.Scale(domain=[0, _GAIN_LIMIT])
    amp_scale = alt.Scale(domain=[1, _AMPLIFICATION_LIMIT])
    curve = (
        alt.Chart(_amplification_curve())
        .mark_line(color="#0072B2")
        .encode(
            x=alt.X("gain:Q", title="Feedback gain  κ = Σ A(L² − L) / D", scale=gain_scale),
            y=alt.Y("amplification:Q", title="Amplification 1 / (1 − κ)", scale=amp_scale),
        )
    )
    one = alt.Chart(pd.DataFrame({"gain": [1.0]}))
    boundary = one.mark_rule(color="black", strokeDash=[2, 3]).encode(x=alt.X("gain:Q", scale=gain_scale))
    boundary_label = one.mark_text(align="left", dx=5, y=12, fontSize=12).encode(
        x=alt.X("gain:Q", scale=gain_scale), text=alt.value("unstable from κ = 1")
    )
    return curve, boundary, boundary_label


def _draw_feedback(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.VConcatChart:
    move_scale = alt.Scale(domain=[-_MOVE_LIMIT, _MOVE_LIMIT])
    tooltip = [
        alt.Tooltip("round:Q", title="Round"),
        alt.Tooltip("move:Q", title="Index move so far", format="+.2%"),
        alt.Tooltip("flow:Q", title="Funds' trade this round ($bn)", format="+.2f"),
    ]
    x_round = alt.X(
        "round:Q",
        title="Round of rebalancing (0 = the shock)",
        scale=alt.Scale(domain=[0, FEEDBACK_ROUNDS]),
        axis=alt.Axis(tickMinStep=1),
    )
    path = base.mark_line(point=True, clip=True).encode(
        x=x_round,
        y=alt.Y("move:Q", title="Cumulative index move", scale=move_scale, axis=alt.Axis(format="%")),
        tooltip=tooltip,
    )
    # The closed form, computed in the browser from the same row: R* = R0 / (1 - gain) while gain < 1.
    settled = base.transform_filter("datum.round == 0 && datum.gain < 1").transform_calculate(
        fixed_point="datum.move / (1 - datum.gain)"
    )
    fixed_rule = settled.mark_rule(strokeDash=[6, 4], color="#D55E00", clip=True).encode(
        y=alt.Y("fixed_point:Q", scale=move_scale),
        tooltip=[alt.Tooltip("fixed_point:Q", title="Fixed point R0 / (1 - gain)", format="+.2%")],
    )
    fixed_label = (
        settled.transform_calculate(label="'fixed point R* = ' + format(datum.fixed_point, '+.2%')")
        .mark_text(align="right", dy=14, color="#D55E00", fontSize=12, clip=True)
        .encode(
            x=alt.value(_PANEL_WIDTH - 4),
            y=alt.Y("fixed_point:Q", scale=move_scale),
            text="label:N",
        )
    )
    runaway = (
        base.transform_filter("datum.round == 0 && datum.gain >= 1")
        .mark_text(color="#D55E00", fontSize=13, fontWeight="bold")
        .encode(
            x=alt.value(_PANEL_WIDTH / 2),
            y=alt.value(20),
            text=alt.value("gain >= 1: no fixed point, the loop runs away"),
        )
    )
    left = alt.layer(path, fixed_rule, fixed_label, runaway).properties(
        width=_PANEL_WIDTH, height=230, title="Round by round, against the fixed point (dashed)"
    )

    gain_scale = alt.Scale(domain=[0, _GAIN_LIMIT])
    amp_scale = alt.Scale(domain=[1, _AMPLIFICATION_LIMIT])
    curve, boundary, boundary_label = _curve_layers()
    here = base.transform_filter("datum.round == 0").transform_calculate(
        shown_gain=f"min(datum.gain, {_GAIN_LIMIT})",
        amp=f"datum.gain < 1 ? min(1 / (1 - datum.gain), {_AMPLIFICATION_LIMIT}) : {_AMPLIFICATION_LIMIT}",
        label="datum.gain < 1 ? 'x' + format(1 / (1 - datum.gain), '.2f') : 'runaway'",
    )
    here_tooltip = [
        alt.Tooltip("gain:Q", title="Feedback gain", format=".3f"),
        alt.Tooltip("label:N", title="Amplification"),
    ]
    marker = here.mark_point(shape="diamond", size=160, filled=True, color="#D55E00").encode(
        x=alt.X("shown_gain:Q", scale=gain_scale), y=alt.Y("amp:Q", scale=amp_scale), tooltip=here_tooltip
    )
    marker_label = here.mark_text(align="left", dx=9, dy=-9, fontSize=12, color="#D55E00").encode(
        x=alt.X("shown_gain:Q", scale=gain_scale), y=alt.Y("amp:Q", scale=amp_scale), text="label:N"
    )
    right = alt.layer(curve, boundary, boundary_label, marker, marker_label).properties(
        width=_PANEL_WIDTH, height=200, title="Closed form: this setting on the amplification curve"
    )
    # Stacked, not side by side: the book's text column is too narrow for two readable panels.
    return alt.vconcat(left, right, spacing=24)


def feedback_explorer() -> Explorer:
    """Long and inverse fund assets, market depth and a shock: the loop round by round and in closed form."""
    return Explorer(
        compute=feedback_rounds,
        params=[
            Param(
                "long_assets",
                [0, 10, 20, 30, 70],
                default=20,
                label="3x long funds' assets ($bn)",
                live=(0.0, 120.0, 1.0),
            ),
            Param(
                "inverse_assets",
                [0, 5, 10, 15, 25],
                default=5,
                label="-3x inverse funds' assets ($bn)",
                live=(0.0, 40.0, 1.0),
            ),
            Param(
                "depth_per_pct",
                [2, 4, 10, 40, 100],
                default=4,
                label="Market depth ($bn per 1% move)",
                live=(0.5, 150.0, 0.5),
            ),
            Param(
                "shock",
                [-0.05, -0.03, -0.01, 0.01, 0.03, 0.05],
                default=-0.03,
                label="Shock to the index",
                percent=True,
                live=(-0.10, 0.10, 0.005),
            ),
        ],
        draw=_draw_feedback,
        compute_grid=feedback_grid,
        title="The rebalancing loop: a shock, the funds' trades, and the move they add",
        description=(
            "Two panels. Top: line chart of the cumulative index move after each round of rebalancing, "
            "starting from the shock at round 0, with a dashed line at the closed-form fixed point, the shock "
            "divided by one minus the feedback gain; when the gain is 1 or more there is no fixed point and the "
            "move keeps growing. Bottom: the amplification 1 / (1 - gain) against the gain, rising without "
            "bound towards a vertical line at gain 1, with a diamond marking the current setting."
        ),
        decimals=5,
    )


def _fixed_point_reference(shock: float, long_assets: float, inverse_assets: float, depth_per_pct: float) -> float:
    """The fixed-point exercise's answer (its signature): :func:`lettools.fixed_point_move` for 3x and -3x funds."""
    levels = [LONG_LEVERAGE, INVERSE_LEVERAGE]
    return fixed_point_move(shock, [long_assets, inverse_assets], levels, _depth_from_per_pct(depth_per_pct))


# ---------------------------------------------------------------------------------------------
# Size relative to the underlying


def underlying_gain_table(
    fund_assets: float, leverage: float, depths: Mapping[str, float] = ILLUSTRATIVE_DEPTHS
) -> pd.DataFrame:
    """Gain, amplification and instability point of one fund against underlyings of different depth.

    Parameters
    ----------
    fund_assets : float
        The fund's assets, $bn.
    leverage : float
        Its leverage.
    depths : mapping of str to float
        Underlying name -> net flow that moves it by 1%, $bn (illustrative inputs).

    Returns
    -------
    pandas.DataFrame
        Indexed by underlying: ``depth_per_pct`` ($bn), ``flow_per_pct`` (the
        fund's trade after a 1% move, $bn), ``gain``, ``amplification`` and
        ``instability_assets`` (fund assets at which gain reaches 1, $bn).
    """
    rows = {}
    for name, per_pct in depths.items():
        depth = _depth_from_per_pct(per_pct)
        gain = feedback_gain(fund_assets, leverage, depth)
        rows[name] = {
            "depth_per_pct": float(per_pct),
            "flow_per_pct": aggregate_rebalance_flow(fund_assets, leverage, 0.01),
            "gain": gain,
            "amplification": float(amplification(gain)),
            "instability_assets": instability_assets(leverage, depth),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("underlying")


def underlying_gain_chart(
    leverage: float = 2.0, depths: Mapping[str, float] = ILLUSTRATIVE_DEPTHS, *, fund_assets: float | None = None
) -> alt.LayerChart:
    """Feedback gain against fund assets (log scale) for each underlying, with the instability line at 1.

    ``fund_assets`` ($bn), when given, is marked on every line.
    """
    assets = np.geomspace(0.01, 1000.0, 81)
    names = list(depths)
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "underlying": name,
                    "assets": assets,
                    "gain": [feedback_gain(a, leverage, _depth_from_per_pct(depths[name])) for a in assets],
                }
            )
            for name in names
        ],
        ignore_index=True,
    )
    x = alt.X(
        "assets:Q",
        title=f"Assets of {leverage:g}x funds on the underlying ($bn, log scale)",
        scale=alt.Scale(type="log", domain=[assets[0], assets[-1]]),
    )
    y = alt.Y("gain:Q", title="Feedback gain κ", scale=alt.Scale(type="log", domain=[1e-5, 10]))
    # Colour and dash both name the underlying; identical legends merge into one.
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5)
    color = alt.Color("underlying:N", title=None, sort=names, scale=alt.Scale(domain=names), legend=legend)
    dash = alt.StrokeDash("underlying:N", title=None, sort=names, scale=alt.Scale(domain=names), legend=legend)
    lines = (
        alt.Chart(data)
        .mark_line(clip=True)
        .encode(
            x=x,
            y=y,
            color=color,
            strokeDash=dash,
            tooltip=[
                alt.Tooltip("underlying:N", title="Underlying"),
                alt.Tooltip("assets:Q", title="Fund assets ($bn)", format=",.2f"),
                alt.Tooltip("gain:Q", title="Gain", format=".4f"),
            ],
        )
    )
    one = alt.Chart(pd.DataFrame({"gain": [1.0]}))
    unstable = one.mark_rule(color="black", strokeDash=[2, 3]).encode(y="gain:Q")
    unstable_label = one.mark_text(align="left", x=5, dy=-8, fontSize=12).encode(
        y="gain:Q", text=alt.value("κ = 1: the loop runs away")
    )
    layers = [lines, unstable, unstable_label]
    if fund_assets is not None:
        # Literal colours (the theme's category order) keep these points out of the legend.
        marks = pd.DataFrame(
            {
                "underlying": names,
                "assets": fund_assets,
                "colour": PALETTE[: len(names)],
                "gain": [feedback_gain(fund_assets, leverage, _depth_from_per_pct(depths[n])) for n in names],
            }
        )
        layers.append(
            alt.Chart(marks)
            .mark_point(size=90, filled=True)
            .encode(
                x=x,
                y=y,
                color=alt.Color("colour:N", scale=None),
                tooltip=[alt.Tooltip("underlying:N"), alt.Tooltip("gain:Q", format=".4f")],
            )
        )
    depth_text = ", ".join(f"{name.lower()} ${value:g}bn" for name, value in depths.items())
    return accessible(
        alt.layer(*layers).properties(width=480, height=300),
        title="The same fund, three underlyings: size relative to depth decides",
        description=(
            f"Log-log line chart of the feedback gain of {leverage:g}x funds against their assets, from $0.01bn to "
            f"$1,000bn, for three underlyings whose illustrative depth per 1% move is {depth_text}. The lines are "
            "parallel: the gain is proportional to assets over depth, so the thin single stock reaches the "
            "instability line at gain 1 with a small fraction of the assets a broad index would need."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Many days: the amplified path against the exogenous one


# ---------------------------------------------------------------------------------------------
# Calibration: a published flow estimate and a published price-impact multiplier

#: Leverages and asset shares of the funds in the many-day replay: three quarters 3x, one quarter -3x.
REPLAY_LEVERAGES, REPLAY_SHARES = (3.0, -3.0), (0.75, 0.25)


def calibrated_depth_per_pct(multiplier: float | None = None) -> float:
    """Net flow ($bn) that moves the US stock market by 1%, end of 2012, from a price-impact multiplier.

    ``W / (100 M)`` with ``W`` the market value of US listed companies at the end
    of 2012 and ``M`` the multiplier (:func:`lettools.depth_from_multiplier`);
    ``multiplier`` defaults to the central published estimate.
    """
    cap_bn = 1000.0 * fact("reflexivity", "us_market_cap_2012_tn")
    if multiplier is None:
        multiplier = fact("reflexivity", "price_impact_multiplier")
    return float(depth_from_multiplier(cap_bn, multiplier)) / 100.0


def _row(flow_per_pct: float, depth_per_pct: float, shock: float, kind: str) -> dict:
    gain = flow_per_pct / depth_per_pct
    amp = float(amplification(gain))
    return {"flow_per_pct": flow_per_pct, "depth_per_pct": depth_per_pct, "gain": gain, "amplification": amp,
            "settled_move": shock * amp if gain < 1.0 else float(np.copysign(np.inf, shock)), "kind": kind}


def calibration_table(shock: float = -0.03) -> pd.DataFrame:
    """The loop's gain under published estimates, beside the chapter's illustrative (alarming) settings.

    Calibrated rows: Tuzun's rebalancing flow per 1% move against the depth of the
    whole US stock market at the end of 2012 implied by the low, central and high
    price-impact multipliers. Alarming rows: the inputs of this chapter's
    illustrative loop and of a replay drawn with three times Tuzun's flow on a
    depth of $20bn per 1%; no published estimate supports them.

    Returns
    -------
    pandas.DataFrame
        Indexed by setting: ``flow_per_pct`` and ``depth_per_pct`` ($bn per 1%
        move), ``gain``, ``amplification``, ``settled_move`` (where a ``shock``
        settles) and ``kind``.
    """
    facts = load_facts("reflexivity")
    flow = facts["tuzun_flow_per_pct_bn"]["value"]
    multiplier = facts["price_impact_multiplier"]
    rows = {}
    for level in ("low", "value", "high"):
        m = multiplier[level]
        rows[f"Calibrated: multiplier {m:g}"] = _row(flow, calibrated_depth_per_pct(m), shock, "calibrated")
    loop_flow = aggregate_rebalance_flow([20.0, 5.0], [LONG_LEVERAGE, INVERSE_LEVERAGE], 0.01)
    rows["Illustrative loop above (alarming)"] = _row(loop_flow, 4.0, shock, "alarming: no estimate supports it")
    replay_flow = aggregate_rebalance_flow([30.0, 10.0], list(REPLAY_LEVERAGES), 0.01)
    rows["$30bn 3x, $10bn -3x, $20bn per 1% (alarming)"] = _row(replay_flow, 20.0, shock,
                                                              "alarming: no estimate supports it")
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("setting")


def present_day_calibration(shock: float = -0.03) -> pd.DataFrame:
    """Tuzun's 2012 flow scaled to today's fund assets, against today's US market, for each multiplier.

    The flow per 1% move is Tuzun's $1.04bn times the ratio of US leveraged-ETF assets
    now (the $200bn a mid-2026 news report gives; late-2025 press totals were lower) to
    then (a little over $30bn): it keeps 2012's mix
    of leverages and indices, which 2026's single-stock and crypto funds do not share.
    The depth per 1% move is the US equity market's value at the end of 2023 over
    ``100 M`` for the low, central and high price-impact multipliers ``M``.

    Returns
    -------
    pandas.DataFrame
        Indexed by setting: ``flow_per_pct`` and ``depth_per_pct`` ($bn per 1% move),
        ``gain``, ``amplification``, ``settled_move`` (where ``shock`` settles) and ``kind``.
    """
    facts = load_facts("reflexivity")
    scale = facts["letf_assets_2026_bn"]["value"] / facts["letf_assets_2012_bn"]["value"]
    flow = facts["tuzun_flow_per_pct_bn"]["value"] * scale
    cap_bn = 1000.0 * facts["us_market_cap_2023_tn"]["value"]
    multiplier = facts["price_impact_multiplier"]
    rows = {}
    for level in ("low", "value", "high"):
        m = multiplier[level]
        per_pct = float(depth_from_multiplier(cap_bn, m)) / 100.0
        rows[f"Today (scaled): multiplier {m:g}"] = _row(flow, per_pct, shock, "calibrated, scaled to 2026 assets")
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("setting")


def _calibrated_assets() -> list[float]:
    """Assets ($bn) of the replay's 3x and -3x funds whose flow per 1% move is Tuzun's."""
    per_unit = aggregate_rebalance_flow(list(REPLAY_SHARES), list(REPLAY_LEVERAGES), 0.01)
    total = fact("reflexivity", "tuzun_flow_per_pct_bn") / per_unit
    return [total * share for share in REPLAY_SHARES]


def replay_scenarios() -> dict[str, dict]:
    """Settings of the many-day replay: calibrated, calibrated with half or full reversal, and alarming.

    Each value holds ``fund_assets`` ($bn), ``depth_per_pct`` ($bn) and ``reversal``.
    """
    multiplier = load_facts("reflexivity")["price_impact_multiplier"]
    assets = _calibrated_assets()
    return {
        f"Calibrated (multiplier {multiplier['value']:g})": dict(
            fund_assets=assets, depth_per_pct=calibrated_depth_per_pct(), reversal=0.0),
        f"Calibrated (multiplier {multiplier['high']:g})": dict(
            fund_assets=assets, depth_per_pct=calibrated_depth_per_pct(multiplier["high"]), reversal=0.0),
        f"Calibrated ({multiplier['value']:g}), half reverses next morning": dict(
            fund_assets=assets, depth_per_pct=calibrated_depth_per_pct(), reversal=0.5),
        f"Calibrated ({multiplier['value']:g}), all reverses next morning": dict(
            fund_assets=assets, depth_per_pct=calibrated_depth_per_pct(), reversal=1.0),
        "Alarming: $30bn 3x, $10bn -3x, $20bn per 1%": dict(
            fund_assets=[30.0, 10.0], depth_per_pct=20.0, reversal=0.0),
    }


def _replays(shocks: pd.Series) -> dict[str, pd.DataFrame]:
    return {
        name: simulate_reflexive_market(shocks, fund_assets=setting["fund_assets"], leverages=list(REPLAY_LEVERAGES),
                                        depth=_depth_from_per_pct(setting["depth_per_pct"]),
                                        reversal=setting["reversal"])
        for name, setting in replay_scenarios().items()
    }


def depth_scaling_table(shocks: pd.Series) -> pd.DataFrame:
    """The permanent-impact replays with depth fixed in dollars and with depth scaled to the index level.

    Depth set from a price-impact multiplier is proportional to the market's value,
    so a market that falls 40% is 40% thinner; the replay table keeps the starting
    dollar depth. Returns, for each setting without reversal, the trough and the
    daily volatility ratio both ways.
    """
    rows = {}
    for name, setting in replay_scenarios().items():
        if setting["reversal"] != 0.0:
            continue
        row = {}
        for label, scaled in (("fixed", False), ("scaled", True)):
            market = simulate_reflexive_market(
                shocks, fund_assets=setting["fund_assets"], leverages=list(REPLAY_LEVERAGES),
                depth=_depth_from_per_pct(setting["depth_per_pct"]), depth_scales_with_level=scaled)
            summary = reflexive_market_summary(market)
            row[f"trough, depth {label}"] = summary["trough with feedback"]
            row[f"volatility ratio, depth {label}"] = summary["daily volatility ratio"]
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("setting")


def replay_table(shocks: pd.Series) -> pd.DataFrame:
    """Each replay scenario summarised: trough, end, volatility ratio and first-day gain (one column each)."""
    rows = {}
    for name, market in _replays(shocks).items():
        summary = reflexive_market_summary(market)
        rows[name] = {
            "trough": summary["trough with feedback"],
            "end": summary["return with feedback"],
            "volatility ratio": summary["daily volatility ratio"],
            "gain, first day": summary["gain, first day"],
        }
    first = next(iter(_replays(shocks).values()))
    exogenous = {"trough": first["exogenous_level"].min() - 1, "end": first["exogenous_level"].iloc[-1] - 1,
                 "volatility ratio": 1.0, "gain, first day": 0.0}
    return pd.DataFrame({"Index as it was": exogenous, **rows}).T.rename_axis("path")


def replay_chart(shocks: pd.Series) -> alt.Chart:
    """The index as it was and as the model redraws it under each replay scenario."""
    replays = _replays(shocks)
    first = next(iter(replays.values()))
    levels = {"Index as it was": first["exogenous_level"]}
    levels.update({name: market["index_level"] for name, market in replays.items()})
    names = list(levels)
    data = (pd.DataFrame(levels).rename_axis("date").reset_index()
            .melt("date", var_name="path", value_name="level"))
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, labelLimit=330, orient="bottom", columns=1)
    chart = alt.Chart(data).mark_line().encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("level:Q", title="Index level (start = 1)", scale=alt.Scale(zero=False)),
        color=alt.Color("path:N", title=None, sort=names, scale=alt.Scale(domain=names), legend=legend),
        strokeDash=alt.StrokeDash("path:N", title=None, sort=names, scale=alt.Scale(domain=names), legend=legend),
        tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("path:N", title="Path"),
                 alt.Tooltip("level:Q", title="Level", format=".3f")],
    )
    return accessible(
        chart.properties(width=520, height=280),
        title="Autumn 2008 with the funds' closing trades: calibrated and alarming",
        description=(
            "Line chart of the S&P 500 from September to December 2008, starting at 1: the index as it was (which "
            "already contains the real funds' trades), and the paths the feedback model draws on top of it with "
            "funds sized to a published estimate of their rebalancing flow on a depth from a published "
            "price-impact multiplier (central and high), with half or all of each "
            "day's feedback reversing next morning, and with three times that flow on a much thinner market "
            "(alarming). The calibrated paths lie almost on the actual one; only the alarming one departs "
            "visibly."
        ),
    )


def korea_taiwan_calibration(leverage: float = 2.0, korea_value_tn: float | None = None) -> pd.DataFrame:
    """The US calibration applied to Korea and Taiwan: gain of the funds' flow on both markets together.

    The funds' assets in April and at the end of May 2026 (all taken as ``leverage``
    x long) trade ``A (L² − L) / 100`` per 1% move; the depth per 1% is the two
    markets' combined value over ``100 M``, for the low, central and high
    price-impact multipliers, which were estimated for the US market. The markets'
    values are those of the end of 2025 unless ``korea_value_tn`` ($tn) replaces
    Korea's (for example its value after the 2026 rally).

    Returns
    -------
    pandas.DataFrame
        Indexed by multiplier: ``depth_per_pct`` ($bn), ``gain_april``,
        ``gain_may``, ``amplification_april`` and ``amplification_may``.
    """
    facts = load_facts("reflexivity")
    korea_tn = (facts["korea_market_cap_2025_tn"]["value"] if korea_value_tn is None
                else _positive(korea_value_tn, "korea_value_tn"))
    value_bn = 1000.0 * (korea_tn + facts["taiwan_market_cap_2025_tn"]["value"])
    multiplier = facts["price_impact_multiplier"]
    flows = [aggregate_rebalance_flow(assets, leverage, 0.01) for assets in KOREA_TAIWAN_ASSETS]
    rows = {}
    for level in ("low", "value", "high"):
        m = multiplier[level]
        per_pct = float(depth_from_multiplier(value_bn, m)) / 100.0
        gains = [flow / per_pct for flow in flows]
        rows[m] = {"depth_per_pct": per_pct, "gain_april": gains[0], "gain_may": gains[1],
                   "amplification_april": float(amplification(gains[0])),
                   "amplification_may": float(amplification(gains[1]))}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("multiplier")


def korea_concentration() -> dict[str, float]:
    """Shares of Korea's listed market value held by Samsung Electronics and SK hynix, early January 2026.

    Returns ``samsung_electronics``, ``sk_hynix`` and ``both``, each a decimal share
    of the whole market's value (both from the same report, in won).
    """
    values = fact("reflexivity", "korea_market_cap_jan2026_krw_tn")
    samsung, hynix = values["samsung_electronics"] / values["total"], values["sk_hynix"] / values["total"]
    return {"samsung_electronics": samsung, "sk_hynix": hynix, "both": samsung + hynix}


def explorer_steps(long_assets: float = 20.0, inverse_assets: float = 5.0, depth_per_pct: float = 4.0,
                   step: float = 5.0) -> dict[str, float]:
    """The gain added by ``step`` $bn of -3x assets and by twice that of 3x assets, at the explorer's setting.

    Returns the base ``gain``, ``inverse_added`` (gain after ``step`` more
    inverse assets, minus the base) and ``long_added`` (the same for ``2 step``
    more long assets): equal, since L² − L is 12 for -3x and 6 for 3x.
    """
    depth = _depth_from_per_pct(depth_per_pct)
    levels = [LONG_LEVERAGE, INVERSE_LEVERAGE]
    base = feedback_gain([long_assets, inverse_assets], levels, depth)
    return {
        "gain": base,
        "inverse_added": feedback_gain([long_assets, inverse_assets + step], levels, depth) - base,
        "long_added": feedback_gain([long_assets + 2.0 * step, inverse_assets], levels, depth) - base,
    }


def growth_amplification_table(growth: float, gains=(0.01, 0.03, 0.1, 0.3)) -> pd.DataFrame:
    """Amplification before and after the funds' assets grow by ``growth`` at an unchanged depth.

    Gains up to 0.05 are the order the US calibration gives for a whole market
    (and :func:`korea_taiwan_calibration` gives for Korea and Taiwan in April
    2026); larger ones need a thinner underlying, such as one index or a few stocks.
    """
    growth = _positive(growth, "growth")
    gains = np.asarray(gains, dtype=float)
    after = gains * growth
    return pd.DataFrame(
        {
            "gain_after": after,
            "amplification_before": amplification(gains),
            "amplification_after": amplification(after),
            "kind": np.where(gains <= 0.05, "calibrated order (whole market)", "thinner underlying"),
        },
        index=pd.Index(gains, name="gain_before"),
    )


# ---------------------------------------------------------------------------------------------
# Exercises

#: The funds of the end-of-day flow exercise: $bn of assets and leverage.
_FLOW_FUNDS = {"3x long": (3.0, 3.0), "-2x inverse": (1.0, -2.0)}
_FLOW_MOVE = -0.03


def _flow_exercise_answer() -> float:
    assets, leverages = zip(*_FLOW_FUNDS.values(), strict=False)
    return aggregate_rebalance_flow(list(assets), list(leverages), _FLOW_MOVE)


register(
    NumericExercise(
        id="reflexivity-end-of-day-flow",
        expected=_flow_exercise_answer,
        unit="number",
        decimals=2,
        quantity="in billions of dollars, negative for a sale",
        scale=1e9,
        points=2,
        minutes=10,
        hint="Each fund trades A (L² − L) R; add the two trades, keeping the sign of the day's move.",
        mistakes=(
            (
                lambda: sum(a * lev * _FLOW_MOVE for a, lev in _FLOW_FUNDS.values()),
                "That is A L R, each fund's change in exposure from the move alone. The trade restores L times "
                "the new assets: it is A (L² − L) R.",
            ),
            (
                lambda: (3.0 * 6.0 - 1.0 * 6.0) * _FLOW_MOVE,
                "The inverse fund does not trade against the long one: L² − L is positive for L = −2 too, so it "
                "also sells after a fall.",
            ),
            (
                lambda: -_flow_exercise_answer(),
                "Check the sign: after a fall the funds sell, and a sale is negative.",
            ),
        ),
    )
)

_INSTABILITY_LEVERAGES, _INSTABILITY_WEIGHTS, _INSTABILITY_DEPTH_PER_PCT = (3.0, -3.0), (0.75, 0.25), 3.0

register(
    NumericExercise(
        id="reflexivity-instability-point",
        expected=lambda: instability_assets(
            _INSTABILITY_LEVERAGES, _depth_from_per_pct(_INSTABILITY_DEPTH_PER_PCT), weights=_INSTABILITY_WEIGHTS
        ),
        unit="number",
        decimals=1,
        quantity="in billions of dollars",
        scale=1e9,
        points=3,
        minutes=15,
        hint="The gain is (total assets) × (weighted average of L² − L) / D. Set it to 1 and solve for the "
        "total; remember D is the flow for a 100% move.",
        mistakes=(
            (
                lambda: instability_assets(
                    _INSTABILITY_LEVERAGES, _INSTABILITY_DEPTH_PER_PCT, weights=_INSTABILITY_WEIGHTS
                ),
                "D is the flow that moves the index by 100%, a hundred times the flow per 1%.",
            ),
            (
                lambda: instability_assets(_INSTABILITY_LEVERAGES, _depth_from_per_pct(_INSTABILITY_DEPTH_PER_PCT)),
                "Weight each leverage's L² − L by its share of the assets (three quarters and one quarter), "
                "not equally.",
            ),
        ),
    )
)

register(
    FunctionExercise(
        id="reflexivity-fixed-point",
        reference=_fixed_point_reference,
        cases=(
            {"shock": -0.03, "long_assets": 20.0, "inverse_assets": 5.0, "depth_per_pct": 4.0},
            {"shock": 0.01, "long_assets": 10.0, "inverse_assets": 0.0, "depth_per_pct": 2.0},
            {"shock": 0.02, "long_assets": 0.0, "inverse_assets": 10.0, "depth_per_pct": 6.0},
            {"shock": -0.05, "long_assets": 0.0, "inverse_assets": 0.0, "depth_per_pct": 1.0},
            {"shock": 0.04, "long_assets": 30.0, "inverse_assets": 15.0, "depth_per_pct": 10.0},
        ),
        hint="Work out the loop's gain from each fund's L² − L and the market's depth for a 100% move, "
        "then use the fixed point of the loop from the chapter.",
    )
)

#: Korea and Taiwan leveraged-ETF assets ($bn) in April and at end-May 2026: CNBC citing Goldman Sachs (EPFR data).
KOREA_TAIWAN_ASSETS = tuple(fact("reflexivity", "korea_taiwan_assets_bn"))
_KOREA_MOVE, _KOREA_LEVERAGE = -0.05, 2.0

register(
    NumericExercise(
        id="reflexivity-korea-taiwan-flow",
        expected=lambda: aggregate_rebalance_flow(KOREA_TAIWAN_ASSETS[1], _KOREA_LEVERAGE, _KOREA_MOVE),
        unit="number",
        decimals=2,
        quantity="in billions of dollars, negative for a sale",
        scale=1e9,
        points=1,
        minutes=5,
        written="The comparison with the same day in April, at $17bn.",
        written_points=1,
        hint="Use the trade A (L² − L) R from the chapter, with the assets in $bn.",
        mistakes=(
            (
                lambda: aggregate_rebalance_flow(KOREA_TAIWAN_ASSETS[0], _KOREA_LEVERAGE, _KOREA_MOVE),
                "That uses the assets before the two months of growth; the question asks about the later total.",
            ),
            (
                lambda: -aggregate_rebalance_flow(KOREA_TAIWAN_ASSETS[1], _KOREA_LEVERAGE, _KOREA_MOVE),
                "Check the sign: after a fall the funds sell, and a sale is negative.",
            ),
        ),
    )
)


def _calibrated_gain_high() -> float:
    """Tuzun's flow per 1% over the depth per 1% at the high multiplier (the calibration exercise)."""
    high = load_facts("reflexivity")["price_impact_multiplier"]["high"]
    return fact("reflexivity", "tuzun_flow_per_pct_bn") / calibrated_depth_per_pct(high)


register(
    NumericExercise(
        id="reflexivity-calibrated-gain",
        expected=_calibrated_gain_high,
        unit="number",
        decimals=3,
        quantity="as a plain number (0.05 for a gain of 5%)",
        points=2,
        minutes=10,
        hint="Depth per 1% is the market's value divided by 100 times the multiplier; the gain is the flow per "
             "1% divided by the depth per 1%.",
        mistakes=(
            (lambda: _calibrated_gain_high() / 100.0,
             "Compare like with like: the flow per 1% move against the depth per 1% move (or both per 100%)."),
            (lambda: _calibrated_gain_high() * 100.0,
             "The depth per 1% move is the market's value over 100 M, not over M."),
        ),
    )
)


#: Leverage and move of the single-stock exercise: the Hong Kong 2x products on SK hynix and Samsung Electronics.
_SINGLE_STOCK_LEVERAGE, _SINGLE_STOCK_MOVE = 2.0, -0.05


def single_stock_sale(move: float = _SINGLE_STOCK_MOVE) -> dict[str, float]:
    """The Hong Kong 2x single-stock products' closing trade after both stocks move by ``move``.

    Assets of CSOP's 2x products on SK hynix and Samsung Electronics (5 May 2026) and
    the two stocks' average daily trading value (October 2025), both in trillion won.

    Returns ``trade`` (trillion won, negative for a sale), ``daily_value`` (trillion
    won) and ``share`` (``|trade|`` over the daily trading value).
    """
    aum = fact("reflexivity", "hk_single_stock_2x_aum_krw_tn")
    daily = fact("reflexivity", "samsung_hynix_daily_value_krw_tn")
    trade = aggregate_rebalance_flow(sum(aum.values()), _SINGLE_STOCK_LEVERAGE, move)
    return {"trade": trade, "daily_value": daily, "share": float(flow_share_of_volume(trade, daily))}


#: Assumed daily volatility of the two Korean chipmakers for the square-root cross-check (not a sourced figure).
SINGLE_STOCK_DAILY_VOL = 0.03


def single_stock_sqrt_check(move: float = _SINGLE_STOCK_MOVE, daily_sigma: float = SINGLE_STOCK_DAILY_VOL,
                            ys=(0.5, 1.0)) -> pd.DataFrame:
    """The single-stock exercise's move settled under square-root impact, treating the two stocks as one market.

    The products trade ``2 A`` trillion won per 100% move (``A`` their combined assets)
    against the two stocks' daily trading value; ``daily_sigma`` is an assumption.
    Returns, for each ``Y``, the ``settled_move`` and the ``amplification`` (settled over ``move``).
    """
    aum = sum(fact("reflexivity", "hk_single_stock_2x_aum_krw_tn").values())
    daily = fact("reflexivity", "samsung_hynix_daily_value_krw_tn")
    k = aum * (_SINGLE_STOCK_LEVERAGE**2 - _SINGLE_STOCK_LEVERAGE)
    rows = {}
    for y in ys:
        settled = float(sqrt_impact_fixed_point(move, k, daily, daily_sigma, y))
        rows[float(y)] = {"settled_move": settled, "amplification": settled / move}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("Y")



#: Price-impact multipliers for one stock: Bouchaud (2021) puts Gabaix and Koijen's multiplier at
#: "order unity" for a single stock; 3 is an upper setting, not an estimate.
SINGLE_STOCK_MULTIPLIERS = (1.0, 3.0)


def single_stock_impact_table(multipliers=SINGLE_STOCK_MULTIPLIERS, daily_sigma: float = SINGLE_STOCK_DAILY_VOL,
                              ys=(0.5, 1.0)) -> pd.DataFrame:
    """Permanent against temporary impact for the Hong Kong 2x products on Samsung Electronics and SK hynix.

    Permanent rows: linear impact with depth ``W / M`` (``W`` the two stocks' market
    value in January 2026, :func:`lettools.depth_from_multiplier`), the products' flow
    ``2 A`` per 100% move and the gain ``K / D`` (:func:`lettools.feedback_gain`).
    Temporary rows: the square-root law's average rate, the trade that moves the two
    stocks 1% in all, ``V (0.01 / (Y sigma))^2`` with ``V`` their daily trading value
    (October 2025) and ``sigma`` the assumed daily volatility, and the linear gain that
    rate would give. All money in trillion won.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``impact`` (a label), with ``kind`` ("permanent" or "temporary"),
        ``depth_per_pct`` (trillion won per 1% move), ``flow_per_pct`` and ``gain``.
    """
    aum = sum(fact("reflexivity", "hk_single_stock_2x_aum_krw_tn").values())
    caps = fact("reflexivity", "korea_market_cap_jan2026_krw_tn")
    value = caps["samsung_electronics"] + caps["sk_hynix"]
    daily = fact("reflexivity", "samsung_hynix_daily_value_krw_tn")
    k = aum * (_SINGLE_STOCK_LEVERAGE**2 - _SINGLE_STOCK_LEVERAGE)
    rows = {}
    for m in multipliers:
        depth = float(depth_from_multiplier(value, m))
        rows[f"permanent, multiplier {m:g}"] = {"kind": "permanent", "depth_per_pct": depth / 100.0,
                                                "flow_per_pct": k / 100.0, "gain": feedback_gain(aum, 2.0, depth)}
    for y in ys:
        depth_pct = daily * (0.01 / (y * daily_sigma)) ** 2
        rows[f"temporary, square root, Y = {y:g}"] = {"kind": "temporary", "depth_per_pct": depth_pct,
                                                     "flow_per_pct": k / 100.0,
                                                     "gain": feedback_gain(aum, 2.0, 100.0 * depth_pct)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("impact")


register(
    NumericExercise(
        id="reflexivity-single-stock-ratio",
        expected=lambda: single_stock_sale()["share"],
        unit="number",
        decimals=3,
        quantity="as a decimal share of one day's trading value (0.1 for 10%)",
        points=2,
        minutes=10,
        hint="Each 2x product trades A (L² − L) R = 2 A R; add the two products and divide the size of the sale "
             "by the two stocks' daily trading value, all in trillion won.",
        mistakes=(
            (lambda: single_stock_sale()["share"] / 2.0,
             "That is A R, the change in exposure from the move alone. The trade restores 2x the new assets: "
             "A (L² − L) R = 2 A R."),
            (lambda: single_stock_sale()["share"] * 100.0,
             "Give a decimal share, not a percentage."),
        ),
    )
)


def desk_flow_per_pct() -> pd.DataFrame:
    """Banks' desk estimates of the funds' closing flow, per 1% of that day's S&P 500 move.

    Each estimate (``tariff_days_close_flow_bn``, $bn, negative for a sale) is divided
    by a hundred times the S&P 500's return that day, from its closes on the day and
    on the trading day before (``sp500_close_desk_days``), and, where the facts file has
    the Nasdaq-100's closes (``nasdaq100_close_desk_days``), by the Nasdaq-100's move,
    the index of the largest funds (TQQQ, SQQQ). The estimates count every US leveraged
    fund, single-stock and sector funds included.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date``: ``flow`` ($bn), ``sp500_move`` (decimal),
        ``flow_per_pct`` ($bn per 1% move of the S&P 500), ``ndx_move`` and
        ``flow_per_pct_ndx`` ($bn per 1% move of the Nasdaq-100; NaN on days without
        its closes).
    """
    flows = fact("reflexivity", "tariff_days_close_flow_bn")
    closes = pd.Series(fact("reflexivity", "sp500_close_desk_days"), dtype=float)
    closes.index = pd.to_datetime(closes.index)
    closes = closes.sort_index()
    ndx = pd.Series(fact("reflexivity", "nasdaq100_close_desk_days"), dtype=float)
    ndx.index = pd.to_datetime(ndx.index)
    rows = {}
    for day, flow in flows.items():
        day_ts = pd.Timestamp(day)
        prev = day_ts - pd.offsets.BDay(1)  # the weekday before; none of the desk days follows a holiday
        if day_ts not in closes.index or prev not in closes.index:
            raise ValueError(
                f"sp500_close_desk_days needs closes on {day_ts:%Y-%m-%d} and the trading day "
                f"before it ({prev:%Y-%m-%d})")
        move = float(closes[day_ts] / closes[prev] - 1.0)
        ndx_move = float(ndx[day_ts] / ndx[prev] - 1.0) if day_ts in ndx.index and prev in ndx.index else np.nan
        rows[day_ts] = {"flow": float(flow), "sp500_move": move,
                        "flow_per_pct": float(flow) / (100.0 * move),
                        "ndx_move": ndx_move, "flow_per_pct_ndx": float(flow) / (100.0 * ndx_move)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("date")


#: The 2008 funds' mix for the leverage check: 3x ETFs first traded on 5 November 2008, so most of the
#: autumn's funds were 2x long and -2x inverse (asset shares as in the replay).
REPLAY_2X_LEVERAGES = (2.0, -2.0)


def replay_leverage_check(shocks: pd.Series, leverages=REPLAY_2X_LEVERAGES,
                          shares=REPLAY_SHARES) -> pd.DataFrame:
    """The central calibrated replay with the replay's 3x/-3x mix and with another mix of the same flow.

    Both sets of funds trade Tuzun's flow per 1% move on the first day, on the depth of
    the central multiplier, with permanent impact; only the assets' path differs, since
    funds of lower leverage lose (or gain) less as the index moves.

    Returns
    -------
    pandas.DataFrame
        Indexed by the mix (``"3x/-3x"`` and, for example, ``"2x/-2x"``): ``trough``,
        ``end``, ``volatility ratio``, ``gain, first day`` and ``gain, highest``.
    """
    leverages = [float(lev) for lev in leverages]
    shares = [float(s) for s in shares]
    if len(leverages) != len(shares) or not leverages:
        raise ValueError("leverages and shares must have the same, non-zero length")
    if any(s < 0.0 for s in shares) or sum(shares) <= 0.0:
        raise ValueError(f"shares must be non-negative with a positive sum, got {shares}")
    flow = fact("reflexivity", "tuzun_flow_per_pct_bn")
    rows = {}
    for levs, shs in ((list(REPLAY_LEVERAGES), list(REPLAY_SHARES)), (leverages, shares)):
        total = flow / aggregate_rebalance_flow(shs, levs, 0.01)
        market = simulate_reflexive_market(shocks, fund_assets=[total * s for s in shs], leverages=levs,
                                           depth=_depth_from_per_pct(calibrated_depth_per_pct()))
        summary = reflexive_market_summary(market)
        label = "/".join(f"{lev:g}x" for lev in levs)
        rows[label] = {"trough": summary["trough with feedback"], "end": summary["return with feedback"],
                       "volatility ratio": summary["daily volatility ratio"],
                       "gain, first day": summary["gain, first day"], "gain, highest": summary["gain, highest"]}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("mix")


# ---------------------------------------------------------------------------------------------
# The late-2025 restatement: press totals of the funds' assets, each on the market of its date

#: The asset totals restated by :func:`late_2025_restatement`: (label, fact key, S&P 500 close used).
#: The mid-2026 news figure has no close of its own in the chapter's data, so it takes the latest one.
_PRESS_TOTALS = (
    ("$200bn (mid-2026 report)", "letf_assets_2026_bn", ("sp500_close", "2025-11-28")),
    ("$120bn (October 2025)", "letf_assets_oct2025", ("sp500_close_desk_days", "2025-10-10")),
    ("$160.5bn (end of November 2025)", "letf_assets_nov2025_bn", ("sp500_close", "2025-11-28")),
)
#: Close of the market on which JPMorgan's April 2025 flow estimate is compared (2 April 2025).
_JPM_DATE = "2025-04-02"


def _press_total(key: str) -> float:
    """A press total of US leveraged-ETF assets in $bn (October 2025's is a share of the ETF industry)."""
    value = fact("reflexivity", key)
    if isinstance(value, dict):
        return 1000.0 * value["share_of_us_etf_assets"] * value["us_etf_assets_tn"]
    return float(value)


def late_2025_restatement() -> dict[str, pd.DataFrame | pd.Series]:
    """Today's scaled flow and gains restated for each press total, on the market of its own date.

    Calls :func:`lettools.restate_calibration` with the present-day calibration
    (:func:`present_day_calibration`: Tuzun's flow scaled to $200bn, depths from the
    end-2023 market value) and the S&P 500 closes of the facts file: the October 2025
    total on the 10 October 2025 close, the end-November total on the 28 November 2025
    close, and the mid-2026 report on the latest close in the chapter's data (28 November
    2025). Flows are also restated on the market of 2 April 2025, the date of JPMorgan's
    desk figure of about $5bn per 1% move (a rough restatement: see the engine function).

    Returns
    -------
    dict
        ``"totals"``: a DataFrame indexed by asset total with ``assets`` ($bn),
        ``close_date``, ``level_ratio`` (that close over the end-2023 close),
        ``flow_per_pct`` ($bn per 1% on that date's market), ``flow_per_pct_apr2025``
        ($bn per 1% in 2 April 2025 terms), ``gap_to_jpmorgan`` (unsigned relative gap
        to JPMorgan's figure), ``gain, multiplier M`` for the low, central and high
        multipliers and ``amplification, high``; ``"jpmorgan_gains"``: a Series of the
        gains JPMorgan's figure implies on the 2 April 2025 depths, by multiplier.
    """
    facts = load_facts("reflexivity")
    today = present_day_calibration()
    multipliers = facts["price_impact_multiplier"]
    labels = [f"{multipliers[level]:g}" for level in ("low", "value", "high")]
    base_close = facts["sp500_close"]["value"]["2023-12-29"]
    assets = [_press_total(key) for _, key, _ in _PRESS_TOTALS]
    closes = [facts[table]["value"][day] for _, _, (table, day) in _PRESS_TOTALS]
    jpm_flow = facts["jpmorgan_flow_per_pct_bn"]["value"]
    out = restate_calibration(
        float(today["flow_per_pct"].iloc[0]), facts["letf_assets_2026_bn"]["value"],
        today["depth_per_pct"].to_numpy(float), base_close, assets, closes,
        facts["sp500_close_desk_days"]["value"][_JPM_DATE], benchmark_per_pct=jpm_flow)
    table = pd.DataFrame({
        "assets": assets,
        "close_date": [day for _, _, (_, day) in _PRESS_TOTALS],
        "level_ratio": out["level_ratio"],
        "flow_per_pct": out["flow_per_pct"],
        "flow_per_pct_apr2025": out["flow_per_pct_at_reference"],
        "gap_to_jpmorgan": out["gap_to_benchmark"],
        **{f"gain, multiplier {m}": out["gain"][:, i] for i, m in enumerate(labels)},
        "amplification, high": out["amplification"][:, -1],
    }, index=pd.Index([label for label, _, _ in _PRESS_TOTALS], name="asset total"))
    jpm_gains = pd.Series(out["benchmark_gain"], index=pd.Index([f"multiplier {m}" for m in labels]),
                          name="gain, JPMorgan's flow, 2 April 2025")
    return {"totals": table, "jpmorgan_gains": jpm_gains}


# ---------------------------------------------------------------------------------------------
# The 2008 replay with the funds of 2008: 2x, -1x and -2x

#: Leverages of the 2008 funds (the first US 3x funds traded only from 5-6 November 2008).
REPLAY_2008_LEVERAGES = (2.0, -1.0, -2.0)
#: A long-heavy 2008 mix, the low end of the range: three quarters 2x, the quarter inverse split
#: evenly between -1x and -2x. The evidence points the other way (:func:`inverse_heavy_2008_shares`).
REPLAY_2008_SHARES = (0.75, 0.125, 0.125)


def inverse_heavy_2008_shares() -> tuple[float, float, float]:
    """Asset shares of 2x, -1x and -2x funds in 2008-09, from ProShares' inverse assets.

    ProShares' short and ultra-short ETFs held $13bn around the turn of 2008-09, $12bn
    of it in the -2x funds (``proshares_short_assets_2009_bn``). Set against Cheng and
    Madhavan's $22bn for all the funds, that puts $12bn in -2x, $1bn in -1x and the
    remaining $9bn in 2x funds. Other issuers' inverse funds are left out and
    ProShares' figure covers every asset class, so the split is a sourced sketch,
    not a measurement.
    """
    total = fact("reflexivity", "cheng_madhavan_assets_bn")
    proshares = fact("reflexivity", "proshares_short_assets_2009_bn")
    minus2 = float(proshares["ultrashort_minus_2x"])
    minus1 = float(proshares["all_short_and_ultrashort"]) - minus2
    return ((total - minus2 - minus1) / total, minus1 / total, minus2 / total)


def mixes_2008() -> dict[str, tuple[float, ...]]:
    """The two 2008 mixes of 2x, -1x and -2x funds that span the unknown split, by name."""
    return {"long-heavy": tuple(REPLAY_2008_SHARES), "inverse-heavy": inverse_heavy_2008_shares()}


def flow_per_dollar_2012() -> float:
    """2012's flow per dollar of fund assets per 100% move: Tuzun's flow per 1% times 100 over the assets.

    An asset-weighted ``L² − L`` of about 3.47; more per equity dollar if part of the
    $30bn was in bond, commodity or currency funds, which Tuzun's flow leaves out.
    """
    return 100.0 * fact("reflexivity", "tuzun_flow_per_pct_bn") / fact("reflexivity", "letf_assets_2012_bn")


def _mix_per_dollar(shares) -> float:
    return float(aggregate_rebalance_flow(list(shares), list(REPLAY_2008_LEVERAGES), 1.0))


def gains_2008(levels: pd.Series) -> pd.DataFrame:
    """The central calibrated gain restated on 2008-09 fund assets and on the 2008 market.

    The 2012 gain (Tuzun's flow over the end-2012 depth at the central multiplier) is
    scaled by the funds' assets (end-January 2009 over early 2012) and by the index level
    (end-2012 over the day's close, which stands in for the market's value). That keeps
    2012's flow per dollar of fund assets (:func:`flow_per_dollar_2012`); the last two
    columns put the assets in 2008's 2x/-1x/-2x funds instead, long-heavy and
    inverse-heavy (:func:`mixes_2008`), scaling by the mix's flow per dollar over 2012's.

    Parameters
    ----------
    levels : pandas.Series
        S&P 500 closes indexed by date, covering 29 August 2008, September-December 2008
        and 31 December 2012.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``"start"`` (29 August 2008), ``"trough"`` (the lowest close of
        September-December 2008) and ``"end of 2008"``: ``date``, ``level_vs_2012``,
        ``gain``, ``gain, long-heavy`` and ``gain, inverse-heavy``. ``attrs`` holds
        ``fund_ratio`` (the assets ratio), ``per_dollar_2012`` and ``per_dollar`` and
        ``mix_ratio`` (dicts by mix).
    """
    if not isinstance(levels, pd.Series) or not isinstance(levels.index, pd.DatetimeIndex):
        raise TypeError(f"levels must be a pandas Series indexed by date, got {type(levels).__name__}")
    try:
        base = float(levels.loc["2012-12-31"])
        window = levels.loc["2008-09-01":"2008-12-31"]
        days = {"start": pd.Timestamp("2008-08-29"), "trough": window.idxmin(),
                "end of 2008": pd.Timestamp("2008-12-31")}
        closes = {name: float(levels.loc[day]) for name, day in days.items()}
    except KeyError as exc:
        raise ValueError(f"levels lacks a close the 2008 gains need: {exc}") from None
    except ValueError:
        raise ValueError("levels has no closes in September-December 2008") from None
    central = float(calibration_table().loc["Calibrated: multiplier "
                                            f"{fact('reflexivity', 'price_impact_multiplier'):g}", "gain"])
    fund_ratio = fact("reflexivity", "cheng_madhavan_assets_bn") / fact("reflexivity", "letf_assets_2012_bn")
    per_2012 = flow_per_dollar_2012()
    per_dollar = {name: _mix_per_dollar(shares) for name, shares in mixes_2008().items()}
    mix_ratio = {name: value / per_2012 for name, value in per_dollar.items()}
    rows = {}
    for name, day in days.items():
        ratio = closes[name] / base
        gain = central * fund_ratio / ratio
        rows[name] = {"date": day, "level_vs_2012": ratio, "gain": gain,
                      **{f"gain, {mix}": gain * r for mix, r in mix_ratio.items()}}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs.update(fund_ratio=fund_ratio, per_dollar_2012=per_2012, per_dollar=per_dollar, mix_ratio=mix_ratio)
    return table


#: Last close of the month to which Cheng and Madhavan date their $22bn: the May 2009 version of their
#: note says "as of end-January 2009" (the ``as_of`` of ``cheng_madhavan_assets_bn``).
CM_ASSETS_CLOSE = "2009-01-30"


def _mix_label(total: float, name: str, backcast: bool) -> str:
    if backcast:
        return f"${total:g}bn back-cast to Aug 2008, {name}"
    return f"${total:g}bn from the start, {name}"


def replay_2008_mix(shocks: pd.Series, levels: pd.Series) -> pd.DataFrame:
    """The autumn-2008 replay with the funds' real 2008-09 assets in each 2008 mix, on the 2008 market.

    Cheng and Madhavan's $22bn go into 2x, -1x and -2x funds, long-heavy and
    inverse-heavy (:func:`mixes_2008`), in two ways. The **end-January** case starts
    the funds on 29 August 2008 with their end-January 2009 assets, so the autumn's
    returns are counted twice: the inverse funds start too large, the long ones too small.
    The **back-cast** case starts each leverage's assets at their end-January 2009
    value divided by that leverage's own return from the close before the replay to
    30 January 2009 (:func:`lettools.backcast_assets`; no fees, financing or investor
    flows): the inverse funds start smaller, the long ones larger. The back-cast is an
    upper figure on every day: net creations into the funds in late 2008 put their
    assets below it, and the $22bn includes 3x funds that first traded on 5 November
    2008, back-cast as if they had existed in August. The end-January case is no bound:
    it can start below the back-cast. The depth is the central multiplier's end-2012
    depth times the S&P 500's close on the day before the replay starts over its
    end-2012 close, and it then follows the index level, so the end-January case's
    first-day gain is :func:`gains_2008`'s at the start.
    The replay's own funds (Tuzun's flow in 3x/-3x funds, end-2012 depth held fixed)
    come first for comparison.

    Parameters
    ----------
    shocks : pandas.Series
        The index's daily returns over the replay, indexed by date.
    levels : pandas.Series
        S&P 500 closes indexed by date, covering the close before the first shock,
        30 January 2009 and 31 December 2012.

    Returns
    -------
    pandas.DataFrame
        Indexed by the funds: ``assets`` and ``flow_per_pct`` ($bn, per 1% move on the
        first day), ``gain, first day``, ``gain, highest``, ``trough`` and
        ``volatility ratio``. ``attrs`` holds ``level_ratio``, ``backcast_factor``
        (start over end-January 2009 assets, by leverage) and
        ``upper_above_backcast_from``: for each mix, the first day from which the
        end-January-assets case's gain exceeds the back-cast's on every remaining day
        (``None`` if it does not end above it).
    """
    if not isinstance(levels, pd.Series) or not isinstance(levels.index, pd.DatetimeIndex):
        raise TypeError(f"levels must be a pandas Series indexed by date, got {type(levels).__name__}")
    before = levels.loc[:shocks.index[0] - pd.Timedelta(days=1)]
    needed = (pd.Timestamp("2012-12-31"), pd.Timestamp(CM_ASSETS_CLOSE))
    if before.empty or any(day not in levels.index for day in needed):
        raise ValueError("levels needs a close before the first shock and the closes of 30 January 2009 "
                         "and 31 December 2012")
    level_ratio = float(before.iloc[-1]) / float(levels.loc["2012-12-31"])
    path = levels.loc[before.index[-1]:CM_ASSETS_CLOSE].pct_change().dropna()
    leverages = list(REPLAY_2008_LEVERAGES)
    factor = backcast_assets(np.ones(len(leverages)), leverages, path)
    depth_2012 = calibrated_depth_per_pct()
    total = fact("reflexivity", "cheng_madhavan_assets_bn")
    settings = {"replay's funds (3x/-3x, Tuzun's flow)": (_calibrated_assets(), list(REPLAY_LEVERAGES),
                                                        depth_2012, False)}
    for backcast in (False, True):
        for name, shares in mixes_2008().items():
            funds = [total * s * (f if backcast else 1.0) for s, f in zip(shares, factor, strict=False)]
            settings[_mix_label(total, name, backcast)] = (funds, leverages, depth_2012 * level_ratio, True)
    rows, gains = {}, {}
    for name, (funds, levs, depth, scaled) in settings.items():
        market = simulate_reflexive_market(shocks, fund_assets=funds, leverages=levs, depth=_depth_from_per_pct(depth),
                                           depth_scales_with_level=scaled)
        gains[name] = market["gain"]
        summary = reflexive_market_summary(market)
        rows[name] = {"assets": float(sum(funds)), "flow_per_pct": aggregate_rebalance_flow(funds, levs, 0.01),
                      "gain, first day": summary["gain, first day"], "gain, highest": summary["gain, highest"],
                      "trough": summary["trough with feedback"], "volatility ratio": summary["daily volatility ratio"]}
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("funds")
    table.attrs["level_ratio"] = level_ratio
    table.attrs["backcast_factor"] = dict(zip([f"{lev:g}x" for lev in leverages], factor.tolist(), strict=False))
    above = {}
    for name in mixes_2008():
        upper, back = gains[_mix_label(total, name, False)].align(gains[_mix_label(total, name, True)], join="inner")
        over = upper > back
        stays = over[::-1].cummin()[::-1]  # above on that day and on every later day
        above[name] = stays.idxmax() if stays.any() else None
    table.attrs["upper_above_backcast_from"] = above
    return table


# ---------------------------------------------------------------------------------------------
# Today's flow against the closing auction, a square-root cross-check, and offsetting flows


def _central_today() -> tuple[float, float]:
    """Flow per 1% ($bn) and central gain of the end-November 2025 total ($160.5bn) on its own market."""
    totals = late_2025_restatement()["totals"]
    row = totals.loc[[name for name in totals.index if "160.5" in name][0]]
    return float(row["flow_per_pct"]), float(row["gain, multiplier 5"])


def closing_auction_shares(move: float = -0.03) -> pd.DataFrame:
    """Today's funds' closing trade as a share of a typical day's US closing auctions (2024).

    Rows: the end-November 2025 total's flow per 1% (:func:`late_2025_restatement`)
    and JPMorgan's April 2025 figure, each times ``move``; and the banks' desk estimates
    of the flow on their days (:func:`desk_flow_per_pct`). Each trade is divided by the
    $50bn the US closing auctions matched on a typical day of 2024; crash days have
    larger auctions, so the shares are upper figures for those days.

    Returns
    -------
    pandas.DataFrame
        Indexed by estimate: ``trade`` ($bn, unsigned) and ``share_of_auction``.
    """
    move = float(move)
    if not -1.0 < move < 1.0 or move == 0.0:
        raise ValueError(f"move must be a non-zero decimal between -1 and 1, got {move}")
    auction = fact("reflexivity", "us_closing_auction_2024")["notional_bn"]
    flow_nov, _ = _central_today()
    rows = {
        f"$160.5bn total, {move:.0%} move": abs(flow_nov * 100.0 * move),
        f"JPMorgan's flow per 1%, {move:.0%} move": abs(fact("reflexivity", "jpmorgan_flow_per_pct_bn") * 100.0 * move),
    }
    for day, row in desk_flow_per_pct().iterrows():
        rows[f"desk estimate, {day:%d %b %Y} ({row['sp500_move']:+.1%})"] = abs(float(row["flow"]))
    table = pd.DataFrame({"trade": pd.Series(rows)})
    table["share_of_auction"] = table["trade"] / auction
    table.attrs["auction_bn"] = auction
    return table.rename_axis("estimate")


def us_sqrt_check(shock: float = -0.03, daily_sigmas=(0.01, 0.02), ys=(0.5, 1.0)) -> pd.DataFrame:
    """The central present-day gain against the square-root law on the whole US market.

    Today's funds (the end-November 2025 total, ``K`` = 100 times its flow per 1%) trade
    into the US market's daily volume, the 2024 closing auctions' $50bn over their 9%
    share of total volume (cash equities only; index futures would add to it and lower
    the impact). ``daily_sigmas`` are a single stock's daily volatility, the law's sigma, which
    is above the index's. For each daily volatility and each ``Y`` the extra move is where
    :func:`lettools.sqrt_impact_fixed_point` settles minus the shock; the linear row is
    ``shock (1/(1 - gain) - 1)`` at the central multiplier.

    Returns
    -------
    pandas.DataFrame
        Indexed by setting: ``extra_move`` (decimal, with the shock's sign) and
        ``ratio_to_linear``. ``attrs`` holds ``daily_volume_bn`` and ``flow_per_pct``.
    """
    auction = fact("reflexivity", "us_closing_auction_2024")
    volume = auction["notional_bn"] / auction["share_of_volume"]
    flow, gain = _central_today()
    linear = shock * (float(amplification(gain)) - 1.0)
    rows = {"linear, multiplier 5": {"extra_move": linear, "ratio_to_linear": 1.0}}
    for vol in daily_sigmas:
        for y in ys:
            extra = float(sqrt_impact_fixed_point(shock, 100.0 * flow, volume, vol, y)) - shock
            rows[f"square root, stock's daily vol {vol:.0%}, Y {y:g}"] = {"extra_move": extra,
                                                                  "ratio_to_linear": extra / linear}
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("setting")
    table.attrs.update(daily_volume_bn=volume, flow_per_pct=flow)
    return table


def flow_offset_table(move: float = -0.03, leverages=(3.0, 2.0, -1.0, -2.0, -3.0)) -> pd.DataFrame:
    """Net investor flow, as a share of each fund's assets, that cancels its rebalancing trade after ``move``.

    :func:`lettools.offsetting_flow_share`: ``F / A = -(L - 1) R``. Returns, by
    leverage, ``rebalance`` (the trade per dollar of assets, ``(L² − L) R``) and
    ``offsetting_flow`` (creations positive, redemptions negative).
    """
    levs = np.asarray([float(lev) for lev in leverages])
    table = pd.DataFrame({"rebalance": (levs**2 - levs) * move,
                          "offsetting_flow": offsetting_flow_share(levs, move)},
                         index=pd.Index([f"{lev:g}x" for lev in levs], name="fund"))
    return table
