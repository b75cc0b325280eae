"""Monte Carlo of terminal outcomes: a daily-reset fund against static leverage, paths never stored.

Memory is proportional to the number of paths: each path's normals are drawn,
used and dropped inside the compiled kernel. Blocks of paths run on a thread
pool (the kernel releases the GIL); every block has its own random stream, so
the result is the same whatever the number of threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numba
import numpy as np

from . import kernels
from ._conventions import check_spread_basis, spread_fraction
from ._validation import as_positive_int, as_scalar
from .paths import as_seed, gbm_parameters, path_blocks

__all__ = ["OutcomeSimulation", "simulate_outcomes"]

FUND_ROW = "daily-reset fund"
STATIC_ROW = "L x index (static)"


@dataclass(frozen=True, eq=False)
class OutcomeSimulation:
    """Terminal values of a Monte Carlo run, per unit invested.

    Attributes
    ----------
    fund : numpy.ndarray
        Final NAV of the daily-reset fund on each path (read-only).
    static : numpy.ndarray
        Final value of ``L`` times the index bought once and held, no costs,
        absorbed at zero (read-only).
    leverage, mu, sigma, n_days, rate, expense_ratio, periods_per_year, seed
        The inputs, for reference.
    """

    leverage: float
    mu: float
    sigma: float
    n_days: int
    rate: float
    expense_ratio: float
    periods_per_year: int
    seed: int
    fund: np.ndarray = field(repr=False)
    static: np.ndarray = field(repr=False)

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


def simulate_outcomes(
    leverage: float,
    mu: float,
    sigma: float,
    n_days: int,
    *,
    n_paths: int = 100_000,
    seed: int,
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
    to rounding, without storing the ``n_paths x n_days`` returns.

    Parameters
    ----------
    leverage : float
        The fund's daily multiple ``L`` (and the static position's multiple).
    mu, sigma : float
        The index's arithmetic annual drift and annual volatility (>= 0).
    n_days : int
        Holding period in trading days.
    n_paths : int
        Number of simulated paths.
    seed : int
        Required; the same seed gives identical results on every run.
    rate, expense_ratio, spread, spread_basis, trading_cost
        The fund's costs, as in :func:`lettools.simulate_fund` (``rate`` constant
        here); the static position pays none of them.
    periods_per_year : int
        Trading days per year.

    Returns
    -------
    OutcomeSimulation
        Terminal values per unit invested, with a :meth:`~OutcomeSimulation.summary`.
    """
    leverage = as_scalar(leverage, "leverage")
    mu = as_scalar(mu, "mu")
    sigma = as_scalar(sigma, "sigma", minimum=0.0)
    n_days = as_positive_int(n_days, "n_days")
    n_paths = as_positive_int(n_paths, "n_paths")
    seed = as_seed(seed)
    rate = as_scalar(rate, "rate")
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)
    spread = as_scalar(spread, "spread", minimum=0.0)
    spread_basis = check_spread_basis(spread_basis)
    trading_cost = as_scalar(trading_cost, "trading_cost", minimum=0.0)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")

    drift, volatility = gbm_parameters(mu, sigma, periods_per_year)
    carry = (
        (1.0 - leverage) * rate - expense_ratio - spread_fraction(leverage, spread_basis) * spread
    ) / periods_per_year
    trading_drag = trading_cost * abs(leverage * (leverage - 1.0))
    fund = np.empty(n_paths)
    static = np.empty(n_paths)

    def run(block):
        first, stop, generator = block
        kernels.gbm_outcomes(
            generator, drift, volatility, n_days, leverage, carry, trading_drag, 1.0,
            fund[first:stop], static[first:stop],
        )

    blocks = list(path_blocks(seed, n_paths))
    workers = min(len(blocks), numba.get_num_threads())
    if workers == 1:
        for block in blocks:
            run(block)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, blocks))  # list() re-raises any error from a worker
    fund.setflags(write=False)
    static.setflags(write=False)
    return OutcomeSimulation(
        leverage, mu, sigma, n_days, rate, expense_ratio, periods_per_year, seed, fund, static
    )
