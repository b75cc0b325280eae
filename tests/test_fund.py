"""simulate_fund, terminal_value and static_leverage_path: formulas, kernels against numpy, shapes."""

import numpy as np
import pandas as pd
import pytest

from lettools import kernels, reference, simulate_fund, static_leverage_path, terminal_value


def direct_fund(index_returns, leverage, *, expense_ratio=0.0, rate=0.0, spread=0.0, spread_basis="notional",
                trading_cost=0.0, start=1.0, ppy=252):
    """The fund's NAV written out day by day from the definition, in plain Python.

    The spread falls on the swap notional |L| ("notional"), or on the borrowed part L - 1 of a
    long fund and the short notional |L| of an inverse one ("borrowed").
    """
    if spread_basis == "notional":
        spread_on = abs(leverage)
    else:
        spread_on = leverage - 1 if leverage > 1 else (-leverage if leverage < 0 else 0.0)
    rates = np.broadcast_to(np.asarray(rate, dtype=float), (len(index_returns),))
    nav = [start]
    for r_t, rate_t in zip(index_returns, rates, strict=False):
        daily = (leverage * r_t + (1 - leverage) * rate_t / ppy - expense_ratio / ppy
                 - spread / ppy * spread_on
                 - trading_cost * abs(leverage * (leverage - 1) * r_t))
        nav.append(0.0 if daily <= -1 or nav[-1] == 0.0 else nav[-1] * (1 + daily))
    return np.array(nav)


@pytest.fixture
def returns():
    # 80 x 300 is above kernels.PARALLEL_MIN_SIZE, so the public functions use the parallel builds.
    assert 80 * 300 >= kernels.PARALLEL_MIN_SIZE
    return np.random.default_rng(7).normal(0.0004, 0.02, size=(80, 300))


@pytest.mark.parametrize("spread_basis", ["notional", "borrowed"])
@pytest.mark.parametrize("leverage", [3.0, 2.0, 1.0, 0.5, 0.0, -1.0, -3.0])
def test_simulate_fund_matches_the_definition(leverage, spread_basis):
    rng = np.random.default_rng(1)
    index_returns = rng.normal(0.0, 0.03, 120)
    rates = rng.uniform(0.0, 0.06, 120)
    costs = dict(expense_ratio=0.0095, rate=rates, spread=0.01, spread_basis=spread_basis, trading_cost=0.0005,
                 start=50.0)
    expected = direct_fund(index_returns, leverage, **costs)
    np.testing.assert_allclose(simulate_fund(index_returns, leverage, **costs), expected, rtol=1e-12)
    assert terminal_value(index_returns, leverage, **costs) == pytest.approx(expected[-1], rel=1e-12)


def test_spread_is_charged_on_the_swap_notional_by_default():
    # One flat day: every fund pays the spread on its whole notional |L| (a 3x fund on 3x its assets).
    for leverage, notional in [(3.0, 3.0), (2.0, 2.0), (-2.0, 2.0), (1.0, 1.0), (0.5, 0.5)]:
        nav = simulate_fund([0.0], leverage, spread=0.0126)
        assert nav[-1] == pytest.approx(1 - 0.0126 / 252 * notional, rel=1e-14)


def test_borrowed_basis_charges_the_spread_on_the_borrowed_part_only():
    # A fund that holds the index pays the spread on L - 1; an inverse fund on its short notional.
    for leverage, borrowed in [(3.0, 2.0), (2.0, 1.0), (-2.0, 2.0), (1.0, 0.0), (0.5, 0.0)]:
        nav = simulate_fund([0.0], leverage, spread=0.0126, spread_basis="borrowed")
        assert nav[-1] == pytest.approx(1 - 0.0126 / 252 * borrowed, rel=1e-14)


def test_bases_differ_by_one_spread_on_a_long_fund():
    # Over a random year, 3x on the notional basis loses exactly one more spread a day than on the borrowed one.
    index_returns = np.random.default_rng(5).normal(0.0004, 0.012, 252)
    notional = simulate_fund(index_returns, 3, rate=0.03, spread=0.006)
    borrowed = simulate_fund(index_returns, 3, rate=0.03, spread=0.006, spread_basis="borrowed")
    daily_gap = (borrowed[1:] / borrowed[:-1] - 1) - (notional[1:] / notional[:-1] - 1)
    np.testing.assert_allclose(daily_gap, 0.006 / 252, rtol=1e-9)


def test_rate_is_paid_on_borrowing_and_earned_on_cash():
    assert simulate_fund([0.0], 3, rate=0.0504)[-1] == pytest.approx(1 - 2 * 0.0504 / 252)
    assert simulate_fund([0.0], -1, rate=0.0504)[-1] == pytest.approx(1 + 2 * 0.0504 / 252)


@pytest.mark.parametrize("build", ["parallel", "serial"])
def test_kernels_match_reference(returns, build):
    paths_kernel, final_kernel, static_kernel = {
        "parallel": (kernels.fund_paths, kernels.fund_terminal, kernels.static_paths),
        "serial": (kernels.fund_paths_serial, kernels.fund_terminal_serial, kernels.static_paths_serial),
    }[build]
    returns = returns.copy()
    returns[3, 40] = -0.5      # wipes out 2x exactly
    returns[4, 10] = -0.34     # wipes out 3x
    returns[5, 200] = 0.6      # wipes out -2x
    carry = np.linspace(-2e-4, 1e-4, returns.shape[1])
    for leverage in (3.0, 2.0, -2.0, 0.5):
        for drag in (0.0, 0.003):
            paths = np.empty((returns.shape[0], returns.shape[1] + 1))
            paths_kernel(returns, leverage, carry, drag, 2.0, paths)
            expected = reference.fund_paths(returns, leverage, carry, drag, 2.0)
            np.testing.assert_allclose(paths, expected, rtol=1e-13, atol=0)
            assert np.any(expected[:, -1] == 0.0) == (leverage != 0.5)
            final = np.empty(returns.shape[0])
            final_kernel(returns, leverage, carry, drag, 2.0, final)
            np.testing.assert_allclose(final, reference.fund_terminal(returns, leverage, carry, drag, 2.0),
                                       rtol=1e-12, atol=0)
        static = np.empty((returns.shape[0], returns.shape[1] + 1))
        static_kernel(returns, leverage, 2.0, static)
        np.testing.assert_allclose(static, reference.static_paths(returns, leverage, 2.0), rtol=1e-13)
    assert paths.min() >= 0.0


def test_wipeouts_are_absorbing():
    nav = simulate_fund([0.01, -0.5, 0.3, 0.2], 2)
    np.testing.assert_array_equal(nav[2:], 0.0)
    assert terminal_value([0.01, -0.5, 0.3, 0.2], 2) == 0.0
    # An inverse fund is wiped out by the index doubling; one day short of it survives.
    assert simulate_fund([1.0, -0.1], -1)[-1] == 0.0
    assert simulate_fund([0.99, -0.1], -1)[-1] == pytest.approx(0.01 * 1.1)
    # A fund that costs push below -100% on the day is gone too.
    assert simulate_fund([-0.33], 3, trading_cost=0.01)[-1] == 0.0


def test_terminal_value_is_last_column(returns):
    costs = dict(expense_ratio=0.009, rate=0.02, spread=0.005, trading_cost=0.0002)
    paths = simulate_fund(returns, 3, **costs)
    np.testing.assert_allclose(terminal_value(returns, 3, **costs), paths[:, -1], rtol=1e-13)
    # Small inputs take the serial builds; they give the same numbers.
    np.testing.assert_allclose(simulate_fund(returns[:2], 3, **costs), paths[:2], rtol=1e-15)
    np.testing.assert_allclose(terminal_value(returns[:2], 3, **costs), paths[:2, -1], rtol=1e-13)


def test_shapes_and_pandas_input(returns):
    one = simulate_fund(returns[0], 2)
    assert one.shape == (301,) and one[0] == 1.0
    many = simulate_fund(returns, 2, start=100.0)
    assert many.shape == (80, 301)
    np.testing.assert_array_equal(many[:, 0], 100.0)
    np.testing.assert_array_equal(simulate_fund(pd.Series(returns[0]), 2), one)
    # A DataFrame's rows read as dates by pandas' convention, not as paths: refused, not guessed.
    with pytest.raises(TypeError, match="index_returns.*DataFrame"):
        simulate_fund(pd.DataFrame(returns), 2)
    np.testing.assert_array_equal(simulate_fund(pd.DataFrame(returns).to_numpy(), 2, start=100.0), many)
    np.testing.assert_array_equal(simulate_fund(list(returns[0]), 2), one)
    assert isinstance(terminal_value(returns[0], 2), float)
    assert terminal_value(returns, 2).shape == (80,)


def test_rate_per_day_array():
    rates = np.array([0.0, 0.252, 0.504])
    nav = simulate_fund([0.0, 0.0, 0.0], 0, rate=rates)
    np.testing.assert_allclose(nav, [1.0, 1.0, 1.001, 1.001 * 1.002], rtol=1e-14)


def test_static_leverage_path():
    index_returns = np.array([0.10, -0.10, 0.05, -0.40, 0.50])
    level = np.concatenate([[1.0], np.cumprod(1 + index_returns)])
    np.testing.assert_allclose(static_leverage_path(index_returns, 2, start=10.0), 10 * (1 + 2 * (level - 1)))
    # 3x: the index falls below 2/3 of its start on day 4, so the position is closed and stays at zero.
    static = static_leverage_path(index_returns, 3)
    assert level[4] < 2 / 3 and 1 + 3 * (level[5] - 1) > 0  # would have recovered without the close-out
    np.testing.assert_array_equal(static[4:], 0.0)
    np.testing.assert_allclose(static[:4], 1 + 3 * (level[:4] - 1))
    # Short: a -1x position is closed when the index doubles.
    assert static_leverage_path([0.6, 0.3, -0.5], -1)[-1] == 0.0
