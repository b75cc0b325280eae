"""The chapter "Mechanics": its explorers, tables, charts and exercises (lettools.book.mechanics)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lettools import (
    acceleration_move,
    balance_sheet,
    day_by_day,
    effective_leverage,
    rebalance_flow,
    simulate_fund,
    wipeout_move,
)
from lettools.book import mechanics
from lettools.book.mechanics import (
    DAY_PRESETS,
    LEVERAGE_PAIRS,
    balance_sheet_explorer,
    day_pair_values,
    days_explorer,
    market_size_chart,
    market_size_table,
    wipeout_chart,
    wipeout_table,
)
from lettools.charts import check_accessible
from lettools.exercises import evaluate, registered
from lettools.twin import TWIN_BUDGET_BYTES

LEVERAGES = (2.0, 3.0, -1.0, -2.0, -3.0)


# Worked examples


def test_example_1_1_two_x_fund_buys_two_million_after_a_one_percent_day():
    book = day_by_day([0.01], 2, assets=100.0).iloc[0]
    assert book["exposure_held"] == pytest.approx(202.0)
    assert book["assets_after"] == pytest.approx(102.0)
    assert book["target_exposure"] == pytest.approx(204.0)
    assert book["trade"] == pytest.approx(2.0)


def test_example_1_2_three_x_fund_after_five_percent_day_buys_thirty_million():
    book = day_by_day([0.05], 3, assets=100.0).iloc[0]
    assert book["assets_after"] == pytest.approx(115.0)
    assert book["exposure_held"] == pytest.approx(315.0)
    assert book["trade"] == pytest.approx(30.0)
    assert book["exposure_held"] / book["assets_after"] < 3.0  # under-leveraged before the trade


@pytest.mark.parametrize("leverage", LEVERAGES + (1.0, 0.5, 1.5))
def test_balance_sheet_trade_equals_closed_form_every_day(leverage):
    returns = np.random.default_rng(7).normal(0.0, 0.03, size=40)
    book = day_by_day(returns, leverage, assets=250.0)
    formula = rebalance_flow(book["assets_before"].to_numpy(), leverage, returns)
    np.testing.assert_allclose(book["trade"], formula, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(book["assets_after"], simulate_fund(returns, leverage, start=250.0)[1:])
    # each day starts from the previous close
    np.testing.assert_allclose(book["assets_before"].to_numpy()[1:], book["assets_after"].to_numpy()[:-1])


def test_day_by_day_rejects_bad_input_by_name():
    with pytest.raises(ValueError, match="index_returns"):
        day_by_day([[0.01, 0.02]], 2)
    with pytest.raises(ValueError, match="index_returns"):
        day_by_day([0.01, -1.2], 2)
    with pytest.raises(ValueError, match="assets"):
        day_by_day([0.01], 2, assets=0.0)
    with pytest.raises(TypeError, match="leverage"):
        day_by_day([0.01], "2")


# Day-by-day explorer


@pytest.mark.parametrize("pair", list(LEVERAGE_PAIRS))
@pytest.mark.parametrize("sequence", list(DAY_PRESETS))
def test_long_and_inverse_funds_trade_in_the_direction_of_the_move(sequence, pair):
    frame = day_pair_values(sequence, pair, 5)
    days = frame[frame["day"] > 0]
    moving = days[days["index_return"] != 0.0]
    assert (np.sign(moving["trade"]) == np.sign(moving["index_return"])).all()
    assert set(frame["panel"]) == {0, 1}
    long, inverse = LEVERAGE_PAIRS[pair]
    start = frame[frame["day"] == 0].set_index("panel")
    assert start.loc[0, "target_exposure"] == pytest.approx(100.0 * long)
    assert start.loc[1, "target_exposure"] == pytest.approx(100.0 * inverse)
    # the axis bounds cover every level and trade of the path
    assert (frame["level_low"] <= frame[["assets_after", "target_exposure"]].min(axis=1) + 1e-9).all()
    assert (frame["level_high"] >= frame[["assets_after", "target_exposure"]].max(axis=1) - 1e-9).all()
    assert (frame["trade_bound"] >= frame["trade"].abs() - 1e-9).all()


def test_through_day_reveals_days_one_at_a_time():
    for day in range(6):
        frame = day_pair_values("Steady rise", "2x and -2x", day)
        assert sorted(frame["day"].unique()) == list(range(day + 1))
    with pytest.raises(ValueError, match="through_day"):
        day_pair_values("Steady rise", "2x and -2x", 6)
    with pytest.raises(ValueError, match="sequence"):
        day_pair_values("No such path", "2x and -2x", 1)
    with pytest.raises(ValueError, match="pair"):
        day_pair_values("Steady rise", "4x and -4x", 1)


def test_presets_are_five_days_and_seeded_ones_are_reproducible():
    assert all(len(path) == 5 for path in DAY_PRESETS.values())
    assert mechanics._seeded_days(0.20, 4) == DAY_PRESETS["Random, 20% volatility (seed 4)"]


def test_days_explorer_accepts_a_readers_own_path():
    mine = [0.02, -0.01, 0.0, 0.03, -0.04]
    explorer = days_explorer({**DAY_PRESETS, "Mine": mine})
    frame = explorer.compute(sequence="Mine", pair="3x and -3x", through_day=5)
    long = frame[(frame["panel"] == 0) & (frame["day"] > 0)]
    assert long["trade"].to_numpy() == pytest.approx(day_by_day(mine, 3)["trade"].to_numpy())
    with pytest.raises(ValueError, match="same number of days"):
        days_explorer({"a": [0.01, 0.02], "b": [0.01]})


# Balance sheet


@pytest.mark.parametrize("leverage", LEVERAGES)
@pytest.mark.parametrize("move", [-0.08, 0.0, 0.05])
def test_balance_sheet_adds_up(leverage, move):
    sheet = balance_sheet(leverage, move, assets=100.0, futures_share=0.25)
    stage = {name: part for name, part in sheet.groupby("stage")}
    for part in stage.values():
        holdings = part.loc[part["side"] == "Holdings", "amount"].sum()
        assert holdings == pytest.approx(part["nav"].iloc[0])
    exposure = {name: part.loc[part["side"] == "Exposure", "amount"].sum() for name, part in stage.items()}
    nav_after = 100.0 * (1.0 + leverage * move)
    assert exposure["Before the move"] == pytest.approx(100.0 * leverage)
    assert exposure["After the move"] == pytest.approx(100.0 * leverage * (1.0 + move))
    assert exposure["After the rebalance"] == pytest.approx(leverage * nav_after)
    assert exposure["After the rebalance"] - exposure["After the move"] == pytest.approx(
        rebalance_flow(100.0, leverage, move)
    )


def test_balance_sheet_rejects_bad_input():
    with pytest.raises(ValueError, match="futures_share"):
        balance_sheet(2, 0.01, futures_share=1.5)
    with pytest.raises(ValueError, match="index_return"):
        balance_sheet(2, -1.0)


# Daily versus monthly target, wipeout, acceleration


def test_effective_leverage_of_a_position_left_alone():
    assert effective_leverage(2, -0.20) == pytest.approx(2 * 0.8 / 0.6)
    assert effective_leverage(2, 0.0) == pytest.approx(2.0)
    assert effective_leverage(2, 0.20) < 2.0
    values = effective_leverage(2, np.array([-0.6, -0.1]))
    assert math.isnan(values[0]) and values[1] == pytest.approx(2 * 0.9 / 0.8)
    with pytest.raises(ValueError, match="index_return"):
        effective_leverage(2, -1.0)


def test_wipeout_table_and_acceleration_move():
    table = wipeout_table()
    assert table["wipeout_move"].to_numpy() == pytest.approx([-0.5, -1 / 3, 1.0, 0.5, 1 / 3])
    assert acceleration_move(-1.0, 0.20) == pytest.approx(0.8)
    for leverage in LEVERAGES:
        assert acceleration_move(leverage, 0.0) == pytest.approx(wipeout_move(leverage))
        value = 1.0 + leverage * acceleration_move(leverage, 0.2)
        assert value == pytest.approx(0.2)
    with pytest.raises(ValueError, match="leverage"):
        acceleration_move(0.0, 0.2)
    with pytest.raises(ValueError, match="floor"):
        acceleration_move(2.0, 1.0)


def test_market_size_multiples():
    table = market_size_table()
    assert table["multiple"].to_numpy() == pytest.approx([84 / 39, 43.1 / 17])
    assert (table["end_may"] > table["april"]).all()
    # the AI/tech subset is a minority of all US leveraged ETFs (at most 42% of the reported floor)
    from lettools.book.mechanics import US_LEVERAGED_ETF_ASSETS_FLOOR

    assert table["end_may"].iloc[0] / US_LEVERAGED_ETF_ASSETS_FLOOR == pytest.approx(0.42)


# Charts and twins


@pytest.mark.parametrize("factory", [days_explorer, balance_sheet_explorer])
@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_twin_is_accessible_bound_and_under_budget(factory):
    explorer = factory()
    twin = explorer.twin()
    check_accessible(twin)
    spec = twin.to_dict()
    assert len(json.dumps(spec)) < TWIN_BUDGET_BYTES
    bound = {param["name"] for param in spec["params"] if "bind" in param}
    assert bound == {f"p_{p.name}" for p in explorer.params}


@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_live_charts_compute_settings_off_the_grid():
    chart = balance_sheet_explorer().chart(leverage=2.5, index_return=0.125)
    check_accessible(chart)
    chart.to_dict()
    days_explorer().chart(sequence="Steady fall", pair="2x and -1x", through_day=3).to_dict()


@pytest.mark.parametrize("chart", [wipeout_chart, market_size_chart])
def test_static_charts_have_title_and_description(chart):
    check_accessible(chart())
    chart().to_dict()


# Exercises


NUMERIC = [
    "mechanics-two-day-assets",
    "mechanics-two-day-trade",
    "mechanics-worst-day-leverage",
    "mechanics-worst-day-share",
    "mechanics-worst-day-wipeout-share",
    "mechanics-intraday-leverage",
    "mechanics-acceleration-move",
]


def test_every_exercise_is_registered():
    ids = set(registered())
    assert set(NUMERIC) | {"mechanics-end-of-day-trade"} <= ids


def test_two_day_exercise_expected_values():
    exercises = registered()
    assert exercises["mechanics-two-day-assets"].expected() == pytest.approx(50 * 1.06 * 0.91)
    assert exercises["mechanics-two-day-trade"].expected() == pytest.approx(50 * 1.06 * 6 * -0.03)
    assert exercises["mechanics-acceleration-move"].expected() == pytest.approx(0.8)


@pytest.mark.parametrize("exercise_id", NUMERIC)
def test_numeric_reference_passes_and_wrong_answer_fails(exercise_id):
    expected = registered()[exercise_id].expected()
    assert evaluate(exercise_id, expected).correct
    assert not evaluate(exercise_id, expected * 1.1).correct
    assert not evaluate(exercise_id, -expected).correct


def test_known_mistakes_get_their_targeted_hints():
    wrong = evaluate("mechanics-two-day-trade", float(rebalance_flow(50.0, 3, -0.03)))
    assert not wrong.correct and "starting assets" in wrong.message
    wrong = evaluate("mechanics-acceleration-move", 1.0)
    assert not wrong.correct and "zero" in wrong.message


def test_worst_day_exercise_uses_the_real_sp500_history():
    returns = pytest.importorskip("arch.data.sp500").load()["Adj Close"].pct_change().dropna()
    assert registered()["mechanics-worst-day-leverage"].expected() == pytest.approx(-1 / returns.min())
    # the 3x fund's loss that day; part (b) asks for the 2x wipeout move, so R / (-1/L) = -L R must be used
    assert registered()["mechanics-worst-day-share"].expected() == pytest.approx(-3 * returns.min())
    assert registered()["mechanics-worst-day-wipeout-share"].expected() == pytest.approx(returns.min() / (-1 / 2))
    assert (-returns.min()) / (1 / 2) == pytest.approx(-2 * returns.min())
    wrong = evaluate("mechanics-worst-day-wipeout-share", -3 * returns.min())  # the 3x answer copied
    assert not wrong.correct and "2x" in wrong.message


def test_worst_day_share_catches_the_fund_versus_index_mix_up():
    share = registered()["mechanics-worst-day-share"].expected()
    wrong = evaluate("mechanics-worst-day-share", 3 * share)  # fund loss / index wipeout move
    assert not wrong.correct and "like with like" in wrong.message


def test_mechanics_facts_are_sourced_and_cited_keys_exist():
    import re
    from pathlib import Path

    from lettools.facts import load

    bib = (Path(__file__).resolve().parents[1] / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.MULTILINE))
    facts = load("mechanics")
    assert facts
    for name, record in facts.items():
        assert {"value", "unit", "source", "basis"} <= set(record), name
        cited = re.findall(r"[a-z]+\d{4}[a-z0-9]*", record["source"])
        assert cited and set(cited) <= keys, (name, cited)
    assert mechanics.XIV_FIGURES["xiv_indicative_2feb"] == facts["xiv_indicative_2feb"]["value"]
    assert facts["leverage_cuts_2018"]["value"] == {"SVXY": [-1.0, -0.5], "UVXY": [2.0, 1.5]}


def test_trade_function_exercise():
    def right(assets, leverage, index_return):
        return leverage * assets * (1 + leverage * index_return) - leverage * assets * (1 + index_return)

    def leverage_times_move(assets, leverage, index_return):
        return assets * leverage * index_return

    assert evaluate("mechanics-end-of-day-trade", right).correct
    assert not evaluate("mechanics-end-of-day-trade", leverage_times_move).correct
    assert not evaluate("mechanics-end-of-day-trade", lambda assets, leverage, index_return: 0.0).correct


def test_intraday_leverage_flows_and_xiv():


    table = mechanics.intraday_leverage_table((3.0, -3.0), (0.03,))
    assert table.loc[0.03, "3x"] == pytest.approx(3 * 1.03 / 1.09)
    assert table.loc[0.03, "-3x"] == pytest.approx(-3 * 1.03 / 0.91)
    flows = mechanics.flow_examples(100, 3, 0.05, (0.0, -10.0, 10.0))
    assert flows["trade"].tolist() == pytest.approx([30.0, 0.0, 60.0])
    xiv = mechanics.xiv_table()
    assert xiv["XIV change in indicative value"] == pytest.approx(4.22 / 108.3681 - 1)
    check_accessible(mechanics.intraday_leverage_chart())
