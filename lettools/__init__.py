"""lettools: models of leveraged and inverse ETFs, behind the book *The Daily Reset*.

Conventions: returns are simple decimals (0.01 is 1%); rates, fees and
volatilities are annual decimals; a year has ``periods_per_year`` trading days
(252 by default). Bad input raises a ValueError or TypeError naming the parameter;
counts (paths, days, rounds, periods per year) have upper bounds, listed in
``lettools._validation.COUNT_LIMITS``.
"""

__version__ = "0.1.0"

from .alerts import alert_sensitivity, paired_fund_return
from .calibration import calibrated_inputs, daily_reset_log_moments, market_moments
from .cost_model import (
    DRAG_HORIZONS,
    cost_breakdown,
    cost_over_horizon,
    diy_leverage_cost,
    drag_profile,
    drag_profile_grid,
    fee_table,
    financing_cost,
    fund_year_pnl,
    leveraged_etf_maintenance_margin,
    margin_call_fall,
    margin_leverage_cap,
    rebalance_trading_cost,
    round_trip_drag,
    tracking_and_divergence,
    tracking_summary,
)
from .data import INDEX_NAMES, index_returns, load_index, load_vix
from .decomposition import (
    effective_leverage,
    excess_drift_to_outgrow,
    flow_adjusted_trade,
    growth_decomposition,
    implied_volatility,
    monthly_fund_moments,
    offsetting_flow_share,
    rebalancing_trade_pnl,
    yardstick_decomposition,
)
from .feedback import (
    aggregate_rebalance_flow,
    amplification,
    backcast_assets,
    feedback_gain,
    fixed_point_move,
    flow_share_of_volume,
    halving_ratio,
    instability_assets,
    rebalance_sign_table,
    reflexive_market_summary,
    restate_calibration,
    simulate_feedback,
    simulate_reflexive_market,
)
from .fund import simulate_fund, static_leverage_path, terminal_value
from .holder_risk import (
    HOLDING_RISK_LEVERAGES,
    HOLDING_RISK_MAX_DAYS,
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
from .holding import (
    admissible_horizon,
    fund_value_at_risk,
    prob_fund_loss,
    prob_lag_static,
    simulate_holding_risk,
)
from .montecarlo import OutcomeSimulation, simulate_outcomes, simulate_outcomes_sigmas
from .multiday import (
    divergence_path,
    divergence_summary,
    elementary_symmetric_sums,
    gap_decomposition,
    gbm_mean_median,
    gbm_mean_standard_error,
    lag_frequency,
    monthly_distribution,
    monthly_median_gap,
    value_paths,
)
from .oneday import acceleration_move, balance_sheet, bank_borrowing_leverage, day_by_day, worst_days_table
from .paths import SCENARIOS, gbm_returns, scenario_returns
from .prospectus import TABLE_PATHS_PER_CELL, cell_spread, conditioned_returns, simulated_returns_table
from .real_funds import implied_spreads, swap_notional_spreads
from .shortfall import simulate_shortfall_curves, simulate_shortfall_curves_grid
from .theory import (
    breakeven_return,
    buy_and_hold_gap,
    cash_breakeven_leverage,
    decay_rate,
    estimated_returns_table,
    expected_growth_factor,
    fund_return,
    kelly_leverage,
    log_growth_rate,
    realized_variance,
    rebalance_flow,
    wipeout_move,
)
from .variance_cost import log_shortfall, rolling_volatility, shortfall_sample, yearly_decay

__all__ = [
    "simulate_fund",
    "terminal_value",
    "static_leverage_path",
    "simulate_outcomes",
    "OutcomeSimulation",
    "gbm_returns",
    "scenario_returns",
    "SCENARIOS",
    "fund_return",
    "estimated_returns_table",
    "log_growth_rate",
    "decay_rate",
    "kelly_leverage",
    "cash_breakeven_leverage",
    "wipeout_move",
    "rebalance_flow",
    "expected_growth_factor",
    "realized_variance",
    "buy_and_hold_gap",
    "breakeven_return",
    # decomposition (chapters 1-3)
    "effective_leverage",
    "flow_adjusted_trade",
    "offsetting_flow_share",
    "yardstick_decomposition",
    "rebalancing_trade_pnl",
    "growth_decomposition",
    "excess_drift_to_outgrow",
    "monthly_fund_moments",
    "implied_volatility",
    # costs (chapter 4)
    "financing_cost",
    "cost_breakdown",
    "cost_over_horizon",
    "fund_year_pnl",
    "diy_leverage_cost",
    # reflexivity (chapter 5)
    "aggregate_rebalance_flow",
    "backcast_assets",
    "rebalance_sign_table",
    "feedback_gain",
    "amplification",
    "instability_assets",
    "simulate_feedback",
    "simulate_reflexive_market",
    "flow_share_of_volume",
    "restate_calibration",
    # real index data
    "INDEX_NAMES",
    "load_index",
    "load_vix",
    "index_returns",
    # holding-period risk (chapter 6)
    "prob_lag_static",
    "prob_fund_loss",
    "fund_value_at_risk",
    "admissible_horizon",
    "simulate_holding_risk",
    # holding-period risk by daily-reset simulation (chapter 6)
    "simulate_shortfall_curves",
    "simulate_shortfall_curves_grid",
    # chapter 2: the alert's sensitivity, calibrated inputs, daily resets vs continuous time
    "paired_fund_return",
    "alert_sensitivity",
    "market_moments",
    "calibrated_inputs",
    "daily_reset_log_moments",
    # one day: borrowing limit and worst days (chapter 1)
    "bank_borrowing_leverage",
    "worst_days_table",
    # Monte Carlo over a grid of volatilities, normals drawn once (chapter 3's explorer)
    "simulate_outcomes_sigmas",
    # chapter 1: the book of a daily-reset fund, its balance sheet, the acceleration move
    "day_by_day",
    "balance_sheet",
    "acceleration_move",
    # chapter 3: the variance cost on a path, and the prospectus table checked by simulation
    "log_shortfall",
    "yearly_decay",
    "rolling_volatility",
    "shortfall_sample",
    "conditioned_returns",
    "simulated_returns_table",
    "cell_spread",
    "TABLE_PATHS_PER_CELL",
    # chapter 2: the T-day gap, the fund's mean and median on a lognormal index, divergence paths
    "elementary_symmetric_sums",
    "gap_decomposition",
    "gbm_mean_median",
    "gbm_mean_standard_error",
    "divergence_path",
    "divergence_summary",
    "monthly_distribution",
    "monthly_median_gap",
    "lag_frequency",
    "value_paths",
    # chapter 5: the loop's fixed point and what halving the depth does to it
    "fixed_point_move",
    "halving_ratio",
    "reflexive_market_summary",
    # chapter 7: the holder's VaR ratio, simulated holding-period risk, historical lag share
    "var_ratio",
    "daily_reset_var",
    "max_leverage_within_var_limit",
    "HOLDING_RISK_MAX_DAYS",
    "HOLDING_RISK_PATHS",
    "HOLDING_RISK_LEVERAGES",
    "holding_risk_curves",
    "holding_risk",
    "admissible_days",
    "closed_form_gap",
    "shortfall_gap_days",
    "historical_lag_share",
    # chapter 4: rebalancing trades' cost, tracking and divergence, margin accounts, round trips
    "rebalance_trading_cost",
    "tracking_and_divergence",
    "tracking_summary",
    "margin_leverage_cap",
    "margin_call_fall",
    "leveraged_etf_maintenance_margin",
    "round_trip_drag",
    "fee_table",
    "DRAG_HORIZONS",
    "drag_profile",
    "drag_profile_grid",
    # chapter 4: the spreads real funds' measured lags imply
    "implied_spreads",
    "swap_notional_spreads",
]
