"""The holder's risk in a daily-reset fund: VaR against the index, simulated holding-period risk, history.

Models behind the chapter "Regulation". The index follows geometric Brownian motion with zero drift and
the fund has no costs, so what the numbers show is the daily reset itself. Probabilities and returns are
decimals; volatilities are annual decimals; holding periods are in trading days (252 a year).

:func:`holding_risk` simulates the fund at every horizon with
:func:`lettools.shortfall.shortfall_probabilities`: 50,000 seeded paths in five passes of 10,000 (seeds
2009..2013), the same draws for every setting (common random numbers), kept in a bounded cache shared by
threads, so that a page or an explorer asking again costs nothing.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from ._typing import ArrayLike, FloatOrArray
from ._validation import as_array, as_positive_int, as_returns, as_scalar
from .holding import fund_value_at_risk, prob_fund_loss, prob_lag_static, prob_shortfall
from .shortfall import shortfall_counts_sigmas, shortfall_probabilities, standard_normals

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "daily_reset_var",
    "var_ratio",
    "max_leverage_within_var_limit",
    "HOLDING_RISK_MAX_DAYS",
    "HOLDING_RISK_PATHS",
    "HOLDING_RISK_LEVERAGES",
    "holding_risk_curves",
    "holding_risk",
    "admissible_days",
    "closed_form_gap",
    "shortfall_gap_days",
    "historical_lag_share",
]


#: Longest holding period :func:`daily_reset_var` accepts: ten years of trading days.
DAILY_VAR_MAX_DAYS: int = 2520
_CELLS_PER_SD = 40      # grid step: a fortieth of the standard deviation of the fund's daily log return
_TAIL_SD = 12.0         # each day's index log return is gridded over +-12 of its standard deviations
_DEAD_FACTOR = 1e-4     # a day that leaves the fund below 0.01% of its value counts as a total loss


def _log_factor_cdf(y: np.ndarray, leverage: float, mean: float, sd: float) -> np.ndarray:
    """P(log(1 + L (F - 1)) <= y) for one day, ``log F ~ N(mean, sd^2)``, ``L`` not 0 or 1."""
    from scipy.special import ndtr  # lazily: keeps `import lettools` fast

    with np.errstate(divide="ignore", invalid="ignore"):
        inner = 1.0 + np.expm1(y) / leverage  # the index factor F at which the fund's factor is e^y
        x = np.where(inner > 0.0, np.log(np.where(inner > 0.0, inner, 1.0)), -np.inf)
    if leverage > 0.0:  # the fund's factor rises with F
        return ndtr((x - mean) / sd)
    return np.where(inner > 0.0, ndtr((mean - x) / sd), 1.0)  # falls with F: F >= x; F at any x beyond the cap


def _daily_reset_log_quantile(leverage: float, sd: float, n_days: int, level: float) -> float:
    """Quantile at ``level`` of the log value of a daily-reset fund after ``n_days`` days (-inf: wiped out)."""
    from scipy.fft import irfft, next_fast_len, rfft  # lazily

    mean = -0.5 * sd * sd
    # Each day's log factor on a grid: cell masses from its exact distribution function, the mass below
    # the grid (a day that (nearly) wipes the fund out) kept apart as a total loss.
    x_low, x_high = mean - _TAIL_SD * sd, mean + _TAIL_SD * sd
    factors = 1.0 + leverage * np.expm1(np.array([x_low, x_high]))
    floor = np.log(_DEAD_FACTOR)
    y_low = max(float(np.log(max(factors.min(), _DEAD_FACTOR))), floor)
    y_high = float(np.log(factors.max()))
    step = abs(leverage) * sd / _CELLS_PER_SD
    cells = max(int(np.ceil((y_high - y_low) / step)), 2)
    edges = y_low + step * np.arange(cells + 1)
    cdf = _log_factor_cdf(edges, leverage, mean, sd)
    dead = float(cdf[0])
    mass = np.diff(cdf)
    mass[-1] += 1.0 - float(cdf[-1])  # the upper tail beyond 12 standard deviations, into the last cell
    mass = np.clip(mass, 0.0, None)
    # The n-day sum of the daily log factors: the n-fold convolution of the cell masses (FFT).
    length = n_days * (cells - 1) + 1
    size = next_fast_len(length, real=True)
    total = np.clip(irfft(rfft(mass, size) ** n_days, size)[:length], 0.0, None)
    dead_total = 1.0 - (1.0 - dead) ** n_days  # the fund is wiped out if any day is
    if dead_total >= level:
        return -np.inf
    # Each cell's mass spread evenly over it: the distribution function is linear between cell edges.
    lower_edge = n_days * (y_low + 0.5 * step) - 0.5 * step
    positions = lower_edge + step * np.arange(length + 1)
    cumulative = dead_total + np.concatenate([[0.0], np.cumsum(total)])
    return float(np.interp(level, cumulative, positions))


def daily_reset_var(leverage: float, sigma: float, n_days: int, *, confidence: float = 0.99,
                    periods_per_year: int = 252) -> float:
    """Value at risk of holding a fund that resets to ``L`` times its index once a day, for ``n_days`` days.

    The index's daily factor is lognormal, ``exp(-s^2/2 + s Z)`` with ``s = sigma / sqrt(P)`` (geometric
    Brownian motion with no drift, sampled daily); the fund multiplies its value by ``1 + L (F - 1)`` every
    day, with no costs. Held one day the fund returns exactly ``L`` times the index, so its VaR is computed
    exactly: ``|L|`` times the index's for a long fund, and from the index's *upper* tail for an inverse
    one. Over ``n_days > 1`` days the fund's log value is the sum of ``n_days`` independent daily log
    factors; their distribution is put on a grid (a fortieth of a day's standard deviation per cell, the
    cell masses from the exact daily distribution function) and convolved ``n_days`` times by FFT, which
    is deterministic: no random draws. A day that leaves the fund below 0.01% of its value counts as a
    total loss (a VaR of 1 once such days reach the VaR's probability). This is the daily-reset
    counterpart of the continuous-time :func:`lettools.fund_value_at_risk`, which rebalances
    continuously.

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L``, in [-100, 100].
    sigma : float
        Index volatility, annual decimal, in [0, 5].
    n_days : int
        Holding period in trading days, 1 to 2,520.
    confidence : float, default 0.99
        VaR confidence level, in (0, 1).
    periods_per_year : int, default 252
        Trading days a year.

    Returns
    -------
    float
        Loss as a decimal of the amount invested, in [0, 1] for ``confidence >= 0.5`` (negative when even
        that quantile is a gain). The grid's error on the log quantile is of order 1e-4 of its value.

    Examples
    --------
    >>> round(daily_reset_var(3, 0.2, 1), 6) == round(3 * daily_reset_var(1, 0.2, 1), 6)
    True
    >>> round(daily_reset_var(3, 0.2, 20), 4)
    0.3364
    """
    from scipy.special import ndtri  # lazily

    leverage = as_scalar(leverage, "leverage", minimum=-100.0, maximum=100.0)
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)
    n_days = as_positive_int(n_days, "n_days", maximum=DAILY_VAR_MAX_DAYS)
    confidence = as_scalar(confidence, "confidence", minimum=0.0, minimum_inclusive=False, maximum=1.0)
    if confidence == 1.0:
        raise ValueError("confidence must be < 1")
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    sd = sigma / np.sqrt(periods_per_year)
    if leverage == 0.0 or sd == 0.0:
        return 0.0
    level = 1.0 - confidence
    if leverage == 1.0:  # the index itself: lognormal over any horizon
        return float(-np.expm1(-0.5 * sd * sd * n_days + ndtri(level) * sd * np.sqrt(n_days)))
    if n_days == 1:  # exactly L times the index's one-day return, from the tail that hurts the fund
        tail = level if leverage > 0.0 else confidence
        index_return = float(np.expm1(-0.5 * sd * sd + ndtri(tail) * sd))
        return float(min(-leverage * index_return, 1.0))
    quantile = _daily_reset_log_quantile(leverage, sd, n_days, level)
    return 1.0 if quantile == -np.inf else float(-np.expm1(quantile))


def var_ratio(leverage: ArrayLike, sigma: ArrayLike, n_days: ArrayLike, *, confidence: float = 0.99,
              rebalancing: str = "continuous") -> FloatOrArray:
    """The holder's VaR ratio: the VaR of holding the fund ``n_days`` over its index's; no drift, no costs.

    This is not Rule 18f-4's measure (the VaR of the fund's current portfolio,
    :func:`lettools.holding.portfolio_var`); it is the risk of holding the fund while it
    compounds. Two models of the fund:

    - ``rebalancing="continuous"`` (the default): the fund rebalances continuously, the decay
      chapter's model, in which its log value is normal: :func:`lettools.fund_value_at_risk` of
      the fund over that of the index (a leverage of one). An approximation to a real fund, which
      resets once a day: wrong at one day, when a daily-reset fund returns exactly ``L`` times the
      index (its ratio is then exactly ``L`` for a long fund), and close from a few weeks on.
    - ``rebalancing="daily"``: a fund that resets once a day, :func:`daily_reset_var` over the
      index's VaR (exact at one day, a numerical convolution beyond).

    Parameters
    ----------
    leverage : float or array_like
        Daily leverage target ``L``.
    sigma : float or array_like
        Index volatility, annual decimal, > 0 (with none the index has no value at risk).
    n_days : float or array_like
        VaR horizon in trading days, > 0 (whole days for ``rebalancing="daily"``).
    confidence : float, default 0.99
        VaR confidence level, in (0, 1).
    rebalancing : {"continuous", "daily"}, default "continuous"
        The fund's model, as above.

    Returns
    -------
    float or numpy.ndarray
        The ratio (2.0 is 200%), broadcast over the inputs.

    Examples
    --------
    >>> round(var_ratio(3, 0.2, 20), 3)
    2.694
    >>> round(var_ratio(3, 0.2, 1, rebalancing="daily"), 12)
    3.0
    >>> round(var_ratio(1, 0.3, 5), 12)
    1.0
    """
    if not isinstance(rebalancing, str) or rebalancing not in ("continuous", "daily"):
        raise ValueError(f"rebalancing must be 'continuous' or 'daily', got {rebalancing!r}")
    # With no volatility the index has no value at risk and the ratio is undefined.
    sigma = as_array(sigma, "sigma", minimum=0.0, minimum_inclusive=False)
    if rebalancing == "continuous":
        fund = fund_value_at_risk(leverage, sigma, n_days, confidence=confidence)
        index = fund_value_at_risk(1.0, sigma, n_days, confidence=confidence)
        return fund / index
    leverage_array = as_array(leverage, "leverage")
    days = as_array(n_days, "n_days", minimum=0.0, minimum_inclusive=False)
    try:
        shapes = np.broadcast_shapes(leverage_array.shape, sigma.shape, days.shape)
    except ValueError:
        raise ValueError(f"leverage, sigma and n_days do not broadcast: shapes {leverage_array.shape}, "
                         f"{sigma.shape} and {days.shape}") from None
    ratios = np.empty(shapes)
    for position in np.ndindex(shapes):
        lev, sig, day = (np.broadcast_to(a, shapes)[position] for a in (leverage_array, sigma, days))
        if day != int(day):
            raise ValueError(f"n_days must be whole days for rebalancing='daily', got {day}")
        ratios[position] = (daily_reset_var(float(lev), float(sig), int(day), confidence=confidence)
                            / daily_reset_var(1.0, float(sig), int(day), confidence=confidence))
    return float(ratios) if ratios.ndim == 0 else ratios


def max_leverage_within_var_limit(sigma: float, n_days: float, *, confidence: float = 0.99,
                                  limit: float = 2.0, rebalancing: str = "continuous") -> float:
    """The largest long leverage whose holder's VaR is at most ``limit`` times the index's (:func:`var_ratio`).

    Parameters
    ----------
    sigma : float
        Index volatility, annual decimal, > 0.
    n_days : float
        VaR horizon, trading days, > 0 (whole days for ``rebalancing="daily"``).
    confidence : float, default 0.99
        VaR confidence level, in (0, 1).
    limit : float, default 2.0
        Allowed ratio of the fund's VaR to the index's, > 1 (Rule 18f-4's relative test: 2.0).
    rebalancing : {"continuous", "daily"}, default "continuous"
        The fund's model, as in :func:`var_ratio`.

    Returns
    -------
    float
        The leverage ``L >= 1`` at which the ratio equals ``limit`` (Brent's method, ``xtol`` 1e-10;
        for ``"daily"`` the grid of :func:`daily_reset_var` limits the accuracy to about 1e-4).

    Examples
    --------
    >>> round(max_leverage_within_var_limit(0.2, 20), 3)
    2.125
    """
    from scipy.optimize import brentq  # lazily, as in lettools.holding

    sigma = as_scalar(sigma, "sigma", minimum=0.0, minimum_inclusive=False)
    n_days = as_scalar(n_days, "n_days", minimum=0.0, minimum_inclusive=False)
    limit = as_scalar(limit, "limit", minimum=1.0, minimum_inclusive=False)
    if not isinstance(rebalancing, str) or rebalancing not in ("continuous", "daily"):
        raise ValueError(f"rebalancing must be 'continuous' or 'daily', got {rebalancing!r}")

    def excess(leverage: float) -> float:
        try:
            return float(var_ratio(leverage, sigma, n_days, confidence=confidence, rebalancing=rebalancing)) - limit
        except ValueError as error:
            raise ValueError(f"no VaR ratio for limit={limit:g}, sigma={sigma:g}, n_days={n_days:g}: {error}") from None

    high = 2.0 * limit
    while excess(high) < 0.0:  # the ratio grows with leverage but can be below limit at 2 x limit
        high *= 2.0
        if high > (1e4 if rebalancing == "continuous" else 100.0):
            raise ValueError(f"no leverage up to {high / 2:g} reaches a VaR ratio (limit) of {limit:g} "
                             f"at sigma={sigma:g} and n_days={n_days:g}")
    return float(brentq(excess, 1.0, high, xtol=1e-10))


#: Longest holding period simulated by default: two years of trading days.
HOLDING_RISK_MAX_DAYS: int = 504
_BATCH = 10_000           # paths per simulation pass (bounds the memory of the draws)
_BATCHES = 5              # seeded passes, averaged
_SEED = 2009
#: Paths behind every simulated holding-period probability: the standard error of one is at most
#: 0.5 / sqrt(50,000), 0.22 percentage points.
HOLDING_RISK_PATHS: int = _BATCH * _BATCHES
#: Leverages simulated together by :func:`holding_risk_curves` when asked for a grid (the chapter's explorer);
#: the probabilities of a leverage do not depend on the others simulated with it.
HOLDING_RISK_LEVERAGES: tuple[float, ...] = (-3.0, -2.0, -1.0, 2.0, 3.0)
# Thresholds of the two risks not asked for, simulated alongside (they change no probability of the one asked for).
_SHORTFALL, _LOSS = 0.05, 0.2

#: Rows of each pass counted as separate tasks: halves on a multiple of the kernel's block of 256 paths.
_PARTS: tuple[tuple[int, int], ...] = ((0, 5120), (5120, _BATCH))

_CURVES: dict[tuple, dict[float, pd.DataFrame]] = {}
_CURVES_LOCK = threading.Lock()
_CURVES_KEPT = 256  # (sigma, leverages, thresholds) entries kept: every live setting (16 x 13); each a few small tables


def holding_risk_curves(sigmas: ArrayLike, leverages: ArrayLike = HOLDING_RISK_LEVERAGES, *,
                        shortfall: float = _SHORTFALL, loss: float = _LOSS,
                        max_days: int = HOLDING_RISK_MAX_DAYS) -> dict[float, dict[float, pd.DataFrame]]:
    """Simulated holding-period risk curves for several volatilities and leverages, sharing each pass's draws.

    Five passes of 10,000 paths on seeds 2009..2013, averaged: the same as one pass of 50,000 paths
    without holding all the draws at once. Every setting uses the same draws (common random numbers).
    The passes run on two threads (the kernel and numpy's draws release the GIL); each draws its normals
    once, and one compiled pass over them counts every volatility and leverage (in two parts of the
    paths, whole numbers added exactly); the average is taken in pass order, so the tables do not depend
    on the threads.
    Results are cached (at most 256 entries, the oldest dropped first).

    Parameters
    ----------
    sigmas : float or sequence of float
        Index volatilities, annual decimals, >= 0 (validated by
        :func:`lettools.shortfall.shortfall_probabilities`).
    leverages : float or sequence of float, default HOLDING_RISK_LEVERAGES
        Daily leverage targets.
    shortfall : float, default 0.05
        Margin of the shortfall risk, decimal, >= 0.
    loss : float, default 0.2
        Loss of the loss risk, decimal, in [0, 1).
    max_days : int, default 504
        Longest holding period, trading days.

    Returns
    -------
    dict
        ``sigma -> leverage -> pandas.DataFrame`` indexed by ``n_days`` (1 .. ``max_days``) with columns
        ``lag``, ``shortfall`` and ``loss``: the probabilities of ending below ``1 + L (S_t / S_0 - 1)``,
        more than ``shortfall`` below it, and of losing more than ``loss``.

    Examples
    --------
    >>> curves = holding_risk_curves((0.3,), (3.0,), max_days=3)
    >>> table = curves[0.3][3.0]
    >>> list(table.columns), table.index.tolist()
    (['lag', 'shortfall', 'loss'], [1, 2, 3])
    >>> float(table.loc[1, "lag"])   # day 1: the fund returns exactly L times the index
    0.0
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    sigmas = tuple(as_array(sigmas, "sigmas", ndim=(0, 1), minimum=0.0, maximum=5.0).ravel().tolist())
    leverages = tuple(as_array(leverages, "leverages", ndim=(0, 1)).ravel().tolist())
    if not sigmas or not leverages:
        raise ValueError("sigmas and leverages must each hold at least one value")
    shortfall = as_scalar(shortfall, "shortfall", minimum=0.0)
    loss = as_scalar(loss, "loss", minimum=0.0, maximum=1.0)
    if loss >= 1.0:
        raise ValueError(f"loss must be < 1, got {loss}")
    max_days = as_positive_int(max_days, "max_days")
    missing = [sigma for sigma in dict.fromkeys(sigmas) if (sigma, leverages, shortfall, loss, max_days) not in _CURVES]
    if missing:
        passes = _simulated_passes(missing, leverages, shortfall, loss, max_days)
        with _CURVES_LOCK:
            for i, sigma in enumerate(missing):
                total = np.asarray(sum(probabilities[i] for probabilities in passes) / _BATCHES)  # pass order, from 0
                _CURVES[(sigma, leverages, shortfall, loss, max_days)] = {
                    leverage: pd.DataFrame({"lag": total[0, k], "shortfall": total[1, k], "loss": total[2, k]},
                                           index=pd.RangeIndex(1, max_days + 1, name="n_days"))
                    for k, leverage in enumerate(leverages)
                }
            while len(_CURVES) > _CURVES_KEPT:
                _CURVES.pop(next(iter(_CURVES)))
    return {sigma: _CURVES[(sigma, leverages, shortfall, loss, max_days)] for sigma in sigmas}


def _simulated_passes(sigmas: list[float], leverages: tuple[float, ...], shortfall: float, loss: float,
                      max_days: int) -> list[np.ndarray]:
    """Each pass's probabilities, shape ``(len(sigmas), 3, len(leverages), max_days)``, in pass order.

    A pass's entry ``i`` equals ``shortfall_probabilities(leverages, sigmas[i], ..., seed=2009 + pass)``
    bit for bit: its counts are those of :func:`lettools.shortfall.shortfall_counts_sigmas` (every
    volatility from one read of the draws), added over the pass's parts of :data:`_PARTS` (whole
    numbers: exact in any order) and divided by the paths. Two threads share the work (the kernel and
    numpy's draws release the GIL): each pass's normals are drawn once, as a task of their own, and
    its paths are counted in parts, so that neither thread waits long for the other at the end.
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        draws: dict[int, Future] = {}
        parts: list[list[Future]] = []

        def count(batch: int, rows: tuple[int, int]) -> np.ndarray:
            draws[batch].result()  # drawn (and cached) by its own task, submitted before this one
            return shortfall_counts_sigmas(leverages, sigmas, max_days, shortfall=shortfall, loss=loss, n_paths=_BATCH,
                                           seed=_SEED + batch, rows=rows)

        # Queued as draw 0, draw 1, parts of 0, draw 2, parts of 1, ...: a part's draw is always queued first.
        for batch in range(min(2, _BATCHES)):
            draws[batch] = pool.submit(standard_normals, _BATCH, max_days, _SEED + batch)
        for batch in range(_BATCHES):
            parts.append([pool.submit(count, batch, rows) for rows in _PARTS])
            if batch + 2 < _BATCHES:
                draws[batch + 2] = pool.submit(standard_normals, _BATCH, max_days, _SEED + batch + 2)
        return [sum(part.result() for part in batch_parts) / _BATCH for batch_parts in parts]


def _curves(leverage: float, sigma: float, shortfall: float, loss: float, max_days: int) -> pd.DataFrame:
    # A grid simulates its leverages together, one pass over the paths for all five; any other setting
    # gets a pass of its own leverage only (the counts of a leverage do not depend on the others
    # simulated with it), so a first visit off the grid costs one leverage's work, not five. A cached
    # curve is read straight from the cache (inputs already checked by holding_risk): an explorer's
    # update costs a dictionary lookup.
    if leverage in HOLDING_RISK_LEVERAGES:
        joint = _CURVES.get((sigma, HOLDING_RISK_LEVERAGES, shortfall, loss, max_days))
        if joint is not None:
            return joint[leverage]
    own = _CURVES.get((sigma, (leverage,), shortfall, loss, max_days))
    if own is None:
        own = holding_risk_curves((sigma,), (leverage,), shortfall=shortfall, loss=loss, max_days=max_days)[sigma]
    return own[leverage]


def holding_risk(leverage: float, sigma: float, *, risk: str = "lag", threshold: float = 0.0,
                 max_days: int = HOLDING_RISK_MAX_DAYS, seed: int | None = None) -> pd.DataFrame:
    """Daily probability of a holding-period risk, for holding periods of 1 to ``max_days`` days.

    A fund that resets once a day is simulated at every horizon (:func:`holding_risk_curves`,
    50,000 seeded paths in five passes, the same draws for every setting; the standard error of each
    probability is at most 0.22 percentage points). The continuous-time closed forms
    (:func:`lettools.prob_lag_static`, :func:`lettools.holding.prob_shortfall`,
    :func:`lettools.prob_fund_loss`) are wrong on day 1, when the fund returns exactly ``L`` times the
    index, and for the shortfall they stay wrong at every horizon (by up to about 12 percentage points
    for 3x at 30% volatility; the sign changes with the horizon).

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L``.
    sigma : float
        Index volatility, annual decimal, in [0, 5].
    risk : {"lag", "shortfall", "loss"}, default "lag"
        The chance of ending below ``1 + L (S_t / S_0 - 1)``, of ending more than ``threshold``
        below it, or of losing more than ``threshold``.
    threshold : float, default 0.0
        Margin for ``risk="shortfall"`` (>= 0) or loss for ``risk="loss"`` (in [0, 1)), decimal;
        ignored for ``risk="lag"``.
    max_days : int, default 504
        Longest holding period, trading days.
    seed : int or None, default None
        ``None``: the cached simulation on seeds 2009..2013. A non-negative int ``s``: the same
        construction on seeds ``s .. s + 4``, drawn afresh and not cached (``s = 2009`` gives the same
        numbers as ``None``), to show how a result moves with the draws.

    Returns
    -------
    pandas.DataFrame
        Columns ``n_days`` and ``probability``.

    Examples
    --------
    >>> curve = holding_risk(3.0, 0.3, risk="loss", threshold=0.2, max_days=2)
    >>> curve["n_days"].tolist(), bool((curve["probability"] >= 0).all())
    ([1, 2], True)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)
    if not isinstance(risk, str) or risk not in ("lag", "shortfall", "loss"):
        raise ValueError(f"risk must be 'lag', 'shortfall' or 'loss', got {risk!r}")
    max_days = as_positive_int(max_days, "max_days")
    threshold = as_scalar(threshold, "threshold", minimum=0.0)
    shortfall = threshold if risk == "shortfall" else _SHORTFALL
    loss = threshold if risk == "loss" else _LOSS
    if loss >= 1.0:
        raise ValueError(f"threshold must be < 1 for risk='loss', got {threshold}")
    if seed is None:
        probability = _curves(leverage, sigma, float(shortfall), float(loss), max_days)[risk].to_numpy()
    else:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be None or a non-negative int, got {seed!r}")
        if seed < 0:
            raise ValueError(f"seed must be non-negative, got {seed}")
        # Fresh draws from SeedSequence(s + b), as holding_risk_curves draws from the int seeds, not cached.
        row = ("lag", "shortfall", "loss").index(risk)
        probability = sum(
            shortfall_probabilities((leverage,), sigma, max_days, shortfall=shortfall, loss=loss, n_paths=_BATCH,
                                    seed=np.random.SeedSequence(int(seed) + batch))[row, 0]
            for batch in range(_BATCHES)) / _BATCHES
    return pd.DataFrame({"n_days": np.arange(1, max_days + 1), "probability": np.asarray(probability)})


def admissible_days(curve: pd.DataFrame, limit: float) -> int:
    """Longest holding period ``h`` with the risk at most ``limit`` on every day 1..h (0 if day 1 breaks it).

    Parameters
    ----------
    curve : pandas.DataFrame
        A :func:`holding_risk` table (columns ``n_days`` and ``probability``).
    limit : float
        Largest acceptable probability, decimal, in [0, 1].

    Returns
    -------
    int
        The admissible horizon in trading days; a curve that never breaks the limit gives its last day.

    Examples
    --------
    >>> import pandas as pd
    >>> admissible_days(pd.DataFrame({"n_days": [1, 2, 3], "probability": [0.01, 0.04, 0.08]}), 0.05)
    2
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    if not isinstance(curve, pd.DataFrame) or not {"n_days", "probability"} <= set(curve.columns) or curve.empty:
        raise TypeError("curve must be a non-empty holding_risk table (a DataFrame with columns n_days and "
                        f"probability), got {type(curve).__name__}")
    limit = as_scalar(limit, "limit", minimum=0.0, maximum=1.0)
    breaches = np.flatnonzero(curve["probability"].to_numpy() > limit)
    return int(breaches[0]) if breaches.size else int(curve["n_days"].iloc[-1])


def closed_form_gap(leverage: float, sigma: float, *, first_day: int = 22, shortfall: float = _SHORTFALL,
                    loss: float = _LOSS, max_days: int = HOLDING_RISK_MAX_DAYS) -> pd.DataFrame:
    """How far the continuous-time closed forms sit from the daily-reset simulation, per risk.

    For each risk (``lag``; ``shortfall`` of ``shortfall``; ``loss`` of ``loss``), the largest absolute
    difference between the closed form (:func:`lettools.prob_lag_static`,
    :func:`lettools.holding.prob_shortfall`, :func:`lettools.prob_fund_loss`) and :func:`holding_risk`
    over holding periods ``first_day .. max_days``, and the day on which it occurs.

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L``.
    sigma : float
        Index volatility, annual decimal, in [0, 5].
    first_day : int, default 22
        First holding period compared, in 1 .. ``max_days``.
    shortfall : float, default 0.05
        Margin of the shortfall risk, decimal, >= 0.
    loss : float, default 0.2
        Loss of the loss risk, decimal, in [0, 1).
    max_days : int, default 504
        Longest holding period compared, trading days.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``risk`` (``lag``, ``shortfall``, ``loss``): ``largest_gap`` (decimal) and ``on_day``.

    Examples
    --------
    >>> gaps = closed_form_gap(3.0, 0.3, first_day=2, max_days=5)
    >>> gaps.index.tolist(), gaps.columns.tolist()
    (['lag', 'shortfall', 'loss'], ['largest_gap', 'on_day'])
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)
    max_days = as_positive_int(max_days, "max_days")
    first_day = as_positive_int(first_day, "first_day")
    if first_day > max_days:
        raise ValueError(f"first_day must be at most max_days ({max_days}), got {first_day}")
    shortfall = as_scalar(shortfall, "shortfall", minimum=0.0)
    loss = as_scalar(loss, "loss", minimum=0.0, maximum=1.0)
    if loss >= 1.0:
        raise ValueError(f"loss must be < 1, got {loss}")
    days = np.arange(1, max_days + 1)
    closed = {
        "lag": prob_lag_static(leverage, sigma, days.astype(float)),
        "shortfall": prob_shortfall(leverage, sigma, days.astype(float), shortfall=shortfall),
        "loss": prob_fund_loss(leverage, sigma, days.astype(float), threshold=loss),
    }
    rows = []
    for kind, threshold in (("lag", 0.0), ("shortfall", shortfall), ("loss", loss)):
        simulated = holding_risk(leverage, sigma, risk=kind, threshold=threshold, max_days=max_days)[
            "probability"].to_numpy()
        gap = np.abs(np.asarray(closed[kind]) - simulated)[first_day - 1:]
        rows.append({"risk": kind, "largest_gap": float(gap.max()), "on_day": int(first_day + gap.argmax())})
    return pd.DataFrame(rows).set_index("risk")


def shortfall_gap_days(leverage: float, sigma: float, *, shortfall: float = _SHORTFALL, within: float = 0.01,
                       seed: int | None = None, max_days: int = HOLDING_RISK_MAX_DAYS) -> dict[str, int | float]:
    """Where the closed form of the shortfall chance jumps, overshoots the simulation and comes back.

    The signed gap is the continuous-time closed form (:func:`lettools.holding.prob_shortfall`) minus
    the daily-reset simulation (:func:`holding_risk`), day by day over holding periods
    ``1 .. max_days``. In continuous time a fund can trail ``1 + L (S_t / S_0 - 1)`` only by a bounded
    amount, so the closed form is zero until that bound passes ``shortfall`` and then jumps; the
    simulated chance has no such bound.

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L``.
    sigma : float
        Index volatility, annual decimal, in [0, 5].
    shortfall : float, default 0.05
        Margin of the shortfall, decimal (0.05 is 5 percentage points), >= 0.
    within : float, default 0.01
        Size of gap, in probability (0.01 is one percentage point), that counts as closed; in (0, 1].
    seed : int or None, default None
        ``None``: the simulation of :func:`holding_risk` (50,000 paths, five passes on seeds
        2009..2013, cached). A non-negative int ``s``: the same construction on seeds ``s .. s + 4``,
        drawn afresh and not cached (``s = 2009`` gives the same numbers as ``None``), to show how the
        days move with the draws.
    max_days : int, default 504
        Longest holding period compared, trading days.

    Returns
    -------
    dict
        Days are holding periods in trading days (1-based), 0 when the event does not happen within
        ``max_days``:

        - ``jump_day``: first day on which the closed form is above zero;
        - ``first_over_day``: first day on which the closed form is above the simulation;
        - ``peak_gap``: largest excess of the closed form over the simulation, a probability
          (decimal; 0.0 if it never exceeds it);
        - ``peak_day``: the day of ``peak_gap``;
        - ``within_day``: first day after the peak from which the gap, in absolute value, stays below
          ``within`` on every day through ``max_days``.

    Examples
    --------
    >>> days = shortfall_gap_days(3.0, 0.3, max_days=120)
    >>> days["jump_day"], days["first_over_day"], days["peak_day"]
    (47, 48, 55)
    >>> round(days["peak_gap"], 3), days["within_day"]
    (0.052, 103)
    """
    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)
    shortfall = as_scalar(shortfall, "shortfall", minimum=0.0)
    within = as_scalar(within, "within", minimum=0.0, maximum=1.0)
    if within == 0.0:
        raise ValueError("within must be > 0 (a gap of exactly zero is never reached by a simulation)")
    max_days = as_positive_int(max_days, "max_days")
    try:
        closed = np.asarray(prob_shortfall(leverage, sigma, np.arange(1.0, max_days + 1.0), shortfall=shortfall))
    except OverflowError:
        raise ValueError(f"leverage ({leverage}) and sigma ({sigma}) are too extreme for the closed form") from None
    if seed is None:
        simulated = holding_risk(leverage, sigma, risk="shortfall", threshold=shortfall, max_days=max_days)[
            "probability"].to_numpy()
    else:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be None or a non-negative int, got {seed!r}")
        if seed < 0:
            raise ValueError(f"seed must be non-negative, got {seed}")
        # Fresh draws from SeedSequence(s + b), the same as the int seeds holding_risk uses, but not
        # cached: the page's own draws stay in the cache.
        simulated = sum(shortfall_probabilities((leverage,), sigma, max_days, shortfall=shortfall, loss=_LOSS,
                                                n_paths=_BATCH, seed=np.random.SeedSequence(int(seed) + batch))[1, 0]
                        for batch in range(_BATCHES)) / _BATCHES
    gap = closed - np.asarray(simulated)
    result: dict[str, int | float] = {"jump_day": 0, "first_over_day": 0, "peak_gap": 0.0, "peak_day": 0,
                                      "within_day": 0}
    positive = np.flatnonzero(closed > 0.0)
    if positive.size:
        result["jump_day"] = int(positive[0]) + 1
    over = np.flatnonzero(gap > 0.0)
    if over.size:
        peak = int(gap.argmax())
        result.update(first_over_day=int(over[0]) + 1, peak_gap=float(gap[peak]), peak_day=peak + 1)
        wide = np.flatnonzero(np.abs(gap[peak:]) >= within)  # the peak itself may be narrower than `within`
        if not wide.size:
            result["within_day"] = peak + 1
        elif peak + int(wide[-1]) + 1 < max_days:
            result["within_day"] = peak + int(wide[-1]) + 2
    return result


def historical_lag_share(index_returns: ArrayLike, leverage: float, n_days: int) -> float:
    """Share of non-overlapping ``n_days`` windows in which a daily-reset fund ended below ``1 + L R``.

    ``R`` is the index's return over the window. No costs: the gap is the daily reset alone; a fund
    whose day's return is -100% or worse is worth zero from then on.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns of the index (1-D), each > -1.
    leverage : float
        Daily leverage target ``L``.
    n_days : int
        Window length, trading days; the incomplete last window is dropped.

    Returns
    -------
    float
        The share of windows, decimal in [0, 1].

    Examples
    --------
    >>> historical_lag_share([0.1, -0.1, 0.1, -0.1], 2.0, 2)   # both windows lag
    1.0
    >>> historical_lag_share([0.1, -0.1, 0.1], 2.0, 1)   # one day: a tie, never a lag
    0.0
    """
    returns = as_returns(index_returns, ndim=(1,))
    leverage = as_scalar(leverage, "leverage")
    n_days = as_positive_int(n_days, "n_days")
    windows = returns.size // n_days
    if windows == 0:
        raise ValueError(f"n_days ({n_days}) is longer than the {returns.size} returns given")
    blocks = returns[: windows * n_days].reshape(windows, n_days)
    with np.errstate(over="ignore"):  # an extreme leverage overflows to inf, which still compares correctly
        fund = np.prod(np.maximum(1.0 + leverage * blocks, 0.0), axis=1)
        static = 1.0 + leverage * (np.prod(1.0 + blocks, axis=1) - 1.0)
    # A one-day window is an exact tie (the fund returns L R); rounding must not count it as a lag.
    return float(np.mean(fund < static - 1e-12))
