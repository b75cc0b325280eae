"""Compile every numba kernel in lettools once, so its on-disk cache is warm.

Binder's ``postBuild`` runs this so a learner's first chapter cell does not wait
for compilation (numba caches per CPU model, and Binder builds and runs on the
same kind of machine). Set ``NUMBA_CACHE_DIR`` to choose where the cache goes.

If lettools provides ``warm_cache()``, that is called; otherwise each public
function that runs a kernel is called once on tiny inputs. Afterwards every
kernel found in lettools must be warm, compiled in this run or found in the on-disk
cache for this CPU (on a second run the kernels come from the cache, and a helper that
only other kernels call is then never compiled in the process): a kernel this script does
not reach is reported and the exit status is 1, so a new kernel cannot be forgotten.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import numpy as np
from numba.core.dispatcher import Dispatcher

from lettools._numba import KERNEL_WRAPPERS


def find_kernels() -> dict[str, Dispatcher]:
    """Every numba-compiled function defined in a lettools module, by qualified name."""
    import lettools

    kernels = {}
    for info in pkgutil.iter_modules(lettools.__path__, prefix="lettools."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, (Dispatcher, *KERNEL_WRAPPERS)) and obj.py_func.__module__ == info.name:
                kernels[f"{info.name}.{name}"] = obj
    return kernels


def is_warm(kernel) -> bool:
    """Whether ``kernel`` has a compiled signature, or one in its on-disk cache for this CPU and source."""
    if kernel.signatures:
        return True
    dispatcher = getattr(kernel, "dispatcher", None) or getattr(kernel, "compiled", None) or kernel
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is None or not hasattr(dispatcher, "targetctx"):  # never compiled, or no disk cache
        return False
    magic = dispatcher.targetctx.codegen().magic_tuple()  # the target CPU and its features
    return any(key[1] == magic for key in cache_file._load_index())  # an empty index when stale


def call_public_functions() -> None:
    """Reach each kernel through the public function a chapter would call."""
    import lettools
    from lettools import kernels
    from lettools.feedback import simulate_reflexive_market
    from lettools.shortfall import shortfall_counts_sigmas

    # Small inputs take the serial kernels, large ones (lettools' threshold) the parallel ones.
    large_days = getattr(kernels, "PARALLEL_MIN_SIZE", 0) // 2 + 1
    for n_days in (5, large_days):
        paths = np.full((2, n_days), 0.0001)
        lettools.simulate_fund(paths, 2.0)
        lettools.terminal_value(paths, 3.0)
        lettools.static_leverage_path(paths, 2.0)
    lettools.simulate_outcomes(2.0, 0.05, 0.2, 5, n_paths=10, seed=1)
    lettools.simulate_outcomes_sigmas(2.0, 0.05, [0.1, 0.2], 5, n_paths=10, seed=1)
    simulate_reflexive_market(np.full(5, 0.0001), fund_assets=[1.0], leverages=[2.0], depth=100.0)
    lettools.simulate_shortfall_curves(3.0, 0.2, 5, n_paths=10, seed=1)
    shortfall_counts_sigmas([3.0, -2.0, 1.0], [0.1, 0.2], 5, n_paths=10, seed=1, rows=(0, 5))


def main() -> int:
    import lettools

    if hasattr(lettools, "warm_cache"):
        lettools.warm_cache()
    else:
        call_public_functions()
    kernels = find_kernels()
    cold = sorted(name for name, kernel in kernels.items() if not is_warm(kernel))
    for name in cold:
        print(f"not compiled by the warm-up: {name}", file=sys.stderr)
    print(f"warmed {len(kernels) - len(cold)} of {len(kernels)} numba kernels")
    return 1 if cold else 0


if __name__ == "__main__":
    sys.exit(main())
