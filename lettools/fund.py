"""Simulate a daily-reset leveraged or inverse fund, and static leverage for comparison.

Each day the fund resets its exposure to ``L`` times its assets, so its return on
day ``t`` is

    L R_t + (1 - L) rate_t / ppy - expense_ratio / ppy
        - spread / ppy * spread_fraction(L, spread_basis) - trading_cost * |L (L - 1) R_t|

with ``R_t`` the index's simple return and ``ppy`` the trading days per year. The
benchmark rate falls on the borrowed part (the ``(1 - L)`` term); the spread falls on
the swap notional ``|L|`` by default (see :mod:`lettools._conventions`). The
last term is the cost of the rebalancing trade, ``|L (L - 1) R_t|`` of assets,
at ``trading_cost`` per unit traded. A day whose return is -100% or worse leaves
the fund at zero for good (a single-day index move of ``-1/L`` is enough).
"""

from __future__ import annotations

import numpy as np

from ._conventions import check_spread_basis, spread_fraction
from ._numba import PARALLEL_MIN_SIZE
from ._typing import ArrayLike, FloatOrArray
from ._validation import as_positive_int, as_rate_per_day, as_returns, as_scalar

__all__ = ["simulate_fund", "terminal_value", "static_leverage_path"]


def _prepare(
    index_returns, leverage, expense_ratio, rate, spread, spread_basis, trading_cost, start, periods_per_year
):
    """Validate the simulator's arguments and turn them into kernel inputs.

    The returns' values are checked by the kernel as it reads them (see :func:`_run`).
    """
    returns = as_returns(index_returns, check_values=False)
    leverage = as_scalar(leverage, "leverage")
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)
    spread = as_scalar(spread, "spread", minimum=0.0)
    spread_basis = check_spread_basis(spread_basis)
    trading_cost = as_scalar(trading_cost, "trading_cost", minimum=0.0)
    start = as_scalar(start, "start", minimum=0.0, minimum_inclusive=False)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    rate_per_day = as_rate_per_day(rate, returns.shape[-1], periods_per_year)
    carry = (
        (1.0 - leverage) * rate_per_day
        - expense_ratio / periods_per_year
        - spread / periods_per_year * spread_fraction(leverage, spread_basis)
    )
    trading_drag = trading_cost * abs(leverage * (leverage - 1.0))
    matrix = np.ascontiguousarray(np.atleast_2d(returns))
    return matrix, returns.ndim == 1, leverage, np.ascontiguousarray(carry), trading_drag, start


def _output(out, shape: tuple[int, ...]) -> np.ndarray:
    """A fresh array of ``shape``, or the caller's ``out`` once it is checked to fit."""
    if out is None:
        return np.empty(shape)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != np.float64 or out.shape != shape or not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(
            f"out must be a writeable, C-contiguous float64 array of shape {shape}, "
            f"got {out.dtype} of shape {out.shape}"
        )
    return out


def _run(name: str, matrix: np.ndarray, *args) -> None:
    """Run kernel ``name`` (parallel build for big inputs) and raise on a bad return it found.

    The kernel counts the paths holding a return that is not finite or is -1 or
    less, or whose value overflows; only then are the returns checked again, in
    Python, to name the value.
    """
    from . import kernels  # deferred: importing numba costs 0.2-0.4 s

    parallel = matrix.size >= PARALLEL_MIN_SIZE
    kernel = getattr(kernels, name if parallel else name + "_serial")
    if kernel(matrix, *args):
        as_returns(matrix)  # raises, naming the first offending value
        # Valid returns: the value overflowed float64 on some path.
        raise ValueError(
            "the fund's value overflows float64 (beyond 1.8e308): index_returns, leverage, rate,"
            " expense_ratio, spread or start are too extreme"
        )


def simulate_fund(
    index_returns: ArrayLike,
    leverage: float,
    *,
    expense_ratio: float = 0.0,
    rate: ArrayLike = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    start: float = 1.0,
    periods_per_year: int = 252,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """NAV path(s) of a fund that resets to ``leverage`` times the index every day.

    Parameters
    ----------
    index_returns : array_like
        The index's daily simple returns (0.01 is +1%), each greater than -1:
        1-D (days) for one path, 2-D (paths x days) for many. Lists, numpy
        arrays and pandas Series or DataFrames are accepted.
    leverage : float
        Daily multiple ``L``: 2 and 3 for leveraged funds, -1, -2, -3 for inverse
        ones, 1 for an unleveraged tracker.
    expense_ratio : float
        Annual expense ratio as a decimal (0.0091 is 0.91% a year).
    rate : float or array_like
        Annual financing (risk-free) rate as a decimal, either one number or one
        value per day. The fund pays it on borrowed exposure (``L > 1``) and earns
        it on cash (``L < 1``): the ``(1 - L) * rate`` term.
    spread : float
        Annual financing spread over ``rate`` (decimal), paid on
        ``spread_fraction(L, spread_basis)`` of assets.
    spread_basis : {"notional", "borrowed"}
        What the spread is paid on. ``"notional"`` (default): the whole swap
        notional ``|L|``, as for a fund that holds cash and a total-return swap.
        ``"borrowed"``: ``L - 1`` for a long fund (one that holds the index and
        borrows the rest), ``|L|`` for an inverse one.
    trading_cost : float
        Cost per unit traded of the daily rebalancing trade (0.001 is 10 bp).
    start : float
        NAV before the first day, greater than zero.
    periods_per_year : int
        Trading days per year, which turns annual rates into daily ones.
    out : numpy.ndarray, optional
        A C-contiguous float64 array of the result's shape to write into (saves
        allocating, and first touching, a fresh array when called repeatedly).

    Returns
    -------
    numpy.ndarray
        For 1-D input, an array of ``days + 1`` NAVs; for 2-D input, an array of
        shape ``(paths, days + 1)``. Column 0 is ``start``, column ``t`` the NAV
        after day ``t``. Always numpy, even for pandas input. A wiped-out fund
        shows 0.0 from the day of the wipeout on. ``out`` itself when given.

    Examples
    --------
    >>> simulate_fund([0.10, -0.10], 2, start=100).round(6).tolist()
    [100.0, 120.0, 96.0]
    """
    matrix, one_path, leverage, carry, trading_drag, start = _prepare(
        index_returns, leverage, expense_ratio, rate, spread, spread_basis, trading_cost, start,
        periods_per_year,
    )
    days = matrix.shape[1] + 1
    result = _output(out, (days,) if one_path else (matrix.shape[0], days))
    _run("fund_paths", matrix, leverage, carry, trading_drag, start, result.reshape(matrix.shape[0], days))
    return result


def terminal_value(
    index_returns: ArrayLike,
    leverage: float,
    *,
    expense_ratio: float = 0.0,
    rate: ArrayLike = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    start: float = 1.0,
    periods_per_year: int = 252,
    out: np.ndarray | None = None,
) -> FloatOrArray:
    """Final NAV of each path of :func:`simulate_fund`, without storing the paths.

    Takes the same arguments as :func:`simulate_fund`. Returns a float for 1-D
    ``index_returns`` and an array with one value per path for 2-D input (``out``,
    a float64 array with one element per path, when given). The
    product over days is multiplied out in a different order from :func:`simulate_fund`
    (for speed), so the two agree to rounding (about 1e-15 relative), not bit for bit.

    Parameters
    ----------
    index_returns : array_like
        The index's daily simple returns, 1-D (days) or 2-D (paths x days), each greater than -1.
    leverage : float
        Daily multiple ``L``.
    expense_ratio, rate, spread, spread_basis, trading_cost, start, periods_per_year
        As in :func:`simulate_fund` (annual decimals; ``start`` the NAV before the first day).
    out : numpy.ndarray, optional
        A float64 array with one element per path to write the result into (2-D input only).

    Returns
    -------
    float or numpy.ndarray
        Final NAV: a float for 1-D ``index_returns``, one value per path for 2-D input (``out``
        when given). Agrees with ``simulate_fund(...)[..., -1]`` to rounding (about 1e-15
        relative), not bit for bit: the product is multiplied out in a different order.

    Examples
    --------
    >>> round(terminal_value([0.10, -0.10], 2, start=100), 6)
    96.0
    >>> terminal_value([[0.10, -0.10], [0.0, 0.05]], 3).round(4).tolist()
    [0.91, 1.15]
    """
    matrix, one_path, leverage, carry, trading_drag, start = _prepare(
        index_returns, leverage, expense_ratio, rate, spread, spread_basis, trading_cost, start,
        periods_per_year,
    )
    if one_path and out is not None:
        raise ValueError("out applies to 2-D index_returns only (1-D input returns a float)")
    result = _output(out, (matrix.shape[0],))
    _run("fund_terminal", matrix, leverage, carry, trading_drag, start, result)
    return float(result[0]) if one_path else result


def static_leverage_path(index_returns: ArrayLike, leverage: float, *, start: float = 1.0) -> np.ndarray:
    """Value of ``leverage`` times the index bought once and held ("borrow once and hold").

    The value after day ``t`` is ``start * (1 + L (S_t / S_0 - 1))`` with ``S`` the
    index level, so the position's return is always ``L`` times the index's
    cumulative return, until the value reaches zero, where it stays (the lender
    or broker closes the position). No financing or fees are charged. With
    ``L = 1`` this is the index itself.

    Parameters
    ----------
    index_returns : array_like
        Daily simple index returns, 1-D (days) or 2-D (paths x days).
    leverage : float
        The multiple ``L`` of the initial value held as exposure (negative for a short).
    start : float
        Value before the first day, greater than zero.

    Returns
    -------
    numpy.ndarray
        Same shape convention as :func:`simulate_fund`: ``days + 1`` values per
        path, the first equal to ``start``.

    Examples
    --------
    >>> static_leverage_path([0.10, -0.10], 2).round(6).tolist()
    [1.0, 1.2, 0.98]
    """
    returns = as_returns(index_returns, check_values=False)
    leverage = as_scalar(leverage, "leverage")
    start = as_scalar(start, "start", minimum=0.0, minimum_inclusive=False)
    matrix = np.ascontiguousarray(np.atleast_2d(returns))
    out = np.empty((matrix.shape[0], matrix.shape[1] + 1))
    _run("static_paths", matrix, leverage, start, out)
    return out[0] if returns.ndim == 1 else out
