"""Input checks shared by the public functions.

Every check names the parameter and says what is wrong, so that bad input
fails here with a plain ``ValueError`` or ``TypeError`` and never reaches a
numba kernel (where it would become a typing traceback or a silent NaN).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_array",
    "as_returns",
    "as_scalar",
    "as_positive_int",
    "as_rate_per_day",
    "COUNT_LIMITS",
    "check_finite",
]

COUNT_LIMITS = {
    "n_paths": 10_000_000,
    "n_days": 100_000,
    "max_days": 100_000,
    "n_rounds": 100_000,
    "periods_per_year": 1_000_000,
}
"""Largest value :func:`as_positive_int` accepts for a count of this name (loops and arrays scale
with it: beyond, a call would run for hours or exhaust memory rather than fail). Other counts are
bounded by :data:`MAX_WHOLE_NUMBER`."""

MAX_WHOLE_NUMBER = 2**53
"""Largest whole number any parameter accepts (the last integer a float64 holds exactly)."""


def _to_float_array(value, name: str) -> np.ndarray:
    """Convert lists, numpy and pandas objects to a float64 array, or raise TypeError."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got a string: {value!r}")
    if hasattr(value, "to_numpy") and getattr(value, "ndim", 1) == 2:
        # A DataFrame's rows are dates: ambiguous against the engine's (paths, days) layout.
        raise TypeError(
            f"{name}: pass a DataFrame as an array in the engine's layout, one row per path and one"
            f" column per day (for dates down the rows, use frame.to_numpy().T)"
        )
    if hasattr(value, "to_numpy"):  # pandas Series
        value = value.to_numpy()
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.is_masked(value):
            raise ValueError(f"{name} has masked values: fill or drop them before passing it")
        value = value.data
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of numbers ({exc})") from None
    if array.dtype == bool:
        raise TypeError(f"{name} must be numeric, got booleans")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == object):
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.timedelta64) or np.issubdtype(array.dtype, np.datetime64):
        raise TypeError(f"{name} must be plain numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got complex numbers")
    try:
        return np.asarray(array, dtype=np.float64)
    except OverflowError:
        raise ValueError(f"{name} is too large to be a float64 (beyond about 1.8e308)") from None
    except (ValueError, TypeError):
        raise TypeError(f"{name} must contain only numbers") from None


def as_array(
    value,
    name: str,
    *,
    ndim: Sequence[int] | None = None,
    allow_empty: bool = False,
    minimum: float | None = None,
    minimum_inclusive: bool = True,
    maximum: float | None = None,
    minimum_reason: str = "",
    check_values: bool = True,
) -> np.ndarray:
    """Return ``value`` as a finite float64 array, checking shape and bounds.

    Parameters
    ----------
    value : array_like
        Scalar, list, numpy array or pandas object.
    name : str
        Parameter name used in error messages.
    ndim : sequence of int, optional
        Allowed numbers of dimensions; any when omitted.
    allow_empty : bool
        Whether an array with no elements is acceptable.
    minimum, maximum : float, optional
        Bounds every element must respect.
    minimum_inclusive : bool
        Whether ``minimum`` itself is allowed.
    minimum_reason : str
        Why the minimum holds, appended to the error message.
    check_values : bool
        False skips the finiteness and bound checks (shape checks remain), for a
        caller whose compiled pass checks the values as it reads them.
    """
    array = _to_float_array(value, name)
    if ndim is not None and array.ndim not in ndim:
        allowed = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"{name} must be {allowed}, got a {array.ndim}-D array of shape {array.shape}")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: it needs at least one value")
    if not array.size or not check_values:
        return array
    # Two reductions and no temporary array: NaN propagates into min, and +-inf shows in min or max.
    low, high = array.min(), array.max()
    if not (math.isfinite(low) and math.isfinite(high)):
        bad = np.flatnonzero(~np.isfinite(array.ravel()))[0]
        raise ValueError(
            f"{name} must be finite, found {array.ravel()[bad]} at flat position {bad}"
        )
    if minimum is not None and (low < minimum or (not minimum_inclusive and low == minimum)):
        relation = ">=" if minimum_inclusive else ">"
        raise ValueError(f"{name} must be {relation} {minimum}{minimum_reason}, found {low}")
    if maximum is not None and high > maximum:
        raise ValueError(f"{name} must be <= {maximum}, found {high}")
    return array


def as_returns(
    value, name: str = "index_returns", *, ndim: Sequence[int] = (1, 2), check_values: bool = True
) -> np.ndarray:
    """Simple decimal returns: finite, each strictly greater than -1 (a price cannot reach zero).

    ``check_values=False`` checks the shape only (see :func:`as_array`).
    """
    returns = as_array(
        value,
        name,
        ndim=ndim,
        minimum=-1.0,
        minimum_inclusive=False,
        minimum_reason=" (a simple return of -1 or less means a price at or below zero)",
        check_values=check_values,
    )
    if returns.ndim and returns.shape[-1] == 0:
        raise ValueError(f"{name} has no days: the last axis must have at least one return")
    return returns


def as_scalar(
    value,
    name: str,
    *,
    minimum: float | None = None,
    minimum_inclusive: bool = True,
    maximum: float | None = None,
) -> float:
    """A single finite real number, optionally bounded."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray, np.generic)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    array = np.asarray(value)
    if array.ndim != 0:
        raise TypeError(f"{name} must be a single number, got an array of shape {array.shape}")
    return float(
        as_array(array, name, minimum=minimum, minimum_inclusive=minimum_inclusive, maximum=maximum)
    )


def as_positive_int(value, name: str, *, maximum: int | None = None) -> int:
    """A whole number >= 1 (path counts, day counts, periods per year), at most ``maximum``.

    ``maximum`` defaults to ``COUNT_LIMITS[name]`` for the counts listed there and to
    :data:`MAX_WHOLE_NUMBER` otherwise.
    """
    if maximum is None:
        maximum = COUNT_LIMITS.get(name, MAX_WHOLE_NUMBER)
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, float, np.floating)):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}: {value!r}")
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if int(value) < 1:
        raise ValueError(f"{name} must be positive, got {value!r}")
    if int(value) > maximum:
        text = f"{value!r}" if int(value) < 10**20 else f"about 10^{int(int(value).bit_length() * 0.30103)}"
        raise ValueError(f"{name} must be at most {maximum:,}, got {text}")
    return int(value)


def as_rate_per_day(rate, n_days: int, periods_per_year: int, name: str = "rate") -> np.ndarray:
    """An annual rate, scalar or one per day, as a per-day decimal array of length ``n_days``."""
    rates = as_array(rate, name, ndim=(0, 1))
    if rates.ndim == 1 and rates.shape[0] != n_days:
        raise ValueError(
            f"{name} must be a scalar or have one value per day ({n_days}), got {rates.shape[0]} values"
        )
    return np.broadcast_to(rates / periods_per_year, (n_days,)).astype(np.float64)


def check_finite(value, *names: str):
    """Return ``value`` if every number in it is finite, else raise a ValueError naming ``names``.

    For results of arithmetic on checked, finite inputs that can still overflow (a leverage of
    1e300 squared): compute under ``np.errstate(all="ignore")`` and pass the result here.
    """
    if not np.all(np.isfinite(np.asarray(value, dtype=np.float64))):
        raise ValueError(
            f"the result is not a finite float64 for these values of {', '.join(names)}: they are too extreme"
        )
    return value
