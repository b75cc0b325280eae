"""Cost model: the book's worked examples 4.1 and 4.2, conventions, and bad input."""

import math

import numpy as np
import pandas as pd
import pytest

from lettools.cost_model import (
    DRAG_HORIZONS,
    cost_breakdown,
    cost_over_horizon,
    diy_leverage_cost,
    drag_profile,
    drag_profile_grid,
    fee_table,
    financing_cost,
    fund_year_pnl,
    leveraged_etf_maintenance_margin,
    margin_call_fall,
    margin_leverage_cap,
    rebalance_trading_cost,
    round_trip_drag,
    tracking_and_divergence,
    tracking_summary,
)
from lettools.fund import simulate_fund, terminal_value


def test_example_4_1_financing_a_3x_fund():
    # $100M of assets, $300M of exposure, $200M financed at 7%.
    assert financing_cost(100e6, 3.0, 0.07) == pytest.approx(14e6)
    assert cost_breakdown(3.0, rate=0.07, expense_ratio=0.0)["financing"] == pytest.approx(0.14)


@pytest.fixture
def example_4_2():
    def run(index_return):
        return fund_year_pnl(
            500e6, 2.0, index_return, rate=0.05, transaction_cost_rate=0.003, expense_ratio=0.01
        )

    return run


def test_example_4_2_costs(example_4_2):
    pnl = example_4_2(0.10)
    assert pnl["exposure"] == pytest.approx(1e9)
    assert pnl["interest"] == pytest.approx(25e6)
    assert pnl["transaction_costs"] == pytest.approx(3e6)
    assert pnl["management_fee"] == pytest.approx(5e6)
    assert pnl["total_costs"] == pytest.approx(33e6)


def test_example_4_2_index_up_10_percent(example_4_2):
    pnl = example_4_2(0.10)
    assert pnl["net_gain"] == pytest.approx(67e6)
    assert pnl["return_on_assets"] == pytest.approx(0.134)


def test_example_4_2_index_down_10_percent_is_26_6_percent_not_25(example_4_2):
    pnl = example_4_2(-0.10)
    assert pnl["net_gain"] == pytest.approx(-133e6)
    assert pnl["return_on_assets"] == pytest.approx(-0.266)
    assert pnl["return_on_assets"] != pytest.approx(-0.25)
    assert pnl["new_assets"] == pytest.approx(367e6)
    assert pnl["new_exposure"] == pytest.approx(734e6)
    assert pnl["new_exposure"] == pytest.approx(2 * pnl["new_assets"])
    # Exposure fell to $900M with the index; the fund sells $166M to get to $734M.
    assert pnl["exposure_after_move"] == pytest.approx(900e6)
    assert pnl["rebalance_trade"] == pytest.approx(-166e6)


def test_inverse_fund_earns_interest_and_pays_spread_on_short_notional():
    # -1x: cash of A plus the short swap's interest leg: earns 2 r A; spread on |L| A.
    assert financing_cost(100.0, -1.0, 0.05) == pytest.approx(-10.0)
    assert financing_cost(100.0, -1.0, 0.05, spread=0.01) == pytest.approx(-9.0)
    assert financing_cost(100.0, -3.0, 0.05, spread=0.01) == pytest.approx(-20.0 + 3.0)


def test_fund_below_1x_earns_interest_on_its_cash_and_pays_the_spread_on_its_swap():
    # 0.5x: earns r on half its assets, pays the spread on a 0.5x swap (none if it holds the index).
    assert financing_cost(100.0, 0.5, 0.04, spread=0.01) == pytest.approx(-2.0 + 0.5)
    assert financing_cost(100.0, 1.0, 0.04, spread=0.01) == pytest.approx(1.0)
    assert financing_cost(100.0, 0.5, 0.04, spread=0.01, spread_basis="borrowed") == pytest.approx(-2.0)
    assert financing_cost(100.0, 1.0, 0.04, spread=0.01, spread_basis="borrowed") == 0.0


@pytest.mark.parametrize("spread_basis", ["notional", "borrowed"])
def test_financing_is_rate_on_borrowed_part_plus_spread_on_its_basis(spread_basis):
    leverage = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0])
    spread_on = np.abs(leverage) if spread_basis == "notional" else np.where(
        leverage > 1, leverage - 1, np.where(leverage < 0, -leverage, 0.0))
    expected = 250.0 * ((leverage - 1) * 0.045 + spread_on * 0.0055)
    got = financing_cost(250.0, leverage, 0.045, spread=0.0055, spread_basis=spread_basis)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    table = cost_breakdown(leverage, rate=0.045, expense_ratio=0.0, spread=0.0055, spread_basis=spread_basis)
    np.testing.assert_allclose(table["financing"], expected / 250.0, rtol=1e-14)


def test_benchmark_three_points_apart_costs_six_points_on_a_3x_fund():
    sofr_like = cost_breakdown(3.0, rate=0.05, expense_ratio=0.0)["financing"]
    prime_like = cost_breakdown(3.0, rate=0.08, expense_ratio=0.0)["financing"]
    assert prime_like - sofr_like == pytest.approx(0.06)


def test_breakdown_components_add_up_and_broadcast_over_leverage():
    table = cost_breakdown(
        [-3.0, -1.0, 2.0, 3.0], rate=0.04, expense_ratio=0.0095, spread=0.005,
        trading_cost=0.0005, sigma=0.2,
    )
    assert list(table.columns) == ["financing", "expense_ratio", "trading", "total"]
    assert list(table.index) == [-3.0, -1.0, 2.0, 3.0]
    np.testing.assert_allclose(table[["financing", "expense_ratio", "trading"]].sum(axis=1), table["total"])
    single = cost_breakdown(3.0, rate=0.04, expense_ratio=0.0095, spread=0.005, trading_cost=0.0005, sigma=0.2)
    pd.testing.assert_series_equal(table.loc[3.0], single, check_names=False)
    assert (table["financing"].loc[[-3.0, -1.0]] < 0).all()


def test_trading_drag_matches_simulated_rebalancing_trades():
    leverage, sigma, cost = 3.0, 0.25, 0.001
    rng = np.random.default_rng(42)
    daily = rng.normal(0.0, sigma / math.sqrt(252), size=(400, 252))
    simulated = (cost * abs(leverage**2 - leverage) * np.abs(daily)).sum(axis=1).mean()
    model = cost_breakdown(leverage, rate=0.0, expense_ratio=0.0, trading_cost=cost, sigma=sigma)["trading"]
    assert simulated == pytest.approx(model, rel=0.01)


@pytest.mark.parametrize("spread_basis", ["notional", "borrowed"])
@pytest.mark.parametrize("leverage", [3.0, 2.0, -1.0, -3.0, 0.5])
def test_breakdown_agrees_with_the_fund_simulator_on_a_flat_index(leverage, spread_basis):
    rate, fee, spread = 0.045, 0.0095, 0.006
    total = cost_breakdown(leverage, rate=rate, expense_ratio=fee, spread=spread, spread_basis=spread_basis)["total"]
    value = terminal_value(np.zeros(252), leverage, rate=rate, expense_ratio=fee, spread=spread,
                           spread_basis=spread_basis)
    # A flat index leaves only the carry; daily deduction compounds to about exp(-total).
    assert value == pytest.approx(math.exp(-total), abs=total**2 / 252 + 1e-12)


def test_cost_over_horizon_shapes_and_values():
    assert cost_over_horizon(0.1, 0.0) == 0.0
    assert cost_over_horizon(0.1, 2.0) == pytest.approx(1 - math.exp(-0.2))
    curve = cost_over_horizon(0.05, np.arange(0, 11))
    assert curve.index.name == "years"
    assert np.all(np.diff(curve.to_numpy()) > 0)
    table = cost_breakdown([2.0, 3.0], rate=0.04, expense_ratio=0.01)
    over = cost_over_horizon(table, [1.0, 5.0])
    assert over.shape == (2, 2)
    assert over.loc[5.0, 3.0] == pytest.approx(cost_over_horizon(table.loc[3.0], 5.0))
    assert over.loc[5.0, 3.0] > over.loc[5.0, 2.0]
    # Interest an inverse fund earns outweighs its fee when rates are high: a gain.
    inverse = cost_breakdown(-1.0, rate=0.05, expense_ratio=0.01)
    assert cost_over_horizon(inverse, 1.0) < 0


def test_diy_leverage_cost():
    table = diy_leverage_cost([1.0, 2.0, 3.0], borrow_rate=0.06, other_costs=0.001)
    np.testing.assert_allclose(table["financing"], [0.0, 0.06, 0.12])
    np.testing.assert_allclose(table["total"], [0.001, 0.061, 0.121])
    assert diy_leverage_cost(3.0, borrow_rate=0.05)["total"] == pytest.approx(0.10)


@pytest.mark.parametrize(
    "call, exception, words",
    [
        (lambda: financing_cost(-1.0, 3.0, 0.05), ValueError, "assets"),
        (lambda: financing_cost(100.0, "3x", 0.05), TypeError, "leverage"),
        (lambda: financing_cost(100.0, 3.0, float("nan")), ValueError, "rate"),
        (lambda: financing_cost(100.0, 3.0, 0.05, spread=-0.01), ValueError, "spread"),
        (lambda: cost_breakdown(3.0, rate=0.05, expense_ratio=-0.01), ValueError, "expense_ratio"),
        (lambda: cost_breakdown([[2.0, 3.0]], rate=0.05, expense_ratio=0.01), ValueError, "leverage"),
        (lambda: cost_breakdown(3.0, rate=0.05, expense_ratio=0.01, sigma=-0.2), ValueError, "sigma"),
        (lambda: cost_breakdown(3.0, rate=0.05, expense_ratio=0.01, periods_per_year=0), ValueError, "periods_per_year"),
        (lambda: cost_over_horizon(0.1, -1.0), ValueError, "years"),
        (lambda: cost_over_horizon(pd.Series({"a": 1.0}), 1.0), ValueError, "drag"),
        (lambda: cost_over_horizon(pd.DataFrame({"a": [1.0]}), 1.0), ValueError, "drag"),
        (lambda: fund_year_pnl(0.0, 2.0, 0.1, rate=0.05, transaction_cost_rate=0.0, expense_ratio=0.0), ValueError, "assets"),
        (lambda: fund_year_pnl(1.0, 2.0, -1.0, rate=0.05, transaction_cost_rate=0.0, expense_ratio=0.0), ValueError, "index_return"),
        (lambda: fund_year_pnl(1.0, 2.0, 0.1, rate=0.05, transaction_cost_rate=-0.1, expense_ratio=0.0), ValueError, "transaction_cost_rate"),
        (lambda: fund_year_pnl(1.0, [2.0], 0.1, rate=0.05, transaction_cost_rate=0.0, expense_ratio=0.0), TypeError, "leverage"),
        (lambda: diy_leverage_cost(0.5, borrow_rate=0.05), ValueError, "leverage"),
        (lambda: diy_leverage_cost(2.0, borrow_rate=0.05, other_costs=-1.0), ValueError, "other_costs"),
    ],
)
def test_bad_input_is_refused_with_the_parameter_named(call, exception, words):
    with pytest.raises(exception, match=words):
        call()


# Rebalancing trades, tracking and divergence, margin accounts, round trips (moved from the page module)

def test_rebalance_trading_cost_is_cost_times_trade():
    # $100M 3x fund after +2%: trade A (L^2 - L) R = $12M; at 2 bp that costs $2,400, whatever the sign.
    assert rebalance_trading_cost(100e6, 3, 0.02, 0.0002) == pytest.approx(2400.0)
    assert rebalance_trading_cost(100e6, -1, 0.02, 0.0002) == pytest.approx(0.0002 * 100e6 * 2 * 0.02)
    with pytest.raises(ValueError, match="trading_cost"):
        rebalance_trading_cost(100e6, 3, 0.02, -0.1)


def test_tracking_difference_is_the_days_costs():
    returns = pd.Series([0.01, -0.02, 0.005, 0.03], index=pd.date_range("2020-01-01", periods=4, name="date"))
    frame = tracking_and_divergence(returns, 3, rate=0.02, expense_ratio=0.0091, spread=0.01)
    daily_cost = ((1 - 3) * 0.02 - 0.0091 - 3 * 0.01) / 252 * 1e4   # spread on the notional, 3x assets
    assert np.allclose(frame["tracking_difference_bp"], daily_cost)
    borrowed = tracking_and_divergence(returns, 3, rate=0.02, expense_ratio=0.0091, spread=0.01,
                                             spread_basis="borrowed")
    assert np.allclose(borrowed["tracking_difference_bp"], daily_cost + 0.01 / 252 * 1e4)
    nav = simulate_fund(returns, 3, rate=0.02, expense_ratio=0.0091, spread=0.01)
    assert frame["fund_cumulative"].iloc[-1] == pytest.approx(nav[-1] - 1)
    assert frame["target_cumulative"].iloc[-1] == pytest.approx(3 * (np.prod(1 + returns) - 1))
    summary = tracking_summary(frame)
    assert summary["tracking_error_bp"] == pytest.approx(0.0, abs=1e-9)
    assert summary["divergence"] == pytest.approx(summary["fund_return"] - summary["target_return"])
    assert summary["annual_tracking_difference"] == pytest.approx(daily_cost * 1e-4 * 252)


def test_tracking_without_costs_has_no_daily_tracking_difference():
    frame = tracking_and_divergence([0.05, -0.05, 0.02], 2)
    assert np.allclose(frame["tracking_difference_bp"], 0.0, atol=1e-9)
    assert frame["fund_cumulative"].iloc[-1] != pytest.approx(frame["target_cumulative"].iloc[-1])


def test_tracking_summary_rejects_other_frames():
    with pytest.raises(ValueError, match="tracking_and_divergence"):
        tracking_summary(pd.DataFrame({"a": [1.0]}))


def test_margin_helpers():
    assert margin_leverage_cap(0.5) == pytest.approx(2.0)            # Regulation T: 2x at most
    assert margin_call_fall(2.0, 0.25) == pytest.approx(1 / 3)       # equity 25% after a 1/3 fall
    fall = margin_call_fall(3.0, 0.25)
    value = 3 * (1 - fall)
    assert (value - 2) / value == pytest.approx(0.25)
    assert margin_call_fall(1.0, 0.25) == pytest.approx(1.0)         # no loan: never called
    with pytest.raises(ValueError, match="leverage"):
        margin_call_fall(0.5, 0.25)
    with pytest.raises(ValueError, match="initial_margin"):
        margin_leverage_cap(0.0)


def test_leveraged_etf_maintenance_margin_scales_the_normal_requirement():
    # FINRA Regulatory Notice 09-53: the normal 25% times the leverage factor, at most 100%.
    assert leveraged_etf_maintenance_margin(2) == pytest.approx(0.50)
    assert leveraged_etf_maintenance_margin(3) == pytest.approx(0.75)
    assert leveraged_etf_maintenance_margin(-3) == pytest.approx(0.75)    # inverse funds by magnitude
    assert leveraged_etf_maintenance_margin(5) == pytest.approx(1.0)      # capped at the whole value
    assert np.allclose(leveraged_etf_maintenance_margin([1, 2, 3]), [0.25, 0.5, 0.75])
    # A 2x fund bought at Regulation T's 2x is at its maintenance line at once: no fall to spare.
    assert margin_call_fall(margin_leverage_cap(0.5), leveraged_etf_maintenance_margin(2)) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="fund_leverage"):
        leveraged_etf_maintenance_margin(0)
    with pytest.raises(ValueError, match="base_margin"):
        leveraged_etf_maintenance_margin(2, base_margin=0.0)
    with pytest.raises(TypeError, match="fund_leverage"):
        leveraged_etf_maintenance_margin("3x")


def test_round_trip_drag():
    assert round_trip_drag(0.0010, 252) == pytest.approx(0.0010)
    assert round_trip_drag(0.0010, 21) == pytest.approx(0.0010 * 12)
    with pytest.raises(ValueError, match="holding_days"):
        round_trip_drag(0.001, 0)
    with pytest.raises(ValueError, match="quoted_spread"):
        round_trip_drag(-0.001, 10)


def test_moved_models_match_plain_numpy():
    rng = np.random.default_rng(7)
    assets, leverage, returns = rng.uniform(1e6, 1e9, 5), rng.uniform(-3, 3, 5), rng.normal(0, 0.02, 5)
    reference = 0.0003 * np.abs(assets * (leverage**2 - leverage) * returns)
    assert np.allclose(rebalance_trading_cost(assets, leverage, returns, 0.0003), reference)
    levs = np.array([1.0, 1.5, 2.0, 4.0])
    assert np.allclose(margin_call_fall(levs, 0.2), 1 - (levs - 1) / (levs * 0.8))
    assert margin_call_fall(4.0, 0.25) == pytest.approx(0.0)   # at 1 / maintenance_margin: called at once
    with pytest.raises(ValueError, match="leverage"):
        margin_call_fall(5.0, 0.25)
    assert margin_leverage_cap(0.25) == pytest.approx(4.0)
    spreads, days = np.array([0.0001, 0.002]), np.array([5.0, 100.0])
    with pytest.raises(ValueError, match="quoted_spread.*holding_days"):
        round_trip_drag(spreads, np.array([5.0, 10.0, 20.0]))
    assert np.allclose(round_trip_drag(spreads, days, periods_per_year=250), spreads * 250 / days)
    # A zero-cost fund's NAV is the product of (1 + L r); tracking difference and summary by hand.
    r = rng.normal(0, 0.01, 30)
    frame = tracking_and_divergence(r, 2.0, rate=0.03, expense_ratio=0.01)
    nav = np.cumprod(1 + 2 * r + ((1 - 2) * 0.03 - 0.01) / 252)
    assert np.allclose(frame["fund_cumulative"], nav - 1)
    daily = np.diff(np.concatenate([[1.0], nav])) / np.concatenate([[1.0], nav[:-1]])
    assert np.allclose(frame["tracking_difference_bp"], (daily - 2 * r) * 1e4)
    assert np.allclose(frame["target_cumulative"], 2 * (np.cumprod(1 + r) - 1))
    wiped = tracking_and_divergence([0.01, -0.5, 0.02], 3.0)   # wiped out on day 2, nothing after
    assert list(wiped["fund_cumulative"] + 1) == pytest.approx([1.03, 0.0, 0.0])
    assert wiped["tracking_difference_bp"].iloc[-1] == pytest.approx(-3 * 0.02 * 1e4)
    summary = tracking_summary(frame)
    td = (daily - 2 * r) * 1e4
    assert summary["tracking_error_bp"] == pytest.approx(np.std(td, ddof=1), abs=1e-9)
    assert summary["annual_tracking_difference"] == pytest.approx(td.mean() * 1e-4 * 252)
    assert summary["divergence"] == pytest.approx(nav[-1] - 1 - 2 * (np.prod(1 + r) - 1))


# The fee table and the explorer's drag profile (moved from the page module)

def test_fee_table_reads_the_2025_prospectus_table():
    table = fee_table(0.0075, 0.0041, 0.0021)
    assert table["gross"] == pytest.approx(0.0116)
    assert table["net"] == pytest.approx(0.0095)


def test_fee_table_rejects_a_waiver_above_the_gross_ratio():
    with pytest.raises(ValueError, match="fee_waiver"):
        fee_table(0.005, 0.001, 0.01)
    with pytest.raises(ValueError, match="management_fee"):
        fee_table(-0.001, 0.001)


def test_drag_profile_matches_the_engine_and_compounds():
    row = drag_profile(3, 0.04, 0.005, 0.0095, 0.0002).iloc[0]
    engine = cost_breakdown(3, rate=0.04, spread=0.005, expense_ratio=0.0095, trading_cost=0.0002, sigma=0.2)
    assert row["benchmark"] == pytest.approx(2 * 0.04)      # the rate on the borrowed part
    assert row["spread_cost"] == pytest.approx(3 * 0.005)   # the spread on the whole notional
    assert row["frictions"] == pytest.approx(row["spread_cost"] + row["fees"] + row["trading"])
    assert row["benchmark"] + row["frictions"] == pytest.approx(row["total"])
    assert row["total"] == pytest.approx(engine["total"])
    assert row["fees"] == pytest.approx(0.0095)
    for years in DRAG_HORIZONS:
        assert row[f"lost_{years}"] == pytest.approx(1 - math.exp(-row["total"] * years))


def test_drag_profile_inverse_fund_at_high_rates_gains():
    row = drag_profile(-1, 0.08, 0.0, 0.0095, 0.0).iloc[0]
    assert row["benchmark"] == pytest.approx(-0.16)
    assert row["lost_10"] < 0  # a credit: the holding ends above the cost-free yardstick


def test_drag_profile_grid_equals_the_point_by_point_profile_and_plain_numpy():
    settings = pd.DataFrame({"leverage": [3.0, -1.0, 2.0, 3.0], "rate": [0.04, 0.08, 0.0, 0.01],
                             "spread": [0.005, 0.0, 0.01, 0.005], "expense_ratio": [0.0095, 0.0095, 0.002, 0.0],
                             "trading_cost": [0.0, 0.0002, 0.001, 0.0002]}, index=[5, 6, 7, 8])
    grid = drag_profile_grid(settings)
    for position, (_, point) in enumerate(settings.iterrows()):
        single = drag_profile(**point.to_dict()).iloc[0]
        assert np.allclose(grid.iloc[position][single.index].to_numpy(float), single.to_numpy(float))
        lev, rate, spread = point["leverage"], point["rate"], point["spread"]
        assert single["benchmark"] == pytest.approx((lev - 1) * rate)
        assert single["spread_cost"] == pytest.approx(abs(lev) * spread)
        assert single["total"] == pytest.approx(single["benchmark"] + single["frictions"])
    with pytest.raises(ValueError, match="settings"):
        drag_profile_grid(settings.drop(columns="spread"))
    with pytest.raises(TypeError, match="settings"):
        drag_profile_grid([1.0])
