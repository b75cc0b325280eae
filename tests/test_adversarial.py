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
    (lambda: lt.fund_return(0.1, 10**400, 2), ValueError, "volatility"),
    (lambda: lt.kelly_leverage(0.08, 1e-300), ValueError, "sigma"),
    (lambda: lt.fund_return(0.1, 0.2, 1e6), ValueError, "leverage"),
    (lambda: lt.expected_growth_factor(3, -0.5, 3), ValueError, "daily_mean"),
    (lambda: lt.log_growth_rate([1, 2], [0.1, 0.2, 0.3], 0.2), ValueError, "mu (3,)"),
    (lambda: lt.fund_return([0.1, 0.2], [0.1, 0.2, 0.3], 2), ValueError, "volatility (3,)"),
    (lambda: lt.rebalance_flow([1.0, 2.0], [2, 3, 4], 0.01), ValueError, "leverage (3,)"),
    (lambda: lt.buy_and_hold_gap([0.1, 0.2], [0.1, 0.2, 0.3], 2), ValueError, "second_return (3,)"),
    (lambda: lt.gbm_returns(10, 10, 0.05, 1e3, seed=1), ValueError, "sigma"),
    (lambda: lt.gbm_returns(10, 10, 1e3, 0.2, seed=1), ValueError, "mu"),
    (lambda: lt.gbm_returns(10**6, 10**6, 0.05, 0.2, seed=1), ValueError, "n_paths x n_days"),
    (lambda: lt.index_returns("sp500", 2008.0), TypeError, "start"),
    (lambda: lt.index_returns("sp500", 20080101), ValueError, "start"),
]


@pytest.mark.parametrize(("call", "error", "text"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_refused_with_the_parameter_named(call, error, text):
    with pytest.raises(error, match=None) as info:
        call()
    assert text in str(info.value)


def test_a_whole_number_is_a_year_not_nanoseconds():
    window = lt.index_returns("sp500", 2008, 2008)
    assert window.index[0] == pd.Timestamp("2008-01-02")
    assert window.index[-1] == pd.Timestamp("2008-12-31")
    np.testing.assert_array_equal(window, lt.index_returns("sp500", "2008-01-01", "2008-12-31"))


def test_extreme_but_valid_inputs_stay_finite():
    # The largest volatility gbm_returns accepts never produces a return of exactly -1.
    extreme = lt.gbm_returns(200, 252, 0.0, 5.0, seed=3)
    assert np.all(extreme > -1.0) and np.all(np.isfinite(extreme))
    assert np.all(np.isfinite(lt.simulate_fund(extreme, 3)))
    # An unmasked masked array is read as its data.
    np.testing.assert_array_equal(
        lt.simulate_fund(np.ma.array([0.01, -0.02]), 2), lt.simulate_fund([0.01, -0.02], 2)
    )
