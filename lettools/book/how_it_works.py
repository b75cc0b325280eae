"""Explorers and exercises of the page "How this book works" (front/how-it-works.ipynb)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from lettools.charts import end_labels
from lettools.exercises import FunctionExercise, NumericExercise, register
from lettools.fund import simulate_fund, static_leverage_path
from lettools.twin import Explorer, Param

__all__ = ["two_day_values", "two_day_explorer"]

_TWO_DAY_SERIES = {"index": "Index", "fund": "Daily-reset fund", "held": "Leverage bought once and held"}


def two_day_values(first_return: float, second_return: float, leverage: float) -> pd.DataFrame:
    """Values (start 100) of the index, an ``L``x daily-reset fund and ``L``x exposure held for two days.

    Returns one row per day (0, 1, 2) with columns ``day``, ``index``, ``fund``
    (:func:`lettools.fund.simulate_fund`) and ``held``
    (:func:`lettools.fund.static_leverage_path`).
    """
    returns = [first_return, second_return]
    return pd.DataFrame(
        {
            "day": np.arange(3),
            "index": static_leverage_path(returns, 1.0, start=100.0),
            "fund": simulate_fund(returns, leverage, start=100.0),
            "held": static_leverage_path(returns, leverage, start=100.0),
        }
    )


def _draw_two_day(base: alt.Chart, domains: Mapping[str, list[float]]) -> alt.LayerChart:
    names = list(_TWO_DAY_SERIES.values())
    label = " : ".join(f"datum.key === {key!r} ? {name!r}" for key, name in _TWO_DAY_SERIES.items())
    # One row per day keeps the embedded data small; fold it into one row per series here.
    long = (
        base.transform_fold(list(_TWO_DAY_SERIES), as_=["key", "value"])
        .transform_calculate(series=f"{label} : datum.key", change="datum.value / 100 - 1")
    )
    low = min(domains[key][0] for key in _TWO_DAY_SERIES)
    high = max(domains[key][1] for key in _TWO_DAY_SERIES)
    # Colour and dash both encode the series, so it does not rest on colour alone.
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=names),
                      legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5))
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=names))
    y = alt.Y("value:Q", title="Value (start = 100)", scale=alt.Scale(domain=[low, high], zero=False))
    x = alt.X("day:O", title="Day", axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("day:O", title="Day"),
        alt.Tooltip("value:Q", title="Value", format=".2f"),
        alt.Tooltip("change:Q", title="Change since day 0", format="+.2%"),
    ]
    lines = long.mark_line(point=True).encode(x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip)
    labels = end_labels(  # the three lines can end close together: labels keep clear of each other
        long.transform_filter("datum.day == 2"),
        x=x, y=y, color=color, text=alt.Text("change:Q", format="+.2%"), value="value",
    )
    return alt.layer(lines, labels).properties(width=420, height=280)


def two_day_explorer() -> Explorer:
    """Two index days, a daily-reset fund and leverage held: the explorer of "How this book works"."""
    day_returns = np.round(np.arange(-0.10, 0.1001, 0.025), 3)
    return Explorer(
        compute=two_day_values,
        params=[
            Param("first_return", day_returns, default=0.10, label="Index return, day 1",
                  percent=True, live=(-0.30, 0.30, 0.005)),
            Param("second_return", day_returns, default=-0.10, label="Index return, day 2",
                  percent=True, live=(-0.30, 0.30, 0.005)),
            Param("leverage", [-3, -2, -1, 1, 2, 3], default=2, label="Leverage",
                  live=(-3.0, 3.0, 0.5)),
        ],
        draw=_draw_two_day,
        title="Two days: the daily-reset fund versus leverage bought once",
        description=(
            "Line chart over days 0 to 2 of three values starting at 100: the index, a fund that resets "
            "to the chosen leverage every day, and the same leverage bought once and held. Labels at "
            "day 2 give each one's total change. At the default setting, a 10% rise then a 10% fall at 2x, "
            "the daily-reset fund ends below the held position, as it does whenever the two days go in "
            "opposite directions and the leverage is above 1 or negative; it ends above it when they go the "
            "same way. At a leverage of 0 or 1, or when either day is 0%, the two coincide."
        ),
    )


# Exercises

def _two_day_fund_return(first_return: float, second_return: float, leverage: float) -> float:
    """Two-day return of a daily-reset fund, from the simulator."""
    path = simulate_fund([first_return, second_return], leverage)
    return float(path[-1] / path[0] - 1.0)


register(
    NumericExercise(
        id="how-it-works-two-day",
        expected=lambda: _two_day_fund_return(0.05, -0.05, 3),
        unit="decimal",
        decimals=4,
        points=2,
        minutes=10,
        hint="Each day the fund's value is multiplied by one plus three times the index's return.",
        mistakes=(
            (
                lambda: 3 * ((1 + 0.05) * (1 - 0.05) - 1),
                "That is three times the index's two-day return, the answer for leverage bought once "
                "and held. The fund resets every day: compound its two daily returns.",
            ),
        ),
    )
)

register(
    FunctionExercise(
        id="how-it-works-two-day-function",
        reference=_two_day_fund_return,
        cases=(
            {"first_return": 0.10, "second_return": -0.10, "leverage": 2},
            {"first_return": 0.05, "second_return": 0.05, "leverage": 3},
            {"first_return": -0.02, "second_return": 0.03, "leverage": -1},
            {"first_return": 0.01, "second_return": -0.04, "leverage": 1},
            {"first_return": 0.0, "second_return": 0.0, "leverage": -3},
        ),
        hint="Multiply the two daily growth factors (1 + leverage * return), then subtract 1.",
    )
)
