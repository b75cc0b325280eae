"""Seeded GBM paths and the teaching scenarios."""

import numpy as np
import pytest

from lettools import SCENARIOS, gbm_returns, scenario_returns
from lettools.paths import BLOCK_PATHS


def test_gbm_returns_shape_and_reproducibility():
    a = gbm_returns(3000, 20, 0.08, 0.2, seed=5)
    assert a.shape == (3000, 20)
    np.testing.assert_array_equal(a, gbm_returns(3000, 20, 0.08, 0.2, seed=5))
    assert not np.array_equal(a, gbm_returns(3000, 20, 0.08, 0.2, seed=6))
    # A path depends on the seed and its position only: asking for fewer paths gives a prefix.
    np.testing.assert_array_equal(gbm_returns(10, 20, 0.08, 0.2, seed=5), a[:10])
    np.testing.assert_array_equal(gbm_returns(BLOCK_PATHS + 5, 20, 0.08, 0.2, seed=5), a[: BLOCK_PATHS + 5])


def test_gbm_returns_follow_the_stated_distribution():
    mu, sigma, ppy = 0.10, 0.30, 252
    logs = np.log1p(gbm_returns(4000, 252, mu, sigma, seed=3, periods_per_year=ppy))
    n = logs.size
    daily_sd = sigma / np.sqrt(ppy)
    assert abs(logs.mean() - (mu - sigma**2 / 2) / ppy) < 4 * daily_sd / np.sqrt(n)
    assert abs(logs.std() / daily_sd - 1) < 4 / np.sqrt(2 * n)
    # The index's expected value grows as exp(mu t): check the one-year mean.
    finals = np.exp(logs.sum(axis=1))
    assert abs(finals.mean() - np.exp(mu)) < 4 * finals.std() / np.sqrt(finals.size)


def test_zero_volatility_is_a_deterministic_drift():
    np.testing.assert_allclose(gbm_returns(2, 5, 0.252, 0.0, seed=0), np.expm1(0.001))


def test_scenarios():
    assert set(SCENARIOS) == {"trend", "flat", "choppy"}
    for kind, scenario in SCENARIOS.items():
        path = scenario_returns(kind, seed=1)
        assert path.shape == (30,)
        np.testing.assert_array_equal(path, scenario_returns(kind, seed=1))
        assert isinstance(scenario["description"], str)
        long = np.log1p(scenario_returns(kind, n_days=5000, seed=2))
        assert long.std() * np.sqrt(252) == pytest.approx(scenario["sigma"], rel=0.05)
    with pytest.raises(ValueError, match="kind"):  # one name per market: "choppy", no alias
        scenario_returns("volatile", seed=4)
    assert SCENARIOS["trend"]["mu"] > 0 and SCENARIOS["choppy"]["sigma"] > SCENARIOS["flat"]["sigma"]
