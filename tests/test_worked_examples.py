"""Worked examples 1.1 and 2.1-2.4 of the coverage checklist, computed with lettools."""

import numpy as np
import pytest

from lettools import breakeven_return, rebalance_flow, simulate_fund


def test_example_1_1_rebalancing_a_2x_fund():
    # $100M, 2x, index +1%: assets $102M, exposure must go from $202M held to $204M: buy $2M.
    assets = simulate_fund([0.01], 2, start=100e6)[-1]
    assert assets == pytest.approx(102e6)
    held, needed = 200e6 * 1.01, 2 * assets
    assert needed == pytest.approx(204e6)
    assert needed - held == pytest.approx(2e6)
    assert rebalance_flow(100e6, 2, 0.01) == pytest.approx(2e6)


def test_example_2_1_up_then_down():
    np.testing.assert_allclose(simulate_fund([0.10, -0.10], 1, start=100), [100, 110, 99])
    np.testing.assert_allclose(simulate_fund([0.10, -0.10], 2, start=100), [100, 120, 96])
    # The 2x fund loses four times what the index does.
    assert (100 - 96) / (100 - 99) == pytest.approx(4)


def test_example_2_2_two_up_days():
    assert simulate_fund([0.10, 0.10], 1, start=100)[-1] == pytest.approx(121)
    assert simulate_fund([0.10, 0.10], 2, start=100)[-1] == pytest.approx(144)
    assert 144 / 100 - 1 > 2 * (121 / 100 - 1)


def test_example_2_3_four_down_days_then_a_rebound():
    days = [-0.01] * 4 + [0.041]
    index = simulate_fund(days, 1)
    fund = simulate_fund(days, 2)
    assert index[-1] - 1 == pytest.approx(0.0, abs=1e-4)          # the index is back where it started
    assert round(100 * (fund[-1] - 1), 1) == -0.2                   # the fund is down about 0.2%
    needed = breakeven_return(fund[4] - 1)                          # fund return needed on day five
    assert round(100 * needed, 2) == 8.42
    assert simulate_fund(days[:4] + [needed / 2], 2)[-1] == pytest.approx(1.0)  # an index day of +4.21%


def test_example_2_4_monthly_mean_and_volatility():
    # Any sample of monthly index returns with mean 0.9% and standard deviation 2% will do:
    # each month is one single-period path, so the 2x fund returns exactly 2x each month.
    monthly = np.array([0.009 + 0.02, 0.009 - 0.02])
    assert monthly.mean() == pytest.approx(0.009) and monthly.std() == pytest.approx(0.02)
    fund = simulate_fund(monthly[:, None], 2, periods_per_year=12)[:, -1] - 1
    assert fund.mean() == pytest.approx(0.018)
    assert fund.std() == pytest.approx(0.04)
