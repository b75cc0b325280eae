"""Speed of lettools' simulators against the memory limit, the RNG limit and the best plain numpy.

Run from the repository root with the venv active::

    python benchmarks/bench.py            # everything (a few minutes)
    python benchmarks/bench.py --quick    # fewer rounds

Every contender in a table is called in turn in each round (a burst of other work hits
them alike), and each gets its minimum and median over the rounds; ratios are taken
between figures of the same run. Every output compared is first checked equal to the
numpy reference (the trading-cost branch and the public functions included).

Yardsticks:

* **Memory limit.** The simulator sections run on 200,000 paths x 252 days (403 MB), far
  beyond the AMD machine's 32 MiB last-level cache, so that nothing is served from cache (the
  Intel VM of session 7 reports a 480 MiB L3: there part of it may be). One read pass
  is a compiled parallel sum of the returns; one read-plus-write pass copies them into an
  already touched output of the paths' shape (and, separately, a freshly allocated one,
  whose first touch costs page faults).
* **Best plain numpy.** In-place ufuncs on cache-sized blocks of paths (no temporaries
  beyond one block), written to be as fast as numpy allows, not the readable reference.
* **numexpr and JAX on CPU** (optional: ``pip install -r benchmarks/requirements-bench.txt``),
  skipped with a message when missing. JAX runs with 64-bit floats.
* **RNG limit.** A compiled kernel that only draws the same normals from the same
  per-block PCG64 streams, on the same thread pool: no Monte Carlo can beat it.

Targets (issue 16): ``terminal_value()`` >= 80% of one read pass; ``simulate_fund()`` >= 80%
of a read-plus-write pass; ``simulate_outcomes`` >= 75% of the RNG limit at 100k x 252, with
a fixed cost per call under 2 ms; ``import lettools`` < 0.3 s; first kernel call from a
warm cache < 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import prange

import lettools
from lettools import kernels, reference
from lettools.fund import _prepare
from lettools.montecarlo import _thread_pool
from lettools.paths import gbm_parameters, path_blocks

BIG_PATHS, N_DAYS = 200_000, 252
SMALL_PATHS = 20_000
MC_PATHS = 100_000
COSTS = dict(expense_ratio=0.0091, rate=0.04, spread=0.01)
BLOCK_ROWS = 256  # numpy block: 256 x 252 doubles = 0.5 MB, inside a core's L2


# -- yardsticks -------------------------------------------------------------------------------


@numba.njit(parallel=True, fastmath=True, cache=False)
def read_pass(values, out):
    """One parallel, vectorised pass reading every element once."""
    for row in prange(values.shape[0]):
        total = 0.0
        for column in range(values.shape[1]):
            total += values[row, column]
        out[row] = total


@numba.njit(parallel=True, cache=False)
def read_write_pass(values, out):
    """One parallel pass reading every element and writing it to ``out`` (paths x days + 1)."""
    for row in prange(values.shape[0]):
        out[row, 0] = 1.0
        for column in range(values.shape[1]):
            out[row, column + 1] = values[row, column]


@numba.njit(nogil=True, cache=False)
def draw_only(generator, n_days, out):
    """The RNG limit for one block: draw the block's normals in the Monte Carlo's order, nothing else."""
    for path in range(out.shape[0]):
        total = 0.0
        for _ in range(n_days):
            total += generator.standard_normal()
        out[path] = total


def rng_limit(seed: int, n_paths: int, n_days: int) -> None:
    """Draw every normal of a Monte Carlo run on the same blocks, streams and thread pool."""
    out = np.empty(n_paths)
    blocks = list(path_blocks(seed, n_paths))
    workers = min(len(blocks), numba.get_num_threads())

    def run(share):
        for first, stop, generator in share:
            draw_only(generator, n_days, out[first:stop])

    if workers == 1:
        run(blocks)
    else:
        for future in [_thread_pool().submit(run, blocks[i::workers]) for i in range(workers)]:
            future.result()


# -- the best numpy we could write -----------------------------------------------------------


def numpy_terminal(matrix, leverage, carry, drag, start):
    """Final NAVs with in-place ufuncs on L2-sized blocks of paths."""
    out = np.empty(matrix.shape[0])
    growth = np.empty((BLOCK_ROWS, matrix.shape[1]))
    offset = 1.0 + carry
    for first in range(0, matrix.shape[0], BLOCK_ROWS):
        block = matrix[first : first + BLOCK_ROWS]
        g = growth[: block.shape[0]]
        np.multiply(block, leverage, out=g)
        g += offset
        if drag:
            g -= drag * np.abs(block)
        np.maximum(g, 0.0, out=g)
        np.prod(g, axis=1, out=out[first : first + block.shape[0]])
    out *= start
    return out


def numpy_paths(matrix, leverage, carry, drag, start):
    """NAV paths with in-place ufuncs on L2-sized blocks, written straight into the output."""
    out = np.empty((matrix.shape[0], matrix.shape[1] + 1))
    offset = 1.0 + carry
    for first in range(0, matrix.shape[0], BLOCK_ROWS):
        block = matrix[first : first + BLOCK_ROWS]
        g = out[first : first + block.shape[0]]
        g[:, 0] = start
        body = g[:, 1:]
        np.multiply(block, leverage, out=body)
        body += offset
        if drag:
            body -= drag * np.abs(block)
        np.maximum(body, 0.0, out=body)
        np.cumprod(g, axis=1, out=g)
    return out


def numpy_outcomes(leverage, mu, sigma, n_days, n_paths, seed, carry, chunk, threads=1):
    """The best plain-numpy Monte Carlo we found: block-wise in-place ufuncs on each block's normals.

    Uses the same random blocks as lettools (so the outputs agree) and, with
    ``threads > 1``, runs blocks on a thread pool (numpy's ufuncs release the GIL).
    """
    drift, volatility = gbm_parameters(mu, sigma, 252)
    fund, static = np.empty(n_paths), np.empty(n_paths)
    blocks = list(path_blocks(seed, n_paths))
    groups = [blocks[i : i + chunk] for i in range(0, len(blocks), chunk)]

    def run(group):
        first, stop = group[0][0], group[-1][1]
        z = np.concatenate([g.standard_normal((b - a, n_days)) for a, b, g in group])
        z *= volatility
        z += drift
        np.expm1(z, out=z)  # index returns
        growth = leverage * z
        growth += 1.0 + carry
        np.maximum(growth, 0.0, out=growth)
        fund[first:stop] = growth.prod(axis=1)
        z += 1.0
        np.cumprod(z, axis=1, out=z)  # index level
        z *= leverage
        z += 1.0 - leverage  # static value
        alive = z.min(axis=1) > 0.0
        static[first:stop] = np.where(alive, z[:, -1], 0.0)

    if threads == 1:
        for group in groups:
            run(group)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(run, groups))
    return fund, static


def optional_contenders(matrix, leverage, carry, drag, start) -> tuple[dict, dict, list[str]]:
    """numexpr and JAX versions of terminal values and paths, where installed."""
    terminal, paths, notes = {}, {}, []
    try:
        import numexpr

        def ne_terminal():
            growth = numexpr.evaluate("1.0 + leverage * r + c - drag * abs(r)",
                                      local_dict=dict(leverage=leverage, r=matrix, c=carry, drag=drag))
            growth = numexpr.evaluate("where(growth > 0.0, growth, 0.0)", out=growth)
            return start * np.prod(growth, axis=1)

        def ne_paths():
            out = np.empty((matrix.shape[0], matrix.shape[1] + 1))
            out[:, 0] = start
            numexpr.evaluate("where(1.0 + leverage * r + c - drag * abs(r) > 0.0, "
                             "1.0 + leverage * r + c - drag * abs(r), 0.0)",
                             local_dict=dict(leverage=leverage, r=matrix, c=carry, drag=drag), out=out[:, 1:])
            return np.cumprod(out, axis=1, out=out)

        terminal["numexpr (growth) + numpy prod"] = ne_terminal
        paths["numexpr (growth) + numpy cumprod"] = ne_paths
        notes.append(f"numexpr {numexpr.__version__}, {numexpr.get_num_threads()} threads")
    except ImportError:
        notes.append("numexpr not installed: skipped (pip install -r benchmarks/requirements-bench.txt)")
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        import jax.numpy as jnp

        device_returns = jax.device_put(matrix)
        device_carry = jax.device_put(carry)

        @jax.jit
        def jax_growth(r, c):
            return jnp.maximum(1.0 + leverage * r + c - drag * jnp.abs(r), 0.0)

        @jax.jit
        def jax_terminal_fn(r, c):
            return start * jnp.prod(jax_growth(r, c), axis=1)

        @jax.jit
        def jax_paths_fn(r, c):
            first = jnp.full((r.shape[0], 1), start)
            return jnp.cumprod(jnp.concatenate([first, jax_growth(r, c)], axis=1), axis=1)

        terminal["JAX jit (CPU, float64)"] = lambda: np.asarray(jax_terminal_fn(device_returns, device_carry))
        paths["JAX jit (CPU, float64)"] = lambda: np.asarray(jax_paths_fn(device_returns, device_carry))
        notes.append(f"JAX {jax.__version__} on {jax.devices()[0].platform} (input already on the device)")
    except ImportError:
        notes.append("JAX not installed: skipped (pip install -r benchmarks/requirements-bench.txt)")
    return terminal, paths, notes


# -- timing ---------------------------------------------------------------------------------


def timed(functions: dict[str, Callable], rounds: int) -> dict[str, tuple[float, float, float]]:
    """``(min, median)`` wall seconds and the min CPU seconds (all threads) of each function.

    The functions take turns in each of ``rounds`` rounds. CPU time is what the process
    itself spent, so it moves less than wall time when other work loads the machine
    (but a memory-bound pass still slows when others use the memory bus).
    """
    wall = {name: [] for name in functions}
    cpu = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return {name: (min(wall[name]), statistics.median(wall[name]), min(cpu[name])) for name in functions}


def table(title: str, rows: list[tuple[str, tuple[float, float, float], str]]) -> list[str]:
    lines = [title, f"  {'':52} {'min':>10} {'median':>10} {'min CPU':>10}"]
    for name, (low, mid, cpu), note in rows:
        lines.append(f"  {name:52} {1e3 * low:8.2f}ms {1e3 * mid:8.2f}ms {1e3 * cpu:8.2f}ms   {note}")
    return lines


def pct(a: tuple[float, float, float], b: tuple[float, float, float]) -> str:
    """t_a / t_b: ``b``'s speed as a share of ``a``'s (the yardstick), from min, median and CPU times."""
    return f"{a[0] / b[0]:.0%} (median {a[1] / b[1]:.0%}, CPU {a[2] / b[2]:.0%})"


def simulator_benchmarks(n_paths: int, rounds: int, extras: bool) -> list[str]:
    returns = np.random.default_rng(0).normal(0.0004, 0.012, (n_paths, N_DAYS))
    matrix, _, leverage, carry, drag, start = _prepare(
        returns, 3.0, COSTS["expense_ratio"], COSTS["rate"], COSTS["spread"], "notional", 0.0, 1.0, 252
    )
    tc_drag = 0.001 * abs(3.0 * 2.0)
    final, sums = np.empty(n_paths), np.empty(n_paths)
    paths, touched = np.empty((n_paths, N_DAYS + 1)), np.empty((n_paths, N_DAYS + 1))
    touched.fill(0.0)

    # Every output compared is checked against the numpy reference first (both branches).
    expected_final = reference.fund_terminal(matrix, leverage, carry, drag, start)
    expected_paths = reference.fund_paths(matrix, leverage, carry, drag, start)
    expected_final_tc = reference.fund_terminal(matrix, leverage, carry, tc_drag, start)
    expected_paths_tc = reference.fund_paths(matrix, leverage, carry, tc_drag, start)
    check = dict(rtol=1e-12, atol=0)
    kernels.fund_terminal(matrix, leverage, carry, drag, start, final)
    np.testing.assert_allclose(final, expected_final, **check)
    kernels.fund_terminal(matrix, leverage, carry, tc_drag, start, final)
    np.testing.assert_allclose(final, expected_final_tc, **check)
    kernels.fund_paths(matrix, leverage, carry, drag, start, paths)
    np.testing.assert_allclose(paths, expected_paths, **check)
    kernels.fund_paths(matrix, leverage, carry, tc_drag, start, paths)
    np.testing.assert_allclose(paths, expected_paths_tc, **check)
    np.testing.assert_allclose(lettools.terminal_value(returns, 3, **COSTS), expected_final, **check)
    np.testing.assert_allclose(lettools.terminal_value(returns, 3, **COSTS, trading_cost=0.001),
                               expected_final_tc, **check)
    np.testing.assert_allclose(lettools.simulate_fund(returns, 3, **COSTS), expected_paths, **check)
    np.testing.assert_allclose(lettools.simulate_fund(returns, 3, **COSTS, trading_cost=0.001, out=touched),
                               expected_paths_tc, **check)
    for drag_value, want_final, want_paths in ((drag, expected_final, expected_paths),
                                               (tc_drag, expected_final_tc, expected_paths_tc)):
        np.testing.assert_allclose(numpy_terminal(matrix, leverage, carry, drag_value, start), want_final, **check)
        np.testing.assert_allclose(numpy_paths(matrix, leverage, carry, drag_value, start), want_paths, **check)
    terminal_extra, paths_extra, notes = optional_contenders(matrix, leverage, carry, drag, start) if extras else (
        {}, {}, ["numexpr and JAX: run without --no-extras to include them"])
    for function in terminal_extra.values():
        np.testing.assert_allclose(function(), expected_final, rtol=1e-11)
    for function in paths_extra.values():
        np.testing.assert_allclose(function(), expected_paths, rtol=1e-11)
    del expected_paths, expected_paths_tc
    read_pass(matrix, sums)
    read_write_pass(matrix, touched)

    def fresh_copy():
        read_write_pass(matrix, np.empty((n_paths, N_DAYS + 1)))

    t = timed({
        "read": lambda: read_pass(matrix, sums),
        "read_write": lambda: read_write_pass(matrix, touched),
        "read_write_fresh": fresh_copy,
        "kernel_terminal": lambda: kernels.fund_terminal(matrix, leverage, carry, drag, start, final),
        "kernel_terminal_tc": lambda: kernels.fund_terminal(matrix, leverage, carry, tc_drag, start, final),
        "public_terminal": lambda: lettools.terminal_value(returns, 3, **COSTS),
        "public_terminal_out": lambda: lettools.terminal_value(returns, 3, **COSTS, out=final),
        "kernel_paths": lambda: kernels.fund_paths(matrix, leverage, carry, drag, start, touched),
        "public_paths": lambda: lettools.simulate_fund(returns, 3, **COSTS),
        "public_paths_out": lambda: lettools.simulate_fund(returns, 3, **COSTS, out=touched),
        "np_best_terminal": lambda: numpy_terminal(matrix, leverage, carry, drag, start),
        "np_best_paths": lambda: numpy_paths(matrix, leverage, carry, drag, start),
        **{f"x_terminal {k}": f for k, f in terminal_extra.items()},
        **{f"x_paths {k}": f for k, f in paths_extra.items()},
    }, rounds)
    slow = timed({
        "np_ref_terminal": lambda: reference.fund_terminal(matrix, leverage, carry, drag, start),
        "np_ref_paths": lambda: reference.fund_paths(matrix, leverage, carry, drag, start),
    }, max(3, rounds // 4))
    t.update(slow)
    size = matrix.nbytes / 1e6

    def vs(name):
        best = t["np_best_terminal" if "terminal" in name else "np_best_paths"]
        return f"numpy best / this {best[0] / t[name][0]:.1f}x"

    lines = [f"simulate_fund and terminal_value: {n_paths:,} paths x {N_DAYS} days ({size:.0f} MB of returns), "
             "3x with expense ratio, rate and spread; outputs checked equal to the numpy reference (rtol 1e-12)"]
    lines += [f"  ({note})" for note in notes]
    lines += table("  terminal values (one read pass)", [
        ("one read pass (compiled parallel sum)", t["read"], f"{size / t['read'][0] / 1e3:.1f} GB/s"),
        ("kernel fund_terminal (input checks in the pass)", t["kernel_terminal"],
         f"{pct(t['read'], t['kernel_terminal'])} of a read pass; {vs('kernel_terminal')}"),
        ("kernel, trading-cost branch", t["kernel_terminal_tc"], f"{pct(t['read'], t['kernel_terminal_tc'])}"),
        ("terminal_value()", t["public_terminal"],
         f"{pct(t['read'], t['public_terminal'])} of a read pass (target >= 80%); {vs('public_terminal')}"),
        ("terminal_value(out=...)", t["public_terminal_out"], f"{pct(t['read'], t['public_terminal_out'])}"),
        ("best numpy: in place, 256-path blocks", t["np_best_terminal"], ""),
        *((k.removeprefix("x_terminal "), v, vs(k)) for k, v in t.items() if k.startswith("x_terminal ")),
        ("numpy reference (reference.fund_terminal)", t["np_ref_terminal"],
         f"best numpy is {t['np_ref_terminal'][0] / t['np_best_terminal'][0]:.1f}x faster"),
    ])
    lines += table("  full paths (one read and one write pass)", [
        ("read + write pass, output already touched", t["read_write"],
         f"{2 * size / t['read_write'][0] / 1e3:.1f} GB/s moved"),
        ("read + write pass into a fresh np.empty", t["read_write_fresh"], "page faults on first touch"),
        ("kernel fund_paths (input checks in the pass)", t["kernel_paths"],
         f"{pct(t['read_write'], t['kernel_paths'])} of read+write; {vs('kernel_paths')}"),
        ("simulate_fund() (fresh output)", t["public_paths"],
         f"{pct(t['read_write_fresh'], t['public_paths'])} of read+write into a fresh array (target >= 80%); "
         f"{vs('public_paths')}"),
        ("simulate_fund(out=...)", t["public_paths_out"],
         f"{pct(t['read_write'], t['public_paths_out'])} of read+write (target >= 80%)"),
        ("best numpy: in place, 256-path blocks", t["np_best_paths"], ""),
        *((k.removeprefix("x_paths "), v, vs(k)) for k, v in t.items() if k.startswith("x_paths ")),
        ("numpy reference (reference.fund_paths)", t["np_ref_paths"],
         f"best numpy is {t['np_ref_paths'][0] / t['np_best_paths'][0]:.1f}x faster"),
    ])
    return lines


def monte_carlo_benchmarks(rounds: int) -> list[str]:
    args = dict(leverage=3.0, mu=0.08, sigma=0.2, n_days=N_DAYS)
    carry = 0.0
    ours = lettools.simulate_outcomes(**args, n_paths=MC_PATHS, seed=1)
    theirs = numpy_outcomes(3.0, 0.08, 0.2, N_DAYS, MC_PATHS, 1, carry, chunk=8)
    np.testing.assert_allclose(ours.fund, theirs[0], rtol=1e-11)
    np.testing.assert_allclose(ours.static, theirs[1], rtol=1e-11, atol=1e-13)
    with_costs = lettools.simulate_outcomes(**args, n_paths=5000, seed=2, rate=0.04,
                                            expense_ratio=0.0091, trading_cost=0.001)
    gbm = lettools.gbm_returns(5000, N_DAYS, 0.08, 0.2, seed=2)
    np.testing.assert_allclose(with_costs.fund, lettools.terminal_value(
        gbm, 3, rate=0.04, expense_ratio=0.0091, trading_cost=0.001), rtol=1e-11)
    rng_limit(1, 2048, 5)

    t = timed({
        "rng": lambda: rng_limit(1, MC_PATHS, N_DAYS),
        "ours": lambda: lettools.simulate_outcomes(**args, n_paths=MC_PATHS, seed=1),
        "rng_widget": lambda: rng_limit(1, 20_000, N_DAYS),
        "ours_widget": lambda: lettools.simulate_outcomes(**args, n_paths=20_000, seed=1),
        "ours_tiny": lambda: lettools.simulate_outcomes(3.0, 0.08, 0.2, 1, n_paths=2048, seed=1),
        "rng_tiny": lambda: rng_limit(1, 2048, 1),
    }, rounds)
    numpy_times = timed({
        (chunk, threads): (lambda c=chunk, th=threads: numpy_outcomes(3.0, 0.08, 0.2, N_DAYS, MC_PATHS, 1, carry, c,
                                                                       th))
        for chunk in (1, 4, 16) for threads in (1, 2)
    }, max(3, rounds // 4))
    (best1, _), np1 = min(((k, v) for k, v in numpy_times.items() if k[1] == 1), key=lambda kv: kv[1][0])
    (best2, _), np2 = min(((k, v) for k, v in numpy_times.items() if k[1] == 2), key=lambda kv: kv[1][0])
    single = timed_single_thread(rounds)
    tracemalloc.start()
    lettools.simulate_outcomes(**args, n_paths=MC_PATHS, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    width = max(8, min(256, kernels.GBM_SUB_BLOCK_BYTES // (8 * N_DAYS)))
    buffer = (width + 8) * N_DAYS * 8 + 3 * width * 8
    lines = [f"simulate_outcomes: {MC_PATHS:,} paths x {N_DAYS} days, 3x, fund and static position; "
             "outputs checked equal to numpy's (rtol 1e-11), the cost parameters to terminal_value"]
    lines += table(f"  ({numba.get_num_threads()} threads)", [
        ("RNG limit: draw the same normals, same blocks and pool", t["rng"], ""),
        ("simulate_outcomes", t["ours"], f"{pct(t['rng'], t['ours'])} of the RNG limit (target >= 75%)"),
        (f"numpy, 1 thread, {1024 * best1:,}-path chunks", np1, f"lettools {np1[0] / t['ours'][0]:.2f}x faster"),
        (f"numpy, 2 threads, {1024 * best2:,}-path chunks", np2, f"lettools {np2[0] / t['ours'][0]:.2f}x faster"),
        ("RNG limit at widget size, 20,000 x 252", t["rng_widget"], ""),
        ("simulate_outcomes, 20,000 x 252", t["ours_widget"], f"{pct(t['rng_widget'], t['ours_widget'])}"),
        ("simulate_outcomes, 2,048 x 1 (fixed cost per call)", t["ours_tiny"],
         f"RNG limit for the same draws {1e3 * t['rng_tiny'][0]:.2f} ms; overhead "
         f"{1e3 * (t['ours_tiny'][0] - t['rng_tiny'][0]):.2f} ms (target < 2 ms)"),
    ])
    lines.append(f"  one thread, CPU time (least disturbed by the load): simulate_outcomes at "
                 f"{single[0] / single[1]:.0%} of the RNG limit (min {1e3 * single[1]:.0f} ms against "
                 f"{1e3 * single[0]:.0f} ms)")
    lines.append(f"  memory: peak Python-tracked {peak / 1e6:.2f} MB for 100,000 paths (the two results); "
                 f"each kernel call adds one {buffer / 1e3:.0f} kB buffer; the returns would take "
                 f"{MC_PATHS * N_DAYS * 8 / 1e6:.0f} MB")
    return lines


def timed_single_thread(rounds: int) -> tuple[float, float]:
    """Min CPU seconds of the RNG limit and of simulate_outcomes (100k x 252) on one thread."""
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        t = timed({
            "rng": lambda: rng_limit(1, MC_PATHS, N_DAYS),
            "ours": lambda: lettools.simulate_outcomes(3.0, 0.08, 0.2, N_DAYS, n_paths=MC_PATHS, seed=1),
        }, rounds)
    finally:
        numba.set_num_threads(before)
    return t["rng"][2], t["ours"][2]


FIRST_CALLS = """
import sys, time
t0 = time.perf_counter()
import lettools
t1 = time.perf_counter()
lettools.log_growth_rate(3, 0.08, 0.2); lettools.cost_breakdown(3, rate=0.04, expense_ratio=0.009)
closed_only = "numba" not in sys.modules
import numpy as np
t2 = time.perf_counter()
small = [0.01, -0.02, 0.03]
big = np.full((200, 200), 0.001)
lettools.simulate_fund(small, 2); lettools.simulate_fund(big, 2)
lettools.terminal_value(small, 2); lettools.terminal_value(big, 2)
lettools.static_leverage_path(small, 2); lettools.static_leverage_path(big, 2)
lettools.simulate_outcomes(2, 0.05, 0.2, 10, n_paths=5000, seed=0)
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t3 - t2:.3f} {int(closed_only)}")
"""


def startup_benchmarks(rounds: int) -> list[str]:
    def run(cache_dir: str) -> tuple[float, float, int]:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
        out = subprocess.run(
            [sys.executable, "-c", FIRST_CALLS], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        return float(out[0]), float(out[1]), int(out[2])

    with tempfile.TemporaryDirectory() as cache_dir:
        _, cold, _ = run(cache_dir)  # empty cache: compiles every kernel and writes the cache
        warm = [run(cache_dir) for _ in range(max(5, rounds // 4))]
    imports = [t for t, _, _ in warm]
    first_calls = [t for _, t, _ in warm]
    lazy = all(flag for _, _, flag in warm)
    return [
        "start-up (fresh subprocesses)",
        f"  import lettools                     min {min(imports):.3f} s, median {statistics.median(imports):.3f} s "
        f"(target < 0.3 s); numba {'not ' if lazy else ''}imported by closed forms",
        f"  first call of every kernel, warm    min {min(first_calls):.3f} s, median "
        f"{statistics.median(first_calls):.3f} s (numba import included; target < 0.3 s)",
        f"  first call of every kernel, cold    {cold:.3f} s (empty NUMBA_CACHE_DIR: compile time)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--no-extras", action="store_true", help="skip numexpr and JAX")
    parser.add_argument("--section", choices=("fund", "small", "mc", "startup"), action="append",
                        help="run only these sections (repeatable)")
    options = parser.parse_args()
    rounds = 6 if options.quick else 15
    sections = options.section or ["fund", "small", "mc", "startup"]
    load = os.getloadavg()[0]
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads), "
        f"numpy {np.__version__}, Python {platform.python_version()}; load average at start {load:.2f}"
    )
    runs = {
        "fund": lambda: simulator_benchmarks(BIG_PATHS, max(5, rounds // 2), not options.no_extras),
        "small": lambda: simulator_benchmarks(SMALL_PATHS, rounds, False),
        "mc": lambda: monte_carlo_benchmarks(rounds),
        "startup": lambda: startup_benchmarks(rounds),
    }
    for section in sections:
        print()
        print("\n".join(runs[section]()))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
