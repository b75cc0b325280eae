"""Adversarial inputs that used to give silent wrong answers (issue 15's fuzz families).

Each case must end in a ValueError/TypeError whose message names the parameter, or in a
finite, correctly shaped result. The families: non-numeric dtypes that numpy treats as numbers
(timedelta64), masked arrays, ambiguous DataFrames, integers where dates are meant, values too
large for float64, inputs that do not broadcast, and finite inputs whose closed form overflows.
"""

import numpy as np
import pandas as pd
import pytest

import lettools as lt

CASES = [
    # (call, exception, text the message must contain)
    (lambda: lt.simulate_fund(np.array([1, 2], dtype="timedelta64[D]"), 2), TypeError, "index_returns"),
    (lambda: lt.simulate_fund(np.array(["2020-01-01"], dtype="datetime64[D]"), 2), TypeError, "index_returns"),
    (lambda: lt.simulate_fund(np.ma.array([0.01, 5.0], mask=[0, 1]), 2), ValueError, "index_returns"),
    (lambda: lt.terminal_value(pd.DataFrame(np.zeros((3, 2))), 2), TypeError, "index_returns"),
    (lambda: lt.simulate_fund([0.01], 10**400), ValueError, "leverage"),
    (lambda: lt.fund_return(0.1, 10**400, 2), ValueError, "sigma"),
    (lambda: lt.kelly_leverage(0.08, 1e-300), ValueError, "sigma"),
    (lambda: lt.fund_return(0.1, 0.2, 1e6), ValueError, "leverage"),
    (lambda: lt.expected_growth_factor(3, -0.5, 3), ValueError, "daily_mean"),
    (lambda: lt.log_growth_rate([1, 2], [0.1, 0.2, 0.3], 0.2), ValueError, "mu (3,)"),
    (lambda: lt.fund_return([0.1, 0.2], [0.1, 0.2, 0.3], 2), ValueError, "sigma (3,)"),
    (lambda: lt.rebalance_flow([1.0, 2.0], [2, 3, 4], 0.01), ValueError, "leverage (3,)"),
    (lambda: lt.buy_and_hold_gap([0.1, 0.2], [0.1, 0.2, 0.3], 2), ValueError, "second_return (3,)"),
    (lambda: lt.gbm_returns(10, 10, 0.05, 1e3, seed=1), ValueError, "sigma"),
    (lambda: lt.gbm_returns(10, 10, 1e3, 0.2, seed=1), ValueError, "mu"),
    (lambda: lt.gbm_returns(10**6, 10**4, 0.05, 0.2, seed=1), ValueError, "n_paths x n_days"),
    (lambda: lt.index_returns("sp500", 2008.0), TypeError, "start"),
    (lambda: lt.index_returns("sp500", 20080101), TypeError, "start"),
    (lambda: lt.index_returns("sp500", 2008), TypeError, "start='2008-01-01'"),
    (lambda: lt.index_returns("sp500", "2008-01-01", np.int64(2009)), TypeError, "end"),
    (lambda: lt.index_returns("sp500", "not a date"), ValueError, "start"),
]


@pytest.mark.parametrize(("call", "error", "text"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_refused_with_the_parameter_named(call, error, text):
    with pytest.raises(error, match=None) as info:
        call()
    assert text in str(info.value)


def test_a_window_of_dates():
    window = lt.index_returns("sp500", "2008-01-01", "2008-12-31")
    assert window.index[0] == pd.Timestamp("2008-01-02")
    assert window.index[-1] == pd.Timestamp("2008-12-31")
    assert len(window) == 253


def test_extreme_but_valid_inputs_stay_finite():
    # The largest volatility gbm_returns accepts never produces a return of exactly -1.
    extreme = lt.gbm_returns(200, 252, 0.0, 5.0, seed=3)
    assert np.all(extreme > -1.0) and np.all(np.isfinite(extreme))
    assert np.all(np.isfinite(lt.simulate_fund(extreme, 3)))
    # An unmasked masked array is read as its data.
    np.testing.assert_array_equal(
        lt.simulate_fund(np.ma.array([0.01, -0.02]), 2), lt.simulate_fund([0.01, -0.02], 2)
    )


@pytest.mark.parametrize(("leverage", "sigma", "n_days"), [(-50, 2.0, 2520), (-25, 2.0, 2520), (50, 1.0, 2520), (100, 0.5, 252)])
def test_prob_lag_static_keeps_its_mass_for_large_leverage(leverage, sigma, n_days):
    # Monte Carlo of the same continuous-time model: V = X^L exp((L - L^2) sigma^2 t / 2)
    # against the static position 1 + L (X - 1), which is behind whenever it is worth nothing.
    years = n_days / 252
    log_x = -0.5 * sigma**2 * years + sigma * np.sqrt(years) * np.random.default_rng(5).standard_normal(400_000)
    log_fund = leverage * log_x + 0.5 * (leverage - leverage**2) * sigma**2 * years
    static = 1.0 + leverage * np.expm1(log_x)
    with np.errstate(divide="ignore", invalid="ignore"):
        behind = (static > 0.0) & (log_fund < np.log(static))
    assert lt.prob_lag_static(leverage, sigma, n_days) == pytest.approx(behind.mean(), abs=0.005)


def test_fund_year_pnl_stops_at_zero_assets_like_simulate_fund():
    pnl = lt.fund_year_pnl(100.0, 3, -0.5, rate=0.05, transaction_cost_rate=0.01, expense_ratio=0.01)
    assert pnl["new_assets"] == 0.0 and pnl["net_gain"] == -100.0 and pnl["return_on_assets"] == -1.0
    assert pnl["new_exposure"] == 0.0 and pnl["rebalance_trade"] == -pnl["exposure_after_move"]
    assert lt.simulate_fund([-0.5], 3)[-1] == 0.0


def test_simulate_feedback_reports_no_fixed_point_beyond_minus_100_percent():
    loop = lt.simulate_feedback(-0.5, long_assets=1e8, inverse_assets=0.0, depth=1e9)
    assert loop.attrs["gain"] == pytest.approx(0.6)
    assert loop.attrs["fixed_point"] is None  # -0.5 / 0.4 = -125%: the model stops at -100%
    assert loop.attrs["stopped_at_round"] is not None and loop["move"].min() > -1.0
    inside = lt.simulate_feedback(-0.1, long_assets=1e8, inverse_assets=0.0, depth=1e9)
    assert inside.attrs["fixed_point"] == pytest.approx(-0.25)
    with pytest.raises(ValueError, match="n_rounds must be at most"):
        lt.simulate_feedback(-0.01, long_assets=1.0, inverse_assets=0.0, depth=1e9, n_rounds=1e300)


def test_outcome_simulation_checks_what_it_is_given():
    good = lt.simulate_outcomes(3, 0.05, 0.2, 21, n_paths=100, seed=1)
    import dataclasses

    for change, error, name in [
        ({"leverage": "3"}, TypeError, "leverage"),
        ({"n_days": 0}, ValueError, "n_days"),
        ({"seed": None}, TypeError, "seed"),
        ({"spread_basis": "gross"}, ValueError, "spread_basis"),
        ({"fund": np.array([np.nan] * 100)}, ValueError, "fund"),
        ({"static": np.ones(99)}, ValueError, "static"),
        ({"fund": np.full(100, -1.0)}, ValueError, "fund"),
    ]:
        with pytest.raises(error, match=name):
            dataclasses.replace(good, **change)
    copy = dataclasses.replace(good, fund=np.ones(100))
    assert not copy.fund.flags.writeable


def test_prob_shortfall_keeps_its_mass_for_large_leverage():
    from lettools.holding import prob_shortfall

    for leverage in (-50, -25, 50):
        assert prob_shortfall(leverage, 2.0, 2520, shortfall=0.0) == pytest.approx(
            lt.prob_lag_static(leverage, 2.0, 2520), abs=1e-9
        )
    # No volatility, no costs: the fund and L x the index end level, so neither is behind.
    assert lt.prob_lag_static(3, 0.0, 21) == 0.0 and prob_shortfall(3, 0.0, 21, shortfall=0.0) == 0.0
