"""The spread a real fund's measured lag implies, on each spread basis and on its swap notional.

A daily-reset fund's *lag* is how far its NAV return fell short of ``L`` times the
index's total return over a sample, net of the benchmark rate on the borrowed part
(annual decimal). On a flat index the model's daily shortfall is linear in the
spread, so the spread that explains a lag is the lag over the fraction of assets on
which the spread is paid: ``spread_fraction(L, spread_basis)`` (see
:mod:`lettools._conventions`), or, for a fund that holds stocks worth ``k`` of its
assets and swaps on the rest, ``L - k``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ._conventions import SPREAD_BASES, spread_fraction
from ._validation import as_scalar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["implied_spreads", "swap_notional_spreads"]

_LAG_KEYS = ("leverage", "lag", "distributions", "lag_adjusted", "expense_ratio")


def implied_spreads(
    lags: Mapping[str, Mapping[str, float]],
    spread_bases: Sequence[str] = SPREAD_BASES,
    expense_ratio: float | None = None,
) -> pd.DataFrame:
    """The spread that explains each fund's lag, on each spread basis: ``lag / spread_fraction(L, basis)``.

    Parameters
    ----------
    lags : mapping of str to mapping
        Per fund, its measured figures: ``leverage``, ``lag`` (on NAV alone),
        ``distributions``, ``lag_adjusted`` (with distributions added back) and
        ``expense_ratio`` (the fee charged over the sample), annual decimals.
    spread_bases : sequence of str
        The bases to report (``"notional"``, ``"borrowed"``).
    expense_ratio : float, optional
        A fee (annual decimal, in [0, 0.1)) to assume instead of each fund's own.
        The model then charges that fee, so each lag changes by the fund's fee
        minus this one: a sensitivity to fees not verified over the whole sample.

    Returns
    -------
    pandas.DataFrame
        One row per fund: ``leverage``, ``lag``, ``distributions`` and
        ``lag_adjusted`` (after the fee shift, if any), ``spread_<basis>`` (the lag
        on NAV over the spread fraction) and ``spread_<basis>_adjusted`` (the
        distribution-adjusted lag over it) for each basis (annual decimals).

    Examples
    --------
    A 3x fund lagging 1.2% a year pays 0.4% on its notional ``3`` or 0.6% on its borrowed ``2``:

    >>> fund = {"leverage": 3.0, "lag": 0.012, "distributions": 0.0, "lag_adjusted": 0.012, "expense_ratio": 0.009}
    >>> row = implied_spreads({"X": fund}).loc["X"]
    >>> round(float(row["spread_notional"]), 6), round(float(row["spread_borrowed"]), 6)
    (0.004, 0.006)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    if not isinstance(lags, Mapping) or not lags:
        raise TypeError(f"lags must be a non-empty mapping of fund to figures, got {type(lags).__name__}")
    if isinstance(spread_bases, str) or not isinstance(spread_bases, Sequence):
        raise TypeError(f"spread_bases must be a sequence of bases, got {spread_bases!r}")
    bases = list(spread_bases)
    if any(not isinstance(basis, str) or basis not in SPREAD_BASES for basis in bases):
        raise ValueError(f"spread_bases must hold bases of {SPREAD_BASES}, got {spread_bases!r}")
    if expense_ratio is not None:
        expense_ratio = as_scalar(expense_ratio, "expense_ratio")
        if not 0.0 <= expense_ratio < 0.1:
            raise ValueError(f"expense_ratio must be in [0, 0.1), got {expense_ratio!r}")
    rows = {}
    for fund, figures in lags.items():
        if not isinstance(figures, Mapping) or not set(_LAG_KEYS) <= set(figures):
            raise ValueError(f"lags[{fund!r}] must hold {list(_LAG_KEYS)}")
        values = {key: as_scalar(figures[key], f"lags[{fund!r}][{key!r}]") for key in _LAG_KEYS}
        row = {key: values[key] for key in ("leverage", "lag", "distributions", "lag_adjusted")}
        if expense_ratio is not None:
            for key in ("lag", "lag_adjusted"):
                row[key] = values[key] + values["expense_ratio"] - expense_ratio
        for basis in bases:
            fraction = spread_fraction(values["leverage"], basis)
            if fraction == 0:
                raise ValueError(f"lags[{fund!r}]: leverage {values['leverage']:g} pays no spread on basis {basis!r}")
            row[f"spread_{basis}"] = row["lag"] / fraction
            row[f"spread_{basis}_adjusted"] = row["lag_adjusted"] / fraction
        rows[fund] = row
    return pd.DataFrame(rows).T.rename_axis("fund")


def swap_notional_spreads(
    lags: Mapping[str, float], leverages: Mapping[str, float], stock_shares: Mapping[str, float]
) -> pd.Series:
    """The spread on each fund's remaining swap notional that explains its lag: ``lag / (L - k)``.

    A fund with stocks worth ``k A`` holds swaps on ``(L - k) A``, so its
    distribution-adjusted lag is ``(L - k) s``.

    Parameters
    ----------
    lags : mapping of str to float
        Each fund's distribution-adjusted lag, annual decimal.
    leverages : mapping of str to float
        Each fund's leverage ``L`` (a key for every fund of ``lags``).
    stock_shares : mapping of str to float
        ``k`` per fund of ``lags`` (the same funds), each in ``[0, L)``.

    Returns
    -------
    pandas.Series
        The spread on the swaps per fund (annual decimals), indexed by ``fund``.

    Examples
    --------
    >>> spreads = swap_notional_spreads({"X": 0.012}, {"X": 3.0}, {"X": 0.6})
    >>> round(float(spreads["X"]), 6)
    0.005
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    for name, mapping in (("lags", lags), ("leverages", leverages), ("stock_shares", stock_shares)):
        if not isinstance(mapping, Mapping):
            raise TypeError(f"{name} must be a mapping of fund to a number, got {type(mapping).__name__}")
    if not lags:
        raise ValueError("lags must name at least one fund")
    if set(stock_shares) != set(lags):
        raise ValueError(f"stock_shares must map each of {sorted(lags)} to a stock share, got {stock_shares!r}")
    missing = sorted(set(lags) - set(leverages))
    if missing:
        raise ValueError(f"leverages lacks the funds {missing}")
    spreads = {}
    for fund, lag in lags.items():
        lag = as_scalar(lag, f"lags[{fund!r}]")
        leverage = as_scalar(leverages[fund], f"leverages[{fund!r}]")
        share = as_scalar(stock_shares[fund], f"stock_shares[{fund!r}]")
        if not 0.0 <= share < leverage:
            raise ValueError(f"stock_shares[{fund!r}] must be in [0, {leverage:g}), got {share!r}")
        spreads[fund] = lag / (leverage - share)
        if not math.isfinite(spreads[fund]):
            raise ValueError(f"lags[{fund!r}] and stock_shares[{fund!r}] give a spread that is not finite")
    return pd.Series(spreads, name="swap_spread").rename_axis("fund")
