"""The chapter "Compounding": its explorers, tables, charts and exercises (lettools.book.compounding)."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

import lettools as lt
from lettools import (
    buy_and_hold_gap,
    expected_growth_factor,
    log_growth_rate,
    scenario_returns,
    simulate_fund,
    static_leverage_path,
    terminal_value,
)
from lettools.book import PAGES
from lettools.book import compounding as page
from lettools.charts import check_accessible
from lettools.exercises import evaluate, registered
from lettools.twin import TWIN_BUDGET_BYTES

RNG = np.random.default_rng(20091201)


def test_page_is_listed_in_reading_order():
    assert "compounding" in PAGES
    assert PAGES.index("compounding") > PAGES.index("how_it_works")


# -- worked examples ------------------------------------------------------------------------

def test_example_2_1_four_times_the_loss():
    table = page.pattern_values("up, then down", 0.10, 2)
    np.testing.assert_allclose(table["index"], [100, 110, 99])
    np.testing.assert_allclose(table["fund"], [100, 120, 96])
    np.testing.assert_allclose(table["held"], [100, 120, 98])
    assert (100 - table["fund"].iloc[-1]) / (100 - table["index"].iloc[-1]) == pytest.approx(4)


def test_example_2_2_more_than_twice_the_gain():
    table = page.pattern_values("two up days", 0.10, 2)
    assert table["index"].iloc[-1] == pytest.approx(121)
    assert table["fund"].iloc[-1] == pytest.approx(144)
    assert table["fund"].iloc[-1] - 100 > 2 * (table["index"].iloc[-1] - 100)


def test_example_2_3_index_back_fund_not():
    table = lt.value_paths([-0.01] * 4 + [0.041], 2)
    assert table["index"].iloc[-1] == pytest.approx(100, abs=0.01)
    assert round(table["fund"].iloc[-1] / 100 - 1, 3) == -0.002


def test_four_down_then_back_restores_the_index_exactly():
    for move in (0.01, 0.05, 0.15):
        returns = page.pattern_returns("four down, then back", move)
        assert np.prod(1 + returns) == pytest.approx(1.0, abs=1e-12)
        assert returns.size == 5


@pytest.mark.parametrize("pattern, move, error", [("sideways", 0.1, ValueError), ("two up days", 0.0, ValueError),
                                                  ("two up days", 1.0, ValueError)])
def test_pattern_returns_rejects_bad_input(pattern, move, error):
    with pytest.raises(error, match="pattern|move"):
        page.pattern_returns(pattern, move)


def test_value_paths_matches_the_engine_and_rejects_many_paths():
    returns = RNG.normal(0, 0.02, 30)
    table = lt.value_paths(returns, -2)
    np.testing.assert_allclose(table["fund"], simulate_fund(returns, -2, start=100))
    np.testing.assert_allclose(table["held"], static_leverage_path(returns, -2, start=100))
    assert list(table["day"]) == list(range(31))
    with pytest.raises(ValueError, match="index_returns"):
        lt.value_paths(np.zeros((2, 3)), 2)


# -- the T-day gap -------------------------------------------------------------------------------

def test_elementary_symmetric_sums_match_brute_force():
    returns = RNG.normal(0, 0.05, 6)
    sums = lt.elementary_symmetric_sums(returns)
    for k in range(7):
        brute = sum(np.prod(combo) for combo in itertools.combinations(returns, k)) if k else 1.0
        assert sums[k] == pytest.approx(brute, rel=1e-12, abs=1e-18)


@pytest.mark.parametrize("leverage", [-3, -1, 2, 3, 0.5])
def test_gap_terms_add_up_to_held_minus_fund(leverage):
    returns = RNG.normal(0.0, 0.03, 12)
    terms = lt.gap_decomposition(returns, leverage)
    held_minus_fund = static_leverage_path(returns, leverage)[-1] - simulate_fund(returns, leverage)[-1]
    assert terms["term"].sum() == pytest.approx(held_minus_fund, rel=1e-10, abs=1e-14)
    assert list(terms["k"]) == list(range(2, 13))


def test_two_day_gap_is_the_pair_term():
    terms = lt.gap_decomposition([0.04, -0.03], 3)
    assert len(terms) == 1
    assert terms["term"].iloc[0] == pytest.approx(buy_and_hold_gap(0.04, -0.03, 3))


# -- leverage held --------------------------------------------------------------------------

def test_effective_leverage_after_a_rise_and_a_fall():
    np.testing.assert_allclose(lt.effective_leverage(2, [0.10, -0.10]), [2.2 / 1.2, 1.8 / 0.8])
    assert lt.effective_leverage(3, 0.0) == pytest.approx(3.0)
    # Leverage is exposure over equity of the held position itself.
    value = static_leverage_path([0.05, -0.12, 0.03], 3)[-1]
    index = np.prod([1.05, 0.88, 1.03])
    assert lt.effective_leverage(3, index - 1) == pytest.approx(3 * index / value)


def test_effective_leverage_of_a_wiped_out_position_is_nan():
    assert math.isnan(lt.effective_leverage(2, -0.5))
    assert math.isnan(lt.effective_leverage(-1, 1.2))


def test_effective_leverage_chart_is_described_and_capped():
    chart = page.effective_leverage_chart()
    check_accessible(chart)
    data = chart.data
    assert data["leverage"].max() <= 10.0
    assert set(data["position"]) == {"2x bought once and held", "2x daily-reset fund",
                                     "3x bought once and held", "3x daily-reset fund"}


# -- scenarios -----------------------------------------------------------------------------------

def test_scenario_values_use_the_seeded_paths():
    table = page.scenario_values("choppy", 3, 2)
    returns = scenario_returns("choppy", n_days=60, seed=2)
    np.testing.assert_allclose(table["fund"], simulate_fund(returns, 3, start=100))
    assert page.scenario_values("trend", 2, 3.0).equals(page.scenario_values("trend", 2, 3))
    with pytest.raises(ValueError, match="seed"):
        page.scenario_values("flat", 2, 0)


# -- Monte Carlo ---------------------------------------------------------------------------------

def test_gbm_mean_median_closed_forms():
    mean, median = lt.gbm_mean_median(3, 0.10, 0.25, 1.0)
    assert mean == pytest.approx(math.exp(0.3))
    assert median == pytest.approx(math.exp(0.3 - 9 * 0.25**2 / 2))
    means, medians = lt.gbm_mean_median(3, 0.08, np.array([0.1, 0.3, 0.6]), 2.0)
    np.testing.assert_allclose(means, math.exp(0.48))
    np.testing.assert_allclose(medians, np.exp(2 * log_growth_rate(3, 0.08, np.array([0.1, 0.3, 0.6]))))
    assert np.all(np.diff(medians) < 0)


def test_outcome_summary_agrees_with_theory():
    table = page.outcome_summary(0.2, 252).set_index("strategy")
    assert list(table.index) == ["Daily-reset fund", "Bought once and held"]
    fund = table.loc["Daily-reset fund"]
    mean, median = lt.gbm_mean_median(3, 0.08, 0.2, 1.0)
    assert fund["mean"] == pytest.approx(expected_growth_factor(3, np.expm1(0.08 / 252), 252), rel=0.02)
    assert fund["mean"] == pytest.approx(mean, rel=0.02)
    assert fund["median"] == pytest.approx(median, rel=0.03)
    assert fund["q05"] < fund["q25"] < fund["median"] < fund["q75"] < fund["q95"]
    assert 0.0 <= fund["prob_wipeout"] <= fund["prob_loss"] <= 1.0


@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_mean_median_chart_is_described():
    grid = page.outcomes_explorer().grid_data()
    fund = grid.query("strategy == 'Daily-reset fund' and n_days == 252")[["sigma", "mean", "median"]]
    assert len(fund) == 6
    # Over the grid the simulated median falls with volatility while the mean barely moves.
    assert np.all(np.diff(fund["median"]) < 0)
    assert fund["mean"].max() / fund["mean"].min() < 1.02
    check_accessible(page.mean_median_chart(fund))


# -- performance divergence -------------------------------------------------------------------------

def test_divergence_path_hits_both_targets():
    path = lt.divergence_path(0.08, -0.53, 3, 104, seed=7)
    assert path.size == 104
    assert np.prod(1 + path) - 1 == pytest.approx(0.08, abs=1e-12)
    assert terminal_value(path, 3) - 1 == pytest.approx(-0.53, abs=1e-8)
    check_accessible(page.divergence_chart(path, 3))


def test_divergence_path_refuses_impossible_targets():
    with pytest.raises(ValueError, match="fund_total"):
        lt.divergence_path(0.08, 0.30, 3, 50, seed=1)  # above 1.08**3 - 1: volatility only lowers it
    with pytest.raises(ValueError, match="n_days"):
        lt.divergence_path(0.08, -0.5, 3, 1, seed=1)


def test_calendar_year_comparison_on_the_nasdaq():
    pytest.importorskip("arch")
    from lettools import index_returns

    table = page.calendar_year_comparison("nasdaq", [2011, 2013])
    returns = index_returns("nasdaq", "2011-01-01", "2011-12-31")
    assert table.loc[2011, "fund"] == pytest.approx(terminal_value(returns, 2) - 1)
    assert table.loc[2011, "gap"] < 0 < table.loc[2013, "gap"]  # a choppy year and a steady trend
    assert table.loc[2013, "volatility"] < table.loc[2011, "volatility"]


# -- explorers ------------------------------------------------------------------------------------------

EXPLORERS = {"examples": page.examples_explorer, "paths": page.paths_explorer, "outcomes": page.outcomes_explorer}


@pytest.fixture(scope="module")
def explorers():
    return {name: factory() for name, factory in EXPLORERS.items()}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_twins_stay_under_budget_and_are_described(explorers, name):
    twin = explorers[name].twin()
    check_accessible(twin)
    assert len(json.dumps(twin.to_dict(validate=False))) < TWIN_BUDGET_BYTES
    check_accessible(explorers[name].chart())


def test_examples_explorer_defaults_replay_example_2_1(explorers):
    table = explorers["examples"].compute(**explorers["examples"].defaults)
    np.testing.assert_allclose(table["fund"], [100, 120, 96])
    grid = explorers["examples"].grid_data()
    assert len(grid.groupby(["pattern", "move", "leverage"])) == 3 * 10 * 5


def test_paths_explorer_covers_three_markets_and_five_leverages(explorers):
    grid = explorers["paths"].grid_data()
    assert set(grid["kind"]) == {"trend", "flat", "choppy"}
    assert sorted(set(grid["leverage"])) == [-3, -2, -1, 2, 3]
    end = grid.query("kind == 'choppy' and leverage == 3 and seed == 2 and day == 60").iloc[0]
    returns = scenario_returns("choppy", n_days=60, seed=2)
    assert end["fund"] == pytest.approx(100 * terminal_value(returns, 3))


def test_outcome_grid_equals_the_point_by_point_summaries_bit_for_bit(monkeypatch):
    # Each horizon's volatilities share one draw in the grid; one at a time, each draws its own.
    settings = pd.DataFrame([(sigma, n_days) for sigma in (0.1, 0.35, 0.6) for n_days in (21, 63)],
                            columns=["sigma", "n_days"])
    monkeypatch.setattr(page, "_SUMMARIES", type(page._SUMMARIES)())
    grid = page.outcome_grid(settings)
    monkeypatch.setattr(page, "_SUMMARIES", type(page._SUMMARIES)())  # nothing kept: every point simulated anew
    by_point = pd.concat([page.outcome_summary(row["sigma"], row["n_days"]).assign(**row)
                          for row in settings.to_dict("records")], ignore_index=True)
    pd.testing.assert_frame_equal(grid, by_point, check_exact=True)


def test_outcome_summaries_are_kept_and_handed_out_as_copies(monkeypatch):
    monkeypatch.setattr(page, "_SUMMARIES", type(page._SUMMARIES)())
    first = page.outcome_summary(0.25, 21, n_paths=500)
    first.loc[0, "mean"] = -1.0  # the caller's copy only
    calls = []
    monkeypatch.setattr(page, "simulate_outcomes", lambda *args, **kwargs: calls.append(args))
    again = page.outcome_summary(0.25, 21, n_paths=500)
    assert not calls and again.loc[0, "mean"] > 0.0
    assert list(page._SUMMARIES) == [(0.25, 21, 3.0, 0.08, 500, 2009)]


def test_outcomes_explorer_holds_summaries_not_paths(explorers):
    grid = explorers["outcomes"].grid_data()
    assert len(grid) == 6 * 6 * 2
    assert {"mean", "median", "q05", "q95", "prob_loss", "prob_wipeout"} <= set(grid.columns)


# -- exercises ------------------------------------------------------------------------------------------

IDS = ["compounding-two-day", "compounding-mean-3x", "compounding-median-3x", "compounding-fund-value",
       "compounding-nasdaq-2x"]


def test_exercises_are_registered():
    assert set(IDS) <= set(registered())


def test_two_day_exercise():
    assert evaluate("compounding-two-day", 1.12 * 0.91 - 1).correct
    assert "bought once" in evaluate("compounding-two-day", 3 * (1.04 * 0.97 - 1)).message
    assert "compounding" in evaluate("compounding-two-day", 0.03).message
    assert not evaluate("compounding-two-day", 0.02).correct


def test_mean_and_median_exercises():
    mean, median = math.exp(0.3), math.exp(0.3 - 9 * 0.0625 / 2)
    assert evaluate("compounding-mean-3x", mean).correct
    assert evaluate("compounding-median-3x", median).correct
    assert "That is the median" in evaluate("compounding-mean-3x", median).message
    assert "That is the mean" in evaluate("compounding-median-3x", mean).message
    assert "square of the leverage" in evaluate("compounding-median-3x", math.exp(0.3 - 3 * 0.0625 / 2)).message


def test_fund_value_exercise_accepts_a_loop_and_rejects_static_leverage():
    def loop(index_returns, leverage, start):
        value = start
        for day_return in index_returns:
            value *= 1 + leverage * day_return
        return value

    def held(index_returns, leverage, start):
        return start * (1 + leverage * (np.prod(1 + np.asarray(index_returns)) - 1))

    assert evaluate("compounding-fund-value", loop).correct
    assert not evaluate("compounding-fund-value", held).correct


def test_nasdaq_exercise():
    pytest.importorskip("arch")
    from lettools import index_returns

    answer = terminal_value(index_returns("nasdaq", "2011-01-01", "2011-12-31"), 2) - 1
    assert evaluate("compounding-nasdaq-2x", answer).correct
    twice = 2 * (np.prod(1 + index_returns("nasdaq", "2011-01-01", "2011-12-31").to_numpy()) - 1)
    assert "twice the index" in evaluate("compounding-nasdaq-2x", twice).message


def test_divergence_summary_reports_the_path_it_was_given():
    path = lt.divergence_path(0.08, -0.53, 3, 104, seed=7)
    summary = lt.divergence_summary(path, 3)
    assert summary["trading days"] == 104
    assert summary["index return"] == pytest.approx(0.08)
    assert summary["3x fund return"] == pytest.approx(-0.53)


# -- chapter 2 rework: monthly distribution, second-order rule, lag frequency, the alert ----------


def test_monthly_distribution_closed_forms_and_simulation_agree():
    month = lt.monthly_distribution(2, 0.009, 0.02, 21, n_paths=100_000, seed=24)
    assert month.loc["target", "mean"] == pytest.approx(0.018)
    assert month.loc["target", "sd"] == pytest.approx(0.04)
    m = 1.009 ** (1 / 21) - 1
    assert month.loc["fund", "mean"] == pytest.approx((1 + 2 * m) ** 21 - 1)
    for row in ("index", "target", "fund"):
        assert abs(month.loc[row, "mean_mc"] - month.loc[row, "mean"]) < 4 * month.loc[row, "mean_se"]
        assert month.loc[row, "sd_mc"] == pytest.approx(month.loc[row, "sd"], rel=0.02)
    assert month.loc["fund", "median_mc"] < month.loc["target", "median_mc"]


def test_monthly_median_gap_is_paired_with_the_monthly_distribution():
    month = lt.monthly_distribution(2, 0.009, 0.045, 21, n_paths=20_000, seed=5)
    gap = lt.monthly_median_gap(2, 0.009, 0.045, 21, n_paths=20_000, seed=5, n_resamples=50)
    assert gap["median_gap"] == pytest.approx(month.loc["target", "median_mc"] - month.loc["fund", "median_mc"])
    # the medians share their months, so their difference is far more precise than either median
    assert 0 < gap["median_gap_se"] < month.loc["fund", "median_se"] / 3
    assert gap["median_gap"] > 10 * gap["median_gap_se"]
    with pytest.raises(ValueError, match="n_resamples"):
        lt.monthly_median_gap(n_paths=20, n_resamples=0)


def test_scenario_rule_table_signs_match_the_exact_gap():
    rule = page.scenario_rule_table(3)
    assert len(rule) == 12
    returns = scenario_returns("choppy", n_days=60, seed=2)
    row = rule.query("market == 'choppy' and path == 2").iloc[0]
    assert row["squared_net_move"] == pytest.approx(np.sum(returns) ** 2)
    exact = np.prod(1 + 3 * returns) - (1 + 3 * (np.prod(1 + returns) - 1))
    assert row["fund_minus_target"] == pytest.approx(exact)
    assert (np.sign(rule["second_order"]) == np.sign(rule["fund_minus_target"])).all()


def test_lag_frequency_is_about_two_in_three_when_sigma_root_t_is_small():
    lags = lt.lag_frequency(3, sigmas=(0.1,), horizons=(63,), n_paths=4000, seed=1)
    row = lags.iloc[0]
    assert abs(row["lag_share"] - 0.6827) < 4 * row["lag_se"] + 0.01
    assert abs(row["mean_gap"]) < 4 * row["mean_gap_se"]


def test_alert_check_backs_out_the_volatility():
    check = page.alert_check(104)
    sigma = check["volatility implied by the 3x fund"]
    years = 104 / 252
    assert 1.08**3 * np.exp(-3 * sigma**2 * years) - 1 == pytest.approx(-0.53)
    assert check["-3x fund, predicted"] == pytest.approx(1.08**-3 * np.exp(-6 * sigma**2 * years) - 1)


def test_monte_carlo_check_against_closed_forms():
    from lettools import simulate_outcomes

    simulation = simulate_outcomes(3, 0.08, 0.30, 252, n_paths=5000, seed=1)
    table = page.monte_carlo_check(simulation)
    assert table.loc["mean", "daily resets"] == pytest.approx((1 + 3 * np.expm1(0.08 / 252)) ** 252)
    assert table.loc["mean", "continuous time"] == pytest.approx(np.exp(0.24))
    assert table.loc["median", "continuous time"] == pytest.approx(np.exp(0.24 - 9 * 0.09 / 2))
    for row in ("mean", "median", "chance of a loss"):
        gap = table.loc[row, "Monte Carlo"] - table.loc[row, "daily resets"]
        assert abs(gap) < 4 * table.loc[row, "standard error"], row
        # daily resets and continuous time differ by far less than the sampling error here
        assert abs(table.loc[row, "daily resets"] - table.loc[row, "continuous time"]) < table.loc[row, "standard error"]
    se = lt.gbm_mean_standard_error(3, 0.08, 0.30, 1.0, 5000)
    assert se == pytest.approx(np.sqrt(np.exp(0.48) * np.expm1(0.81) / 5000))


def test_alert_figures_come_from_the_regulation_facts():
    from lettools.facts import value

    assert page.ALERT_FIGURES == {"index_return": value("regulation", "alert_index_return"),
                                  "long_3x": value("regulation", "alert_3x_return"),
                                  "inverse_3x": value("regulation", "alert_minus3x_return")}


def test_alert_rounding_table_is_the_volatility_free_prediction():
    table = page.alert_rounding_table((0.075, 0.09), (-0.535, -0.525))
    assert table.loc[0.09, -0.535] == pytest.approx(0.465**2 / 1.09**9 - 1)
    assert table.loc[0.075, -0.525] == pytest.approx(0.475**2 / 1.075**9 - 1)
    # the check in alert_check is the same number through the implied volatility
    assert page.alert_check(104)["-3x fund, predicted"] == pytest.approx(0.47**2 / 1.08**9 - 1)


def test_alert_path_spread_reproduces_the_alert_and_computes_the_inverse_fund():
    spread = page.alert_path_spread(104, seeds=(7, 8))
    path = lt.divergence_path(0.08, -0.53, 3, 104, seed=8)
    assert np.prod(1 + path) - 1 == pytest.approx(0.08)
    assert np.prod(1 + 3 * path) - 1 == pytest.approx(-0.53)
    assert spread.loc[8, "-3x fund"] == pytest.approx(np.prod(1 - 3 * path) - 1)
    assert spread.loc[8, "volatility"] == pytest.approx(np.sqrt(np.mean(path**2) * 252))


def test_lag_frequency_second_order_share_is_students_t():
    from scipy import stats

    lags = lt.lag_frequency(3, sigmas=(0.1,), horizons=(21,), n_paths=2000, seed=3)
    expected = stats.t.cdf(1, 20) - stats.t.cdf(-1, 20)
    assert abs(lags["second_order_t"].iloc[0] - expected) < 1e-12
    assert abs(lags["rule_share"].iloc[0] - expected) < 4 * np.sqrt(expected * (1 - expected) / 2000)


def test_alert_path_spread_third_order_term_closes_most_of_the_gap():
    spread = page.alert_path_spread(104, seeds=(1, 3))
    paired = (1 + page.ALERT_FIGURES["long_3x"]) ** 2 / (1 + page.ALERT_FIGURES["index_return"]) ** 9 - 1
    for _, row in spread.iterrows():
        assert abs(row["paired, with -24 sum R^3"] - row["-3x fund"]) < abs(paired - row["-3x fund"])


def test_alert_fat_tail_spread_is_wider_than_the_symmetric_paths():
    fat = page.alert_fat_tail_spread(104, dof=3, n_seeds=40)
    assert fat["q05"] < -0.92 and fat["q95"] > -0.87
    assert 0.0 < fat["wiped"] < 0.5  # the share of paths whose -3x fund a one-day rise of a third wipes out


def test_direxion_pairing_and_the_financing_table_follow_the_formulas():
    dx = page.direxion_pairing()
    assert dx["FAZ, paired"] == pytest.approx((1 - 0.3446) ** 2 / (1 - 0.0904) ** 9 - 1)
    assert dx["implied sum R^3"] == pytest.approx(-(np.log(1.0632) - np.log1p(dx["FAZ, paired"])) / 24)
    table = page.pairing_financing_table()
    row = table.loc[2022]
    assert abs(row["SQQQ, paired with financing"] - row["SQQQ (-3x), actual"]) < abs(
        row["SQQQ, paired"] - row["SQQQ (-3x), actual"])
    with pytest.raises(ValueError, match="dof"):
        page.alert_fat_tail_spread(104, dof=2)
