"""The chapter "Volatility decay": its explorers, tables, charts and exercises compute the right things."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lettools import (
    cell_spread,
    conditioned_returns,
    estimated_returns_table,
    fund_return,
    index_returns,
    log_growth_rate,
    log_shortfall,
    realized_variance,
    rolling_volatility,
    scenario_returns,
    shortfall_sample,
    simulate_fund,
    simulated_returns_table,
    yearly_decay,
)
from lettools.book import PAGES, decay
from lettools.charts import check_accessible
from lettools.exercises import evaluate
from lettools.twin import TWIN_BUDGET_BYTES


def test_page_is_registered_in_reading_order():
    assert "decay" in PAGES
    assert PAGES.index("decay") > PAGES.index("how_it_works")
    if "compounding" in PAGES:
        assert PAGES.index("decay") > PAGES.index("compounding")
    if "costs" in PAGES:
        assert PAGES.index("decay") < PAGES.index("costs")


# -- log shortfall ----------------------------------------------------------------------------


def test_log_shortfall_two_days_by_hand():
    expected = 2 * math.log(1.1 * 0.9) - math.log(1.2 * 0.8)
    assert log_shortfall([0.10, -0.10], 2) == pytest.approx(expected, rel=1e-12)


def test_log_shortfall_is_zero_for_the_index_itself():
    assert log_shortfall([0.03, -0.02, 0.01], 1) == pytest.approx(0.0, abs=1e-15)


def test_log_shortfall_matches_second_order_on_small_moves():
    returns = scenario_returns("flat", n_days=252, seed=3)
    for leverage in (-1, 2, 3):
        predicted = (leverage**2 - leverage) / 2 * realized_variance(returns)
        assert log_shortfall(returns, leverage) == pytest.approx(predicted, rel=0.02)


def test_log_shortfall_per_path_and_wipeout():
    paths = np.array([[0.10, -0.10], [0.01, 0.02], [-0.5, 0.1]])
    result = log_shortfall(paths, 2)
    assert result.shape == (3,)
    assert result[0] == pytest.approx(log_shortfall([0.10, -0.10], 2))
    assert math.isinf(result[2]) and result[2] > 0


def test_log_shortfall_rejects_bad_leverage():
    with pytest.raises((TypeError, ValueError), match="leverage"):
        log_shortfall([0.01], "two")


# -- decay from the rebalancing trade ----------------------------------------------------------


def test_trade_ledger_trades_and_profits_by_hand():
    ledger = decay.trade_ledger("Up, down, up, down (4%)", 3)
    assert list(ledger.columns) == ["day", "index_return", "trade", "trade_profit", "fund_minus_target", "second_order"]
    # day 1: 100 x 6 x 0.04 = 24 bought, then the index goes 0.96 x 1.04 x 0.96 - 1 to the end
    assert ledger["trade"].iloc[0] == pytest.approx(24.0)
    assert ledger["trade_profit"].iloc[0] == pytest.approx(24.0 * (0.96 * 1.04 * 0.96 - 1))
    fund = 100 * np.prod([1.12, 0.88, 1.12, 0.88])
    target = 100 * (1 + 3 * (np.prod([1.04, 0.96, 1.04, 0.96]) - 1))
    assert ledger["trade_profit"].sum() == pytest.approx(fund - target)
    assert ledger["fund_minus_target"].iloc[0] == pytest.approx(fund - target)
    assert ledger["second_order"].iloc[0] == pytest.approx(100 * 3 * (0.0**2 - 4 * 0.0016))
    with pytest.raises(ValueError, match="path"):
        decay.trade_ledger("no such path", 3)


def test_trades_gain_on_a_steady_rise_and_lose_when_it_reverses():
    assert (decay.trade_ledger("Steady rise, 1% a day", 2)["trade_profit"] >= 0).all()
    assert decay.trade_ledger("Five rises of 2%, five falls of 2%", -2)["trade_profit"].sum() < 0


# -- yardsticks, one-day costs, growth, the real prospectus table -----------------------------


def test_yardstick_table_on_2008():
    table = decay.yardstick_table((("sp500", 2008, 3.0),))
    returns = index_returns("sp500", "2008-01-01", "2008-12-31").to_numpy()
    row = table.iloc[0]
    index = np.prod(1 + returns) - 1
    assert row["fund_return"] == pytest.approx(np.prod(1 + 3 * returns) - 1)
    assert row["no_decay_return"] == pytest.approx((1 + index) ** 3 - 1)
    assert (1 + row["no_decay_return"]) * np.exp(-row["variance_cost"]) == pytest.approx(1 + row["fund_return"])


def test_straight_path_and_one_day_costs():
    straight = decay.straight_path_cost(0.001, 252, 3)
    assert straight["variance_cost"] == pytest.approx(252 * (3 * np.log(1.001) - np.log(1.003)))
    assert straight["variance_cost_second_order"] == pytest.approx(3 * 252 * 1e-6)
    costs = decay.one_day_costs(3, 0.02)
    assert costs.loc["rise", "exact"] == pytest.approx(3 * np.log(1.02) - np.log(1.06))
    assert costs.loc["fall", "exact"] == pytest.approx(3 * np.log(0.98) - np.log(0.94))
    assert costs.loc["fall", "exact"] / costs.loc["rise", "exact"] == pytest.approx(1.11, abs=0.01)


def test_growth_table_3x_trails_the_index_when_excess_drift_is_below_two_variances():
    table = decay.growth_table(0.10, 0.20, 0.03, leverages=(1.0, 3.0))
    three = table.loc["3x"]
    assert three["L x index log growth"] + three["variance cost"] > table.loc["1x", "growth rate g(L)"]
    assert three["growth rate g(L)"] == pytest.approx(log_growth_rate(3, 0.10, 0.20, rate=0.03))
    assert three["growth rate g(L)"] < table.loc["1x", "growth rate g(L)"]


def test_proshares_table_is_the_relation_on_a_grid():
    comparison = decay.proshares_comparison()
    assert len(comparison) == 13 * 5
    # independent recomputation of two corners, -3x, no costs
    assert 100 * (0.4**-3 * np.exp(-6 * 0.01) - 1) == pytest.approx(1371.5, abs=0.05)
    assert 100 * (1.6**-3 * np.exp(-6 * 1.0) - 1) == pytest.approx(-99.9, abs=0.05)
    assert (comparison["printed"] == comparison["rebuilt"]).all()
    assert comparison["difference"].abs().max() < 0.05


# -- string analogy ---------------------------------------------------------------------------


def test_shortfall_sample_follows_the_relation():
    sample = shortfall_sample(paths_per_sigma=10)
    assert len(sample) == 2 * 8 * 10
    np.testing.assert_allclose(
        sample["second_order"], (sample["leverage"] ** 2 - sample["leverage"]) / 2 * sample["realized_variance"]
    )
    for leverage, points in sample.groupby("leverage"):
        x, y = points["realized_variance"], points["variance_cost"]
        slope = (x * y).sum() / (x * x).sum()
        assert slope == pytest.approx((leverage**2 - leverage) / 2, rel=0.06)


# -- prospectus table -------------------------------------------------------------------------


def test_conditioned_returns_hit_return_and_variance_exactly():
    paths = conditioned_returns(-0.2, 0.5, 30, seed=1)
    assert paths.shape == (30, 252)
    np.testing.assert_allclose(np.prod(1 + paths, axis=1), 0.8, rtol=1e-10)
    np.testing.assert_allclose(np.sum(np.log1p(paths) ** 2, axis=1), 0.25, rtol=1e-10)
    assert not np.allclose(paths[0], paths[1])


def test_fat_tails_keep_the_two_sums_but_spread_the_cell():
    paths = conditioned_returns(0.0, 0.5, 50, seed=3, tail_df=3)
    np.testing.assert_allclose(np.sum(np.log1p(paths), axis=1), 0.0, atol=1e-10)
    np.testing.assert_allclose(np.sum(np.log1p(paths) ** 2, axis=1), 0.25, rtol=1e-10)
    spread = cell_spread(3, 0.0, 0.5, n_paths=400, seed=4)
    normal, fat = spread.iloc[0], spread.iloc[1]
    assert normal["range_5_95"] < 3 and fat["range_5_95"] > 3 * normal["range_5_95"]
    assert normal["wiped_out"] == 0
    assert normal["table"] == pytest.approx(fund_return(0.0, 0.5, 3))


def test_scenario_yardstick_table_gain_against_cost_decides():
    table = decay.scenario_yardstick_table(3, 30, seed=2)
    assert list(table.index) == ["trend", "flat", "choppy"]
    for kind, row in table.iterrows():
        path = scenario_returns(kind, n_days=30, seed=2)
        index = np.prod(1 + path) - 1
        assert row["fund_return"] == pytest.approx(np.prod(1 + 3 * path) - 1)
        assert row["log_convexity_gain"] == pytest.approx(3 * np.log1p(index) - np.log(1 + 3 * index))
        assert row["beats_target"] == (row["variance_cost"] < row["log_convexity_gain"])


def test_conditioned_returns_rejects_impossible_cells():
    with pytest.raises(ValueError, match="sigma"):
        conditioned_returns(5.0, 0.01, 10, n_days=10, seed=1)
    with pytest.raises(ValueError, match="n_days"):
        conditioned_returns(0.1, 0.2, 10, n_days=1, seed=1)


def test_simulation_agrees_with_the_table():
    rows, columns = (-0.4, 0.0, 0.4), (0.1, 0.5, 1.0)
    simulated = simulated_returns_table(3, rows, columns, n_paths=40)
    table = estimated_returns_table(3, rows, columns)
    assert simulated.shape == table.shape
    assert np.abs(simulated.to_numpy() - table.to_numpy()).max() < 0.03


def test_simulated_table_statistics_are_ordered():
    low, mid, high = (
        simulated_returns_table(2, [0.0], [0.5], n_paths=40, statistic=s).iloc[0, 0]
        for s in ("min", "median", "max")
    )
    assert low < mid < high
    with pytest.raises(ValueError, match="statistic"):
        simulated_returns_table(2, statistic="mean")


def test_returns_table_frame_matches_fund_return():
    frame = decay.returns_table_frame(-2)
    assert len(frame) == 13 * 5
    row = frame[(frame["index_return"] == 0.1) & (frame["volatility"] == 0.25)].iloc[0]
    assert row["fund_return"] == pytest.approx(fund_return(0.1, 0.25, -2))


# -- growth against leverage ------------------------------------------------------------------


def test_growth_curve_peaks_at_kelly_and_meets_cash_at_breakeven():
    curve = decay.growth_curve(0.10, 0.20, 0.03)
    assert curve["kelly"].iloc[0] == pytest.approx(1.75)
    assert curve["breakeven"].iloc[0] == pytest.approx(3.5)
    best = curve.loc[curve["growth"].idxmax(), "leverage"]
    assert abs(best - 1.75) <= 0.1 + 1e-9
    assert log_growth_rate(3.5, 0.10, 0.20, rate=0.03) == pytest.approx(0.03)
    np.testing.assert_allclose(curve["growth"], log_growth_rate(curve["leverage"].to_numpy(), 0.10, 0.20, rate=0.03))


def test_growth_curve_rejects_zero_volatility():
    with pytest.raises(ValueError, match="sigma"):
        decay.growth_curve(0.1, 0.0, 0.03)


# -- real history -----------------------------------------------------------------------------


def test_episode_returns():
    table = decay.episode_returns()
    assert len(table) == len(decay.EPISODES) * len(decay.HISTORY_LEVERAGES)
    for episode in decay.EPISODES:
        index = table.loc[(episode, "1x")]
        assert index["fund_return"] == pytest.approx(index["target_return"])
        assert index["fund_return"] < 0  # both episodes are bear markets
        for fund in ("2x", "3x", "-1x"):
            row = table.loc[(episode, fund)]
            assert row["fund_return"] < row["no_decay_return"]  # decay always costs
    sp_2008 = index_returns("sp500", "2008-01-01", "2008-12-31")
    assert table.loc[("S&P 500, 2008", "1x"), "fund_return"] == pytest.approx(float(np.prod(1 + sp_2008) - 1))


def test_episode_paths_start_at_one():
    paths = decay.episode_paths()
    for _, frame in paths.groupby("episode"):
        assert frame.iloc[0][["1x", "2x", "3x", "-1x"]].tolist() == [1.0, 1.0, 1.0, 1.0]
        assert frame["date"].is_monotonic_increasing


def test_rolling_volatility_by_hand():
    frame = rolling_volatility(index_returns("sp500"), window=21)
    returns = index_returns("sp500")
    assert len(frame) == len(returns) - 20
    first = returns.iloc[:21].to_numpy()
    assert frame["volatility"].iloc[0] == pytest.approx(math.sqrt(np.mean(first**2) * 252))


def test_yearly_decay_tracks_realised_variance():
    years = yearly_decay(index_returns("sp500"), leverage=2)
    assert list(years.index) == list(range(1999, 2019))
    np.testing.assert_allclose(years["variance_cost"], years["second_order"], rtol=0.05)
    assert years.loc[2008, "variance_cost"] > 10 * years.loc[2017, "variance_cost"]
    assert years["volatility"].idxmax() == 2008


# -- charts and twins -------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [decay.trades_explorer, decay.returns_table_explorer, decay.growth_explorer])
def test_twins_are_accessible_and_under_budget(factory):
    explorer = factory()
    twin = explorer.twin()
    check_accessible(twin)
    assert len(json.dumps(twin.to_dict(validate=False))) < TWIN_BUDGET_BYTES
    check_accessible(explorer.chart())


def test_static_charts_have_titles_and_descriptions():
    charts = [
        decay.shortfall_chart(shortfall_sample(paths_per_sigma=3)),
        decay.history_chart(decay.episode_paths()),
        decay.volatility_chart(rolling_volatility(index_returns("sp500"))),
    ]
    for chart in charts:
        check_accessible(chart)
        chart.to_dict()  # valid Vega-Lite


def test_page_under_two_megabytes_of_charts():
    sizes = [
        len(json.dumps(chart.to_dict(validate=False)))
        for chart in (
            decay.trades_explorer().twin(),
            decay.returns_table_explorer().twin(),
            decay.growth_explorer().twin(),
            decay.shortfall_chart(shortfall_sample()),
            decay.history_chart(decay.episode_paths()),
            decay.volatility_chart(rolling_volatility(index_returns("sp500"))),
        )
    ]
    assert sum(sizes) < 1_500_000


# -- exercises --------------------------------------------------------------------------------


def test_prospectus_exercise():
    assert evaluate("decay-prospectus", fund_return(-0.10, 0.25, 3)).correct
    assert not evaluate("decay-prospectus", -0.30).correct
    assert not evaluate("decay-prospectus", 0.9**3 - 1).correct


def test_kelly_and_breakeven_exercises():
    assert evaluate("decay-kelly", 0.08 / 0.0625).correct
    assert not evaluate("decay-kelly", 0.11 / 0.0625).correct
    assert evaluate("decay-breakeven", 2 * 0.08 / 0.0625).correct
    assert not evaluate("decay-breakeven", 0.08 / 0.0625).correct


def test_shortfall_function_exercise():
    def right(index_returns, leverage):
        index = np.prod(1 + np.asarray(index_returns))
        fund = np.prod(1 + leverage * np.asarray(index_returns))
        return leverage * np.log(index) - np.log(fund)

    def simple_gap(index_returns, leverage):
        index = np.prod(1 + np.asarray(index_returns))
        fund = np.prod(1 + leverage * np.asarray(index_returns))
        return leverage * (index - 1) - (fund - 1)

    assert evaluate("decay-shortfall-function", right).correct
    assert not evaluate("decay-shortfall-function", simple_gap).correct


def test_real_data_exercise():
    returns = index_returns("sp500", "2008-01-01", "2008-12-31").to_numpy()
    answer = 2 * np.log(np.prod(1 + returns)) - np.log(simulate_fund(returns, 2)[-1])
    assert evaluate("decay-sp500-2008", answer).correct
    assert not evaluate("decay-sp500-2008", realized_variance(returns) * 0.5).correct
    simple = 2 * (np.prod(1 + returns) - 1) - (simulate_fund(returns, 2)[-1] - 1)
    feedback = evaluate("decay-sp500-2008", simple)
    assert not feedback.correct and "log scale" in feedback.message


def test_avellaneda_zhang_check_agrees_with_the_simulated_year():
    check = decay.avellaneda_zhang_check(3, mu=0.05, sigma=0.30, seed=7)
    assert check["3x fund, Avellaneda-Zhang"] == pytest.approx(check["3x fund, simulated day by day"], abs=0.01)
    assert check["3 x index return"] == pytest.approx(3 * check["index return"])


# -- calibrated inputs and the real-fund check (lettools/facts/decay.json) -------------------------


def test_market_inputs_read_the_facts_file():
    inputs = decay.market_inputs("1926-2024")
    assert inputs["first"] == "1926-07-01" and inputs["last"] == "2024-12-31"
    assert 0.05 < inputs["mu"] < 0.15 and 0.10 < inputs["sigma"] < 0.25 and 0.0 < inputs["rate"] < 0.06
    # The standard error of a mean excess return over ~98.5 years is about sigma / sqrt(years).
    assert inputs["excess_se"] == pytest.approx(inputs["sigma"] / math.sqrt(inputs["years"]), rel=0.02)
    with pytest.raises(ValueError, match="period"):
        decay.market_inputs("1900-2000")


def test_calibration_table_by_hand():
    table = decay.calibration_table()
    for period in decay.MARKET_PERIODS:
        row, inputs = table.loc[period], decay.market_inputs(period)
        mu, sigma, r = inputs["mu"], inputs["sigma"], inputs["rate"]
        for leverage in (1, 2, 3):  # g(L) = L mu + (1 - L) r - L^2 sigma^2 / 2, written out
            assert row[f"g({leverage})"] == pytest.approx(leverage * mu + (1 - leverage) * r - leverage**2 * sigma**2 / 2)
        assert row["Kelly"] == pytest.approx((mu - r) / sigma**2)
        assert row["cash breakeven"] == pytest.approx(2 * (mu - r) / sigma**2)
        # The 3x fund beats the index exactly when mu - r exceeds 2 sigma^2.
        assert (row["g(3)"] > row["g(1)"]) == (row["mu - r"] > row["2 sigma^2"])
    assert table.loc["1926-2024", "g(3)"] > table.loc["1926-2024", "g(1)"]
    assert table.loc["1999-2018", "g(3)"] < table.loc["1999-2018", "g(1)"]


def test_real_fund_check_reports_both_funds_in_points():
    table = decay.real_fund_check()
    assert list(table.index) == ["SSO (2x)", "UPRO (3x)"]
    for fund in table.index:
        row = table.loc[fund]
        assert row["sd of miss, relation"] < row["sd of miss, target"] < 10
        assert row["sd of miss, relation"] < row["sd of miss, no-decay value"]
        assert -1.0 < row["mean miss, relation"] < 0.0  # costs: a fraction of a point a quarter, a shortfall
        # the relation's miss splits into higher-order decay and the exact model's miss
        assert abs(row["mean miss, relation"] + row["mean higher-order decay"]
                   - row["mean miss, exact daily model"]) < 0.002
        assert row["mean miss, exact daily model"] < row["mean miss, exact, distributions added"] < 0.0
        assert row["sd of miss, relation"] < row["sd of miss, fixed variance"] / 2


def test_real_fund_miss_ratio_lies_between_the_bases():
    ratio = decay.real_fund_miss_ratio()
    assert 0.3 < ratio["ratio_distributions_added"] < ratio["ratio_nav"] < 1.0
    assert 0 < ratio["ratio_nav_standard_error"] < 0.2
