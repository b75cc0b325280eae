"""The issuers' table of estimated fund returns, checked by simulation on paths that match each cell.

A prospectus table (:func:`lettools.estimated_returns_table`) states a fund's one-year return for
an index return (row) and an index volatility (column). :func:`conditioned_returns` draws daily
paths with exactly that total return and realised volatility; a daily-reset fund on each (no
costs) shows what the table's single number hides. Returns are simple decimals (0.01 is +1%);
volatilities are annual decimals; seeds follow :mod:`lettools._seeds`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._seeds import generator, stream_seed
from ._typing import ArrayLike, FloatArray, SeedLike
from ._validation import as_array, as_positive_int, as_scalar
from .fund import terminal_value
from .theory import fund_return

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TABLE_PATHS_PER_CELL", "conditioned_returns", "simulated_returns_table", "cell_spread"]

TABLE_PATHS_PER_CELL = 100
"""Simulated one-year paths per cell of :func:`simulated_returns_table` (its default)."""

_TABLE_RETURNS = (-0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
_TABLE_SIGMAS = (0.10, 0.25, 0.50, 0.75, 1.00)


def conditioned_returns(
    index_return: float,
    sigma: float,
    n_paths: int,
    n_days: int = 252,
    *,
    seed: SeedLike,
    periods_per_year: int = 252,
    tail_df: float | None = None,
) -> FloatArray:
    """Random daily paths whose total return and realised volatility are exactly the given ones.

    Each path's daily log returns are ``a + b z`` with ``z`` standard normal draws (or
    Student-t draws with ``tail_df`` degrees of freedom, for fat tails), centred and scaled
    within the path (mean 0, mean square 1), with ``a = ln(1 + index_return) / n_days`` and
    ``b^2 = sigma^2 / periods_per_year - a^2``. So the log returns add up to
    ``ln(1 + index_return)`` and their squares add up to ``sigma^2 T``
    (``T = n_days / periods_per_year`` years): the two numbers a row and a column of a
    prospectus table state. Only the individual moves beyond those two sums are random.

    Parameters
    ----------
    index_return : float
        The index's total simple return over the path, greater than -1.
    sigma : float
        Annualised realised volatility of the path's log returns (root of the annualised mean
        square), at least 0 and at least ``|a| sqrt(periods_per_year)`` (a steady climb's).
    n_paths : int
        Number of paths.
    n_days : int
        Days per path, at least 2 (252: one year).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the draws (an int gives ``numpy.random.default_rng(seed)``'s stream).
    periods_per_year : int
        Trading days per year.
    tail_df : float, optional
        Degrees of freedom of Student-t draws (greater than 0); None for normal draws.

    Returns
    -------
    numpy.ndarray
        Daily simple returns, shape ``(n_paths, n_days)``.

    Examples
    --------
    >>> paths = conditioned_returns(-0.2, 0.5, 3, seed=1)
    >>> np.round(np.prod(1 + paths, axis=1), 12).tolist()
    [0.8, 0.8, 0.8]
    >>> np.round(np.sum(np.log1p(paths) ** 2, axis=1), 12).tolist()
    [0.25, 0.25, 0.25]
    """
    index_return = as_scalar(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    sigma = as_scalar(sigma, "sigma", minimum=0.0)
    n_paths = as_positive_int(n_paths, "n_paths")
    n_days = as_positive_int(n_days, "n_days")
    if n_days < 2:
        raise ValueError("n_days must be at least 2: one day cannot have a volatility of its own")
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    if n_paths * n_days > 100_000_000:
        raise ValueError(f"n_paths x n_days must be at most 100,000,000 values, got {n_paths * n_days:,}")
    rng = generator(seed)
    if tail_df is not None:
        tail_df = as_scalar(tail_df, "tail_df", minimum=0.0, minimum_inclusive=False)
    mean = np.log1p(index_return) / n_days
    with np.errstate(all="ignore"):  # a huge volatility overflows: refused below, by name
        spread_squared = np.float64(sigma) ** 2 / periods_per_year - mean**2
    if not np.isfinite(spread_squared):
        raise ValueError(f"sigma {sigma!r} is too large to square")
    if spread_squared < 0:
        raise ValueError(
            f"sigma {sigma} is too low for index_return {index_return} over {n_days} days: "
            "a steady climb alone realises more variance than that"
        )
    if tail_df is None:
        z = rng.standard_normal((n_paths, n_days))
    else:
        z = rng.standard_t(tail_df, (n_paths, n_days))
    with np.errstate(all="ignore"):  # a tiny tail_df draws infinities: refused below, by name
        z -= z.mean(axis=1, keepdims=True)
        z /= np.sqrt(np.mean(z**2, axis=1, keepdims=True))
    if not np.all(np.isfinite(z)):
        raise ValueError(f"tail_df {tail_df!r} is too small: the Student-t draws overflow")
    with np.errstate(all="ignore"):  # a huge volatility overflows exp: refused below, by name
        paths = np.expm1(mean + np.sqrt(spread_squared) * z)
    if not np.all(np.isfinite(paths)):
        raise ValueError(f"sigma {sigma!r} is too large: the daily returns overflow")
    return paths


def simulated_returns_table(
    leverage: float,
    index_returns: ArrayLike = _TABLE_RETURNS,
    sigmas: ArrayLike = _TABLE_SIGMAS,
    *,
    n_paths: int = TABLE_PATHS_PER_CELL,
    n_days: int = 252,
    seed: SeedLike = 2010,
    statistic: str = "median",
) -> pd.DataFrame:
    """The prospectus table by simulation: daily-reset funds on :func:`conditioned_returns` paths.

    Parameters
    ----------
    leverage : float
        The fund's daily multiple ``L``.
    index_returns, sigmas : array_like
        Rows (total index returns, each greater than -1) and columns (annualised volatilities),
        as in :func:`lettools.estimated_returns_table`; 1-D.
    n_paths : int
        Paths per cell.
    n_days : int
        Days per path (one year at 252).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the draws; every cell uses the same underlying draws (a Generator is consumed once).
    statistic : {"median", "min", "max"}
        Which statistic of the simulated fund returns to report per cell.

    Returns
    -------
    pandas.DataFrame
        Fund returns (decimals, no costs), laid out like :func:`lettools.estimated_returns_table`
        (index "index return", columns "volatility").

    Examples
    --------
    >>> table = simulated_returns_table(2.0, [0.0], [0.25], n_paths=20, seed=1)
    >>> table.shape, bool(table.iloc[0, 0] < 0)
    ((1, 1), True)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    reducers: dict[str, Callable[[FloatArray], float]] = {"median": np.median, "min": np.min, "max": np.max}
    if not isinstance(statistic, str) or statistic not in reducers:
        raise ValueError(f"statistic must be one of {sorted(reducers)}, got {statistic!r}")
    rows = as_array(index_returns, "index_returns", ndim=(1,), minimum=-1.0, minimum_inclusive=False)
    columns = as_array(sigmas, "sigmas", ndim=(1,), minimum=0.0)
    n_paths = as_positive_int(n_paths, "n_paths")
    n_days = as_positive_int(n_days, "n_days")
    resolved = stream_seed(seed)  # an int stays an int; each cell then draws the same stream
    table = np.empty((rows.size, columns.size))
    for i, total in enumerate(rows):
        for j, sigma in enumerate(columns):
            try:
                paths = conditioned_returns(float(total), float(sigma), n_paths, n_days, seed=resolved)
            except ValueError as exc:
                raise ValueError(f"the cell (index_returns {total:g}, sigmas {sigma:g}): {exc}") from None
            table[i, j] = reducers[statistic](np.asarray(terminal_value(paths, leverage))) - 1.0
    return pd.DataFrame(
        table,
        index=pd.Index(rows, name="index return"),
        columns=pd.Index(columns, name="volatility"),
    )


def cell_spread(
    leverage: float = 3.0,
    index_return: float = 0.0,
    sigma: float = 0.5,
    *,
    n_paths: int = 1000,
    seed: SeedLike = 2010,
    tail_dfs: Sequence[float | None] = (None, 3.0),
) -> pd.DataFrame:
    """How much paths with the same return and realised volatility disagree, thin- and fat-tailed.

    For each entry of ``tail_dfs``, ``n_paths`` one-year (252-day) :func:`conditioned_returns`
    paths and a daily-reset fund on each (no costs), set beside the table's single value
    from :func:`lettools.fund_return`.

    Parameters
    ----------
    leverage : float
        The fund's daily multiple ``L``.
    index_return : float
        The index's total return over the year (a row of the table), greater than -1.
    sigma : float
        The year's annualised realised volatility (a column of the table), at least 0.
    n_paths : int
        Paths per distribution.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the draws; each distribution draws from the same seed.
    tail_dfs : sequence of (float or None)
        ``None``: normal days; a number: Student-t days with that many degrees of freedom.

    Returns
    -------
    pandas.DataFrame
        One row per distribution ("normal days" or "Student-t days (<df> df)") with the fund's
        ``5th percentile``, ``median`` and ``95th percentile`` (decimals), ``range_5_95``
        (percentage points), ``wiped_out`` (paths on which the fund lost everything) and
        ``table`` (:func:`lettools.fund_return`).

    Examples
    --------
    >>> spread = cell_spread(3.0, 0.0, 0.5, n_paths=200, seed=4)
    >>> list(spread.index)
    ['normal days', 'Student-t days (3 df)']
    >>> round(float(spread["table"].iloc[0]), 4)
    -0.5276
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    n_paths = as_positive_int(n_paths, "n_paths")
    if isinstance(tail_dfs, (str, bytes)) or not isinstance(tail_dfs, Sequence) or not tail_dfs:
        raise TypeError(f"tail_dfs must be a non-empty sequence of None or numbers, got {tail_dfs!r}")
    tails = [None if value is None else as_scalar(value, "tail_dfs", minimum=0.0, minimum_inclusive=False)
             for value in tail_dfs]
    resolved = stream_seed(seed)
    rows = {}
    for tail_df in tails:
        try:
            paths = conditioned_returns(index_return, sigma, n_paths, seed=resolved, tail_df=tail_df)
        except ValueError as exc:
            if "tail_df " not in str(exc):
                raise
            raise ValueError(f"tail_dfs entry {tail_df!r}: {exc}") from None
        funds = terminal_value(paths, leverage) - 1.0
        low, median, high = np.percentile(funds, [5, 50, 95])
        label = "normal days" if tail_df is None else f"Student-t days ({tail_df:g} df)"
        rows[label] = {
            "5th percentile": low,
            "median": median,
            "95th percentile": high,
            "range_5_95": (high - low) * 100.0,
            "wiped_out": int(np.sum(funds <= -1.0)),
            "table": fund_return(index_return, sigma, leverage),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
