"""lettools.decomposition against plain-numpy recomputations, written from first principles."""

import numpy as np
import pytest

from lettools import (
    effective_leverage,
    excess_drift_to_outgrow,
    flow_adjusted_trade,
    growth_decomposition,
    log_growth_rate,
    monthly_fund_moments,
    offsetting_flow_share,
    rebalancing_trade_pnl,
    yardstick_decomposition,
)


def _book(returns, leverage, assets=100.0):
    """Walk a fund's balance sheet day by day: exposure held after the move, exposure needed."""
    held_trades, value = [], assets
    for r in returns:
        held = leverage * value * (1 + r)
        value = value * (1 + leverage * r)
        held_trades.append(leverage * value - held)
    return value, np.array(held_trades)


def test_effective_leverage_is_exposure_over_equity():
    # A 3x fund bought after a +3% morning: exposure 3 x 1.03, equity 1 + 3 x 0.03.
    assert effective_leverage(3, 0.03) == pytest.approx(3 * 1.03 / 1.09)
    moves = np.linspace(-0.3, 0.3, 13)
    for leverage in (2.0, 3.0, -1.0, -3.0):
        exposure, equity = leverage * (1 + moves), 1 + leverage * moves
        expected = np.where(equity > 0, exposure / np.where(equity > 0, equity, 1), np.nan)
        np.testing.assert_allclose(effective_leverage(leverage, moves), expected, equal_nan=True)


def test_flow_adjusted_trade_matches_the_balance_sheet():
    rng = np.random.default_rng(3)
    for _ in range(50):
        assets, leverage, r, flow = rng.uniform(10, 500), rng.choice([2, 3, -1, -2, -3]), rng.normal(0, 0.03), rng.normal(0, 20)
        needed = leverage * (assets * (1 + leverage * r) + flow)
        held = leverage * assets * (1 + r)
        assert flow_adjusted_trade(assets, leverage, r, flow) == pytest.approx(needed - held)
    # With no flow it is the trade A (L^2 - L) R.
    assert flow_adjusted_trade(100, 3, 0.05, 0.0) == pytest.approx(30.0)
    with pytest.raises(ValueError, match="assets"):
        flow_adjusted_trade(-1, 3, 0.05, 0.0)


def test_yardsticks_and_variance_cost_are_exact():
    rng = np.random.default_rng(11)
    returns = rng.normal(0.0003, 0.015, 250)
    for leverage in (2.0, 3.0, -1.0, -2.0):
        parts = yardstick_decomposition(returns, leverage)
        index = np.prod(1 + returns) - 1
        fund = np.prod(1 + leverage * returns) - 1
        assert parts["fund_return"] == pytest.approx(fund, rel=1e-12)
        assert parts["target_return"] == pytest.approx(leverage * index, rel=1e-12)
        assert parts["no_decay_return"] == pytest.approx((1 + index) ** leverage - 1, rel=1e-12)
        # fund = no-decay x exp(-variance cost), exactly
        assert (1 + parts["no_decay_return"]) * np.exp(-parts["variance_cost"]) == pytest.approx(1 + fund, rel=1e-12)
        # second and third order terms recomputed; the remainder is fourth order
        second = (leverage**2 - leverage) / 2 * np.sum(returns**2)
        third = (leverage - leverage**3) / 3 * np.sum(returns**3)
        assert parts["variance_cost_second_order"] == pytest.approx(second)
        assert parts["cubic_term"] == pytest.approx(third)
        fourth = np.sum((leverage**4 - leverage) / 4 * returns**4)
        assert abs(parts["variance_cost"] - second - third) < 3 * fourth
        assert parts["convexity_gain"] >= 0 and parts["variance_cost"] >= 0


def test_yardsticks_broadcast_over_paths_and_reject_wipeouts():
    paths = np.array([[0.01, -0.02, 0.03], [0.0, 0.0, 0.0]])
    parts = yardstick_decomposition(paths, 3)
    assert parts["variance_cost"].shape == (2,)
    assert parts["variance_cost"][1] == 0.0
    with pytest.raises(ValueError, match="wiped out"):
        yardstick_decomposition([0.1, -0.4], 3)


def test_rebalancing_trades_sum_to_fund_minus_held():
    rng = np.random.default_rng(5)
    for leverage in (2.0, 3.0, -1.0, -3.0):
        returns = rng.normal(0, 0.02, 60)
        pnl = rebalancing_trade_pnl(returns, leverage, assets=100.0)
        fund, trades = _book(returns, leverage)
        held = 100.0 * (1 + leverage * (np.prod(1 + returns) - 1))
        assert pnl.sum() == pytest.approx(fund - held, rel=1e-10, abs=1e-10)
        # each trade is the balance-sheet trade, marked to the end of the path
        growth_after = np.prod(1 + returns) / np.cumprod(1 + returns) - 1
        np.testing.assert_allclose(pnl, trades * growth_after, atol=1e-12)
    # up then down: the one trade bought after the rise loses the fall
    assert rebalancing_trade_pnl([0.1, -0.1], 2, assets=100).sum() == pytest.approx(96 - 98)


def test_growth_decomposition_adds_up():
    parts = growth_decomposition(3, 0.10, 0.20, rate=0.03)
    assert parts["index_term"] == pytest.approx(3 * (0.10 - 0.02))
    assert parts["variance_cost"] == pytest.approx(0.12)
    assert parts["financing"] == pytest.approx(-0.06)
    assert parts["growth"] == pytest.approx(3 * 0.10 + (1 - 3) * 0.03 - 9 * 0.04 / 2)
    # with no financing a 2x and a 3x fund grow at the same rate when mu = 5 sigma^2 / 2
    g2 = growth_decomposition(2, 0.10, 0.20)["growth"]
    g3 = growth_decomposition(3, 0.10, 0.20)["growth"]
    assert g2 == pytest.approx(g3)


def test_monthly_moments_match_a_simulation():
    moments = monthly_fund_moments(2, 0.009, 0.02, 21)
    m, s = moments["daily_mean"], moments["daily_sd"]
    # the daily moments compound back to the monthly ones
    assert (1 + m) ** 21 - 1 == pytest.approx(0.009)
    assert np.sqrt(((1 + m) ** 2 + s**2) ** 21 - (1 + m) ** 42) == pytest.approx(0.02)
    rng = np.random.default_rng(2024)
    days = rng.normal(m, s, size=(400_000, 21))
    fund = np.prod(1 + 2 * days, axis=1) - 1
    standard_error = fund.std() / np.sqrt(fund.size)
    assert abs(fund.mean() - moments["fund_mean"]) < 4 * standard_error
    assert fund.std() == pytest.approx(moments["fund_sd"], rel=0.01)
    assert moments["fund_mean"] == pytest.approx((1 + 2 * m) ** 21 - 1)
    with pytest.raises(ValueError, match="n_days"):
        monthly_fund_moments(2, 0.009, 0.02, 0)


def test_implied_volatility_inverts_the_relation():
    from lettools import fund_return, implied_volatility

    for leverage in (2.0, 3.0, -1.0, -3.0):
        for sigma in (0.1, 0.5, 0.9):
            fund = fund_return(0.08, sigma, leverage, years=0.4)
            assert implied_volatility(0.08, fund, leverage, years=0.4) == pytest.approx(sigma, rel=1e-10)
    # by hand: sigma^2 = 2 [3 ln 1.08 - ln 0.47] / (6 x 0.5)
    expected = np.sqrt(2 * (3 * np.log(1.08) - np.log(0.47)) / (6 * 0.5))
    assert implied_volatility(0.08, -0.53, 3, years=0.5) == pytest.approx(expected)
    assert np.isnan(implied_volatility(0.10, 0.40, 3))  # better than no decay: no volatility explains it
    with pytest.raises(ValueError, match="leverage"):
        implied_volatility(0.1, 0.1, 0.5)


def test_fund_beats_target_exactly_when_cost_is_below_the_log_gain():
    rng = np.random.default_rng(5)
    for leverage in (2.0, 3.0, -1.0, -3.0):
        paths = rng.normal(0.0, 0.03, (400, 40))
        paths = paths[np.all(1 + leverage * paths > 0, axis=1)]
        parts = yardstick_decomposition(paths, leverage)
        index = np.prod(1 + paths, axis=1) - 1
        with np.errstate(invalid="ignore"):
            gain = np.where(1 + leverage * index > 0, leverage * np.log1p(index) - np.log(1 + leverage * index), np.inf)
        np.testing.assert_allclose(parts["log_convexity_gain"], gain, rtol=1e-8, atol=1e-12)
        beats = np.prod(1 + leverage * paths, axis=1) > 1 + leverage * index
        np.testing.assert_array_equal(beats, parts["variance_cost"] < parts["log_convexity_gain"])
    # the simple-return gain is not the right comparison: 2008-like numbers, gain < cost, fund ahead
    falls = np.array([-0.04, 0.03] * 60)
    parts = yardstick_decomposition(falls, 3)
    assert parts["fund_return"] > parts["target_return"]
    # a target at or below -100% is beaten by every surviving fund: an infinite log gain
    assert yardstick_decomposition([-0.2, -0.2], 3)["log_convexity_gain"] == np.inf


def test_excess_drift_to_outgrow_matches_the_growth_rates():
    sigma, rate = 0.2, 0.03
    threshold = excess_drift_to_outgrow(3, 1, sigma)
    assert threshold == pytest.approx(2 * sigma**2)
    for mu in (rate + threshold - 1e-4, rate + threshold + 1e-4):
        ahead = log_growth_rate(3, mu, sigma, rate=rate) > log_growth_rate(1, mu, sigma, rate=rate)
        assert ahead == (mu - rate > threshold)
    assert excess_drift_to_outgrow(3, 2, sigma) == pytest.approx(5 * sigma**2 / 2)
    with pytest.raises(ValueError, match="reference"):
        excess_drift_to_outgrow(1, 3, sigma)


def test_offsetting_flow_share_cancels_the_trade():
    """F / A = -(L - 1) R, checked against the balance sheet: new assets times L minus exposure held."""
    rng = np.random.default_rng(7)
    leverage = np.array([3.0, 2.0, -1.0, -2.0, -3.0])
    r = rng.uniform(-0.1, 0.1, size=leverage.size)
    share = offsetting_flow_share(leverage, r)
    np.testing.assert_allclose(share, -(leverage - 1.0) * r, rtol=1e-14)
    assets = 100.0
    needed = leverage * (assets * (1 + leverage * r) + assets * share)
    held = leverage * assets * (1 + r)
    np.testing.assert_allclose(needed - held, 0.0, atol=1e-12)
    np.testing.assert_allclose(flow_adjusted_trade(assets, leverage, r, assets * share), 0.0, atol=1e-12)
    assert offsetting_flow_share(3, -0.03) == pytest.approx(0.06)
    with pytest.raises(ValueError, match="leverage"):
        offsetting_flow_share(0.0, 0.01)
    with pytest.raises(ValueError, match="index_return"):
        offsetting_flow_share(3.0, -1.5)
