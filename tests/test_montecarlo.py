"""Monte Carlo of terminal outcomes: kernel against numpy, reproducibility, closed forms."""

import tracemalloc

import numba
import numpy as np
import pytest

import lettools
from lettools import (
    OutcomeSimulation,
    gbm_returns,
    kernels,
    log_growth_rate,
    reference,
    simulate_fund,
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


@pytest.mark.parametrize("leverage, sigma, trading_drag",
                         [(3.0, 0.2, 0.0), (3.0, 3.0, 0.0), (-2.0, 2.0, 0.0), (0.5, 0.4, 0.0), (3.0, 0.4, 0.006),
                          (-3.0, 0.4, 0.012), (1.0, 0.3, 0.0), (0.0, 0.3, 0.0)])
def test_kernel_matches_reference_including_wipeouts(leverage, sigma, trading_drag):
    # The kernel's expm1 is its own polynomial (within 2 ulp of numpy's) and its static leg
    # works in log space, so the two agree to rounding: 1e-12 relative, or 1e-13 of the
    # amount invested for a static value that ends near zero (cancellation in 1 - L + L S).
    drift, volatility = gbm_parameters(0.05, sigma, 252)
    fund, static = np.empty(700), np.empty(700)  # several sub-blocks and a partial one
    kernels.gbm_outcomes(np.random.default_rng(4), drift, volatility, 60, leverage, -1e-4, trading_drag, 1.0,
                         fund, static)
    expected_fund, expected_static = reference.gbm_outcomes(
        np.random.default_rng(4), drift, volatility, 60, leverage, -1e-4, trading_drag, 1.0, 700)
    np.testing.assert_allclose(fund, expected_fund, rtol=1e-12, atol=0)
    np.testing.assert_allclose(static, expected_static, rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(static == 0.0, expected_static == 0.0)
    if sigma > 1:
        assert np.mean(fund == 0.0) > 0.01  # wipeouts really happened


def test_kernel_expm1_is_within_two_ulp_of_numpy():
    x = np.concatenate([np.linspace(-0.5, 0.5, 10_001), np.geomspace(1e-300, 700, 3000),
                        -np.geomspace(1e-300, 700, 3000), [0.0, -0.0]])
    ours = np.array([kernels._expm1(v) for v in x])
    assert np.all(np.abs(ours - np.expm1(x)) <= 2 * np.spacing(np.abs(np.expm1(x))))


def test_cost_parameters_match_simulate_fund():
    costs = dict(rate=0.03, expense_ratio=0.0091, spread=0.01, trading_cost=0.001)
    index_returns = gbm_returns(2000, 30, 0.08, 0.25, seed=5)
    for basis in ("notional", "borrowed"):
        for leverage in (3.0, -2.0):
            result = simulate_outcomes(leverage, 0.08, 0.25, 30, n_paths=2000, seed=5, spread_basis=basis, **costs)
            expected = terminal_value(index_returns, leverage, spread_basis=basis, **costs)
            np.testing.assert_allclose(result.fund, expected, rtol=1e-12)
            assert (result.spread, result.spread_basis, result.trading_cost) == (0.01, basis, 0.001)
    with pytest.raises(ValueError, match="spread_basis"):
        simulate_outcomes(3, 0.08, 0.25, 30, n_paths=10, seed=5, spread_basis="gross")


def test_outcomes_equal_the_path_simulators():
    result = simulate_outcomes(3, 0.08, 0.25, 40, n_paths=3000, seed=17, rate=0.03, expense_ratio=0.0091)
    index_returns = gbm_returns(3000, 40, 0.08, 0.25, seed=17)
    np.testing.assert_allclose(
        result.fund, terminal_value(index_returns, 3, rate=0.03, expense_ratio=0.0091), rtol=1e-12)
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


def test_monte_carlo_kernel_leaves_simulate_fund_rounding_alone():
    # The Monte Carlo kernel is compiled with fused multiply-adds; the path kernels must still
    # round like numpy, where 1 + 3 * (-1/3) is exactly zero (a wipeout), not 5.6e-17.
    simulate_outcomes(3, 0.05, 0.2, 5, n_paths=10, seed=0, trading_cost=0.001)
    assert simulate_fund([-1 / 3], 3).tolist() == [1.0, 0.0]
    assert terminal_value([-1 / 3], 3) == 0.0


@pytest.mark.parametrize("leverage, costs", [(3.0, {}), (-2.0, dict(rate=0.03, expense_ratio=0.0095, spread=0.004)),
                                             (0.5, dict(trading_cost=0.001)), (1.0, {})])
def test_several_volatilities_on_one_draw_equal_one_run_each_bit_for_bit(leverage, costs):
    # 1,500 paths: two random streams, several sub-blocks and a partial one.
    sigmas = [0.0, 0.05, 0.3, 0.8, 2.5]
    runs = lettools.simulate_outcomes_sigmas(leverage, 0.08, sigmas, 90, n_paths=1500, seed=77, **costs)
    assert [run.sigma for run in runs] == sigmas
    for sigma, run in zip(sigmas, runs, strict=True):
        one = simulate_outcomes(leverage, 0.08, sigma, 90, n_paths=1500, seed=77, **costs)
        np.testing.assert_array_equal(run.fund, one.fund)
        np.testing.assert_array_equal(run.static, one.static)
        assert (run.leverage, run.mu, run.n_days, run.seed, run.rate) == (one.leverage, one.mu, one.n_days, one.seed,
                                                                          one.rate)
        assert not run.fund.flags.writeable


def test_several_volatilities_refuse_bad_ones_by_name():
    with pytest.raises(ValueError, match="sigmas"):
        lettools.simulate_outcomes_sigmas(3, 0.08, [], 21, n_paths=10, seed=1)
    with pytest.raises(ValueError, match="sigmas"):
        lettools.simulate_outcomes_sigmas(3, 0.08, [0.2, -0.1], 21, n_paths=10, seed=1)
    with pytest.raises(ValueError, match="sigmas"):
        lettools.simulate_outcomes_sigmas(3, 0.08, [[0.2]], 21, n_paths=10, seed=1)
