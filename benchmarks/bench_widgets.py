"""Time every live explorer over the settings its controls allow, and the precompute of every twin.

An explorer is any zero-argument function named ``*_explorer`` in a page module of
``lettools.book`` that returns a :class:`lettools.twin.Explorer`. One update is what the live
widget does after each change: ``explorer.update(**settings)``, a fresh compute put into the
chart's Vega-Lite spec (building the chart's template when the setting widens an axis).

Settings come from the controls' *live* ranges (``Param.live``: min, max and step of the
slider), not only the grid: every value of each control with the others at their defaults,
every corner (each numeric control at its min or max, every category), and a seeded random
sample of the whole lattice. Each explorer is created fresh in this process, so its first
draw (grid precompute excluded, template built, data computed) is timed too; every numba
kernel is compiled or loaded once beforehand (``scripts/warm_numba_cache.py``), as the Binder
image does.

Reported per explorer: the twin's grid precompute (target < 1 s), the first draw, and the
median and worst update with the setting that was worst (target < 100 ms for every setting,
the first draw included); "cold" is the worst first visit of a setting, before the explorer's
caches (chart templates, simulated curves) hold it: the best of several rounds hides that cost;
"gc" is the part of that cold worst spent in a full garbage collection (see ``FullCollections``),
and "cold CPU" the largest CPU time (all threads) of a first visit, which other work on the
machine disturbs less than wall time.

Run: ``python benchmarks/bench_widgets.py [--sample N] [--rounds R]``
"""

from __future__ import annotations

import argparse
import gc
import inspect
import itertools
import os
import random
import statistics
import sys
import time

import numpy as np

from lettools.book import load_pages
from lettools.twin import Explorer, Param

TARGET_MS = 100.0
GRID_TARGET_S = 1.0


def factories() -> dict[str, callable]:
    """Every ``*_explorer`` factory in lettools: ``module.name`` -> factory."""
    found = {}
    for module in load_pages():
        for name, factory in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_explorer") and factory.__module__ == module.__name__:
                found[f"{module.__name__.removeprefix('lettools.book.')}.{name}"] = factory
    return found


def allowed_values(p: Param) -> list:
    """Every value the live control can send (in the parameter's units), as ``lettools.live`` builds it."""
    if p.categorical:
        return list(p.grid)
    if p.live is not None:
        low, high, step = (float(v) for v in p.live)
    elif p.evenly_spaced:
        low, high, step = p.grid[0], p.grid[-1], p.step
    else:
        return list(p.grid)  # a dropdown of the grid values
    count = int(round((high - low) / step)) + 1
    return [float(np.round(low + i * step, 12)) for i in range(count)]


def sweep(explorer: Explorer, sample: int, seed: int = 0) -> list[dict]:
    """One-at-a-time sweeps of every control, every corner, and a seeded sample of the lattice."""
    names = [p.name for p in explorer.params]
    values = [allowed_values(p) for p in explorer.params]
    defaults = explorer.defaults
    settings = []
    for name, options in zip(names, values, strict=True):
        settings += [{**defaults, name: v} for v in options]
    ends = [options if isinstance(options[0], str) else [options[0], options[-1]] for options in values]
    settings += [dict(zip(names, combo, strict=True)) for combo in itertools.product(*ends)]
    rng = random.Random(seed)
    settings += [{n: rng.choice(options) for n, options in zip(names, values, strict=True)} for _ in range(sample)]
    return settings


class FullCollections:
    """Wall time spent in Python's full (generation-2) garbage collections, which run when they will.

    A full collection walks every object the process holds (this benchmark holds every page's
    explorers: a few hundred thousand objects, 0.1-0.3 s a collection), so the update it lands in
    looks slow; the table's "gc ms" column shows the share of the cold worst that it took.
    """

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                self._start = time.perf_counter()
            else:
                self.total += time.perf_counter() - self._start


FULL_COLLECTIONS = FullCollections()


def time_explorer(factory, sample: int, rounds: int) -> dict:
    start = time.perf_counter()
    explorer = factory()
    explorer.grid_data()
    grid_s = time.perf_counter() - start
    start = time.perf_counter()
    explorer.update()
    first_ms = (time.perf_counter() - start) * 1000.0
    settings = sweep(explorer, sample)
    best = [float("inf")] * len(settings)
    cold = [0.0] * len(settings)
    cold_gc = [0.0] * len(settings)
    cold_cpu = [0.0] * len(settings)
    for round_ in range(rounds):  # the best of a few rounds per setting: the least disturbed by other work
        for i, setting in enumerate(settings):
            collected = FULL_COLLECTIONS.total
            start, start_cpu = time.perf_counter(), time.process_time()
            explorer.update(**setting)
            elapsed = (time.perf_counter() - start) * 1000.0
            best[i] = min(best[i], elapsed)
            if round_ == 0:  # the first visit: nothing the explorer caches (templates, simulations) helps yet
                cold[i] = elapsed
                cold_gc[i] = (FULL_COLLECTIONS.total - collected) * 1000.0
                cold_cpu[i] = (time.process_time() - start_cpu) * 1000.0
    worst = int(np.argmax(best))
    return {
        "grid_s": grid_s, "first_ms": first_ms, "median_ms": statistics.median(best), "worst_ms": best[worst],
        "worst_setting": settings[worst], "count": len(settings), "cold_worst_ms": max(cold),
        "cold_setting": settings[int(np.argmax(cold))], "cold_gc_ms": cold_gc[int(np.argmax(cold))],
        "cold_cpu_ms": max(cold_cpu),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=60, help="random lattice settings per explorer (default 60)")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds per setting; the best counts (default 2)")
    args = parser.parse_args(argv)
    found = factories()
    if not found:
        print("no explorers found")
        return 1
    # Compile (or load from numba's cache) every kernel first, as the Binder image's postBuild does with
    # scripts/warm_numba_cache.py: a kernel met first inside a timed grid would add its compile time
    # (0.4-1 s each) on a machine whose cache was built for another CPU.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
    from warm_numba_cache import call_public_functions

    call_public_functions()
    print(f"load average at start {os.getloadavg()[0]:.2f}; best of {args.rounds} rounds per setting")
    print(f"{'explorer':<38} {'grid s':>7} {'first ms':>9} {'median ms':>10} {'worst ms':>9} {'cold ms':>8} "
          f"{'gc ms':>6} {'cold CPU':>8} {'settings':>9}  worst at")
    slow = []
    for name, factory in found.items():
        r = time_explorer(factory, args.sample, args.rounds)
        over = r["grid_s"] > GRID_TARGET_S or max(r["first_ms"], r["worst_ms"], r["cold_worst_ms"]) > TARGET_MS
        shown = ", ".join(f"{k}={v:g}" if not isinstance(v, str) else f"{k}={v}" for k, v in r["worst_setting"].items())
        if r["cold_worst_ms"] > TARGET_MS:
            shown += "; cold worst at " + ", ".join(
                f"{k}={v:g}" if not isinstance(v, str) else f"{k}={v}" for k, v in r["cold_setting"].items())
        print(f"{name:<38} {r['grid_s']:>7.2f} {r['first_ms']:>9.1f} {r['median_ms']:>10.1f} {r['worst_ms']:>9.1f} "
              f"{r['cold_worst_ms']:>8.1f} {r['cold_gc_ms']:>6.0f} {r['cold_cpu_ms']:>8.1f} "
              f"{r['count']:>9}  "
              f"{shown}{'  OVER TARGET' if over else ''}")
        if over:
            slow.append(name)
    print(f"targets: every update and first draw under {TARGET_MS:.0f} ms, grid under {GRID_TARGET_S:.0f} s; "
          f"{len(found) - len(slow)}/{len(found)} explorers meet them")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
