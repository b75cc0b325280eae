"""Every seeded engine function accepts an int, a SeedSequence or a Generator (see lettools._seeds).

- An int gives what it always gave: the draws are those of ``SeedSequence(seed)``'s spawned block
  streams (paths) or of ``numpy.random.default_rng(seed)`` (one stream), rebuilt here in numpy.
- ``SeedSequence(n)`` gives exactly what ``n`` gives, and is not mutated (twice gives the same).
- A Generator is consumed: the same state gives the same result, the same object twice differs.
- Anything else is a TypeError naming ``seed``.
"""

from __future__ import annotations

import numpy as np
import pytest

import lettools as lt
from lettools.holding import simulate_shortfall
from lettools.paths import BLOCK_PATHS
from lettools.shortfall import shortfall_curves_reference


def _values(result):
    """The numbers of a result, as one float64 array (DataFrames, dicts of them, simulations)."""
    if isinstance(result, lt.OutcomeSimulation):
        return np.concatenate([result.fund, result.static])
    if isinstance(result, list):
        return np.concatenate([_values(item) for item in result])
    if isinstance(result, dict):
        return np.concatenate([_values(result[key]).ravel() for key in sorted(result)])
    if hasattr(result, "to_numpy"):
        return result.to_numpy(dtype=float)
    return np.asarray(result, dtype=float)


SEEDED = {
    "gbm_returns": lambda seed: lt.gbm_returns(1500, 4, 0.05, 0.3, seed=seed),
    "scenario_returns": lambda seed: lt.scenario_returns("choppy", n_days=20, seed=seed),
    "simulate_outcomes": lambda seed: lt.simulate_outcomes(3, 0.05, 0.3, 10, n_paths=1500, seed=seed),
    "simulate_outcomes_sigmas": lambda seed: lt.simulate_outcomes_sigmas(3, 0.05, [0.1, 0.3], 10, n_paths=1500,
                                                                         seed=seed),
    "simulate_holding_risk": lambda seed: lt.simulate_holding_risk(3, 0.3, 10, n_paths=500, seed=seed),
    "simulate_shortfall_curves": lambda seed: lt.simulate_shortfall_curves(3, 0.3, 10, n_paths=500, seed=seed),
    "simulate_shortfall_curves_grid": lambda seed: lt.simulate_shortfall_curves_grid(
        [2, 3], 0.3, 10, n_paths=500, seed=seed),
    "shortfall_curves_reference": lambda seed: shortfall_curves_reference(3, 0.3, 10, n_paths=500, seed=seed),
    "simulate_shortfall": lambda seed: simulate_shortfall(3, 0.8, 10, shortfall=0.001, n_paths=500, seed=seed),
}


SINGLE_STREAM = {"simulate_holding_risk", "simulate_shortfall_curves", "simulate_shortfall_curves_grid",
                 "shortfall_curves_reference", "simulate_shortfall"}


@pytest.mark.parametrize("name", SEEDED)
def test_a_seed_sequence_gives_the_results_of_its_int_and_is_not_mutated(name):
    run = SEEDED[name]
    sequence = np.random.SeedSequence(12)
    expected = _values(run(12))
    np.testing.assert_array_equal(_values(run(sequence)), expected)
    np.testing.assert_array_equal(_values(run(sequence)), expected)  # twice: the caller's sequence is untouched
    assert sequence.n_children_spawned == 0
    np.testing.assert_array_equal(_values(run(np.int64(12))), expected)


@pytest.mark.parametrize("name", SEEDED)
def test_a_generator_is_consumed_reproducibly(name):
    run = SEEDED[name]
    first = _values(run(np.random.default_rng(5)))
    np.testing.assert_array_equal(_values(run(np.random.default_rng(5))), first)  # same state, same result
    generator = np.random.default_rng(5)
    np.testing.assert_array_equal(_values(run(generator)), first)
    assert not np.array_equal(_values(run(generator)), first)  # the generator has moved on
    # One stream: a fresh default_rng(5) is drawn from as the int 5 would be. Block streams: the
    # Generator's 128 bits seed them, which is not what the int 5 does.
    assert np.array_equal(first, _values(run(5))) == (name in SINGLE_STREAM)


@pytest.mark.parametrize("name", SEEDED)
@pytest.mark.parametrize("bad", [None, 1.5, True, "3", np.random.RandomState(0), [1, 2]])
def test_other_seeds_are_a_type_error_naming_seed(name, bad):
    with pytest.raises(TypeError, match="seed"):
        SEEDED[name](bad)


def test_negative_seeds_keep_their_error():
    with pytest.raises(ValueError, match="seed"):
        lt.gbm_returns(2, 2, 0.0, 0.2, seed=-1)
    with pytest.raises(TypeError, match="seed"):
        lt.simulate_holding_risk(3, 0.2, 5, seed=-1)
    with pytest.raises(TypeError, match="seed"):
        lt.simulate_shortfall_curves(3, 0.2, 5, seed=-1)


def test_an_int_seed_draws_the_block_streams_it_always_drew():
    """gbm_returns with an int seed, rebuilt from numpy: block b uses SeedSequence(seed).spawn(...)[b]."""
    n_paths, n_days, mu, sigma, seed = BLOCK_PATHS + 5, 3, 0.05, 0.3, 2024
    drift, volatility = (mu - sigma**2 / 2) / 252, sigma / np.sqrt(252)
    children = np.random.SeedSequence(seed).spawn(2)
    normals = np.vstack([
        np.random.Generator(np.random.PCG64(children[0])).standard_normal((BLOCK_PATHS, n_days)),
        np.random.Generator(np.random.PCG64(children[1])).standard_normal((5, n_days)),
    ])
    np.testing.assert_array_equal(lt.gbm_returns(n_paths, n_days, mu, sigma, seed=seed),
                                  np.expm1(drift + volatility * normals))


def test_an_int_seed_draws_the_single_stream_it_always_drew():
    from lettools.shortfall import standard_normals

    np.testing.assert_array_equal(standard_normals(50, 7, 3), np.random.default_rng(3).standard_normal((50, 7)))


def test_a_generator_run_records_the_seed_sequence_that_repeats_it():
    simulation = lt.simulate_outcomes(2, 0.05, 0.2, 5, n_paths=300, seed=np.random.default_rng(1))
    assert isinstance(simulation.seed, np.random.SeedSequence)
    again = lt.simulate_outcomes(2, 0.05, 0.2, 5, n_paths=300, seed=simulation.seed)
    np.testing.assert_array_equal(again.fund, simulation.fund)
    assert lt.simulate_outcomes(2, 0.05, 0.2, 5, n_paths=300, seed=3).seed == 3  # an int stays an int
