"""Plain-numpy versions of every kernel in :mod:`lettools.kernels`.

They take the same arguments as the kernels (but return their result instead of
filling an ``out`` array) and compute the same quantities with whole-array
operations. They are slower and use memory proportional to paths x days; the
tests compare them with the kernels, and the benchmark times them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fund_paths", "fund_terminal", "static_paths", "gbm_outcomes"]


def _growth_factors(index_returns, leverage, carry, trading_drag) -> np.ndarray:
    """Daily growth factors, clipped at zero (a factor of zero is a wipeout)."""
    growth = 1.0 + leverage * index_returns + carry - trading_drag * np.abs(index_returns)
    return np.where(growth > 0.0, growth, 0.0)


def fund_paths(index_returns, leverage, carry, trading_drag, start) -> np.ndarray:
    """NAV paths (paths x days + 1), column 0 equal to ``start``."""
    growth = _growth_factors(index_returns, leverage, carry, trading_drag)
    first = np.full((growth.shape[0], 1), start)
    # A zero factor makes every later product zero: the absorbing wipeout.
    return np.cumprod(np.concatenate([first, growth], axis=1), axis=1)


def fund_terminal(index_returns, leverage, carry, trading_drag, start) -> np.ndarray:
    """Final NAV of each path."""
    return start * np.prod(_growth_factors(index_returns, leverage, carry, trading_drag), axis=1)


def static_paths(index_returns, leverage, start) -> np.ndarray:
    """``start * (1 + L (S_t / S_0 - 1))`` per path and day, absorbed at zero."""
    index_level = np.cumprod(1.0 + index_returns, axis=1)
    value = start * ((1.0 - leverage) + leverage * index_level)
    alive = np.logical_and.accumulate(value > 0.0, axis=1)
    body = np.where(alive, value, 0.0)
    return np.concatenate([np.full((body.shape[0], 1), start), body], axis=1)


def gbm_outcomes(generator, drift, volatility, n_days, leverage, carry, trading_drag, start, n_paths):
    """Terminal values ``(fund, static)`` of ``n_paths`` GBM paths drawn from ``generator``.

    Draws the same normals in the same order as the kernel, so the two agree to
    rounding for the same generator state.
    """
    index_returns = np.expm1(drift + volatility * generator.standard_normal((n_paths, n_days)))
    fund = fund_terminal(index_returns, leverage, np.full(n_days, carry), trading_drag, start)
    static = static_paths(index_returns, leverage, start)[:, -1]
    return fund, static
