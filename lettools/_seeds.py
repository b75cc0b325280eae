"""What a ``seed`` parameter accepts, and how each kind maps to the random streams.

Every seeded function of the engine accepts

- a non-negative whole number: exactly the results it always gave (bit for bit);
- a :class:`numpy.random.SeedSequence`: the same results as the int it was made from
  (``SeedSequence(42)`` draws what ``42`` draws); a spawned child (``ss.spawn(4)[2]``) draws its
  own independent streams. The sequence passed is never mutated: the engine spawns from a copy,
  so passing it twice gives the same results twice;
- a :class:`numpy.random.Generator`: it is *consumed*, like any draw from it. Functions that draw
  in blocks of paths (:func:`lettools.gbm_returns`, :func:`lettools.scenario_returns`,
  :func:`lettools.simulate_outcomes`) take 128 bits from it (``generator.integers`` of four
  uint32 words) and use them as the entropy of a ``SeedSequence``, whose spawned children drive
  the blocks as an int seed's would (the resolved sequence is what
  :attr:`lettools.OutcomeSimulation.seed` records, so a run can be repeated). Functions that
  draw from one stream (:func:`lettools.simulate_holding_risk`,
  :func:`lettools.simulate_shortfall_curves`, ...) draw from the Generator itself (so a fresh
  ``numpy.random.default_rng(n)`` gives there what the int ``n`` gives). Either way
  the same Generator state gives the same results, and a second call with the same Generator
  object gives new, independent draws.

Anything else (``None``, a float, a bool, a string, a legacy ``RandomState``) raises a
TypeError naming the parameter, and a negative int a ValueError (or a TypeError where a
function has always raised one).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["SEED_KINDS", "check_seed", "seed_sequence", "stream_seed", "generator"]

SEED_KINDS = "a non-negative whole number, a numpy.random.SeedSequence or a numpy.random.Generator"


def check_seed(
    seed: object, name: str = "seed", negative: type[Exception] = ValueError
) -> int | np.random.SeedSequence | np.random.Generator:
    """``seed`` as an int (whole numbers), or the SeedSequence or Generator itself; else raise naming ``name``."""
    if isinstance(seed, (np.random.SeedSequence, np.random.Generator)):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be {SEED_KINDS} (it makes the draws reproducible), got {seed!r}")
    if seed < 0:
        raise negative(f"{name} must be non-negative, got {seed}")
    return int(seed)


def _copy(sequence: np.random.SeedSequence) -> np.random.SeedSequence:
    """A fresh copy (no children spawned yet), so that spawning never mutates the caller's sequence."""
    return np.random.SeedSequence(sequence.entropy, spawn_key=sequence.spawn_key, pool_size=sequence.pool_size)


def stream_seed(
    seed: object, name: str = "seed", negative: type[Exception] = ValueError
) -> int | np.random.SeedSequence:
    """An int for whole numbers (unchanged), else the SeedSequence that seeds the streams.

    A SeedSequence is copied; a Generator is consumed: four uint32 words drawn from it are the
    entropy of a new SeedSequence.
    """
    checked = check_seed(seed, name, negative)
    if isinstance(checked, np.random.Generator):
        words = checked.integers(0, 2**32, size=4, dtype=np.uint64)
        return np.random.SeedSequence([int(word) for word in words])
    if isinstance(checked, np.random.SeedSequence):
        return _copy(checked)
    return checked


def seed_sequence(seed: object, name: str = "seed", negative: type[Exception] = ValueError) -> np.random.SeedSequence:
    """The SeedSequence to spawn block streams from: ``SeedSequence(seed)`` for an int, as before."""
    resolved = stream_seed(seed, name, negative)
    return resolved if isinstance(resolved, np.random.SeedSequence) else np.random.SeedSequence(resolved)


def generator(seed: object, name: str = "seed", negative: type[Exception] = ValueError) -> np.random.Generator:
    """One stream: ``numpy.random.default_rng(seed)`` for an int (as before) or a SeedSequence
    (a copy: the same draws as its int), the Generator itself (consumed) for a Generator."""
    checked = check_seed(seed, name, negative)
    if isinstance(checked, np.random.Generator):
        return checked
    if isinstance(checked, np.random.SeedSequence):
        return np.random.default_rng(_copy(checked))
    return np.random.default_rng(checked)
