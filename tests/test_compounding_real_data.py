"""The real-data figures that the chapter "Compounding" quotes on the 3x/-3x pairing, recomputed with plain numpy.

Files in ``../shared/data`` (read in place, never copied; each test skips when its file is absent):

* dividend-adjusted daily closes of TQQQ (3x) and SQQQ (-3x) with the Nasdaq-100 (price index): the paired
  prediction ``ln(1 + R^(-3)) = 2 ln(1 + R^(3)) - 9 ln(1 + R) - 24 sum R_t^3`` over calendar years, without
  and with financing (``+ 8 sum ln(1 + r_t)`` plus the expense ratio, ``2 f - f``);
* Kenneth French's daily T-bill rate: the same financing term over the SEC/FINRA alert's window.

Stored in ``lettools/facts/compounding.json`` under ``pairing_financing``. ``python
tests/test_compounding_real_data.py`` prints the record.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lettools.facts import load


def _shared_data() -> Path:
    """``shared/data`` beside the repository (or beside any folder above it: a git worktree sits deeper)."""
    for folder in Path(__file__).resolve().parents[1].parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


DATA = _shared_data()
FUNDS = DATA / "nasdaq_semis_letf_yahoo_adjclose.csv"
BILLS = DATA / "ff_research_factors_daily_1926_2024_percent.csv.gz"
EXPENSE_RATIO = 0.0095  # TQQQ's and SQQQ's stated expense ratio, a year (the pair's fees net to f)
YEARS = (2018, 2022, 2023)
ALERT_WINDOW = ("2008-12-01", "2009-04-30")


def _bills() -> pd.Series:
    frame = pd.read_csv(BILLS, parse_dates=["Date"]).set_index("Date")
    return frame["RF"] / 100.0


def pairing_year(year: int) -> dict:
    """Actual SQQQ against the paired prediction from TQQQ and the Nasdaq-100 over one calendar year."""
    closes = pd.read_csv(FUNDS, parse_dates=["Date"]).set_index("Date")[["NDX_close", "TQQQ_adj", "SQQQ_adj"]]
    closes = closes.dropna()
    base = closes.loc[: f"{year - 1}-12-31"].iloc[-1]
    year_closes = pd.concat([base.to_frame().T, closes.loc[str(year)]])
    index_daily = year_closes["NDX_close"].pct_change().dropna()
    total = year_closes.iloc[-1] / year_closes.iloc[0] - 1.0
    bills = _bills().reindex(index_daily.index).fillna(0.0)  # a day missing from the factor file earns nothing
    financing = float(np.log1p(bills).sum())
    years_held = index_daily.size / 252.0
    paired = 2.0 * np.log1p(total["TQQQ_adj"]) - 9.0 * np.log1p(total["NDX_close"]) - 24.0 * np.sum(index_daily**3)
    financed = paired + 8.0 * financing + EXPENSE_RATIO * years_held
    return {
        "year": year,
        "days": int(index_daily.size),
        "index": round(float(total["NDX_close"]), 4),
        "tqqq": round(float(total["TQQQ_adj"]), 4),
        "sqqq_actual": round(float(total["SQQQ_adj"]), 4),
        "sqqq_paired": round(float(np.expm1(paired)), 4),
        "sqqq_paired_financed": round(float(np.expm1(financed)), 4),
        "bills_log": round(financing, 4),
    }


def alert_window_bills() -> float:
    """Sum of ln(1 + r_t) over the alert's window, 1 December 2008 to 30 April 2009."""
    return round(float(np.log1p(_bills().loc[ALERT_WINDOW[0]:ALERT_WINDOW[1]]).sum()), 5)


def record() -> dict:
    return {"years": [pairing_year(year) for year in YEARS], "alert_window_bills_log": alert_window_bills()}


@pytest.mark.skipif(not FUNDS.is_file() or not BILLS.is_file(), reason="the fund or T-bill file is not in ../shared/data")
def test_pairing_financing_matches_the_facts_file():
    stored = load("compounding")["pairing_financing"]["value"]
    assert record() == stored


if __name__ == "__main__":
    print(json.dumps(record(), indent=2))
