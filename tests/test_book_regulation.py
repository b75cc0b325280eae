"""The chapter "Regulation": its tables, charts, holding-risk explorer and exercises."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from lettools import admissible_horizon, fund_value_at_risk, prob_fund_loss, prob_lag_static, simulate_fund
from lettools.book import PAGES
from lettools.book import regulation as page
from lettools.charts import check_accessible
from lettools.exercises import evaluate, registered
from lettools.holder_risk import (
    admissible_days,
    closed_form_gap,
    historical_lag_share,
    holding_risk,
    max_leverage_within_var_limit,
    var_ratio,
)
from lettools.twin import TWIN_BUDGET_BYTES


def test_page_is_listed_last_in_reading_order():
    assert PAGES[-1] == "regulation"


# --- tables ------------------------------------------------------------------------------------

def test_regime_table_covers_the_six_jurisdictions_with_sourced_figures():
    table = page.regime_table()
    assert list(table.index) == ["United States", "South Korea", "Hong Kong", "India", "European Union",
                                 "United Kingdom"]
    assert "100% of net assets" in table.loc["India", "Leverage limit"]
    assert "28 Apr 2026" in table.loc["South Korea", "Since"]
    assert "200%" in table.loc["United States", "Leverage limit"]
    assert "20 trading days" in table.loc["United States", "Leverage limit"]
    assert "knowledge of derivatives" in table.loc["Hong Kong", "Investor safeguards"]
    assert "PRIIPs" in table.loc["European Union", "Investor safeguards"]
    assert "KRW 10 million by default" in table.loc["South Korea", "Investor safeguards"]
    assert "100% of NAV" in table.loc["European Union", "Leverage limit"]
    assert "12 Jan 2026" in table.loc["United Kingdom", "Since"]
    assert table.notna().all().all()


def test_proposal_vs_rule_table_reads_the_facts():
    table = page.proposal_vs_rule_table()
    assert table.loc["Relative VaR limit (share of the reference portfolio's VaR)"].tolist() == ["150%", "200%"]
    assert table.loc["Absolute VaR limit (share of net assets)"].tolist() == ["15%", "20%"]
    assert "up to 3x" in table.loc["Leveraged and inverse funds", "Proposed, Nov 2019"]
    assert table.loc["Sales practices rules 15l-2 and 211(h)-1", "Adopted, Oct 2020"] == "not adopted"
    # only new funds are held to about 2x; the funds above 200% on 28 October 2020 keep their multiple
    adopted = table.loc["Leveraged and inverse funds", "Adopted, Oct 2020"]
    assert adopted.startswith("new funds") and "28 Oct 2020 grandfathered" in adopted


def test_finra_2012_sanctions_add_up_to_the_reported_totals():
    table = page.finra_2012_table()
    assert len(table) == 5 and table.index[-1] == "All four"
    four = table.iloc[:4]
    assert table.loc["All four"].tolist() == four.sum().tolist()
    fines, restitution, total = table.loc["All four", ["fine", "restitution", "total"]]
    assert 7.3e6 < fines < 7.4e6 and 1.8e6 < restitution < 1.85e6 and 9.1e6 < total < 9.2e6  # as reported
    assert (four["total"] == four["fine"] + four["restitution"]).all()


def test_india_row_rests_on_the_exposure_cap_not_the_lifted_hedging_rule():
    row = page.regime_table().loc["India"]
    # the 2000 hedging-only rule was widened in 2005 (DNPD/Cir-29/2005): it must not carry the argument
    assert "hedging and portfolio balancing only" not in row["Leverage limit"]
    assert "2005" in row["Rule or body"] and "2005" in row["Since"]
    assert "100% of net assets" in row["Leverage limit"] and "not established" in row["Leverage limit"]


def test_simulation_uses_enough_paths_for_its_stated_precision():
    assert page.SIMULATED_PATHS >= 50_000
    # 3x at 40% volatility: the chance of losing over 20% passes 5% on day 3 (about 5.4% with 400,000 paths)
    curve = holding_risk(3, 0.4, risk="loss", threshold=0.2)
    assert admissible_days(curve, 0.05) == 2


def test_leverage_cuts_push_the_wipeout_move_away():
    table = page.leverage_cut_table()
    bull = "Six Direxion bull funds (BRZU, RUSL, NUGT, JNUG, ERX, GUSH)"
    bear = "Four Direxion bear funds (DUST, JDST, ERY, DRIP)"
    assert table.loc[bull, "wipeout_before"] == pytest.approx(-1 / 3)
    assert table.loc[bull, "wipeout_after"] == pytest.approx(-0.5)
    assert table.loc[bear, "wipeout_before"] == pytest.approx(1 / 3)
    assert table.loc[bear, "wipeout_after"] == pytest.approx(0.5)
    assert table.loc["SVXY (inverse volatility)", "wipeout_after"] == pytest.approx(2.0)
    assert (table["wipeout_after"].abs() > table["wipeout_before"].abs()).all()
    # The wipeout move really takes the fund to zero in one day.
    for leverage, move in zip(table["leverage_before"], table["wipeout_before"], strict=False):
        assert simulate_fund([move], leverage)[-1] == pytest.approx(0.0, abs=1e-12)


# --- Rule 18f-4 --------------------------------------------------------------------------------

def test_var_ratio_is_close_to_the_multiple_over_a_day():
    assert var_ratio(3, 0.2, 1) == pytest.approx(3, rel=0.03)
    assert var_ratio(2, 0.2, 1) == pytest.approx(2, rel=0.03)
    assert var_ratio(1, 0.3, 20) == pytest.approx(1.0)
    assert var_ratio(-1, 0.3, 20) == pytest.approx(1.0)  # zero drift: -1x has the index's VaR
    assert var_ratio(3, 0.2, 20) > 2.0  # a 3x fund breaks the 200% test


def test_holder_table_is_the_daily_reset_fund_with_the_approximation_beside_it():
    daily = page.var_ratio_table(sigma=0.2)
    continuous = page.var_ratio_table(sigma=0.2, rebalancing="continuous")
    np.testing.assert_array_equal(daily.loc[[2.0, 3.0], "1 day"], [2.0, 3.0])  # held a day: exactly L
    np.testing.assert_allclose(daily.loc[[-1.0, -2.0, -3.0], "1 day"], [1.024, 2.048, 3.073], atol=5e-4)
    assert (continuous.loc[[-1.0], ["1 day", "20 days", "63 days"]].to_numpy() == pytest.approx(1.0))
    assert ((continuous - daily).abs()[["20 days", "63 days"]].to_numpy() < 0.03).all()
    assert (daily.loc[[2.0, 3.0, -2.0, -3.0], "20 days"].to_numpy() < [2.0, 3.0, 2.0, 3.0]).all()
    # below |L| only for |L| > 1: -1x sits a shade above 1 in the daily-reset fund (exactly 1 in the approximation)
    assert ((daily.loc[-1.0, ["20 days", "63 days"]] > 1.0) & (daily.loc[-1.0, ["20 days", "63 days"]] < 1.01)).all()
    # an inverse fund's ratio stays above |L| for its first days (-2x: 2.017 at two days), below from day 4 on
    first_days = page.var_ratio_table((-2.0, -3.0), range(1, 64), sigma=0.2)
    assert round(float(first_days.loc[-2.0, "2 days"]), 3) == 2.017
    assert (first_days.iloc[:, 3:].to_numpy() < [[2.0 - 1e-3], [3.0 - 1e-3]]).all()


def test_var_ratio_matches_the_lognormal_formula():
    from scipy.stats import norm

    s, z, leverage = 0.2 * math.sqrt(20 / 252), norm.ppf(0.99), 3.0
    fund = 1 - math.exp(-leverage * z * s - 0.5 * leverage**2 * s**2)
    index = 1 - math.exp(-z * s - 0.5 * s**2)
    assert var_ratio(leverage, 0.2, 20, confidence=0.99) == pytest.approx(fund / index, rel=1e-9)


def test_every_fact_record_names_a_source():
    from lettools.facts import load

    for topic in ("regulation", "reflexivity"):
        for key, record in load(topic).items():
            assert record.get("source"), key
            if isinstance(record["value"], list) and record["value"] and isinstance(record["value"][0], dict):
                assert all(row.get("source") for row in record["value"]), key


def test_rule_var_of_the_current_portfolio_on_the_nasdaq():
    from lettools.data import index_returns

    table = page.rule_var_table("nasdaq")
    np.testing.assert_allclose(table.loc[[2.0, 3.0], "ratio"], [2.0, 3.0])  # exactly L for a long fund
    # Recompute the -2x fund with plain numpy: 756 days, overlapping 20-day returns, upper tail.
    returns = index_returns("nasdaq").to_numpy()[-756:]
    twenty = np.array([np.prod(1 + returns[i:i + 20]) - 1 for i in range(756 - 19)])
    expected = 2 * np.quantile(twenty, 0.99) / -np.quantile(twenty, 0.01)
    assert table.loc[-2.0, "ratio"] == pytest.approx(expected, rel=1e-9)
    # The chapter says the 99% quantile of the 737 scenarios lies between the 8th and 9th worst:
    # numpy's linear interpolation puts it at 0-based position 0.01 x 736 = 7.36 of the sorted values.
    worst = np.sort(twenty)
    assert len(twenty) == 737 and worst[7] <= np.quantile(twenty, 0.01) <= worst[8]
    assert table.attrs["first"] < table.attrs["last"]
    history = page.rule_var_history("nasdaq", -2.0)
    assert len(history) > 100 and history["ratio"].between(0.5, 3.5).all()
    assert history["ratio"].min() < 1.0 < 2.0 < history["ratio"].max()  # both tails move with the market
    # one day on the same window: a -1x fund's ratio is the upper 1% daily return over the lower, below 1 (skew)
    daily = page.rule_var_table("nasdaq", (-1.0, 2.0), horizon=1)
    assert daily.loc[-1.0, "ratio"] == pytest.approx(np.quantile(returns, 0.99) / -np.quantile(returns, 0.01), rel=1e-9)
    assert daily.loc[-1.0, "ratio"] < 0.85 and daily.loc[2.0, "ratio"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="horizon"):
        page.rule_var_table("nasdaq", horizon=0)


def test_max_leverage_within_the_var_limit_sits_on_the_limit():
    leverage = max_leverage_within_var_limit(0.2, 20)
    assert 2.0 < leverage < 2.3
    assert var_ratio(leverage, 0.2, 20) == pytest.approx(2.0, abs=1e-8)
    assert max_leverage_within_var_limit(0.2, 1) == pytest.approx(2.0, abs=0.03)


@pytest.mark.parametrize("kwargs", [dict(sigma=0.0, n_days=20), dict(sigma=0.2, n_days=0), dict(sigma=0.2, n_days=20, limit=1.0)])
def test_max_leverage_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        max_leverage_within_var_limit(**kwargs)


def test_var_ratio_rejects_zero_volatility():
    with pytest.raises(ValueError, match="sigma"):
        var_ratio(2, 0.0, 20)


# --- holding-period risk -----------------------------------------------------------------------

def test_holding_risk_simulates_daily_resets_at_every_horizon():
    curve = holding_risk(3, 0.3, risk="lag")
    assert len(curve) == 504 and curve["n_days"].iloc[0] == 1
    assert curve["probability"].iloc[0] == 0.0  # day 1: exactly L x the index, never behind
    assert curve["probability"].iloc[1] == pytest.approx(0.5, abs=0.015)  # day 2: opposite-sign days
    # From a month on the plain lag and the loss are within about 1.5 points of the closed forms;
    # no jump where a closed form used to take over.
    days = curve["n_days"].to_numpy()[21:].astype(float)
    assert np.abs(curve["probability"].to_numpy()[21:] - prob_lag_static(3, 0.3, days)).max() < 0.025
    loss = holding_risk(2, 0.4, risk="loss", threshold=0.2)
    assert np.abs(loss["probability"].to_numpy()[21:] - prob_fund_loss(2, 0.4, days, threshold=0.2)).max() < 0.025
    assert np.abs(np.diff(loss["probability"].to_numpy())).max() < 0.03


def test_closed_form_shortfall_is_far_from_the_daily_reset_fund():
    gaps = page.closed_form_gap_table(3, 0.3)
    assert gaps.loc["lags by over 5 points", "largest_gap"] > 0.05  # the continuous model bounds the lag
    assert gaps.loc["loses over 20%", "largest_gap"] < 0.025
    pd.testing.assert_frame_equal(gaps.reset_index(drop=True), closed_form_gap(3, 0.3).reset_index(drop=True))
    assert (gaps["on_day"] >= 22).all()


def test_admissible_days_is_the_last_day_within_the_limit():
    curve = pd.DataFrame({"n_days": [1, 2, 3, 4], "probability": [0.01, 0.04, 0.06, 0.03]})
    assert admissible_days(curve, 0.05) == 2
    assert admissible_days(curve, 0.005) == 0
    assert admissible_days(curve, 0.5) == 4


def test_admissible_loss_days_are_close_to_the_closed_form_for_long_horizons():
    # The loss event depends on the index's end value almost alone: closed form and simulation agree
    # to within a few days.
    closed = admissible_horizon(2, 0.2, max_probability=0.1, risk="loss", threshold=0.2, max_days=504)
    assert closed > 21
    curve = holding_risk(2, 0.2, risk="loss", threshold=0.2)
    assert abs(admissible_days(curve, 0.1) - closed) <= 0.1 * closed


@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_explorer_computes_the_curve_and_horizon_and_twin_fits_the_budget():
    explorer = page.holding_risk_explorer()
    frame = explorer.compute(leverage=3, sigma=0.3, risk="loses over 20%", limit=0.1)
    assert frame["horizon"].nunique() == 1
    horizon = int(frame["horizon"].iloc[0])
    full = holding_risk(3, 0.3, risk="loss", threshold=0.2)
    assert admissible_days(full, 0.1) == horizon
    assert (full["probability"].iloc[:horizon] <= 0.1).all() and full["probability"].iloc[horizon] > 0.1
    twin = explorer.twin()
    check_accessible(twin)
    assert len(json.dumps(twin.to_dict(validate=False))) < TWIN_BUDGET_BYTES
    grid = explorer.grid_data()
    assert len(grid.groupby(["leverage", "sigma", "risk", "limit"])) == 5 * 6 * 3 * 4
    assert grid["probability"].between(0, 1).all()


def test_shortfall_risk_is_not_degenerate():
    curve = holding_risk(3, 0.3, risk="shortfall", threshold=0.05)
    assert curve["probability"].iloc[0] == 0.0 and curve["probability"].iloc[1] < 0.01
    # Unlike the plain lag (horizon 1 day for any limit below one half), the horizon is weeks or months,
    # longer for a looser limit and shorter for a more volatile index.
    horizons = [admissible_days(curve, limit) for limit in (0.05, 0.25, 0.6)]
    assert 21 < horizons[0] < horizons[1] < horizons[2]
    stormy = holding_risk(3, 0.6, risk="shortfall", threshold=0.05)
    assert admissible_days(stormy, 0.05) < horizons[0]


def test_lag_evidence_reports_the_standard_error_of_few_windows():
    table = page.lag_evidence_table("nasdaq", leverage=3.0)
    p, n = table.loc[252, "history"], table.loc[252, "windows"]
    assert n < 25 and table.loc[252, "std_error"] == pytest.approx(np.sqrt(p * (1 - p) / n))


def test_higher_leverage_and_volatility_shorten_the_loss_horizon():
    def horizon(leverage, sigma):
        return admissible_days(holding_risk(leverage, sigma, risk="loss", threshold=0.2), 0.05)

    assert horizon(3, 0.4) < horizon(2, 0.4) < horizon(2, 0.2)


def test_holding_risk_rejects_bad_input():
    with pytest.raises(ValueError, match="risk"):
        holding_risk(2, 0.2, risk="ruin")
    with pytest.raises(ValueError, match="max_days"):
        holding_risk(2, 0.2, max_days=0)
    with pytest.raises(ValueError, match="threshold"):
        holding_risk(2, 0.2, risk="loss", threshold=1.0)
    with pytest.raises(ValueError, match="risk"):
        page.holding_risk_curve(2, 0.2, "bankrupt", 0.1)


# --- real data ---------------------------------------------------------------------------------

def test_historical_lag_share_on_a_hand_made_path():
    # Two 2-day windows: same-sign days (fund ahead), opposite-sign days (fund behind).
    returns = [0.1, 0.1, 0.1, -0.1, 0.05]
    assert historical_lag_share(returns, 2, 2) == 0.5
    assert historical_lag_share(returns, 2, 1) == 0.0
    with pytest.raises(ValueError, match="n_days"):
        historical_lag_share(returns, 2, 10)


def test_lag_evidence_on_the_nasdaq():
    table = page.lag_evidence_table("nasdaq", leverage=3.0)
    assert table.loc[1, "history"] == 0.0 and table.loc[1, "model"] == 0.0
    assert (table.loc[[5, 21, 63], "history"] > 0.5).all()
    assert (table.loc[[5, 21, 63], "model"] > 0.5).all()


# --- charts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("build", [page.timeline_chart, page.var_ratio_chart, page.rule_var_history_chart])
def test_charts_have_title_and_description(build):
    check_accessible(build())


def test_holder_chart_labels_the_limit_as_the_rules():
    spec = str(page.var_ratio_chart().to_dict())
    assert "Rule 18f-4 limit, 200%: applies to the rule's measure" in spec


def test_timeline_holds_every_event_with_a_kind():
    spec = page.timeline_chart().to_dict()
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert len(values) == len(page.EVENTS)
    assert {row["kind"] for row in values} == {"Rule or regulatory action", "Market event or issuer action"}
    years = sorted(int(row["date"][:4]) for row in values)
    assert years[0] == 2009 and years[-1] == 2026


# --- exercises ---------------------------------------------------------------------------------

REGULATION_EXERCISES = sorted(key for key in registered() if key.startswith("regulation-"))


def test_the_chapter_registers_its_exercises():
    assert set(REGULATION_EXERCISES) == {
        "regulation-admissible-horizon", "regulation-rule-var-ratio", "regulation-var-ratio-function",
        "regulation-news-loss", "regulation-nasdaq-lag",
    }


def test_numeric_answers_pass_and_common_slips_fail():
    assert evaluate("regulation-admissible-horizon",
                    admissible_horizon(2, 0.25, max_probability=0.05, risk="loss", threshold=0.2)).correct
    assert not evaluate("regulation-admissible-horizon",
                        admissible_horizon(2, 0.25, max_probability=0.05, risk="loss", threshold=0.2) + 1).correct
    ratio = float(page.rule_var_table("nasdaq", (-2.0,)).loc[-2.0, "ratio"])
    assert evaluate("regulation-rule-var-ratio", ratio).correct
    feedback = evaluate("regulation-rule-var-ratio", 2.0)
    assert not feedback.correct and "upper tail" in feedback.message
    assert evaluate("regulation-news-loss", -0.466).correct
    feedback = evaluate("regulation-news-loss", -0.266)
    assert not feedback.correct and "10%" in feedback.message
    assert evaluate("regulation-nasdaq-lag", registered()["regulation-nasdaq-lag"].expected()).correct
    assert not evaluate("regulation-nasdaq-lag", 0.5).correct


def test_var_ratio_function_exercise():
    def right(leverage, sigma, n_days):
        return fund_value_at_risk(leverage, sigma, n_days, confidence=0.99) / fund_value_at_risk(
            1, sigma, n_days, confidence=0.99)

    def ninety_five(leverage, sigma, n_days):
        return fund_value_at_risk(leverage, sigma, n_days) / fund_value_at_risk(1, sigma, n_days)

    assert evaluate("regulation-var-ratio-function", right).correct
    assert not evaluate("regulation-var-ratio-function", lambda leverage, sigma, n_days: abs(leverage)).correct
    assert not evaluate("regulation-var-ratio-function", ninety_five).correct
