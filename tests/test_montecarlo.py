"""Monte Carlo of terminal outcomes: kernel against numpy, reproducibility, closed forms."""

import tracemalloc

import numba
import numpy as np
import pytest

from lettools import (
    OutcomeSimulation,
    gbm_returns,
    kernels,
    log_growth_rate,
    reference,
    simulate_outcomes,
    static_leverage_path,
    terminal_value,
)
from lettools.paths import gbm_parameters


def test_numba_generator_draws_numpys_normals():
    # The kernel's stream is the one numpy's Generator would produce.
    drawn = np.empty(1)
    kernels.gbm_outcomes(np.random.default_rng(9), 0.0, 1.0, 5, 1.0, 0.0, 0.0, 1.0, drawn, np.empty(1))
    normals = np.random.default_rng(9).standard_normal(5)
    assert drawn[0] == pytest.approx(np.prod(np.exp(normals)), rel=1e-13)


@pytest.mark.parametrize("leverage, sigma", [(3.0, 0.2), (3.0, 3.0), (-2.0, 2.0), (0.5, 0.4)])
def test_kernel_matches_reference_including_wipeouts(leverage, sigma):
    drift, volatility = gbm_parameters(0.05, sigma, 252)
    fund, static = np.empty(500), np.empty(500)
    kernels.gbm_outcomes(np.random.default_rng(4), drift, volatility, 60, leverage, -1e-4, 0.0, 1.0, fund, static)
    expected_fund, expected_static = reference.gbm_outcomes(
        np.random.default_rng(4), drift, volatility, 60, leverage, -1e-4, 0.0, 1.0, 500)
    np.testing.assert_allclose(fund, expected_fund, rtol=1e-12, atol=0)
    np.testing.assert_allclose(static, expected_static, rtol=1e-12, atol=0)
    if sigma > 1:
        assert np.mean(fund == 0.0) > 0.01  # wipeouts really happened


def test_kernel_matches_reference_with_a_trading_cost():
    drift, volatility = gbm_parameters(0.05, 0.25, 252)
    fund, static = np.empty(500), np.empty(500)
    kernels.gbm_outcomes(np.random.default_rng(4), drift, volatility, 60, 3.0, -1e-4, 6e-4, 1.0, fund, static)
    expected_fund, _ = reference.gbm_outcomes(np.random.default_rng(4), drift, volatility, 60, 3.0, -1e-4, 6e-4, 1.0, 500)
    np.testing.assert_allclose(fund, expected_fund, rtol=1e-12, atol=0)


def test_outcomes_equal_the_path_simulators():
    costs = dict(rate=0.03, expense_ratio=0.0091, spread=0.006, spread_basis="borrowed", trading_cost=0.0005)
    result = simulate_outcomes(3, 0.08, 0.25, 40, n_paths=3000, seed=17, **costs)
    index_returns = gbm_returns(3000, 40, 0.08, 0.25, seed=17)
    np.testing.assert_allclose(
        result.fund, terminal_value(index_returns, 3, **costs), rtol=1e-12)
    np.testing.assert_allclose(result.static, static_leverage_path(index_returns, 3)[:, -1], rtol=1e-12)


def test_same_seed_same_result_whatever_the_threads():
    runs = []
    before = numba.get_num_threads()
    try:
        for threads in (1, before):
            numba.set_num_threads(threads)
            runs.append(simulate_outcomes(2, 0.07, 0.3, 50, n_paths=5000, seed=123))
    finally:
        numba.set_num_threads(before)
    again = simulate_outcomes(2, 0.07, 0.3, 50, n_paths=5000, seed=123)
    for other in (runs[1], again):
        np.testing.assert_array_equal(runs[0].fund, other.fund)
        np.testing.assert_array_equal(runs[0].static, other.static)
    assert not np.array_equal(runs[0].fund, simulate_outcomes(2, 0.07, 0.3, 50, n_paths=5000, seed=124).fund)


@pytest.mark.parametrize("leverage", [3.0, -1.0])
def test_mean_and_median_match_closed_forms(leverage):
    mu, sigma, rate, fee, days = 0.08, 0.2, 0.03, 0.009, 252
    result = simulate_outcomes(leverage, mu, sigma, days, n_paths=100_000, seed=2024, rate=rate,
                               expense_ratio=fee)
    years = days / 252
    mean = np.exp((leverage * mu + (1 - leverage) * rate - fee) * years)
    median = np.exp(log_growth_rate(leverage, mu, sigma, rate=rate, expense_ratio=fee) * years)
    n = result.fund.size
    assert abs(result.fund.mean() - mean) < 4 * result.fund.std() / np.sqrt(n)
    # Standard error of a lognormal sample's median: m * s * sqrt(pi / 2) / sqrt(n).
    log_sd = abs(leverage) * sigma * np.sqrt(years)
    assert abs(np.median(result.fund) - median) < 4 * median * log_sd * np.sqrt(np.pi / 2 / n)


def test_static_mean_matches_closed_form():
    # Between 0 and 1x the position can never be closed out, so its mean is 1 + L (E[S_T] - 1).
    result = simulate_outcomes(0.5, 0.08, 0.3, 504, n_paths=50_000, seed=31)
    expected = 1 + 0.5 * (np.exp(0.08 * 2) - 1)
    assert abs(result.static.mean() - expected) < 4 * result.static.std() / np.sqrt(result.static.size)


def test_summary_table():
    result = simulate_outcomes(3, 0.0, 0.6, 252, n_paths=20_000, seed=8)
    assert isinstance(result, OutcomeSimulation) and result.years == 1.0
    table = result.summary()
    assert list(table.index) == ["daily-reset fund", "L x index (static)"]
    assert list(table.columns) == ["mean", "median", "q05", "q25", "q75", "q95", "prob_loss", "prob_wipeout"]
    for row in table.itertuples():
        assert row.q05 <= row.q25 <= row.median <= row.q75 <= row.q95
    fund = table.loc["daily-reset fund"]
    assert fund["prob_loss"] == pytest.approx(np.mean(result.fund < 1))
    # 3x at 60% volatility: the median fund loses most of its value while the mean stays near 1.
    assert fund["median"] < 0.4 and fund["prob_loss"] > 0.7
    assert table.loc["L x index (static)", "prob_wipeout"] > 0.1
    with pytest.raises(ValueError):
        result.fund[0] = 1.0  # read-only


def test_memory_grows_with_paths_not_days():
    simulate_outcomes(2, 0.05, 0.2, 10, n_paths=100, seed=0)  # compile and warm up outside the trace
    tracemalloc.start()
    simulate_outcomes(2, 0.05, 0.2, 2000, n_paths=20_000, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stored_returns = 20_000 * 2000 * 8
    assert peak < 4_000_000 < stored_returns / 50
