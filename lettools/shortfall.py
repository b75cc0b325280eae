"""Holding-period risks of a fund that resets once a day, by seeded simulation, at every horizon.

The continuous-time closed forms of :mod:`lettools.holding` make the fund's value a
function of the index's value alone, ``V = X^L exp((L - L^2) sigma^2 t / 2)``: the
realised variance is deterministic. A real fund resets once a day, and its realised
variance over a holding period is random. For the chance of *lagging* ``L`` times the
index at all, or of *losing* more than a threshold, the difference is about one
percentage point from a month on; for the chance of lagging by *more than a margin* (a
shortfall) it is up to ten or more, because the continuous model bounds the lag and the
daily-reset fund does not. :func:`simulate_shortfall_curves` therefore simulates daily
resets at every horizon, with one numba kernel, and :func:`shortfall_curves_reference`
is its plain-numpy twin (the tests compare them on the same random numbers).

The index follows geometric Brownian motion sampled daily, with zero costs: the numbers
show the daily reset itself. A fund that a day wipes out stays at zero.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from ._numba import lazy_njit
from ._seeds import check_seed
from ._seeds import generator as seeded_generator
from ._typing import ArrayLike, SeedLike
from ._validation import as_array, as_positive_int, as_scalar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["simulate_shortfall_curves", "simulate_shortfall_curves_grid", "shortfall_curves_reference",
           "standard_normals"]


_MAX_DRAWS = 50_000_000
"""Largest ``n_paths * max_days``: the draws are held in memory at once (400 MB at this bound)."""


@functools.lru_cache(maxsize=4)
def standard_normals(n_paths: int, max_days: int, seed: int) -> np.ndarray:
    """Seeded standard normal draws, shape ``(n_paths, max_days)``, read-only and cached.

    Every leverage and volatility is simulated on the same draws (common random numbers),
    so curves for neighbouring settings differ by the model, not by sampling noise.
    """
    draws = np.random.default_rng(seed).standard_normal((n_paths, max_days))
    draws.flags.writeable = False
    return draws


def _normals(n_paths: int, max_days: int, seed: SeedLike) -> np.ndarray:
    """:func:`standard_normals` (cached) for an int seed; fresh draws from ``default_rng`` of a
    SeedSequence (the same draws as its int) or from a Generator itself (consumed)."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return standard_normals(n_paths, max_days, int(seed))
    draws = seeded_generator(seed, negative=TypeError).standard_normal((n_paths, max_days))
    draws.flags.writeable = False
    return draws


_BLOCK = 64
"""Paths advanced together, day by day, in :func:`_curves_kernel` (the counts vectorise over them)."""


@lazy_njit
def _curves_kernel(normals, leverages, drift, volatility, shortfall, loss_level):
    """Counts, per leverage and day, of paths lagging ``1 + L (S/S0 - 1)``, trailing it by more than
    ``shortfall``, and below ``loss_level``: an array of shape ``(3, len(leverages), n_days)``.

    The index's growth factor is drawn once per path and day and shared by every leverage (one
    ``exp`` per path and day, whatever the number of leverages). Paths advance in blocks of
    ``_BLOCK``, day by day, and each day's counts are integer sums over the block, so the
    comparisons vectorise; the arithmetic of each path is the same, so are the counts.
    """
    n_paths, n_days = normals.shape
    n_leverages = leverages.size
    counts = np.zeros((3, n_leverages, n_days))
    fund = np.empty((n_leverages, _BLOCK))
    index = np.empty(_BLOCK)
    factor = np.empty(_BLOCK)
    for first in range(0, n_paths, _BLOCK):
        width = min(n_paths - first, _BLOCK)
        fund[:, :] = 1.0
        index[:] = 1.0
        for day in range(n_days):
            for p in range(width):
                growth = np.exp(drift + volatility * normals[first + p, day])  # the index's growth factor 1 + R
                factor[p] = growth
                index[p] = index[p] * growth
            for k in range(n_leverages):
                leverage = leverages[k]
                row = fund[k]
                lag = 0
                short = 0
                lost = 0
                if leverage == 1.0:  # the fund is the index itself
                    for p in range(width):
                        value = row[p] * (factor[p] if factor[p] > 0.0 else 0.0)
                        row[p] = value
                        lag += value < index[p]
                        short += value < index[p] - shortfall
                        lost += value < loss_level
                else:
                    for p in range(width):
                        # 1 + L R, written so that on day 1 it equals the static position's value bit for bit
                        # (no spurious lag from rounding).
                        growth = 1.0 + leverage * (factor[p] - 1.0)
                        value = row[p] * (growth if growth > 0.0 else 0.0)
                        row[p] = value
                        static = 1.0 + leverage * (index[p] - 1.0)
                        lag += value < static
                        short += value < static - shortfall
                        lost += value < loss_level
                counts[0, k, day] += lag
                counts[1, k, day] += short
                counts[2, k, day] += lost
    return counts


def _checked(leverage, sigma, max_days, shortfall, loss, n_paths, seed, mu, periods_per_year):
    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)  # the bounds of gbm_returns
    max_days = as_positive_int(max_days, "max_days")
    shortfall = as_scalar(shortfall, "shortfall", minimum=0.0)
    loss = as_scalar(loss, "loss", minimum=0.0, maximum=1.0)
    if loss == 1.0:
        raise ValueError("loss must be < 1 (the fund cannot lose more than 100%)")
    n_paths = as_positive_int(n_paths, "n_paths")
    if n_paths * max_days > _MAX_DRAWS:
        raise ValueError(f"n_paths x max_days = {n_paths * max_days:,}; at most {_MAX_DRAWS:,} (the draws are held in"
                         " memory at once)")
    seed = check_seed(seed, negative=TypeError)
    mu = as_scalar(mu, "mu", minimum=-10.0, maximum=10.0)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    drift = (mu - 0.5 * sigma**2) / periods_per_year
    volatility = sigma / np.sqrt(periods_per_year)
    return leverage, max_days, shortfall, loss, n_paths, seed, drift, volatility


def _frame(lag, short, loss, n_paths) -> pd.DataFrame:
    import pandas as pd  # lazily: keeps `import lettools` fast

    return pd.DataFrame(
        {"lag": lag / n_paths, "shortfall": short / n_paths, "loss": loss / n_paths},
        index=pd.RangeIndex(1, lag.size + 1, name="n_days"),
    )


def simulate_shortfall_curves(
    leverage: float,
    sigma: float,
    max_days: int,
    *,
    shortfall: float = 0.05,
    loss: float = 0.2,
    n_paths: int = 10_000,
    seed: SeedLike = 0,
    mu: float = 0.0,
    periods_per_year: int = 252,
) -> pd.DataFrame:
    """Chance, at each holding period, that a daily-reset fund lags, trails by a margin, or loses.

    Each day the index grows by the factor ``1 + R = exp(drift + vol Z)``, with
    ``drift = (mu - sigma^2 / 2) / P`` and ``vol = sigma / sqrt(P)``; the fund grows by
    ``max(1 + L R, 0)``. After ``h`` days, with ``X`` the index's growth factor and ``V`` the
    fund's, the three events are ``V < 1 + L (X - 1)`` (lag), ``V < 1 + L (X - 1) - shortfall``
    (shortfall) and ``V < 1 - loss`` (loss).

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L`` (negative for an inverse fund).
    sigma : float
        Index volatility, annual decimal, in [0, 5] (the bounds of :func:`lettools.gbm_returns`).
    max_days : int
        Longest holding period, trading days; every horizon from 1 is reported.
    shortfall : float, default 0.05
        Margin of the shortfall event, decimal of the amount invested (0.05 is five
        percentage points of return), >= 0.
    loss : float, default 0.2
        Loss threshold, decimal in [0, 1).
    n_paths : int, default 10000
        Simulated paths; the standard error of each probability is at most
        ``0.5 / sqrt(n_paths)`` (0.5 percentage points for 10,000). ``n_paths * max_days``
        is at most 5e7 (the draws are held in memory at once).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the standard normal draws (:func:`standard_normals`, cached for an int): the
        same seed gives the same table, and every setting uses the same draws. A SeedSequence
        gives the draws of the int it was made from; a Generator is drawn from directly, so it
        is consumed (:mod:`lettools._seeds`).
    mu : float, default 0.0
        Index drift, annual decimal (``E[S_t / S_0] = exp(mu t)``), in [-10, 10].
    periods_per_year : int, default 252
        Trading days in a year (``P``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``n_days`` (1 to ``max_days``), columns ``lag``, ``shortfall`` and ``loss``,
        probabilities in [0, 1].

    Raises
    ------
    ValueError
        If a parameter is out of range (the message names it).
    TypeError
        If ``seed`` is not a non-negative whole number.

    Examples
    --------
    >>> curves = simulate_shortfall_curves(3, 0.2, 21, n_paths=1000, seed=0)
    >>> curves.shape
    (21, 3)
    >>> curves.round(3).iloc[-1].tolist()
    [0.661, 0.0, 0.114]
    """
    leverage, max_days, shortfall, loss, n_paths, seed, drift, volatility = _checked(
        leverage, sigma, max_days, shortfall, loss, n_paths, seed, mu, periods_per_year)
    normals = _normals(n_paths, max_days, seed)
    counts = _curves_kernel(normals, np.array([leverage]), drift, volatility, shortfall, 1.0 - loss)
    return _frame(counts[0, 0], counts[1, 0], counts[2, 0], n_paths)


def simulate_shortfall_curves_grid(
    leverages: ArrayLike,
    sigma: float,
    max_days: int,
    *,
    shortfall: float = 0.05,
    loss: float = 0.2,
    n_paths: int = 10_000,
    seed: SeedLike = 0,
    mu: float = 0.0,
    periods_per_year: int = 252,
) -> dict[float, pd.DataFrame]:
    """:func:`simulate_shortfall_curves` for several leverages at once, on the same paths.

    One pass over the paths serves every leverage, so a grid of leverages costs little more
    than one. Each table equals what :func:`simulate_shortfall_curves` returns for that
    leverage with the same arguments.

    Parameters
    ----------
    leverages : array_like
        Daily leverage targets (1-D, at least one).
    sigma, max_days, shortfall, loss, n_paths, seed, mu, periods_per_year
        As in :func:`simulate_shortfall_curves`.

    Returns
    -------
    dict of float to pandas.DataFrame
        One table per leverage, keyed by the leverage as a float.

    Examples
    --------
    >>> grid = simulate_shortfall_curves_grid([2, 3], 0.2, 21, n_paths=1000, seed=0)
    >>> sorted(grid)
    [2.0, 3.0]
    """
    values = np.atleast_1d(as_array(leverages, "leverages", ndim=(0, 1)))
    _, max_days, shortfall, loss, n_paths, seed, drift, volatility = _checked(
        float(values[0]), sigma, max_days, shortfall, loss, n_paths, seed, mu, periods_per_year)
    normals = _normals(n_paths, max_days, seed)
    counts = _curves_kernel(normals, values, drift, volatility, shortfall, 1.0 - loss)
    return {float(value): _frame(counts[0, k], counts[1, k], counts[2, k], n_paths)
            for k, value in enumerate(values)}


def shortfall_curves_reference(
    leverage: float,
    sigma: float,
    max_days: int,
    *,
    shortfall: float = 0.05,
    loss: float = 0.2,
    n_paths: int = 10_000,
    seed: SeedLike = 0,
    mu: float = 0.0,
    periods_per_year: int = 252,
) -> pd.DataFrame:
    """Plain-numpy twin of :func:`simulate_shortfall_curves` (same draws, same table), for tests."""
    leverage, max_days, shortfall, loss, n_paths, seed, drift, volatility = _checked(
        leverage, sigma, max_days, shortfall, loss, n_paths, seed, mu, periods_per_year)
    normals = _normals(n_paths, max_days, seed)
    factors = np.exp(drift + volatility * normals)
    growth = factors if leverage == 1.0 else 1.0 + leverage * (factors - 1.0)
    fund = np.cumprod(np.maximum(growth, 0.0), axis=1)
    index = np.cumprod(factors, axis=1)
    static = index if leverage == 1.0 else 1.0 + leverage * (index - 1.0)
    lag = np.sum(fund < static, axis=0).astype(float)
    short = np.sum(fund < static - shortfall, axis=0).astype(float)
    losing = np.sum(fund < 1.0 - loss, axis=0).astype(float)
    return _frame(lag, short, losing, n_paths)
