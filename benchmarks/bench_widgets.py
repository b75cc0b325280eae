"""Time one live-widget update of every explorer in lettools: compute and build the spec.

An explorer is any zero-argument function named ``*_explorer`` in a page module of
``lettools.book`` that returns a :class:`lettools.twin.Explorer`. One update is what a widget
does after each change: ``explorer.update(**settings)``, a fresh compute put into the
chart's Vega-Lite spec. The grid behind the fixed axes is computed once beforehand, as a
widget does when it is created. Updates are timed at settings drawn from the grid; the first draw (building and
validating the chart's structure, once per widget) is reported beside them.
Targets: a median update under 100 ms, a first draw under 500 ms.

Run: ``python benchmarks/bench_widgets.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import random
import statistics
import sys
import time

from lettools.book import load_pages
from lettools.twin import Explorer

TARGET_MS = 100.0


def discover() -> dict[str, Explorer]:
    """Every ``*_explorer`` factory in lettools, built once: ``module.name`` -> explorer."""
    found = {}
    for module in load_pages():
        for name, factory in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_explorer") and factory.__module__ == module.__name__:
                explorer = factory()
                if isinstance(explorer, Explorer):
                    found[f"{module.__name__}.{name}"] = explorer
    return found


def grid_settings(explorer: Explorer, count: int, seed: int = 0) -> list[dict]:
    """``count`` settings drawn (seeded) from the explorer's grid: what a reader moving controls asks for."""
    combos = list(itertools.product(*(p.grid for p in explorer.params)))
    rng = random.Random(seed)
    names = [p.name for p in explorer.params]
    return [dict(zip(names, rng.choice(combos), strict=False)) for _ in range(count)]


def time_updates(explorer: Explorer, repeat: int) -> tuple[list[float], float]:
    """Milliseconds of ``repeat`` updates at varied grid settings, and of one first draw.

    The first draw builds and validates the chart's structure (done once when a
    widget opens, and again only when a setting widens an axis); later updates
    reuse it and compute only the data.
    """
    explorer.grid_data()
    explorer.update()  # warm-up: numba compilation or cache load, Altair's schema
    start = time.perf_counter()
    explorer.chart().to_dict()
    first_draw = (time.perf_counter() - start) * 1000.0
    times = []
    for settings in grid_settings(explorer, repeat):
        start = time.perf_counter()
        explorer.update(**settings)
        times.append((time.perf_counter() - start) * 1000.0)
    return times, first_draw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed updates per explorer (default 15)")
    args = parser.parse_args(argv)
    explorers = discover()
    if not explorers:
        print("no explorers found")
        return 1
    slow = []
    print(f"{'explorer':<48} {'median ms':>10} {'max ms':>8} {'first draw ms':>14}")
    for name, explorer in explorers.items():
        times, first_draw = time_updates(explorer, args.repeat)
        median = statistics.median(times)
        flag = "" if median < TARGET_MS and first_draw < TARGET_MS * 5 else "  over target"
        print(f"{name:<48} {median:>10.1f} {max(times):>8.1f} {first_draw:>14.1f}{flag}")
        if flag:
            slow.append(name)
    print(
        f"targets: median update under {TARGET_MS:.0f} ms, first draw under {TARGET_MS * 5:.0f} ms; "
        f"{len(explorers) - len(slow)}/{len(explorers)} meet them"
    )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
