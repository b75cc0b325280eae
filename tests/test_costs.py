"""Cost model: the book's worked examples 4.1 and 4.2, conventions, and bad input."""

import math

import numpy as np
import pandas as pd
import pytest

from lettools.costs import (
    cost_breakdown,
    cost_over_horizon,
    diy_leverage_cost,
    financing_cost,
    fund_year_pnl,
)
from lettools.fund import terminal_value


def test_example_4_1_financing_a_3x_fund():
    # $100M of assets, $300M of exposure, $200M financed at 7%.
    assert financing_cost(100e6, 3.0, 0.07) == pytest.approx(14e6)
    assert cost_breakdown(3.0, rate=0.07, expense_ratio=0.0)["financing"] == pytest.approx(0.14)


@pytest.fixture
def example_4_2():
    def run(index_return):
        return fund_year_pnl(
            500e6, 2.0, index_return, borrow_rate=0.05, transaction_cost_rate=0.003, management_fee=0.01
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
        trading_cost=0.0005, volatility=0.2,
    )
    assert list(table.columns) == ["financing", "expense_ratio", "trading", "total"]
    assert list(table.index) == [-3.0, -1.0, 2.0, 3.0]
    np.testing.assert_allclose(table[["financing", "expense_ratio", "trading"]].sum(axis=1), table["total"])
    single = cost_breakdown(3.0, rate=0.04, expense_ratio=0.0095, spread=0.005, trading_cost=0.0005, volatility=0.2)
    pd.testing.assert_series_equal(table.loc[3.0], single, check_names=False)
    assert (table["financing"].loc[[-3.0, -1.0]] < 0).all()


def test_trading_drag_matches_simulated_rebalancing_trades():
    leverage, sigma, cost = 3.0, 0.25, 0.001
    rng = np.random.default_rng(42)
    daily = rng.normal(0.0, sigma / math.sqrt(252), size=(400, 252))
    simulated = (cost * abs(leverage**2 - leverage) * np.abs(daily)).sum(axis=1).mean()
    model = cost_breakdown(leverage, rate=0.0, expense_ratio=0.0, trading_cost=cost, volatility=sigma)["trading"]
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
        (lambda: cost_breakdown(3.0, rate=0.05, expense_ratio=0.01, volatility=-0.2), ValueError, "volatility"),
        (lambda: cost_breakdown(3.0, rate=0.05, expense_ratio=0.01, periods_per_year=0), ValueError, "periods_per_year"),
        (lambda: cost_over_horizon(0.1, -1.0), ValueError, "years"),
        (lambda: cost_over_horizon(pd.Series({"a": 1.0}), 1.0), ValueError, "drag"),
        (lambda: cost_over_horizon(pd.DataFrame({"a": [1.0]}), 1.0), ValueError, "drag"),
        (lambda: fund_year_pnl(0.0, 2.0, 0.1, borrow_rate=0.05, transaction_cost_rate=0.0, management_fee=0.0), ValueError, "assets"),
        (lambda: fund_year_pnl(1.0, 2.0, -1.0, borrow_rate=0.05, transaction_cost_rate=0.0, management_fee=0.0), ValueError, "index_return"),
        (lambda: fund_year_pnl(1.0, 2.0, 0.1, borrow_rate=0.05, transaction_cost_rate=-0.1, management_fee=0.0), ValueError, "transaction_cost_rate"),
        (lambda: fund_year_pnl(1.0, [2.0], 0.1, borrow_rate=0.05, transaction_cost_rate=0.0, management_fee=0.0), TypeError, "leverage"),
        (lambda: diy_leverage_cost(0.5, borrow_rate=0.05), ValueError, "leverage"),
        (lambda: diy_leverage_cost(2.0, borrow_rate=0.05, other_costs=-1.0), ValueError, "other_costs"),
    ],
)
def test_bad_input_is_refused_with_the_parameter_named(call, exception, words):
    with pytest.raises(exception, match=words):
        call()
