"""Reflexivity: the funds' rebalancing trades move the index they track.

After a day's move ``R`` a fund with assets ``A`` and leverage ``L`` must trade
``A (L^2 - L) R`` at the close (Cheng and Madhavan 2009). ``L^2 - L`` is
positive for every long fund with ``L > 1`` and every inverse fund, so both
trade *with* the move: buy on up days, sell on down days.

Price impact is linear here: a net order flow ``Q`` (money) moves the index by
the simple return ``Q / depth``. ``depth`` is therefore the money that would
move the index by 100%; ``depth / 100`` moves it by 1%. With aggregate
rebalancing ``K R``, ``K = sum_i A_i (L_i^2 - L_i)``, a day that starts with an
exogenous move ``R0`` settles where ``R = R0 + K R / depth``: at

    R* = R0 / (1 - gain),   gain = K / depth,

an amplification of ``1 / (1 - gain)``. When ``gain >= 1`` there is no finite
resting point: each round of rebalancing triggers a bigger one.

The impact is permanent unless said otherwise: the settled move stays in the
price. :func:`simulate_reflexive_market` can let a share of each day's feedback
move reverse at the next day's open (``reversal``), as the evidence on late-day
rebalancing suggests part of it does. :func:`depth_from_multiplier` calibrates
``depth`` from a published price-impact multiplier.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ._conventions import check_spread_basis, spread_fraction
from ._numba import lazy_njit
from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_positive_int, as_returns, as_scalar, check_finite

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "aggregate_rebalance_flow",
    "backcast_assets",
    "rebalance_sign_table",
    "feedback_gain",
    "amplification",
    "instability_assets",
    "simulate_feedback",
    "simulate_reflexive_market",
    "flow_share_of_volume",
    "depth_from_multiplier",
    "fixed_point_move",
    "halving_ratio",
    "reflexive_market_summary",
    "restate_calibration",
]


def _scalar_or_array(values):
    return float(values) if np.ndim(values) == 0 else np.asarray(values)


def _funds(assets, leverages, name: str = "assets") -> tuple[np.ndarray, np.ndarray]:
    """Validated 1-D arrays of fund assets and leverages of equal length (``name``: the assets' parameter)."""
    assets = np.atleast_1d(as_array(assets, name, ndim=(0, 1), minimum=0.0))
    leverages = np.atleast_1d(as_array(leverages, "leverages", ndim=(0, 1)))
    if assets.shape != leverages.shape:
        raise ValueError(
            f"{name} and leverages must have one value per fund, got {assets.size} {name} "
            f"and {leverages.size} leverages"
        )
    return assets, leverages


def _check_depth(depth) -> float:
    """Market depth, money per 100% move, > 0; ``math.inf`` means no price impact."""
    if isinstance(depth, (int, float, np.floating)) and not isinstance(depth, bool) and depth == math.inf:
        return math.inf
    return as_scalar(depth, "depth", minimum=0.0, minimum_inclusive=False)


def aggregate_rebalance_flow(assets: ArrayLike, leverages: ArrayLike, index_return: ArrayLike) -> FloatOrArray:
    """Net money all the funds on one index trade at the close after a move.

    ``sum_i A_i (L_i^2 - L_i) R``: positive means buying.

    Parameters
    ----------
    assets : float or array_like
        Each fund's assets at the previous close, money, >= 0.
    leverages : float or array_like
        Each fund's leverage, same length as ``assets``.
    index_return : float or array_like
        The day's index return(s), simple decimal > -1; the result broadcasts over them.

    Returns
    -------
    float or numpy.ndarray
        Rebalancing flow in money, shaped like ``index_return``.

    References
    ----------
    .. [1] M. Cheng and A. Madhavan, "The dynamics of leveraged and inverse exchange-traded funds", Journal
           of Investment Management 7 (2009), 43-62 (``cheng2009dynamics`` in references.bib).

    Examples
    --------
    >>> round(aggregate_rebalance_flow([100.0, 50.0], [3, -3], -0.02), 4)
    -24.0
    """
    assets, leverages = _funds(assets, leverages)
    index_return = as_array(index_return, "index_return", minimum=-1.0, minimum_inclusive=False)
    return _scalar_or_array(float(np.sum(assets * (leverages**2 - leverages))) * index_return)


def rebalance_sign_table(leverages: ArrayLike = (2.0, 3.0, -1.0, -2.0, -3.0), *, move: float = 0.01) -> pd.DataFrame:
    """Which way each kind of fund trades on an up day and a down day.

    Parameters
    ----------
    leverages : sequence of float, default (2, 3, -1, -2, -3)
        Leverages to tabulate.
    move : float, default 0.01
        Size of the up and down day, simple decimal, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``leverage``: ``L^2 - L``; ``flow_up`` and ``flow_down``, the
        trade per unit of assets after a ``+move`` and a ``-move`` day; and
        ``up_day`` / ``down_day``: ``"buy"``, ``"sell"`` or ``"none"``.

    References
    ----------
    .. [1] M. Cheng and A. Madhavan, "The dynamics of leveraged and inverse exchange-traded funds", Journal
           of Investment Management 7 (2009), 43-62 (``cheng2009dynamics`` in references.bib).

    Examples
    --------
    >>> t = rebalance_sign_table([2, -1])
    >>> list(t.columns)
    ['L^2 - L', 'flow_up', 'flow_down', 'up_day', 'down_day']
    >>> t["L^2 - L"].tolist()
    [2.0, 2.0]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    leverages = np.atleast_1d(as_array(leverages, "leverages", ndim=(0, 1)))
    move = as_scalar(move, "move", minimum=0.0, minimum_inclusive=False, maximum=1.0)
    with np.errstate(all="ignore"):
        sensitivity = check_finite(leverages**2 - leverages, "leverages")
    flow_up, flow_down = sensitivity * move, -sensitivity * move
    words = np.array(["sell", "none", "buy"])
    return pd.DataFrame(
        {
            "L^2 - L": sensitivity,
            "flow_up": flow_up,
            "flow_down": flow_down,
            "up_day": words[np.sign(flow_up).astype(int) + 1],
            "down_day": words[np.sign(flow_down).astype(int) + 1],
        },
        index=pd.Index(leverages, name="leverage"),
    )


def feedback_gain(assets: ArrayLike, leverages: ArrayLike, depth: ArrayLike) -> float:
    """Feedback gain ``sum_i A_i (L_i^2 - L_i) / depth`` of the rebalancing loop.

    Parameters
    ----------
    assets, leverages : float or array_like
        Each fund's assets (money, >= 0) and leverage.
    depth : float
        Money of net order flow that moves the index by 100% (``depth / 100``
        per 1%), > 0; ``math.inf`` for a market the funds cannot move.

    Returns
    -------
    float
        The share of any move that the funds' own trades add in one round.

    References
    ----------
    .. [1] M. Cheng and A. Madhavan, "The dynamics of leveraged and inverse exchange-traded funds", Journal
           of Investment Management 7 (2009), 43-62 (``cheng2009dynamics`` in references.bib).

    Examples
    --------
    >>> round(feedback_gain([100.0, 50.0], [3, -3], 10_000.0), 6)
    0.12
    """
    assets, leverages = _funds(assets, leverages)
    return float(np.sum(assets * (leverages**2 - leverages))) / _check_depth(depth)


def amplification(gain: ArrayLike) -> FloatOrArray:
    """Total move per unit of exogenous move, ``1 / (1 - gain)``.

    Parameters
    ----------
    gain : float or array_like
        Feedback gain(s) from :func:`feedback_gain`.

    Returns
    -------
    float or numpy.ndarray
        ``1 / (1 - gain)`` where ``gain < 1``; ``inf`` where ``gain >= 1`` (the
        loop has no finite resting point and runs away).

    Examples
    --------
    >>> round(amplification(0.2), 4)   # 1 / (1 - g)
    1.25
    """
    gain = as_array(gain, "gain")
    stable = gain < 1.0
    result = np.where(stable, 1.0 / np.where(stable, 1.0 - gain, 1.0), np.inf)
    return _scalar_or_array(result)


def instability_assets(leverages: ArrayLike, depth: ArrayLike, *, weights: ArrayLike | None = None) -> float:
    """Total fund assets at which the feedback gain reaches 1 and the loop runs away.

    Parameters
    ----------
    leverages : float or array_like
        Leverages of the funds on the index.
    depth : float
        Money that moves the index by 100%, > 0; ``math.inf`` for a market the funds cannot move.
    weights : array_like, optional
        Share of the total assets in each fund (normalised to sum to 1);
        equal shares when omitted.

    Returns
    -------
    float
        ``depth / sum_i w_i (L_i^2 - L_i)``, money; ``inf`` when that sum is not
        positive (the funds' trades do not reinforce moves) or ``depth`` is ``math.inf``.

    Examples
    --------
    >>> round(instability_assets([3, -3], 10_000.0), 2)
    1111.11
    """
    leverages = np.atleast_1d(as_array(leverages, "leverages", ndim=(0, 1)))
    depth = _check_depth(depth)
    if weights is None:
        weights = np.full(leverages.shape, 1.0 / leverages.size)
    else:
        weights = np.atleast_1d(as_array(weights, "weights", ndim=(0, 1), minimum=0.0))
        if weights.shape != leverages.shape:
            raise ValueError(
                f"weights must have one value per leverage ({leverages.size}), got {weights.size}"
            )
        if weights.sum() == 0.0:
            raise ValueError("weights must not all be zero")
        weights = weights / weights.sum()
    with np.errstate(all="ignore"):
        sensitivity = float(check_finite(np.sum(weights * (leverages**2 - leverages)), "leverages", "weights"))
    return depth / sensitivity if sensitivity > 0.0 else math.inf


def simulate_feedback(
    shock: float,
    *,
    long_assets: float,
    inverse_assets: float,
    long_leverage: float = 3.0,
    inverse_leverage: float = -3.0,
    depth: float,
    n_rounds: int = 50,
) -> pd.DataFrame:
    """Round-by-round feedback between an index move and the funds' rebalancing.

    Round 0 is the exogenous ``shock``. In each later round the funds trade
    what the move since their last trade requires, ``K * (new move)`` with
    ``K = sum_i A_i (L_i^2 - L_i)``, and that flow moves the index by
    ``flow / depth``. The cumulative move after round ``k`` is
    ``shock * (1 + gain + ... + gain^k)``: it converges to ``shock / (1 - gain)``
    when ``gain < 1`` and runs away otherwise. The linear model stops making
    sense before the index halves or doubles; the simulation stops early,
    without the offending round, if the cumulative move would reach -100% (the
    index at zero) or +100%.

    Parameters
    ----------
    shock : float
        Exogenous move of the index, simple decimal, in (-1, 1).
    long_assets, inverse_assets : float
        Assets of the long and the inverse funds, money, >= 0.
    long_leverage : float, default 3.0
        Leverage of the long funds, >= 1.
    inverse_leverage : float, default -3.0
        Leverage of the inverse funds, <= 0.
    depth : float
        Money of net order flow that moves the index by 100%, > 0; ``math.inf`` for a market
        the funds cannot move (gain 0: the shock is the whole move).
    n_rounds : int, default 50
        Rounds of rebalancing after the shock, at most 100,000.

    Returns
    -------
    pandas.DataFrame
        Columns ``round``, ``move`` (cumulative index move, decimal), ``flow``
        (money traded in the round, positive = buying) and ``cumulative_flow``.
        ``attrs`` holds ``gain``, ``amplification``, ``fixed_point`` (``None``
        when ``gain >= 1`` or when ``shock / (1 - gain)`` is a move of -100% or +100% or
        more, where the simulation stops) and ``stopped_at_round`` (``None`` if all rounds ran).

    Examples
    --------
    >>> path = simulate_feedback(-0.05, long_assets=100.0, inverse_assets=50.0, depth=10_000.0, n_rounds=5)
    >>> path.round(5).iloc[-1].tolist()
    [5.0, -0.05682, -0.01244, -68.18012]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    shock = as_scalar(shock, "shock", minimum=-1.0, minimum_inclusive=False, maximum=1.0)
    if shock == 1.0:
        raise ValueError("shock must be < 1 (the simulation stops at a +100% move)")
    long_assets = as_scalar(long_assets, "long_assets", minimum=0.0)
    inverse_assets = as_scalar(inverse_assets, "inverse_assets", minimum=0.0)
    long_leverage = as_scalar(long_leverage, "long_leverage", minimum=1.0)
    inverse_leverage = as_scalar(inverse_leverage, "inverse_leverage", maximum=0.0)
    depth = _check_depth(depth)
    n_rounds = as_positive_int(n_rounds, "n_rounds")

    names = ("long_assets", "inverse_assets", "long_leverage", "inverse_leverage", "depth")
    with np.errstate(all="ignore"):
        sensitivity = float(check_finite(
            long_assets * (np.float64(long_leverage) ** 2 - long_leverage)
            + inverse_assets * (np.float64(inverse_leverage) ** 2 - inverse_leverage),
            *names,
        ))
        gain = float(check_finite(np.float64(sensitivity) / depth, *names))
    rounds, moves, flows = [0], [shock], [0.0]
    stopped_at = None
    for k in range(1, n_rounds + 1):
        flow = sensitivity * (moves[-1] - (moves[-2] if k > 1 else 0.0))
        move = moves[-1] + flow / depth
        if abs(move) >= 1.0:
            stopped_at = k
            break
        rounds.append(k)
        moves.append(move)
        flows.append(flow)
    # The loop's resting point, when it has one inside the model (a move beyond -100% or +100%
    # is where the simulation stops: the linear model reaches no such point).
    fixed_point = shock / (1.0 - gain) if gain < 1.0 else math.inf
    frame = pd.DataFrame({"round": rounds, "move": moves, "flow": flows})
    frame["cumulative_flow"] = frame["flow"].cumsum()
    frame.attrs.update(
        gain=gain,
        amplification=float(amplification(gain)),
        fixed_point=fixed_point if abs(fixed_point) < 1.0 else None,
        stopped_at_round=stopped_at,
    )
    return frame


# Status codes shared by the kernel and the reference.
_COMPLETED, _RUNAWAY, _COLLAPSE = 0, 1, 2
_STATUS_TEXT = {
    _COMPLETED: None,
    _RUNAWAY: "runaway: the feedback gain reached 1, so the day's move has no finite resting point",
    _COLLAPSE: "collapse: the day's settled move would take the index to zero or below",
}


@lazy_njit
def _reflexive_market_kernel(exogenous, assets0, leverages, inverse_depth, daily_carry, reversal, scale_depth):
    n_days, n_funds = exogenous.shape[0], assets0.shape[0]
    index_return = np.zeros(n_days)
    gain = np.zeros(n_days)
    flow = np.zeros(n_days)
    assets = np.zeros((n_days, n_funds))
    current = assets0.copy()
    carried = 0.0  # the share of yesterday's feedback move that reverses at today's open
    level = 1.0  # the index at the previous close; depth is proportional to it when scale_depth
    for t in range(n_days):
        sensitivity = 0.0
        for i in range(n_funds):
            sensitivity += current[i] * (leverages[i] * leverages[i] - leverages[i])
        day_gain = sensitivity * inverse_depth / level if scale_depth else sensitivity * inverse_depth
        shock = exogenous[t] + carried
        if shock == 0.0:
            move = 0.0
        elif day_gain >= 1.0:
            return index_return, gain, flow, assets, t, _RUNAWAY
        else:
            move = shock / (1.0 - day_gain)
        if move <= -1.0:
            return index_return, gain, flow, assets, t, _COLLAPSE
        for i in range(n_funds):
            growth = 1.0 + leverages[i] * move + daily_carry[i]
            current[i] = current[i] * growth if growth > 0.0 else 0.0
            assets[t, i] = current[i]
        carried = -reversal * (move - shock)
        level = level * (1.0 + move)
        index_return[t] = move
        gain[t] = day_gain
        flow[t] = sensitivity * move
    return index_return, gain, flow, assets, n_days, _COMPLETED


def _reflexive_market_reference(exogenous, assets0, leverages, inverse_depth, daily_carry, reversal=0.0,
                                scale_depth=False):
    """Plain numpy twin of ``_reflexive_market_kernel``, for tests."""
    n_days = exogenous.shape[0]
    index_return, gain, flow = np.zeros(n_days), np.zeros(n_days), np.zeros(n_days)
    assets = np.zeros((n_days, assets0.shape[0]))
    current = assets0.copy()
    sensitivities = leverages**2 - leverages
    carried = 0.0
    level = 1.0
    for t, news in enumerate(exogenous):
        shock = news + carried
        sensitivity = float(current @ sensitivities)
        day_gain = sensitivity * inverse_depth / (level if scale_depth else 1.0)
        if shock == 0.0:
            move = 0.0
        elif day_gain >= 1.0:
            return index_return, gain, flow, assets, t, _RUNAWAY
        else:
            move = shock / (1.0 - day_gain)
        if move <= -1.0:
            return index_return, gain, flow, assets, t, _COLLAPSE
        current = current * np.maximum(1.0 + leverages * move + daily_carry, 0.0)
        assets[t] = current
        carried = -reversal * (move - shock)
        level *= 1.0 + move
        index_return[t], gain[t], flow[t] = move, day_gain, sensitivity * move
    return index_return, gain, flow, assets, n_days, _COMPLETED


def simulate_reflexive_market(
    index_returns: ArrayLike,
    *,
    fund_assets: ArrayLike,
    leverages: ArrayLike,
    depth: float,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    periods_per_year: int = 252,
    reversal: float = 0.0,
    depth_scales_with_level: bool = False,
) -> pd.DataFrame:
    """Many days of an index whose leveraged funds' closing trades move it.

    Each day starts from an exogenous return ``R0`` (what the index would do
    without the funds). The funds' rebalancing flow ``K R`` (``K`` from their
    assets at the previous close) adds ``K R / depth``, and the day settles at
    the fixed point ``R = R0 / (1 - gain)``, ``gain = K / depth``. Each fund
    then earns ``L R + ((1 - L) rate - expense_ratio - spread_fraction(L,
    spread_basis) spread) / periods_per_year``; a fund whose return is -100% or worse is wiped
    out (assets 0) and stops trading. Investor creations and redemptions are
    left out: assets change only through returns.

    With ``reversal = 0`` the funds' impact is permanent. With ``reversal = rho``
    a share ``rho`` of each day's feedback move ``R - R0`` reverses at the next
    day's open: it is added to the next day's exogenous return, and that day's
    loop amplifies it like any other move.

    With ``depth_scales_with_level`` the depth on each day is ``depth`` times
    the index level at the previous close (1 at the start): depth proportional
    to the market's value, as when it is set from a price-impact multiplier
    (:func:`depth_from_multiplier`), so a falling market is thinner.

    The simulation stops, keeping only the days before, on a day whose loop
    has no finite resting point (``gain >= 1`` with a nonzero ``R0``: a
    runaway) or whose settled move is -100% or worse (a collapse); ``attrs``
    says which. No value is clipped or set to NaN.

    Parameters
    ----------
    index_returns : array_like or pandas.Series
        Exogenous daily returns, 1-D, simple decimals > -1. A Series keeps its index.
    fund_assets : float or array_like
        Each fund's assets at the start, money, >= 0.
    leverages : float or array_like
        Each fund's leverage, same length as ``fund_assets``.
    depth : float
        Money of net order flow that moves the index by 100%, > 0; ``math.inf``
        for no price impact (the index then follows ``index_returns``).
    rate : float, default 0.0
        Financing (cash) rate, annual decimal.
    expense_ratio : float, default 0.0
        Funds' expense ratio, annual decimal, >= 0.
    spread : float, default 0.0
        Financing spread over ``rate``, annual decimal, >= 0.
    spread_basis : {"notional", "borrowed"}, default "notional"
        What the spread is paid on (see :func:`lettools.simulate_fund`).
    periods_per_year : int, default 252
        Trading days in a year.
    reversal : float, default 0.0
        Share of each day's feedback move that reverses at the next open, in [0, 1].
    depth_scales_with_level : bool, default False
        Scale the depth with the index level (see above); by default it stays
        at its starting money value.

    Returns
    -------
    pandas.DataFrame
        One row per simulated day: ``exogenous_return``, ``index_return``,
        ``exogenous_level``, ``index_level`` (closing levels from 1),
        ``gain``, ``flow`` (money, positive = buying) and ``assets_0``,
        ``assets_1``, ... (each fund's assets at the close). ``attrs`` holds
        ``leverages``, ``completed`` (bool), ``stopped_on`` (the label of the
        day that stopped it, or ``None``) and ``reason``.

    Examples
    --------
    >>> out = simulate_reflexive_market([0.01, -0.02, 0.005], fund_assets=[100.0], leverages=[3.0], depth=10_000.0)
    >>> list(out.columns)
    ['exogenous_return', 'index_return', 'exogenous_level', 'index_level', 'gain', 'flow', 'assets_0']
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    exogenous = as_returns(index_returns, "index_returns", ndim=(1,))
    assets0, leverages = _funds(fund_assets, leverages, "fund_assets")
    depth = _check_depth(depth)
    rate = as_scalar(rate, "rate")
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)
    spread = as_scalar(spread, "spread", minimum=0.0)
    spread_basis = check_spread_basis(spread_basis)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    reversal = as_scalar(reversal, "reversal", minimum=0.0, maximum=1.0)
    if not isinstance(depth_scales_with_level, (bool, np.bool_)):
        raise TypeError(f"depth_scales_with_level must be a bool, got {type(depth_scales_with_level).__name__}")

    daily_carry = (
        (1.0 - leverages) * rate - expense_ratio - spread_fraction(leverages, spread_basis) * spread
    ) / periods_per_year
    index_return, gain, flow, assets, n_done, status = _reflexive_market_kernel(
        exogenous, assets0, leverages, 1.0 / depth, np.asarray(daily_carry, dtype=np.float64), reversal,
        bool(depth_scales_with_level),
    )
    labels = index_returns.index if isinstance(index_returns, pd.Series) else pd.RangeIndex(len(exogenous))
    frame = pd.DataFrame(
        {
            "exogenous_return": exogenous[:n_done],
            "index_return": index_return[:n_done],
            "exogenous_level": np.cumprod(1.0 + exogenous[:n_done]),
            "index_level": np.cumprod(1.0 + index_return[:n_done]),
            "gain": gain[:n_done],
            "flow": flow[:n_done],
        },
        index=labels[:n_done],
    )
    for i in range(assets0.size):
        frame[f"assets_{i}"] = assets[:n_done, i]
    frame.attrs.update(
        leverages=leverages.tolist(),
        completed=status == _COMPLETED,
        stopped_on=None if status == _COMPLETED else labels[n_done],
        reason=_STATUS_TEXT[int(status)],
    )
    return frame


def flow_share_of_volume(flow: ArrayLike, closing_volume: ArrayLike) -> FloatOrArray:
    """Rebalancing flow as a share of the closing auction's volume.

    Parameters
    ----------
    flow : float or array_like
        Rebalancing flow, money (either sign).
    closing_volume : float or array_like
        Money traded at the close, > 0; broadcasts against ``flow``.

    Returns
    -------
    float or numpy.ndarray
        ``|flow| / closing_volume``, decimal (0.168 for 16.8%).

    Examples
    --------
    >>> round(flow_share_of_volume(6.0, 60.0), 4)
    0.1
    """
    flow = as_array(flow, "flow")
    closing_volume = as_array(closing_volume, "closing_volume", minimum=0.0, minimum_inclusive=False)
    try:
        share = np.abs(flow) / closing_volume
    except ValueError:
        raise ValueError(
            f"flow (shape {flow.shape}) and closing_volume (shape {closing_volume.shape}) "
            "do not broadcast together"
        ) from None
    return _scalar_or_array(share)


def depth_from_multiplier(market_value, multiplier):
    """Market depth implied by a price-impact multiplier, for :func:`feedback_gain`.

    A multiplier ``M`` says that a net flow ``Q`` into a market worth ``W``
    raises its value by ``M Q`` (Gabaix and Koijen estimate ``M`` of about 5 for
    the US stock market), a return of ``M Q / W``. Linear impact ``Q / depth``
    then has ``depth = W / M``: the flow per 1% move is ``W / (100 M)``.

    Parameters
    ----------
    market_value : float or array_like
        Value of the market the flow lands on, money, > 0.
    multiplier : float or array_like
        Money of market value per unit of net flow, > 0; broadcasts against
        ``market_value``.

    Returns
    -------
    float or numpy.ndarray
        Depth, money that would move the market by 100%.
    """
    market_value = as_array(market_value, "market_value", minimum=0.0, minimum_inclusive=False)
    multiplier = as_array(multiplier, "multiplier", minimum=0.0, minimum_inclusive=False)
    return _scalar_or_array(market_value / multiplier)


def sqrt_impact_fixed_point(shock, flow_per_unit_move, daily_volume, daily_sigma, y: float = 1.0):
    """Where a move settles when the funds' trade has square-root rather than linear impact.

    The funds trade ``K R`` on a move ``R`` (``K = flow_per_unit_move``, the money
    traded per 100% move, :math:`\\sum_i A_i (L_i^2 - L_i)`), and a trade of size
    ``q`` moves the price by ``Y sigma_d sqrt(q / V_d)`` in the direction of the
    trade (the square-root law). The settled size ``x = |R|`` solves
    ``x = |R0| + Y sigma_d sqrt(K x / V_d)``; with ``u = sqrt(x)`` and
    ``c = Y sigma_d / sqrt(V_d)`` it is a quadratic in ``u`` whose positive root is
    ``u = (c sqrt(K) + sqrt(c^2 K + 4 |R0|)) / 2``. A fixed point exists for every
    ``K``: the loop never runs away, unlike the linear model at gain 1.

    Parameters
    ----------
    shock : float or array_like
        The exogenous move ``R0``, simple decimal.
    flow_per_unit_move : float
        ``K``, money traded per 100% move, >= 0.
    daily_volume : float
        ``V_d``, money traded in a day in the same units, > 0.
    daily_sigma : float
        ``sigma_d``, the daily volatility, decimal, >= 0.
    y : float, default 1.0
        The constant ``Y`` of the square-root law (of order one), >= 0.

    Returns
    -------
    float or numpy.ndarray
        The settled move, with the shock's sign.
    """
    shock = as_array(shock, "shock")
    k = as_scalar(flow_per_unit_move, "flow_per_unit_move", minimum=0.0)
    volume = as_scalar(daily_volume, "daily_volume", minimum=0.0)
    if volume <= 0.0:
        raise ValueError(f"daily_volume must be > 0, got {volume}")
    sigma = as_scalar(daily_sigma, "daily_sigma", minimum=0.0)
    y = as_scalar(y, "y", minimum=0.0)
    c_root_k = y * sigma * np.sqrt(k / volume)
    root = 0.5 * (c_root_k + np.sqrt(c_root_k**2 + 4.0 * np.abs(shock)))
    return _scalar_or_array(np.sign(shock) * root**2)


def fixed_point_move(shock: float, assets: ArrayLike, leverages: ArrayLike, depth: float) -> float:
    """Where the rebalancing loop settles after an exogenous ``shock``: ``R* = R0 / (1 - gain)``.

    The limit of :func:`simulate_feedback`'s rounds, ``shock (1 + gain + gain^2 + ...)``, with
    ``gain = sum_i A_i (L_i^2 - L_i) / depth`` (:func:`feedback_gain`).

    Parameters
    ----------
    shock : float
        The exogenous move ``R0``, simple decimal, in (-1, 1).
    assets, leverages : float or array_like
        Each fund's assets (money, >= 0) and leverage, one value per fund.
    depth : float
        Money of net order flow that moves the index by 100% (``depth / 100`` per 1%), > 0.

    Returns
    -------
    float
        The settled move, simple decimal, with the shock's sign.

    Raises
    ------
    ValueError
        When the gain is 1 or more: the loop has no fixed point and runs away.

    References
    ----------
    .. [1] M. Cheng and A. Madhavan, "The dynamics of leveraged and inverse exchange-traded funds", Journal
           of Investment Management 7 (2009), 43-62 (``cheng2009dynamics`` in references.bib).

    Examples
    --------
    >>> round(fixed_point_move(-0.03, [20.0, 5.0], [3.0, -3.0], 400.0), 6)   # gain 0.45
    -0.054545
    """
    shock = as_scalar(shock, "shock", minimum=-1.0, minimum_inclusive=False, maximum=1.0)
    gain = feedback_gain(assets, leverages, depth)
    if gain >= 1.0:
        raise ValueError(f"the feedback gain of these assets, leverages and depth is {gain:.3g} >= 1: "
                         "the loop has no fixed point")
    return shock / (1.0 - gain)


def halving_ratio(gain: ArrayLike) -> FloatOrArray:
    """How many times the amplification grows when the depth halves (the gain doubles).

    ``amplification(2 g) / amplification(g) = (1 - g) / (1 - 2 g)``: more than 2 exactly when
    ``g > 1/3``; ``inf`` once ``2 g >= 1``.

    Parameters
    ----------
    gain : float or array_like
        Feedback gain(s) before the depth halves (:func:`feedback_gain`), < 1.

    Returns
    -------
    float or numpy.ndarray
        The ratio of the amplifications after and before, shaped like ``gain``.

    Examples
    --------
    >>> round(halving_ratio(0.2), 4)   # 0.8 / 0.6
    1.3333
    >>> halving_ratio(0.6)
    inf
    """
    gain = as_array(gain, "gain")
    doubled = 2.0 * gain
    with np.errstate(all="ignore"):  # where 2 g >= 1 the quotient is inf / inf or inf / a; replaced below
        ratio = np.asarray(amplification(doubled)) / np.asarray(amplification(gain))
    return _scalar_or_array(np.where(doubled >= 1.0, np.inf, ratio))


def reflexive_market_summary(market: pd.DataFrame) -> pd.Series:
    """The index with and without the funds' feedback, summarised from :func:`simulate_reflexive_market`.

    Parameters
    ----------
    market : pandas.DataFrame
        The output of :func:`simulate_reflexive_market` (its ``attrs["leverages"]`` label the funds' assets).

    Returns
    -------
    pandas.Series
        ``days``; ``exogenous return`` and ``return with feedback`` (last level minus 1); ``exogenous trough``
        and ``trough with feedback`` (lowest level minus 1); ``daily volatility ratio`` (sample standard
        deviation of the daily returns with feedback over that of the exogenous ones); ``gain, first day``,
        ``gain, lowest`` and ``gain, highest``; and ``"{L}x assets at the end"`` for each fund, in money.

    Examples
    --------
    >>> market = simulate_reflexive_market([0.01, -0.02, 0.005], fund_assets=[100.0], leverages=[3.0],
    ...                                    depth=10_000.0)
    >>> summary = reflexive_market_summary(market)
    >>> int(summary["days"]), bool(summary["daily volatility ratio"] > 1)
    (3, True)
    >>> list(summary.index[-1:])
    ['3x assets at the end']
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    columns = {"exogenous_level", "index_level", "index_return", "exogenous_return", "gain"}
    if not isinstance(market, pd.DataFrame) or not columns <= set(market.columns) or "leverages" not in market.attrs:
        raise TypeError("market must be the DataFrame simulate_reflexive_market returns, got "
                        f"{type(market).__name__}")
    if market.empty:
        raise ValueError("market must hold at least one simulated day")
    summary: dict[str, float] = {
        "days": len(market),
        "exogenous return": market["exogenous_level"].iloc[-1] - 1,
        "return with feedback": market["index_level"].iloc[-1] - 1,
        "exogenous trough": market["exogenous_level"].min() - 1,
        "trough with feedback": market["index_level"].min() - 1,
        "daily volatility ratio": market["index_return"].std() / market["exogenous_return"].std(),
        "gain, first day": market["gain"].iloc[0],
        "gain, lowest": market["gain"].min(),
        "gain, highest": market["gain"].max(),
    }
    for position, leverage in enumerate(market.attrs["leverages"]):
        summary[f"{leverage:g}x assets at the end"] = market[f"assets_{position}"].iloc[-1]
    return pd.Series(summary)


def backcast_assets(assets: ArrayLike, leverages: ArrayLike, index_returns: ArrayLike) -> np.ndarray:
    """Fund assets at the start of a period, backed out of their end by each fund's own return.

    A daily-reset fund with leverage ``L`` grows by ``prod_t (1 + L R_t)`` over index returns
    ``R_t`` (no fees, financing or investor flows), so assets ``A_end`` at the end of the
    period imply ``A_start = A_end / prod_t (1 + L R_t)`` at its start. Inverse funds that
    gained in a fall were smaller at the start; long funds that lost were larger.

    Parameters
    ----------
    assets : array_like
        Assets at the end of the period, one per fund, >= 0.
    leverages : array_like
        The funds' daily multiples, one per fund.
    index_returns : array_like
        The index's daily simple returns over the period, 1-D, each > -1.

    Returns
    -------
    numpy.ndarray
        Assets at the start, one per fund.

    Raises
    ------
    ValueError
        If a fund's daily return ``L R_t`` reaches -100% on some day (it would have been wiped out).

    Examples
    --------
    >>> backcast_assets([12.0, 10.0], [2.0, -1.0], [0.1, -0.2]).round(4).tolist()
    [16.6667, 9.2593]
    """
    assets, leverages = _funds(assets, leverages)
    returns = as_returns(index_returns, ndim=(1,))
    fund_returns = np.outer(leverages, returns)
    if np.any(fund_returns <= -1.0):
        raise ValueError("index_returns wipe out a fund (a daily return L * R of -100% or less): "
                         "its assets at the start cannot be backed out")
    return assets / np.prod(1.0 + fund_returns, axis=1)


def restate_calibration(flow_per_pct: float, base_assets: float, depth_per_pct: ArrayLike, base_level: float,
                        assets: ArrayLike, levels: ArrayLike, reference_level: float,
                        benchmark_per_pct: float | None = None) -> dict[str, np.ndarray]:
    """Restate a calibrated flow and gain for other fund-asset totals, each on the market of its own date.

    A calibration gives the funds' flow per 1% move, ``flow_per_pct``, at a total of fund
    assets ``base_assets``, and the market's depth per 1% move, ``depth_per_pct`` (one per
    price-impact multiplier), when the index stood at ``base_level``. For an asset total
    ``A_j`` dated when the index stood at ``S_j``:

    - the flow is linear in the assets, with the same mix of leverages:
      ``flow_j = flow_per_pct * A_j / base_assets``;
    - a depth set from a multiplier is proportional to the market's value, for which the
      index level stands in: ``depth_jm = depth_per_pct_m * S_j / base_level``;
    - the gain is ``flow_j / depth_jm`` and the amplification ``1 / (1 - gain)`` (``inf`` at a
      gain of 1 or more);
    - the flow restated on the market of a reference date, when the index stood at
      ``reference_level``, is ``flow_j * reference_level / S_j``. This is rough: it treats the
      funds' assets as moving one for one with the index, whereas a 3x fund's assets move
      about three times as much, an inverse fund's move against it, and creations and
      redemptions change them too.

    Parameters
    ----------
    flow_per_pct : float
        The calibration's flow, money traded per 1% move of the index, >= 0.
    base_assets : float
        The fund assets behind ``flow_per_pct``, money, > 0.
    depth_per_pct : float or array_like
        Net order flow that moves the market by 1% at ``base_level``, money, > 0; one value per
        multiplier (1-D).
    base_level : float
        Index level at the date of ``depth_per_pct``, > 0.
    assets : float or array_like
        The asset totals to restate, money (same unit as ``base_assets``), >= 0; 1-D.
    levels : float or array_like
        Index level at the date of each total in ``assets``, > 0; same length as ``assets``.
    reference_level : float
        Index level at the reference date on which the flows are restated, > 0.
    benchmark_per_pct : float, optional
        Another estimate of the flow per 1% move on the reference date (a desk figure), money,
        > 0. When given, the result also holds the unsigned relative gap of each restated flow
        to it and the gains it implies on the reference date's depths.

    Returns
    -------
    dict of numpy.ndarray
        ``level_ratio`` (``S_j / base_level``, shape ``(n,)``); ``flow_per_pct`` (money per 1% on
        each total's own date, ``(n,)``); ``depth_per_pct`` (money per 1%, ``(n, m)``); ``gain``
        and ``amplification`` (``(n, m)``); ``flow_per_pct_at_reference`` (``(n,)``); and, with
        ``benchmark_per_pct``, ``gap_to_benchmark`` (``|restated / benchmark - 1|``, ``(n,)``) and
        ``benchmark_gain`` (the benchmark over each depth on the reference date, ``(m,)``).
        ``n`` is the number of asset totals, ``m`` the number of depths.

    Raises
    ------
    ValueError
        When a value is out of range or not finite, or ``assets`` and ``levels`` differ in length.

    Examples
    --------
    Tuzun's 2012 flow scaled to $200bn, on depths of $98bn per 1% at the end-2023 index level:
    a later total of $160bn, dated when the index stood 40% higher.

    >>> out = restate_calibration(6.9, 200.0, [98.0], 4770.0, [200.0, 160.0], [4770.0, 6678.0], 5671.0,
    ...                           benchmark_per_pct=5.0)
    >>> [round(float(x), 3) for x in out["gain"][:, 0]]
    [0.07, 0.04]
    >>> [round(float(x), 2) for x in out["flow_per_pct_at_reference"]]
    [8.2, 4.69]
    >>> round(float(out["gap_to_benchmark"][1]), 3)
    0.062
    """
    flow = as_scalar(flow_per_pct, "flow_per_pct", minimum=0.0)
    base_assets = as_scalar(base_assets, "base_assets", minimum=0.0, minimum_inclusive=False)
    depths = np.atleast_1d(as_array(depth_per_pct, "depth_per_pct", ndim=(0, 1), minimum=0.0,
                                    minimum_inclusive=False))
    base_level = as_scalar(base_level, "base_level", minimum=0.0, minimum_inclusive=False)
    totals = np.atleast_1d(as_array(assets, "assets", ndim=(0, 1), minimum=0.0))
    dated = np.atleast_1d(as_array(levels, "levels", ndim=(0, 1), minimum=0.0, minimum_inclusive=False))
    if totals.shape != dated.shape:
        raise ValueError(f"assets and levels must have one value per total, got {totals.size} assets "
                         f"and {dated.size} levels")
    reference_level = as_scalar(reference_level, "reference_level", minimum=0.0, minimum_inclusive=False)
    level_ratio = dated / base_level
    flows = flow * totals / base_assets
    depth_grid = depths[np.newaxis, :] * level_ratio[:, np.newaxis]
    gain = flows[:, np.newaxis] / depth_grid
    amp = np.asarray(amplification(gain), dtype=float).reshape(gain.shape)
    restated = flows * reference_level / dated
    out = {"level_ratio": level_ratio, "flow_per_pct": flows, "depth_per_pct": depth_grid, "gain": gain,
           "amplification": amp, "flow_per_pct_at_reference": restated}
    if benchmark_per_pct is not None:
        benchmark = as_scalar(benchmark_per_pct, "benchmark_per_pct", minimum=0.0, minimum_inclusive=False)
        out["gap_to_benchmark"] = np.abs(restated / benchmark - 1.0)
        out["benchmark_gain"] = benchmark / (depths * reference_level / base_level)
    return out
