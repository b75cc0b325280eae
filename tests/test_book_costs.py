"""The "Costs" page module: worked examples, explorer, tables, charts and exercises."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lettools import diy_leverage_cost, drag_profile, fund_year_pnl, tracking_and_divergence
from lettools.book import costs
from lettools.charts import check_accessible
from lettools.exercises import evaluate, registered
from lettools.twin import TWIN_BUDGET_BYTES

# Worked examples and helpers

def test_example_4_2_accounts():
    inputs = dict(assets=500e6, leverage=2, rate=0.05, transaction_cost_rate=0.003, expense_ratio=0.01)
    up, down = fund_year_pnl(index_return=0.10, **inputs), fund_year_pnl(index_return=-0.10, **inputs)
    assert up["total_costs"] == pytest.approx(33e6)
    assert up["net_gain"] == pytest.approx(67e6) and up["return_on_assets"] == pytest.approx(0.134)
    assert down["net_gain"] == pytest.approx(-133e6) and down["return_on_assets"] == pytest.approx(-0.266)
    assert down["new_exposure"] == pytest.approx(734e6) and down["new_assets"] == pytest.approx(367e6)


# The explorer

def test_explorer_twin_within_budget_and_accessible():
    explorer = costs.cost_explorer()
    twin = explorer.twin()
    check_accessible(twin)
    assert len(json.dumps(twin.to_dict(validate=False))) < TWIN_BUDGET_BYTES
    grid = explorer.grid_data()
    expected_rows = np.prod([len(p.grid) for p in explorer.params])
    assert len(grid) == expected_rows
    pick = grid[(grid.leverage == 2) & np.isclose(grid.rate, 0.07) & (grid.spread == 0)
                & np.isclose(grid.expense_ratio, 0.0005) & (grid.trading_cost == 0)]
    assert pick["total"].item() == pytest.approx(0.07 + 0.0005)
    assert pick["benchmark"].item() == pytest.approx(0.07)


def test_explorer_update_off_grid():
    spec = costs.cost_explorer().update(leverage=2.5, rate=0.0325)
    assert spec["description"]
    drawn = pd.read_csv(io.StringIO(spec["datasets"][spec["data"]["name"]]))
    assert drawn["benchmark"].item() == pytest.approx(1.5 * 0.0325)
    assert drawn["spread_cost"].item() == pytest.approx(2.5 * 0.005)
    expected = drag_profile(2.5, 0.0325, 0.005, 0.0095, 0.0002)["total"].item()
    assert drawn["total"].item() == pytest.approx(expected, abs=1e-6)  # the chart keeps 6 decimals


# Tracking difference, tracking error and divergence

def test_sp500_history_tiny_tracking_error_large_divergence():
    table = costs.tracking_windows("sp500", [("1999-01-01", "2018-12-31")], 3,
                                   rate=0.02, expense_ratio=0.0091, spread=0.01, trading_cost=0.0002)
    row = table.iloc[0]
    assert row["days"] == 5030
    assert abs(row["tracking_error_bp"]) < 1.0  # under a basis point of daily wobble
    assert abs(row["divergence"]) > 1.0          # more than 100 points apart over 20 years
    assert row["fund_return_no_costs"] > row["fund_return"]
    chart = costs.tracking_chart(costs.tracking_and_divergence(
        costs.index_returns("sp500"), 3, rate=0.02, expense_ratio=0.0091, spread=0.01), 3)
    check_accessible(chart)


# Doing it yourself, and the other charts

def test_diy_comparison_splits_benchmark_and_extra():
    table = costs.diy_comparison([2, 3], rate=0.04, fund_spread=0.005, expense_ratio=0.0091,
                                 fund_trading_cost=0.0, sigma=0.2, futures_basis=0.0025, margin_rate=0.07)
    # the futures basis falls on the whole notional L, the benchmark on the borrowed part L - 1
    assert table.loc[(3.0, "Index futures"), "total"] == pytest.approx(2 * 0.04 + 3 * 0.0025)
    assert table.loc[(2.0, "Index futures"), "extra"] == pytest.approx(2 * 0.0025)
    assert table.loc[(3.0, "Margin loan"), "total"] == pytest.approx(2 * 0.07)
    assert table.loc[(2.0, "Leveraged ETF"), "total"] == pytest.approx(0.04 + 2 * 0.005 + 0.0091)
    assert np.allclose(table["benchmark"] + table["extra"], table["total"])
    # the engine's documented futures recipe (basis as other_costs = L * b) gives the same row
    for lev in (2.0, 3.0):
        documented = diy_leverage_cost(lev, borrow_rate=0.04, other_costs=lev * 0.0025)["total"]
        assert table.loc[(lev, "Index futures"), "total"] == pytest.approx(documented)
    check_accessible(costs.diy_chart(table))
    with pytest.raises(ValueError, match="leverage"):
        costs.diy_comparison(1, rate=0.04, fund_spread=0.0, expense_ratio=0.0, fund_trading_cost=0.0,
                             sigma=0.2, futures_basis=0.0, margin_rate=0.05)


def test_expense_ratio_chart_and_table():
    check_accessible(costs.expense_ratio_chart())
    leveraged = costs.EXPENSE_RATIOS[costs.EXPENSE_RATIOS["kind"] == "Leveraged fund"]
    assert leveraged["net"].between(0.0085, 0.0096).all()
    assert (costs.EXPENSE_RATIOS["gross"] >= costs.EXPENSE_RATIOS["net"]).all()


def test_real_fund_spreads_divide_the_lag_by_the_spread_fraction():
    table = costs.real_fund_spreads()
    for fund, figures in costs.REAL_FUND_LAGS.items():
        leverage, lag = figures["leverage"], figures["lag"]
        assert table.loc[fund, "spread_notional"] == pytest.approx(lag / leverage)
        assert table.loc[fund, "spread_borrowed"] == pytest.approx(lag / (leverage - 1))
        adjusted = figures["lag_adjusted"]
        assert adjusted == pytest.approx(lag - figures["distributions"], abs=2e-5)
        assert table.loc[fund, "spread_notional_adjusted"] == pytest.approx(adjusted / leverage)
        assert table.loc[fund, "spread_borrowed_adjusted"] == pytest.approx(adjusted / (leverage - 1))
    # The book's reading: on NAV the notional basis gives one spread for both funds; with the distributions
    # added back the borrowed basis does. The two funds alone do not decide the basis.
    assert abs(table["spread_notional"].diff().iloc[-1]) < 0.0015 < abs(table["spread_borrowed"].diff().iloc[-1])
    assert abs(table["spread_borrowed_adjusted"].diff().iloc[-1]) < 0.0005
    assert abs(table["spread_notional_adjusted"].diff().iloc[-1]) > 0.0010


@pytest.mark.parametrize("measure", ["adjusted", "nav"])
def test_two_fund_fit_solves_both_lags(measure):
    key = "lag_adjusted" if measure == "adjusted" else "lag"
    for basis in ("notional", "borrowed"):
        fit = costs.two_fund_fit(basis, measure)
        turnover = costs.REAL_FUND_JOINT["abs_index_return_per_year"]
        for figures in costs.REAL_FUND_LAGS.values():
            leverage = figures["leverage"]
            fraction = abs(leverage) if basis == "notional" else leverage - 1
            model = fraction * fit["spread"] + fit["trading_cost"] * (leverage**2 - leverage) * turnover
            assert model == pytest.approx(figures[key])


def test_two_fund_fit_readings():
    # On NAV the borrowed basis needs an impossible negative trading cost (about -19 bp per dollar traded).
    assert costs.two_fund_fit("borrowed", "nav")["trading_cost"] < -0.001
    # With distributions added back, the notional basis takes a positive trading cost (about 6 bp) and the
    # borrowed basis none: both are possible, so the fit does not decide the basis.
    assert 0.0003 < costs.two_fund_fit("notional")["trading_cost"] < 0.001
    assert abs(costs.two_fund_fit("borrowed")["trading_cost"]) < 0.0001
    with pytest.raises(ValueError, match="measure"):
        costs.two_fund_fit("notional", "price")


# Exercises: each reference answer passes and a typical wrong one fails

EXERCISES = ["costs-financing", "costs-fee-table", "costs-year-loss", "costs-upro-lag", "costs-annual-drag"]


def test_exercises_are_registered():
    assert set(EXERCISES) <= set(registered())


@pytest.mark.parametrize(
    "exercise_id, right, wrong",
    [
        ("costs-financing", 13.75, 12.5),                # spread on the borrowed part only
        ("costs-financing", 13.75, 25.0),                # cash interest not netted
        ("costs-fee-table", 0.0090, 0.0094),             # gross, waiver forgotten
        ("costs-year-loss", -0.359, -0.24),              # costs left out
        ("costs-upro-lag", (0.0174 - 0.0035) / 3, 0.0174 / 3),   # distributions left in the lag
        ("costs-upro-lag", 0.0046, (0.0174 - 0.0035) / 2),       # spread on the borrowed part
        ("costs-upro-lag", 0.0046, 0.0139),                      # the whole lag
    ],
)
def test_numeric_exercises(exercise_id, right, wrong):
    assert evaluate(exercise_id, right).correct
    assert not evaluate(exercise_id, wrong).correct


def test_year_loss_expected_value_matches_hand_accounts():
    # exposure 600, borrowed 400: loss 48 + interest 20 + trading 1.8 + fee 2 = 71.8 of 200
    assert evaluate("costs-year-loss", -71.8 / 200).correct


def test_function_exercise():
    def right(leverage, rate, spread, expense_ratio):
        return (leverage - 1) * rate + abs(leverage) * spread + expense_ratio

    def spread_on_borrowed_part(leverage, rate, spread, expense_ratio):
        financed = max(leverage - 1, 0) + max(-leverage, 0)
        return (leverage - 1) * rate + financed * spread + expense_ratio

    assert evaluate("costs-annual-drag", right).correct
    assert not evaluate("costs-annual-drag", spread_on_borrowed_part).correct


# Every chart must also run in Vega: an expression error only shows in the browser otherwise.

VL2SVG = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "vl2svg"


def _page_charts():
    table = costs.diy_comparison([2, 3], rate=0.04, fund_spread=0.005, expense_ratio=0.0091,
                                 fund_trading_cost=0.0002, sigma=0.2, futures_basis=0.0025, margin_rate=0.07)
    daily = tracking_and_divergence(costs.index_returns("sp500", "2018-01-01", "2018-12-31"), 3, rate=0.02)
    return {
        "explorer twin": costs.cost_explorer().twin(),
        "explorer update": costs.cost_explorer().chart(leverage=-1, rate=0.08),
        "expense ratios": costs.expense_ratio_chart(),
        "tracking": costs.tracking_chart(daily, 3),
        "diy": costs.diy_chart(table),
    }


@pytest.mark.skipif(shutil.which("node") is None or not VL2SVG.exists(), reason="node or npm's vega-cli missing")
@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_charts_render_in_vega(tmp_path):
    for name, chart in _page_charts().items():
        check_accessible(chart)
        spec = tmp_path / "chart.vl.json"
        spec.write_text(json.dumps(chart.to_dict()))
        result = subprocess.run([str(VL2SVG), str(spec), str(tmp_path / "chart.svg")],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{name}: {result.stderr[:500]}"
        assert "WARN" not in result.stderr, f"{name}: {result.stderr[:500]}"
        assert (tmp_path / "chart.svg").read_text().count("<path") > 3, name


def test_real_fund_periods_divide_each_period_lag_by_the_spread_fraction():
    table = costs.real_fund_periods("nav")
    assert list(table.index) == ["2009-2024", *costs.REAL_FUND_PERIODS]
    assert table.loc["2009-2024", "UPRO_notional"] == pytest.approx(costs.REAL_FUND_LAGS["UPRO"]["lag"] / 3)
    late = costs.REAL_FUND_PERIODS["2022-2024"]
    assert table.loc["2022-2024", "SSO_borrowed"] == pytest.approx(late["lag"]["SSO"] / 1)
    assert table.loc["2022-2024", "gap_notional_se"] == late["spread_gap"]["notional"][1]
    adjusted = costs.real_fund_periods()
    assert adjusted.loc["2009-2024", "SSO_notional"] == pytest.approx(costs.REAL_FUND_LAGS["SSO"]["lag_adjusted"] / 2)
    assert adjusted.loc["2022-2024", "UPRO_borrowed"] == pytest.approx(late["lag_adjusted"]["UPRO"] / 2)
    # With distributions added back, the borrowed basis fits both funds in both periods (under 2 Newey-West
    # standard errors) and the notional basis in neither (over 2).
    for period in costs.REAL_FUND_PERIODS:
        assert abs(adjusted.loc[period, "gap_borrowed"]) < 2 * adjusted.loc[period, "gap_borrowed_se"]
        assert abs(adjusted.loc[period, "gap_notional"]) > 2 * adjusted.loc[period, "gap_notional_se"]
    # The chapter's naive reading: on NAV alone the notional basis fits the whole sample (under 2 standard
    # errors), but not 2022-2024 (over 2).
    nav_gap, nav_se = costs.REAL_FUND_JOINT["spread_gap"]["notional"]
    assert abs(nav_gap) < 2 * nav_se
    assert abs(late["spread_gap"]["notional"][0]) > 2 * late["spread_gap"]["notional"][1]


def test_the_costs_facts_are_sourced_and_consistent():
    """lettools/facts/costs.json: every record sourced; bibliography keys exist; dates in order."""
    import re
    from pathlib import Path

    from lettools.facts import load

    facts = load("costs")
    bib = (Path(__file__).resolve().parents[1] / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for name, record in facts.items():
        assert {"value", "source", "basis"} <= set(record), name
        assert record["basis"] in ("primary", "secondary", "derived"), name
        for source in record["source"].split(", "):
            assert source in keys, (name, source)
    ex_dates = facts["distribution_ex_dates"]["value"]
    assert ex_dates == sorted(set(ex_dates))
    for fund in ("sso", "upro"):
        amounts = facts[f"{fund}_distributions"]["value"]
        assert all(date in ex_dates and amount > 0 for date, amount in amounts)


def test_swap_spreads_pair_each_period_lag_with_its_own_stock_share():
    lags, shares = costs.REAL_FUND_LAGS, costs.REAL_FUND_STOCK_SHARE
    whole = costs.swap_spreads()
    for fund in lags:
        leverage = lags[fund]["leverage"]
        assert whole[fund] == pytest.approx(lags[fund]["lag_adjusted"] / (leverage - shares[fund]["stock_share"]))
        assert whole[fund] == pytest.approx(shares[fund]["spread_on_swaps"], abs=5e-5)
        at_09 = costs.swap_spreads("2009-2024", {"UPRO": 0.9, "SSO": 0.9})[fund]
        assert at_09 == pytest.approx(lags[fund]["lag_adjusted"] / (leverage - 0.9))
        for period, figures in costs.REAL_FUND_PERIODS.items():
            spread = costs.swap_spreads(period)[fund]
            assert spread == pytest.approx(figures["lag_adjusted"][fund] / (leverage - figures["stock_share"][fund]))
    # To 2021 the period's own k is the zero-rate one.
    early = costs.REAL_FUND_PERIODS["2009-2021"]
    assert early["stock_share"] == {fund: shares[fund]["stock_share"] for fund in lags}
    # The chapter's reading: matched by period, the two funds agree to 2021 (within two standard errors of the
    # days) and the spread on the swaps roughly doubles in 2022-2024, whichever k near 0.9 is taken.
    assert abs(early["swap_spread_gap"][0]) < 2 * early["swap_spread_gap"][1]
    first, late = costs.swap_spreads("2009-2021"), costs.swap_spreads("2022-2024")
    assert (late / first).between(1.7, 2.5).all()
    own_k = {fund: (shares[fund]["by_year"][2023] + shares[fund]["by_year"][2024]) / 2 for fund in lags}
    assert (costs.swap_spreads("2022-2024", own_k) / first).between(1.7, 2.5).all()
    # ... and the whole-sample figure at k = 0.9 lies between the two periods' levels.
    whole_09 = costs.swap_spreads("2009-2024", {"UPRO": 0.9, "SSO": 0.9})
    assert ((first < whole_09) & (whole_09 < late)).all()
    with pytest.raises(ValueError, match="period"):
        costs.swap_spreads("2010-2020")
    with pytest.raises(ValueError, match="stock_shares"):
        costs.swap_spreads("2022-2024", {"UPRO": 0.9})
    with pytest.raises(ValueError, match="stock_shares"):
        costs.swap_spreads("2022-2024", {"UPRO": 3.0, "SSO": 0.9})
    with pytest.raises(TypeError, match="stock_shares"):
        costs.swap_spreads("2022-2024", {"UPRO": "0.9", "SSO": 0.9})


def test_swap_spread_rise_is_roughly_double_for_any_k_up_to_one():
    rise = costs.swap_spread_rise()
    # Plain arithmetic on the period lags: 2009-21 on L - k at the zero-rate k, 2022-24 at k from there to 1.
    # SSO at its zero-rate k in both periods: the ratio is the ratio of the lags, 1.067 / 0.609.
    assert rise["ratio_low"] == pytest.approx(0.01067 / 0.00609, abs=2e-3)
    assert rise["spread_low"] == pytest.approx(0.01067 / (2 - 0.68), abs=1e-5)
    # UPRO at k = 1: 2.263 / 2 against 1.176 / 2.44.
    assert rise["ratio_high"] == pytest.approx((0.02263 / 2) / (0.01176 / 2.44), abs=2e-3)
    assert rise["spread_high"] == pytest.approx(0.02263 / 2, abs=1e-5)
    assert 1.7 < rise["ratio_low"] < rise["ratio_high"] < 2.4
    # SSO at 0.82 needs 1.067 / 1.18 on its swaps; UPRO matches it at k = 3 - 2.263 / that.
    assert rise["upro_k_at_cap"] == pytest.approx(3 - 0.02263 / (0.01067 / 1.18), abs=2e-3)
    with pytest.raises(ValueError, match="stock_cap"):
        costs.swap_spread_rise(2.0)


def test_real_fund_spreads_at_another_fee_shift_each_lag_by_the_fee_difference():
    base, at_095 = costs.real_fund_spreads(), costs.real_fund_spreads(expense_ratio=0.0095)
    for fund, figures in costs.REAL_FUND_LAGS.items():
        shift = 0.0095 - figures["expense_ratio"]
        for key in ("lag", "lag_adjusted"):
            assert at_095.loc[fund, key] == pytest.approx(figures[key] - shift)
        assert at_095.loc[fund, "distributions"] == figures["distributions"]
        assert at_095.loc[fund, "spread_notional_adjusted"] == pytest.approx(
            (figures["lag_adjusted"] - shift) / figures["leverage"])
        assert base.loc[fund, "spread_borrowed_adjusted"] - at_095.loc[fund, "spread_borrowed_adjusted"] == pytest.approx(
            shift / (figures["leverage"] - 1))
    with pytest.raises(ValueError, match="expense_ratio"):
        costs.real_fund_spreads(expense_ratio=-0.01)
    with pytest.raises(TypeError, match="expense_ratio"):
        costs.real_fund_spreads(expense_ratio="0.95%")


def test_fed_funds_floor_follows_the_sourced_table():
    # 2023 by calendar day: 4.25% to 1 Feb, 4.50% to 22 Mar, 4.75% to 3 May, 5.00% to 26 Jul, then 5.25%.
    days = pd.date_range("2023-01-01", "2023-12-31", freq="D")
    expected = (4.25 * 32 + 4.50 * 49 + 4.75 * 42 + 5.00 * 84 + 5.25 * 158) / 365 / 100
    assert costs.fed_funds_floor(days).mean() == pytest.approx(expected, abs=1e-12)
    floor = costs.fed_funds_floor(["2008-12-16", "2015-12-16", "2015-12-17", "2022-03-16", "2022-03-17", "2024-12-31"])
    assert floor.tolist() == pytest.approx([0.0, 0.0, 0.0025, 0.0, 0.0025, 0.0425])
    from lettools.facts import load

    table = load("costs")["fed_funds_target_floor"]["value"]
    assert list(table) == sorted(table) and min(table) == "2008-12-16" and max(table) >= "2024-12-18"
    with pytest.raises(ValueError, match="dates"):
        costs.fed_funds_floor(["2008-12-15"])
    with pytest.raises(TypeError, match="dates"):
        costs.fed_funds_floor([object()])


def test_floor_rebased_years_subtract_the_gap_on_l_minus_1_to_l_minus_k():
    table = costs.floor_rebased_years()
    assert list(table.index) == [2022, 2023, 2024]
    # UPRO 2024: 1.865% against the bill, the floor 0.011 points below it, m = 2 or 3 - 0.56.
    assert table.loc[2024, "UPRO_floor_low"] == pytest.approx(0.01865 + 2 * 0.00011)
    assert table.loc[2024, "UPRO_floor_high"] == pytest.approx(0.01865 + 2.44 * 0.00011)
    # SSO 2022: 1.173%, the floor 0.183 points above the bill, m = 1 or 2 - 0.68.
    assert table.loc[2022, "SSO_floor_low"] == pytest.approx(0.01173 - 1.32 * 0.00183)
    assert table.loc[2022, "SSO_floor_high"] == pytest.approx(0.01173 - 1 * 0.00183)
    # Against the floor the 2023 -> 2024 fall is about half or less of the fall against the bill.
    for fund in ("UPRO", "SSO"):
        fall_bill = table.loc[2023, fund] - table.loc[2024, fund]
        fall_floor = table.loc[2023, f"{fund}_floor_high"] - table.loc[2024, f"{fund}_floor_high"]
        assert 0 < fall_floor < 0.55 * fall_bill


def test_floor_rebased_rise_by_plain_arithmetic():
    rise = costs.floor_rebased_rise()
    days_early = pd.date_range("2009-06-26", "2021-12-31", freq="D")
    days_late = pd.date_range("2022-01-03", "2024-12-31", freq="D")
    over_early = -0.00042 + costs.fed_funds_floor(days_early).mean() * 5 / 360
    over_late = 0.00105 + costs.fed_funds_floor(days_late).mean() * 5 / 360
    # Lowest: SSO at its zero-rate k in both periods, cash earning the bill (m = L - k): s = lag / (L - k) - over-read.
    early = 0.00609 / 1.32 - over_early
    assert rise["spread_low"] == pytest.approx(0.01067 / 1.32 - over_late, abs=1e-5)
    assert rise["ratio_low"] == pytest.approx((0.01067 / 1.32 - over_late) / early, abs=2e-3)
    # Highest: UPRO at k = 1 in 2022-24, cash earning the overnight rate (m = L - 1 = 2).
    late = (0.02263 - 2 * over_late) / 2
    assert rise["spread_high"] == pytest.approx(late, abs=1e-5)
    assert rise["ratio_high"] == pytest.approx(late / ((0.01176 - 2 * over_early) / 2.44), abs=2e-3)
    # Less than the ratio against the bill, but still a rise.
    assert 1.2 < rise["ratio_low"] < rise["ratio_high"] < costs.swap_spread_rise()["ratio_high"]
    # An earlier benchmark p further above the floor (LIBOR's fallback spread as one value): on L - k only.
    premium = costs.LIBOR_SOFR_SPREAD
    assert premium == pytest.approx(0.0011448)
    libor = costs.floor_rebased_rise(premium)
    assert libor["spread_low"] == rise["spread_low"] and libor["spread_high"] == rise["spread_high"]  # 2022-24 alike
    # Highest: UPRO at k = 1 in 2022-24, cash earning the overnight rate (m = 2), 2009-21 less 2.44 p 365/360.
    assert libor["ratio_high"] == pytest.approx(late / ((0.01176 - 2 * over_early - 2.44 * premium * 365 / 360) / 2.44),
                                                abs=2e-3)
    # About 1.3 with an overnight benchmark throughout; about 2.5 with an earlier premium of 11.4 bp.
    assert 1.25 < rise["ratio_low"] < 1.35 and 2.3 < libor["ratio_high"] < 2.6
    assert libor["ratio_low"] > rise["ratio_low"]
    assert costs.floor_rebased_rise(0.0) == rise
    with pytest.raises(ValueError, match="early_premium"):
        costs.floor_rebased_rise(0.05)
    with pytest.raises(ValueError, match="early_premium"):
        costs.floor_rebased_rise(-0.001)
    with pytest.raises(TypeError, match="early_premium"):
        costs.floor_rebased_rise("11 bp")


def test_floor_rebased_rise_grows_with_the_early_premium():
    """The earlier premium is a sensitivity: each basis point of it on the early swaps raises both ratios."""
    ratios = [costs.floor_rebased_rise(premium) for premium in (0.0, costs.LIBOR_SOFR_SPREAD, 0.0015, 0.002)]
    for low, high in zip(ratios, ratios[1:], strict=False):
        assert high["ratio_low"] > low["ratio_low"] and high["ratio_high"] > low["ratio_high"]
        assert high["spread_low"] == low["spread_low"]  # the 2022-24 spread does not depend on it


def test_stock_share_by_year_lines_up_the_years_and_shows_where_the_formula_fails():
    table = costs.stock_share_by_year()
    assert list(table.index) == list(range(2010, 2025))
    assert set(table.index[table["zero_rate"]]) == set(costs.ZERO_RATE_YEARS)
    assert (table.loc[table["zero_rate"], "rate"] < 0.001).all() and (table.loc[~table["zero_rate"], "rate"] >= 0.001).all()
    for fund, share in costs.REAL_FUND_STOCK_SHARE.items():
        assert table.loc[2017, f"k_{fund}"] == share["by_year"][2017]
        # The zero-rate mean is the mean of the zero-rate years' k (to the stored rounding).
        assert table.loc[table["zero_rate"], f"k_{fund}"].mean() == pytest.approx(share["stock_share"], abs=0.01)
        # Where the bill rate met the dividend yield the formula leaves [0, 1]: it does not pin k down.
        assert not table.loc[[2018, 2019], f"k_{fund}"].between(0, 1).any()
    assert (table.loc[[2018, 2019, 2022], "sensitivity"] > 400).all()
    assert table.loc[2023, "rate"] == costs.REAL_FUND_YEARS[2023]["rate"]


def test_real_fund_figures_live_in_the_facts_file():
    """The measured figures are loaded from lettools/facts/costs.json (basis derived), not typed in the module."""
    import inspect

    from lettools.facts import load

    facts = load("costs")
    names = {"REAL_FUND_LAGS": "real_fund_lags", "REAL_FUND_JOINT": "real_fund_joint",
             "REAL_FUND_PERIODS": "real_fund_periods", "REAL_FUND_RATE_SLOPE": "real_fund_rate_slope",
             "REAL_FUND_RATE_SLOPE_SE": "real_fund_rate_slope_se", "REAL_FUND_YEARS": "real_fund_years",
             "REAL_FUND_STOCK_SHARE": "real_fund_stock_share", "REAL_FUND_FEE_SENSITIVITY": "real_fund_fee_sensitivity",
             "REAL_FUND_SWAP_SPREAD_GAP": "real_fund_swap_spread_gap", "REAL_FUND_TAX_BOUND": "real_fund_tax_bound",
             "REAL_UPRO_2009_2018": "real_upro_2009_2018", "REAL_FUND_FLOOR_GAP": "real_fund_floor_gap",
             "REAL_FUND_FLOOR_GAP_ACT360": "real_fund_floor_gap_act360",
             "REAL_FUND_FLOOR_ACCRUAL_SHIFT": "real_fund_floor_accrual_shift",
             "REAL_FUND_EARLY_YEARS": "real_fund_early_years", "REAL_FUND_WITHIN_SLOPE": "real_fund_within_slope",
             "REAL_FUND_ANNUAL_MODEL": "real_fund_annual_model"}

    def as_json(value):
        if isinstance(value, dict):
            return {str(key): as_json(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [as_json(item) for item in value]
        return value

    source = inspect.getsource(costs)
    for name, key in names.items():
        assert facts[key]["basis"] == "derived", key
        assert as_json(getattr(costs, name)) == facts[key]["value"], name
        assert f'{name} = _measured("{key}")' in source, name
    # Every REAL_FUND_* constant the module exports is one of them.
    assert {name for name in costs.__all__ if name.startswith("REAL_")} == set(names)
    # Year keys come back as ints, pairs as tuples, as the chapter and the tests use them.
    assert list(costs.REAL_FUND_YEARS) == [2022, 2023, 2024]
    assert isinstance(costs.REAL_FUND_RATE_SLOPE["UPRO"], tuple)
    assert facts["libor_sofr_spread_adjustment"]["basis"] == "secondary"
