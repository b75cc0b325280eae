"""Bad input to the simulators, paths, Monte Carlo and closed forms fails clearly, naming the parameter."""

import numpy as np
import pytest

import lettools as lt

GOOD = [0.01, -0.02, 0.005]

CASES = [
    # (call, exception, parameter named in the message)
    (lambda: lt.simulate_fund([0.01, np.nan], 2), ValueError, "index_returns"),
    (lambda: lt.simulate_fund([0.01, np.inf], 2), ValueError, "index_returns"),
    (lambda: lt.simulate_fund([0.01, -1.0], 2), ValueError, "index_returns"),
    (lambda: lt.simulate_fund([0.01, -1.5], 2), ValueError, "index_returns"),
    (lambda: lt.simulate_fund([], 2), ValueError, "index_returns"),
    (lambda: lt.simulate_fund(np.zeros((2, 0)), 2), ValueError, "index_returns"),
    (lambda: lt.simulate_fund(np.zeros((2, 2, 2)), 2), ValueError, "index_returns"),
    (lambda: lt.simulate_fund(["a", "b"], 2), TypeError, "index_returns"),
    (lambda: lt.simulate_fund("0.01", 2), TypeError, "index_returns"),
    (lambda: lt.simulate_fund([[0.01], [0.01, 0.02]], 2), TypeError, "index_returns"),
    (lambda: lt.simulate_fund(GOOD, 2, rate=[0.01, 0.02]), ValueError, "rate"),
    (lambda: lt.simulate_fund(GOOD, 2, rate=np.nan), ValueError, "rate"),
    (lambda: lt.simulate_fund(GOOD, np.nan), ValueError, "leverage"),
    (lambda: lt.simulate_fund(GOOD, np.inf), ValueError, "leverage"),
    (lambda: lt.simulate_fund(GOOD, "2"), TypeError, "leverage"),
    (lambda: lt.simulate_fund(GOOD, [2, 3]), TypeError, "leverage"),
    (lambda: lt.simulate_fund(GOOD, 2, expense_ratio=-0.01), ValueError, "expense_ratio"),
    (lambda: lt.simulate_fund(GOOD, 2, spread=-0.01), ValueError, "spread"),
    (lambda: lt.simulate_fund(GOOD, 2, spread_basis="exposure"), ValueError, "spread_basis"),
    (lambda: lt.simulate_fund(GOOD, 2, spread_basis=None), ValueError, "spread_basis"),
    (lambda: lt.terminal_value(GOOD, 2, spread_basis="Notional"), ValueError, "spread_basis"),
    (lambda: lt.simulate_fund(GOOD, 2, trading_cost=np.nan), ValueError, "trading_cost"),
    (lambda: lt.simulate_fund(GOOD, 2, start=0.0), ValueError, "start"),
    (lambda: lt.simulate_fund(GOOD, 2, periods_per_year=0), ValueError, "periods_per_year"),
    (lambda: lt.simulate_fund(GOOD, 2, periods_per_year=252.5), ValueError, "periods_per_year"),
    (lambda: lt.terminal_value([0.01, np.nan], 2), ValueError, "index_returns"),
    (lambda: lt.terminal_value(GOOD, 2, rate=[0.01] * 4), ValueError, "rate"),
    (lambda: lt.terminal_value(GOOD, 2, periods_per_year=-1), ValueError, "periods_per_year"),
    (lambda: lt.static_leverage_path([0.01, -1.0], 2), ValueError, "index_returns"),
    (lambda: lt.static_leverage_path(GOOD, np.nan), ValueError, "leverage"),
    (lambda: lt.static_leverage_path(GOOD, 2, start=-1), ValueError, "start"),
    # paths
    (lambda: lt.gbm_returns(0, 10, 0.05, 0.2, seed=1), ValueError, "n_paths"),
    (lambda: lt.gbm_returns(10, 0, 0.05, 0.2, seed=1), ValueError, "n_days"),
    (lambda: lt.gbm_returns(10, 10, 0.05, -0.2, seed=1), ValueError, "sigma"),
    (lambda: lt.gbm_returns(10, 10, np.nan, 0.2, seed=1), ValueError, "mu"),
    (lambda: lt.gbm_returns(10, 10, 0.05, 0.2, seed=None), TypeError, "seed"),
    (lambda: lt.gbm_returns(10, 10, 0.05, 0.2, seed=-3), ValueError, "seed"),
    (lambda: lt.gbm_returns(10, 10, 0.05, 0.2), TypeError, "seed"),
    (lambda: lt.gbm_returns(10, 10, 0.05, 0.2, seed=1, periods_per_year=0), ValueError, "periods_per_year"),
    (lambda: lt.scenario_returns("sideways", seed=1), ValueError, "kind"),
    (lambda: lt.scenario_returns(3, seed=1), TypeError, "kind"),
    (lambda: lt.scenario_returns("trend"), TypeError, "seed"),
    (lambda: lt.scenario_returns("trend", n_days=0, seed=1), ValueError, "n_days"),
    # Monte Carlo
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252), TypeError, "seed"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, seed=1.5), TypeError, "seed"),
    (lambda: lt.simulate_outcomes(np.inf, 0.05, 0.2, 252, seed=1), ValueError, "leverage"),
    (lambda: lt.simulate_outcomes(3, 0.05, -0.2, 252, seed=1), ValueError, "sigma"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 0, seed=1), ValueError, "n_days"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, n_paths=0, seed=1), ValueError, "n_paths"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, seed=1, periods_per_year=0), ValueError,
     "periods_per_year"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, seed=1, rate=[0.01]), TypeError, "rate"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, seed=1, expense_ratio=-1), ValueError, "expense_ratio"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, seed=1, spread=-0.01), ValueError, "spread"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, seed=1, spread_basis="swap"), ValueError, "spread_basis"),
    (lambda: lt.simulate_outcomes(3, 0.05, 0.2, 252, seed=1, trading_cost=-1), ValueError, "trading_cost"),
    # cost model and holding-period risk
    (lambda: lt.cost_breakdown(3, rate=0.04, expense_ratio=0.01, spread_basis="gross"), ValueError,
     "spread_basis"),
    (lambda: lt.financing_cost(100.0, 3, 0.04, spread_basis=1), ValueError, "spread_basis"),
    (lambda: lt.prob_lag_static(3, 0.2, 21, spread_basis="net"), ValueError, "spread_basis"),
    (lambda: lt.prob_fund_loss(3, 0.2, 21, trading_cost=-0.1), ValueError, "trading_cost"),
    (lambda: lt.fund_value_at_risk(3, 0.2, 21, spread_basis=""), ValueError, "spread_basis"),
    (lambda: lt.admissible_horizon(3, 0.2, max_probability=0.5, spread_basis="x"), ValueError,
     "spread_basis"),
    (lambda: lt.simulate_holding_risk(3, 0.2, 5, spread_basis="x"), ValueError, "spread_basis"),
    (lambda: lt.simulate_reflexive_market(GOOD, fund_assets=1e9, leverages=3, depth=1e12,
                                          spread_basis="x"), ValueError, "spread_basis"),
    # closed forms
    (lambda: lt.fund_return(-1.0, 0.2, 3), ValueError, "index_return"),
    (lambda: lt.fund_return(0.1, -0.2, 3), ValueError, "sigma"),
    (lambda: lt.fund_return(0.1, 0.2, np.nan), ValueError, "leverage"),
    (lambda: lt.fund_return(0.1, 0.2, 3, years=-1), ValueError, "years"),
    (lambda: lt.fund_return("x", 0.2, 3), TypeError, "index_return"),
    (lambda: lt.estimated_returns_table([2, 3]), TypeError, "leverage"),
    (lambda: lt.estimated_returns_table(3, sigmas=[[0.1]]), ValueError, "sigmas"),
    (lambda: lt.log_growth_rate(3, 0.08, -0.2), ValueError, "sigma"),
    (lambda: lt.log_growth_rate(3, np.inf, 0.2), ValueError, "mu"),
    (lambda: lt.decay_rate(3, -0.1), ValueError, "sigma"),
    (lambda: lt.kelly_leverage(0.08, 0.0), ValueError, "sigma"),
    (lambda: lt.cash_breakeven_leverage(0.08, -0.1), ValueError, "sigma"),
    (lambda: lt.wipeout_move(0), ValueError, "leverage"),
    (lambda: lt.wipeout_move(np.nan), ValueError, "leverage"),
    (lambda: lt.rebalance_flow(-1.0, 2, 0.01), ValueError, "assets"),
    (lambda: lt.rebalance_flow(100.0, 2, -1.0), ValueError, "index_return"),
    (lambda: lt.expected_growth_factor(2, 0.001, 2.5), ValueError, "n_days"),
    (lambda: lt.expected_growth_factor(2, 0.001, -1), ValueError, "n_days"),
    (lambda: lt.realized_variance([0.01, np.nan]), ValueError, "index_returns"),
    (lambda: lt.buy_and_hold_gap(-1.0, 0.1, 2), ValueError, "first_return"),
    (lambda: lt.buy_and_hold_gap(0.1, np.nan, 2), ValueError, "second_return"),
    (lambda: lt.breakeven_return(-1.0), ValueError, "cumulative_return"),
]


@pytest.mark.parametrize("call, error, parameter", CASES, ids=[f"{i}-{c[2]}" for i, c in enumerate(CASES)])
def test_bad_input_names_the_parameter(call, error, parameter):
    with pytest.raises(error, match=parameter):
        call()
