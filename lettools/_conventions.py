"""Conventions for who pays what on a fund's exposure, shared by the simulator and the cost model.

A swap-based fund holds its assets in cash earning the benchmark rate ``r`` and a swap on
notional ``|L|`` times its assets that pays the index's return against ``r`` plus a dealer
spread ``s``. Per unit of assets and per year, before fees:

    L R + (1 - L) r - spread_fraction(L, spread_basis) s

The rate falls on the borrowed part, ``L - 1`` (a long fund) or is earned on ``1 - L`` (an
inverse fund); the spread falls on the whole swap notional, ``|L|``, under the default
``spread_basis="notional"``. ``spread_basis="borrowed"`` describes a fund that holds the index
itself and borrows the rest: it pays the spread on ``L - 1`` only (and an inverse fund on its
short notional ``|L|``).
"""

from __future__ import annotations

import numpy as np

SPREAD_BASES = ("notional", "borrowed")


def check_spread_basis(spread_basis) -> str:
    """Return ``spread_basis`` if it names a convention, else raise a ValueError naming it."""
    if not isinstance(spread_basis, str) or spread_basis not in SPREAD_BASES:
        raise ValueError(f"spread_basis must be one of {SPREAD_BASES}, got {spread_basis!r}")
    return spread_basis


def spread_fraction(leverage, spread_basis: str = "notional"):
    """Fraction of assets on which a fund pays the financing spread, per unit of assets.

    ``"notional"`` (default): ``|L|``, the swap notional. ``"borrowed"``: ``L - 1`` for a long
    fund, ``|L|`` for an inverse fund, nothing for ``0 <= L <= 1``.
    """
    check_spread_basis(spread_basis)
    leverage = np.asarray(leverage, dtype=np.float64)
    if spread_basis == "notional":
        result = np.abs(leverage)
    else:
        result = np.maximum(leverage - 1.0, 0.0) + np.maximum(-leverage, 0.0)
    return float(result) if result.ndim == 0 else result

