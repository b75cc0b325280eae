"""lettools.alerts and lettools.calibration against plain-numpy references (and the real data when present)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lettools import alert_sensitivity, calibrated_inputs, daily_reset_log_moments, market_moments, paired_fund_return
from lettools.facts import load

# ../shared/data beside the repository; SHARED_DATA overrides it (e.g. from a git worktree elsewhere).
SHARED = Path(os.environ.get("SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
FF_DAILY = SHARED / "ff_research_factors_daily_1926_2024_percent.csv.gz"


# -- paired_fund_return -------------------------------------------------------------------------

def test_paired_fund_return_is_volatility_free_for_3x_and_minus_3x():
    # 1 + F_-3 = (1 + F_3)^2 / (1 + R)^9, written out by hand
    assert paired_fund_return(0.08, -0.53, 3, -3) == pytest.approx(0.47**2 / 1.08**9 - 1)


@pytest.mark.parametrize("leverage, other", [(3, -3), (2, -2), (2, 3), (-1, 2)])
def test_paired_fund_return_agrees_with_the_relation_at_any_volatility(leverage, other):
    index_return, sigma, years = 0.05, 0.6, 0.4
    variance = sigma**2 * years
    first = (1 + index_return) ** leverage * np.exp((leverage - leverage**2) / 2 * variance) - 1
    second = (1 + index_return) ** other * np.exp((other - other**2) / 2 * variance) - 1
    assert paired_fund_return(index_return, first, leverage, other) == pytest.approx(second)


def test_paired_fund_return_costs_move_the_prediction_up_for_minus_3x():
    base = paired_fund_return(0.08, -0.53, 3, -3)
    with_costs = paired_fund_return(0.08, -0.53, 3, -3, cost=0.004, other_cost=0.004)
    # ln(1 + F') gains 2c - c' = c
    assert np.log1p(with_costs) - np.log1p(base) == pytest.approx(0.004)


def test_paired_fund_return_takes_signed_costs_for_an_inverse_fund_s_interest_income():
    # Financing at rate r: the 3x fund pays 2r, the -3x fund earns 4r; the pair gains 8r in logs.
    rate = 0.05
    base = paired_fund_return(0.08, -0.53, 3, -3)
    financed = paired_fund_return(0.08, -0.53, 3, -3, cost=2 * rate, other_cost=-4 * rate)
    assert np.log1p(financed) - np.log1p(base) == pytest.approx(8 * rate)
    assert paired_fund_return(0.08, -0.53, 3, -3, other_cost=-1.0) == pytest.approx(np.expm1(np.log(0.47**2 / 1.08**9) + 1))
    for name in ("cost", "other_cost"):
        with pytest.raises(ValueError, match=rf"{name} must be >= -1.0 \(a net income"):
            paired_fund_return(0.08, -0.53, 3, -3, **{name: -1.5})


def test_paired_fund_return_broadcasts_and_validates():
    grid = paired_fund_return(np.array([[0.07], [0.09]]), np.array([-0.54, -0.52]), 3, -3)
    assert grid.shape == (2, 2)
    with pytest.raises(ValueError, match="other_leverage"):
        paired_fund_return(0.08, -0.53, 3, 0.5)
    with pytest.raises(ValueError, match="fund_return_observed"):
        paired_fund_return(0.08, -1.2, 3, -3)
    with pytest.raises(TypeError, match="leverage"):
        paired_fund_return(0.08, -0.53, "3", -3)


def test_paired_fund_return_names_the_parameters_when_shapes_or_sizes_fail():
    with pytest.raises(ValueError, match="index_return.*fund_return_observed"):
        paired_fund_return([0.08, 0.09], [-0.53, -0.5, -0.4], 3, -3)
    for kwargs in (dict(cost=1e300), dict(fund_return_observed=1e300)):
        arguments = dict(index_return=0.08, fund_return_observed=-0.53, leverage=3.0, other_leverage=-3.0) | kwargs
        name = next(iter(kwargs))
        with pytest.raises(ValueError, match=name):  # once an overflow warning and inf
            paired_fund_return(**arguments)
    # A huge leverage's L^2 once raised OverflowError; now the limits: k -> 0 and a wiped-out other fund.
    assert paired_fund_return(0.08, -0.53, 1e300, -3.0) == pytest.approx(1.08**-3 - 1)
    assert paired_fund_return(0.08, -0.53, 3.0, -1e300) == -1.0


# -- alert_sensitivity --------------------------------------------------------------------------

def test_alert_sensitivity_rows_follow_the_relation_and_include_the_implied_volatility():
    years = 104 / 252
    table = alert_sensitivity(0.08, -0.53, years=years, sigmas=(0.7, 1.0))
    assert list(table.index[:1]) == [0.7] and table["implied"].sum() == 1
    implied = table.index[table["implied"]][0]
    assert 1.08**3 * np.exp(-3 * implied**2 * years) - 1 == pytest.approx(-0.53)
    row = table.loc[0.7]
    assert row["fund"] == pytest.approx(1.08**3 * np.exp(-3 * 0.49 * years) - 1)
    assert row["other_fund"] == pytest.approx(1.08**-3 * np.exp(-6 * 0.49 * years) - 1)
    assert table.loc[implied, "other_fund"] == pytest.approx(paired_fund_return(0.08, -0.53, 3, -3))
    assert table["fund"].is_monotonic_decreasing


def test_alert_sensitivity_rejects_a_fund_above_its_no_volatility_value():
    with pytest.raises(ValueError, match="no volatility"):
        alert_sensitivity(0.08, 0.30, years=0.4)
    with pytest.raises(ValueError, match="years"):
        alert_sensitivity(0.08, -0.53, years=0)


def test_alert_sensitivity_names_the_leverage_that_fails():
    with pytest.raises(ValueError, match="(?<!_)leverage"):
        alert_sensitivity(0.08, -0.53, years=0.4, leverage=-1e300)
    with pytest.raises(ValueError, match="other_leverage"):
        alert_sensitivity(0.08, -0.53, years=0.4, other_leverage=1e300)


# -- market_moments -----------------------------------------------------------------------------

def test_market_moments_against_plain_numpy():
    rng = np.random.default_rng(7)
    dates = pd.bdate_range("2001-01-01", "2003-12-31")
    returns = rng.normal(0.0004, 0.012, dates.size)
    rates = np.full(dates.size, 0.0001)
    moments = market_moments(returns, rates, dates)
    per_year = dates.size / 3
    assert moments["days_per_year"] == pytest.approx(per_year)
    assert moments["mu"] == pytest.approx(returns.mean() * per_year)
    assert moments["sigma"] == pytest.approx(returns.std(ddof=1) * np.sqrt(per_year))
    assert moments["rate"] == pytest.approx(0.0001 * per_year)
    assert moments["growth"] == pytest.approx(np.prod(1 + returns) ** (1 / 3) - 1)
    frame = pd.Series(1 + returns, index=dates)
    months = frame.groupby([dates.year, dates.month]).prod() - 1
    assert moments["monthly_mean"] == pytest.approx(months.mean())
    assert moments["monthly_sd"] == pytest.approx(months.std(ddof=1))


def test_market_moments_validates():
    dates = pd.bdate_range("2001-01-01", periods=3)
    with pytest.raises(ValueError, match="same length"):
        market_moments([0.01, 0.02], [0, 0, 0], dates)
    with pytest.raises(ValueError, match="increasing"):
        market_moments([0.01, 0.02, 0.0], [0, 0, 0], dates[::-1])


@pytest.mark.parametrize("dates, error", [
    ("2001-01-01", TypeError), (np.datetime64("2001-01-02"), TypeError), (np.arange(3), TypeError),
    (np.arange(3, dtype="timedelta64[D]"), TypeError), (np.array([True, False, True]), TypeError),
    (pd.DataFrame({"date": pd.bdate_range("2001-01-01", periods=3)}), TypeError),
    ([["2001-01-01"], ["2001-01-02", "2001-01-03"]], TypeError),
    (["2001-01-01", "not a date", "2001-01-03"], ValueError), (["2001-01-01", None, "2001-01-03"], ValueError),
])
def test_market_moments_names_dates_that_are_not_dates(dates, error):
    with pytest.raises(error, match="dates"):
        market_moments([0.01, 0.02, 0.0], [0, 0, 0], dates)


def test_market_moments_reads_dates_in_any_of_the_usual_forms():
    dates = pd.DatetimeIndex(["2001-01-30", "2001-01-31", "2001-02-01"])
    expected = market_moments([0.01, 0.02, 0.0], [0, 0, 0], dates)
    for form in (dates.to_numpy(), list(dates), [d.date() for d in dates], [d.strftime("%Y-%m-%d") for d in dates],
                 pd.Series(dates)):
        assert market_moments([0.01, 0.02, 0.0], [0, 0, 0], form) == expected


def test_market_moments_needs_two_calendar_months_for_the_monthly_sd():
    # One month's returns have no standard deviation (monthly_sd was NaN).
    with pytest.raises(ValueError, match="dates"):
        market_moments([0.01, 0.02, 0.0], [0, 0, 0], pd.bdate_range("2001-01-01", periods=3))


def test_calibrated_inputs_reads_the_facts_file():
    facts = load("compounding")
    for key, record in facts.items():
        if key.startswith("us_market_"):  # the calibrations (the file also holds the chapter's other facts)
            assert record["source"].startswith("french2025datalibrary") and record["basis"] == "derived"
    assert calibrated_inputs("1999-2018") == facts["us_market_1999_2018"]["value"]
    with pytest.raises(ValueError, match="period"):
        calibrated_inputs("1850-1900")


@pytest.mark.skipif(not FF_DAILY.exists(), reason="the Ken French daily file is not in ../shared/data")
def test_calibration_facts_recompute_from_the_french_data():
    frame = pd.read_csv(FF_DAILY, parse_dates=["Date"], index_col="Date") / 100.0
    for key, record in load("compounding").items():
        if not key.startswith("us_market_"):
            continue
        first, last = record["value"]["first"][:4], record["value"]["last"][:4]
        window = frame.loc[first:last]
        moments = market_moments((window["Mkt-RF"] + window["RF"]).to_numpy(), window["RF"].to_numpy(), window.index)
        for name, stored in record["value"].items():
            if isinstance(stored, float):
                assert moments[name] == pytest.approx(stored, abs=6e-5), (key, name)
            else:
                assert moments[name] == stored, (key, name)


# -- daily_reset_log_moments --------------------------------------------------------------------

def test_daily_reset_log_moments_match_a_seeded_simulation():
    rng = np.random.default_rng(11)
    x = rng.normal((0.08 - 0.045) / 252, 0.3 / np.sqrt(252), 2_000_000)
    logs = np.log1p(3 * np.expm1(x))
    moments = daily_reset_log_moments(3, 0.08, 0.3)
    se = logs.std() / np.sqrt(logs.size) * 252
    assert abs(moments["mean"] - logs.mean() * 252) < 4 * se
    assert moments["variance"] == pytest.approx(logs.var() * 252, rel=0.01)
    assert moments["mean_continuous"] == pytest.approx(0.24 - 9 * 0.09 / 2)
    assert moments["variance_continuous"] == pytest.approx(0.81)


def test_daily_reset_log_moments_approach_the_continuous_limit_and_validate():
    fine = daily_reset_log_moments(3, 0.08, 0.3, periods_per_year=25_200)
    assert fine["mean"] == pytest.approx(fine["mean_continuous"], abs=1e-4)
    with pytest.raises(ValueError, match="wipeout"):
        daily_reset_log_moments(3, 0.0, 4.0)
    with pytest.raises(ValueError, match="sigma"):
        daily_reset_log_moments(3, 0.0, -0.1)
    with pytest.raises(ValueError, match="leverage"):  # L^2 once overflowed (OverflowError)
        daily_reset_log_moments(1e300, 0.05, 0.0)
