"""Shortfall risk and the Rule 18f-4 VaR of the current portfolio, checked against plain numpy."""

from __future__ import annotations

import numpy as np
import pytest

from lettools.holding import portfolio_var, prob_lag_static, prob_shortfall, simulate_shortfall


@pytest.mark.parametrize("leverage", [3.0, 2.0, -1.0, -3.0, 0.5])
def test_zero_shortfall_is_the_lag_probability(leverage):
    days = np.array([5.0, 21.0, 63.0, 252.0])
    np.testing.assert_allclose(prob_shortfall(leverage, 0.3, days, shortfall=0.0),
                               prob_lag_static(leverage, 0.3, days), atol=1e-9)


@pytest.mark.parametrize(("leverage", "shortfall"), [(3.0, 0.05), (-2.0, 0.1), (2.0, 0.02)])
def test_closed_form_matches_a_monte_carlo_of_the_continuous_model(leverage, shortfall):
    sigma, days = 0.4, 126.0
    t = days / 252
    y = np.random.default_rng(7).normal(-0.5 * sigma**2 * t, sigma * np.sqrt(t), 400_000)
    fund = np.exp(leverage * y + 0.5 * (leverage - leverage**2) * sigma**2 * t)
    expected = np.mean(fund < 1 + leverage * np.expm1(y) - shortfall)
    assert prob_shortfall(leverage, sigma, days, shortfall=shortfall) == pytest.approx(expected, abs=3e-3)


def test_shortfall_probability_falls_with_the_margin_and_vanishes_for_cash_and_the_index():
    margins = [0.0, 0.02, 0.05, 0.1]
    values = [prob_shortfall(3, 0.3, 63, shortfall=m) for m in margins]
    assert values[0] > values[1] > values[2] > 0.0
    # In the continuous model the fund trails 1 + L (X - 1) by at most the gap at the turning point
    # y* = -c / (L - 1), c = (L - L^2) sigma^2 t / 2: about 6.9 points here, so a 10-point shortfall never happens.
    c = 0.5 * (3 - 9) * 0.09 * 63 / 252
    y = -c / 2
    largest_gap = 1 + 3 * np.expm1(y) - np.exp(3 * y + c)
    assert 0.05 < largest_gap < 0.1 and values[3] == 0.0
    assert prob_shortfall(3, 0.3, 63, shortfall=largest_gap * 0.99) > 0.0
    assert prob_shortfall(1.0, 0.3, 63, shortfall=0.01) == 0.0
    assert prob_shortfall(0.0, 0.3, 63, shortfall=0.01) == 0.0
    with pytest.raises(ValueError, match="shortfall"):
        prob_shortfall(3, 0.3, 63, shortfall=-0.1)


def test_daily_reset_simulation_never_trails_on_day_one_and_matches_numpy():
    result = simulate_shortfall(3.0, 0.3, 30, shortfall=0.05, n_paths=4000, seed=3)
    assert result[0] == 0.0  # one day: the fund returns exactly 3 R
    rng = np.random.default_rng(3)
    logs = (-0.5 * 0.09) / 252 + 0.3 / np.sqrt(252) * rng.standard_normal((4000, 30))
    fund = np.cumprod(np.maximum(1 + 3 * np.expm1(logs), 0), axis=1)
    static = 1 + 3 * np.expm1(np.cumsum(logs, axis=1))
    np.testing.assert_allclose(result, np.mean(fund < static - 0.05, axis=0))
    # A month on, the daily-reset simulation agrees with the continuous closed form within noise.
    assert result[-1] == pytest.approx(prob_shortfall(3.0, 0.3, 30, shortfall=0.05), abs=0.03)
    with pytest.raises(TypeError, match="seed"):
        simulate_shortfall(3.0, 0.3, 5, shortfall=0.05, seed=-1)


def test_rule_var_of_a_linear_portfolio_scales_with_long_exposure_and_uses_the_upper_tail_when_short():
    returns = np.random.default_rng(11).normal(0.0003, 0.012, 1000)
    cumulative = np.concatenate([[0.0], np.cumsum(np.log1p(returns[-756:]))])
    twenty = np.expm1(cumulative[20:] - cumulative[:-20])
    index_var = -np.quantile(twenty, 0.01)
    assert portfolio_var(returns, 1.0) == pytest.approx(index_var)
    assert portfolio_var(returns, 3.0) == pytest.approx(3 * index_var)  # exactly L for a long fund
    assert portfolio_var(returns, -2.0) == pytest.approx(2 * np.quantile(twenty, 0.99))
    assert len(twenty) == 737
    with pytest.raises(ValueError, match="history_days"):
        portfolio_var(returns[:100], 2.0)
    with pytest.raises(ValueError, match="confidence"):
        portfolio_var(returns, 2.0, confidence=1.0)
