"""The summary figures that the chapter "Volatility decay" quotes from real data, recomputed with plain numpy.

Two files in ``../shared/data`` (read in place, never copied; each test skips when its file is absent):

* Kenneth French's daily research factors: the calibrated drift, volatility and bill rate of the US stock
  market (``Mkt-RF + RF``) over two periods, stored in ``lettools/facts/decay.json`` under
  ``us_market_<first>_<last>``;
* ProShares' daily NAVs of SSO (2x) and UPRO (3x) with the S&P 500 total-return index and the T-bill
  rate: the Avellaneda-Zhang relation checked quarter by quarter, stored under ``az_real_<fund>``.

Run with ``-s`` to print the figures; ``python tests/test_decay_real_data.py`` prints the JSON records.
"""

from __future__ import annotations

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
FACTORS = DATA / "ff_research_factors_daily_1926_2024_percent.csv.gz"
FUNDS_FILE = DATA / "sp500_sso_upro_nav_spxtr_rf.csv"
VIX_FILE = DATA / "vix_daily_cboe_1990_2026.csv"
NEWEY_WEST_LAGS = 4  # a year of quarters, for the autocorrelation-robust standard error of the ratio

#: Calibration periods: fact key -> (first day, last day).
PERIODS = {"us_market_1926_2024": ("1926-07-01", "2024-12-31"), "us_market_1999_2018": ("1999-01-01", "2018-12-31")}

#: Funds checked: fact key -> (NAV column, leverage, expense ratio, first quarter end used as the base).
#: Both start after UPRO's launch: NAV per share does not add back distributions, and SSO's year-end
#: quarters of 2006 and 2007 each fall about 4.5% short of its daily model (most likely distributions),
#: which would swamp what the check measures.
FUNDS = {
    "az_real_sso": ("SSO_NAV", 2.0, 0.0089, "2009-06-30"),
    "az_real_upro": ("UPRO_NAV", 3.0, 0.0091, "2009-06-30"),
}
LAST_DAY = "2024-12-31"  # the T-bill rate ends here


def calibrate(first: str, last: str) -> dict:
    """Annual drift, volatility and bill rate of the market over [first, last], from the daily factors.

    Daily sums are annualised by the period's length in calendar years (before 1953 the exchange also
    traded on Saturdays, so a fixed 252 days a year would overstate the early years' variance and drift).
    """
    frame = pd.read_csv(FACTORS, parse_dates=["Date"]).set_index("Date").loc[first:last] / 100.0
    market = (frame["Mkt-RF"] + frame["RF"]).to_numpy()
    bill = frame["RF"].to_numpy()
    years = ((frame.index[-1] - frame.index[0]).days + 1) / 365.25
    mu = market.sum() / years
    sigma = np.sqrt(np.sum((market - market.mean()) ** 2) / years)
    rate = bill.sum() / years
    excess = market - bill
    excess_se = np.std(excess, ddof=1) * np.sqrt(excess.size) / years  # of the annual mean excess return
    return {
        "first": str(frame.index[0].date()),
        "last": str(frame.index[-1].date()),
        "trading_days": int(market.size),
        "years": round(years, 2),
        "drift_mu": round(float(mu), 4),
        "volatility_sigma": round(float(sigma), 4),
        "bill_rate_r": round(float(rate), 4),
        "excess_drift_standard_error": round(float(excess_se), 4),
    }


def quarterly_misses(column: str, leverage: float, expense_ratio: float, base: str) -> tuple[dict, dict]:
    """Each calendar quarter's real log growth against three predictions, all with the same carry.

    Carry: the bill rate on the borrowed part and the expense ratio, ``sum[(1 - L) r_t - f / 252]``. The
    predictions of the fund's log growth: Avellaneda-Zhang, ``L ln(S_T/S_0) + carry - (L^2 - L)/2 sum R_t^2``;
    the no-decay value, the same without the variance term; the target, ``ln(1 + L R) + carry``. Also the
    daily model itself, ``sum ln(1 + L R_t + (1 - L) r_t - f/252)``, whose gap to Avellaneda-Zhang is what
    discrete daily resets add (the higher-order terms). Errors are real minus predicted, in log points.
    Also: the exact daily model's mean miss, on NAV and with the distributions added back (the NAV gaps on
    the ex-dates in ``lettools/facts/costs.json``, measured as the chapter on costs measures them); and the
    spread of the misses of a fixed-variance forecast (the sample's mean squared daily return every day);
    and two real forecasts of the quarter's variance, known at its start: the previous quarter's realised
    variance per day times the quarter's days, and the VIX at the previous quarter's last close, squared,
    times days/252 (the spread of their misses, and the VIX forecast's mean miss).
    Returns the summary record and the two series of exact-model misses, one value a quarter.
    """
    frame = pd.read_csv(FUNDS_FILE, parse_dates=["Date"]).set_index("Date").sort_index()
    # Forecasts known at each quarter's start: the previous quarter's mean squared daily index return,
    # and the VIX (percent a year) at the previous quarter's last close.
    index_daily = frame["SPXTR_close"].dropna().pct_change().dropna()
    per_day_variance = (index_daily**2).groupby(index_daily.index.to_period("Q")).mean()
    vix = pd.read_csv(VIX_FILE, parse_dates=["DATE"]).set_index("DATE")["CLOSE"].sort_index()
    vix_quarter_end = vix.groupby(vix.index.to_period("Q")).last()
    frame["bill_accrued"] = frame["RF_daily"].fillna(0.0).cumsum()  # interest accrues on every row
    frame = frame.loc[base:LAST_DAY].dropna(subset=[column, "SPXTR_close", "RF_daily"])
    # Distributions, measured as the chapter on costs measures them: on each listed ex-date, the day's
    # shortfall against the daily model beyond the fund's median daily shortfall, clipped at zero.
    index_all = frame["SPXTR_close"].pct_change()
    bill_all = frame["bill_accrued"].diff()
    shortfall = leverage * index_all + (1.0 - leverage) * bill_all - expense_ratio / 252.0 - frame[column].pct_change()
    ex_dates = pd.DatetimeIndex(load("costs")["distribution_ex_dates"]["value"])
    gap = (shortfall - shortfall.median()).clip(lower=0.0).where(frame.index.isin(ex_dates), 0.0).fillna(0.0)
    quarter = frame.index.to_period("Q")
    ends = frame.groupby(quarter).tail(1)  # the last close of each quarter, the base first
    errors = {"avellaneda_zhang": [], "no_decay": [], "target": [], "exact": [], "exact_adjusted": []}
    discrete, labels, squares, days, without_variance = [], [], [], [], []
    lagged_variance, vix_variance = [], []
    for start, end in zip(ends.index[:-1], ends.index[1:], strict=True):
        window = frame.loc[start:end]
        returns = window["SPXTR_close"].pct_change().to_numpy()[1:]
        bill = np.diff(window["bill_accrued"].to_numpy())
        nav = window[column].to_numpy()
        real = np.log(nav[-1] / nav[0])
        carry = np.sum((1.0 - leverage) * bill - expense_ratio / 252.0)
        index_log = np.sum(np.log1p(returns))
        variance_cost = (leverage**2 - leverage) / 2.0 * np.sum(returns**2)
        az = leverage * index_log + carry - variance_cost
        daily = np.sum(np.log1p(leverage * returns + (1.0 - leverage) * bill - expense_ratio / 252.0))
        real_adjusted = np.sum(np.log1p(np.diff(nav) / nav[:-1] + gap.loc[window.index].to_numpy()[1:]))
        errors["avellaneda_zhang"].append(real - az)
        errors["no_decay"].append(real - (leverage * index_log + carry))
        errors["target"].append(real - (np.log1p(leverage * np.expm1(index_log)) + carry))
        errors["exact"].append(real - daily)
        errors["exact_adjusted"].append(real_adjusted - daily)
        discrete.append(az - daily)
        labels.append(str(end.to_period("Q")))
        squares.append(np.sum(returns**2))
        days.append(returns.size)
        without_variance.append(real - (leverage * index_log + carry))
        previous = start.to_period("Q")  # the quarter that ends at this window's base close
        lagged_variance.append(per_day_variance.loc[previous] * returns.size)
        vix_variance.append((vix_quarter_end.loc[previous] / 100.0) ** 2 * returns.size / 252.0)
    az_errors = np.asarray(errors["avellaneda_zhang"])
    worst = int(np.argmax(np.abs(discrete)))
    # A fixed-variance forecast: the sample's mean squared daily return on every day, not the quarter's own.
    fixed = np.asarray(without_variance) + (leverage**2 - leverage) / 2.0 * np.sum(squares) / np.sum(days) * np.asarray(days)
    half = (leverage**2 - leverage) / 2.0
    lagged = np.asarray(without_variance) + half * np.asarray(lagged_variance)
    implied = np.asarray(without_variance) + half * np.asarray(vix_variance)
    quarters = len(labels)
    return {
        "leverage": leverage,
        "expense_ratio": expense_ratio,
        "first_quarter": labels[0],
        "last_quarter": labels[-1],
        "quarters": len(labels),
        "mean_error_avellaneda_zhang": round(float(az_errors.mean()), 5),
        "sd_error_avellaneda_zhang": round(float(az_errors.std(ddof=1)), 5),
        "sd_error_no_decay": round(float(np.std(errors["no_decay"], ddof=1)), 5),
        "sd_error_target": round(float(np.std(errors["target"], ddof=1)), 5),
        "largest_discrete_reset_term": round(float(discrete[worst]), 5),
        "largest_discrete_reset_quarter": labels[worst],
        "sd_error_fixed_variance": round(float(np.std(fixed, ddof=1)), 5),
        "mean_higher_order_terms": round(float(np.mean(discrete)), 5),
        "mean_error_exact": round(float(np.mean(errors["exact"])), 5),
        "distributions_per_quarter": round(float(gap.iloc[1:].sum() / quarters), 5),
        "mean_error_exact_distributions_added": round(float(np.mean(errors["exact_adjusted"])), 5),
        "sd_error_lagged_variance": round(float(np.std(lagged, ddof=1)), 5),
        "sd_error_vix_forecast": round(float(np.std(implied, ddof=1)), 5),
        "mean_error_vix_forecast": round(float(np.mean(implied)), 5),
    }, {key: np.asarray(errors[key]) for key in ("exact", "exact_adjusted")}


def quarterly_check(column: str, leverage: float, expense_ratio: float, base: str) -> dict:
    """The summary record of :func:`quarterly_misses` (what ``lettools/facts/decay.json`` stores)."""
    return quarterly_misses(column, leverage, expense_ratio, base)[0]


def miss_ratio() -> dict:
    """SSO's mean quarterly miss of the exact daily model over UPRO's, on NAV and with distributions added.

    A cost charged on ``k`` times the assets predicts the ratio ``k_SSO / k_UPRO``: 2/3 for a spread on the
    whole notional ``|L|``, 1/2 for one on the borrowed part ``L - 1``, 1/3 for trading costs ``L^2 - L``.
    The standard error treats the 62 quarters as independent pairs (the two funds share each quarter):
    the ratio estimator's residual ``x - ratio * y``, its standard error over the mean of ``y``. A second,
    Newey-West standard error (Bartlett weights, ``NEWEY_WEST_LAGS`` quarters) allows for the residual's
    autocorrelation: the exact model's misses move with the rate level from quarter to quarter.
    """
    sso = quarterly_misses(*FUNDS["az_real_sso"])[1]
    upro = quarterly_misses(*FUNDS["az_real_upro"])[1]
    record = {}
    for key, name in (("exact", "nav"), ("exact_adjusted", "distributions_added")):
        x, y = sso[key], upro[key]
        ratio = x.mean() / y.mean()
        residual = x - ratio * y
        se = np.std(residual, ddof=1) / np.sqrt(x.size) / abs(y.mean())
        centred = residual - residual.mean()
        long_run = np.sum(centred**2) / x.size
        for lag in range(1, NEWEY_WEST_LAGS + 1):
            long_run += 2.0 * (1.0 - lag / (NEWEY_WEST_LAGS + 1)) * np.sum(centred[lag:] * centred[:-lag]) / x.size
        se_nw = np.sqrt(long_run / x.size) / abs(y.mean())
        record[f"ratio_{name}"] = round(float(ratio), 3)
        record[f"ratio_{name}_standard_error"] = round(float(se), 3)
        record[f"ratio_{name}_standard_error_newey_west"] = round(float(se_nw), 3)
    return record


needs_factors = pytest.mark.skipif(not FACTORS.exists(), reason=f"French factors not found at {FACTORS}")
needs_funds = pytest.mark.skipif(not FUNDS_FILE.exists() or not VIX_FILE.exists(),
                                 reason=f"real fund data or the VIX not found at {FUNDS_FILE.parent}")


@needs_factors
@pytest.mark.parametrize("key", sorted(PERIODS))
def test_the_chapter_quotes_the_calibrated_market(key):
    computed = calibrate(*PERIODS[key])
    print(f"\n{key}: {computed}")
    assert load("decay")[key]["value"] == computed


@needs_funds
@pytest.mark.parametrize("key", sorted(FUNDS))
def test_the_chapter_quotes_the_real_fund_check(key):
    computed = quarterly_check(*FUNDS[key])
    print(f"\n{key}: {computed}")
    assert load("decay")[key]["value"] == computed
    # The relation explains the quarters far better than either yardstick without the variance term.
    assert computed["sd_error_avellaneda_zhang"] < computed["sd_error_no_decay"] / 2
    assert computed["sd_error_avellaneda_zhang"] < computed["sd_error_target"]
    # Realised variance, not a fixed forecast of it, is what the relation needs.
    assert computed["sd_error_avellaneda_zhang"] < computed["sd_error_fixed_variance"] / 2
    # Forecasts known at the quarter's start do worse than charging no variance at all.
    assert computed["sd_error_lagged_variance"] > computed["sd_error_no_decay"]
    assert computed["sd_error_vix_forecast"] > computed["sd_error_no_decay"]


@needs_funds
def test_the_chapter_quotes_the_ratio_of_the_two_funds_misses():
    computed = miss_ratio()
    print(f"\naz_real_sso_over_upro: {computed}")
    assert load("decay")["az_real_sso_over_upro"]["value"] == computed


if __name__ == "__main__":  # print the records, to paste into lettools/facts/decay.json
    import json

    print(json.dumps({key: calibrate(*period) for key, period in PERIODS.items()}, indent=2))
    print(json.dumps({key: quarterly_check(*spec) for key, spec in FUNDS.items()}, indent=2))
    print(json.dumps(miss_ratio(), indent=2))
