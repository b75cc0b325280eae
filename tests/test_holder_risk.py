"""lettools.holder_risk against plain numpy: the holder's VaR ratio, simulated holding risk, history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from lettools import (
    HOLDING_RISK_PATHS,
    admissible_days,
    closed_form_gap,
    daily_reset_var,
    historical_lag_share,
    holding_risk,
    holding_risk_curves,
    max_leverage_within_var_limit,
    shortfall_gap_days,
    var_ratio,
)
from lettools.shortfall import shortfall_probabilities


def _plain_var(leverage, sigma, n_days, confidence=0.99):
    """VaR of a daily-reset fund in continuous time, zero drift: ln V ~ N(-L² σ² t / 2, L² σ² t)."""
    t = n_days / 252.0
    z = norm.ppf(1 - confidence)
    return 1.0 - np.exp(-0.5 * leverage**2 * sigma**2 * t + z * abs(leverage) * sigma * np.sqrt(t))


@pytest.mark.parametrize("leverage", [3.0, 2.0, 0.5, -1.0, -2.0, -3.0])
@pytest.mark.parametrize("n_days", [1, 20, 63])
def test_var_ratio_is_the_ratio_of_lognormal_vars(leverage, n_days):
    expected = _plain_var(leverage, 0.25, n_days) / _plain_var(1.0, 0.25, n_days)
    assert var_ratio(leverage, 0.25, n_days) == pytest.approx(expected, rel=1e-9)


def test_max_leverage_reaches_the_limit_exactly():
    leverage = max_leverage_within_var_limit(0.2, 20, limit=2.0)
    assert _plain_var(leverage, 0.2, 20) / _plain_var(1.0, 0.2, 20) == pytest.approx(2.0, abs=1e-8)
    with pytest.raises(ValueError, match="sigma"):
        max_leverage_within_var_limit(0.0, 20)


def _plain_daily_reset_var(leverage, sigma, n_days, confidence=0.99, n_paths=400_000, seed=777):
    """Monte Carlo with plain numpy: daily factor exp(-s²/2 + s Z), fund value prod(max(1 + L (F - 1), 0))."""
    s = sigma / np.sqrt(252.0)
    rng = np.random.default_rng(seed)
    values = np.ones(n_paths)
    for _ in range(n_days):
        factor = np.exp(-0.5 * s * s + s * rng.standard_normal(n_paths))
        values *= np.maximum(1.0 + leverage * (factor - 1.0), 0.0)
    return 1.0 - np.quantile(values, 1.0 - confidence)


def test_daily_reset_var_over_one_day_is_exact():
    s = 0.2 / np.sqrt(252.0)
    down, up = np.expm1(-0.5 * s * s + s * norm.ppf(0.01)), np.expm1(-0.5 * s * s + s * norm.ppf(0.99))
    for leverage in (2.0, 3.0, 0.5):
        assert daily_reset_var(leverage, 0.2, 1) == pytest.approx(-leverage * down, rel=1e-12)
        assert var_ratio(leverage, 0.2, 1, rebalancing="daily") == pytest.approx(leverage, rel=1e-12)
    # inverse funds lose on the index's rise: |L| times the ratio of the upper to the lower tail
    for leverage, expected in ((-1.0, 1.024), (-2.0, 2.048), (-3.0, 3.073)):
        ratio = var_ratio(leverage, 0.2, 1, rebalancing="daily")
        assert ratio == pytest.approx(abs(leverage) * up / -down, rel=1e-12)
        assert round(ratio, 3) == expected


@pytest.mark.parametrize(("leverage", "sigma", "n_days"),
                         [(3.0, 0.2, 20), (-1.0, 0.2, 20), (-3.0, 0.3, 10), (2.0, 0.4, 5), (0.5, 0.2, 20)])
def test_daily_reset_var_matches_plain_monte_carlo(leverage, sigma, n_days):
    # 400,000 paths: the simulated 1% quantile has a relative standard error of about 0.3%
    assert daily_reset_var(leverage, sigma, n_days) == pytest.approx(
        _plain_daily_reset_var(leverage, sigma, n_days), rel=0.01)


def test_daily_reset_var_of_the_index_is_lognormal_and_inputs_are_checked():
    assert daily_reset_var(1.0, 0.25, 40) == pytest.approx(_plain_var(1.0, 0.25, 40), rel=1e-12)
    assert daily_reset_var(0.0, 0.25, 40) == 0.0
    assert daily_reset_var(3.0, 4.0, 30) == 1.0  # days that nearly wipe the fund out are common: a total loss
    for kwargs, name in (({"n_days": 0}, "n_days"), ({"n_days": 2.5}, "n_days"), ({"n_days": 10**6}, "n_days"),
                         ({"sigma": -0.1}, "sigma"), ({"leverage": 1e6}, "leverage"),
                         ({"confidence": 1.0}, "confidence")):
        with pytest.raises((ValueError, TypeError), match=name):
            daily_reset_var(**{"leverage": 3.0, "sigma": 0.2, "n_days": 20, **kwargs})
    with pytest.raises(ValueError, match="rebalancing"):
        var_ratio(3.0, 0.2, 20, rebalancing="weekly")
    with pytest.raises(ValueError, match="n_days"):
        var_ratio(3.0, 0.2, 2.5, rebalancing="daily")
    assert max_leverage_within_var_limit(0.2, 1, rebalancing="daily") == pytest.approx(2.0, abs=1e-6)


def test_holding_risk_is_the_average_of_five_seeded_passes():
    max_days = 12
    passes = [shortfall_probabilities((2.0,), 0.35, max_days, shortfall=0.05, loss=0.2, n_paths=10_000, seed=2009 + b)
              for b in range(5)]
    plain = sum(passes) / 5
    curve = holding_risk(2.0, 0.35, risk="loss", threshold=0.2, max_days=max_days)
    np.testing.assert_array_equal(curve["probability"].to_numpy(), plain[2, 0])
    np.testing.assert_array_equal(holding_risk(2.0, 0.35, risk="lag", max_days=max_days)["probability"], plain[0, 0])
    assert curve["n_days"].tolist() == list(range(1, max_days + 1)) and HOLDING_RISK_PATHS == 50_000
    grid = holding_risk_curves((0.35,), (-3.0, 2.0), max_days=max_days)[0.35][2.0]
    np.testing.assert_array_equal(grid["loss"].to_numpy(), plain[2, 0])  # a leverage's curve ignores the others


def test_holding_risk_on_other_seeds_draws_afresh():
    cached = holding_risk(3.0, 0.2, risk="loss", threshold=0.2, max_days=15)
    again = holding_risk(3.0, 0.2, risk="loss", threshold=0.2, max_days=15, seed=2009)
    np.testing.assert_array_equal(again["probability"], cached["probability"])
    other = holding_risk(3.0, 0.2, risk="loss", threshold=0.2, max_days=15, seed=2014)
    assert not np.array_equal(other["probability"], cached["probability"])
    np.testing.assert_allclose(other["probability"], cached["probability"], atol=0.01)
    with pytest.raises(ValueError, match="seed"):
        holding_risk(3.0, 0.2, max_days=5, seed=-1)
    with pytest.raises(TypeError, match="seed"):
        holding_risk(3.0, 0.2, max_days=5, seed=1.5)


def test_admissible_days_matches_a_loop():
    rng = np.random.default_rng(4)
    for _ in range(20):
        probability = np.sort(rng.uniform(0, 0.3, 15))
        limit = rng.uniform(0, 0.3)
        expected = 0
        for day, p in enumerate(probability, start=1):
            if p > limit:
                break
            expected = day
        curve = pd.DataFrame({"n_days": np.arange(1, 16), "probability": probability})
        assert admissible_days(curve, limit) == expected
    with pytest.raises(TypeError, match="curve"):
        admissible_days([0.1, 0.2], 0.1)


def test_historical_lag_share_matches_a_loop():
    returns = np.random.default_rng(7).normal(0.0003, 0.015, 500)
    for leverage, n_days in ((3.0, 21), (-2.0, 5), (2.0, 1)):
        lags = []
        for start in range(0, len(returns) // n_days * n_days, n_days):
            fund, index = 1.0, 1.0
            for r in returns[start:start + n_days]:
                fund *= max(1 + leverage * r, 0.0)
                index *= 1 + r
            lags.append(fund < 1 + leverage * (index - 1) - 1e-12)
        assert historical_lag_share(returns, leverage, n_days) == np.mean(lags)


def test_closed_form_gap_is_the_largest_distance_from_the_simulation():
    from lettools import prob_fund_loss
    gaps = closed_form_gap(3.0, 0.3, first_day=3, max_days=20)
    simulated = holding_risk(3.0, 0.3, risk="loss", threshold=0.2, max_days=20)["probability"].to_numpy()
    gap = np.abs(np.asarray(prob_fund_loss(3.0, 0.3, np.arange(1.0, 21.0), threshold=0.2)) - simulated)[2:]
    assert gaps.loc["loss", "largest_gap"] == gap.max() and gaps.loc["loss", "on_day"] == 3 + gap.argmax()
    with pytest.raises(ValueError, match="first_day"):
        closed_form_gap(3.0, 0.3, first_day=30, max_days=20)


def _plain_shortfall_curve(leverage, sigma, max_days, shortfall, seed):
    """The simulated chance of trailing 1 + L (S/S0 - 1) by more than ``shortfall``, in plain numpy:
    five passes of 10,000 GBM paths on seeds seed .. seed + 4, the fund floored at zero, averaged."""
    drift, volatility = -0.5 * sigma**2 / 252, sigma / np.sqrt(252)
    total = np.zeros(max_days)
    for batch in range(5):
        normals = np.random.default_rng(seed + batch).standard_normal((10_000, max_days))
        growth = np.exp(drift + volatility * normals)  # the index's gross daily return
        fund = np.cumprod(np.maximum(1.0 + leverage * (growth - 1.0), 0.0), axis=1)
        static = 1.0 + leverage * (np.cumprod(growth, axis=1) - 1.0)
        total += np.mean(fund < static - shortfall, axis=0)
    return total / 5


def _plain_days(closed, simulated, within):
    """The days of shortfall_gap_days by a loop over the signed gap."""
    gap = closed - simulated
    jump = next((d + 1 for d, c in enumerate(closed) if c > 0), 0)
    first_over = next((d + 1 for d, g in enumerate(gap) if g > 0), 0)
    peak = int(np.argmax(gap))
    within_day = 0
    for day in range(peak, len(gap)):  # the first day from which every later |gap| < within
        if all(abs(g) < within for g in gap[day:]):
            within_day = day + 1
            break
    return jump, first_over, float(gap[peak]), peak + 1, within_day


def test_shortfall_gap_days_against_plain_numpy():
    from lettools.holding import prob_shortfall
    max_days = 120
    closed = np.asarray(prob_shortfall(3.0, 0.3, np.arange(1.0, max_days + 1.0), shortfall=0.05))
    plain = _plain_shortfall_curve(3.0, 0.3, max_days, 0.05, 2009)
    simulated = holding_risk(3.0, 0.3, risk="shortfall", threshold=0.05, max_days=max_days)["probability"].to_numpy()
    np.testing.assert_allclose(simulated, plain, atol=1e-4)  # the compiled kernel, path for path
    jump, first_over, peak_gap, peak_day, within_day = _plain_days(closed, plain, 0.01)
    days = shortfall_gap_days(3.0, 0.3, max_days=max_days)
    assert (days["jump_day"], days["first_over_day"], days["peak_day"]) == (jump, first_over, peak_day)
    assert days["peak_gap"] == pytest.approx(peak_gap, abs=1e-4)
    assert abs(days["within_day"] - within_day) <= 1  # a path more or less near the threshold moves it a day
    assert days == _plain_days_dict(closed, simulated)
    # seed s is holding_risk's construction on seeds s .. s + 4: 2009 is the default's simulation
    assert shortfall_gap_days(3.0, 0.3, seed=2009, max_days=max_days) == days
    other = shortfall_gap_days(3.0, 0.3, seed=7, max_days=max_days)
    assert other["jump_day"] == days["jump_day"]  # the closed form does not depend on the draws
    assert other["peak_gap"] != days["peak_gap"]


def _plain_days_dict(closed, simulated):
    jump, first_over, peak_gap, peak_day, within_day = _plain_days(closed, simulated, 0.01)
    return {"jump_day": jump, "first_over_day": first_over, "peak_gap": peak_gap, "peak_day": peak_day,
            "within_day": within_day}


def test_shortfall_gap_days_when_nothing_happens_and_bad_input():
    # no volatility: both chances are zero on every day, so there is no jump and no overshoot
    assert shortfall_gap_days(3.0, 0.0, max_days=30) == {
        "jump_day": 0, "first_over_day": 0, "peak_gap": 0.0, "peak_day": 0, "within_day": 0}
    # too short a horizon for the closed form's bound to pass 5 points
    assert shortfall_gap_days(3.0, 0.3, max_days=20)["jump_day"] == 0
    for kwargs, name in (({"within": 0.0}, "within"), ({"within": 1.5}, "within"), ({"seed": -1}, "seed"),
                         ({"shortfall": -0.1}, "shortfall"), ({"max_days": 0}, "max_days"),
                         ({"sigma": -0.2}, "sigma")):
        with pytest.raises(ValueError, match=name):
            shortfall_gap_days(**{"leverage": 3.0, "sigma": 0.3, "max_days": 30, **kwargs})
    with pytest.raises(TypeError, match="seed"):
        shortfall_gap_days(3.0, 0.3, seed=1.5, max_days=30)
