"""Conventions for who pays what on a fund's exposure, shared by the simulator and the cost model."""

from __future__ import annotations

import numpy as np


def financed_fraction(leverage):
    """Fraction of assets on which a fund pays the financing spread, per unit of assets.

    A long fund (``L > 1``) borrows ``L - 1`` times its assets and pays the spread
    on that borrowed part. An inverse fund (``L < 0``) holds its assets in cash and
    is short ``|L|`` times them through swaps; the dealer charges the spread on that
    short notional. Funds with ``0 <= L <= 1`` borrow nothing and pay no spread.
    """
    leverage = np.asarray(leverage, dtype=np.float64)
    result = np.maximum(leverage - 1.0, 0.0) + np.maximum(-leverage, 0.0)
    return float(result) if result.ndim == 0 else result
