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

import threading
from typing import TYPE_CHECKING

import numpy as np

from ._seeds import check_seed
from ._seeds import generator as seeded_generator
from ._typing import ArrayLike, SeedLike
from ._validation import as_array, as_positive_int, as_scalar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["simulate_shortfall_curves", "simulate_shortfall_curves_grid", "shortfall_curves_reference",
           "standard_normals", "shortfall_probabilities", "shortfall_counts_sigmas"]


_MAX_DRAWS = 50_000_000
"""Largest ``n_paths * max_days``: the draws are held in memory at once (400 MB at this bound)."""


_DRAWS: dict[tuple[int, int, int], np.ndarray] = {}  # oldest first
_DRAWS_LOCK = threading.Lock()
_DRAWS_KEPT_BYTES = 256 * 2**20
"""Draws kept by :func:`standard_normals`, oldest dropped first (the latest is always kept): enough for the
regulation page's five passes of 10,000 x 504 (200 MB), so that a new setting needs no new draws."""


def standard_normals(n_paths: int, max_days: int, seed: int) -> np.ndarray:
    """Seeded standard normal draws, shape ``(n_paths, max_days)``, read-only and cached.

    Every leverage and volatility is simulated on the same draws (common random numbers),
    so curves for neighbouring settings differ by the model, not by sampling noise. Draws are
    kept up to 256 MB in all (the least recently used dropped first; the latest always kept).
    """
    key = (int(n_paths), int(max_days), int(seed))
    with _DRAWS_LOCK:
        draws = _DRAWS.pop(key, None)
        if draws is not None:
            _DRAWS[key] = draws  # now the most recently used
            return draws
    draws = np.random.default_rng(seed).standard_normal((n_paths, max_days))
    draws.flags.writeable = False
    with _DRAWS_LOCK:
        draws = _DRAWS.pop(key, draws)  # another thread may have drawn the same meanwhile: keep one
        _DRAWS[key] = draws
        while len(_DRAWS) > 1 and sum(kept.nbytes for kept in _DRAWS.values()) > _DRAWS_KEPT_BYTES:
            _DRAWS.pop(next(iter(_DRAWS)))
    return draws


def _normals(n_paths: int, max_days: int, seed: SeedLike) -> np.ndarray:
    """:func:`standard_normals` (cached) for an int seed; fresh draws from ``default_rng`` of a
    SeedSequence (the same draws as its int) or from a Generator itself (consumed)."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return standard_normals(n_paths, max_days, int(seed))
    draws = seeded_generator(seed, negative=TypeError).standard_normal((n_paths, max_days))
    draws.flags.writeable = False
    return draws


def _curves_kernel(normals, leverages, drift, volatility, shortfall, loss_level):
    """Counts, per leverage and day, of paths lagging ``1 + L (S/S0 - 1)``, trailing it by more than
    ``shortfall``, and below ``loss_level``: an array of shape ``(3, len(leverages), n_days)``.

    The compiled :func:`lettools.kernels.shortfall_counts`: the index's growth factor is computed once
    per path and day and shared by every leverage, 256 paths at a time in SIMD lanes.
    """
    from . import kernels  # deferred: importing numba costs 0.2-0.4 s

    return kernels.shortfall_counts(normals, np.ascontiguousarray(leverages, dtype=np.float64), drift, volatility,
                                    shortfall, loss_level)


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
    return _tables(np.stack([lag, short, loss]) / n_paths)


def _tables(probabilities: np.ndarray) -> pd.DataFrame:
    """A ``(3, n_days)`` array of lag, shortfall and loss probabilities as the curves' table."""
    import pandas as pd  # lazily: keeps `import lettools` fast

    return pd.DataFrame(
        {"lag": probabilities[0], "shortfall": probabilities[1], "loss": probabilities[2]},
        index=pd.RangeIndex(1, probabilities.shape[1] + 1, name="n_days"),
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
    probabilities = shortfall_probabilities(values, sigma, max_days, shortfall=shortfall, loss=loss, n_paths=n_paths,
                                            seed=seed, mu=mu, periods_per_year=periods_per_year)
    return {float(value): _tables(probabilities[:, k]) for k, value in enumerate(values)}


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


def shortfall_probabilities(
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
) -> np.ndarray:
    """The numbers of :func:`simulate_shortfall_curves_grid` as one array, without the tables.

    Parameters
    ----------
    leverages : array_like
        Daily leverage targets (1-D, at least one).
    sigma, max_days, shortfall, loss, n_paths, seed, mu, periods_per_year
        As in :func:`simulate_shortfall_curves`.

    Returns
    -------
    numpy.ndarray
        Shape ``(3, len(leverages), max_days)``: the chances of lagging, of trailing by more than
        ``shortfall`` and of losing more than ``loss``, per leverage, for holding periods
        ``1 .. max_days`` (each row equal to the matching column of the grid's tables).

    Examples
    --------
    >>> shortfall_probabilities([2, 3], 0.2, 21, n_paths=1000, seed=0).shape
    (3, 2, 21)
    """
    values = np.atleast_1d(as_array(leverages, "leverages", ndim=(0, 1)))
    _, max_days, shortfall, loss, n_paths, seed, drift, volatility = _checked(
        float(values[0]), sigma, max_days, shortfall, loss, n_paths, seed, mu, periods_per_year)
    normals = _normals(n_paths, max_days, seed)
    return _curves_kernel(normals, values, drift, volatility, shortfall, 1.0 - loss) / n_paths


def shortfall_counts_sigmas(
    leverages: ArrayLike,
    sigmas: ArrayLike,
    max_days: int,
    *,
    shortfall: float = 0.05,
    loss: float = 0.2,
    n_paths: int = 10_000,
    seed: SeedLike = 0,
    mu: float = 0.0,
    periods_per_year: int = 252,
    rows: tuple[int, int] | None = None,
) -> np.ndarray:
    """Path counts behind :func:`shortfall_probabilities` for several volatilities, from one set of draws.

    One compiled pass (:func:`lettools.kernels.shortfall_counts_sigmas`) reads the draws once for every
    volatility and leverage. ``counts[s] / n_paths`` equals
    ``shortfall_probabilities(leverages, sigmas[s], max_days, ...)`` with the same other arguments, bit
    for bit. The counts are whole numbers, so those of disjoint ``rows`` of the same draws add up
    exactly to those of all of them: threads can share a pass.

    Parameters
    ----------
    leverages : array_like
        Daily leverage targets (1-D, at least one).
    sigmas : array_like
        Index volatilities, annual decimals, each in [0, 5] (1-D, at least one).
    max_days, shortfall, loss, n_paths, seed, mu, periods_per_year
        As in :func:`simulate_shortfall_curves` (an int ``seed`` reads the cached draws of
        :func:`standard_normals`).
    rows : tuple of int, optional
        ``(start, stop)``: count only paths ``start .. stop - 1`` of the ``n_paths`` drawn,
        ``0 <= start < stop <= n_paths``; ``None`` (the default) counts them all.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(sigmas), 3, len(leverages), max_days)``: per volatility, the numbers of paths
        lagging, trailing by more than ``shortfall`` and losing more than ``loss``, per leverage and
        holding period ``1 .. max_days`` (float64 holding whole numbers).

    Examples
    --------
    >>> counts = shortfall_counts_sigmas([2, 3], [0.1, 0.2], 21, n_paths=1000, seed=0)
    >>> counts.shape
    (2, 3, 2, 21)
    >>> bool((counts[1] / 1000 == shortfall_probabilities([2, 3], 0.2, 21, n_paths=1000, seed=0)).all())
    True
    """
    from . import kernels  # deferred: importing numba costs 0.2-0.4 s

    values = np.atleast_1d(as_array(leverages, "leverages", ndim=(0, 1)))
    volatilities_in = np.atleast_1d(as_array(sigmas, "sigmas", ndim=(0, 1)))
    if not values.size or not volatilities_in.size:
        raise ValueError("leverages and sigmas must each hold at least one value")
    pairs = [_checked(float(values[0]), float(sigma), max_days, shortfall, loss, n_paths, seed, mu, periods_per_year)
             for sigma in volatilities_in]
    _, max_days, shortfall, loss, n_paths, seed = pairs[0][:6]
    drifts = np.array([pair[6] for pair in pairs], dtype=np.float64)
    volatilities = np.array([pair[7] for pair in pairs], dtype=np.float64)
    if rows is None:
        start, stop = 0, n_paths
    else:
        if (not isinstance(rows, tuple) or len(rows) != 2
                or not all(isinstance(end, (int, np.integer)) and not isinstance(end, bool) for end in rows)):
            raise TypeError(f"rows must be None or a (start, stop) tuple of ints, got {rows!r}")
        start, stop = int(rows[0]), int(rows[1])
        if not 0 <= start < stop <= n_paths:
            raise ValueError(f"rows must satisfy 0 <= start < stop <= n_paths ({n_paths}), got {rows}")
    normals = _normals(n_paths, max_days, seed)[start:stop]
    return kernels.shortfall_counts_sigmas(normals, np.ascontiguousarray(values, dtype=np.float64), drifts,
                                           volatilities, shortfall, 1.0 - loss)
