"""Numba's ``njit`` for lettools: loaded lazily, cached on disk when possible, safe under threads.

* **Lazy.** Importing this module does not import numba (0.2-0.4 s): :func:`njit` imports it
  when it decorates, so the modules that hold kernels (:mod:`lettools.kernels`) are imported
  on first use, and :func:`lazy_njit` defers even the decoration to the first call.
* **Cache.** ``cache=True`` makes numba look for a writable folder when a function is
  decorated; on a read-only install with no writable HOME (some JupyterHubs) it raises
  instead, and those installs compile in memory: one line on stderr, once per process, says
  why every new process compiles again and how to give numba a folder (``NUMBA_CACHE_DIR``).
  A cache that cannot be read (a truncated index, a file from another
  numba) is skipped: the kernel compiles in memory and one line goes to stderr, once per
  process.
* **Threads.** The kernels release the GIL, which invites threads. numba's default
  ``workqueue`` threading layer aborts the process when two threads run parallel kernels at
  once, so every ``parallel=True`` kernel is called under one lock: parallel kernels already
  use every core, so serialising them costs no throughput. Serial kernels run concurrently.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable)

PARALLEL_MIN_SIZE = 20_000
"""Inputs with fewer elements (paths x days) than this run on a kernel's serial build."""

PARALLEL_LOCK = threading.Lock()
"""Held while any parallel kernel runs (see the module notes)."""

_cache_warned = False


def _warn_cache(exc: BaseException) -> None:
    global _cache_warned
    if not _cache_warned:
        _cache_warned = True
        print(
            f"lettools: numba's on-disk cache is unreadable ({type(exc).__name__}: {exc}); "
            "compiling in memory instead (delete the __pycache__ folder next to lettools to repair it)",
            file=sys.stderr,
        )


_no_cache_warned = False


def _warn_no_cache(exc: BaseException) -> None:
    global _no_cache_warned
    if not _no_cache_warned:
        _no_cache_warned = True
        print(
            f"lettools: numba found no writable folder for its cache ({exc}); compiling in memory, "
            "so every new process compiles the kernels again (10-20 s): set NUMBA_CACHE_DIR to a "
            "writable folder to keep them",
            file=sys.stderr,
        )


def _robust_cache_class():
    """numba's per-function cache, made to treat an unreadable cache as an empty one."""
    from numba.core.caching import FunctionCache

    class RobustCache(FunctionCache):
        def load_overload(self, sig, target_context):
            try:
                return super().load_overload(sig, target_context)
            except Exception as exc:  # truncated index, unpicklable data, version skew
                _warn_cache(exc)
                return None

        def save_overload(self, sig, data):
            try:
                super().save_overload(sig, data)
            except Exception as exc:  # the same unreadable index, met again when saving
                _warn_cache(exc)

    return RobustCache


def num_threads() -> int:
    """The number of threads numba's parallel kernels use (imports numba)."""
    import numba

    return numba.get_num_threads()


KERNEL_WRAPPERS: tuple[type, ...] = ()
"""Set below: the classes that wrap a numba dispatcher (tools that look for kernels use it)."""


class _Locked:
    """A parallel kernel called under :data:`PARALLEL_LOCK`."""

    def __init__(self, dispatcher) -> None:
        self.dispatcher = dispatcher
        self.__doc__ = dispatcher.__doc__
        self.__name__ = dispatcher.__name__
        self.__wrapped__ = dispatcher.py_func

    @property
    def py_func(self) -> Callable:
        return self.dispatcher.py_func

    @property
    def signatures(self) -> list:
        """The signatures compiled so far (as numba's dispatcher reports them)."""
        return self.dispatcher.signatures

    def __call__(self, *args):
        with PARALLEL_LOCK:
            return self.dispatcher(*args)


def njit(func: F | None = None, **options) -> F:
    """Compile ``func`` in nopython mode with ``nogil``, caching on disk when that is possible.

    Use as ``@njit`` or ``@njit(parallel=True)``. A parallel kernel comes back wrapped so
    that it runs under :data:`PARALLEL_LOCK`; it can then be called from Python only
    (not from another kernel), which is how lettools uses its parallel kernels.
    """
    if func is None:
        return lambda f: njit(f, **options)  # type: ignore[return-value]
    import numba
    from numba.core.errors import NumbaWarning

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaWarning)
            dispatcher = numba.njit(cache=True, nogil=True, **options)(func)
        dispatcher._cache = _robust_cache_class()(dispatcher.py_func)
    except RuntimeError as exc:  # no writable cache folder anywhere
        _warn_no_cache(exc)
        dispatcher = numba.njit(cache=False, nogil=True, **options)(func)
    return _Locked(dispatcher) if options.get("parallel") else dispatcher  # type: ignore[return-value]


_LAZY_LOCK = threading.Lock()


class _Lazy:
    """A kernel decorated with :func:`njit` on its first call, so that importing it costs nothing."""

    def __init__(self, func: Callable, options: dict[str, Any]) -> None:
        self.py_func = func
        self.options = options
        self.compiled: Any = None  # the numba dispatcher, once compiled
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self.__wrapped__ = func

    @property
    def signatures(self) -> list:
        """The signatures compiled so far: none before the first call."""
        return [] if self.compiled is None else self.compiled.signatures

    def __call__(self, *args):
        if self.compiled is None:
            with _LAZY_LOCK:  # two threads' first calls compile (or load) the kernel once
                if self.compiled is None:
                    self.compiled = njit(self.py_func, **self.options)
        return self.compiled(*args)


KERNEL_WRAPPERS = (_Locked, _Lazy)


def lazy_njit(func: F | None = None, **options) -> F:
    """:func:`njit`, deferred to the first call (for kernels that no other kernel calls)."""
    if func is None:
        return lambda f: lazy_njit(f, **options)  # type: ignore[return-value]
    return _Lazy(func, options)  # type: ignore[return-value]
