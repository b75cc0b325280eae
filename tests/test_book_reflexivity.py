"""The Reflexivity page: its explorer, tables, charts and exercises compute the right numbers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lettools import halving_ratio, reflexive_market_summary, simulate_reflexive_market
from lettools.book import reflexivity as page
from lettools.charts import check_accessible
from lettools.exercises import evaluate, registered
from lettools.twin import TWIN_BUDGET_BYTES

EXERCISES = ("reflexivity-end-of-day-flow", "reflexivity-instability-point", "reflexivity-fixed-point",
             "reflexivity-korea-taiwan-flow", "reflexivity-single-stock-ratio")


def test_flow_table_adds_each_funds_trade_and_shares_of_the_close():
    table = page.flow_table({"3x long": (6.0, 3.0), "-3x inverse": (2.0, -3.0)}, 0.02, 10.0)
    # 6 * (9 - 3) * 0.02 = 0.72 and 2 * (9 + 3) * 0.02 = 0.48: both buy after a rise.
    assert table.loc["3x long", "flow"] == pytest.approx(0.72)
    assert table.loc["-3x inverse", "flow"] == pytest.approx(0.48)
    assert table.loc["All funds", "flow"] == pytest.approx(1.20)
    assert table.loc["All funds", "share_of_close"] == pytest.approx(0.12)
    falling = page.flow_table({"3x long": (6.0, 3.0), "-3x inverse": (2.0, -3.0)}, -0.02, 10.0)
    assert (falling["flow"] < 0).all() and (falling["share_of_close"] > 0).all()
    with pytest.raises(ValueError, match="funds"):
        page.flow_table({}, 0.01, 1.0)


def test_feedback_rounds_converge_to_the_closed_form_fixed_point():
    rounds = page.feedback_rounds(20.0, 5.0, 4.0, -0.03)
    gain = (20 * 6 + 5 * 12) / 400
    assert rounds["gain"].iloc[0] == pytest.approx(gain)
    assert len(rounds) == page.FEEDBACK_ROUNDS + 1
    # Partial sums of the geometric series: shock * (1 + g + ... + g^k).
    k = np.arange(len(rounds))
    np.testing.assert_allclose(rounds["move"], -0.03 * (1 - gain ** (k + 1)) / (1 - gain))
    assert page._fixed_point_reference(-0.03, 20.0, 5.0, 4.0) == pytest.approx(-0.03 / (1 - gain))
    assert rounds["move"].iloc[-1] == pytest.approx(page._fixed_point_reference(-0.03, 20.0, 5.0, 4.0), rel=1e-2)


def test_an_unstable_loop_runs_away_and_has_no_fixed_point():
    rounds = page.feedback_rounds(40.0, 20.0, 2.0, 0.01)
    assert rounds["gain"].iloc[0] > 1
    assert rounds["move"].is_monotonic_increasing and len(rounds) < page.FEEDBACK_ROUNDS + 1
    with pytest.raises(ValueError, match="no fixed point"):
        page._fixed_point_reference(0.01, 40.0, 20.0, 2.0)
    with pytest.raises(ValueError, match="depth_per_pct"):
        page._fixed_point_reference(0.01, 1.0, 1.0, 0.0)


@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_feedback_twin_stays_under_budget_and_carries_title_and_description():
    explorer = page.feedback_explorer()
    twin = explorer.twin()
    check_accessible(twin)
    size = len(json.dumps(twin.to_dict(validate=False)))
    assert size < TWIN_BUDGET_BYTES
    counts = explorer.grid_data().groupby(["long_assets", "inverse_assets", "depth_per_pct", "shock", "gain"]).size()
    assert len(counts) == 5 * 5 * 5 * 6  # every setting of the controls is in the page
    stable = counts[counts.index.get_level_values("gain") < 1]
    assert (stable == page.FEEDBACK_ROUNDS + 1).all()  # a stable loop never leaves the model's range
    check_accessible(explorer.chart(long_assets=33.0, inverse_assets=7.0, depth_per_pct=3.5, shock=0.02))


@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_twin_grid_holds_both_stable_and_runaway_settings():
    grid = page.feedback_explorer().grid_data()
    assert (grid["gain"] < 1).any() and (grid["gain"] >= 1).any()


def test_underlying_gain_table_scales_with_depth():
    table = page.underlying_gain_table(5.0, 2.0)
    depth = {name: 100 * per_pct for name, per_pct in page.ILLUSTRATIVE_DEPTHS.items()}
    for name, row in table.iterrows():
        assert row["gain"] == pytest.approx(5.0 * 2.0 / depth[name])
        assert row["amplification"] == pytest.approx(1 / (1 - row["gain"]))
        assert row["instability_assets"] == pytest.approx(depth[name] / 2.0)
        assert row["flow_per_pct"] == pytest.approx(0.1)
    assert table["gain"].is_monotonic_increasing  # broad, concentrated, single stock


@pytest.mark.parametrize(
    "chart",
    [
        lambda: page.sign_chart(),
        lambda: page.underlying_gain_chart(2.0, fund_assets=5.0),
        lambda: page.replay_chart(pd.Series([0.01, -0.02, 0.03], index=pd.date_range("2020-01-01", periods=3))),
    ],
    ids=["signs", "depth", "market"],
)
def test_charts_have_title_and_description(chart):
    check_accessible(chart())


def test_sign_chart_data_matches_the_engine_table():
    spec = page.sign_chart(move=0.02).to_dict()
    values = next(iter(spec["datasets"].values()))
    trades = {(row["fund"], row["day"]): row["trade"] for row in values}
    assert trades[("-3x", "Index +2%")] == pytest.approx(12 * 0.02 * 1000)
    assert trades[("+2x", "Index -2%")] == pytest.approx(-2 * 0.02 * 1000)
    assert all(t > 0 for (_, day), t in trades.items() if day == "Index +2%")


def test_exercises_are_registered():
    assert set(EXERCISES) <= set(registered())


def test_end_of_day_flow_exercise_and_its_slips():
    assert registered()["reflexivity-end-of-day-flow"].expected() == pytest.approx(-0.72)
    assert evaluate("reflexivity-end-of-day-flow", -0.72).correct
    assert "A (L² − L) R" in evaluate("reflexivity-end-of-day-flow", -0.21).message
    assert "also sells" in evaluate("reflexivity-end-of-day-flow", -0.36).message
    assert not evaluate("reflexivity-end-of-day-flow", 0.72).correct


def test_instability_exercise():
    assert registered()["reflexivity-instability-point"].expected() == pytest.approx(40.0)
    assert evaluate("reflexivity-instability-point", 40.0).correct
    assert "hundred" in evaluate("reflexivity-instability-point", 0.4).message
    assert not evaluate("reflexivity-instability-point", 300 / 9).correct  # equal weights


def test_fixed_point_function_exercise():
    assert evaluate("reflexivity-fixed-point", page._fixed_point_reference).correct
    assert evaluate("reflexivity-fixed-point", lambda shock, long_assets, inverse_assets, depth_per_pct:
                    shock / (1 - (6 * long_assets + 12 * inverse_assets) / (100 * depth_per_pct))).correct
    # Forgetting that D is per 100%:
    assert not evaluate("reflexivity-fixed-point", lambda shock, long_assets, inverse_assets, depth_per_pct:
                        shock / (1 - (6 * long_assets + 12 * inverse_assets) / depth_per_pct)).correct
    # Stopping after one round:
    assert not evaluate("reflexivity-fixed-point", lambda shock, long_assets, inverse_assets, depth_per_pct:
                        shock * (1 + (6 * long_assets + 12 * inverse_assets) / (100 * depth_per_pct))).correct


def test_korea_taiwan_exercise_uses_the_reported_assets():
    assert page.KOREA_TAIWAN_ASSETS == (17.0, 43.1)
    assert registered()["reflexivity-korea-taiwan-flow"].expected() == pytest.approx(-4.31)
    assert evaluate("reflexivity-korea-taiwan-flow", -4.31).correct
    assert "before" in evaluate("reflexivity-korea-taiwan-flow", -1.70).message
    assert not evaluate("reflexivity-korea-taiwan-flow", 4.31).correct


def test_replay_summary_labels_each_funds_assets_by_leverage():
    market = simulate_reflexive_market([0.01, -0.02, 0.005], fund_assets=[3.0, 1.0], leverages=[3.0, -3.0], depth=1e4)
    summary = reflexive_market_summary(market)
    assert summary["days"] == 3
    assert summary["3x assets at the end"] == pytest.approx(market["assets_0"].iloc[-1])
    assert summary["-3x assets at the end"] == pytest.approx(market["assets_1"].iloc[-1])
    assert summary["daily volatility ratio"] > 1  # the feedback amplifies every day's move


# --- calibration ---------------------------------------------------------------------------------

def test_calibrated_depth_and_gain_from_the_published_estimates():
    # $18.67tn / (100 x 5) = $37.3bn per 1%; Tuzun's $1.04bn per 1% gives a gain of about 0.028.
    assert page.calibrated_depth_per_pct() == pytest.approx(18_670 / 500)
    assert page.calibrated_depth_per_pct(8.0) == pytest.approx(18_670 / 800)
    table = page.calibration_table(shock=-0.03)
    central = table.loc["Calibrated: multiplier 5"]
    assert central["gain"] == pytest.approx(1.04 / (18_670 / 500))
    assert central["settled_move"] == pytest.approx(-0.03 / (1 - central["gain"]))
    calibrated = table[table["kind"] == "calibrated"]
    alarming = table[table["kind"] != "calibrated"]
    assert len(calibrated) == 3 and calibrated["gain"].max() < 0.05
    assert alarming["gain"].min() > 3 * calibrated["gain"].max()  # the alarming cases are far outside the range
    assert table.loc["Illustrative loop above (alarming)", "gain"] == pytest.approx(0.45)


def test_halving_the_depth_more_than_doubles_the_amplification_only_above_one_third():
    assert halving_ratio(0.45) > 2 and halving_ratio(0.2) < 2
    assert halving_ratio(1 / 3) == pytest.approx(2.0)
    gains = np.linspace(0.01, 0.49, 49)
    np.testing.assert_allclose(halving_ratio(gains), (1 - gains) / (1 - 2 * gains))
    assert np.isinf(halving_ratio(0.6))


def test_replay_funds_carry_tuzuns_flow_and_the_alarming_case_is_labelled():
    scenarios = page.replay_scenarios()
    calibrated = next(iter(scenarios.values()))
    flow = 6 * calibrated["fund_assets"][0] + 12 * calibrated["fund_assets"][1]
    assert flow / 100 == pytest.approx(1.04)
    assert calibrated["fund_assets"][0] == pytest.approx(3 * calibrated["fund_assets"][1])
    assert any(name.startswith("Alarming") for name in scenarios)
    shocks = pd.Series([-0.05, 0.03, -0.04, 0.02], index=pd.date_range("2008-10-01", periods=4))
    table = page.replay_table(shocks)
    assert table.loc["Index as it was", "volatility ratio"] == 1.0
    alarming = [name for name in table.index if name.startswith("Alarming")][0]
    assert table.loc[alarming, "volatility ratio"] > table.iloc[1]["volatility ratio"] > 1.0


def test_growth_table_scales_the_gain_and_labels_large_gains():
    table = page.growth_amplification_table(43.1 / 17.0)
    np.testing.assert_allclose(table["gain_after"], table.index * 43.1 / 17.0)
    np.testing.assert_allclose(table["amplification_after"], 1 / (1 - table["gain_after"]))
    assert table.loc[0.3, "kind"] == "thinner underlying"
    assert table.loc[0.01, "kind"] == "calibrated order (whole market)"


def test_korea_taiwan_calibration_applies_the_us_multipliers_to_both_markets():
    table = page.korea_taiwan_calibration()
    market_bn = 1000 * (2.76 + 3.0)  # Korea and Taiwan, end of 2025, $bn
    for multiplier in (3.0, 5.0, 8.0):
        per_pct = market_bn / (100 * multiplier)
        assert table.loc[multiplier, "depth_per_pct"] == pytest.approx(per_pct)
        assert table.loc[multiplier, "gain_april"] == pytest.approx(17.0 * 2 * 0.01 / per_pct)
        assert table.loc[multiplier, "gain_may"] == pytest.approx(43.1 * 2 * 0.01 / per_pct)
    assert table.loc[5.0, "amplification_may"] == pytest.approx(1 / (1 - 0.862 / 11.52))


def test_korea_concentration_is_the_two_chipmakers_share_of_the_market():
    shares = page.korea_concentration()
    assert shares["both"] == pytest.approx((760 + 492) / 3972)
    assert shares["samsung_electronics"] + shares["sk_hynix"] == pytest.approx(shares["both"])


def test_explorer_steps_inverse_dollar_counts_twice():
    steps = page.explorer_steps(20.0, 5.0, 4.0, step=5.0)
    assert steps["gain"] == pytest.approx((20 * 6 + 5 * 12) / 400)
    assert steps["inverse_added"] == pytest.approx(5 * 12 / 400)
    assert steps["long_added"] == pytest.approx(steps["inverse_added"])


def test_present_day_calibration_scales_tuzun_to_2026_assets_and_the_2023_market():
    # $1.04bn x 200 / 30 = $6.93bn per 1%; $49.0tn / (100 M) per 1%: gains 0.042, 0.071, 0.113.
    table = page.present_day_calibration(shock=-0.03)
    flow = 1.04 * 200 / 30
    np.testing.assert_allclose(table["flow_per_pct"], flow)
    np.testing.assert_allclose(table["gain"], [flow / (49_000 / (100 * m)) for m in (3, 5, 8)])
    assert table["gain"].iloc[1] == pytest.approx(0.0707, abs=1e-4)
    np.testing.assert_allclose(table["settled_move"], -0.03 / (1 - table["gain"]))


def test_replay_has_half_and_full_reversal_cases():
    scenarios = page.replay_scenarios()
    assert sorted(s["reversal"] for s in scenarios.values()) == [0.0, 0.0, 0.0, 0.5, 1.0]


def test_single_stock_ratio_exercise_uses_the_reported_won_figures():
    # 2 x (7.8995 + 2.4205) x 5% = 1.032 trillion won of sales, over 4.599 trillion won a day.
    sale = page.single_stock_sale(-0.05)
    assert sale["trade"] == pytest.approx(-2 * (7.8995 + 2.4205) * 0.05)
    assert sale["share"] == pytest.approx(1.032 / 4.599)
    expected = registered()["reflexivity-single-stock-ratio"].expected()
    assert expected == pytest.approx(0.2244, abs=1e-4)
    assert evaluate("reflexivity-single-stock-ratio", round(expected, 3)).correct
    assert "2 A R" in evaluate("reflexivity-single-stock-ratio", expected / 2).message
    assert not evaluate("reflexivity-single-stock-ratio", expected * 100).correct


def test_desk_flow_per_pct_divides_each_estimate_by_that_days_sp500_move():
    # Plain arithmetic on the closes: -15.5 / (100 x (3932.69 / 4110.41 - 1)) = 3.58 per 1%, etc.
    table = page.desk_flow_per_pct()
    closes = {"2022-09-13": (4110.41, 3932.69), "2025-04-03": (5670.97, 5396.52),
              "2025-04-04": (5396.52, 5074.08), "2025-04-09": (4982.77, 5456.90),
              "2025-10-10": (6735.11, 6552.51)}
    flows = {"2022-09-13": -15.5, "2025-04-03": -28.0, "2025-04-04": -23.0, "2025-04-09": 34.3, "2025-10-10": -26.0}
    for day, (before, after) in closes.items():
        row = table.loc[pd.Timestamp(day)]
        assert row["sp500_move"] == pytest.approx(after / before - 1)
        assert row["flow_per_pct"] == pytest.approx(flows[day] / (100 * (after / before - 1)))
    assert table["flow_per_pct"].min() == pytest.approx(3.585, abs=1e-3)
    assert table.loc[pd.Timestamp("2025-10-10"), "flow_per_pct"] == pytest.approx(9.59, abs=1e-2)
    assert (table["flow_per_pct"] > 0).all()  # every estimate trades with the day's move
    # the same estimates over the Nasdaq-100's move: -15.5 / (100 x (12033.62 / 12739.72 - 1)) = 2.80 per 1%
    ndx = {"2022-09-13": (12739.72, 12033.62), "2025-04-03": (19581.78, 18521.47),
           "2025-04-04": (18521.47, 17397.70), "2025-04-09": (17090.40, 19145.06)}
    for day, (before, after) in ndx.items():
        assert table.loc[pd.Timestamp(day), "flow_per_pct_ndx"] == pytest.approx(flows[day] / (100 * (after / before - 1)))
    assert table.loc[pd.Timestamp("2022-09-13"), "flow_per_pct_ndx"] == pytest.approx(2.80, abs=5e-3)
    assert table.loc[pd.Timestamp("2025-04-09"), "flow_per_pct_ndx"] == pytest.approx(2.85, abs=5e-3)
    assert np.isnan(table.loc[pd.Timestamp("2025-10-10"), "flow_per_pct_ndx"])  # no Nasdaq-100 close in the facts
    # the Nasdaq-100 moved more on each day, so its division gives less per 1%
    assert (table["flow_per_pct_ndx"].dropna() < table["flow_per_pct"].drop(pd.Timestamp("2025-10-10"))).all()


def test_korea_taiwan_calibration_can_use_koreas_value_after_the_rally():
    # 2 x 43.1 / 100 = 0.862 per 1% against (3760 + 3000) / (100 M): 0.038, 0.064, 0.102.
    table = page.korea_taiwan_calibration(korea_value_tn=3.76)
    np.testing.assert_allclose(table["gain_may"], [0.862 / (6760 / (100 * m)) for m in (3, 5, 8)])
    base = page.korea_taiwan_calibration()
    np.testing.assert_allclose(base["gain_may"], [0.862 / (5760 / (100 * m)) for m in (3, 5, 8)])
    with pytest.raises(ValueError, match="korea_value_tn"):
        page.korea_taiwan_calibration(korea_value_tn=0.0)
    with pytest.raises((TypeError, ValueError), match="korea_value_tn"):
        page.korea_taiwan_calibration(korea_value_tn="big")


def test_desk_flow_per_pct_needs_the_previous_close(monkeypatch):
    """A desk date without the previous weekday's close raises instead of using a multi-day move."""
    import lettools.book.reflexivity as page

    real_fact = page.fact

    def fake_fact(pg, key):
        value = real_fact(pg, key)
        if key == "sp500_close_desk_days":
            value = {k: v for k, v in value.items() if k != "2025-10-09"}
        return value

    monkeypatch.setattr(page, "fact", fake_fact)
    with pytest.raises(ValueError, match="sp500_close_desk_days"):
        page.desk_flow_per_pct()


def test_replay_leverage_check_keeps_the_flow_and_reproduces_the_central_replay():
    shocks = pd.Series([-0.05, 0.03, -0.04, 0.02, -0.06], index=pd.date_range("2008-10-01", periods=5))
    check = page.replay_leverage_check(shocks)
    assert list(check.index) == ["3x/-3x", "2x/-2x"]
    # same flow per 1% on the first day, so the same first-day gain: Tuzun's 1.04 over the central depth
    central = page.calibration_table().loc["Calibrated: multiplier 5"]
    np.testing.assert_allclose(check["gain, first day"], central["gain"])
    replay = page.replay_table(shocks).iloc[1]
    assert check.loc["3x/-3x", "trough"] == pytest.approx(replay["trough"])
    assert check.loc["3x/-3x", "volatility ratio"] == pytest.approx(replay["volatility ratio"])
    # plain numpy: first day settles at R0 / (1 - gain) for either mix
    gain = float(central["gain"])
    first = -0.05 / (1 - gain)
    for mix in check.index:
        assert check.loc[mix, "trough"] <= first + 1e-12
    with pytest.raises(ValueError, match="shares"):
        page.replay_leverage_check(shocks, leverages=(2.0, -2.0), shares=(0.5,))


def test_late_2025_restatement_puts_each_press_total_on_its_own_close():
    from lettools.book.reflexivity import late_2025_restatement
    from lettools.facts import value as fact
    late = late_2025_restatement()
    totals = late["totals"]
    sp, desk = fact("reflexivity", "sp500_close"), fact("reflexivity", "sp500_close_desk_days")
    assert sp["2025-11-28"] == 6849.09
    # plain numpy: Tuzun's flow scaled to the $160.5bn end-November total, on the 28 November 2025 market
    flow_200 = 1.04 * 200.0 / 30.0
    flow_nov = flow_200 * 160.5 / 200.0
    central_depth_2023 = 49_000.0 / (100 * 5.0)
    gain_nov = flow_nov / (central_depth_2023 * sp["2025-11-28"] / sp["2023-12-29"])
    nov = totals.loc["$160.5bn (end of November 2025)"]
    assert nov["flow_per_pct"] == pytest.approx(flow_nov, rel=1e-12)
    assert nov["gain, multiplier 5"] == pytest.approx(gain_nov, rel=1e-12)
    assert round(nov["gain, multiplier 5"], 3) == 0.040
    flow_apr = flow_nov * desk["2025-04-02"] / sp["2025-11-28"]
    assert nov["flow_per_pct_apr2025"] == pytest.approx(flow_apr, rel=1e-12)
    assert round(flow_apr, 2) == 4.61
    assert nov["gap_to_jpmorgan"] == pytest.approx(abs(flow_apr / 5.0 - 1), rel=1e-12)
    octo = totals.loc["$120bn (October 2025)"]
    assert octo["level_ratio"] == pytest.approx(desk["2025-10-10"] / sp["2023-12-29"])
    # JPMorgan's rounded figure lies inside the range of the restated flows (the chapter says so)
    assert totals["flow_per_pct_apr2025"].min() < 5.0 < totals["flow_per_pct_apr2025"].max()
    np.testing.assert_allclose(late["jpmorgan_gains"].to_numpy(),
                               5.0 / (49_000.0 / (100 * np.array([3.0, 5.0, 8.0])) * desk["2025-04-02"]
                                      / sp["2023-12-29"]), rtol=1e-12)


def test_2008_mixes_scale_by_2012s_flow_per_dollar_and_span_the_range():
    from lettools.book.reflexivity import (
        REPLAY_2008_LEVERAGES,
        REPLAY_2008_SHARES,
        flow_per_dollar_2012,
        gains_2008,
        inverse_heavy_2008_shares,
        replay_2008_mix,
        replay_leverage_check,
    )
    lev = np.array(REPLAY_2008_LEVERAGES)
    # ProShares: $12bn in -2x, $1bn in -1x, of Cheng and Madhavan's $22bn; the rest 2x
    inverse = np.array([9.0, 1.0, 12.0]) / 22.0
    np.testing.assert_allclose(inverse_heavy_2008_shares(), inverse, rtol=1e-12)
    per_2012 = 100 * 1.04 / 30.0
    assert flow_per_dollar_2012() == pytest.approx(per_2012)
    long_ratio = np.sum(np.array(REPLAY_2008_SHARES) * (lev**2 - lev)) / per_2012
    inverse_ratio = np.sum(inverse * (lev**2 - lev)) / per_2012
    assert long_ratio == pytest.approx(2.5 / per_2012) and inverse_ratio > 1.0 > long_ratio
    days = pd.to_datetime(["2008-08-29", "2008-09-02", "2008-09-03", "2008-09-04", "2008-09-05",
                           "2008-10-10", "2008-11-20", "2008-12-31", "2009-01-30", "2012-12-31"])
    levels = pd.Series([1280.0, 1292.8, 1241.1, 1265.9, 1227.9, 900.0, 750.0, 900.0, 830.0, 1420.0], index=days)
    early = gains_2008(levels)
    central = 1.04 / (18_670.0 / (100 * 5.0))
    assert early.loc["trough", "date"] == pd.Timestamp("2008-11-20")
    assert early.loc["start", "gain"] == pytest.approx(central * (22.0 / 30.0) / (1280.0 / 1420.0))
    np.testing.assert_allclose(early["gain, long-heavy"], early["gain"] * long_ratio)
    np.testing.assert_allclose(early["gain, inverse-heavy"], early["gain"] * inverse_ratio)
    with pytest.raises(ValueError, match="levels"):
        gains_2008(levels.drop(pd.Timestamp("2012-12-31")))
    with pytest.raises(TypeError, match="levels"):
        gains_2008(levels.to_numpy())
    # the replay on the 2008 market: $22bn, depth scaled to the close before the start; first-day gain by hand
    returns = pd.Series([0.01, -0.04, 0.02, -0.03], index=pd.bdate_range("2008-09-02", periods=4))
    mix = replay_2008_mix(returns, levels)
    depth_start = 18_670.0 / 5.0 * (1280.0 / 1420.0)
    closes = levels.loc["2008-08-29":"2009-01-30"].to_numpy()
    growth = np.array([np.prod(1.0 + lv * (closes[1:] / closes[:-1] - 1.0)) for lv in lev])  # plain numpy
    np.testing.assert_allclose(list(mix.attrs["backcast_factor"].values()), 1.0 / growth, rtol=1e-12)
    for name, shares in (("long-heavy", np.array(REPLAY_2008_SHARES)), ("inverse-heavy", inverse)):
        row = mix.loc[f"$22bn from the start, {name}"]
        assert row["gain, first day"] == pytest.approx(22.0 * np.sum(shares * (lev**2 - lev)) / depth_start)
        assert row["gain, first day"] == pytest.approx(early.loc["start", f"gain, {name}"])
        back = mix.loc[f"$22bn back-cast to Aug 2008, {name}"]
        start_assets = 22.0 * shares / growth
        assert back["assets"] == pytest.approx(start_assets.sum())
        assert back["gain, first day"] == pytest.approx(np.sum(start_assets * (lev**2 - lev)) / depth_start)
    assert mix.iloc[0]["flow_per_pct"] == pytest.approx(1.04)
    # the end-January case starts below the back-cast (inverse-heavy) and passes it only as a steady fall
    # grows its inverse funds; the long-heavy one never does
    assert mix.attrs["upper_above_backcast_from"] == {"long-heavy": None, "inverse-heavy": None}
    falls = pd.Series(-0.03, index=pd.bdate_range("2008-09-02", periods=12))
    above = replay_2008_mix(falls, levels).attrs["upper_above_backcast_from"]
    assert above["long-heavy"] is None and falls.index[0] < above["inverse-heavy"] <= falls.index[-1]
    with pytest.raises(ValueError, match="levels"):
        replay_2008_mix(returns, levels.drop(pd.Timestamp("2008-08-29")))
    with pytest.raises(ValueError, match="30 January 2009"):
        replay_2008_mix(returns, levels.drop(pd.Timestamp("2009-01-30")))
    # same flow, inverse-heavy: inverse assets grow in the fall, so the highest gain is above 3x/-3x's
    check = replay_leverage_check(returns, REPLAY_2008_LEVERAGES, inverse)
    assert check.loc["2x/-1x/-2x", "gain, first day"] == pytest.approx(check.loc["3x/-3x", "gain, first day"])
    assert check.loc["2x/-1x/-2x", "gain, highest"] > check.loc["3x/-3x", "gain, highest"]


def test_closing_auction_sqrt_check_and_flow_offsets():
    from lettools.book.reflexivity import closing_auction_shares, flow_offset_table, us_sqrt_check
    from lettools.facts import value as fact
    shares = closing_auction_shares(-0.03)
    np.testing.assert_allclose(shares["share_of_auction"], shares["trade"] / 50.0, rtol=1e-12)
    assert shares.loc["JPMorgan's flow per 1%, -3% move", "trade"] == pytest.approx(15.0)
    assert shares.loc["desk estimate, 03 Apr 2025 (-4.8%)", "share_of_auction"] == pytest.approx(28.0 / 50.0)
    with pytest.raises(ValueError, match="move"):
        closing_auction_shares(0.0)
    check = us_sqrt_check(-0.03, daily_sigmas=(0.01,), ys=(1.0,))
    flow = check.attrs["flow_per_pct"]
    volume = 50.0 / 0.09
    # plain numpy: x = 0.03 + sigma sqrt(100 K x / V), solved by iteration
    x = 0.03
    for _ in range(200):
        x = 0.03 + 0.01 * np.sqrt(100 * flow * x / volume)
    assert check.loc["square root, stock's daily vol 1%, Y 1", "extra_move"] == pytest.approx(-(x - 0.03), rel=1e-9)
    gain = flow / (1000 * fact("reflexivity", "us_market_cap_2023_tn") / 500.0
                   * fact("reflexivity", "sp500_close")["2025-11-28"] / fact("reflexivity", "sp500_close")["2023-12-29"])
    assert check.loc["linear, multiplier 5", "extra_move"] == pytest.approx(-0.03 * gain / (1 - gain), rel=1e-9)
    offsets = flow_offset_table(-0.03)
    np.testing.assert_allclose(offsets["offsetting_flow"], [0.06, 0.03, -0.06, -0.09, -0.12], atol=1e-12)


def test_single_stock_impact_table_permanent_against_temporary():
    from lettools.book.reflexivity import single_stock_impact_table
    from lettools.facts import value as fact
    table = single_stock_impact_table(multipliers=(1.0, 3.0), daily_sigma=0.03, ys=(0.5, 1.0))
    aum = sum(fact("reflexivity", "hk_single_stock_2x_aum_krw_tn").values())
    caps = fact("reflexivity", "korea_market_cap_jan2026_krw_tn")
    value = caps["samsung_electronics"] + caps["sk_hynix"]
    daily = fact("reflexivity", "samsung_hynix_daily_value_krw_tn")
    for m in (1.0, 3.0):  # permanent: gain = 2 A / (W / M)
        assert table.loc[f"permanent, multiplier {m:g}", "gain"] == pytest.approx(2.0 * aum * m / value)
    for y in (0.5, 1.0):  # temporary: the square-root law's average rate per 1%
        depth_pct = daily * (0.01 / (y * 0.03)) ** 2
        assert table.loc[f"temporary, square root, Y = {y:g}", "gain"] == pytest.approx(2.0 * aum / (100 * depth_pct))
    assert set(table["kind"]) == {"permanent", "temporary"}
    assert table.loc[table["kind"] == "temporary", "gain"].min() > table.loc[table["kind"] == "permanent", "gain"].max()
