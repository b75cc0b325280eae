"""Time one live-widget update of every explorer in lettools: compute, draw and build the spec.

An explorer is any zero-argument function named ``*_explorer`` in a page module of
``lettools.book`` that returns a :class:`lettools.twin.Explorer`. One update is what a widget
does after each change: ``explorer.update()`` at the default settings, i.e. a
fresh compute, the chart, and ``chart.to_dict()`` (with schema validation). The
grid behind the fixed axes is computed once beforehand, as a widget does when
it is created. Target: a median under 100 ms.

Run: ``python benchmarks/bench_widgets.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import inspect
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


def time_updates(explorer: Explorer, repeat: int) -> list[float]:
    """Milliseconds of ``repeat`` updates at the default settings, after one warm-up."""
    explorer.grid_data()
    explorer.update()  # warm-up: numba compilation or cache load, Altair's schema
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        explorer.update()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed updates per explorer (default 15)")
    args = parser.parse_args(argv)
    explorers = discover()
    if not explorers:
        print("no explorers found")
        return 1
    slow = []
    print(f"{'explorer':<48} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for name, explorer in explorers.items():
        times = time_updates(explorer, args.repeat)
        median = statistics.median(times)
        flag = "" if median < TARGET_MS else "  over target"
        print(f"{name:<48} {median:>10.1f} {min(times):>8.1f} {max(times):>8.1f}{flag}")
        if median >= TARGET_MS:
            slow.append(name)
    print(f"target: median under {TARGET_MS:.0f} ms per update; {len(explorers) - len(slow)}/{len(explorers)} meet it")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
