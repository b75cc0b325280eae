"""Reflexivity: rebalancing flows, the linear-impact feedback loop, and the multi-day market."""

import math

import numpy as np
import pandas as pd
import pytest

from lettools.feedback import (
    _reflexive_market_kernel,
    _reflexive_market_reference,
    aggregate_rebalance_flow,
    amplification,
    backcast_assets,
    feedback_gain,
    flow_share_of_volume,
    instability_assets,
    rebalance_sign_table,
    simulate_feedback,
    simulate_reflexive_market,
)
from lettools.fund import simulate_fund
from lettools.theory import rebalance_flow


def test_long_and_inverse_funds_both_trade_with_the_move():
    table = rebalance_sign_table()
    assert list(table.index) == [2.0, 3.0, -1.0, -2.0, -3.0]
    assert (table["L^2 - L"] > 0).all()
    assert (table["up_day"] == "buy").all()
    assert (table["down_day"] == "sell").all()
    np.testing.assert_allclose(table.loc[3.0, ["flow_up", "flow_down"]].to_numpy(float), [0.06, -0.06])


def test_sign_table_for_funds_that_do_not_lever():
    table = rebalance_sign_table([0.5, 1.0, 0.0])
    assert list(table["up_day"]) == ["sell", "none", "none"]
    assert list(table["down_day"]) == ["buy", "none", "none"]


def test_aggregate_flow_is_the_sum_of_each_funds_flow():
    assets, leverages = [4e9, 2e9, 1e9], [3.0, -3.0, 2.0]
    moves = np.array([-0.05, -0.01, 0.0, 0.02])
    expected = sum(rebalance_flow(a, lev, moves) for a, lev in zip(assets, leverages, strict=False))
    np.testing.assert_allclose(aggregate_rebalance_flow(assets, leverages, moves), expected)
    # $1bn in a 3x fund, 1% up: buys $60M.
    assert aggregate_rebalance_flow(1e9, 3.0, 0.01) == pytest.approx(60e6)


def test_gain_amplification_and_instability():
    gain = feedback_gain([50e9, 20e9], [3.0, -3.0], 1e12)
    assert gain == pytest.approx((50e9 * 6 + 20e9 * 12) / 1e12)
    assert amplification(gain) == pytest.approx(1 / (1 - gain))
    assert amplification(0.0) == 1.0
    np.testing.assert_array_equal(amplification([1.0, 2.5]), [np.inf, np.inf])
    threshold = instability_assets([3.0, -3.0], 1e12, weights=[5, 2])
    assert feedback_gain([threshold * 5 / 7, threshold * 2 / 7], [3.0, -3.0], 1e12) == pytest.approx(1.0)
    assert instability_assets(3.0, 600e9) == pytest.approx(100e9)
    assert instability_assets([0.5], 1e12) == math.inf
    assert feedback_gain(1e9, 3.0, math.inf) == 0.0


def test_iteration_converges_to_the_closed_form_fixed_point():
    frame = simulate_feedback(-0.03, long_assets=50e9, inverse_assets=20e9, depth=1e12, n_rounds=60)
    gain = frame.attrs["gain"]
    assert gain == pytest.approx(0.54)
    rounds = frame["round"].to_numpy()
    np.testing.assert_allclose(frame["move"], -0.03 * (1 - gain ** (rounds + 1)) / (1 - gain))
    assert frame["move"].iloc[-1] == pytest.approx(-0.03 / (1 - gain), rel=1e-12)
    assert frame.attrs["fixed_point"] == pytest.approx(-0.03 * frame.attrs["amplification"])
    assert frame.attrs["stopped_at_round"] is None
    # The funds' cumulative trade is K times the move they have seen.
    sensitivity = gain * 1e12
    np.testing.assert_allclose(frame["cumulative_flow"].iloc[1:], sensitivity * frame["move"].iloc[:-1].to_numpy())


def test_no_funds_no_amplification():
    frame = simulate_feedback(-0.05, long_assets=0.0, inverse_assets=0.0, depth=1e12, n_rounds=5)
    assert frame.attrs["gain"] == 0.0
    np.testing.assert_array_equal(frame["move"], -0.05)
    np.testing.assert_array_equal(frame["flow"], 0.0)


def test_every_depth_is_checked_alike_and_math_inf_means_no_impact():
    # feedback_gain, instability_assets, simulate_feedback and simulate_reflexive_market share one check.
    assert instability_assets([3.0, -3.0], math.inf) == math.inf
    frame = simulate_feedback(-0.05, long_assets=100e9, inverse_assets=50e9, depth=math.inf, n_rounds=5)
    assert frame.attrs["gain"] == 0.0 and frame.attrs["amplification"] == 1.0
    assert frame.attrs["fixed_point"] == -0.05
    np.testing.assert_array_equal(frame["move"], -0.05)
    market = simulate_reflexive_market([0.01, -0.02], fund_assets=[100e9], leverages=[3.0], depth=math.inf)
    np.testing.assert_allclose(market["index_return"], [0.01, -0.02])
    calls = {
        "feedback_gain": lambda depth: feedback_gain(1e9, 3.0, depth),
        "instability_assets": lambda depth: instability_assets([3.0, -3.0], depth),
        "simulate_feedback": lambda depth: simulate_feedback(-0.05, long_assets=1.0, inverse_assets=1.0, depth=depth),
        "simulate_reflexive_market": lambda depth: simulate_reflexive_market([0.01], fund_assets=1.0, leverages=3.0,
                                                                             depth=depth),
    }
    for call in calls.values():
        for bad in (0.0, -5.0, -math.inf, math.nan):
            with pytest.raises(ValueError, match="depth"):
                call(bad)
        with pytest.raises(TypeError, match="depth"):
            call("1e12")


def test_unstable_loop_runs_away_and_stops_before_the_index_reaches_zero():
    frame = simulate_feedback(-0.05, long_assets=100e9, inverse_assets=100e9, depth=1e12)
    assert frame.attrs["gain"] >= 1
    assert frame.attrs["fixed_point"] is None
    assert frame.attrs["amplification"] == math.inf
    assert frame.attrs["stopped_at_round"] == len(frame)
    assert (frame["move"] > -1).all()
    assert np.all(np.diff(frame["move"]) < 0)


def test_flow_share_of_volume():
    assert flow_share_of_volume(-1.68e9, 10e9) == pytest.approx(0.168)
    np.testing.assert_allclose(flow_share_of_volume([1e9, -2e9], 4e9), [0.25, 0.5])


def _random_case(seed, n_days=300, n_funds=4):
    rng = np.random.default_rng(seed)
    exogenous = rng.standard_t(3, n_days) * 0.02
    exogenous = np.maximum(exogenous, -0.6)
    exogenous[[100, 200]] = [0.4, -0.4]  # crash days that wipe out 3x funds on one side or the other
    assets = rng.uniform(1e9, 30e9, n_funds)
    leverages = rng.choice([-3.0, -2.0, -1.0, 0.5, 2.0, 3.0], n_funds)
    carry = rng.normal(0.0, 2e-4, n_funds)
    return exogenous, assets, leverages, carry


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("depth", [math.inf, 3e12, 4e11])
@pytest.mark.parametrize("reversal", [0.0, 0.5])
@pytest.mark.parametrize("scale_depth", [False, True])
def test_numba_kernel_matches_numpy_reference(seed, depth, reversal, scale_depth):
    args = _random_case(seed)
    args = (args[0], args[1], args[2], 1.0 / depth, args[3], reversal, scale_depth)
    fast = _reflexive_market_kernel(*args)
    slow = _reflexive_market_reference(*args)
    assert fast[4] == slow[4] and fast[5] == slow[5]
    for a, b in zip(fast[:4], slow[:4], strict=False):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-6)


def test_kernel_matches_reference_on_a_collapse():
    args = (np.array([0.01, -0.5, 0.01]), np.array([10e9]), np.array([3.0]), 1.0 / 100e9, np.zeros(1), 0.0, False)
    fast, slow = _reflexive_market_kernel(*args), _reflexive_market_reference(*args)
    assert fast[4:] == slow[4:] == (1, 2)
    for a, b in zip(fast[:4], slow[:4], strict=False):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_reference_cases_cover_wipeouts_and_early_stops():
    statuses, wiped = set(), False
    for seed in range(4):
        for depth in (math.inf, 3e12, 4e11):
            exogenous, assets, leverages, carry = _random_case(seed)
            out = _reflexive_market_reference(exogenous, assets, leverages, 1.0 / depth, carry)
            statuses.add(out[5])
            wiped |= bool(np.any(out[3][: out[4]] == 0.0))
    assert wiped and len(statuses) >= 2


def test_infinitely_deep_market_follows_the_exogenous_path():
    rng = np.random.default_rng(7)
    exogenous = pd.Series(rng.normal(0.0, 0.015, 500), index=pd.bdate_range("2020-01-01", periods=500))
    frame = simulate_reflexive_market(
        exogenous, fund_assets=[5e9, 2e9], leverages=[3.0, -3.0], depth=math.inf,
        rate=0.03, expense_ratio=0.0095, spread=0.005,
    )
    assert frame.attrs["completed"]
    pd.testing.assert_index_equal(frame.index, exogenous.index)
    np.testing.assert_array_equal(frame["index_return"], exogenous.to_numpy())
    np.testing.assert_allclose(frame["index_level"], frame["exogenous_level"])
    # Each fund's assets follow the fund simulator on the same path.
    for i, leverage in enumerate([3.0, -3.0]):
        expected = simulate_fund(
            exogenous, leverage, rate=0.03, expense_ratio=0.0095, spread=0.005, start=[5e9, 2e9][i]
        )[1:]
        np.testing.assert_allclose(frame[f"assets_{i}"], expected, rtol=1e-10)


def test_finite_depth_amplifies_every_day_by_that_days_gain():
    rng = np.random.default_rng(3)
    exogenous = rng.normal(0.0, 0.01, 250)
    frame = simulate_reflexive_market(exogenous, fund_assets=[40e9, 10e9], leverages=[3.0, -2.0], depth=2e12)
    assert frame.attrs["completed"]
    assert (frame["gain"] > 0).all() and (frame["gain"] < 1).all()
    np.testing.assert_allclose(frame["index_return"], exogenous / (1 - frame["gain"]))
    assert frame["gain"].iloc[0] == pytest.approx((40e9 * 6 + 10e9 * 6) / 2e12)
    np.testing.assert_allclose(frame["flow"], frame["gain"] * 2e12 * frame["index_return"])
    assert frame["index_return"].std() > exogenous.std()


def test_runaway_day_stops_the_market_without_nans():
    exogenous = [0.01, -0.01, 0.02, -0.02]
    frame = simulate_reflexive_market(exogenous, fund_assets=[100e9], leverages=[3.0], depth=500e9)
    assert not frame.attrs["completed"]
    assert frame.attrs["stopped_on"] == 0
    assert "runaway" in frame.attrs["reason"]
    assert frame.empty


def test_collapse_day_stops_the_market():
    exogenous = [0.01, -0.5, 0.01]
    frame = simulate_reflexive_market(exogenous, fund_assets=[10e9], leverages=[3.0], depth=100e9)
    assert len(frame) == 1
    assert frame.attrs["stopped_on"] == 1
    assert "collapse" in frame.attrs["reason"]
    assert not frame.isna().any().any()


@pytest.mark.parametrize(
    "call, exception, words",
    [
        (lambda: aggregate_rebalance_flow([1e9, 2e9], [3.0], 0.01), ValueError, "leverages"),
        (lambda: aggregate_rebalance_flow(-1e9, 3.0, 0.01), ValueError, "assets"),
        (lambda: aggregate_rebalance_flow(1e9, 3.0, -1.5), ValueError, "index_return"),
        (lambda: rebalance_sign_table(move=0.0), ValueError, "move"),
        (lambda: rebalance_sign_table(["2x"]), TypeError, "leverages"),
        (lambda: feedback_gain(1e9, 3.0, 0.0), ValueError, "depth"),
        (lambda: feedback_gain(1e9, 3.0, -5.0), ValueError, "depth"),
        (lambda: amplification(float("nan")), ValueError, "gain"),
        (lambda: instability_assets([3.0, -3.0], 1e12, weights=[1.0]), ValueError, "weights"),
        (lambda: instability_assets([3.0], 1e12, weights=[0.0]), ValueError, "weights"),
        (lambda: simulate_feedback(-1.0, long_assets=1.0, inverse_assets=1.0, depth=1.0), ValueError, "shock"),
        (lambda: simulate_feedback(0.01, long_assets=-1.0, inverse_assets=1.0, depth=1.0), ValueError, "long_assets"),
        (lambda: simulate_feedback(0.01, long_assets=1.0, inverse_assets=1.0, long_leverage=0.5, depth=1.0), ValueError, "long_leverage"),
        (lambda: simulate_feedback(0.01, long_assets=1.0, inverse_assets=1.0, inverse_leverage=1.0, depth=1.0), ValueError, "inverse_leverage"),
        (lambda: simulate_feedback(0.01, long_assets=1.0, inverse_assets=1.0, depth=1.0, n_rounds=0), ValueError, "n_rounds"),
        (lambda: simulate_reflexive_market([0.01, -1.0], fund_assets=1.0, leverages=3.0, depth=1e9), ValueError, "index_returns"),
        (lambda: simulate_reflexive_market([[0.01]], fund_assets=1.0, leverages=3.0, depth=1e9), ValueError, "index_returns"),
        (lambda: simulate_reflexive_market([0.01], fund_assets=[1.0, 2.0], leverages=3.0, depth=1e9), ValueError, "leverages"),
        (lambda: simulate_reflexive_market([0.01], fund_assets=1.0, leverages=3.0, depth=1e9, expense_ratio=-0.01), ValueError, "expense_ratio"),
        (lambda: simulate_reflexive_market([0.01], fund_assets=1.0, leverages=3.0, depth=-math.inf), ValueError, "depth"),
        (lambda: flow_share_of_volume(1e9, 0.0), ValueError, "closing_volume"),
        (lambda: flow_share_of_volume([1e9, 2e9], [1e9, 2e9, 3e9]), ValueError, "broadcast"),
    ],
)
def test_bad_input_is_refused_with_the_parameter_named(call, exception, words):
    with pytest.raises(exception, match=words):
        call()


def test_reversal_adds_back_a_share_of_yesterdays_feedback_move():
    # One fund, gain 0.2 on day 1: R1 = 0.01 / 0.8 = 0.0125, so the feedback move is 0.0025.
    # Half of it reverses at day 2's open: day 2's shock is -0.00125, amplified with day 2's gain.
    assets, depth = 10.0, 100.0  # K = 10 * (4 - 2) = 20, so the gain is 20 / 100 = 0.2
    market = simulate_reflexive_market([0.01, 0.0], fund_assets=assets, leverages=2.0, depth=depth, reversal=0.5)
    first = 0.01 / (1 - 20.0 / depth)
    assert market["index_return"].iloc[0] == pytest.approx(first)
    gain_2 = (assets * (1 + 2 * first)) * 2.0 / depth
    expected_2 = -0.5 * (first - 0.01) / (1 - gain_2)
    assert market["index_return"].iloc[1] == pytest.approx(expected_2)
    permanent = simulate_reflexive_market([0.01, 0.0], fund_assets=assets, leverages=2.0, depth=depth)
    assert permanent["index_return"].iloc[1] == 0.0
    with pytest.raises(ValueError, match="reversal"):
        simulate_reflexive_market([0.01], fund_assets=assets, leverages=2.0, depth=depth, reversal=1.5)


def test_depth_from_multiplier_is_value_over_multiplier():
    from lettools.feedback import depth_from_multiplier

    # $18.67tn market, multiplier 5: $1bn of flow moves it 5 / 18,670 = 0.0268%.
    depth = depth_from_multiplier(18_670.0, 5.0)
    assert 1.0 / depth == pytest.approx(5.0 / 18_670.0)
    np.testing.assert_allclose(depth_from_multiplier(100.0, np.array([2.0, 4.0])), [50.0, 25.0])
    with pytest.raises(ValueError, match="multiplier"):
        depth_from_multiplier(100.0, 0.0)
    with pytest.raises(ValueError, match="market_value"):
        depth_from_multiplier(-1.0, 5.0)


def test_depth_scaling_with_the_level_matches_a_plain_loop():
    """Depth proportional to the index's previous close, against a hand-written loop."""
    shocks = np.array([-0.05, -0.04, 0.02, -0.06, 0.03])
    assets, leverages, depth = np.array([10.0, 3.0]), np.array([3.0, -3.0]), 500.0
    market = simulate_reflexive_market(shocks, fund_assets=assets, leverages=leverages, depth=depth,
                                       depth_scales_with_level=True)
    level, current, moves = 1.0, assets.copy(), []
    for r0 in shocks:
        gain = float(current @ (leverages**2 - leverages)) / (depth * level)
        move = r0 / (1.0 - gain)
        current = current * (1.0 + leverages * move)
        level *= 1.0 + move
        moves.append(move)
    np.testing.assert_allclose(market["index_return"], moves, rtol=1e-12)
    fixed = simulate_reflexive_market(shocks, fund_assets=assets, leverages=leverages, depth=depth)
    assert market["index_level"].min() < fixed["index_level"].min()  # a thinner falling market falls further
    with pytest.raises(TypeError, match="depth_scales_with_level"):
        simulate_reflexive_market(shocks, fund_assets=assets, leverages=leverages, depth=depth,
                                  depth_scales_with_level=1)


@pytest.mark.parametrize("y", [0.5, 1.0])
def test_sqrt_impact_fixed_point_solves_the_iteration(y):
    """Against plain fixed-point iteration of x = |R0| + Y sigma sqrt(K x / V)."""
    from lettools.feedback import sqrt_impact_fixed_point
    k, volume, sigma, shock = 2 * 10.32, 4.599, 0.03, -0.05
    x = abs(shock)
    for _ in range(200):
        x = abs(shock) + y * sigma * np.sqrt(k * x / volume)
    settled = sqrt_impact_fixed_point(shock, k, volume, sigma, y)
    assert settled == pytest.approx(-x, rel=1e-12)
    assert sqrt_impact_fixed_point(0.0, k, volume, sigma, y) == 0.0
    assert sqrt_impact_fixed_point(0.03, 0.0, volume, sigma, y) == pytest.approx(0.03)
    np.testing.assert_allclose(sqrt_impact_fixed_point(np.array([-0.05, 0.05]), k, volume, sigma, y), [-x, x])
    with pytest.raises(ValueError, match="daily_volume"):
        sqrt_impact_fixed_point(shock, k, 0.0, sigma, y)
    with pytest.raises(ValueError, match="flow_per_unit_move"):
        sqrt_impact_fixed_point(shock, -1.0, volume, sigma, y)


def test_fixed_point_move_matches_the_geometric_series_in_plain_numpy():
    from lettools import fixed_point_move
    assets, leverages, depth = np.array([20.0, 5.0, 3.0]), np.array([3.0, -3.0, 2.0]), 900.0
    gain = float(np.sum(assets * (leverages**2 - leverages)) / depth)
    series = -0.03 * np.sum(gain ** np.arange(2000))
    assert fixed_point_move(-0.03, assets, leverages, depth) == pytest.approx(series, rel=1e-12)
    with pytest.raises(ValueError, match="no fixed point"):
        fixed_point_move(0.01, [400.0], [3.0], 100.0)
    with pytest.raises(ValueError, match="depth"):
        fixed_point_move(0.01, [1.0], [3.0], 0.0)
    with pytest.raises(ValueError, match="shock"):
        fixed_point_move(1.5, [1.0], [3.0], 100.0)


def test_halving_ratio_is_the_ratio_of_plain_numpy_amplifications():
    from lettools import halving_ratio
    gains = np.linspace(0.0, 0.49, 50)
    np.testing.assert_allclose(halving_ratio(gains), (1 / (1 - 2 * gains)) / (1 / (1 - gains)), rtol=1e-14)
    assert isinstance(halving_ratio(0.2), float) and np.isinf(halving_ratio(0.5))
    with pytest.raises((TypeError, ValueError), match="gain"):
        halving_ratio("x")


def test_reflexive_market_summary_against_plain_numpy():
    from lettools import reflexive_market_summary
    exogenous = np.array([0.01, -0.03, 0.02, -0.01, 0.004])
    market = simulate_reflexive_market(exogenous, fund_assets=[60.0, 20.0], leverages=[3.0, -3.0], depth=5_000.0)
    summary = reflexive_market_summary(market)
    moved = market["index_return"].to_numpy()
    assert summary["days"] == 5
    assert summary["exogenous return"] == pytest.approx(np.prod(1 + exogenous) - 1, rel=1e-12)
    assert summary["return with feedback"] == pytest.approx(np.prod(1 + moved) - 1, rel=1e-12)
    assert summary["trough with feedback"] == pytest.approx(np.min(np.cumprod(1 + moved)) - 1, rel=1e-12)
    assert summary["daily volatility ratio"] == pytest.approx(np.std(moved, ddof=1) / np.std(exogenous, ddof=1))
    assert summary["-3x assets at the end"] == market["assets_1"].iloc[-1]
    with pytest.raises(TypeError, match="market"):
        reflexive_market_summary(exogenous)


def test_restate_calibration_against_plain_numpy():
    from lettools import restate_calibration
    flow, base_assets, base_level = 6.9, 200.0, 4770.0
    depths = np.array([163.0, 98.0, 61.0])
    assets, levels, reference = np.array([200.0, 120.0, 160.5]), np.array([6849.0, 6552.0, 6849.0]), 5671.0
    out = restate_calibration(flow, base_assets, depths, base_level, assets, levels, reference,
                              benchmark_per_pct=5.0)
    flows = flow * assets / base_assets
    np.testing.assert_allclose(out["flow_per_pct"], flows, rtol=1e-14)
    np.testing.assert_allclose(out["level_ratio"], levels / base_level, rtol=1e-14)
    for j in range(assets.size):
        for m in range(depths.size):
            depth = depths[m] * levels[j] / base_level
            assert out["depth_per_pct"][j, m] == pytest.approx(depth, rel=1e-14)
            assert out["gain"][j, m] == pytest.approx(flows[j] / depth, rel=1e-14)
            assert out["amplification"][j, m] == pytest.approx(1 / (1 - flows[j] / depth), rel=1e-14)
    np.testing.assert_allclose(out["flow_per_pct_at_reference"], flows * reference / levels, rtol=1e-14)
    np.testing.assert_allclose(out["gap_to_benchmark"], np.abs(flows * reference / levels / 5.0 - 1), rtol=1e-14)
    assert (out["gap_to_benchmark"] >= 0).all()
    np.testing.assert_allclose(out["benchmark_gain"], 5.0 / (depths * reference / base_level), rtol=1e-14)
    # without a benchmark the comparison keys are absent; at a gain of 1 or more the amplification is inf
    plain = restate_calibration(flow, base_assets, 1.0, base_level, [200.0], [base_level], reference)
    assert "gap_to_benchmark" not in plain and np.isinf(plain["amplification"][0, 0])


@pytest.mark.parametrize(("changes", "words"), [
    ({"base_assets": 0.0}, "base_assets"),
    ({"depth_per_pct": [98.0, -1.0]}, "depth_per_pct"),
    ({"levels": [6849.0]}, "levels"),
    ({"assets": [200.0, np.nan]}, "assets"),
    ({"reference_level": 0.0}, "reference_level"),
    ({"benchmark_per_pct": -5.0}, "benchmark_per_pct"),
    ({"flow_per_pct": "6.9"}, "flow_per_pct"),
])
def test_restate_calibration_refuses_bad_input(changes, words):
    from lettools import restate_calibration
    arguments = {"flow_per_pct": 6.9, "base_assets": 200.0, "depth_per_pct": [98.0, 61.0], "base_level": 4770.0,
                 "assets": [200.0, 160.5], "levels": [6849.0, 6849.0], "reference_level": 5671.0,
                 "benchmark_per_pct": 5.0}
    with pytest.raises((ValueError, TypeError), match=words):
        restate_calibration(**{**arguments, **changes})


# ---------------------------------------------------------------------------------------------
# backcast_assets


def test_backcast_assets_matches_a_plain_numpy_loop():
    rng = np.random.default_rng(2008)
    returns = rng.normal(-0.002, 0.03, size=60)
    assets, leverages = [9.0, 1.0, 12.0], [2.0, -1.0, -2.0]
    start = backcast_assets(assets, leverages, returns)
    for a_end, leverage, a_start in zip(assets, leverages, start, strict=False):
        value = a_start
        for r in returns:  # grow the start forward day by day
            value *= 1.0 + leverage * r
        assert value == pytest.approx(a_end, rel=1e-12)


def test_backcast_assets_agrees_with_simulate_fund():
    rng = np.random.default_rng(7)
    returns = rng.normal(0.0, 0.02, size=40)
    growth = float(simulate_fund(returns, leverage=-2.0, start=1.0)[-1])  # the fund's NAV after the path
    assert backcast_assets([growth], [-2.0], returns)[0] == pytest.approx(1.0, rel=1e-10)


def test_backcast_assets_inverse_smaller_long_larger_after_a_fall():
    start = backcast_assets([10.0, 10.0], [2.0, -2.0], [-0.05, -0.05])
    assert start[0] > 10.0 > start[1]


@pytest.mark.parametrize(("changes", "words"), [
    ({"index_returns": [-0.6]}, "wipe out"),
    ({"index_returns": [[0.01]]}, "index_returns"),
    ({"assets": [1.0]}, "one value per fund"),
    ({"assets": [-1.0, 1.0]}, "assets"),
])
def test_backcast_assets_rejects_bad_input(changes, words):
    arguments = {"assets": [1.0, 1.0], "leverages": [2.0, -1.0], "index_returns": [0.01, -0.02]}
    with pytest.raises((ValueError, TypeError), match=words):
        backcast_assets(**{**arguments, **changes})
