"""lettools.variance_cost and lettools.prospectus against plain numpy/python references."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lettools import (
    cell_spread,
    conditioned_returns,
    fund_return,
    log_shortfall,
    simulated_returns_table,
    yearly_decay,
)


def _plain_shortfall(returns, leverage):
    index, fund = 1.0, 1.0
    for r in returns:
        index *= 1.0 + r
        fund *= max(1.0 + leverage * r, 0.0)
    return math.inf if fund == 0.0 else leverage * math.log(index) - math.log(fund)


@pytest.mark.parametrize("leverage", [-3.0, -1.0, 0.5, 1.0, 2.0, 3.0])
def test_log_shortfall_matches_a_plain_loop(leverage):
    paths = np.random.default_rng(11).normal(0.0, 0.02, size=(5, 60))
    result = log_shortfall(paths, leverage)
    reference = [_plain_shortfall(path, leverage) for path in paths]
    np.testing.assert_allclose(result, reference, rtol=1e-10, atol=1e-13)
    assert log_shortfall(paths[0], leverage) == pytest.approx(reference[0], rel=1e-10, abs=1e-13)


def test_log_shortfall_is_infinite_on_a_wipeout_and_names_leverage():
    assert log_shortfall([-0.4, 0.1], 3.0) == math.inf
    with pytest.raises((TypeError, ValueError), match="leverage"):
        log_shortfall([0.01], "two")


def test_yearly_decay_matches_plain_groupby():
    rng = np.random.default_rng(5)
    dates = pd.bdate_range("2010-06-01", "2012-06-29")
    returns = pd.Series(rng.normal(0.0003, 0.012, size=dates.size), index=dates)
    table = yearly_decay(returns, leverage=3.0, periods_per_year=252)
    assert list(table.index) == [2010, 2011, 2012]
    for year in (2010, 2011, 2012):
        days = returns[returns.index.year == year].to_numpy()
        row = table.loc[year]
        assert row["volatility"] == pytest.approx(math.sqrt(np.sum(days**2) * 252 / days.size), rel=1e-12)
        assert row["index_return"] == pytest.approx(np.prod(1 + days) - 1, rel=1e-12)
        assert row["fund_return"] == pytest.approx(np.prod(1 + 3 * days) - 1, rel=1e-10)
        assert row["variance_cost"] == pytest.approx(_plain_shortfall(days, 3.0), rel=1e-9)
        assert row["second_order"] == pytest.approx(3.0 * np.sum(days**2), rel=1e-12)


def test_yearly_decay_wants_dated_returns():
    with pytest.raises(TypeError, match="index_returns"):
        yearly_decay([0.01, 0.02], leverage=2.0)
    with pytest.raises(TypeError, match="index_returns"):
        yearly_decay(pd.Series([0.01, 0.02]), leverage=2.0)


def test_conditioned_returns_hit_both_sums_and_follow_the_seed():
    paths = conditioned_returns(0.25, 0.4, 7, 126, seed=3, periods_per_year=252)
    assert paths.shape == (7, 126)
    np.testing.assert_allclose(np.sum(np.log1p(paths), axis=1), math.log(1.25), rtol=1e-12)
    np.testing.assert_allclose(np.sum(np.log1p(paths) ** 2, axis=1), 0.4**2 * 126 / 252, rtol=1e-12)
    # plain-numpy reference of the construction: centred, scaled normal draws of default_rng(seed)
    z = np.random.default_rng(3).standard_normal((7, 126))
    z = (z - z.mean(axis=1, keepdims=True))
    z /= np.sqrt(np.mean(z**2, axis=1, keepdims=True))
    a = math.log(1.25) / 126
    b = math.sqrt(0.4**2 / 252 - a**2)
    np.testing.assert_allclose(paths, np.expm1(a + b * z), rtol=1e-12)
    same = conditioned_returns(0.25, 0.4, 7, 126, seed=np.random.SeedSequence(3))
    np.testing.assert_array_equal(paths, same)


def test_conditioned_returns_name_bad_input():
    with pytest.raises(ValueError, match="sigma"):
        conditioned_returns(5.0, 0.01, 10, n_days=10, seed=1)
    with pytest.raises(ValueError, match="n_days"):
        conditioned_returns(0.1, 0.2, 10, n_days=1, seed=1)
    with pytest.raises(ValueError, match="tail_df"):
        conditioned_returns(0.1, 0.2, 10, seed=1, tail_df=0.0)
    with pytest.raises(TypeError, match="seed"):
        conditioned_returns(0.1, 0.2, 10, seed=None)


def test_simulated_returns_table_is_the_statistic_of_plain_funds():
    table = simulated_returns_table(3.0, [-0.2, 0.1], [0.3, 0.6], n_paths=25, n_days=60, seed=9, statistic="max")
    for i, total in enumerate((-0.2, 0.1)):
        for j, volatility in enumerate((0.3, 0.6)):
            paths = conditioned_returns(total, volatility, 25, 60, seed=9)
            assert table.iloc[i, j] == pytest.approx(np.max(np.prod(1 + 3 * paths, axis=1)) - 1, rel=1e-10)
    with pytest.raises(ValueError, match="statistic"):
        simulated_returns_table(2.0, statistic="mean")


def test_cell_spread_percentiles_from_plain_funds():
    spread = cell_spread(2.0, 0.1, 0.3, n_paths=300, seed=4, tail_dfs=(None,))
    paths = conditioned_returns(0.1, 0.3, 300, seed=4)
    funds = np.prod(np.maximum(1 + 2 * paths, 0.0), axis=1) - 1
    row = spread.loc["normal days"]
    low, mid, high = np.percentile(funds, [5, 50, 95])
    assert (row["5th percentile"], row["median"], row["95th percentile"]) == pytest.approx((low, mid, high))
    assert row["range_5_95"] == pytest.approx((high - low) * 100)
    assert row["table"] == pytest.approx(fund_return(0.1, 0.3, 2.0))


def test_rolling_volatility_matches_a_plain_window_loop():
    from lettools import rolling_volatility

    dates = pd.bdate_range("2015-01-01", periods=40)
    returns = pd.Series(np.random.default_rng(8).normal(0.0, 0.015, 40), index=dates)
    frame = rolling_volatility(returns, window=10, periods_per_year=250)
    values = returns.to_numpy()
    reference = [math.sqrt(250 / 10 * np.sum(values[i - 9 : i + 1] ** 2)) for i in range(9, 40)]
    np.testing.assert_allclose(frame["volatility"], reference, rtol=1e-12)
    assert list(frame["date"]) == list(dates[9:])
    with pytest.raises(ValueError, match="window"):
        rolling_volatility(returns, window=41)
    with pytest.raises(TypeError, match="index_returns"):
        rolling_volatility(values, window=10)


def test_shortfall_sample_against_plain_paths():
    from lettools import gbm_returns, shortfall_sample

    sample = shortfall_sample([2.0, -1.0], [0.2, 0.5], 4, 30, seed=7)
    assert len(sample) == 2 * 2 * 4
    for number, sigma in enumerate((0.2, 0.5)):
        paths = gbm_returns(4, 30, 0.0, sigma, seed=7 + number)
        variance = np.sum(paths**2, axis=1)
        for leverage in (2.0, -1.0):
            rows = sample[(sample["sigma"] == sigma) & (sample["leverage"] == leverage)]
            np.testing.assert_allclose(rows["realized_variance"], variance, rtol=1e-12)
            np.testing.assert_allclose(rows["variance_cost"], [_plain_shortfall(p, leverage) for p in paths],
                                       rtol=1e-9)
            np.testing.assert_allclose(rows["second_order"], (leverage**2 - leverage) / 2 * variance, rtol=1e-12)
    with pytest.raises(TypeError, match="seed"):
        shortfall_sample(seed=1.5)
