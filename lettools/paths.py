"""Seeded index return paths: geometric Brownian motion and three teaching scenarios.

Paths are drawn in blocks of ``BLOCK_PATHS`` paths, each block from its own
``numpy.random.Generator(PCG64)`` stream spawned from the seed with
``numpy.random.SeedSequence``. Path ``i`` therefore depends only on the seed
and ``i`` (not on how many paths are asked for, nor on the number of threads),
and :func:`lettools.simulate_outcomes` draws exactly the same paths as
:func:`gbm_returns` for the same seed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator

import numpy as np

from ._seeds import seed_sequence, stream_seed
from ._typing import SeedLike
from ._validation import as_positive_int, as_scalar

__all__ = ["BLOCK_PATHS", "SCENARIOS", "gbm_returns", "scenario_returns"]

# Largest array gbm_returns builds: 2 GB of float64.
MAX_VALUES = 250_000_000

BLOCK_PATHS = 1024
"""Paths per random stream; part of the definition of every seeded path, so it never changes."""


def as_seed(seed) -> int:
    """A non-negative whole number; anything else (``None`` included) is refused by name."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be a non-negative whole number (it makes the paths reproducible), got {seed!r}"
        )
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return int(seed)


def path_blocks(seed: SeedLike, n_paths: int) -> Iterator[tuple[int, int, np.random.Generator]]:
    """``(first_path, stop_path, generator)`` for each block of ``BLOCK_PATHS`` paths.

    The blocks' streams are the children of ``SeedSequence(seed)`` for an int seed; see
    :mod:`lettools._seeds` for a SeedSequence (copied, never mutated) or a Generator (consumed).
    """
    n_blocks = math.ceil(n_paths / BLOCK_PATHS)
    children = seed_sequence(seed).spawn(n_blocks)
    for block, child in enumerate(children):
        first = block * BLOCK_PATHS
        yield first, min(first + BLOCK_PATHS, n_paths), np.random.Generator(np.random.PCG64(child))


def gbm_parameters(mu: float, sigma: float, periods_per_year: int) -> tuple[float, float]:
    """Per-day mean and standard deviation of the index's log return under GBM."""
    return (mu - sigma**2 / 2.0) / periods_per_year, sigma / math.sqrt(periods_per_year)


def gbm_returns(
    n_paths: int, n_days: int, mu: float, sigma: float, *, seed: SeedLike, periods_per_year: int = 252
) -> np.ndarray:
    """Daily simple returns of an index following geometric Brownian motion.

    Each day's return is ``exp((mu - sigma^2 / 2) dt + sigma sqrt(dt) Z) - 1``
    with ``dt = 1 / periods_per_year`` and ``Z`` standard normal, the exact
    distribution of GBM sampled once a day: the index's expected value grows as
    ``exp(mu t)`` and its log return has volatility ``sigma``.

    Parameters
    ----------
    n_paths, n_days : int
        Number of paths (at most 10,000,000) and of days per path (at most 100,000),
        each >= 1; ``n_paths * n_days`` at most 250,000,000 (2 GB of float64).
    mu : float
        Arithmetic annual drift (0.08 is 8% a year).
    sigma : float
        Annual volatility, between 0 and 5 (500% a year; beyond it a day's simple return
        rounds to exactly -1 in float64 and the paths stop meaning anything).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Required; the same seed gives the same paths (see the module notes). A SeedSequence
        gives the paths of the int it was made from (it is not mutated); a Generator is
        consumed: 128 bits drawn from it seed the blocks' streams (:mod:`lettools._seeds`).
    periods_per_year : int
        Trading days per year.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_paths, n_days)``.

    Examples
    --------
    >>> r = gbm_returns(2, 3, 0.08, 0.2, seed=42)
    >>> r.shape
    (2, 3)
    >>> r.round(4).tolist()
    [[0.0055, 0.0079, 0.0006], [-0.0133, 0.0189, 0.0039]]
    """
    n_paths = as_positive_int(n_paths, "n_paths")
    n_days = as_positive_int(n_days, "n_days")
    if n_paths * n_days > MAX_VALUES:
        raise ValueError(
            f"n_paths x n_days = {n_paths * n_days:,} values would need {n_paths * n_days * 8 / 1e9:.1f} GB;"
            f" at most {MAX_VALUES:,} (use lettools.simulate_outcomes for O(paths) memory)"
        )
    mu = as_scalar(mu, "mu", minimum=-10.0, maximum=10.0)
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)
    seed = stream_seed(seed)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    drift, volatility = gbm_parameters(mu, sigma, periods_per_year)
    out = np.empty((n_paths, n_days))
    for first, stop, generator in path_blocks(seed, n_paths):
        normals = generator.standard_normal((stop - first, n_days))
        out[first:stop] = np.expm1(drift + volatility * normals)
    return out


SCENARIOS: dict[str, dict] = {
    "trend": {
        "mu": 0.80,
        "sigma": 0.12,
        "description": "a strong, calm rally: 80% a year drift, 12% volatility",
    },
    "flat": {
        "mu": 0.0,
        "sigma": 0.10,
        "description": "a quiet sideways market: no drift, 10% volatility",
    },
    "choppy": {
        "mu": 0.0,
        "sigma": 0.50,
        "description": "a volatile sideways market: no drift, 50% volatility",
    },
}
"""The teaching scenarios: annual GBM drift ``mu``, volatility ``sigma`` and a one-line description."""


def scenario_returns(kind: str, *, n_days: int = 30, seed: SeedLike, periods_per_year: int = 252) -> np.ndarray:
    """One seeded path of daily index returns for a teaching scenario.

    Parameters
    ----------
    kind : {"trend", "flat", "choppy"}
        Which market (see ``SCENARIOS``).
    n_days : int
        Length of the path in trading days.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Required; the same seed gives the same path (as in :func:`gbm_returns`).
    periods_per_year : int
        Trading days per year.

    Returns
    -------
    numpy.ndarray
        ``n_days`` daily simple returns (the first path of :func:`gbm_returns`
        with the scenario's drift and volatility).

    Examples
    --------
    >>> r = scenario_returns("flat", n_days=10, seed=0)
    >>> r.shape
    (10,)
    >>> r[:3].round(4).tolist()
    [0.0091, -0.0056, 0.0046]
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a string naming a scenario, got {kind!r}")
    if kind not in SCENARIOS:
        choices = ", ".join(repr(k) for k in SCENARIOS)
        raise ValueError(f"kind must be one of {choices}, got {kind!r}")
    scenario = SCENARIOS[kind]
    return gbm_returns(
        1, n_days, scenario["mu"], scenario["sigma"], seed=seed, periods_per_year=periods_per_year
    )[0]
