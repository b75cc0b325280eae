"""Numba's ``njit`` with an on-disk cache that never breaks an import.

``cache=True`` makes numba look for a writable folder when a function is
decorated; on a read-only install with no writable HOME (some JupyterHubs) it
raises instead. Those installs fall back to compiling in memory, silently:
a warning would land in every notebook output that imports ``lettools``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TypeVar

import numba
from numba.core.errors import NumbaWarning

F = TypeVar("F", bound=Callable)


def njit(func: F | None = None, **options) -> F:
    """Compile ``func`` in nopython mode, caching on disk when that is possible.

    Use as ``@njit`` or ``@njit(parallel=True)``.
    """
    if func is None:
        return lambda f: njit(f, **options)  # type: ignore[return-value]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaWarning)
            return numba.njit(cache=True, nogil=True, **options)(func)
    except RuntimeError:
        return numba.njit(cache=False, nogil=True, **options)(func)
