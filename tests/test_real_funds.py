"""The simulator against the published NAVs of two real daily-reset funds (UPRO 3x and SSO 2x).

Reads ``../shared/data/sp500_sso_upro_nav_spxtr_rf.csv`` relative to the repository root in place
(never copied) and skips when it is absent. Each fund's *lag* is its mean daily shortfall against
``L R_TR + (1 - L) r - f`` (total-return index, Treasury-bill rate, expense ratio), times 252. On a
flat index the model's daily return is linear in the spread, so the least-squares spread on a basis
is the lag divided by the spread fraction (``|L|`` on the notional, ``L - 1`` on the borrowed part).
The chapter on costs quotes the lags from :data:`lettools.book.costs.REAL_FUND_LAGS` (and the sub-periods,
the rate slope and UPRO's 2009-2018 returns stored beside them); this test checks them against the data.

NAV drops on a distribution's ex-date by the amount paid, and the holder receives that amount in cash, so a
lag measured on NAV alone counts distributions as a cost. The *distribution-adjusted* figures add back, on
each ex-date listed in ``lettools/facts/costs.json``, the day's NAV gap: the fund's shortfall beyond its median
daily shortfall (clipped at zero). A test checks that these gaps match the per-share amounts that the sources
list (after the 2-for-1 split of January 2022).
Run with ``-s`` to see the figures.
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lettools import simulate_fund
from lettools._conventions import spread_fraction
from lettools.book.costs import (
    REAL_FUND_ANNUAL_MODEL,
    REAL_FUND_EARLY_YEARS,
    REAL_FUND_FEE_SENSITIVITY,
    REAL_FUND_FLOOR_ACCRUAL_SHIFT,
    REAL_FUND_FLOOR_GAP,
    REAL_FUND_FLOOR_GAP_ACT360,
    REAL_FUND_JOINT,
    REAL_FUND_LAGS,
    REAL_FUND_PERIODS,
    REAL_FUND_RATE_SLOPE,
    REAL_FUND_RATE_SLOPE_SE,
    REAL_FUND_STOCK_SHARE,
    REAL_FUND_SWAP_SPREAD_GAP,
    REAL_FUND_TAX_BOUND,
    REAL_FUND_WITHIN_SLOPE,
    REAL_FUND_YEARS,
    REAL_UPRO_2009_2018,
    UPRO_MODEL_COSTS,
    ZERO_RATE_YEARS,
    real_fund_spreads,
    swap_spreads,
)
from lettools.facts import load as load_facts

# ``LETTOOLS_SHARED_DATA`` points elsewhere (a worktree whose parent has no ``shared`` folder).
DATA = Path(os.environ.get("LETTOOLS_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
            ) / "sp500_sso_upro_nav_spxtr_rf.csv"
FIRST, LAST = "2009-06-25", "2024-12-31"
FUNDS = {fund: (row["leverage"], row["expense_ratio"]) for fund, row in REAL_FUND_LAGS.items()}
FACTS = load_facts("costs")
EX_DATES = pd.DatetimeIndex(FACTS["distribution_ex_dates"]["value"])

pytestmark = pytest.mark.skipif(
    not DATA.exists(), reason=f"real fund data not found at {DATA} (kept outside the repository)"
)


def load(first: str, last: str) -> pd.DataFrame:
    """The data's rows from ``first`` to ``last`` on which both funds, the index and the rate are known."""
    frame = pd.read_csv(DATA, parse_dates=["Date"]).set_index("Date").sort_index()
    # T-bill interest accrues on every calendar row; a day missing a price must not lose it.
    frame["rf_accrued"] = frame["RF_daily"].fillna(0.0).cumsum()
    return frame.loc[first:last].dropna(subset=["SSO_NAV", "UPRO_NAV", "SPXTR_close", "RF_daily"])


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    frame = load(FIRST, LAST)
    assert len(frame) > 3000
    return frame


def measure(history: pd.DataFrame, fund: str, expense_ratio: float | None = None) -> dict:
    """The fund's lag, its residual, and the fitted spread on each basis (annual decimals).

    ``expense_ratio`` replaces the fund's fee in the model (a sensitivity).
    """
    leverage, fund_fee = FUNDS[fund]
    expense_ratio = fund_fee if expense_ratio is None else expense_ratio
    index_returns = history["SPXTR_close"].pct_change().to_numpy()[1:]
    rate = np.diff(history["rf_accrued"].to_numpy()) * 252  # per-interval interest, as an annual rate
    real = history[f"{fund}_NAV"].to_numpy()
    real_returns = real[1:] / real[:-1] - 1
    # The model before any spread, written out in numpy (not with the simulator under test).
    model_returns = leverage * index_returns + (1 - leverage) * rate / 252 - expense_ratio / 252
    residual = real_returns - model_returns
    lag = -float(np.mean(residual)) * 252
    # Distributions: on a listed ex-date, the NAV gap beyond the fund's median daily shortfall.
    on_ex_date = history.index[1:].isin(EX_DATES)
    distribution = np.where(on_ex_date, np.maximum(np.median(residual) - residual, 0.0), 0.0)
    adjusted = residual + distribution
    lag_adjusted = -float(np.mean(adjusted)) * 252
    return {
        "days": residual.size,
        "lag": lag,
        "residual_sd_bp": float(np.std(residual, ddof=1)) * 1e4,
        "robust_sd_bp": 1.4826 * float(np.median(np.abs(residual - np.median(residual)))) * 1e4,
        "correlation": float(np.corrcoef(real_returns, leverage * index_returns)[0, 1]),
        "tracking_difference_bp": float(np.mean(real_returns - leverage * index_returns)) * 1e4,
        "tracking_error_bp": float(np.std(real_returns - leverage * index_returns, ddof=1)) * 1e4,
        "spread": {basis: lag / spread_fraction(leverage, basis) for basis in ("notional", "borrowed")},
        "distributions": float(np.mean(distribution)) * 252,
        "lag_adjusted": lag_adjusted,
        "adjusted_sd_bp": float(np.std(adjusted, ddof=1)) * 1e4,
        "spread_adjusted": {basis: lag_adjusted / spread_fraction(leverage, basis) for basis in ("notional", "borrowed")},
        "distribution": distribution, "adjusted": adjusted,
        "residual": residual, "index_returns": index_returns, "rate": rate, "real": real,
    }


@pytest.fixture(scope="module")
def measured(history) -> dict:
    return {fund: measure(history, fund) for fund in FUNDS}


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_the_book_quotes_the_measured_lag_and_residual(measured, fund):
    figures, quoted = measured[fund], REAL_FUND_LAGS[fund]
    print(f"\n{fund}: {figures['days']} days {FIRST}..{LAST}; lag {figures['lag']:.3%} a year; "
          f"residual sd {figures['residual_sd_bp']:.2f} bp a day (robust {figures['robust_sd_bp']:.2f}); correlation with {FUNDS[fund][0]:g}x TR "
          f"{figures['correlation']:.5f}; spread on the notional {figures['spread']['notional']:.3%}, "
          f"on the borrowed part {figures['spread']['borrowed']:.3%}")
    assert figures["lag"] == pytest.approx(quoted["lag"], abs=5e-5)
    assert figures["residual_sd_bp"] == pytest.approx(quoted["residual_sd_bp"], abs=0.05)
    assert figures["robust_sd_bp"] == pytest.approx(quoted["robust_sd_bp"], abs=0.05)
    residual = figures["residual"]
    keep = np.ones(residual.size, dtype=bool)
    keep[np.argsort(-np.abs(residual - np.median(residual)))[:10]] = False
    assert float(np.std(residual[keep], ddof=1)) * 1e4 == pytest.approx(quoted["residual_sd_drop10_bp"], abs=0.005)
    assert figures["correlation"] == pytest.approx(quoted["correlation"], abs=5e-6)
    assert figures["tracking_difference_bp"] == pytest.approx(quoted["tracking_difference_bp"], abs=0.005)
    assert figures["tracking_error_bp"] == pytest.approx(quoted["tracking_error_bp"], abs=0.005)
    print(f"{fund}: distributions {figures['distributions']:.3%} a year; distribution-adjusted lag "
          f"{figures['lag_adjusted']:.3%}, residual sd {figures['adjusted_sd_bp']:.2f} bp")
    assert figures["distributions"] == pytest.approx(quoted["distributions"], abs=5e-5)
    assert figures["lag_adjusted"] == pytest.approx(quoted["lag_adjusted"], abs=5e-5)


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_the_book_quotes_the_lags_at_a_095_percent_fee(history, fund):
    """Re-measured on the data with a 0.95% fee in the model: the lags and spreads the chapter's sensitivity quotes."""
    figures = measure(history, fund, expense_ratio=0.0095)
    quoted = real_fund_spreads(expense_ratio=0.0095).loc[fund]
    print(f"\n{fund} at a 0.95% fee: lag {figures['lag']:.4%}, adjusted {figures['lag_adjusted']:.4%}")
    assert figures["lag"] == pytest.approx(quoted["lag"], abs=5e-5)
    assert figures["lag_adjusted"] == pytest.approx(quoted["lag_adjusted"], abs=5e-5)
    for basis in ("notional", "borrowed"):
        assert figures["spread_adjusted"][basis] == pytest.approx(quoted[f"spread_{basis}_adjusted"], abs=5e-5)
    assert figures["lag_adjusted"] < REAL_FUND_LAGS[fund]["lag_adjusted"]  # a higher fee leaves less to explain


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_the_detected_distributions_match_the_sourced_amounts(history, measured, fund):
    """The NAV gap on each ex-date is the sourced amount per share over the previous NAV."""
    split = FACTS["share_split_2022"]["value"]
    nav = history[f"{fund}_NAV"]
    detected, sourced = [], []
    for date, amount in FACTS[f"{fund.lower()}_distributions"]["value"]:
        row = nav.index.get_loc(pd.Timestamp(date))
        # The NAV file is split-adjusted; amounts paid before the split are per pre-split share.
        factor = split["ratio"] if date < split["effective"] and fund in split["funds"] else 1
        sourced.append(amount / factor / nav.iloc[row - 1])
        detected.append(measured[fund]["distribution"][row - 1])
    detected, sourced = np.array(detected), np.array(sourced)
    ratio = detected.sum() / sourced.sum()
    typical_miss_bp = float(np.median(np.abs(detected - sourced))) * 1e4
    print(f"\n{fund}: {detected.size} sourced distributions; detected/sourced {ratio:.3f}; "
          f"median miss {typical_miss_bp:.2f} bp")
    assert 0.85 < ratio < 1.15
    assert typical_miss_bp < 3.0


def test_the_two_funds_alone_do_not_decide_the_spread_basis(measured):
    """On NAV the notional basis fits both funds with one spread; with distributions added back, the borrowed basis does."""
    def gap(key):
        return {basis: abs(measured["UPRO"][key][basis] - measured["SSO"][key][basis])
                for basis in ("notional", "borrowed")}
    nav, adjusted = gap("spread"), gap("spread_adjusted")
    print(f"\nspread gaps on NAV: {nav}; distribution-adjusted: {adjusted}")
    assert nav["notional"] < 0.0015 and nav["borrowed"] > 2 * nav["notional"]
    assert adjusted["borrowed"] < 0.0015 and adjusted["notional"] > 2 * adjusted["borrowed"]


@pytest.mark.parametrize("spread_basis", ["notional", "borrowed"])
def test_the_book_quotes_the_joint_figures(measured, spread_basis):
    upro = measured["UPRO"]
    # The gap between the two funds' spreads, from the daily shortfalls each divided by its spread fraction.
    gap, standard_error = spread_gap(measured, spread_basis)
    print(f"\n{spread_basis}: UPRO's spread minus SSO's {gap:+.3%} a year, standard error {standard_error:.3%}")
    quoted_gap, quoted_error = REAL_FUND_JOINT["spread_gap"][spread_basis]
    assert gap == pytest.approx(quoted_gap, abs=5e-5)
    assert standard_error == pytest.approx(quoted_error, abs=5e-6)
    gap, standard_error = spread_gap(measured, spread_basis, "adjusted")
    print(f"{spread_basis}, distribution-adjusted: {gap:+.3%}, standard error {standard_error:.3%}")
    assert (gap, standard_error) == pytest.approx(REAL_FUND_JOINT["spread_gap_adjusted"][spread_basis], abs=5e-5)
    turnover = np.abs(upro["index_returns"]).mean() * 252
    assert turnover == pytest.approx(REAL_FUND_JOINT["abs_index_return_per_year"], abs=5e-4)
    assert upro["rate"].mean() == pytest.approx(REAL_FUND_JOINT["mean_rate"], abs=5e-6)
    index_returns = upro["index_returns"]
    ratio = np.abs(index_returns).mean() / np.std(index_returns, ddof=1)
    assert ratio == pytest.approx(REAL_FUND_JOINT["abs_to_sd_ratio"], abs=5e-4)
    assert ratio < 0.9 * np.sqrt(2 / np.pi)  # fatter tails than the normal


def test_the_book_quotes_the_gap_of_the_spreads_on_the_swaps(measured):
    # The two funds' adjusted shortfalls, each divided by its remaining notional L - k (k as quoted).
    upro, sso = measured["UPRO"], measured["SSO"]
    daily_gap = (-upro["adjusted"] / (FUNDS["UPRO"][0] - REAL_FUND_STOCK_SHARE["UPRO"]["stock_share"])
                 + sso["adjusted"] / (FUNDS["SSO"][0] - REAL_FUND_STOCK_SHARE["SSO"]["stock_share"]))
    gap, error = daily_gap.mean() * 252, newey_west_se(daily_gap) * 252
    iid = daily_gap.std(ddof=1) / np.sqrt(daily_gap.size) * 252
    assert error < iid  # the reversals make the independent-days error too large
    print(f"\nspread on the swaps, UPRO minus SSO: {gap:+.4%}, standard error {error:.4%}")
    assert gap == pytest.approx(REAL_FUND_SWAP_SPREAD_GAP["gap"], abs=5e-5)
    assert error == pytest.approx(REAL_FUND_SWAP_SPREAD_GAP["se_days"], abs=5e-6)
    assert iid == pytest.approx(REAL_FUND_SWAP_SPREAD_GAP["se_days_independent"], abs=5e-6)


def test_the_book_quotes_the_high_rate_years(history, measured):
    upro, sso = measured["UPRO"], measured["SSO"]
    years = history.index[-upro["adjusted"].size:].year
    for year, quoted in REAL_FUND_YEARS.items():
        days = years == year
        assert upro["rate"][days].mean() == pytest.approx(quoted["rate"], abs=5e-6)
        assert -upro["adjusted"][days].mean() * 252 == pytest.approx(quoted["UPRO"], abs=5e-6)
        assert -sso["adjusted"][days].mean() * 252 == pytest.approx(quoted["SSO"], abs=5e-6)
        volatility = float(np.std(upro["index_returns"][days], ddof=1)) * np.sqrt(252)
        print(f"\n{year}: index volatility {volatility:.4f}")
        assert volatility == pytest.approx(quoted["volatility"], abs=5e-4)
    # 2022 was far more volatile than 2023 and 2024, which the chapter gives as a partial cause of its step up.
    assert REAL_FUND_YEARS[2022]["volatility"] > 1.5 * max(REAL_FUND_YEARS[year]["volatility"] for year in (2023, 2024))


def spread_gap(measured: dict, spread_basis: str, key: str = "residual") -> tuple[float, float]:
    """UPRO's spread minus SSO's and its standard error, from the daily shortfalls (annual decimals).

    ``key="adjusted"`` uses the distribution-adjusted shortfalls.
    """
    upro, sso = measured["UPRO"], measured["SSO"]
    daily_gap = (-upro[key] / spread_fraction(FUNDS["UPRO"][0], spread_basis)
                 + sso[key] / spread_fraction(FUNDS["SSO"][0], spread_basis))
    return daily_gap.mean() * 252, newey_west_se(daily_gap) * 252


def newey_west_se(values: np.ndarray, lags: int = 5) -> float:
    """Newey-West (Bartlett weights) standard error of the mean of ``values``: allows for the one-day reversals."""
    centred = values - values.mean()
    n = centred.size
    variance = centred @ centred / n
    for lag in range(1, lags + 1):
        variance += 2 * (1 - lag / (lags + 1)) * (centred[lag:] @ centred[:-lag]) / n
    return float(np.sqrt(variance / n))


@pytest.mark.parametrize("period", sorted(REAL_FUND_PERIODS))
def test_the_book_quotes_the_sub_periods(history, period):
    quoted = REAL_FUND_PERIODS[period]
    # Start one row early so that the first return is the quoted first day's.
    start = history.index[history.index.get_loc(pd.Timestamp(quoted["first"])) - 1]
    window = history.loc[start:quoted["last"]]
    figures = {fund: measure(window, fund) for fund in FUNDS}
    assert figures["UPRO"]["days"] == quoted["days"]
    assert figures["UPRO"]["rate"].mean() == pytest.approx(quoted["mean_rate"], abs=5e-6)
    for fund in FUNDS:
        assert figures[fund]["lag"] == pytest.approx(quoted["lag"][fund], abs=5e-6)
        assert figures[fund]["lag_adjusted"] == pytest.approx(quoted["lag_adjusted"][fund], abs=5e-6)
    for basis in ("notional", "borrowed"):
        gap, error = spread_gap(figures, basis)
        adjusted = spread_gap(figures, basis, "adjusted")
        print(f"\n{period} {basis}: gap {gap:+.3%} (se {error:.3%}); adjusted {adjusted[0]:+.3%} (se {adjusted[1]:.3%})")
        assert (gap, error) == pytest.approx(quoted["spread_gap"][basis], abs=5e-6)
        assert adjusted == pytest.approx(quoted["spread_gap_adjusted"][basis], abs=5e-6)
    # The spread on the remaining swap notional L - k, with the k that goes with the period.
    shares = quoted["stock_share"]
    spreads = swap_spreads(period)
    for fund in FUNDS:
        leverage = FUNDS[fund][0]
        assert figures[fund]["lag_adjusted"] / (leverage - shares[fund]) == pytest.approx(spreads[fund], abs=5e-6)
    daily_gap = (-figures["UPRO"]["adjusted"] / (FUNDS["UPRO"][0] - shares["UPRO"])
                 + figures["SSO"]["adjusted"] / (FUNDS["SSO"][0] - shares["SSO"]))
    swap_gap = (daily_gap.mean() * 252, newey_west_se(daily_gap) * 252)
    print(f"{period}: spreads on the swaps {dict(spreads.round(5))}, gap {swap_gap[0]:+.4%} (se {swap_gap[1]:.4%})")
    assert swap_gap == pytest.approx(quoted["swap_spread_gap"], abs=5e-6)


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_the_book_quotes_how_the_lag_moves_with_the_rate(measured, fund):
    figures = measured[fund]
    design = np.column_stack([np.ones_like(figures["rate"]), figures["rate"]])
    # On the distribution-adjusted shortfall: distributions are not a cost.
    intercept, slope = np.linalg.lstsq(design, -figures["adjusted"] * 252, rcond=None)[0]
    print(f"\n{fund}: shortfall {intercept:.3%} + {slope:.3f} r")
    assert (intercept, slope) == pytest.approx(REAL_FUND_RATE_SLOPE[fund], abs=5e-4)
    # Newey-West (5 lags) standard error of the slope: the daily shortfalls reverse the next day.
    errors = -figures["adjusted"] * 252 - design @ np.array([intercept, slope])
    n, scores = errors.size, design * errors[:, None]
    meat = scores.T @ scores / n
    for lag in range(1, 6):
        cross = scores[lag:].T @ scores[:-lag] / n
        meat += (1 - lag / 6) * (cross + cross.T)
    bread = np.linalg.inv(design.T @ design / n)
    slope_se = float(np.sqrt((bread @ meat @ bread / n)[1, 1]))
    print(f"{fund}: slope se {slope_se:.3f}")
    assert slope_se == pytest.approx(REAL_FUND_RATE_SLOPE_SE[fund], abs=5e-4)


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_the_book_quotes_the_stock_share_inferred_from_distributions(history, measured, fund):
    leverage, expense_ratio = FUNDS[fund]
    figures = measured[fund]
    years = history.index[1:].year
    total, price = history["SPXTR_close"].to_numpy(), history["SPX_close"].to_numpy()
    dividend = np.log(total[1:] / total[:-1]) - np.log(price[1:] / price[:-1])
    shares, fee_parts, shares_095 = [], [], []
    for year in ZERO_RATE_YEARS:
        in_year = years == year
        rate = figures["rate"][in_year].mean()
        assert rate < 0.001, year  # a zero-rate year
        paid = figures["distribution"][in_year].sum()
        shares.append((paid + expense_ratio - rate) / (dividend[in_year].sum() - rate))
        fee_parts.append((expense_ratio - rate) / (dividend[in_year].sum() - rate))
        shares_095.append((paid + 0.0095 - rate) / (dividend[in_year].sum() - rate))
    shares = np.array(shares)
    assert np.mean(fee_parts) == pytest.approx(REAL_FUND_STOCK_SHARE[fund]["fee_share"], abs=0.005)
    assert np.mean(shares_095) == pytest.approx(REAL_FUND_STOCK_SHARE[fund]["stock_share_fee_095"], abs=0.005)
    quoted = REAL_FUND_STOCK_SHARE[fund]
    figures_k = {"stock_share": shares.mean(), "stock_share_se": shares.std(ddof=1) / np.sqrt(shares.size),
                 "spread_on_swaps": figures["lag_adjusted"] / (leverage - shares.mean())}
    print(f"\n{fund}: k by year {np.round(shares, 3)}; {figures_k}")
    assert figures_k["stock_share"] == pytest.approx(quoted["stock_share"], abs=5e-4)
    assert figures_k["stock_share_se"] == pytest.approx(quoted["stock_share_se"], abs=5e-4)
    assert figures_k["spread_on_swaps"] == pytest.approx(quoted["spread_on_swaps"], abs=5e-6)
    # How much k moves per unit of fee (or of distributions): 1 / |q - r|, over the zero-rate years and year by year.
    zero_rate = np.mean([1 / abs(dividend[years == year].sum() - figures["rate"][years == year].mean())
                         for year in ZERO_RATE_YEARS])
    assert zero_rate == pytest.approx(REAL_FUND_FEE_SENSITIVITY["zero_rate"], abs=0.05)
    for year in range(2010, 2025):  # the same formula on every full year: it does not pin k down
        in_year = years == year
        rate = figures["rate"][in_year].mean()
        paid = figures["distribution"][in_year].sum()
        share = (paid + expense_ratio - rate) / (dividend[in_year].sum() - rate)
        sensitivity = 1 / abs(dividend[in_year].sum() - rate)
        print(f"{fund} {year}: r {rate:.4f}, k {share:.3f}, 1/|q - r| {sensitivity:.1f}")
        assert share == pytest.approx(quoted["by_year"][year], abs=0.005)
        assert sensitivity == pytest.approx(REAL_FUND_FEE_SENSITIVITY["by_year"][year], abs=0.05)
        # The zero-rate years are exactly the full years whose bill rate averaged below 0.1%.
        assert (rate < 0.001) == (year in ZERO_RATE_YEARS)


def test_the_book_quotes_the_bounds_on_the_tax_treatment(history, measured):
    years = history.index[1:].year
    total, price = history["SPXTR_close"].to_numpy(), history["SPX_close"].to_numpy()
    index_returns = total[1:] / total[:-1] - 1
    dividend = np.log(total[1:] / total[:-1]) - np.log(price[1:] / price[:-1])
    in_2013 = years == 2013
    quoted = REAL_FUND_TAX_BOUND
    assert np.prod(1 + index_returns[in_2013]) - 1 == pytest.approx(quoted["index_total_return_2013"], abs=5e-4)
    assert measured["UPRO"]["distribution"][in_2013].sum() == pytest.approx(quoted["upro_distributions_2013"], abs=5e-5)
    for fund, (leverage, expense_ratio) in FUNDS.items():
        figures = measured[fund]
        # Each zero-rate year with its own adjusted lag: the whole sample's includes the high-rate years.
        per_year = [(figures["distribution"][years == year].sum(), dividend[years == year].sum(),
                     figures["rate"][years == year].mean(), -figures["adjusted"][years == year].mean() * 252)
                    for year in ZERO_RATE_YEARS]
        # Net income k q + (1 - k) r - f - (L - k)(r + s) = d, with s = lag / (L - k): a fixed point in k.
        share = 0.6
        for _ in range(300):
            share = np.mean([(paid + expense_ratio + leverage * (rate + lag / (leverage - share)) - rate)
                             / (dividend_yield + lag / (leverage - share))
                             for paid, dividend_yield, rate, lag in per_year])
        print(f"\n{fund}: k with the financing leg deducted {share:.3f}")
        assert share == pytest.approx(quoted["stock_share_financing_deducted"][fund], abs=0.005)
        assert np.mean([lag for *_, lag in per_year]) == pytest.approx(quoted["zero_rate_lag"][fund], abs=5e-6)
    # With the years' own lags the bound no longer rules the financing-deducted reading out for SSO.
    assert quoted["stock_share_financing_deducted"]["SSO"] < 1.0 < quoted["stock_share_financing_deducted"]["UPRO"]


def test_the_book_quotes_the_low_rate_years(history, measured):
    years = history.index[-measured["UPRO"]["adjusted"].size:].year
    for year, quoted in REAL_FUND_EARLY_YEARS.items():
        days = years == year
        assert measured["UPRO"]["rate"][days].mean() == pytest.approx(quoted["rate"], abs=5e-6)
        for fund in FUNDS:
            assert -measured[fund]["adjusted"][days].mean() * 252 == pytest.approx(quoted[fund], abs=5e-6)


def slope_and_se(shortfall: np.ndarray, rate: np.ndarray, lags: int) -> tuple[float, float]:
    """Least-squares slope of ``shortfall`` on ``rate`` and its Newey-West (Bartlett) standard error."""
    design = np.column_stack([np.ones_like(rate), rate])
    coefficients = np.linalg.lstsq(design, shortfall, rcond=None)[0]
    errors = shortfall - design @ coefficients
    n, scores = errors.size, design * errors[:, None]
    meat = scores.T @ scores / n
    for lag in range(1, lags + 1):
        cross = scores[lag:].T @ scores[:-lag] / n
        meat += (1 - lag / (lags + 1)) * (cross + cross.T)
    bread = np.linalg.inv(design.T @ design / n)
    return float(coefficients[1]), float(np.sqrt((bread @ meat @ bread / n)[1, 1]))


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_the_book_quotes_the_slope_within_each_period(history, measured, fund):
    figures, quoted = measured[fund], REAL_FUND_WITHIN_SLOPE[fund]
    years = history.index[-figures["adjusted"].size:].year
    early = years <= 2021
    slope, error = slope_and_se(-figures["adjusted"][early] * 252, figures["rate"][early], 5)
    print(f"\n{fund} 2009-21: slope {slope:.3f} (NW 5: {error:.3f})")
    assert (slope, error) == pytest.approx((quoted["slope"], quoted["se_nw5"]), abs=5e-4)
    slope, error = slope_and_se(-figures["adjusted"][~early] * 252, figures["rate"][~early], 5)
    assert (slope, error) == pytest.approx((quoted["slope_2022_2024"], quoted["se_2022_2024"]), abs=5e-4)
    # With the chapter's five lags the slope within the low-rate years is not distinguishable from zero.
    assert abs(quoted["slope"]) < 2 * quoted["se_nw5"]


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_the_book_quotes_the_two_shapes_on_annual_means(history, measured, fund):
    figures, quoted = measured[fund], REAL_FUND_ANNUAL_MODEL[fund]
    years = history.index[-figures["adjusted"].size:].year
    span = np.arange(2010, 2025)
    lag = np.array([-figures["adjusted"][years == year].mean() * 252 for year in span])
    rate = np.array([figures["rate"][years == year].mean() for year in span])
    shift = (span >= 2022).astype(float)

    def fit(*columns):
        design = np.column_stack([np.ones_like(lag), *columns])
        coefficients, residual_ss = np.linalg.lstsq(design, lag, rcond=None)[:2]
        residual_ss = float(residual_ss[0])
        r2 = 1 - residual_ss / float(((lag - lag.mean()) ** 2).sum())
        sigma2 = residual_ss / (lag.size - design.shape[1])
        t = coefficients / np.sqrt(np.diag(np.linalg.inv(design.T @ design)) * sigma2)
        return r2, t

    assert fit(rate)[0] == pytest.approx(quoted["r2_rate"], abs=0.005)
    assert fit(shift)[0] == pytest.approx(quoted["r2_shift"], abs=0.005)
    t = fit(rate, shift)[1]
    print(f"\n{fund}: R2 rate {fit(rate)[0]:.2f}, shift {fit(shift)[0]:.2f}; both in: t {t[1]:.2f}, {t[2]:.2f}")
    assert (t[1], t[2]) == pytest.approx((quoted["t_rate"], quoted["t_shift"]), abs=0.05)


def test_the_book_quotes_upro_2009_to_2018():
    quoted = REAL_UPRO_2009_2018
    frame = load("2009-06-01", quoted["last"])
    frame = frame.iloc[frame.index.get_loc(pd.Timestamp(quoted["first"])):]
    total = frame["SPXTR_close"].pct_change().to_numpy()[1:]
    price = frame["SPX_close"].pct_change().to_numpy()[1:]
    rate = np.diff(frame["rf_accrued"].to_numpy()) * 252
    nav = frame["UPRO_NAV"].to_numpy()
    assert total.size == quoted["days"]
    # The holder's total return: NAV plus distributions reinvested (the NAV gap on each listed ex-date).
    nav_returns = nav[1:] / nav[:-1] - 1
    residual = nav_returns - (3 * total - 2 * rate / 252 - UPRO_MODEL_COSTS["expense_ratio"] / 252)
    on_ex_date = frame.index[1:].isin(EX_DATES)
    distribution = np.where(on_ex_date, np.maximum(np.median(residual) - residual, 0.0), 0.0)
    # The model, day by day in numpy: total return, the realised bill rate, the fee, the spread on the
    # notional and trading on the rebalance |L^2 - L| |R| = 6 |R|.
    f, s, c = (UPRO_MODEL_COSTS[key] for key in ("expense_ratio", "spread", "trading_cost"))
    model = np.prod(1 + 3 * total - 2 * rate / 252 - f / 252 - 3 * s / 252 - c * 6 * np.abs(total)) - 1
    figures = {
        "fund_return": nav[-1] / nav[0] - 1,
        "fund_total_return": np.prod(1 + nav_returns + distribution) - 1,
        "target_return": 3 * (np.prod(1 + total) - 1),
        "price_target_return": 3 * (np.prod(1 + price) - 1),
        "model_return": model,
        "model_return_no_costs": np.prod(1 + 3 * total) - 1,
        "mean_rate": rate.mean(),
        "dividend_yield": (np.log1p(total).sum() - np.log1p(price).sum()) / total.size * 252,
        "nav_lag": -float(np.mean(residual)) * 252,
        "model_frictions": 3 * s + 6 * c * float(np.mean(np.abs(total))) * 252,
        "nav_lag_adjusted": -float(np.mean(residual + distribution)) * 252,
    }
    print(f"\nUPRO {quoted['first']}..{quoted['last']}: {figures}")
    for key, value in figures.items():
        tolerance = 5e-6 if key in ("mean_rate", "nav_lag", "model_frictions", "nav_lag_adjusted") else 5e-5 if key == "dividend_yield" else 5e-4
        assert value == pytest.approx(quoted[key], abs=tolerance), key
    # The simulator agrees with the numpy model.
    simulated = simulate_fund(total, 3, rate=rate, **UPRO_MODEL_COSTS)
    assert simulated[-1] - 1 == pytest.approx(model, rel=1e-9)


@pytest.mark.parametrize("spread_basis", ["notional", "borrowed"])
@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_simulator_with_the_fitted_spread_reproduces_the_nav(measured, fund, spread_basis):
    leverage, expense_ratio = FUNDS[fund]
    figures = measured[fund]
    real = figures["real"]
    simulated = simulate_fund(figures["index_returns"], leverage, rate=figures["rate"], expense_ratio=expense_ratio,
                              spread=figures["spread"][spread_basis], spread_basis=spread_basis, start=real[0])
    terminal_error = simulated[-1] / real[-1] - 1
    print(f"\n{fund} ({spread_basis}): terminal NAV simulated/real - 1 = {terminal_error:+.2%}")
    # A mean daily fit leaves only the residual's compounding (variance) term: a few percent over 15 years.
    assert abs(terminal_error) < 0.05


def test_the_book_quotes_the_gap_between_the_funds_rate_floor_and_the_bill(history, measured):
    # The floor of the federal funds target range, by calendar day from the sourced table (plain numpy, not
    # fed_funds_floor), accrued at the quoted rate over 365 across each return's interval, minus the bill's.
    table = FACTS["fed_funds_target_floor"]["value"]
    effective = np.array(list(table), dtype="datetime64[D]")
    levels = np.array(list(table.values()), dtype=float) / 100
    dates = history.index.to_numpy().astype("datetime64[D]")
    # The interval (t-1, t] is credited the floor of each calendar day in it: a new level one day before the night
    # it first applies to. ``shift=0`` accrues over [t-1, t) instead, each level from the night it took effect.
    def floor_rate(shift: int, year_days: int = 365) -> np.ndarray:
        calendar = np.arange(dates[0] + shift, dates[-1] + shift)
        floor = levels[np.searchsorted(effective, calendar, side="right") - 1]
        accrued = np.concatenate([[0.0], np.cumsum(floor / year_days)])
        return np.diff(accrued[(dates - dates[0]).astype(int)]) * 252

    book, overnight = floor_rate(1), floor_rate(0)
    gap = book - measured["UPRO"]["rate"]
    # What the floor earned, quoted Actual/360 as federal funds and SOFR are: more than the floor as quoted.
    earned = floor_rate(1, 360) - measured["UPRO"]["rate"]
    years = history.index[1:].year
    for key, days in {2022: years == 2022, 2023: years == 2023, 2024: years == 2024,
                      "2009-2021": years <= 2021, "2022-2024": years >= 2022}.items():
        shift = (book - overnight)[days].mean()
        print(f"\n{key}: floor {book[days].mean():.4%}, floor minus bill {gap[days].mean():+.4%}, "
              f"one day early adds {shift * 1e4:+.2f} bp")
        assert gap[days].mean() == pytest.approx(REAL_FUND_FLOOR_GAP[key], abs=5e-6)
        assert earned[days].mean() == pytest.approx(REAL_FUND_FLOOR_GAP_ACT360[key], abs=5e-6)
        assert shift == pytest.approx(REAL_FUND_FLOOR_ACCRUAL_SHIFT[key], abs=1e-6)
    # The convention moves no figure by more than about a basis point (2022, with 4.25 points of hikes).
    assert max(abs(value) for value in REAL_FUND_FLOOR_ACCRUAL_SHIFT.values()) < 1.2e-4
    # The bill trailed the hikes of 2022-23 and led the cuts of late 2024.
    assert REAL_FUND_FLOOR_GAP[2022] > 0.001 and REAL_FUND_FLOOR_GAP[2023] > 0.001 > 0 > REAL_FUND_FLOOR_GAP[2024]
    # Earned on Actual/360, the floor beat the bill in every high-rate year, 2024 included.
    assert min(REAL_FUND_FLOOR_GAP_ACT360[year] for year in (2022, 2023, 2024)) > 0.0005
