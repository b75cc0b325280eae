"""The simulator against the published NAVs of two real daily-reset funds (UPRO 3x and SSO 2x).

Reads ``../shared/data/sp500_sso_upro_nav_spxtr_rf.csv`` relative to the repository root in place
(never copied) and skips when it is absent. One financing spread per fund is fitted by least
squares on daily returns (the model is linear in the spread); run with ``-s`` to see the figures.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lettools import simulate_fund
from lettools._conventions import financed_fraction

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sp500_sso_upro_nav_spxtr_rf.csv"
FIRST, LAST = "2009-06-25", "2024-12-31"
FUNDS = {"UPRO": (3.0, 0.0091), "SSO": (2.0, 0.0089)}  # leverage, expense ratio (references.md)

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


def fit(history: pd.DataFrame, fund: str):
    """Fitted annual spread, simulated NAV path and the real one, both starting at the first NAV."""
    leverage, expense_ratio = FUNDS[fund]
    index_returns = history["SPXTR_close"].pct_change().to_numpy()[1:]
    rate = np.diff(history["rf_accrued"].to_numpy()) * 252  # per-interval interest, as an annual rate
    real = history[f"{fund}_NAV"].to_numpy()
    real_returns = real[1:] / real[:-1] - 1
    nav = simulate_fund(index_returns, leverage, rate=rate, expense_ratio=expense_ratio)
    no_spread = nav[1:] / nav[:-1] - 1
    # Daily simulated return = no_spread - spread / 252 * financed fraction: least squares in one unknown.
    spread = float(np.mean(no_spread - real_returns)) * 252 / financed_fraction(leverage)
    simulated = simulate_fund(index_returns, leverage, rate=rate, expense_ratio=expense_ratio, spread=spread,
                              start=real[0])
    return spread, simulated, real


@pytest.mark.parametrize("fund", sorted(FUNDS))
def test_model_tracks_the_real_fund(history, fund):
    spread, simulated, real = fit(history, fund)
    correlation = np.corrcoef(np.diff(simulated) / simulated[:-1], real[1:] / real[:-1] - 1)[0, 1]
    terminal_error = simulated[-1] / real[-1] - 1
    print(f"\n{fund}: {len(real) - 1} days {FIRST}..{LAST}; fitted spread {spread:.4%} a year; "
          f"daily-return correlation {correlation:.5f}; terminal NAV simulated/real - 1 = {terminal_error:+.2%}")
    assert 0.0 < spread < 0.03            # references.md: about 1% a year on the borrowed part
    assert correlation >= 0.999
    assert abs(terminal_error) < 0.05
