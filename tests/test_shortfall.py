"""lettools.shortfall: the daily-reset holding-risk kernel against its plain-numpy reference."""

import numpy as np
import pytest

from lettools.holding import prob_fund_loss, prob_lag_static
from lettools.shortfall import (
    shortfall_curves_reference,
    simulate_shortfall_curves,
    simulate_shortfall_curves_grid,
    standard_normals,
)


@pytest.mark.parametrize("leverage, sigma", [(3.0, 0.3), (-2.0, 0.5), (1.0, 0.2), (0.5, 0.4), (-3.0, 0.9)])
def test_kernel_matches_the_numpy_reference(leverage, sigma):
    kwargs = dict(shortfall=0.03, loss=0.25, n_paths=700, seed=11)
    kernel = simulate_shortfall_curves(leverage, sigma, 80, **kwargs)
    reference = shortfall_curves_reference(leverage, sigma, 80, **kwargs)
    np.testing.assert_allclose(kernel.to_numpy(), reference.to_numpy(), atol=1.5 / 700)


def test_grid_equals_one_leverage_at_a_time():
    kwargs = dict(shortfall=0.05, loss=0.2, n_paths=500, seed=4)
    grid = simulate_shortfall_curves_grid([-3, -1, 1.0, 2, 3], 0.35, 60, **kwargs)
    for leverage, table in grid.items():
        assert table.equals(simulate_shortfall_curves(leverage, 0.35, 60, **kwargs))
    with pytest.raises(ValueError, match="leverages"):
        simulate_shortfall_curves_grid([], 0.3, 10)


def test_day_one_never_lags_and_the_index_itself_never_lags():
    curves = simulate_shortfall_curves(3.0, 0.4, 30, n_paths=2000, seed=1)
    assert curves.loc[1, "lag"] == 0.0 and curves.loc[1, "shortfall"] == 0.0
    assert curves.loc[2, "lag"] == pytest.approx(0.5, abs=0.04)
    index = simulate_shortfall_curves(1.0, 0.4, 30, n_paths=2000, seed=1)
    assert (index["lag"] == 0.0).all() and (index["shortfall"] == 0.0).all()


def test_lag_and_loss_approach_the_closed_forms_after_a_month():
    curves = simulate_shortfall_curves(2.0, 0.3, 126, n_paths=8000, seed=5)
    days = np.arange(63, 127, dtype=float)
    np.testing.assert_allclose(curves.loc[63:, "lag"], prob_lag_static(2.0, 0.3, days), atol=0.03)
    np.testing.assert_allclose(curves.loc[63:, "loss"], prob_fund_loss(2.0, 0.3, days, threshold=0.2), atol=0.03)


def test_wiped_out_fund_stays_at_zero_and_seed_reproduces():
    # A -3x fund on a 150%-volatility index: some days exceed +33%, so some paths are wiped out.
    curves = simulate_shortfall_curves(-3.0, 1.5, 60, loss=0.99, n_paths=3000, seed=2)
    assert np.all(np.diff(curves["loss"].to_numpy()) >= -0.02)
    again = simulate_shortfall_curves(-3.0, 1.5, 60, loss=0.99, n_paths=3000, seed=2)
    assert curves.equals(again)


def test_standard_normals_are_cached_and_read_only():
    draws = standard_normals(10, 5, 3)
    assert draws is standard_normals(10, 5, 3) and not draws.flags.writeable


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(leverage=2, sigma=-0.1, max_days=5), ValueError, "sigma"),
    (dict(leverage=2, sigma=0.2, max_days=0), ValueError, "max_days"),
    (dict(leverage=2, sigma=0.2, max_days=5, loss=1.0), ValueError, "loss"),
    (dict(leverage=2, sigma=0.2, max_days=5, shortfall=-0.01), ValueError, "shortfall"),
    (dict(leverage=2, sigma=0.2, max_days=5, seed=-1), TypeError, "seed"),
    (dict(leverage=2, sigma=0.2, max_days=5, n_paths=0), ValueError, "n_paths"),
    (dict(leverage=2, sigma=1e300, max_days=5), ValueError, "sigma"),  # sigma^2 once overflowed
    (dict(leverage=2, sigma=0.2, max_days=5, mu=1e300), ValueError, "mu"),
    (dict(leverage=2, sigma=0.2, max_days=100_000, n_paths=10_000), ValueError, "n_paths x max_days"),
])
def test_bad_input_names_the_parameter(kwargs, error, name):
    with pytest.raises(error, match=name):
        simulate_shortfall_curves(**kwargs)


@pytest.mark.parametrize("leverages, error", [
    ([[1.0], [1.0, 2.0]], TypeError), ([2.0, "a"], TypeError), (1 + 1j, TypeError), (object(), TypeError),
    (10**400, ValueError), ([2.0, np.nan], ValueError), (np.full((2, 2), 2.0), ValueError),
])
def test_grid_names_leverages_whatever_is_wrong_with_them(leverages, error):
    with pytest.raises(error, match="leverages"):
        simulate_shortfall_curves_grid(leverages, 0.2, 5, n_paths=10)


def test_grid_takes_a_scalar_leverage():
    grid = simulate_shortfall_curves_grid(3, 0.2, 5, n_paths=50, seed=1)
    assert list(grid) == [3.0] and grid[3.0].equals(simulate_shortfall_curves(3, 0.2, 5, n_paths=50, seed=1))


def test_probabilities_are_the_grid_tables_numbers():
    from lettools.shortfall import shortfall_probabilities

    kwargs = dict(shortfall=0.05, loss=0.2, n_paths=700, seed=6)
    array = shortfall_probabilities([-2, 3], 0.4, 30, **kwargs)
    grid = simulate_shortfall_curves_grid([-2, 3], 0.4, 30, **kwargs)
    assert array.shape == (3, 2, 30)
    for k, leverage in enumerate([-2.0, 3.0]):
        np.testing.assert_array_equal(array[:, k].T, grid[leverage].to_numpy())


def test_counts_for_several_volatilities_are_each_volatilitys_probabilities_bit_for_bit():
    from lettools.shortfall import shortfall_counts_sigmas, shortfall_probabilities

    leverages = [-3.0, 1.0, 2.0, -1.0, 1.0, 3.0, 0.5]  # leverage 1 between others: pairs and single loops mixed
    sigmas = [0.1, 0.35, 0.9]
    kwargs = dict(shortfall=0.03, loss=0.25, n_paths=700, seed=11)
    counts = shortfall_counts_sigmas(leverages, sigmas, 40, **kwargs)
    assert counts.shape == (3, 3, len(leverages), 40)
    for s, sigma in enumerate(sigmas):
        np.testing.assert_array_equal(counts[s] / 700, shortfall_probabilities(leverages, sigma, 40, **kwargs))
    # Parts of the paths add up to all of them exactly (whole numbers); a block boundary inside a part too.
    parts = [shortfall_counts_sigmas(leverages, sigmas, 40, rows=rows, **kwargs) for rows in ((0, 300), (300, 700))]
    np.testing.assert_array_equal(parts[0] + parts[1], counts)
    assert counts.tolist() == np.round(counts).tolist()


@pytest.mark.parametrize("kwargs, name", [
    ({"rows": (0, 701)}, "rows"), ({"rows": (5, 5)}, "rows"), ({"rows": (-1, 5)}, "rows"), ({"rows": [0, 5]}, "rows"),
    ({"rows": (0.0, 5)}, "rows"), ({"sigmas": []}, "sigmas"), ({"sigmas": [0.2, -0.1]}, "sigma"),
    ({"leverages": []}, "leverages"), ({"max_days": 0}, "max_days"),
])
def test_counts_for_several_volatilities_reject_bad_input(kwargs, name):
    from lettools.shortfall import shortfall_counts_sigmas

    call = {"leverages": [2.0], "sigmas": [0.2], "max_days": 5, "n_paths": 700, "seed": 1, **kwargs}
    with pytest.raises((ValueError, TypeError), match=name):
        shortfall_counts_sigmas(**call)


def test_kept_draws_stay_within_their_memory_bound(monkeypatch):
    from lettools import shortfall

    monkeypatch.setattr(shortfall, "_DRAWS", {})
    monkeypatch.setattr(shortfall, "_DRAWS_KEPT_BYTES", 3 * 100 * 50 * 8)
    first = [standard_normals(100, 50, seed) for seed in range(3)]
    assert all(standard_normals(100, 50, seed) is first[seed] for seed in range(3))  # all three kept
    standard_normals(100, 50, 3)  # a fourth: the least recently used (seed 0) goes
    assert sorted(key[2] for key in shortfall._DRAWS) == [1, 2, 3]
    big = standard_normals(1000, 50, 9)  # larger than the bound alone: kept, as the latest always is
    assert list(shortfall._DRAWS) == [(1000, 50, 9)] and big is standard_normals(1000, 50, 9)
