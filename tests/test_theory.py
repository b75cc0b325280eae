"""Closed forms: their formulas, their links to each other and to the simulator."""

import itertools

import numpy as np
import pytest

from lettools import (
    breakeven_return,
    buy_and_hold_gap,
    cash_breakeven_leverage,
    decay_rate,
    estimated_returns_table,
    expected_growth_factor,
    fund_return,
    gbm_returns,
    kelly_leverage,
    log_growth_rate,
    realized_variance,
    rebalance_flow,
    simulate_fund,
    static_leverage_path,
    wipeout_move,
)


@pytest.mark.parametrize("leverage", [2.0, 3.0, -1.0, -3.0])
def test_fund_return_matches_simulation_on_a_fine_path(leverage):
    # 100 steps a day for a year: the daily-reset fund approaches the continuous-time relation.
    steps = 252 * 100
    index_returns = gbm_returns(1, steps, 0.07, 0.25, seed=11, periods_per_year=steps)[0]
    simulated = simulate_fund(index_returns, leverage, rate=0.04, expense_ratio=0.009,
                              periods_per_year=steps)[-1] - 1
    index_return = np.prod(1 + index_returns) - 1
    volatility = np.sqrt(realized_variance(index_returns))  # one year, so no annualising needed
    predicted = fund_return(index_return, volatility, leverage, rate=0.04, expense_ratio=0.009)
    assert (1 + simulated) == pytest.approx(1 + predicted, rel=2e-3)


def test_fund_return_values_and_broadcasting():
    assert fund_return(0.0, 0.0, 3) == 0.0
    assert fund_return(0.1, 0.0, 2) == pytest.approx(0.21)
    assert fund_return(0.0, 0.5, 3) == pytest.approx(np.exp(-0.75) - 1)
    assert fund_return(0.0, 0.0, 3, rate=0.05, expense_ratio=0.01, years=2) == pytest.approx(np.exp(-0.22) - 1)
    rows = np.linspace(-0.6, 0.6, 13)
    cols = np.array([0.1, 0.25, 0.5, 0.75, 1.0])
    table = fund_return(rows[:, None], cols[None, :], 3)
    assert table.shape == (13, 5)
    assert np.all(np.diff(table, axis=1) < 0)   # more volatility, worse for 3x
    assert np.all(np.diff(table, axis=0) > 0)   # a better index, better for 3x
    frame = estimated_returns_table(3, rows, cols)
    np.testing.assert_allclose(frame.to_numpy(), table)
    assert frame.index.name == "index return" and frame.columns.name == "volatility"
    assert estimated_returns_table(-2).shape == (13, 5)


def test_growth_rate_decay_kelly_and_cash_breakeven():
    mu, sigma, rate = 0.08, 0.2, 0.03
    assert log_growth_rate(3, mu, sigma, rate=rate, expense_ratio=0.01) == pytest.approx(
        3 * 0.08 - 2 * 0.03 - 0.01 - 9 * 0.04 / 2)
    # Decay is the gap between L times the index's log growth and the fund's.
    for leverage in (-3, -1, 0.5, 2, 3):
        gap = leverage * log_growth_rate(1, mu, sigma) - log_growth_rate(leverage, mu, sigma)
        assert decay_rate(leverage, sigma) == pytest.approx(gap)
    assert decay_rate(1, 0.3) == 0.0 and decay_rate(2, 0.2) == pytest.approx(0.04)
    kelly = kelly_leverage(mu, sigma, rate=rate)
    assert kelly == pytest.approx(1.25)
    grid = np.linspace(-2, 5, 7001)
    assert grid[np.argmax(log_growth_rate(grid, mu, sigma, rate=rate))] == pytest.approx(kelly, abs=1e-3)
    breakeven = cash_breakeven_leverage(mu, sigma, rate=rate)
    assert breakeven == pytest.approx(2 * kelly)
    assert log_growth_rate(breakeven, mu, sigma, rate=rate) == pytest.approx(rate)
    assert log_growth_rate(breakeven + 0.1, mu, sigma, rate=rate) < rate


def test_wipeout_move():
    np.testing.assert_allclose(wipeout_move(np.array([2, 3, -1, -2, -3])), [-0.5, -1 / 3, 1.0, 0.5, 1 / 3])
    for leverage in (2, 3, -1, -2, -3):
        assert simulate_fund([wipeout_move(leverage)], leverage)[-1] == 0.0
    with pytest.raises(ValueError, match="leverage"):
        wipeout_move(0)


def test_rebalance_flow_signs_and_derivation():
    # Long and inverse funds alike buy after an up day and sell after a down day.
    for leverage in (2, 3, -1, -2, -3):
        assert rebalance_flow(100.0, leverage, 0.01) > 0
        assert rebalance_flow(100.0, leverage, -0.01) < 0
    assert rebalance_flow(100.0, 1, 0.05) == 0.0
    # Needed exposure minus held exposure, computed from the simulated NAV.
    for leverage, day in itertools.product((3.0, -2.0), (0.04, -0.03)):
        assets_after = simulate_fund([day], leverage, start=250.0)[-1]
        trade = leverage * assets_after - leverage * 250.0 * (1 + day)
        assert rebalance_flow(250.0, leverage, day) == pytest.approx(trade)


def test_expected_growth_factor_is_exact_for_two_point_returns():
    # Every path of 10 i.i.d. days, each +3% or -2% with probability 0.4 / 0.6: mean m = 0.
    up, down, p_up, days = 0.03, -0.02, 0.4, 10
    daily_mean = p_up * up + (1 - p_up) * down
    for leverage in (3.0, -2.0, 0.5):
        expected = 0.0
        for path in itertools.product((up, down), repeat=days):
            n_up = sum(r == up for r in path)
            expected += p_up**n_up * (1 - p_up) ** (days - n_up) * simulate_fund(list(path), leverage)[-1]
        assert expected == pytest.approx(expected_growth_factor(leverage, daily_mean, days), rel=1e-12)
    assert expected_growth_factor(2, 0.001, np.array([0, 1, 2])).tolist() == pytest.approx([1, 1.002, 1.002**2])


def test_buy_and_hold_gap_is_static_minus_daily_reset():
    for leverage, r1, r2 in [(2, 0.1, -0.1), (3, -0.05, 0.07), (-1, 0.2, 0.2)]:
        gap = static_leverage_path([r1, r2], leverage)[-1] - simulate_fund([r1, r2], leverage)[-1]
        assert buy_and_hold_gap(r1, r2, leverage) == pytest.approx(gap, abs=1e-15)


def test_realized_variance_and_breakeven_return():
    assert realized_variance([0.1, -0.1, 0.0]) == pytest.approx(0.02)
    np.testing.assert_allclose(realized_variance(np.array([[0.1, 0.1], [0.0, 0.2]])), [0.02, 0.04])
    assert breakeven_return(-0.5) == pytest.approx(1.0)
    assert breakeven_return(0.25) == pytest.approx(-0.2)
