"""Compiled kernels behind the simulators.

The public functions in :mod:`lettools.fund` and :mod:`lettools.montecarlo` validate
their arguments' shapes and scalars and pass C-contiguous float64 arrays and Python
floats, so each kernel compiles for one signature only. The path kernels check the
returns themselves as they read them (finite, above -1) and return the number of
paths with a bad one (or whose value overflows float64), which saves the public functions two more passes over the data.
This module imports numba: :mod:`lettools` imports it on first use only.
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

import numpy as np
from llvmlite import ir as llvm_ir
from numba import prange, types
from numba.extending import intrinsic

from ._numba import PARALLEL_MIN_SIZE, njit  # noqa: F401 (PARALLEL_MIN_SIZE re-exported)

__all__ = [
    "fund_paths",
    "fund_paths_serial",
    "fund_terminal",
    "fund_terminal_serial",
    "static_paths",
    "static_paths_serial",
    "gbm_outcomes",
    "gbm_outcomes_sigmas",
    "shortfall_counts",
]



@njit
def _daily_growth(index_return: float, leverage: float, carry: float, trading_drag: float) -> float:
    """The fund's growth factor for one day (kept out of fastmath code so it rounds like numpy)."""
    return 1.0 + leverage * index_return + carry - trading_drag * abs(index_return)


@njit(fastmath={"contract", "reassoc"})
def _add_nonfinite(flags: float, index_return: float) -> float:
    """``flags + index_return * 0.0``: NaN from the first infinite or NaN return on, else unchanged.

    ``x * 0.0`` is NaN for an infinite or NaN ``x`` and (signed) zero otherwise; neither flag
    lets LLVM fold it away (that takes ``nnan`` and ``nsz``). ``contract`` makes it one fused
    multiply-add, exact here, and ``reassoc`` lets the sum run in SIMD lanes. Kept in its own
    function so that ``contract`` touches no other arithmetic.
    """
    return flags + index_return * 0.0


@njit
def _is_bad(index_return: float) -> int:
    """1 for a return that is not finite or is -1 or less, else 0 (an integer: no float add chain)."""
    return (index_return * 0.0 != 0.0) | (index_return <= -1.0)


@njit
def _fund_path(index_returns, leverage, carry, trading_drag, start, out):
    """One path: ``out`` (days + 1) gets the NAV before and after each day; returns whether its inputs were valid."""
    value = start
    out[0] = value
    bad = 0
    for day in range(index_returns.shape[0]):
        index_return = index_returns[day]
        bad += _is_bad(index_return)
        growth = _daily_growth(index_return, leverage, carry[day], trading_drag)
        value = value * growth if growth > 0.0 else 0.0
        bad += value == math.inf  # overflow past float64: reported as too extreme
        out[day + 1] = value
    return bad == 0


@njit
def _growth_factors(index_returns, leverage, carry, trading_drag, out):
    """``out[1:]`` gets the day's growth factors of one path (SIMD lanes across days); returns its bad returns."""
    bad = 0
    for day in range(index_returns.shape[0]):
        index_return = index_returns[day]
        bad += _is_bad(index_return)
        out[day + 1] = _daily_growth(index_return, leverage, carry[day], trading_drag)
    return bad


@njit
def _fund_paths4(index_returns, first, leverage, carry, trading_drag, start, out):
    """:func:`_fund_path` for the four paths ``first`` to ``first + 3``; returns how many were invalid.

    One path at a time, a day costs about 25 scalar instructions, and each NAV waits on the day
    before's multiply. Here the growth factors and input checks of each path are computed first,
    in SIMD lanes across days, into the output rows themselves; the four NAV chains then advance
    together, day by day, each day's factor read back from L1 and replaced by the NAV (a multiply, a
    comparison, a store). Every path gets exactly the arithmetic of :func:`_fund_path`, in the same
    order: the results are the same bit for bit. A NAV is never NaN (a NaN factor fails
    ``growth > 0``), so the largest NAV is infinite exactly when one of them overflowed.
    """
    row0, row1, row2, row3 = out[first], out[first + 1], out[first + 2], out[first + 3]
    bad0 = _growth_factors(index_returns[first], leverage, carry, trading_drag, row0)
    bad1 = _growth_factors(index_returns[first + 1], leverage, carry, trading_drag, row1)
    bad2 = _growth_factors(index_returns[first + 2], leverage, carry, trading_drag, row2)
    bad3 = _growth_factors(index_returns[first + 3], leverage, carry, trading_drag, row3)
    value0 = value1 = value2 = value3 = start
    peak0 = peak1 = peak2 = peak3 = start
    row0[0] = row1[0] = row2[0] = row3[0] = start
    for day in range(1, index_returns.shape[1] + 1):
        growth0, growth1, growth2, growth3 = row0[day], row1[day], row2[day], row3[day]
        value0 = value0 * growth0 if growth0 > 0.0 else 0.0
        value1 = value1 * growth1 if growth1 > 0.0 else 0.0
        value2 = value2 * growth2 if growth2 > 0.0 else 0.0
        value3 = value3 * growth3 if growth3 > 0.0 else 0.0
        row0[day], row1[day], row2[day], row3[day] = value0, value1, value2, value3
        peak0, peak1 = max(peak0, value0), max(peak1, value1)
        peak2, peak3 = max(peak2, value2), max(peak3, value3)
    # overflow past float64 (an infinite NAV) is reported as too extreme, as in _fund_path
    return ((bad0 != 0 or peak0 == math.inf) + (bad1 != 0 or peak1 == math.inf)
            + (bad2 != 0 or peak2 == math.inf) + (bad3 != 0 or peak3 == math.inf))


# ``reassoc`` lets LLVM split the product into SIMD lanes, so the pass runs at
# memory speed instead of waiting on one multiply after another. A factor
# clipped to zero keeps the product at zero whatever the order. The input check costs
# three vector operations per return (a fused multiply-add for non-finite values, a
# comparison and a masked integer add for returns of -1 or less); a running minimum
# would stop LLVM vectorising. With and without trading costs are two functions, and the
# kernels choose between them once, outside the loop over paths: one function holding
# both loops runs about 40% slower on a Sapphire Rapids Xeon (same instructions in the
# loop; benchmarks/RESULTS.md, session 7).
@njit(fastmath={"reassoc"})
def _fund_final(index_returns, leverage, carry, trading_drag, start, out, path):
    """``out[path]`` gets one path's final NAV without trading costs (``trading_drag`` is 0 and unused);
    returns whether its returns were valid (finite, > -1)."""
    value = start
    flags = 0.0
    at_or_below_minus_one = 0
    for day in range(index_returns.shape[0]):
        index_return = index_returns[day]
        flags = _add_nonfinite(flags, index_return)
        at_or_below_minus_one += index_return <= -1.0
        value *= max(1.0 + leverage * index_return + carry[day], 0.0)
    out[path] = value if value > 0.0 else 0.0  # turns -0.0 into 0.0
    # value: inf, or NaN from inf * 0, when the product overflowed
    return flags == 0.0 and at_or_below_minus_one == 0 and value < math.inf


@njit(fastmath={"reassoc"})
def _fund_final_costs(index_returns, leverage, carry, trading_drag, start, out, path):
    """:func:`_fund_final` with trading costs (``trading_drag`` not 0)."""
    value = start
    flags = 0.0
    at_or_below_minus_one = 0
    for day in range(index_returns.shape[0]):
        index_return = index_returns[day]
        flags = _add_nonfinite(flags, index_return)
        at_or_below_minus_one += index_return <= -1.0
        value *= max(_daily_growth(index_return, leverage, carry[day], trading_drag), 0.0)
    out[path] = value if value > 0.0 else 0.0
    return flags == 0.0 and at_or_below_minus_one == 0 and value < math.inf


@njit
def _static_path(index_returns, leverage, start, out):
    """One path of ``start * (1 + L (S_t / S_0 - 1))``, absorbed at zero; returns whether its inputs were valid."""
    index_level = 1.0
    alive = True
    out[0] = start
    bad = 0
    for day in range(index_returns.shape[0]):
        index_return = index_returns[day]
        bad += _is_bad(index_return)
        index_level *= 1.0 + index_return
        value = start * ((1.0 - leverage) + leverage * index_level)
        if value <= 0.0:
            alive = False
        bad += abs(value) == math.inf  # overflow past float64: reported as too extreme
        out[day + 1] = value if alive else 0.0
    return bad == 0


# Each kernel comes in two builds: across threads for big inputs, and serial for
# small ones, where starting the thread pool costs more than the work. Each checks
# its input in the same pass (the public functions would otherwise read it twice
# more) and returns the number of paths holding a return that is not finite or is
# -1 or less; the caller then reports the offending value.


@njit(parallel=True)
def fund_paths(index_returns, leverage, carry, trading_drag, start, out):
    """Fill ``out`` (paths x days + 1) with NAV paths; column 0 is ``start``."""
    groups = index_returns.shape[0] // 4
    invalid = 0
    for group in prange(groups):
        invalid += _fund_paths4(index_returns, 4 * group, leverage, carry, trading_drag, start, out)
    for path in range(4 * groups, index_returns.shape[0]):
        invalid += 0 if _fund_path(index_returns[path], leverage, carry, trading_drag, start, out[path]) else 1
    return invalid


@njit
def fund_paths_serial(index_returns, leverage, carry, trading_drag, start, out):
    """:func:`fund_paths` on one thread."""
    groups = index_returns.shape[0] // 4
    invalid = 0
    for group in range(groups):
        invalid += _fund_paths4(index_returns, 4 * group, leverage, carry, trading_drag, start, out)
    for path in range(4 * groups, index_returns.shape[0]):
        invalid += 0 if _fund_path(index_returns[path], leverage, carry, trading_drag, start, out[path]) else 1
    return invalid


@njit(parallel=True)
def fund_terminal(index_returns, leverage, carry, trading_drag, start, out):
    """Fill ``out`` (paths) with each path's final NAV, storing no path."""
    invalid = 0
    if trading_drag == 0.0:
        for path in prange(index_returns.shape[0]):
            invalid += 0 if _fund_final(index_returns[path], leverage, carry, trading_drag, start, out, path) else 1
    else:
        for path in prange(index_returns.shape[0]):
            invalid += 0 if _fund_final_costs(index_returns[path], leverage, carry, trading_drag, start, out,
                                              path) else 1
    return invalid


@njit
def fund_terminal_serial(index_returns, leverage, carry, trading_drag, start, out):
    """:func:`fund_terminal` on one thread."""
    invalid = 0
    if trading_drag == 0.0:
        for path in range(index_returns.shape[0]):
            invalid += 0 if _fund_final(index_returns[path], leverage, carry, trading_drag, start, out, path) else 1
    else:
        for path in range(index_returns.shape[0]):
            invalid += 0 if _fund_final_costs(index_returns[path], leverage, carry, trading_drag, start, out,
                                              path) else 1
    return invalid


@njit(parallel=True)
def static_paths(index_returns, leverage, start, out):
    """Fill ``out`` (paths x days + 1) with static-leverage values; column 0 is ``start``."""
    invalid = 0
    for path in prange(index_returns.shape[0]):
        invalid += 0 if _static_path(index_returns[path], leverage, start, out[path]) else 1
    return invalid


@njit
def static_paths_serial(index_returns, leverage, start, out):
    """:func:`static_paths` on one thread."""
    invalid = 0
    for path in range(index_returns.shape[0]):
        invalid += 0 if _static_path(index_returns[path], leverage, start, out[path]) else 1
    return invalid


# A vectorisable expm1: numba calls libm's scalar expm1 (about 6 ns), which would cost
# more than drawing the normal itself. Range reduction x = k ln2 + r with |r| <= ln2 / 2,
# then e^r - 1 by its Taylor series to r^13 (truncation below 2e-16 relative) and
# e^x - 1 = 2^k (e^r - 1) + (2^k - 1), exact in the common case k = 0. 2^k is built from
# its bit pattern. Agrees with numpy's expm1 to about 2 ulp.
_LOG2_E = 1.4426950408889634
_LN2_HIGH = 6.93147180369123816490e-01
_LN2_LOW = 1.90821492927058770002e-10
_EXP_ARGUMENT_LIMITS = (-708.0, 709.0)  # 2^k stays a normal float64; beyond, growth is 0 or inf anyway


@intrinsic
def _float_from_bits(typingctx, bits):
    """The float64 whose bit pattern is the int64 ``bits`` (an LLVM bitcast, which vectorises)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], llvm_ir.DoubleType())

    return types.float64(types.int64), codegen


@njit(fastmath={"contract"})
def _exp_parts(x):
    """``(e^r - 1, 2^k)`` with ``x = k ln 2 + r``, ``|r| <= ln(2)/2``, in arithmetic LLVM can run in SIMD
    lanes (see above): ``expm1(x) = p 2^k + (2^k - 1)`` and ``exp(x) = p 2^k + 2^k``."""
    low, high = _EXP_ARGUMENT_LIMITS
    x = min(max(x, low), high)
    k = np.floor(x * _LOG2_E + 0.5)
    r = (x - k * _LN2_HIGH) - k * _LN2_LOW
    # Horner from 1/13! down to 1/1!, written out so that LLVM vectorises it.
    series = 1.0 / 6227020800.0
    series = series * r + 1.0 / 479001600.0
    series = series * r + 1.0 / 39916800.0
    series = series * r + 1.0 / 3628800.0
    series = series * r + 1.0 / 362880.0
    series = series * r + 1.0 / 40320.0
    series = series * r + 1.0 / 5040.0
    series = series * r + 1.0 / 720.0
    series = series * r + 1.0 / 120.0
    series = series * r + 1.0 / 24.0
    series = series * r + 1.0 / 6.0
    series = series * r + 0.5
    series = series * r + 1.0
    scale = _float_from_bits((np.int64(k) + 1023) << 52)  # type: ignore[call-arg,var-annotated]  # 2^k
    return series * r, scale


@njit(fastmath={"contract"})
def _expm1(x):
    """``expm1(x)`` to about 2 ulp (see :func:`_exp_parts`)."""
    part, scale = _exp_parts(x)  # type: ignore[var-annotated]
    return part * scale + (scale - 1.0)


GBM_SUB_BLOCK_BYTES = 524_288
"""Size of the normals buffer of one sub-block of paths (fits in a core's L2 cache)."""


# ``_gbm_day`` must not call ``_daily_growth``: numba would compile that shared helper
# with this function's fastmath flags, and fused multiply-adds would then change how
# ``simulate_fund`` rounds (1 + 3 * (-1/3) would no longer be exactly zero).
@njit(fastmath={"contract"})
def _gbm_day(log_returns, count, leverage, carry, trading_drag, direction, fund, cumulative, extreme):
    """Advance ``count`` paths by one day: fund NAVs, cumulative log returns and their extreme."""
    if trading_drag == 0.0:  # separate loops: the drag term costs a sixth of the arithmetic
        for path in range(count):
            growth = 1.0 + leverage * _expm1(log_returns[path]) + carry
            fund[path] = fund[path] * growth if growth > 0.0 else 0.0
            level = cumulative[path] + log_returns[path]
            cumulative[path] = level
            extreme[path] = max(extreme[path], direction * level)
    else:
        for path in range(count):
            index_return = _expm1(log_returns[path])  # type: ignore[var-annotated]
            growth = 1.0 + leverage * index_return + carry - trading_drag * abs(index_return)
            fund[path] = fund[path] * growth if growth > 0.0 else 0.0
            level = cumulative[path] + log_returns[path]
            cumulative[path] = level
            extreme[path] = max(extreme[path], direction * level)


@njit
def gbm_outcomes(generator, drift, volatility, n_days, leverage, carry, trading_drag, start, fund_out, static_out):
    """Terminal values of ``fund_out.size`` GBM paths drawn from ``generator``; no path is stored.

    Day ``t`` of a path has the log return ``x = drift + volatility * z`` with ``z`` the
    generator's next standard normal, drawn path by path, day by day (the order in which
    ``generator.standard_normal((paths, days))`` fills an array), and the simple index
    return ``expm1(x)``. ``fund_out`` gets the daily-reset fund's final NAV, ``static_out``
    the final value of ``L`` times the index held from the start (absorbed at zero).

    The paths go through in sub-blocks: the normals of a few hundred paths are drawn into
    a (days x paths) buffer, and each day then updates all of them at once, so the
    arithmetic runs in SIMD lanes across paths. The static leg works in log space: its
    value ``(1 - L) + L exp(c_t)`` (``c_t`` the cumulative log return) stays positive
    exactly while ``c_t`` stays above ``log1p(-1/L)`` (``L > 1``) or below it (``L < 0``),
    so only the running minimum or maximum of ``c_t`` and one final ``exp`` are needed.
    """
    n_paths = fund_out.shape[0]
    width = max(8, min(256, GBM_SUB_BLOCK_BYTES // (8 * n_days)))
    log_returns = np.empty((n_days, width + 8))  # padded rows: a stride of 2^k bytes would alias in L1
    fund = np.empty(width)
    cumulative = np.empty(width)
    extreme = np.empty(width)  # running max of direction * c_t
    if leverage > 1.0:  # alive while min c_t > log1p(-1/L), i.e. max(-c_t) < -log1p(-1/L)
        direction, bound = -1.0, -math.log1p(-1.0 / leverage)
    elif leverage < 0.0:  # alive while max c_t < log1p(-1/L)
        direction, bound = 1.0, math.log1p(-1.0 / leverage)
    else:  # 0 <= L <= 1: the value cannot reach zero
        direction, bound = 0.0, math.inf
    for first in range(0, n_paths, width):
        count = min(width, n_paths - first)
        for path in range(count):
            for day in range(n_days):
                log_returns[day, path] = drift + volatility * generator.standard_normal()
        fund[:] = start
        cumulative[:] = 0.0
        extreme[:] = 0.0
        for day in range(n_days):
            _gbm_day(log_returns[day], count, leverage, carry, trading_drag, direction, fund, cumulative, extreme)
        for path in range(count):
            fund_out[first + path] = fund[path]
            value = start * ((1.0 - leverage) + leverage * math.exp(cumulative[path]))
            static_out[first + path] = value if extreme[path] < bound and value > 0.0 else 0.0


@njit
def gbm_outcomes_sigmas(generator, drifts, volatilities, n_days, leverage, carry, trading_drag, start,
                        fund_out, static_out):
    """:func:`gbm_outcomes` for several ``(drift, volatility)`` pairs on the same normals, drawn once.

    ``fund_out`` and ``static_out`` have one row per pair; row ``s`` equals, bit for bit, what
    :func:`gbm_outcomes` gives with ``drifts[s]``, ``volatilities[s]`` and a generator in the same
    state: the same sub-blocks, the same normals, and each log return rounded as there
    (``drift + volatility * z``, no fused multiply-add). A grid of volatilities with one seed then
    costs one draw, not one per volatility: the draw is most of a single run's time.
    """
    n_pairs, n_paths = fund_out.shape
    width = max(8, min(256, GBM_SUB_BLOCK_BYTES // (8 * n_days)))
    normals = np.empty((n_days, width + 8))  # padded rows, as in gbm_outcomes
    log_returns = np.empty(width)
    fund = np.empty(width)
    cumulative = np.empty(width)
    extreme = np.empty(width)
    if leverage > 1.0:  # as in gbm_outcomes
        direction, bound = -1.0, -math.log1p(-1.0 / leverage)
    elif leverage < 0.0:
        direction, bound = 1.0, math.log1p(-1.0 / leverage)
    else:
        direction, bound = 0.0, math.inf
    for first in range(0, n_paths, width):
        count = min(width, n_paths - first)
        for path in range(count):
            for day in range(n_days):
                normals[day, path] = generator.standard_normal()
        for pair in range(n_pairs):
            drift = drifts[pair]
            volatility = volatilities[pair]
            fund[:] = start
            cumulative[:] = 0.0
            extreme[:] = 0.0
            for day in range(n_days):
                for path in range(count):
                    log_returns[path] = drift + volatility * normals[day, path]
                _gbm_day(log_returns, count, leverage, carry, trading_drag, direction, fund, cumulative, extreme)
            for path in range(count):
                fund_out[pair, first + path] = fund[path]
                value = start * ((1.0 - leverage) + leverage * math.exp(cumulative[path]))
                static_out[pair, first + path] = value if extreme[path] < bound and value > 0.0 else 0.0


@njit(fastmath={"contract"})
def _exp(x):
    """``exp(x)`` (see :func:`_exp_parts`). Within about 1 ulp of libm's ``exp`` (the two round differently
    in the last bit now and then); libm's scalar call would cost more than the rest of a day's work."""
    part, scale = _exp_parts(x)  # type: ignore[var-annotated]
    return part * scale + scale


SHORTFALL_BLOCK = 256
"""Paths advanced together, day by day, in :func:`shortfall_counts` (the counts vectorise over them)."""


@njit(fastmath={"contract"})
def _growth_row(arguments, width):
    """``exp`` of a row of log returns, in place (SIMD lanes across paths)."""
    for p in range(width):
        arguments[p] = _exp(arguments[p])


@njit
def _count_day(fund, factor, index, width, leverage, shortfall, loss_level):
    """Advance one leverage's ``width`` paths by a day; count those lagging, trailing by ``shortfall``, below
    ``loss_level``."""
    lag = 0
    short = 0
    lost = 0
    if leverage == 1.0:  # the fund is the index itself
        for p in range(width):
            value = fund[p] * (factor[p] if factor[p] > 0.0 else 0.0)
            fund[p] = value
            lag += value < index[p]
            short += value < index[p] - shortfall
            lost += value < loss_level
    else:
        for p in range(width):
            # 1 + L R, written so that on day 1 it equals the static position's value bit for bit
            # (no spurious lag from rounding).
            growth = 1.0 + leverage * (factor[p] - 1.0)
            value = fund[p] * (growth if growth > 0.0 else 0.0)
            fund[p] = value
            static = 1.0 + leverage * (index[p] - 1.0)
            lag += value < static
            short += value < static - shortfall
            lost += value < loss_level
    return lag, short, lost


@njit
def shortfall_counts(normals, leverages, drift, volatility, shortfall, loss_level):
    """Counts, per leverage and day, of paths lagging ``1 + L (S/S0 - 1)``, trailing it by more than
    ``shortfall``, and below ``loss_level``: an array of shape ``(3, len(leverages), n_days)``.

    Day ``t`` of path ``i`` grows the index by ``exp(drift + volatility * normals[i, t])``, computed
    once and shared by every leverage. Paths go through in blocks of :data:`SHORTFALL_BLOCK`, day by
    day: the day's column of the block's normals (its cache lines stay in L1 from one day to the next)
    becomes a row of growth factors in SIMD lanes (:func:`_exp`), then each leverage's funds advance
    with integer counts over the block.
    """
    n_paths, n_days = normals.shape
    n_leverages = leverages.size
    counts = np.zeros((3, n_leverages, n_days))
    factor = np.empty(SHORTFALL_BLOCK)
    fund = np.empty((n_leverages, SHORTFALL_BLOCK))
    index = np.empty(SHORTFALL_BLOCK)
    for first in range(0, n_paths, SHORTFALL_BLOCK):
        width = min(n_paths - first, SHORTFALL_BLOCK)
        fund[:, :] = 1.0
        index[:] = 1.0
        for day in range(n_days):
            for p in range(width):
                factor[p] = drift + volatility * normals[first + p, day]
            _growth_row(factor, width)
            for p in range(width):
                index[p] = index[p] * factor[p]
            for k in range(n_leverages):
                lag, short, lost = _count_day(fund[k], factor, index, width, leverages[k], shortfall, loss_level)
                counts[0, k, day] += lag
                counts[1, k, day] += short
                counts[2, k, day] += lost
    return counts
