"""Properties that hold for any input, checked on random inputs with hypothesis."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lettools import kernels, reference, simulate_fund, static_leverage_path, terminal_value

# Daily returns from -95% to +150%, with the exact wipeout moves of common multiples mixed in.
day = st.one_of(
    st.floats(-0.95, 1.5, allow_nan=False, allow_infinity=False),
    st.sampled_from([-0.5, -1 / 3, 0.5, 1 / 3, 1.0, 0.0]),
)
paths = st.integers(1, 4).flatmap(
    lambda n: arrays(np.float64, st.tuples(st.just(n), st.integers(1, 40)), elements=day)
)
leverages = st.one_of(st.floats(-5.0, 5.0, allow_nan=False), st.sampled_from([-3.0, -2.0, -1.0, 2.0, 3.0]))
costs = st.fixed_dictionaries({
    "expense_ratio": st.floats(0.0, 0.05),
    "rate": st.floats(-0.02, 0.2),
    "spread": st.floats(0.0, 0.05),
    "trading_cost": st.floats(0.0, 0.01),
})


@settings(max_examples=200, deadline=None)
@given(paths, leverages, costs)
def test_nav_is_never_negative_and_zero_is_absorbing(returns, leverage, cost):
    nav = simulate_fund(returns, leverage, **cost)
    assert np.all(nav >= 0.0)
    dead = np.cumsum(nav == 0.0, axis=1) > 0
    np.testing.assert_array_equal(nav[dead], 0.0)
    static = static_leverage_path(returns, leverage)
    assert np.all(static >= 0.0)
    np.testing.assert_array_equal(static[np.cumsum(static == 0.0, axis=1) > 0], 0.0)


@settings(max_examples=200, deadline=None)
@given(paths, leverages, st.floats(-3e-4, 3e-4), st.sampled_from([0.0, 0.002]))
def test_kernels_agree_with_numpy(returns, leverage, carry_value, drag):
    carry = np.full(returns.shape[1], carry_value)
    expected = reference.fund_paths(returns, leverage, carry, drag, 1.0)
    for kernel in (kernels.fund_paths, kernels.fund_paths_serial):
        out = np.empty_like(expected)
        kernel(returns, leverage, carry, drag, 1.0, out)
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=0)
    expected = reference.fund_terminal(returns, leverage, carry, drag, 1.0)
    for kernel in (kernels.fund_terminal, kernels.fund_terminal_serial):
        out = np.empty(returns.shape[0])
        kernel(returns, leverage, carry, drag, 1.0, out)
        # A product in another order can leave ~1e-16 where numpy finds an exact zero factor.
        np.testing.assert_allclose(out, expected, rtol=1e-11, atol=1e-12)
    expected = reference.static_paths(returns, leverage, 1.0)
    for kernel in (kernels.static_paths, kernels.static_paths_serial):
        out = np.empty_like(expected)
        kernel(returns, leverage, 1.0, out)
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=0)


@settings(max_examples=100, deadline=None)
@given(paths)
def test_one_times_leverage_without_costs_is_the_index(returns):
    index = np.concatenate([np.ones((returns.shape[0], 1)), np.cumprod(1 + returns, axis=1)], axis=1)
    np.testing.assert_allclose(simulate_fund(returns, 1.0), index, rtol=1e-12)
    np.testing.assert_allclose(static_leverage_path(returns, 1.0), index, rtol=1e-12)
    np.testing.assert_allclose(terminal_value(returns, 1.0), index[:, -1], rtol=1e-12)


@settings(max_examples=100, deadline=None)
@given(paths, st.floats(-0.02, 0.2), st.integers(1, 365))
def test_zero_leverage_earns_the_rate(returns, rate, periods_per_year):
    nav = simulate_fund(returns, 0.0, rate=rate, periods_per_year=periods_per_year)
    expected = (1 + rate / periods_per_year) ** np.arange(returns.shape[1] + 1)
    np.testing.assert_allclose(nav, np.broadcast_to(expected, nav.shape), rtol=1e-12)
