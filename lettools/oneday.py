"""One day in the life of a daily-reset fund: how far borrowing alone could take it, and what the
index's worst days would have done to it.

Returns are simple decimals (0.01 is +1%); leverage ``L`` is the fund's daily multiple.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_positive_int, as_returns, check_finite
from .theory import _result

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bank_borrowing_leverage", "worst_days_table"]


def bank_borrowing_leverage(asset_coverage: ArrayLike = 3.0) -> FloatOrArray:
    """The largest exposure per unit of net assets that bank borrowing alone allows a fund.

    A fund with net assets ``A`` that borrows ``B`` and invests everything holds ``A + B``.
    An *asset coverage* requirement ``k`` (total assets over borrowings, at least ``k``)
    gives ``(A + B) / B >= k``, so ``B <= A / (k - 1)`` and the exposure is at most

        (A + B) / A = k / (k - 1).

    Section 18(f)(1) of the US Investment Company Act of 1940 lets an open-end fund borrow only
    from a bank and only with asset coverage of at least 300% (``k = 3``): at most 1.5 times
    its net assets. That is why 2x and 3x funds get their exposure from derivatives (whose use
    is governed separately, by Rule 18f-4).

    Parameters
    ----------
    asset_coverage : array_like
        Required ratio of total assets to borrowings, greater than 1 (3.0 for 300%).

    Returns
    -------
    float or numpy.ndarray
        ``k / (k - 1)``, the largest leverage reachable by borrowing (at least 1).

    Examples
    --------
    >>> bank_borrowing_leverage(3.0)
    1.5
    """
    coverage = as_array(asset_coverage, "asset_coverage", minimum=1.0, minimum_inclusive=False)
    return _result(coverage / (coverage - 1.0))


def worst_days_table(
    index_returns: ArrayLike, leverages: ArrayLike = (2.0, 3.0), *, n: int = 5, largest: str = "falls"
) -> pd.DataFrame:
    """The index's ``n`` largest one-day falls (or rises), and what each did to daily-reset funds.

    Parameters
    ----------
    index_returns : array_like or pandas.Series
        Daily simple returns of the index (1-D). A Series keeps its index (dates) in the result.
    leverages : sequence of float
        Daily multiples to show, e.g. ``(2, 3)`` for the falls or ``(-1, -3)`` for the rises.
    n : int
        How many days, at most the number of returns.
    largest : {"falls", "rises"}
        Rank by the most negative returns (what threatens long funds) or the most positive
        ones (what threatens inverse funds).

    Returns
    -------
    pandas.DataFrame
        One row per day, worst first: ``index_return``; ``leverage_to_wipe_out``, ``-1 / R``,
        the smallest leverage in size (of the sign at risk) that the day would have taken to
        zero; and for each ``L`` a column ``"<L>x fund"`` with the fund's one-day return,
        ``max(L R, -1)`` (shareholders cannot lose more than they put in). The index's move as a share
        of the fund's wipeout move, ``R / (-1 / L)``, is the fund's loss ``-L R``.

    Examples
    --------
    >>> t = worst_days_table([0.01, -0.05, 0.02, -0.10], n=2)
    >>> t["index_return"].tolist()
    [-0.1, -0.05]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    if not isinstance(largest, str) or largest not in ("falls", "rises"):
        raise ValueError(f"largest must be 'falls' or 'rises', got {largest!r}")
    # Only a Series carries dates (a list's .index is a method, an array has none).
    labels = index_returns.index if isinstance(index_returns, pd.Series) else None
    returns = as_returns(index_returns, ndim=(1,))
    n = as_positive_int(n, "n", maximum=returns.size)
    leverages = np.atleast_1d(as_array(leverages, "leverages", ndim=(0, 1)))
    if np.any(leverages == 0.0):
        raise ValueError("leverages must be non-zero: a fund with no exposure has no wipeout move")
    picked = np.argsort(returns if largest == "falls" else -returns, kind="stable")[:n]
    worst = returns[picked]
    if np.any(worst == 0.0):
        raise ValueError("the selected days include a zero return, which wipes out no fund: ask for fewer days")
    index = pd.Index(np.asarray(labels)[picked], name=getattr(labels, "name", None)) if labels is not None else None
    table = pd.DataFrame({"index_return": worst, "leverage_to_wipe_out": -1.0 / worst}, index=index)
    for leverage in leverages:
        with np.errstate(all="ignore"):  # a huge leverage times a huge return overflows: refused below, by name
            fund = np.maximum(leverage * worst, -1.0)
        table[f"{leverage:g}x fund"] = check_finite(fund, "index_returns", "leverages")
    return table
