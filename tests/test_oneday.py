"""lettools.oneday: the bank-borrowing limit and the worst-days table, against plain numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lettools import bank_borrowing_leverage, worst_days_table


def test_bank_borrowing_leverage_is_300_percent_coverage_to_one_and_a_half():
    # Reference: net assets 100, borrow B with (100 + B) / B = 3 exactly -> B = 50, exposure 150.
    assets = 100.0
    borrowed = assets / (3.0 - 1.0)
    assert (assets + borrowed) / borrowed == pytest.approx(3.0)
    assert bank_borrowing_leverage(3.0) == pytest.approx((assets + borrowed) / assets)
    coverage = np.array([1.5, 2.0, 3.0, 11.0])
    np.testing.assert_allclose(bank_borrowing_leverage(coverage), [3.0, 2.0, 1.5, 1.1])


@pytest.mark.parametrize("bad", [1.0, 0.5, -3.0])
def test_bank_borrowing_leverage_rejects_coverage_at_or_below_one(bad):
    with pytest.raises(ValueError, match="asset_coverage"):
        bank_borrowing_leverage(bad)
    with pytest.raises(TypeError, match="asset_coverage"):
        bank_borrowing_leverage("3")


def test_worst_days_table_matches_a_plain_sort():
    rng = np.random.default_rng(11)
    returns = rng.normal(0.0, 0.02, size=500)
    dates = pd.bdate_range("2001-01-01", periods=500, name="date")
    table = worst_days_table(pd.Series(returns, index=dates), (2.0, 3.0), n=4)
    expected = np.sort(returns)[:4]
    np.testing.assert_allclose(table["index_return"], expected)
    np.testing.assert_allclose(table["leverage_to_wipe_out"], -1.0 / expected)
    np.testing.assert_allclose(table["3x fund"], 3.0 * expected)
    assert list(table.index) == [dates[int(np.flatnonzero(returns == r)[0])] for r in expected]
    assert table.index.name == "date"


def test_worst_days_table_rises_and_the_cap_at_minus_one():
    returns = np.array([0.01, 0.40, -0.02, 0.60, -0.30])
    rises = worst_days_table(returns, (-1.0, -2.0), n=2, largest="rises")
    np.testing.assert_allclose(rises["index_return"], [0.60, 0.40])
    np.testing.assert_allclose(rises["-2x fund"], [-1.0, -0.80])  # -2 x 60% would be -120%: capped
    np.testing.assert_allclose(rises["leverage_to_wipe_out"], [-1 / 0.6, -1 / 0.4])
    falls = worst_days_table(returns, 4.0, n=1)
    assert falls["4x fund"].iloc[0] == pytest.approx(-1.0)


def test_worst_days_table_rejects_bad_input_by_name():
    with pytest.raises(ValueError, match="largest"):
        worst_days_table([0.01, -0.02], largest="worst")
    with pytest.raises(ValueError, match="^n "):
        worst_days_table([0.01, -0.02], n=3)
    with pytest.raises(ValueError, match="leverages"):
        worst_days_table([0.01, -0.02], (0.0, 2.0), n=1)
    with pytest.raises(ValueError, match="index_returns"):
        worst_days_table([0.01, -1.5], n=1)


def test_worst_days_table_takes_a_plain_list():
    # A list has an .index method: it once became the table's labels and failed.
    table = worst_days_table([0.01, -0.02, 0.005, -0.03], (2.0, 3.0), n=2)
    np.testing.assert_allclose(table["index_return"], [-0.03, -0.02])
    assert list(table.index) == [0, 1]
    np.testing.assert_allclose(worst_days_table(np.array([0.01, -0.02]), 3.0, n=1)["3x fund"], [-0.06])


@pytest.mark.parametrize("largest", [np.array([]), np.array(["falls", "rises"]), pd.Series(["falls"]), 1.0, None])
def test_worst_days_table_names_largest_when_it_is_not_a_word(largest):
    with pytest.raises(ValueError, match="largest"):
        worst_days_table([0.01, -0.02], n=1, largest=largest)


def test_worst_days_table_refuses_an_overflowing_fund_return_by_name():
    with pytest.raises(ValueError, match="leverages"):
        worst_days_table([1e300, -0.02], (1e10,), n=1, largest="rises")


# The book of a daily-reset fund, its balance sheet and the acceleration move (chapter 1)


def _plain_book(returns, leverage, assets):
    """Plain-python reference: assets, held exposure, target and trade, day by day (floored at zero)."""
    rows = []
    for r in returns:
        held = leverage * assets * (1.0 + r)
        after = max(assets * (1.0 + leverage * r), 0.0)
        rows.append((assets, held, after, leverage * after, leverage * after - held))
        assets = after
    return np.array(rows)


@pytest.mark.parametrize("leverage", [2.0, 3.0, -1.0, -3.0, 0.5])
def test_day_by_day_matches_a_plain_loop(leverage):
    from lettools import day_by_day

    returns = np.random.default_rng(3).normal(0.0, 0.03, size=30)
    book = day_by_day(returns, leverage, assets=80.0)
    reference = _plain_book(returns, leverage, 80.0)
    columns = ["assets_before", "exposure_held", "assets_after", "target_exposure", "trade"]
    np.testing.assert_allclose(book[columns].to_numpy(), reference, rtol=1e-12, atol=1e-9)
    assert list(book.index) == list(range(1, 31))


def test_day_by_day_floors_a_wiped_out_fund_at_zero():
    from lettools import day_by_day

    book = day_by_day([-0.40, 0.05], 3.0)
    assert book["assets_after"].tolist() == [0.0, 0.0]
    assert book["trade"].iloc[1] == 0.0


@pytest.mark.parametrize("leverage", [2.0, -2.0, 3.0])
@pytest.mark.parametrize("move", [-0.05, 0.0, 0.07])
def test_balance_sheet_matches_plain_arithmetic(leverage, move):
    from lettools import balance_sheet

    sheet = balance_sheet(leverage, move, assets=50.0, futures_share=0.4)
    amounts = sheet.pivot(index="stage_order", columns="item_order", values="amount").to_numpy()
    nav = 50.0 * (1.0 + leverage * move)
    swaps, futures = 0.6 * leverage * 50.0, 0.4 * leverage * 50.0
    reference = np.array([
        [50.0, 0.0, swaps, futures],
        [50.0 + futures * move, swaps * move, swaps * (1 + move), futures * (1 + move)],
        [nav, 0.0, 0.6 * leverage * nav, 0.4 * leverage * nav],
    ])
    np.testing.assert_allclose(amounts, reference, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sheet.groupby("stage_order")["target"].first(), leverage * np.array([50.0, nav, nav]))


def test_balance_sheet_and_acceleration_move_name_bad_input():
    from lettools import acceleration_move, balance_sheet

    with pytest.raises(ValueError, match="futures_share"):
        balance_sheet(2.0, 0.01, futures_share=-0.1)
    with pytest.raises(ValueError, match="assets"):
        balance_sheet(2.0, 0.01, assets=0.0)
    with pytest.raises(ValueError, match="leverage"):
        acceleration_move(0.0, 0.2)
    with pytest.raises(ValueError, match="floor"):
        acceleration_move(2.0, 1.0)
    with pytest.raises(ValueError, match="floor"):
        acceleration_move([2.0, 3.0], [0.1, 0.2, 0.3])


def test_acceleration_move_solves_one_plus_l_r_equals_floor():
    from lettools import acceleration_move

    leverages = np.array([[3.0], [-1.0], [-2.0]])
    floors = np.array([0.0, 0.2, 0.5])
    moves = acceleration_move(leverages, floors)
    np.testing.assert_allclose(1.0 + leverages * moves, np.broadcast_to(floors, (3, 3)), atol=1e-15)
    assert acceleration_move(-1.0, 0.2) == pytest.approx(0.8)
