"""Reading a regulator's example of performance divergence: how sensitive its figures are.

The SEC and FINRA investor alert of 18 August 2009 reported, for 1 December 2008 to 30 April 2009,
an index up about 8%, a 3x daily-reset fund on it down 53% and a -3x fund down 90%. Two reported
fund returns on one index over one window over-determine the Avellaneda-Zhang relation
(:func:`lettools.fund_return`): volatility backed out of one fund predicts the other. The functions
here make that prediction explicit, show that it does not depend on volatility at all, and
tabulate how strongly each fund's return depends on the volatility one assumes.

Returns are simple decimals over the whole window; volatilities annual decimals; ``years`` the
window's length in years. No costs unless stated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from lettools._typing import ArrayLike, FloatOrArray
from lettools._validation import as_array, as_scalar, check_finite
from lettools.decomposition import implied_volatility
from lettools.theory import _check_broadcast, fund_return

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["paired_fund_return", "alert_sensitivity"]


def paired_fund_return(
    index_return: ArrayLike,
    fund_return_observed: ArrayLike,
    leverage: ArrayLike,
    other_leverage: ArrayLike,
    *,
    cost: ArrayLike = 0.0,
    other_cost: ArrayLike = 0.0,
) -> FloatOrArray:
    """The return of a second daily-reset fund predicted from a first one on the same index and window.

    Under the continuous-time relation ``ln(1 + F) = L ln(1 + R) + (L - L^2)/2 * V - c`` with
    ``V = sigma^2 T`` the index's integrated variance and ``c`` the fund's net costs in logs, one fund
    ``(L, F)`` fixes ``V = 2 [L ln(1 + R) - ln(1 + F) - c] / (L^2 - L)``, and the other fund ``L'``
    then returns

        ln(1 + F') = L' ln(1 + R) + k [ln(1 + F) + c - L ln(1 + R)] - c',   k = (L'^2 - L') / (L^2 - L).

    Volatility and the window's length have dropped out. For ``L = 3`` and ``L' = -3``,
    ``k = 2`` and ``1 + F' = (1 + F)^2 / (1 + R)^9`` without costs.

    Costs are signed. Under the book's financing model a fund earns ``(1 - L) r`` on its assets
    (``r`` the bill rate), so a 3x fund pays ``2 r`` and a -3x fund *earns* ``4 r``: its net cost is
    the expense ratio minus ``4 r``, negative when the interest exceeds the fees. For the 3x/-3x pair
    financing adds ``2 (2 r) + 4 r = 8 r`` a year to the predicted log return of the -3x fund.

    Parameters
    ----------
    index_return, fund_return_observed : array_like
        The index's and the first fund's returns over the window, each > -1.
    leverage, other_leverage : float
        The two funds' daily multiples, each outside ``[0, 1]``.
    cost, other_cost : array_like
        Each fund's net costs over the window in logs (e.g. (expense ratio - (1 - L) r) x years).
        Negative for net income, such as an inverse fund's interest on its collateral, down to -1
        (income of more than one log unit, a factor e, over the window is refused as implausible).

    Returns
    -------
    float or numpy.ndarray
        The second fund's predicted return, a simple decimal of at least -1, broadcast over the inputs.

    Raises
    ------
    ValueError
        If an input is out of range, the inputs do not broadcast together, or they are so extreme
        that the prediction is not a finite float64 (the messages name the parameters).
    TypeError
        If an input is not numeric.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> round(paired_fund_return(0.08, -0.53, 3, -3), 4)
    -0.8895
    """
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    observed = as_array(fund_return_observed, "fund_return_observed", minimum=-1.0, minimum_inclusive=False)
    leverage = as_scalar(leverage, "leverage")
    other_leverage = as_scalar(other_leverage, "other_leverage")
    for name, value in (("leverage", leverage), ("other_leverage", other_leverage)):
        if 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie outside [0, 1] (only then does volatility cost a fund), got {value}")
    reason = " (a net income of more than 1 in logs, a factor e, over the window is not a fund's carry)"
    cost = as_array(cost, "cost", minimum=-1.0, minimum_reason=reason)
    other_cost = as_array(other_cost, "other_cost", minimum=-1.0, minimum_reason=reason)
    _check_broadcast(index_return=index_return, fund_return_observed=observed, cost=cost, other_cost=other_cost)
    leverage, other_leverage = np.float64(leverage), np.float64(other_leverage)
    with np.errstate(all="ignore"):  # extreme but finite inputs can overflow: refused below, by name
        ratio = (other_leverage**2 - other_leverage) / (leverage**2 - leverage)
        log_index = np.log1p(index_return)
        log_other = other_leverage * log_index + ratio * (np.log1p(observed) + cost - leverage * log_index) - other_cost
        value = np.expm1(log_other)
    check_finite(value, "index_return", "fund_return_observed", "leverage", "other_leverage", "cost",
                 "other_cost")
    return float(value) if np.ndim(value) == 0 else value


def alert_sensitivity(index_return: float, fund_return_observed: float, *, years: float, leverage: float = 3.0,
                      other_leverage: float = -3.0, sigmas: Sequence[float] = (0.6, 0.7, 0.8, 0.9, 1.0)
                      ) -> pd.DataFrame:
    """Each fund's return as a function of the volatility assumed, with the implied volatility's row.

    For each volatility in ``sigmas`` and for the one implied by ``fund_return_observed``
    (:func:`lettools.implied_volatility`), the two funds' returns under the Avellaneda-Zhang
    relation (:func:`lettools.fund_return`, no costs). The rows show how steeply a fund's return
    over a volatile window depends on the volatility, and that the implied row reproduces the
    observed fund and gives :func:`paired_fund_return` for the other.

    Parameters
    ----------
    index_return, fund_return_observed : float
        The index's and the first fund's returns over the window.
    years : float
        The window's length in years, > 0.
    leverage, other_leverage : float
        The two funds' daily multiples.
    sigmas : sequence of float
        Annual volatilities to tabulate, each >= 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``volatility`` (sorted, implied one included) with columns ``implied``
        (bool), ``fund`` (the ``leverage`` fund's return) and ``other_fund``, simple decimal
        returns of at least -1.

    Raises
    ------
    ValueError
        If an input is out of range, ``fund_return_observed`` is above the fund's no-volatility
        value, or the inputs are so extreme that a return is not a finite float64 (the messages
        name the parameters).
    TypeError
        If an input is not numeric.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).

    Examples
    --------
    >>> t = alert_sensitivity(0.08, -0.53, years=1.0)
    >>> t.shape, list(t.columns)
    ((6, 3), ['implied', 'fund', 'other_fund'])
    """
    index_return = as_scalar(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    observed = as_scalar(fund_return_observed, "fund_return_observed", minimum=-1.0, minimum_inclusive=False)
    years = as_scalar(years, "years", minimum=0.0, minimum_inclusive=False)
    leverage = as_scalar(leverage, "leverage")
    other_leverage = as_scalar(other_leverage, "other_leverage")
    grid = as_array(sigmas, "sigmas", ndim=(1,), minimum=0.0)
    implied = float(implied_volatility(index_return, observed, leverage, years=years))
    if not np.isfinite(implied):
        raise ValueError(f"fund_return_observed is above the no-volatility value of a fund with this leverage "
                         f"({leverage:g}) on this index_return: no volatility explains it")
    tabulated = np.append(grid, implied)
    returns = {}
    for column, name, value in (("fund", "leverage", leverage), ("other_fund", "other_leverage", other_leverage)):
        try:
            returns[column] = fund_return(index_return, tabulated, value, years=years)
        except ValueError as exc:  # fund_return names its own parameters: say which fund, by our names
            raise ValueError(f"{name} = {value:g} with index_return, years and sigmas: {exc}") from None
    import pandas as pd  # lazily: keeps `import lettools` fast

    table = pd.DataFrame({
        "volatility": tabulated,
        "implied": np.append(np.zeros(grid.size, dtype=bool), True),
        **returns,
    })
    return table.sort_values("volatility", kind="stable").set_index("volatility")
