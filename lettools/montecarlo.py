"""Monte Carlo of terminal outcomes: a daily-reset fund against static leverage, paths never stored.

Memory is proportional to the number of paths: each path's normals are drawn,
used and dropped inside the compiled kernel. Blocks of paths run on one thread
pool kept for the process (the kernel releases the GIL); every block has its own
random stream, so the result is the same whatever the number of threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._conventions import check_spread_basis, spread_fraction
from ._seeds import stream_seed
from ._typing import SeedLike
from ._validation import as_array, as_positive_int, as_scalar, check_finite
from .paths import BLOCK_PATHS, gbm_parameters, path_blocks

__all__ = ["OutcomeSimulation", "simulate_outcomes", "simulate_outcomes_sigmas"]

MAX_DRAWS = 10**10
"""Largest ``n_paths * n_days`` :func:`simulate_outcomes` accepts."""

FUND_ROW = "daily-reset fund"
STATIC_ROW = "L x index (static)"


@dataclass(frozen=True, eq=False)
class OutcomeSimulation:
    """Terminal values of a Monte Carlo run, per unit invested.

    Parameters
    ----------
    leverage, mu, sigma, n_days, rate, expense_ratio, periods_per_year, seed, spread, spread_basis, trading_cost
        The inputs of :func:`simulate_outcomes` (annual decimals; ``seed`` the int passed
        there, or the SeedSequence that a SeedSequence or Generator seed resolved to).
    fund : numpy.ndarray
        Final NAV of the daily-reset fund on each path, per unit invested, >= 0 (1-D).
    static : numpy.ndarray
        Final value of ``L`` times the index bought once and held, same shape, >= 0.

    Attributes
    ----------
    fund : numpy.ndarray
        Final NAV of the daily-reset fund on each path (read-only).
    static : numpy.ndarray
        Final value of ``L`` times the index bought once and held, no costs,
        absorbed at zero (read-only).
    leverage, mu, sigma, n_days, rate, expense_ratio, periods_per_year, seed, spread, spread_basis, trading_cost
        The inputs, for reference.

    Examples
    --------
    >>> from lettools import simulate_outcomes
    >>> sim = simulate_outcomes(2, 0.05, 0.2, 21, n_paths=100, seed=0)
    >>> type(sim).__name__, sim.leverage, sim.n_days, sim.fund.size
    ('OutcomeSimulation', 2.0, 21, 100)
    >>> round(sim.years, 4)
    0.0833
    """

    leverage: float
    mu: float
    sigma: float
    n_days: int
    rate: float
    expense_ratio: float
    periods_per_year: int
    seed: int | np.random.SeedSequence
    fund: np.ndarray = field(repr=False)
    static: np.ndarray = field(repr=False)
    spread: float = 0.0
    spread_basis: str = "notional"
    trading_cost: float = 0.0

    def __post_init__(self) -> None:
        """Check the inputs as :func:`simulate_outcomes` does, and the results' shapes and values."""
        checked: dict[str, Any] = {
            "leverage": as_scalar(self.leverage, "leverage"),
            "mu": as_scalar(self.mu, "mu"),
            "sigma": as_scalar(self.sigma, "sigma", minimum=0.0),
            "n_days": as_positive_int(self.n_days, "n_days"),
            "rate": as_scalar(self.rate, "rate"),
            "expense_ratio": as_scalar(self.expense_ratio, "expense_ratio", minimum=0.0),
            "periods_per_year": as_positive_int(self.periods_per_year, "periods_per_year"),
            "seed": stream_seed(self.seed),
            "spread": as_scalar(self.spread, "spread", minimum=0.0),
            "spread_basis": check_spread_basis(self.spread_basis),
            "trading_cost": as_scalar(self.trading_cost, "trading_cost", minimum=0.0),
        }
        for name in ("fund", "static"):
            values = as_array(getattr(self, name), name, ndim=(1,), minimum=0.0)
            if values.flags.writeable:
                values = values.copy()
                values.setflags(write=False)
            checked[name] = values
        if checked["fund"].shape != checked["static"].shape:
            raise ValueError(
                f"fund and static must hold one value per path each, got {checked['fund'].size}"
                f" and {checked['static'].size}"
            )
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    @property
    def years(self) -> float:
        """Holding period in years."""
        return self.n_days / self.periods_per_year

    def summary(self):
        """Distribution of the terminal values, one row per strategy.

        Returns
        -------
        pandas.DataFrame
            Rows ``"daily-reset fund"`` and ``"L x index (static)"``; columns
            ``mean``, ``median``, ``q05``, ``q25``, ``q75``, ``q95`` (terminal value
            per unit invested), ``prob_loss`` (share of paths ending below 1) and
            ``prob_wipeout`` (share ending at exactly 0).
        """
        import pandas as pd  # deferred: keeps ``import lettools`` fast

        rows = {}
        for name, values in ((FUND_ROW, self.fund), (STATIC_ROW, self.static)):
            q05, q25, median, q75, q95 = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95])
            rows[name] = {
                "mean": values.mean(),
                "median": median,
                "q05": q05,
                "q25": q25,
                "q75": q75,
                "q95": q95,
                "prob_loss": np.mean(values < 1.0),
                "prob_wipeout": np.mean(values == 0.0),
            }
        return pd.DataFrame.from_dict(rows, orient="index")


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _thread_pool() -> ThreadPoolExecutor:
    """One pool for the process: starting threads on every call costs milliseconds."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="lettools")
        return _pool


def simulate_outcomes(
    leverage: float,
    mu: float,
    sigma: float,
    n_days: int,
    *,
    n_paths: int = 100_000,
    seed: SeedLike,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    periods_per_year: int = 252,
) -> OutcomeSimulation:
    """Terminal value of a daily-reset fund and of static leverage on many GBM index paths.

    The index paths are those of :func:`lettools.gbm_returns` with the same
    ``n_paths``, ``n_days``, ``mu``, ``sigma``, ``seed`` and ``periods_per_year``,
    so ``simulate_outcomes(...).fund`` equals ``terminal_value(gbm_returns(...), ...)``
    to rounding (about 1e-13 relative), without storing the ``n_paths x n_days`` returns.

    Parameters
    ----------
    leverage : float
        The fund's daily multiple ``L`` (and the static position's multiple).
    mu, sigma : float
        The index's arithmetic annual drift, in [-10, 10], and annual volatility, in
        [0, 5] (the bounds of :func:`lettools.gbm_returns`).
    n_days : int
        Holding period in trading days, at most 100,000.
    n_paths : int
        Number of simulated paths, at most 10,000,000; ``n_paths * n_days`` at most 1e10.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Required; the same seed gives identical results on every run, whatever the
        number of threads, and the paths of :func:`lettools.gbm_returns` with that seed. A
        SeedSequence gives the results of the int it was made from; a Generator is consumed
        (128 bits drawn from it seed the streams, and the result's ``seed`` records the
        SeedSequence they made, which repeats the run).
    rate, expense_ratio : float
        Annual financing rate (constant) and expense ratio, charged to the fund
        as in :func:`lettools.simulate_fund`; the static position pays neither.
    spread : float
        Annual financing spread over ``rate``, paid on
        ``spread_fraction(leverage, spread_basis)`` of assets (see
        :mod:`lettools._conventions`); the static position pays none.
    spread_basis : {"notional", "borrowed"}
        What the spread is paid on: the swap notional ``|L|`` (default) or the
        borrowed part only.
    trading_cost : float
        Cost per unit traded of the fund's daily rebalancing trade, ``|L (L - 1) R_t|``
        of assets on a day with index return ``R_t``.
    periods_per_year : int
        Trading days per year.

    Returns
    -------
    OutcomeSimulation
        Terminal values per unit invested, with a :meth:`~OutcomeSimulation.summary`.

    Examples
    --------
    >>> import numpy as np
    >>> sim = simulate_outcomes(3, 0.08, 0.2, 252, n_paths=1000, seed=1)
    >>> sim.fund.shape, sim.static.shape
    ((1000,), (1000,))
    >>> round(float(np.median(sim.fund)), 4), round(float(np.median(sim.static)), 4)
    (1.0184, 1.1393)
    """
    (leverage, mu, (sigma,), n_days, n_paths, seed, rate, expense_ratio, spread, trading_cost, periods_per_year,
     carry, trading_drag) = _checked(leverage, mu, (sigma,), n_days, n_paths, seed, rate, expense_ratio, spread,
                                     spread_basis, trading_cost, periods_per_year)
    from . import kernels  # deferred: importing numba costs 0.2-0.4 s

    drift, volatility = gbm_parameters(mu, sigma, periods_per_year)
    fund = np.empty(n_paths)
    static = np.empty(n_paths)

    def run(first: int, stop: int, generator: np.random.Generator) -> None:
        kernels.gbm_outcomes(
            generator, drift, volatility, n_days, leverage, carry, trading_drag, 1.0,
            fund[first:stop], static[first:stop],
        )

    _run_blocks(seed, n_paths, run)
    check_finite(fund, "leverage", "mu", "sigma", "n_days", "rate", "expense_ratio", "spread", "trading_cost")
    check_finite(static, "leverage", "mu", "sigma", "n_days")
    fund.setflags(write=False)
    static.setflags(write=False)
    return OutcomeSimulation(
        leverage, mu, sigma, n_days, rate, expense_ratio, periods_per_year, seed, fund, static,
        spread, spread_basis, trading_cost,
    )


_Checked = tuple[float, float, tuple[float, ...], int, int, "int | np.random.SeedSequence", float, float, float, float,
                 int, float, float]


def _checked(leverage, mu, sigmas, n_days, n_paths, seed, rate, expense_ratio, spread, spread_basis, trading_cost,
             periods_per_year) -> _Checked:
    """The inputs of :func:`simulate_outcomes` checked (``sigmas`` a tuple), with the kernel's ``carry`` and
    ``trading_drag``."""
    leverage = as_scalar(leverage, "leverage")
    mu = as_scalar(mu, "mu", minimum=-10.0, maximum=10.0)  # the bounds of gbm_returns
    sigmas = tuple(as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0) for sigma in sigmas)
    n_days = as_positive_int(n_days, "n_days")
    n_paths = as_positive_int(n_paths, "n_paths")
    if n_paths * n_days > MAX_DRAWS:
        raise ValueError(
            f"n_paths x n_days = {n_paths * n_days:,} draws; at most {MAX_DRAWS:,} (minutes of computing)"
        )
    seed = stream_seed(seed)
    rate = as_scalar(rate, "rate")
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)
    spread = as_scalar(spread, "spread", minimum=0.0)
    trading_cost = as_scalar(trading_cost, "trading_cost", minimum=0.0)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    financed = spread_fraction(leverage, spread_basis)  # checks spread_basis
    carry = ((1.0 - leverage) * rate - expense_ratio - spread * financed) / periods_per_year
    trading_drag = trading_cost * abs(leverage * (leverage - 1.0))
    return (leverage, mu, sigmas, n_days, n_paths, seed, rate, expense_ratio, spread, trading_cost,
            periods_per_year, carry, trading_drag)


def _run_blocks(seed, n_paths: int, run) -> None:
    """Call ``run(first, stop, generator)`` once per block of paths, on the process's pool.

    Each block is one GIL-free kernel call; workers take blocks until none is left, so the
    results do not depend on the number of threads.
    """
    from . import _numba  # deferred: importing numba costs 0.2-0.4 s

    blocks = path_blocks(seed, n_paths)
    next_block = threading.Lock()

    def work() -> None:
        """Take blocks until none is left."""
        while True:
            with next_block:
                block = next(blocks, None)
            if block is None:
                return
            run(*block)

    workers = min(-(-n_paths // BLOCK_PATHS), _numba.num_threads())
    if workers == 1:
        work()
    else:
        for future in [_thread_pool().submit(work) for _ in range(workers)]:
            future.result()  # re-raises any error from a worker


def simulate_outcomes_sigmas(
    leverage: float,
    mu: float,
    sigmas: Sequence[float],
    n_days: int,
    *,
    n_paths: int = 100_000,
    seed: SeedLike,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    periods_per_year: int = 252,
) -> list[OutcomeSimulation]:
    """:func:`simulate_outcomes` for several volatilities at once, on normals drawn once.

    With one seed every volatility uses the same standard normals (common random numbers), so
    the normals of each block of paths are drawn once and serve every volatility: a grid of
    volatilities costs one draw, the larger part of a single run's time, plus the arithmetic.

    Parameters
    ----------
    leverage, mu, n_days, n_paths, rate, expense_ratio, spread, spread_basis, trading_cost, periods_per_year
        As in :func:`simulate_outcomes`.
    sigmas : sequence of float
        Annual volatilities of the index, each in [0, 5]; at least one.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        As in :func:`simulate_outcomes` (a Generator is consumed once, for all the volatilities).

    Returns
    -------
    list of OutcomeSimulation
        One per volatility, in the order given; each equal, bit for bit, to
        ``simulate_outcomes(leverage, mu, sigma, n_days, ...)`` with the same seed.

    Examples
    --------
    >>> runs = simulate_outcomes_sigmas(3, 0.08, [0.1, 0.3], 21, n_paths=500, seed=1)
    >>> [run.sigma for run in runs]
    [0.1, 0.3]
    >>> bool((runs[1].fund == simulate_outcomes(3, 0.08, 0.3, 21, n_paths=500, seed=1).fund).all())
    True
    """
    values = as_array(sigmas, "sigmas", ndim=(1,), minimum=0.0, maximum=5.0)  # the bounds of gbm_returns
    (leverage, mu, sigmas, n_days, n_paths, seed, rate, expense_ratio, spread, trading_cost, periods_per_year,
     carry, trading_drag) = _checked(leverage, mu, tuple(float(v) for v in values), n_days, n_paths, seed, rate,
                                     expense_ratio, spread, spread_basis, trading_cost, periods_per_year)
    from . import kernels  # deferred: importing numba costs 0.2-0.4 s

    parameters = [gbm_parameters(mu, sigma, periods_per_year) for sigma in sigmas]
    drifts = np.array([drift for drift, _ in parameters])
    volatilities = np.array([volatility for _, volatility in parameters])
    fund = np.empty((len(sigmas), n_paths))
    static = np.empty((len(sigmas), n_paths))

    def run(first: int, stop: int, generator: np.random.Generator) -> None:
        kernels.gbm_outcomes_sigmas(
            generator, drifts, volatilities, n_days, leverage, carry, trading_drag, 1.0,
            fund[:, first:stop], static[:, first:stop],
        )

    _run_blocks(seed, n_paths, run)
    results = []
    for row, sigma in enumerate(sigmas):
        check_finite(fund[row], "leverage", "mu", "sigmas", "n_days", "rate", "expense_ratio", "spread",
                     "trading_cost")
        check_finite(static[row], "leverage", "mu", "sigmas", "n_days")
        fund_row, static_row = fund[row].copy(), static[row].copy()
        fund_row.setflags(write=False)
        static_row.setflags(write=False)
        results.append(OutcomeSimulation(
            leverage, mu, sigma, n_days, rate, expense_ratio, periods_per_year, seed, fund_row, static_row,
            spread, spread_basis, trading_cost,
        ))
    return results
