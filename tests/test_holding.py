"""Holding-period risk: closed forms against a daily-step Monte Carlo, limits, monotonicity."""

import math

import numpy as np
import pandas as pd
import pytest

from lettools.holding import (
    admissible_horizon,
    fund_value_at_risk,
    prob_fund_loss,
    prob_lag_static,
    simulate_holding_risk,
)

# One standard normal within one sd: the short-horizon limit of the lag probability.
WITHIN_ONE_SD = math.erf(1 / math.sqrt(2))


def _daily_monte_carlo(leverage, sigma, n_days, mu, rate, fee, *, n_paths=40_000, seed=2024):
    """Fund and static values after ``n_days`` daily resets on a GBM index."""
    rng = np.random.default_rng(seed)
    log_returns = rng.normal((mu - sigma**2 / 2) / 252, sigma / math.sqrt(252), (n_paths, n_days))
    daily = np.expm1(log_returns)
    fund = np.prod(np.maximum(1 + leverage * daily + ((1 - leverage) * rate - fee) / 252, 0.0), axis=1)
    static = 1 + leverage * (np.exp(log_returns.sum(axis=1)) - 1)
    return fund, static


CASES = [
    # leverage, sigma, n_days, mu, rate, fee
    (3.0, 0.20, 63, 0.00, 0.00, 0.000),
    (2.0, 0.30, 252, 0.08, 0.04, 0.009),
    (-1.0, 0.20, 126, 0.05, 0.03, 0.009),
    (-3.0, 0.25, 42, 0.00, 0.00, 0.000),
    (0.5, 0.30, 252, 0.00, 0.00, 0.000),
    (3.0, 0.40, 252, 0.10, 0.05, 0.010),
]


@pytest.mark.parametrize("leverage, sigma, n_days, mu, rate, fee", CASES)
def test_closed_forms_match_daily_monte_carlo(leverage, sigma, n_days, mu, rate, fee):
    fund, static = _daily_monte_carlo(leverage, sigma, n_days, mu, rate, fee)
    kwargs = dict(mu=mu, rate=rate, expense_ratio=fee)
    standard_error = 0.5 / math.sqrt(fund.size)
    # Daily resets differ from the continuous formula through the randomness of
    # realised variance; a measured allowance of half a point covers it.
    lag = prob_lag_static(leverage, sigma, n_days, **kwargs)
    assert abs(lag - np.mean(fund < static)) < 4 * standard_error + 0.005
    loss = prob_fund_loss(leverage, sigma, n_days, **kwargs)
    assert abs(loss - np.mean(fund < 1)) < 4 * standard_error + 0.005
    big_loss = prob_fund_loss(leverage, sigma, n_days, threshold=0.2, **kwargs)
    assert abs(big_loss - np.mean(fund < 0.8)) < 4 * standard_error + 0.005


def _lag_by_quadrature(leverage, sigma, n_days, mu, rate, fee, spread, spread_basis, trading_cost):
    """P(V < W) integrated on a grid of ln X, comparing logs (no root finding)."""
    years = n_days / 252
    mean, sd = (mu - sigma**2 / 2) * years, sigma * math.sqrt(years)
    spread_on = abs(leverage) if spread_basis == "notional" else max(leverage - 1, 0) + max(-leverage, 0)
    trading = trading_cost * abs(leverage**2 - leverage) * sigma * math.sqrt(2 * 252 / math.pi)
    carry = ((1 - leverage) * rate - fee - spread_on * spread - trading
             + (leverage - leverage**2) * sigma**2 / 2) * years
    y = np.linspace(mean - 9 * sd, mean + 9 * sd, 200_001)
    static = 1 + leverage * np.expm1(y)
    with np.errstate(divide="ignore"):
        lags = (static > 0) & (leverage * y + carry < np.log(np.where(static > 0, static, 1.0)))
    weights = np.exp(-0.5 * ((y - mean) / sd) ** 2)
    return weights[lags].sum() / weights.sum()


def test_lag_probability_matches_quadrature_over_random_parameters():
    rng = np.random.default_rng(99)
    leverages = np.concatenate([[0.5, 2.0, 3.0, -1.0, -3.0, 4.5], rng.uniform(-5, 5, 60)])
    for leverage in leverages:
        sigma, n_days = rng.uniform(0.02, 1.2), int(rng.integers(1, 4000))
        mu, rate, fee, spread = rng.uniform(-0.3, 0.3), rng.uniform(-0.02, 0.15), rng.uniform(0, 0.05), rng.uniform(0, 0.02)
        basis, trading_cost = str(rng.choice(["notional", "borrowed"])), rng.uniform(0, 0.001)
        closed = prob_lag_static(leverage, sigma, n_days, mu=mu, rate=rate, expense_ratio=fee, spread=spread,
                                 spread_basis=basis, trading_cost=trading_cost)
        expected = _lag_by_quadrature(leverage, sigma, n_days, mu, rate, fee, spread, basis, trading_cost)
        assert closed == pytest.approx(expected, abs=1e-3)


def test_one_x_fund_with_a_fee_always_lags_even_for_extreme_parameters():
    # ln X far below -37 makes e^y vanish next to 1; the sign must survive.
    assert prob_lag_static(1.0, 1.44, 4175, mu=-0.4, expense_ratio=0.003) == 1.0


def test_short_horizon_lag_probability_is_the_one_sd_band():
    # Over a short horizon the fund lags exactly when |ln X| < sigma sqrt(t).
    for leverage in (2.0, 3.0, -1.0, -3.0):
        assert prob_lag_static(leverage, 0.2, 1) == pytest.approx(WITHIN_ONE_SD, abs=2e-3)
    assert prob_lag_static(0.5, 0.2, 1) == pytest.approx(1 - WITHIN_ONE_SD, abs=2e-3)


def test_one_x_and_zero_x_are_deterministic_comparisons():
    assert prob_lag_static(1.0, 0.3, 252) == 0.0  # the fund is the index
    assert prob_lag_static(1.0, 0.3, 252, expense_ratio=0.001) == 1.0
    assert prob_lag_static(0.0, 0.3, 252, rate=0.02) == 0.0  # cash beats a flat 1
    assert prob_lag_static(0.0, 0.3, 252, expense_ratio=0.01) == 1.0
    assert prob_lag_static(3.0, 0.0, 252, mu=0.05) == 0.0  # no volatility, no decay


def test_no_volatility_loss_is_deterministic():
    assert prob_fund_loss(3.0, 0.0, 252, mu=0.05) == 0.0
    assert prob_fund_loss(3.0, 0.0, 252, mu=-0.05) == 1.0


def test_loss_probability_closed_form_with_no_drift():
    # mu = r = f = 0: ln V ~ N(-L^2 s^2 / 2, L^2 s^2), so P(loss) = Phi(|L| s / 2).
    s = 0.3 * math.sqrt(0.5)
    expected = 0.5 * (1 + math.erf(3 * s / 2 / math.sqrt(2)))
    assert prob_fund_loss(3.0, 0.3, 126) == pytest.approx(expected, rel=1e-12)


def test_monotonicity():
    horizons = np.arange(1, 2521)
    loss = prob_fund_loss(3.0, 0.25, horizons)
    assert np.all(np.diff(loss) > 0)
    thresholds = [prob_fund_loss(3.0, 0.25, 252, threshold=t) for t in (0.0, 0.2, 0.5, 0.9)]
    assert np.all(np.diff(thresholds) < 0)
    by_leverage = prob_fund_loss([1.0, 2.0, 3.0, 4.0], 0.25, 252)
    assert np.all(np.diff(by_leverage) > 0)
    # With no drift the static position drifts below zero, so the fund lags it less often.
    lag = prob_lag_static(3.0, 0.25, horizons)
    assert np.all(np.diff(lag) < 0)


def test_broadcasting_shapes():
    grid = prob_lag_static(np.array([2.0, 3.0])[:, None], np.array([0.1, 0.2, 0.3]), 252)
    assert grid.shape == (2, 3)
    assert grid[1, 2] == pytest.approx(prob_lag_static(3.0, 0.3, 252))
    assert isinstance(prob_lag_static(3.0, 0.3, 252), float)


def test_value_at_risk_is_the_loss_quantile():
    var = fund_value_at_risk(3.0, 0.25, 21, confidence=0.95, mu=0.07)
    assert 0 < var < 1
    assert prob_fund_loss(3.0, 0.25, 21, threshold=var, mu=0.07) == pytest.approx(0.05, abs=1e-12)


def test_admissible_horizon_is_the_last_day_within_the_limit():
    horizon = admissible_horizon(3.0, 0.2, max_probability=0.05, risk="loss", threshold=0.2)
    assert 1 <= horizon < 2520
    within = prob_fund_loss(3.0, 0.2, np.arange(1, horizon + 1), threshold=0.2)
    assert np.all(within <= 0.05)
    assert prob_fund_loss(3.0, 0.2, horizon + 1, threshold=0.2) > 0.05
    # Equivalent statement: the 95% value at risk stays within 20% up to the horizon.
    assert fund_value_at_risk(3.0, 0.2, horizon) <= 0.2 < fund_value_at_risk(3.0, 0.2, horizon + 1)


def test_admissible_horizon_shrinks_with_leverage_and_volatility_and_has_edge_values():
    grid = admissible_horizon([1.0, 2.0, 3.0], np.array([[0.15], [0.3]]), max_probability=0.05,
                              risk="loss", threshold=0.2)
    assert grid.shape == (2, 3)
    assert np.all(np.diff(grid, axis=1) < 0) and np.all(grid[1] < grid[0])
    assert admissible_horizon(3.0, 0.2, max_probability=0.5) == 0  # lag is ~68% from day one
    assert admissible_horizon(3.0, 0.2, max_probability=0.7, max_days=300) == 300
    assert admissible_horizon(0.0, 0.2, max_probability=0.0, risk="loss", rate=0.03) == 2520


def test_simulated_daily_risk_repeats_the_direct_computation():
    table = simulate_holding_risk(-2.0, 0.3, 30, n_paths=500, seed=11, mu=0.05, rate=0.03, expense_ratio=0.01,
                                  spread=0.004, threshold=0.1)
    fund, static = _daily_monte_carlo(-2.0, 0.3, 30, 0.05, 0.03, 0.01 + 2 * 0.004, n_paths=500, seed=11)
    assert table["lag"].iloc[-1] == np.mean(fund < static)
    assert table["loss"].iloc[-1] == np.mean(fund < 0.9)
    assert table.index[0] == 1 and table.index[-1] == 30
    pd.testing.assert_frame_equal(table, simulate_holding_risk(-2.0, 0.3, 30, n_paths=500, seed=11, mu=0.05,
                                                               rate=0.03, expense_ratio=0.01, spread=0.004,
                                                               threshold=0.1))


def test_daily_resets_differ_from_the_continuous_formula_only_at_short_horizons():
    table = simulate_holding_risk(3.0, 0.2, 63, n_paths=20_000, seed=5)
    tolerance = 4 * 0.5 / math.sqrt(20_000)
    assert table["lag"].iloc[0] == 0.0  # one day: exactly 3x the index
    assert table["lag"].iloc[1] == pytest.approx(0.5, abs=tolerance)  # two days: lags when R1 R2 > 0
    assert table["lag"].iloc[-1] == pytest.approx(prob_lag_static(3.0, 0.2, 63), abs=tolerance + 0.005)
    assert table["loss"].iloc[-1] == pytest.approx(prob_fund_loss(3.0, 0.2, 63), abs=tolerance + 0.005)
    assert simulate_holding_risk(3.0, 0.2, 1, expense_ratio=0.01, n_paths=100)["lag"].iloc[0] == 1.0


@pytest.mark.parametrize(
    "call, exception, words",
    [
        (lambda: prob_lag_static(3.0, -0.2, 10), ValueError, "sigma"),
        (lambda: prob_lag_static(3.0, 0.2, 0), ValueError, "n_days"),
        (lambda: prob_lag_static("3x", 0.2, 10), TypeError, "leverage"),
        (lambda: prob_lag_static(3.0, 0.2, 10, mu=float("inf")), ValueError, "mu"),
        (lambda: prob_lag_static([2.0, 3.0], [0.1, 0.2, 0.3], 10), ValueError, "broadcast"),
        (lambda: prob_lag_static(3.0, 0.2, 10, periods_per_year=0), ValueError, "periods_per_year"),
        (lambda: prob_fund_loss(3.0, 0.2, 10, threshold=1.0), ValueError, "threshold"),
        (lambda: prob_fund_loss(3.0, 0.2, 10, expense_ratio=-0.01), ValueError, "expense_ratio"),
        (lambda: fund_value_at_risk(3.0, 0.2, 10, confidence=1.0), ValueError, "confidence"),
        (lambda: admissible_horizon(3.0, 0.2, max_probability=1.5), ValueError, "max_probability"),
        (lambda: admissible_horizon(3.0, 0.2, max_probability=0.1, risk="var"), ValueError, "risk"),
        (lambda: admissible_horizon(3.0, 0.2, max_probability=0.1, threshold=0.2), ValueError, "threshold"),
        (lambda: admissible_horizon(3.0, 0.2, max_probability=0.1, max_days=0), ValueError, "max_days"),
        (lambda: admissible_horizon([2.0, 3.0], [0.1, 0.2, 0.3], max_probability=0.1), ValueError, "broadcast"),
        (lambda: simulate_holding_risk([3.0], 0.2, 10), TypeError, "leverage"),
        (lambda: simulate_holding_risk(3.0, 0.2, 0), ValueError, "max_days"),
        (lambda: simulate_holding_risk(3.0, 0.2, 10, n_paths=0), ValueError, "n_paths"),
        (lambda: simulate_holding_risk(3.0, 0.2, 10, seed=-1), TypeError, "seed"),
        (lambda: simulate_holding_risk(3.0, 0.2, 10, seed=1.5), TypeError, "seed"),
        (lambda: simulate_holding_risk(3.0, 0.2, 10, threshold=-0.1), ValueError, "threshold"),
    ],
)
def test_bad_input_is_refused_with_the_parameter_named(call, exception, words):
    with pytest.raises(exception, match=words):
        call()


def test_trading_cost_closed_form_agrees_with_daily_simulation():
    # The closed forms charge the rebalance's expected cost as a steady drag; the simulation charges
    # trading_cost |L (L - 1) R| each day. A large cost (20 bp) makes the comparison sharp.
    costs = dict(mu=0.05, rate=0.03, spread=0.006, spread_basis="borrowed", trading_cost=0.002)
    table = simulate_holding_risk(3.0, 0.25, 252, n_paths=20_000, seed=3, threshold=0.2, **costs)
    free = simulate_holding_risk(3.0, 0.25, 252, n_paths=20_000, seed=3, threshold=0.2, mu=0.05, rate=0.03)
    assert table["loss"].iloc[-1] > free["loss"].iloc[-1] + 0.02   # the costs really bite
    for n_days in (63, 252):
        closed = prob_fund_loss(3.0, 0.25, n_days, threshold=0.2, **costs)
        assert closed == pytest.approx(table["loss"].loc[n_days], abs=4 * 0.5 / math.sqrt(20_000) + 0.005)
