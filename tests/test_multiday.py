"""lettools.multiday against plain numpy/python references."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from lettools import (
    divergence_path,
    divergence_summary,
    elementary_symmetric_sums,
    gap_decomposition,
    gbm_mean_median,
    gbm_mean_standard_error,
)

RNG = np.random.default_rng(2026)


def test_elementary_symmetric_sums_by_brute_force():
    returns = RNG.normal(0.0, 0.05, 7)
    sums = elementary_symmetric_sums(returns)
    brute = [1.0] + [sum(math.prod(c) for c in itertools.combinations(returns, k)) for k in range(1, 8)]
    np.testing.assert_allclose(sums, brute, rtol=1e-11, atol=1e-18)
    # the generating polynomial at x = L is the fund's value
    assert np.polyval(sums[::-1], 3.0) == pytest.approx(math.prod(1 + 3 * r for r in returns), rel=1e-12)


@pytest.mark.parametrize("leverage", [-2.0, 0.5, 2.0, 3.0])
def test_gap_terms_sum_to_plain_held_minus_fund(leverage):
    returns = RNG.normal(0.0, 0.02, 9)
    fund = math.prod(1 + leverage * r for r in returns)
    held = 1 + leverage * (math.prod(1 + r for r in returns) - 1)
    terms = gap_decomposition(returns, leverage)
    assert terms["term"].sum() == pytest.approx(held - fund, rel=1e-9, abs=1e-15)
    assert terms["k"].tolist() == list(range(2, 10))


def test_gbm_mean_median_plain_closed_forms():
    L, mu, sigma, T, r, f = 2.0, 0.07, np.array([0.1, 0.2, 0.4]), 3.0, 0.03, 0.009
    mean, median = gbm_mean_median(L, mu, sigma, T, rate=r, expense_ratio=f)
    drift = L * mu + (1 - L) * r - f
    np.testing.assert_allclose(mean, np.exp(drift * T) * np.ones(3), rtol=1e-12)
    np.testing.assert_allclose(median, np.exp((drift - L**2 * sigma**2 / 2) * T), rtol=1e-12)


def test_gbm_mean_standard_error_plain_formula_and_simulation():
    L, mu, sigma, T, n = 3.0, 0.08, 0.3, 1.0, 4000
    expected = math.sqrt(math.exp(2 * L * mu * T) * (math.exp(L**2 * sigma**2 * T) - 1) / n)
    assert gbm_mean_standard_error(L, mu, sigma, T, n) == pytest.approx(expected, rel=1e-12)
    # the spread of 300 simulated lognormal means of n draws each
    draws = np.exp(RNG.normal((L * mu - L**2 * sigma**2 / 2) * T, L * sigma * math.sqrt(T), (300, n)))
    assert draws.mean(axis=1).std(ddof=1) == pytest.approx(expected, rel=0.15)
    with pytest.raises(ValueError, match="sigma"):
        gbm_mean_standard_error(L, mu, -0.1, T, n)
    with pytest.raises(ValueError, match="leverage"):
        gbm_mean_standard_error([1.0, 2.0], [0.1, 0.2, 0.3], sigma, T, n)


def test_divergence_path_reproduces_both_totals():
    path = divergence_path(0.10, -0.20, 2.0, 60, seed=3)
    assert path.size == 60
    assert np.prod(1 + path) - 1 == pytest.approx(0.10, abs=1e-12)
    assert np.prod(1 + 2.0 * path) - 1 == pytest.approx(-0.20, abs=1e-8)
    # the moves alternate in sign around the drift
    drift = math.log(1.1) / 60
    signs = np.sign(np.log1p(path) - drift)
    assert np.mean(signs[:-1] != signs[1:]) > 0.8
    with pytest.raises(ValueError, match="fund_total"):
        divergence_path(0.10, 0.30, 2.0, 60, seed=3)
    with pytest.raises(TypeError, match="seed"):
        divergence_path(0.10, -0.20, 2.0, 60, seed=None)


def test_divergence_summary_plain_numbers():
    returns = RNG.normal(0.0, 0.02, 50)
    summary = divergence_summary(returns, -2.0, periods_per_year=260)
    index = np.prod(1 + returns) - 1
    held = np.maximum(1 - 2.0 * index, 0.0) - 1  # -2x bought once: floored at zero
    assert summary["trading days"] == 50
    assert summary["index return"] == pytest.approx(index, rel=1e-12)
    assert summary["-2x fund return"] == pytest.approx(np.prod(1 - 2.0 * returns) - 1, rel=1e-10)
    assert summary["-2x held return"] == pytest.approx(held, rel=1e-10)
    assert summary["annualised volatility of the path"] == pytest.approx(
        math.sqrt(np.sum(returns**2) * 260 / 50), rel=1e-12)


def test_monthly_distribution_against_plain_simulation():
    from lettools import monthly_distribution, monthly_fund_moments

    month = monthly_distribution(3.0, 0.01, 0.05, 21, n_paths=4000, seed=11)
    moments = monthly_fund_moments(3.0, 0.01, 0.05, 21)
    days = np.random.default_rng(11).normal(moments["daily_mean"], moments["daily_sd"], (4000, 21))
    fund = np.prod(1 + 3.0 * days, axis=1) - 1
    index = np.prod(1 + days, axis=1) - 1
    assert month.loc["fund", "mean_mc"] == pytest.approx(fund.mean(), rel=1e-12)
    assert month.loc["fund", "median_mc"] == pytest.approx(np.median(fund), rel=1e-12)
    assert month.loc["target", "sd_mc"] == pytest.approx((3.0 * index).std(), rel=1e-12)
    batches = np.median(fund.reshape(20, -1), axis=1)
    assert month.loc["fund", "median_se"] == pytest.approx(batches.std(ddof=1) / math.sqrt(20), rel=1e-12)
    # closed forms: the target's mean and sd are L M and |L| S
    assert month.loc["target", "mean"] == pytest.approx(0.03)
    assert month.loc["target", "sd"] == pytest.approx(0.15)


def test_lag_frequency_against_plain_simulation():
    from scipy import stats

    from lettools import gbm_returns, lag_frequency

    row = lag_frequency(2.0, sigmas=[0.3], horizons=[10], n_paths=3000, seed=4).iloc[0]
    returns = gbm_returns(3000, 10, 0.0, 0.3, seed=4 + 10)
    fund = np.prod(1 + 2.0 * returns, axis=1)
    target = 1 + 2.0 * (np.prod(1 + returns, axis=1) - 1)
    assert row["lag_share"] == pytest.approx(np.mean(fund < target), abs=1e-15)
    assert row["rule_share"] == pytest.approx(np.mean(returns.sum(axis=1) ** 2 < (returns**2).sum(axis=1)))
    assert row["second_order_t"] == pytest.approx(stats.t.cdf(1, 9) - stats.t.cdf(-1, 9), rel=1e-12)
    assert row["mean_gap"] == pytest.approx(np.mean(fund - target), rel=1e-10, abs=1e-15)
    with pytest.raises(ValueError, match="horizons"):
        lag_frequency(2.0, sigmas=[0.3], horizons=[1], n_paths=10, seed=1)
    with pytest.raises(ValueError, match="seed"):
        lag_frequency(2.0, sigmas=[0.3], horizons=[5], n_paths=10, seed=-1)


def test_value_paths_against_plain_loops():
    from lettools import value_paths

    returns = [0.05, -0.2, 0.1, -0.45, 0.3]
    table = value_paths(returns, 2.0, start=50.0)
    index, fund = [50.0], [50.0]
    for r in returns:
        index.append(index[-1] * (1 + r))
        fund.append(max(fund[-1] * (1 + 2.0 * r), 0.0))
    held = [max(50.0 * (1 + 2.0 * (i / 50.0 - 1)), 0.0) for i in index]
    np.testing.assert_allclose(table["index"], index, rtol=1e-12)
    np.testing.assert_allclose(table["fund"], fund, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(table["held"], held, rtol=1e-12, atol=1e-12)
    assert table["day"].tolist() == list(range(6))
