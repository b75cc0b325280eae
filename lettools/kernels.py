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
from collections.abc import Callable
from typing import cast

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
    "shortfall_counts_sigmas",
]



@njit
def _daily_growth(index_return: float, leverage: float, carry: float, trading_drag: float) -> float:
    """The fund's growth factor for one day (no fastmath flags, so that it rounds like numpy)."""
    return 1.0 + leverage * index_return + carry - trading_drag * abs(index_return)


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


# Reproducible on every CPU: no kernel uses ``reassoc``, ``contract`` or any other fast-math
# flag, so LLVM rounds every operation as written and no result depends on the CPU numba
# compiles for (its vector width, unrolling or FMA units); tests/test_determinism.py checks
# it. A product over days is a reduction, which LLVM's loop vectoriser splits into SIMD lanes
# only under ``reassoc``, as many as the CPU's vectors and unrolling hold (so the terminal
# value changed with the CPU), and numba turns LLVM's SLP vectoriser off (scalar code with 8
# accumulators ran 4x slower). :func:`_final_lanes` therefore writes the loop in LLVM IR over
# FINAL_LANES lanes fixed in the source: day d goes to lane d mod 16, the last n mod 16 days to
# the last lanes (a masked final block), and the lanes combine in a fixed tree. LLVM maps the
# 16-wide vectors onto the CPU's registers (2 AVX-512, 4 AVX2, 8 SSE2), each lane's arithmetic
# unchanged. A factor clipped to zero keeps the product at zero in any order. The input check
# costs two lane operations per return: ``flags + r * 0.0`` (NaN from the first infinite or
# NaN return on, else zero) and a running minimum. With and without trading costs are two
# functions, and the kernels choose between them once, outside the loop over paths: one
# function holding both loops runs about 40% slower on a Sapphire Rapids Xeon (same
# instructions in the loop; benchmarks/RESULTS.md, session 7).
FINAL_LANES = 16
"""Lanes of :func:`_final_lanes` (fixed, whatever the CPU's vector width)."""


def _final_lanes_codegen(with_costs):
    """Code generator of :func:`_final_lanes` (``with_costs``: subtract ``trading_drag * |r|``)."""

    def codegen(context, builder, signature, args):
        from numba.core import cgutils

        returns_type, carry_type = signature.args[0], signature.args[1]
        returns, carry, leverage, trading_drag = args
        returns_array = context.make_array(returns_type)(context, builder, returns)
        carry_data = context.make_array(carry_type)(context, builder, carry).data
        n_days = cgutils.unpack_tuple(builder, returns_array.shape, 1)[0]
        index_type = n_days.type
        lanes = llvm_ir.Constant(index_type, FINAL_LANES)
        double = llvm_ir.DoubleType()
        vector = llvm_ir.VectorType(double, FINAL_LANES)
        int32 = llvm_ir.IntType(32)

        def splat(value, kind=vector):
            filled = llvm_ir.Constant(kind, llvm_ir.Undefined)
            for lane in range(FINAL_LANES):
                filled = builder.insert_element(filled, value, int32(lane))
            return filled

        zeros = llvm_ir.Constant(vector, [0.0] * FINAL_LANES)
        ones = llvm_ir.Constant(vector, [1.0] * FINAL_LANES)
        leverages = splat(leverage)
        drags = splat(trading_drag)
        fabs = cgutils.get_or_insert_function(builder.module, llvm_ir.FunctionType(vector, [vector]),
                                              f"llvm.fabs.v{FINAL_LANES}f64")

        def load(data, offset):
            address = builder.bitcast(cgutils.gep(builder, data, offset), vector.as_pointer())
            return builder.load(address, align=8)

        def step(state, offset, used=None):
            """One block of days at ``offset``; ``used`` (a lane mask) leaves the other lanes unchanged."""
            product, flags, low = state
            index_return = load(returns_array.data, offset)
            growth = builder.fadd(builder.fadd(ones, builder.fmul(leverages, index_return)),
                                  load(carry_data, offset))
            if with_costs:  # as _daily_growth: ((1 + L r) + carry) - drag |r|
                growth = builder.fsub(growth, builder.fmul(drags, builder.call(fabs, [index_return])))
            if used is not None:
                growth = builder.select(used, growth, ones)
                index_return = builder.select(used, index_return, zeros)
            clipped = builder.select(builder.fcmp_ordered(">", growth, zeros), growth, zeros)
            return (builder.fmul(product, clipped), builder.fadd(flags, builder.fmul(index_return, zeros)),
                    builder.select(builder.fcmp_ordered("<", index_return, low), index_return, low))

        def merge(branches):
            merged = []
            for position in range(3):
                phi = builder.phi(vector)
                for state, block in branches:
                    phi.add_incoming(state[position], block)
                merged.append(phi)
            return tuple(merged)

        neutral = (ones, zeros, zeros)
        blocks = builder.udiv(n_days, lanes)
        entry = builder.block
        loop = builder.append_basic_block("lanes.loop")
        tail = builder.append_basic_block("lanes.tail")
        done = builder.append_basic_block("lanes.done")
        builder.cbranch(builder.icmp_signed(">", blocks, index_type(0)), loop, done)

        builder.position_at_end(loop)
        block = builder.phi(index_type)
        state = merge([])
        following = step(state, builder.mul(block, lanes))
        next_block = builder.add(block, index_type(1))
        builder.cbranch(builder.icmp_signed("<", next_block, blocks), loop, tail)
        block.add_incoming(index_type(0), entry)
        block.add_incoming(next_block, loop)
        for phi, first, after in zip(state, neutral, following, strict=True):
            phi.add_incoming(first, entry)
            phi.add_incoming(after, loop)

        # The days left over: the last FINAL_LANES days, the lanes holding a day already counted masked out.
        builder.position_at_end(tail)
        left_over = builder.urem(n_days, lanes)
        first_new = builder.trunc(builder.sub(lanes, left_over), int32)
        used = builder.icmp_unsigned(">=", llvm_ir.Constant(llvm_ir.VectorType(int32, FINAL_LANES),
                                                            list(range(FINAL_LANES))),
                                     splat(first_new, llvm_ir.VectorType(int32, FINAL_LANES)))
        last = step(following, builder.sub(n_days, lanes), used)
        builder.branch(done)

        builder.position_at_end(done)
        product, flags, low = merge([(neutral, entry), (last, tail)])

        def combine(values, operation):
            """Lane ``i`` with lane ``i + width / 2``, halving the width down to one lane: a fixed tree."""
            width = FINAL_LANES
            while width > 1:
                width //= 2
                lower = builder.shuffle_vector(values, values, llvm_ir.Constant(
                    llvm_ir.VectorType(int32, width), list(range(width))))
                upper = builder.shuffle_vector(values, values, llvm_ir.Constant(
                    llvm_ir.VectorType(int32, width), list(range(width, 2 * width))))
                values = operation(lower, upper)
            return builder.extract_element(values, int32(0))

        def lower_of(a, b):
            return builder.select(builder.fcmp_ordered("<", a, b), a, b)

        return context.make_tuple(builder, signature.return_type,
                                  [combine(product, builder.fmul), combine(flags, builder.fadd),
                                   combine(low, lower_of)])

    return codegen


@intrinsic
def _final_lanes(typingctx, index_returns, carry, leverage, trading_drag):
    """A path's days in lanes, when it has at least :data:`FINAL_LANES` of them: day ``d`` goes to lane
    ``d mod FINAL_LANES`` and the ``k`` days left over (``k`` = ``n mod FINAL_LANES``) to the last ``k``
    lanes. Returns the lanes' products of clipped growth factors without trading costs, their sums of
    ``r * 0.0`` and their lowest returns (or 0), each combined in a fixed tree: lane ``i`` with lane
    ``i + w / 2`` for ``w`` = 16, 8, 4, 2. Fewer days: ``(1.0, 0.0, 0.0)``."""
    if not (index_returns.layout == carry.layout == "C"):  # the lanes load contiguous days
        return None
    return types.UniTuple(types.float64, 3)(index_returns, carry, leverage, trading_drag), \
        _final_lanes_codegen(False)


@intrinsic
def _final_lanes_costs(typingctx, index_returns, carry, leverage, trading_drag):
    """:func:`_final_lanes` with trading costs."""
    if not (index_returns.layout == carry.layout == "C"):
        return None
    return types.UniTuple(types.float64, 3)(index_returns, carry, leverage, trading_drag), \
        _final_lanes_codegen(True)


@njit
def _finish_final(lanes, index_returns, leverage, carry, trading_drag, start, out, path):
    """Finish a path from :func:`_final_lanes`' combined lanes (a path shorter than the lanes runs here, in
    order): store the NAV in ``out[path]`` and return whether the returns were valid (finite, > -1) and the
    NAV finite."""
    product, flags, low = lanes
    value = start * product
    for day in range(index_returns.shape[0] if index_returns.shape[0] < FINAL_LANES else 0):
        index_return = index_returns[day]
        growth = 1.0 + leverage * index_return + carry[day]
        if trading_drag != 0.0:
            growth -= trading_drag * abs(index_return)
        value *= growth if growth > 0.0 else 0.0
        flags += index_return * 0.0
        low = index_return if index_return < low else low
    out[path] = value if value > 0.0 else 0.0  # turns -0.0 into 0.0
    # value: inf, or NaN from inf * 0, when the product overflowed
    return flags == 0.0 and low > -1.0 and value < math.inf


@njit
def _fund_final(index_returns, leverage, carry, trading_drag, start, out, path):
    """``out[path]`` gets one path's final NAV without trading costs (``trading_drag`` is 0 and unused);
    returns whether its returns were valid (finite, > -1). Lanes and combine order: see above."""
    lanes = _final_lanes(index_returns, carry, leverage, trading_drag)  # type: ignore[call-arg,var-annotated]
    return _finish_final(lanes, index_returns, leverage, carry, 0.0, start, out, path)


@njit
def _fund_final_costs(index_returns, leverage, carry, trading_drag, start, out, path):
    """:func:`_fund_final` with trading costs (``trading_drag`` not 0)."""
    lanes = _final_lanes_costs(index_returns, carry, leverage, trading_drag)  # type: ignore[call-arg,var-annotated]
    return _finish_final(lanes, index_returns, leverage, carry, trading_drag, start, out, path)


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
# The fused multiply-adds are written out (:func:`_fma`), not left to the ``contract`` flag:
# with the flag, LLVM fuses only on CPUs with FMA units (x86-64-v3, ARM64), so results
# differed in the last bits between CPUs. An explicit fma is rounded once on every CPU:
# one instruction where the CPU has FMA, libm's exact ``fma`` (slower, same result) where
# it has not. Written unfused instead, the Monte Carlo would run about 20-30% slower.
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


def _fma_typer(typingctx, a, b, c):
    """``a * b + c`` rounded once (LLVM's ``llvm.fma``, which vectorises): the same result on every CPU."""

    def codegen(context, builder, signature, args):
        from numba.core import cgutils

        double = llvm_ir.DoubleType()
        fma = cgutils.get_or_insert_function(builder.module, llvm_ir.FunctionType(double, [double] * 3),
                                             "llvm.fma.f64")
        return builder.call(fma, args)

    return types.float64(types.float64, types.float64, types.float64), codegen


_fma = cast("Callable[[float, float, float], float]", intrinsic(_fma_typer))
_fma.__doc__ = _fma_typer.__doc__


@njit
def _exp_parts(x):
    """``(e^r - 1, 2^k)`` with ``x = k ln 2 + r``, ``|r| <= ln(2)/2``, in arithmetic LLVM can run in SIMD
    lanes (see above): ``expm1(x) = p 2^k + (2^k - 1)`` and ``exp(x) = p 2^k + 2^k``."""
    low, high = _EXP_ARGUMENT_LIMITS
    x = min(max(x, low), high)
    k = np.floor(_fma(x, _LOG2_E, 0.5))
    r = _fma(-k, _LN2_LOW, _fma(-k, _LN2_HIGH, x))
    # Horner from 1/13! down to 1/1!, written out so that LLVM vectorises it.
    series = 1.0 / 6227020800.0
    series = _fma(series, r, 1.0 / 479001600.0)
    series = _fma(series, r, 1.0 / 39916800.0)
    series = _fma(series, r, 1.0 / 3628800.0)
    series = _fma(series, r, 1.0 / 362880.0)
    series = _fma(series, r, 1.0 / 40320.0)
    series = _fma(series, r, 1.0 / 5040.0)
    series = _fma(series, r, 1.0 / 720.0)
    series = _fma(series, r, 1.0 / 120.0)
    series = _fma(series, r, 1.0 / 24.0)
    series = _fma(series, r, 1.0 / 6.0)
    series = _fma(series, r, 0.5)
    series = _fma(series, r, 1.0)
    scale = _float_from_bits((np.int64(k) + 1023) << 52)  # type: ignore[call-arg,var-annotated]  # 2^k
    return series * r, scale


@njit
def _expm1(x):
    """``expm1(x)`` to about 2 ulp (see :func:`_exp_parts`)."""
    part, scale = _exp_parts(x)
    return _fma(part, scale, scale - 1.0)


GBM_SUB_BLOCK_BYTES = 524_288
"""Size of the normals buffer of one sub-block of paths (fits in a core's L2 cache)."""


# No kernel here may take fastmath flags: numba compiles a helper with the flags of the first
# kernel that calls it, so a flag on one kernel could change how a shared helper such as
# ``_daily_growth`` rounds everywhere (and fused multiply-adds would make 1 + 3 * (-1/3) nonzero).
@njit
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
            index_return = _expm1(log_returns[path])
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


@njit
def _exp(x):
    """``exp(x)`` (see :func:`_exp_parts`). Within about 1 ulp of libm's ``exp`` (the two round differently
    in the last bit now and then); libm's scalar call would cost more than the rest of a day's work."""
    part, scale = _exp_parts(x)
    return _fma(part, scale, scale)


SHORTFALL_BLOCK = 256
"""Paths advanced together, day by day, in :func:`shortfall_counts` (the counts vectorise over them)."""


@njit
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



@njit
def _count_day_pair(fund_a, fund_b, factor, index, width, leverage_a, leverage_b, shortfall, loss_level):
    """:func:`_count_day` for two leverages, neither 1, in one loop over the paths: the day's factor and
    index are read and moved by one once for both (the same arithmetic per leverage, bit for bit)."""
    lag_a = short_a = lost_a = 0
    lag_b = short_b = lost_b = 0
    for p in range(width):
        factor_move = factor[p] - 1.0
        index_move = index[p] - 1.0
        growth = 1.0 + leverage_a * factor_move
        value = fund_a[p] * (growth if growth > 0.0 else 0.0)
        fund_a[p] = value
        static = 1.0 + leverage_a * index_move
        lag_a += value < static
        short_a += value < static - shortfall
        lost_a += value < loss_level
        growth = 1.0 + leverage_b * factor_move
        value = fund_b[p] * (growth if growth > 0.0 else 0.0)
        fund_b[p] = value
        static = 1.0 + leverage_b * index_move
        lag_b += value < static
        short_b += value < static - shortfall
        lost_b += value < loss_level
    return lag_a, short_a, lost_a, lag_b, short_b, lost_b


@njit
def shortfall_counts_sigmas(normals, leverages, drifts, volatilities, shortfall, loss_level):
    """:func:`shortfall_counts` for several ``(drift, volatility)`` pairs on the same normals, in one pass.

    Returns an array of shape ``(len(drifts), 3, len(leverages), n_days)`` whose entry ``s`` equals,
    bit for bit, ``shortfall_counts(normals, leverages, drifts[s], volatilities[s], shortfall, loss_level)``:
    each path and day gets the same arithmetic (``drift + volatility * z`` unfused, :func:`_exp`, then
    :func:`_count_day`'s), and the counts are whole numbers, which no order of addition changes. Each
    block of :data:`SHORTFALL_BLOCK` paths is first copied day-major (a contiguous row of the block's
    normals per day, 1 MB that stays in L2), so that every pair reads a day's normals in SIMD lanes
    and the draws come from memory once for all the pairs; leverages then advance two at a time
    (:func:`_count_day_pair`), sharing each path's loads and moves.
    """
    n_paths, n_days = normals.shape
    n_leverages = leverages.size
    n_pairs = drifts.size
    counts = np.zeros((n_pairs, 3, n_leverages, n_days))
    columns = np.empty((n_days, SHORTFALL_BLOCK))
    factor = np.empty(SHORTFALL_BLOCK)
    fund = np.empty((n_leverages, SHORTFALL_BLOCK))
    index = np.empty(SHORTFALL_BLOCK)
    for first in range(0, n_paths, SHORTFALL_BLOCK):
        width = min(n_paths - first, SHORTFALL_BLOCK)
        for day in range(n_days):
            column = columns[day]
            for p in range(width):
                column[p] = normals[first + p, day]
        for pair in range(n_pairs):
            drift = drifts[pair]
            volatility = volatilities[pair]
            fund[:, :] = 1.0
            index[:] = 1.0
            for day in range(n_days):
                column = columns[day]
                for p in range(width):
                    factor[p] = drift + volatility * column[p]
                _growth_row(factor, width)
                for p in range(width):
                    index[p] = index[p] * factor[p]
                k = 0
                while k < n_leverages:
                    if k + 1 < n_leverages and leverages[k] != 1.0 and leverages[k + 1] != 1.0:
                        lag_a, short_a, lost_a, lag_b, short_b, lost_b = _count_day_pair(
                            fund[k], fund[k + 1], factor, index, width, leverages[k], leverages[k + 1], shortfall,
                            loss_level)
                        counts[pair, 0, k, day] += lag_a
                        counts[pair, 1, k, day] += short_a
                        counts[pair, 2, k, day] += lost_a
                        counts[pair, 0, k + 1, day] += lag_b
                        counts[pair, 1, k + 1, day] += short_b
                        counts[pair, 2, k + 1, day] += lost_b
                        k += 2
                    else:
                        lag, short, lost = _count_day(fund[k], factor, index, width, leverages[k], shortfall,
                                                      loss_level)
                        counts[pair, 0, k, day] += lag
                        counts[pair, 1, k, day] += short
                        counts[pair, 2, k, day] += lost
                        k += 1
    return counts
