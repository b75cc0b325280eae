"""The simulator against the published NAVs of two real daily-reset funds (UPRO 3x and SSO 2x).

Reads ``../shared/data/sp500_sso_upro_nav_spxtr_rf.csv`` relative to the repository root in place
(never copied) and skips when it is absent. Each fund's *lag* is its mean daily shortfall against
``L R_TR + (1 - L) r - f`` (total-return index, Treasury-bill rate, expense ratio), times 252. On a
flat index the model's daily return is linear in the spread, so the least-squares spread on a basis
is the lag divided by the spread fraction (``|L|`` on the notional, ``L - 1`` on the borrowed part).
The chapter on costs quotes the lags from :data:`lettools.book.costs.REAL_FUND_LAGS`; this test
checks them against the data. Run with ``-s`` to see the figures.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lettools import simulate_fund
from lettools._conventions import spread_fraction
from lettools.book.costs import REAL_FUND_JOINT, REAL_FUND_LAGS

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sp500_sso_upro_nav_spxtr_rf.csv"
FIRST, LAST = "2009-06-25", "2024-12-31"
FUNDS = {fund: (row["leverage"], row["expense_ratio"]) for fund, row in REAL_FUND_LAGS.items()}

pytestmark = pytest.mark.skipif(
    not DATA.exists(), reason=f"real fund data not found at {DATA} (kept outside the repository)"
)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    frame = pd.read_csv(DATA, parse_dates=["Date"]).set_index("Date").sort_index()
    # T-bill interest accrues on every calendar row; a day missing a price must not lose it.
    frame["rf_accrued"] = frame["RF_daily"].fillna(0.0).cumsum()
    frame = frame.loc[FIRST:LAST].dropna(subset=["SSO_NAV", "UPRO_NAV", "SPXTR_close", "RF_daily"])
    assert len(frame) > 3000
    return frame


def measure(history: pd.DataFrame, fund: str) -> dict:
    """The fund's lag, its residual, and the fitted spread on each basis (annual decimals)."""
    leverage, expense_ratio = FUNDS[fund]
    index_returns = history["SPXTR_close"].pct_change().to_numpy()[1:]
    rate = np.diff(history["rf_accrued"].to_numpy()) * 252  # per-interval interest, as an annual rate
    real = history[f"{fund}_NAV"].to_numpy()
    real_returns = real[1:] / real[:-1] - 1
    # The model before any spread, written out in numpy (not with the simulator under test).
    model_returns = leverage * index_returns + (1 - leverage) * rate / 252 - expense_ratio / 252
    residual = real_returns - model_returns
    lag = -float(np.mean(residual)) * 252
    return {
        "days": residual.size,
        "lag": lag,
        "residual_sd_bp": float(np.std(residual, ddof=1)) * 1e4,
        "robust_sd_bp": 1.4826 * float(np.median(np.abs(residual - np.median(residual)))) * 1e4,
        "correlation": float(np.corrcoef(real_returns, leverage * index_returns)[0, 1]),
        "spread": {basis: lag / spread_fraction(leverage, basis) for basis in ("notional", "borrowed")},
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
    assert figures["correlation"] == pytest.approx(quoted["correlation"], abs=5e-6)


def test_one_spread_on_the_notional_explains_both_funds(measured):
    notional = {fund: measured[fund]["spread"]["notional"] for fund in FUNDS}
    borrowed = {fund: measured[fund]["spread"]["borrowed"] for fund in FUNDS}
    print(f"\nspread on the notional: {notional}; on the borrowed part: {borrowed}")
    assert abs(notional["UPRO"] - notional["SSO"]) < 0.0015
    # On the borrowed part the two funds disagree by far more than on the notional.
    assert abs(borrowed["UPRO"] - borrowed["SSO"]) > 2 * abs(notional["UPRO"] - notional["SSO"])


@pytest.mark.parametrize("spread_basis", ["notional", "borrowed"])
def test_the_book_quotes_the_joint_figures(measured, spread_basis):
    upro, sso = measured["UPRO"], measured["SSO"]
    # The gap between the two funds' spreads, from the daily shortfalls each divided by its spread fraction.
    daily_gap = (-upro["residual"] / spread_fraction(FUNDS["UPRO"][0], spread_basis)
                 + sso["residual"] / spread_fraction(FUNDS["SSO"][0], spread_basis))
    gap, standard_error = daily_gap.mean() * 252, daily_gap.std(ddof=1) / np.sqrt(daily_gap.size) * 252
    print(f"\n{spread_basis}: UPRO's spread minus SSO's {gap:+.3%} a year, standard error {standard_error:.3%}")
    quoted_gap, quoted_error = REAL_FUND_JOINT["spread_gap"][spread_basis]
    assert gap == pytest.approx(quoted_gap, abs=5e-5)
    assert standard_error == pytest.approx(quoted_error, abs=5e-5)
    turnover = np.abs(upro["index_returns"]).mean() * 252
    assert turnover == pytest.approx(REAL_FUND_JOINT["abs_index_return_per_year"], abs=5e-4)


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
