"""Speed of lettools' compiled kernels against plain numpy, measured in one run.

Run from the repository root with the venv active::

    python benchmarks/bench.py            # everything (about a minute)
    python benchmarks/bench.py --quick    # fewer repeats

Every timing is the best of several repeats (the least disturbed by other work on
the machine), and every ratio compares two timings taken in the same run. Targets:

* 20,000 paths x 252 days: terminal values >= 5x faster than numpy and >= 70% of
  the memory-bandwidth bound (one compiled pass summing the same array); full
  paths >= 2x faster than numpy.
* Monte Carlo, 100,000 paths x 252 days: >= 1.5x faster than the best plain-numpy
  version, memory proportional to paths.
* ``import lettools`` < 0.5 s; first call of every kernel from a warm cache < 1 s in all.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import prange

import lettools
from lettools import kernels, reference
from lettools.fund import _prepare
from lettools.paths import gbm_parameters, path_blocks

N_PATHS, N_DAYS = 20_000, 252
MC_PATHS = 100_000
COSTS = dict(expense_ratio=0.0091, rate=0.04, spread=0.01)


@numba.njit(parallel=True, fastmath=True, cache=False)
def row_sums(values, out):
    """The bandwidth bound: one parallel, vectorised pass reading every element once."""
    for row in prange(values.shape[0]):
        total = 0.0
        for column in range(values.shape[1]):
            total += values[row, column]
        out[row] = total


def best_times(functions: dict, repeats: int) -> dict:
    """Shortest wall time of each function over ``repeats`` rounds, calling them in turn each round.

    Taking turns means a burst of other work on the machine hits all of them alike,
    so ratios between them stay fair.
    """
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


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


def simulator_benchmarks(repeats: int) -> list[str]:
    returns = np.random.default_rng(0).normal(0.0004, 0.012, (N_PATHS, N_DAYS))
    matrix, _, leverage, carry, drag, start = _prepare(
        returns, 3.0, COSTS["expense_ratio"], COSTS["rate"], COSTS["spread"], 0.0, 1.0, 252
    )
    final = np.empty(N_PATHS)
    paths = np.empty((N_PATHS, N_DAYS + 1))
    sums = np.empty(N_PATHS)
    # Warm up every kernel (compile or load from cache) before timing.
    row_sums(matrix, sums)
    kernels.fund_terminal(matrix, leverage, carry, drag, start, final)
    kernels.fund_paths(matrix, leverage, carry, drag, start, paths)
    lettools.terminal_value(returns, 3, **COSTS)
    np.testing.assert_allclose(final, reference.fund_terminal(matrix, leverage, carry, drag, start), rtol=1e-12)

    fast = best_times(
        {
            "sum": lambda: row_sums(matrix, sums),
            "terminal": lambda: kernels.fund_terminal(matrix, leverage, carry, drag, start, final),
            "terminal_tc": lambda: kernels.fund_terminal(matrix, leverage, carry, 0.001, start, final),
            "terminal_public": lambda: lettools.terminal_value(returns, 3, **COSTS),
            "paths": lambda: kernels.fund_paths(matrix, leverage, carry, drag, start, paths),
            "paths_public": lambda: lettools.simulate_fund(returns, 3, **COSTS),
        },
        repeats,
    )
    slow = best_times(
        {
            "terminal_np": lambda: reference.fund_terminal(matrix, leverage, carry, drag, start),
            "paths_np": lambda: reference.fund_paths(matrix, leverage, carry, drag, start),
        },
        max(3, repeats // 4),
    )
    t_sum, t_terminal, t_terminal_tc = fast["sum"], fast["terminal"], fast["terminal_tc"]
    t_terminal_public, t_paths, t_paths_public = fast["terminal_public"], fast["paths"], fast["paths_public"]
    t_terminal_np, t_paths_np = slow["terminal_np"], slow["paths_np"]
    ms = lambda t: f"{1e3 * t:8.2f} ms"  # noqa: E731
    return [
        f"simulate_fund, {N_PATHS:,} paths x {N_DAYS} days, 3x with costs",
        f"  bandwidth bound (compiled sum)      {ms(t_sum)}",
        f"  terminal values, kernel             {ms(t_terminal)}   {t_terminal_np / t_terminal:6.1f}x numpy, "
        f"{t_sum / t_terminal:.0%} of bandwidth bound",
        f"  terminal values, with trading cost  {ms(t_terminal_tc)}   {t_sum / t_terminal_tc:.0%} of bandwidth bound",
        f"  terminal values, numpy reference    {ms(t_terminal_np)}",
        f"  terminal_value() incl. validation   {ms(t_terminal_public)}   "
        f"{t_terminal_np / t_terminal_public:6.1f}x numpy",
        f"  full paths, kernel                  {ms(t_paths)}   {t_paths_np / t_paths:6.1f}x numpy",
        f"  full paths, numpy reference         {ms(t_paths_np)}",
        f"  simulate_fund() incl. validation    {ms(t_paths_public)}   {t_paths_np / t_paths_public:6.1f}x numpy",
    ]


def monte_carlo_benchmarks(repeats: int) -> list[str]:
    args = dict(leverage=3.0, mu=0.08, sigma=0.2, n_days=N_DAYS)
    carry = ((1 - 3.0) * 0.0 - 0.0) / 252
    ours = lettools.simulate_outcomes(**args, n_paths=MC_PATHS, seed=1)
    theirs = numpy_outcomes(3.0, 0.08, 0.2, N_DAYS, MC_PATHS, 1, carry, chunk=8)
    np.testing.assert_allclose(ours.fund, theirs[0], rtol=1e-11)
    np.testing.assert_allclose(ours.static, theirs[1], rtol=1e-11)

    contenders = {"lettools": lambda: lettools.simulate_outcomes(**args, n_paths=MC_PATHS, seed=1)}
    for chunk in (1, 4, 16):  # numpy passes over 1, 4 or 16 blocks of 1,024 paths at a time
        for threads in (1, 2):
            contenders[(chunk, threads)] = lambda c=chunk, t=threads: numpy_outcomes(
                3.0, 0.08, 0.2, N_DAYS, MC_PATHS, 1, carry, c, t
            )
    times = best_times(contenders, max(3, repeats // 3))
    t_ours = times.pop("lettools")
    (best_chunk, _), t_np1 = min(((k, t) for k, t in times.items() if k[1] == 1), key=lambda kv: kv[1])
    (best_chunk2, _), t_np2 = min(((k, t) for k, t in times.items() if k[1] == 2), key=lambda kv: kv[1])
    tracemalloc.start()
    lettools.simulate_outcomes(**args, n_paths=MC_PATHS, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return [
        f"simulate_outcomes, {MC_PATHS:,} paths x {N_DAYS} days, 3x (fund and static)",
        f"  lettools (numba, {numba.get_num_threads()} threads)       {1e3 * t_ours:8.1f} ms",
        f"  numpy, 1 thread, {1024 * best_chunk:,}-path chunks   {1e3 * t_np1:8.1f} ms   "
        f"lettools is {t_np1 / t_ours:.2f}x faster",
        f"  numpy, 2 threads, {1024 * best_chunk2:,}-path chunks  {1e3 * t_np2:8.1f} ms   "
        f"lettools is {t_np2 / t_ours:.2f}x faster",
        f"  peak Python-tracked memory of one run: {peak / 1e6:.2f} MB "
        f"(the paths would take {MC_PATHS * N_DAYS * 8 / 1e6:.0f} MB)",
    ]


FIRST_CALLS = """
import time
t0 = time.perf_counter()
import lettools
import numpy as np
t1 = time.perf_counter()
small = [0.01, -0.02, 0.03]
big = np.full((200, 200), 0.001)
lettools.simulate_fund(small, 2); lettools.simulate_fund(big, 2)
lettools.terminal_value(small, 2); lettools.terminal_value(big, 2)
lettools.static_leverage_path(small, 2); lettools.static_leverage_path(big, 2)
lettools.simulate_outcomes(2, 0.05, 0.2, 10, n_paths=5000, seed=0)
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
"""


def startup_benchmarks(repeats: int) -> list[str]:
    def run(cache_dir: str) -> tuple[float, float]:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
        out = subprocess.run(
            [sys.executable, "-c", FIRST_CALLS], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        return float(out[0]), float(out[1])

    with tempfile.TemporaryDirectory() as cache_dir:
        _, cold = run(cache_dir)  # empty cache: compiles every kernel and writes the cache
        warm = [run(cache_dir) for _ in range(max(3, repeats // 4))]
    imports = sorted(t for t, _ in warm)
    first_calls = sorted(t for _, t in warm)
    return [
        "start-up (fresh subprocesses)",
        f"  import lettools                     {imports[len(imports) // 2]:.3f} s (median of {len(imports)})",
        f"  first call of every kernel, warm    {first_calls[len(first_calls) // 2]:.3f} s (median, all kernels)",
        f"  first call of every kernel, cold    {cold:.3f} s (empty NUMBA_CACHE_DIR: compile time)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    repeats = 8 if parser.parse_args().quick else 30
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads, layer chosen at first parallel call), "
        f"numpy {np.__version__}, Python {platform.python_version()}; load average at start {load:.2f}"
    )
    for section in (simulator_benchmarks, monte_carlo_benchmarks, startup_benchmarks):
        print()
        print("\n".join(section(repeats)))


if __name__ == "__main__":
    main()
