"""One day in the life of a daily-reset fund: how far borrowing alone could take it, and what the
index's worst days would have done to it.

Returns are simple decimals (0.01 is +1%); leverage ``L`` is the fund's daily multiple.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_positive_int, as_returns, as_scalar, check_finite
from .fund import simulate_fund
from .theory import _check_broadcast, _result

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bank_borrowing_leverage", "worst_days_table", "day_by_day", "balance_sheet", "acceleration_move"]


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


def day_by_day(index_returns: ArrayLike, leverage: float, *, assets: float = 100.0) -> pd.DataFrame:
    """The close-by-close book of a daily-reset fund, from the simulated NAV (no costs).

    After day ``t``'s index return ``R_t`` the fund holds exposure ``L A_{t-1} (1 + R_t)``;
    its assets are ``A_t = A_{t-1} (1 + L R_t)`` (floored at zero, as in
    :func:`lettools.simulate_fund`), and at the close it trades to the target ``L A_t``.
    The trade is computed from the balance sheet, not from the closed form
    ``A (L^2 - L) R`` of :func:`lettools.rebalance_flow`, so the two can be compared.

    Parameters
    ----------
    index_returns : array_like
        The index's daily simple returns, one per day (1-D), each greater than -1.
    leverage : float
        The fund's daily multiple ``L``.
    assets : float
        Assets before the first day, greater than 0 (any currency unit; the book uses $ millions).

    Returns
    -------
    pandas.DataFrame
        One row per day ``t = 1..T`` (index ``day``) with ``index_return``; ``assets_before``
        (``A_{t-1}``); ``exposure_held``, the exposure after the day's move and before
        trading (``L A_{t-1} (1 + R_t)``); ``assets_after`` (``A_t``); ``target_exposure``
        (``L A_t``); and ``trade``, target minus held (positive: a purchase of exposure).

    Examples
    --------
    >>> book = day_by_day([0.05], 3.0, assets=100.0)
    >>> round(float(book["assets_after"].iloc[0]), 6), round(float(book["trade"].iloc[0]), 6)
    (115.0, 30.0)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    returns = as_returns(index_returns, ndim=(1,))
    leverage = as_scalar(leverage, "leverage")
    assets = as_scalar(assets, "assets", minimum=0.0, minimum_inclusive=False)
    nav = simulate_fund(returns, leverage, start=assets)
    with np.errstate(all="ignore"):  # a huge leverage times huge assets overflows: refused below, by name
        held = check_finite(leverage * nav[:-1] * (1.0 + returns), "leverage", "assets")
        target = check_finite(leverage * nav[1:], "leverage", "assets")
    return pd.DataFrame(
        {
            "index_return": returns,
            "assets_before": nav[:-1],
            "exposure_held": held,
            "assets_after": nav[1:],
            "target_exposure": target,
            "trade": check_finite(target - held, "leverage", "assets"),
        },
        index=pd.RangeIndex(1, returns.size + 1, name="day"),
    )


BALANCE_SHEET_STAGES = ("Before the move", "After the move", "After the rebalance")
"""The three moments of :func:`balance_sheet`, in order."""

BALANCE_SHEET_ITEMS = {
    "cash": ("Holdings", "Cash and T-bills (collateral)"),
    "swap_value": ("Holdings", "Swap gain (+) or loss (-) owed to the fund"),
    "swap_notional": ("Exposure", "Swap exposure"),
    "futures_notional": ("Exposure", "Futures exposure"),
}
"""The items of :func:`balance_sheet`: key -> (side, label)."""


def balance_sheet(
    leverage: float, index_return: float, *, assets: float = 100.0, futures_share: float = 0.25
) -> pd.DataFrame:
    """A daily-reset fund's holdings and exposure before a day's move, after it, and after the reset.

    The fund keeps all its assets in cash and Treasury bills, which serve as collateral, and
    gets its exposure ``L A`` from total return swaps and index futures (a ``futures_share``
    of the exposure); many real funds also hold index stocks. Futures settle their gain or
    loss in cash the same day (variation margin); the swaps' gain is owed by the bank until
    the swaps are reset at the close, when it is paid and the notionals are resized to ``L``
    times the new assets ``A (1 + L R)`` (floored at zero). Costs are left out.

    Parameters
    ----------
    leverage : float
        Daily multiple ``L`` (negative for an inverse fund: the notionals are short).
    index_return : float
        The day's index return ``R``, simple decimal, greater than -1.
    assets : float
        Assets before the move, greater than 0 (the book uses $ millions).
    futures_share : float
        Fraction of the exposure held in futures, from 0 to 1.

    Returns
    -------
    pandas.DataFrame
        One row per stage and item (:data:`BALANCE_SHEET_STAGES` x :data:`BALANCE_SHEET_ITEMS`):
        ``stage``, ``stage_order``, ``side`` ("Holdings" or "Exposure"), ``item``,
        ``item_order``, ``amount`` (signed, in the unit of ``assets``), plus ``nav`` (net
        assets) and ``target`` (``L`` times net assets) of the stage.

    Examples
    --------
    >>> sheet = balance_sheet(2.0, 0.05)
    >>> after = sheet[sheet["stage_order"] == 2]
    >>> round(float(after["nav"].iloc[0]), 6), round(float(after["amount"].sum() - after["nav"].iloc[0]), 6)
    (110.0, 220.0)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    index_return = as_scalar(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    assets = as_scalar(assets, "assets", minimum=0.0, minimum_inclusive=False)
    futures_share = as_scalar(futures_share, "futures_share", minimum=0.0, maximum=1.0)
    nav_after = float(simulate_fund([index_return], leverage, start=assets)[-1])
    with np.errstate(all="ignore"):  # huge leverage times huge assets overflows: refused below, by name
        swaps, futures = (1.0 - futures_share) * leverage * assets, futures_share * leverage * assets
        stages = [
            {"cash": assets, "swap_value": 0.0, "swap_notional": swaps, "futures_notional": futures, "nav": assets},
            {
                "cash": assets + futures * index_return,
                "swap_value": swaps * index_return,
                "swap_notional": swaps * (1.0 + index_return),
                "futures_notional": futures * (1.0 + index_return),
                "nav": nav_after,
            },
            {
                "cash": nav_after,
                "swap_value": 0.0,
                "swap_notional": (1.0 - futures_share) * leverage * nav_after,
                "futures_notional": futures_share * leverage * nav_after,
                "nav": nav_after,
            },
        ]
        for values in stages:
            values["target"] = leverage * values["nav"]
            check_finite(list(values.values()), "leverage", "assets", "index_return")
    keys = list(BALANCE_SHEET_ITEMS)
    rows = [
        {
            "stage": BALANCE_SHEET_STAGES[order],
            "stage_order": order,
            "side": side,
            "item": item,
            "item_order": keys.index(key),
            "amount": values[key],
            "nav": values["nav"],
            "target": values["target"],
        }
        for order, values in enumerate(stages)
        for key, (side, item) in BALANCE_SHEET_ITEMS.items()
    ]
    return pd.DataFrame(rows)


def acceleration_move(leverage: ArrayLike, floor: ArrayLike) -> FloatOrArray:
    """The one-day index move that takes a product's value down to ``floor`` times its previous close.

    A product that returns ``L R`` on an index move ``R`` is worth ``1 + L R`` of its previous
    close; setting that to ``floor`` gives ``R = -(1 - floor) / L``. With ``floor = 0`` this is
    the wipeout move ``-1 / L`` of :func:`lettools.wipeout_move`. Early-redemption
    ("acceleration") clauses of exchange-traded notes are written in these terms (for
    example, a value of 20% or less of the previous close).

    Parameters
    ----------
    leverage : array_like
        Daily multiple ``L``, non-zero (negative for an inverse product).
    floor : array_like
        The product's value that triggers the clause, as a fraction of its previous close,
        from 0 (inclusive) to 1 (exclusive).

    Returns
    -------
    float or numpy.ndarray
        The index's simple return that triggers the clause: negative for ``L > 0``,
        positive for ``L < 0``.

    Examples
    --------
    >>> acceleration_move(-1.0, 0.2)
    0.8
    >>> acceleration_move(3.0, 0.0)
    -0.3333333333333333
    """
    leverage_array = as_array(leverage, "leverage")
    floor_array = as_array(floor, "floor", minimum=0.0, maximum=1.0)
    if np.any(floor_array == 1.0):
        raise ValueError("floor must be below 1: a floor of 100% of the previous close is no fall at all")
    if np.any(leverage_array == 0.0):
        raise ValueError("leverage must be non-zero: a fund with no exposure cannot fall in one day")
    _check_broadcast(leverage=leverage_array, floor=floor_array)
    with np.errstate(all="ignore"):  # a tiny leverage overflows: refused below, by name
        move = check_finite(-(1.0 - floor_array) / leverage_array, "leverage")
    return _result(move)
