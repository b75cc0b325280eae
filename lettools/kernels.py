"""Compiled kernels behind the simulators.

These functions trust their inputs: the public functions in :mod:`lettools.fund`
and :mod:`lettools.montecarlo` validate everything and pass C-contiguous float64
arrays and Python floats, so each kernel compiles for one signature only.
Every kernel has a plain-numpy twin in :mod:`lettools.reference` and the tests
hold the two together.

Conventions shared by the kernels
---------------------------------
``carry`` is the per-day part of the fund's return that does not depend on the
index: ``(1 - L) * rate_t - expense_ratio / ppy - spread / ppy * spread_fraction(L, spread_basis)``.
``trading_drag`` is ``trading_cost * |L (L - 1)|``, so that the day's cost of the
rebalancing trade is ``trading_drag * |R_t|`` of assets. A day whose growth factor
``1 + L R_t + carry_t - trading_drag |R_t|`` is zero or less wipes the fund out,
and a wiped-out fund stays at zero.
"""

from __future__ import annotations

import math

from numba import prange

from ._numba import njit

__all__ = [
    "fund_paths",
    "fund_paths_serial",
    "fund_terminal",
    "fund_terminal_serial",
    "static_paths",
    "static_paths_serial",
    "gbm_outcomes",
]

PARALLEL_MIN_SIZE = 20_000
"""Inputs with fewer elements (paths x days) than this run on the serial builds."""


@njit
def _daily_growth(index_return: float, leverage: float, carry: float, trading_drag: float) -> float:
    """The fund's growth factor for one day (kept out of fastmath code so it rounds like numpy)."""
    return 1.0 + leverage * index_return + carry - trading_drag * abs(index_return)


@njit
def _fund_path(index_returns, leverage, carry, trading_drag, start, out):
    """One path: ``out`` (days + 1) gets the NAV before and after each day."""
    value = start
    out[0] = value
    for day in range(index_returns.shape[0]):
        growth = _daily_growth(index_returns[day], leverage, carry[day], trading_drag)
        value = value * growth if growth > 0.0 else 0.0
        out[day + 1] = value


# ``reassoc`` lets LLVM split the product into SIMD lanes, so the pass runs at
# memory speed instead of waiting on one multiply after another. A factor
# clipped to zero keeps the product at zero whatever the order.
@njit(fastmath={"reassoc"})
def _fund_final(index_returns, leverage, carry, trading_drag, start):
    """One path's final NAV."""
    value = start
    if trading_drag == 0.0:
        for day in range(index_returns.shape[0]):
            value *= max(1.0 + leverage * index_returns[day] + carry[day], 0.0)
    else:
        for day in range(index_returns.shape[0]):
            value *= max(_daily_growth(index_returns[day], leverage, carry[day], trading_drag), 0.0)
    return value if value > 0.0 else 0.0  # turns -0.0 into 0.0


@njit
def _static_path(index_returns, leverage, start, out):
    """One path of ``start * (1 + L (S_t / S_0 - 1))``, absorbed at zero."""
    index_level = 1.0
    alive = True
    out[0] = start
    for day in range(index_returns.shape[0]):
        index_level *= 1.0 + index_returns[day]
        value = start * ((1.0 - leverage) + leverage * index_level)
        if value <= 0.0:
            alive = False
        out[day + 1] = value if alive else 0.0


# Each kernel comes in two builds: across threads for big inputs, and serial for
# small ones, where starting the thread pool costs more than the work.


@njit(parallel=True)
def fund_paths(index_returns, leverage, carry, trading_drag, start, out):
    """Fill ``out`` (paths x days + 1) with NAV paths; column 0 is ``start``."""
    for path in prange(index_returns.shape[0]):
        _fund_path(index_returns[path], leverage, carry, trading_drag, start, out[path])


@njit
def fund_paths_serial(index_returns, leverage, carry, trading_drag, start, out):
    """:func:`fund_paths` on one thread."""
    for path in range(index_returns.shape[0]):
        _fund_path(index_returns[path], leverage, carry, trading_drag, start, out[path])


@njit(parallel=True)
def fund_terminal(index_returns, leverage, carry, trading_drag, start, out):
    """Fill ``out`` (paths) with each path's final NAV, storing no path."""
    for path in prange(index_returns.shape[0]):
        out[path] = _fund_final(index_returns[path], leverage, carry, trading_drag, start)


@njit
def fund_terminal_serial(index_returns, leverage, carry, trading_drag, start, out):
    """:func:`fund_terminal` on one thread."""
    for path in range(index_returns.shape[0]):
        out[path] = _fund_final(index_returns[path], leverage, carry, trading_drag, start)


@njit(parallel=True)
def static_paths(index_returns, leverage, start, out):
    """Fill ``out`` (paths x days + 1) with static-leverage values; column 0 is ``start``."""
    for path in prange(index_returns.shape[0]):
        _static_path(index_returns[path], leverage, start, out[path])


@njit
def static_paths_serial(index_returns, leverage, start, out):
    """:func:`static_paths` on one thread."""
    for path in range(index_returns.shape[0]):
        _static_path(index_returns[path], leverage, start, out[path])


@njit
def gbm_outcomes(generator, drift, volatility, n_days, leverage, carry, trading_drag, start, fund_out, static_out):
    """Terminal values of ``fund_out.size`` GBM paths drawn from ``generator``; no path is stored.

    Day ``t`` of a path has the simple index return ``expm1(drift + volatility * z)``
    with ``z`` the generator's next standard normal, drawn path by path, day by day
    (the order in which ``generator.standard_normal((paths, days))`` fills an
    array). ``fund_out`` gets the daily-reset fund's final NAV, ``static_out`` the
    final value of ``L`` times the index held from the start (absorbed at zero).
    """
    for path in range(fund_out.shape[0]):
        fund = start
        index_level = 1.0
        alive = True
        for _ in range(n_days):
            index_return = math.expm1(drift + volatility * generator.standard_normal())
            growth = _daily_growth(index_return, leverage, carry, trading_drag)
            fund = fund * growth if growth > 0.0 else 0.0
            index_level *= 1.0 + index_return
            if start * ((1.0 - leverage) + leverage * index_level) <= 0.0:
                alive = False
        fund_out[path] = fund
        static_out[path] = start * ((1.0 - leverage) + leverage * index_level) if alive else 0.0

