"""Fuzz every public function of lettools with adversarial values, one parameter at a time.

Each public callable in ``lettools.__all__`` has a good call below. Every parameter of its
signature is replaced in turn by each value of ``FAMILIES`` (NaN, infinities, huge and tiny
numbers, an integer beyond float64, negatives, zero, booleans, strings, None, empty and
wrongly shaped arrays, timedelta64, datetime64, masked arrays, complex numbers, mixed
lists, a DataFrame, a Series holding NaN, boolean arrays, numpy scalars, arbitrary objects,
a random Generator) with the other arguments left good. The outcome must be one of:

* a ``ValueError`` or ``TypeError`` whose message names the parameter, or
* a result with no RuntimeWarning on the way, finite (except where a function documents
  ``inf`` or ``NaN``, listed in ``NONFINITE_OK``), within the function's range
  (``RANGES``), and, when a scalar replaced a scalar, shaped like the good call's result.

Cases that still fail are listed in ``KNOWN`` with the reason; a known case that starts to
pass fails the test too, so that the list shrinks as the engine improves.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import lettools as lt

RETURNS = [0.01, -0.02, 0.005, 0.012]

GOOD: dict[str, dict] = {
    "simulate_fund": {"index_returns": RETURNS, "leverage": 3.0},
    "terminal_value": {"index_returns": RETURNS, "leverage": 3.0},
    "static_leverage_path": {"index_returns": RETURNS, "leverage": 3.0},
    "simulate_outcomes": {"leverage": 3.0, "mu": 0.05, "sigma": 0.2, "n_days": 21, "n_paths": 200, "seed": 1},
    "simulate_outcomes_sigmas": {"leverage": 3.0, "mu": 0.05, "sigmas": [0.1, 0.2], "n_days": 21, "n_paths": 200,
                                 "seed": 1},
    "gbm_returns": {"n_paths": 3, "n_days": 5, "mu": 0.05, "sigma": 0.2, "seed": 1},
    "scenario_returns": {"kind": "choppy", "n_days": 5, "seed": 1},
    "fund_return": {"index_return": 0.1, "sigma": 0.2, "leverage": 3.0},
    "estimated_returns_table": {"leverage": 3.0},
    "log_growth_rate": {"leverage": 3.0, "mu": 0.08, "sigma": 0.2},
    "decay_rate": {"leverage": 3.0, "sigma": 0.2},
    "kelly_leverage": {"mu": 0.08, "sigma": 0.2},
    "cash_breakeven_leverage": {"mu": 0.08, "sigma": 0.2},
    "wipeout_move": {"leverage": 3.0},
    "rebalance_flow": {"assets": 100.0, "leverage": 3.0, "index_return": 0.01},
    "expected_growth_factor": {"leverage": 3.0, "daily_mean": 0.0004, "n_days": 252},
    "realized_variance": {"index_returns": RETURNS},
    "buy_and_hold_gap": {"first_return": 0.1, "second_return": -0.1, "leverage": 3.0},
    "breakeven_return": {"cumulative_return": -0.3},
    "effective_leverage": {"leverage": 3.0, "index_return": 0.03},
    "flow_adjusted_trade": {"assets": 100.0, "leverage": 3.0, "index_return": 0.01, "net_flow": 5.0},
    "offsetting_flow_share": {"leverage": 3.0, "index_return": -0.03},
    "yardstick_decomposition": {"index_returns": RETURNS, "leverage": 3.0},
    "rebalancing_trade_pnl": {"index_returns": RETURNS, "leverage": 3.0},
    "growth_decomposition": {"leverage": 3.0, "mu": 0.08, "sigma": 0.2},
    "excess_drift_to_outgrow": {"leverage": 3.0, "reference": 1.0, "sigma": 0.2},
    "monthly_fund_moments": {"leverage": 3.0, "monthly_mean": 0.01, "monthly_sd": 0.05},
    "implied_volatility": {"index_return": 0.1, "fund_return": 0.2, "leverage": 3.0},
    "financing_cost": {"assets": 100.0, "leverage": 3.0, "rate": 0.05},
    "cost_breakdown": {"leverage": 3.0, "rate": 0.05, "expense_ratio": 0.0095},
    "cost_over_horizon": {"drag": 0.05, "years": 2.0},
    "fund_year_pnl": {
        "assets": 100.0, "leverage": 3.0, "index_return": 0.1, "rate": 0.05,
        "transaction_cost_rate": 0.001, "expense_ratio": 0.0095,
    },
    "diy_leverage_cost": {"leverage": 2.0, "borrow_rate": 0.06},
    "rebalance_trading_cost": {"assets": 100.0, "leverage": 3.0, "index_return": 0.01, "trading_cost": 0.0002},
    "tracking_and_divergence": {"returns": RETURNS, "leverage": 3.0, "rate": 0.02, "expense_ratio": 0.0091},
    "tracking_summary": {"frame": lt.tracking_and_divergence(RETURNS, 3.0)},
    "margin_leverage_cap": {"initial_margin": 0.5},
    "margin_call_fall": {"leverage": 2.0, "maintenance_margin": 0.25},
    "leveraged_etf_maintenance_margin": {"fund_leverage": 3.0, "base_margin": 0.25},
    "round_trip_drag": {"quoted_spread": 0.001, "holding_days": 21.0},
    "implied_spreads": {"lags": {"X": {"leverage": 3.0, "lag": 0.012, "distributions": 0.001,
                                       "lag_adjusted": 0.013, "expense_ratio": 0.009}}},
    "swap_notional_spreads": {"lags": {"X": 0.012}, "leverages": {"X": 3.0}, "stock_shares": {"X": 0.6}},
    "fee_table": {"management_fee": 0.0075, "other_expenses": 0.0041, "fee_waiver": 0.0021},
    "drag_profile": {"leverage": 3.0, "rate": 0.04, "spread": 0.005, "expense_ratio": 0.0095,
                     "trading_cost": 0.0002},
    "drag_profile_grid": {"settings": pd.DataFrame({"leverage": [3.0, -1.0], "rate": [0.04, 0.08],
                                                    "spread": [0.005, 0.0], "expense_ratio": [0.0095, 0.0095],
                                                    "trading_cost": [0.0, 0.0002]})},
    "aggregate_rebalance_flow": {"assets": [100.0, 50.0], "leverages": [3.0, -3.0], "index_return": 0.01},
    "rebalance_sign_table": {},
    "feedback_gain": {"assets": [100.0, 50.0], "leverages": [3.0, -3.0], "depth": 1e5},
    "amplification": {"gain": 0.3},
    "instability_assets": {"leverages": [3.0, -3.0], "depth": 1e5},
    "simulate_feedback": {"shock": -0.05, "long_assets": 1e9, "inverse_assets": 1e8, "depth": 1e11},
    "simulate_reflexive_market": {"index_returns": RETURNS, "fund_assets": [1e9, 1e8], "leverages": [3.0, -3.0],
                                  "depth": 1e11},
    "flow_share_of_volume": {"flow": 1e8, "closing_volume": 1e9},
    "load_index": {"name": "sp500"},
    "load_vix": {},
    "index_returns": {"name": "sp500", "start": "2008-01-01", "end": "2008-03-31"},
    "prob_lag_static": {"leverage": 3.0, "sigma": 0.2, "n_days": 21},
    "prob_fund_loss": {"leverage": 3.0, "sigma": 0.2, "n_days": 21},
    "fund_value_at_risk": {"leverage": 3.0, "sigma": 0.2, "n_days": 21},
    "admissible_horizon": {"leverage": 3.0, "sigma": 0.2, "max_probability": 0.6, "max_days": 60},
    "simulate_holding_risk": {"leverage": 3.0, "sigma": 0.2, "max_days": 5, "n_paths": 200},
    "simulate_shortfall_curves": {"leverage": 3.0, "sigma": 0.2, "max_days": 5, "n_paths": 200},
    "simulate_shortfall_curves_grid": {"leverages": [2.0, -3.0], "sigma": 0.2, "max_days": 5, "n_paths": 200},
    "paired_fund_return": {"index_return": 0.08, "fund_return_observed": -0.53, "leverage": 3.0,
                           "other_leverage": -3.0},
    "alert_sensitivity": {"index_return": 0.08, "fund_return_observed": -0.53, "years": 0.4},
    "market_moments": {"total_returns": RETURNS, "risk_free": [0.0001] * 4,
                       "dates": np.array(["2008-01-30", "2008-01-31", "2008-02-01", "2008-02-04"],
                                         dtype="datetime64[D]")},
    "calibrated_inputs": {"period": "2008"},
    "daily_reset_log_moments": {"leverage": 3.0, "mu": 0.08, "sigma": 0.2},
    "bank_borrowing_leverage": {"asset_coverage": 3.0},
    "worst_days_table": {"index_returns": RETURNS, "leverages": [2.0, 3.0], "n": 2},
    "day_by_day": {"index_returns": RETURNS, "leverage": 3.0, "assets": 100.0},
    "balance_sheet": {"leverage": 3.0, "index_return": 0.02, "assets": 100.0, "futures_share": 0.25},
    "acceleration_move": {"leverage": -1.0, "floor": 0.2},
    "log_shortfall": {"index_returns": RETURNS, "leverage": 3.0},
    "yearly_decay": {"index_returns": pd.Series(RETURNS, index=pd.bdate_range("2008-12-30", periods=4)),
                     "leverage": 2.0},
    "conditioned_returns": {"index_return": 0.1, "sigma": 0.3, "n_paths": 3, "n_days": 10, "seed": 1},
    "simulated_returns_table": {"leverage": 3.0, "index_returns": [0.0, 0.1], "sigmas": [0.3],
                                "n_paths": 5, "n_days": 10, "seed": 1},
    "cell_spread": {"leverage": 3.0, "index_return": 0.0, "sigma": 0.5, "n_paths": 20, "seed": 1},
    "rolling_volatility": {"index_returns": pd.Series(RETURNS, index=pd.bdate_range("2008-12-30", periods=4)),
                           "window": 2},
    "shortfall_sample": {"leverages": [2.0, -1.0], "sigmas": [0.2], "paths_per_sigma": 3, "n_days": 10,
                         "seed": 1},
    "elementary_symmetric_sums": {"index_returns": RETURNS},
    "gap_decomposition": {"index_returns": RETURNS, "leverage": 3.0},
    "gbm_mean_median": {"leverage": 3.0, "mu": 0.08, "sigma": 0.2, "years": 1.0},
    "gbm_mean_standard_error": {"leverage": 3.0, "mu": 0.08, "sigma": 0.2, "years": 1.0, "n_paths": 1000},
    "divergence_path": {"index_total": 0.08, "fund_total": -0.2, "leverage": 3.0, "n_days": 20, "seed": 1},
    "divergence_summary": {"index_returns": RETURNS, "leverage": 3.0},
    "monthly_distribution": {"leverage": 2.0, "monthly_mean": 0.009, "monthly_sd": 0.045, "n_days": 21,
                             "n_paths": 200, "seed": 1},
    "monthly_median_gap": {"leverage": 2.0, "monthly_mean": 0.009, "monthly_sd": 0.045, "n_days": 21,
                           "n_paths": 200, "seed": 1, "n_resamples": 5, "resample_seed": 2},
    "value_paths": {"index_returns": RETURNS, "leverage": 3.0, "start": 100.0},
    "lag_frequency": {"leverage": 3.0, "sigmas": [0.2], "horizons": [5], "n_paths": 50, "seed": 1},
    "fixed_point_move": {"shock": -0.03, "assets": [20.0, 5.0], "leverages": [3.0, -3.0], "depth": 400.0},
    "halving_ratio": {"gain": 0.2},
    "backcast_assets": {"assets": [9.0, 1.0, 12.0], "leverages": [2.0, -1.0, -2.0], "index_returns": [0.01, -0.03]},
    "restate_calibration": {"flow_per_pct": 6.9, "base_assets": 200.0, "depth_per_pct": [163.0, 98.0, 61.0],
                            "base_level": 4770.0, "assets": [200.0, 160.5], "levels": [6849.0, 6849.0],
                            "reference_level": 5671.0, "benchmark_per_pct": 5.0},
    "reflexive_market_summary": {"market": lt.simulate_reflexive_market(RETURNS, fund_assets=[100.0, 30.0],
                                                                         leverages=[3.0, -3.0], depth=1e4)},
    "var_ratio": {"leverage": 3.0, "sigma": 0.2, "n_days": 20},
    "max_leverage_within_var_limit": {"sigma": 0.2, "n_days": 20},
    "daily_reset_var": {"leverage": 3.0, "sigma": 0.2, "n_days": 20},
    "holding_risk_curves": {"sigmas": [0.2], "leverages": [3.0], "max_days": 5},
    "holding_risk": {"leverage": 3.0, "sigma": 0.2, "risk": "loss", "threshold": 0.2, "max_days": 5},
    "admissible_days": {"curve": pd.DataFrame({"n_days": [1, 2, 3], "probability": [0.01, 0.04, 0.08]}),
                        "limit": 0.05},
    "closed_form_gap": {"leverage": 3.0, "sigma": 0.2, "first_day": 2, "max_days": 5},
    "shortfall_gap_days": {"leverage": 3.0, "sigma": 0.3, "max_days": 60},
    "historical_lag_share": {"index_returns": RETURNS, "leverage": 2.0, "n_days": 2},
}

_GOOD_OUTCOMES = lt.simulate_outcomes(3.0, 0.05, 0.2, 21, n_paths=50, seed=1)
GOOD["OutcomeSimulation"] = {
    field.name: getattr(_GOOD_OUTCOMES, field.name) for field in dataclasses.fields(lt.OutcomeSimulation)
}

FAMILIES = {
    "nan": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "huge": 1e300,
    "-huge": -1e300,
    "tiny": 1e-300,
    "int-beyond-float64": 10**400,
    "negative": -1.0,
    "big-negative-int": -(10**6),
    "zero": 0,
    "bool": True,
    "string": "0.1",
    "none": None,
    "empty": np.array([]),
    "3-d": np.full((2, 2, 2), 0.01),
    "ragged": [[0.01], [0.01, 0.02]],
    "mismatched-vector": np.array([0.01, 0.02, 0.03]),
    "timedelta": np.array([1, 2], dtype="timedelta64[D]"),
    "datetime": np.datetime64("2008-01-02"),
    "masked": np.ma.array([0.01, 0.02], mask=[0, 1]),
    "complex": 1 + 1j,
    "mixed-list": [0.01, "a"],
    "dataframe": pd.DataFrame(np.full((3, 2), 0.01)),
    "series-with-nan": pd.Series([0.01, np.nan]),
    "bool-array": np.array([True, False]),
    "nested-empty": [[]],
    "int64-huge": np.int64(2**62),
    "float32-max": np.float32(3e38),
    "object": object(),
    "generator": np.random.default_rng(0),
}

# Results a function documents as possibly infinite or NaN.
NONFINITE_OK = {
    "halving_ratio": "inf once 2 gain >= 1 (the halved depth has no fixed point)",
    "amplification": "inf where gain >= 1 (no finite resting point)",
    "restate_calibration": "amplification is inf where a restated gain is 1 or more (no finite resting point)",
    "instability_assets": "inf where the funds' trades do not reinforce moves",
    "feedback_gain": "0 or inf with a depth of inf or a tiny one: documented math.inf depth",
    "effective_leverage": "NaN where the position is wiped out (1 + L R <= 0)",
    "implied_volatility": "NaN where the fund beat the no-decay value",
    "yardstick_decomposition": "log_convexity_gain is inf where 1 + L R <= 0",
    "log_shortfall": "inf where the fund is wiped out (1 + L R <= 0 on some day)",
    "yearly_decay": "variance_cost is inf in a year where the fund is wiped out",
    "shortfall_sample": "variance_cost is inf on a path that wipes the fund out",
    "monthly_distribution": "median_se is NaN unless n_paths is a multiple of 20",
}

# Where a result must lie (checked on every numeric value of the result).
RANGES = {
    "simulate_fund": (0.0, math.inf),
    "terminal_value": (0.0, math.inf),
    "static_leverage_path": (0.0, math.inf),
    "gbm_returns": (-1.0, math.inf),
    "scenario_returns": (-1.0, math.inf),
    "fund_return": (-1.0, math.inf),
    "breakeven_return": (-1.0, math.inf),
    "expected_growth_factor": (0.0, math.inf),
    "realized_variance": (0.0, math.inf),
    "prob_lag_static": (0.0, 1.0),
    "prob_fund_loss": (0.0, 1.0),
    "fund_value_at_risk": (-math.inf, 1.0),
    "daily_reset_var": (-math.inf, 1.0),
    "simulate_holding_risk": (0.0, 1.0),
    "cost_over_horizon": (-math.inf, 1.0),
    "flow_share_of_volume": (0.0, math.inf),
    "admissible_horizon": (0.0, math.inf),
    "simulate_shortfall_curves": (0.0, 1.0),
    "simulate_shortfall_curves_grid": (0.0, 1.0),
    "paired_fund_return": (-1.0, math.inf),
    "alert_sensitivity": (-1.0, math.inf),
    "bank_borrowing_leverage": (1.0, math.inf),
    "conditioned_returns": (-1.0, math.inf),
    "simulated_returns_table": (-1.0, math.inf),
    "gbm_mean_median": (0.0, math.inf),
    "rolling_volatility": (0.0, math.inf),
    "value_paths": (0.0, math.inf),
    "gbm_mean_standard_error": (0.0, math.inf),
    "divergence_path": (-1.0, math.inf),
    "holding_risk_curves": (0.0, 1.0),
    "holding_risk": (0.0, math.inf),
    "shortfall_gap_days": (0.0, math.inf),
    "historical_lag_share": (0.0, 1.0),
    "rebalance_trading_cost": (0.0, math.inf),
    "margin_leverage_cap": (1.0, math.inf),
    "margin_call_fall": (0.0, 1.0),
    "leveraged_etf_maintenance_margin": (0.0, 1.0),
    "round_trip_drag": (0.0, math.inf),
}

# (function, parameter, family) cases that still fail, with the reason. Keep it short.
KNOWN: dict[tuple[str, str, str], str] = {}


def _callables():
    for name in lt.__all__:
        obj = getattr(lt, name)
        if callable(obj):
            yield name, obj


def _numbers(result):
    """Every numeric value in ``result``, flattened to one float array."""
    if isinstance(result, lt.OutcomeSimulation):
        return np.concatenate([result.fund, result.static])
    if isinstance(result, list) and all(isinstance(item, lt.OutcomeSimulation) for item in result):
        return np.concatenate([_numbers(item) for item in result])
    if isinstance(result, tuple):
        parts = [_numbers(v) for v in result]
        return np.concatenate(parts) if parts else np.array([])
    if isinstance(result, dict):
        parts = [_numbers(v) for v in result.values()]
        return np.concatenate(parts) if parts else np.array([])
    if isinstance(result, pd.DataFrame):
        numeric = result.select_dtypes(include="number")
        return numeric.to_numpy(dtype=float).ravel()
    if isinstance(result, pd.Series):
        return result.to_numpy(dtype=float) if pd.api.types.is_numeric_dtype(result) else np.array([])
    if isinstance(result, (bool, np.bool_)):
        return np.array([float(result)])
    return np.asarray(result, dtype=float).ravel()


def _shape(result):
    if isinstance(result, pd.DataFrame) and result.attrs:  # a simulation that may stop early
        return ("DataFrame", tuple(result.columns))
    if isinstance(result, (pd.DataFrame, pd.Series, np.ndarray)):
        return (type(result).__name__, result.shape)
    if isinstance(result, tuple):
        return ("tuple", tuple(_shape(v) for v in result))
    if isinstance(result, dict):
        return ("dict", tuple(sorted(result)), tuple(_shape(v) for _, v in sorted(result.items())))
    return (type(result).__name__, ())


def _call(function, arguments):
    signature = inspect.signature(function)
    args, kwargs, positional = [], {}, True
    for parameter in signature.parameters.values():
        if parameter.name not in arguments:
            positional = False  # left at its default: the rest go by keyword
            continue
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD) and positional:
            args.append(arguments[parameter.name])
        else:
            kwargs[parameter.name] = arguments[parameter.name]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return function(*args, **kwargs)


def _check(name, function, parameter, family, value, good_result) -> str | None:
    """None when the outcome is acceptable, else what is wrong."""
    arguments = {**GOOD[name], parameter: value}
    try:
        result = _call(function, arguments)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        if re.search(rf"(?<![A-Za-z_]){re.escape(parameter)}(?![A-Za-z_])", message):
            return None
        return f"{type(exc).__name__} not naming {parameter}: {message[:160]}"
    except Exception as exc:  # noqa: BLE001 (anything else is a failure to report)
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    numbers = _numbers(result)
    if name not in NONFINITE_OK and not np.all(np.isfinite(numbers)):
        return f"non-finite result {numbers[~np.isfinite(numbers)][:3]}"
    low, high = RANGES.get(name, (-math.inf, math.inf))
    finite = numbers[np.isfinite(numbers)]
    if finite.size and (finite.min() < low or finite.max() > high):
        return f"result outside [{low}, {high}]: {finite.min()}..{finite.max()}"
    good_value = GOOD[name].get(parameter)
    scalar = (int, float)
    if (isinstance(value, scalar) and not isinstance(value, bool) and isinstance(good_value, scalar)
            and _shape(result) != _shape(good_result)):
        return f"shape {_shape(result)} instead of {_shape(good_result)}"
    return None


def _cases():
    for name, function in _callables():
        parameters = [p for p in inspect.signature(function).parameters if p != "self"]
        for parameter in parameters:
            for family in FAMILIES:
                yield name, function, parameter, family


def test_every_public_callable_has_a_good_call():
    missing = [name for name, _ in _callables() if name not in GOOD]
    assert not missing, f"add a good call to GOOD for {missing}"


def test_known_cases_still_exist():
    names = dict(_callables())
    for name, parameter, family in KNOWN:
        assert name in names and parameter in inspect.signature(names[name]).parameters and family in FAMILIES


def _run(families) -> int:
    good_results = {name: _call(function, GOOD[name]) for name, function in _callables()}
    failures, fixed = [], []
    count = 0
    for name, function, parameter, family in _cases():
        if family not in families:
            continue
        count += 1
        problem = _check(name, function, parameter, family, FAMILIES[family], good_results[name])
        key = (name, parameter, family)
        if problem is None and key in KNOWN:
            fixed.append(key)
        elif problem is not None and key not in KNOWN:
            failures.append(f"{name}({parameter}={family}): {problem}")
    assert not fixed, f"these KNOWN cases now pass; remove them from KNOWN: {fixed}"
    assert not failures, f"{len(failures)} of {count} calls failed:\n" + "\n".join(failures)
    return count


def test_fuzz_quick():
    """A few families on every parameter, for the fast suite."""
    assert _run({"nan", "int-beyond-float64", "timedelta", "masked", "string"}) > 1000


@pytest.mark.slow
def test_fuzz_every_public_function():
    assert _run(set(FAMILIES)) > 5000


def _numeric_parameters(name):
    """Parameters whose good value is a real number (they may take arrays that broadcast)."""
    return [
        parameter for parameter, value in GOOD[name].items()
        if isinstance(value, (int, float)) and not isinstance(value, bool)
    ]


def test_mismatched_shapes_name_both_parameters():
    """Two numeric parameters given arrays of lengths 2 and 3: refused naming both, or a finite result."""
    failures, count = [], 0
    for name, function in _callables():
        parameters = _numeric_parameters(name)
        for first, second in [(a, b) for a in parameters for b in parameters if a < b]:
            count += 1
            arguments = {**GOOD[name], first: [GOOD[name][first]] * 2, second: [GOOD[name][second]] * 3}
            try:
                result = _call(function, arguments)
            except (ValueError, TypeError) as exc:
                message = str(exc)
                named = [p for p in (first, second) if re.search(rf"(?<![A-Za-z_]){p}(?![A-Za-z_])", message)]
                mentions_shapes = "broadcast" in message or "shape" in message or "one value per" in message
                if len(named) < (2 if mentions_shapes else 1):
                    failures.append(f"{name}({first}, {second}): {type(exc).__name__}: {message[:160]}")
                continue
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{name}({first}, {second}): {type(exc).__name__}: {str(exc)[:160]}")
                continue
            if name not in NONFINITE_OK and not np.all(np.isfinite(_numbers(result))):
                failures.append(f"{name}({first}, {second}): non-finite result")
    assert count > 100
    assert not failures, f"{len(failures)} of {count} pairs failed:\n" + "\n".join(failures)
