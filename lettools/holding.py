"""Holding-period risk of a daily-reset fund under geometric Brownian motion.

The index follows GBM with drift ``mu`` (so ``E[S_t / S_0] = exp(mu t)``) and
volatility ``sigma``. With ``X = S_t / S_0`` and ``t = n_days /
periods_per_year`` years, ``ln X`` is normal with mean ``(mu - sigma^2/2) t``
and standard deviation ``sigma sqrt(t)``. In continuous time (Avellaneda and
Zhang 2010) a fund that resets to leverage ``L`` is worth

    V = X^L exp(c t),   c = (1 - L) rate - expense_ratio
                            - spread_fraction(L, spread_basis) spread + (L - L^2) sigma^2 / 2,

a deterministic function of ``X``. Every risk here is therefore the
probability that ``X`` lands in a set of values, computed exactly from the
lognormal distribution.

A real fund resets once a day, and for holdings of a few days the difference
matters: after one day a fund with no costs returns exactly ``L`` times the
index, so it never lags, while the continuous formula says it lags about 68%
of the time (whenever ``|ln X| < sigma sqrt(t)``). From a month on, the
two agree to within about two percentage points for lagging at all and for a
loss (the realised variance of daily returns is itself random); for lagging by
more than a margin (:func:`prob_shortfall`) the closed form can be off by ten
points or more. :func:`simulate_holding_risk` and
:func:`lettools.shortfall.simulate_shortfall_curves` give the daily-reset
probabilities by simulation, for any horizon.

Following Leung and Santoli's *admissible risk horizon*, the longest holding
period for which a chosen risk stays within a limit is
:func:`admissible_horizon`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._conventions import check_spread_basis, spread_fraction
from ._seeds import generator as seeded_generator
from ._typing import ArrayLike, FloatOrArray, SeedLike
from ._validation import as_array, as_positive_int, as_scalar, check_finite

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "prob_lag_static",
    "prob_fund_loss",
    "fund_value_at_risk",
    "admissible_horizon",
    "simulate_holding_risk",
    "prob_shortfall",
    "simulate_shortfall",
    "portfolio_var",
]

# ln X is searched within this many standard deviations of its mean: the
# normal mass beyond is below 2e-33.
_SEARCH_WIDTH = 12.0
_BISECTION_STEPS = 80
# Beyond |ln V| of this, exp() nears overflow: the sign of V - static comes from log space.
_MAX_LOG_VALUE = 700.0
# n_paths x max_days beyond which simulate_holding_risk refuses (minutes of numpy work).
_MAX_SIMULATED_DAYS = 10**9


def _normal_cdf(x):
    from scipy.special import ndtr  # imported here so that `import lettools` stays fast

    return ndtr(x)


def _inputs(
    leverage, sigma, n_days, mu, rate, expense_ratio, spread, periods_per_year,
    spread_basis="notional", trading_cost=0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float, float, np.ndarray]:
    """Validated, broadcast inputs; ``n_days`` becomes years and ``spread`` the annual
    friction charge: ``spread_fraction(L, spread_basis) * spread`` plus the expected
    yearly cost of the daily rebalance, ``trading_cost |L^2 - L| sigma sqrt(2 ppy / pi)``
    (the mean of ``|R|`` for normal daily returns; its day-to-day noise is ignored)."""
    leverage = as_array(leverage, "leverage")
    sigma = as_array(sigma, "sigma", minimum=0.0)
    n_days = as_array(n_days, "n_days", minimum=0.0, minimum_inclusive=False)
    mu = as_scalar(mu, "mu")
    rate = as_scalar(rate, "rate")
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)
    spread = as_scalar(spread, "spread", minimum=0.0)
    spread_basis = check_spread_basis(spread_basis)
    trading_cost = as_scalar(trading_cost, "trading_cost", minimum=0.0)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    try:
        leverage, sigma, n_days = np.broadcast_arrays(leverage, sigma, n_days)
    except ValueError:
        raise ValueError(
            f"leverage {leverage.shape}, sigma {sigma.shape} and n_days {n_days.shape} "
            "do not broadcast together"
        ) from None
    with np.errstate(all="ignore"):
        friction = spread_fraction(leverage, spread_basis) * spread + trading_cost * np.abs(
            leverage**2 - leverage
        ) * sigma * np.sqrt(2.0 * periods_per_year / np.pi)
        years = n_days / periods_per_year
        # The log moments and the fund's log carry (see _log_moments) must be finite floats.
        check_finite(
            [friction, leverage**2 * sigma**2 * years, (np.abs(mu) + np.abs(rate) * np.abs(1.0 - leverage)) * years],
            "leverage", "sigma", "n_days", "mu", "rate", "spread", "trading_cost",
        )
    return leverage, sigma, years, mu, rate, expense_ratio, friction


def _log_moments(leverage, sigma, years, mu, rate, expense_ratio, friction):
    """Mean and sd of ln X, and the fund's extra log growth ``c t`` over the period.

    ``friction`` is the annual spread and trading charge as :func:`_inputs` returns it.
    """
    mean = (mu - 0.5 * sigma**2) * years
    sd = sigma * np.sqrt(years)
    carry = (
        (1.0 - leverage) * rate
        - expense_ratio
        - friction
        + 0.5 * (leverage - leverage**2) * sigma**2
    ) * years
    return mean, sd, carry


def _behind_sign(y, leverage, carry, offset):
    """A number with the sign of ``V - (1 + L (e^y - 1) - offset)``, with ``V = exp(L y + carry)``.

    Computed in log space, so that nothing overflows however large ``L y`` gets: ``ln V - ln s``
    with ``s = a + L e^y`` and ``a = 1 - L - offset`` where ``s > 0``, and ``+inf`` where ``s <= 0``
    (the fund, worth more than zero, is then ahead). Negative means the fund is behind.
    """
    a = 1.0 - leverage - offset
    safe_leverage = np.where(leverage > 0.0, leverage, 1.0)
    with np.errstate(all="ignore"):
        # L > 0, a < 0: s = L e^y (1 - t), t = (-a / L) e^-y; a = 0 gives t = 0.
        t_up = np.maximum(-a, 0.0) / safe_leverage * np.exp(-y)
        up_low = np.where(
            t_up < 1.0, (leverage - 1.0) * y + carry - np.log(safe_leverage) - np.log1p(-t_up), np.inf
        )
        # L > 0, a > 0: s = a + L e^y.
        up_high = leverage * y + carry - np.logaddexp(np.log(np.maximum(a, 0.0)), np.log(safe_leverage) + y)
        # L < 0, a > 0: s = a (1 - t), t = (-L / a) e^y.
        safe_a = np.where(a > 0.0, a, 1.0)
        t_down = -leverage / safe_a * np.exp(y)
        down = np.where(
            (a > 0.0) & (t_down < 1.0), leverage * y + carry - np.log(safe_a) - np.log1p(-t_down), np.inf
        )
        # L = 0: s = a.
        flat = np.where(a > 0.0, carry - np.log(safe_a), np.inf)
    return np.select([leverage > 0.0, leverage < 0.0], [np.where(a > 0.0, up_high, up_low), down], flat)


def _lag_probability(leverage, sigma, years, mu, rate, expense_ratio, friction):
    """P(V < 1 + L (X - 1)) for broadcast arrays, by locating the roots in y = ln X.

    ``g(y) = exp(L y + carry) - 1 - L (e^y - 1)`` is convex in ``y`` for ``L > 1``
    and ``L < 0`` and concave for ``0 < L < 1``, with its one turning point at
    ``y = -carry / (L - 1)``; for ``L`` of 0 or 1 its sign is constant. So each
    side of the turning point holds at most one root, found by bisection, and
    the set where ``g < 0`` is a union of at most four pieces between them.
    """
    mean, sd, carry = _log_moments(leverage, sigma, years, mu, rate, expense_ratio, friction)

    def g(y):
        # Written as e^y (e^((L-1) y + carry) - L) + (L - 1) so that the sign stays
        # right for L = 1 (g = e^y expm1(carry)) even where e^y is below rounding
        # error; for L = 0, g is the constant expm1(carry). Where exp overflows, a number
        # with the same sign from log space (an earlier version clipped y instead, which
        # dropped the normal mass beyond: 0.17 for L = -50, sigma = 2, ten years, not 0.999).
        with np.errstate(all="ignore"):
            value = np.exp(y) * (np.expm1((leverage - 1.0) * y + carry) + 1.0 - leverage) + (leverage - 1.0)
            value = np.where(leverage == 0.0, np.expm1(carry), value)
            direct = np.isfinite(value) & (np.abs(leverage * y + carry) < _MAX_LOG_VALUE)
        return np.where(direct, value, _behind_sign(y, leverage, carry, 0.0))

    low = mean - _SEARCH_WIDTH * sd
    high = mean + _SEARCH_WIDTH * sd
    safe_denominator = np.where(leverage == 1.0, 1.0, leverage - 1.0)
    turning = np.where(leverage == 1.0, mean, -carry / safe_denominator)
    turning = np.clip(turning, low, high)

    def root_or(a, b, fallback):
        """Root of g in [a, b] where g changes sign there, else ``fallback``."""
        negative_at_a = g(a) < 0.0
        has_root = negative_at_a != (g(b) < 0.0)
        a, b = a.copy(), b.copy()
        for _ in range(_BISECTION_STEPS):
            middle = 0.5 * (a + b)
            same_side = (g(middle) < 0.0) == negative_at_a
            a = np.where(same_side, middle, a)
            b = np.where(same_side, b, middle)
        return np.where(has_root, 0.5 * (a + b), fallback)

    left_root = root_or(low, turning, low)
    right_root = root_or(turning, high, high)
    edges = [low, left_root, turning, right_root, high]
    safe_sd = np.where(sd > 0.0, sd, 1.0)
    probability = np.zeros_like(mean)
    for a, b in zip(edges[:-1], edges[1:], strict=False):
        mass = _normal_cdf((b - mean) / safe_sd) - _normal_cdf((a - mean) / safe_sd)
        probability += np.where(g(0.5 * (a + b)) < 0.0, mass, 0.0)
    # With no volatility ln X is exactly its mean.
    probability = np.where(sd > 0.0, probability, (g(mean) < 0.0).astype(float))
    return np.clip(probability, 0.0, 1.0)


def _loss_probability(leverage, sigma, years, mu, rate, expense_ratio, friction, threshold):
    """P(V - 1 < -threshold): ln V is normal with mean ``L mean + carry``, sd ``|L| sd``."""
    mean, sd, carry = _log_moments(leverage, sigma, years, mu, rate, expense_ratio, friction)
    log_mean = leverage * mean + carry
    log_sd = np.abs(leverage) * sd
    cutoff = np.log1p(-threshold)
    safe_sd = np.where(log_sd > 0.0, log_sd, 1.0)
    return np.where(
        log_sd > 0.0, _normal_cdf((cutoff - log_mean) / safe_sd), (log_mean < cutoff).astype(float)
    )


def _result(values):
    return float(values) if np.ndim(values) == 0 else values


def prob_lag_static(
    leverage: ArrayLike,
    sigma: ArrayLike,
    n_days: ArrayLike,
    *,
    mu: float = 0.0,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    periods_per_year: int = 252,
) -> FloatOrArray:
    """Chance that the fund ends behind ``L`` times the index's return over the period.

    The comparison is with the static position ``1 + L (S_t / S_0 - 1)`` per unit
    invested: what a holder who reads "3x" as "three times the period's return"
    expects. Financing and fees enter the fund only.

    Parameters
    ----------
    leverage : float or array_like
        Daily leverage target ``L``.
    sigma : float or array_like
        Index volatility, annual decimal, >= 0.
    n_days : float or array_like
        Holding period in trading days, > 0. ``leverage``, ``sigma`` and
        ``n_days`` broadcast together.
    mu : float, default 0.0
        Index drift, annual decimal (``E[S_t / S_0] = exp(mu t)``).
    rate : float, default 0.0
        Financing rate, annual decimal.
    expense_ratio : float, default 0.0
        Expense ratio, annual decimal, >= 0.
    spread : float, default 0.0
        Financing spread over ``rate``, annual decimal, >= 0.
    spread_basis : {"notional", "borrowed"}, default "notional"
        What the spread is paid on (see :func:`lettools.simulate_fund`).
    trading_cost : float, default 0.0
        Cost per unit traded of the daily rebalance, decimal, >= 0. The closed
        forms charge its expected yearly amount, ``trading_cost |L^2 - L| sigma
        sqrt(2 ppy / pi)``, as a steady drag (an approximation: its noise and its
        link to the index's path are ignored); the simulation charges it day by day.
    periods_per_year : int, default 252
        Trading days in a year.

    Returns
    -------
    float or numpy.ndarray
        Probability, in [0, 1].

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).
    .. [2] T. Leung and M. Santoli, *Leveraged Exchange-Traded Funds: Price Dynamics and Options Valuation*,
           Springer (2016) (``leung2016leveraged`` in references.bib).

    Examples
    --------
    >>> round(prob_lag_static(3, 0.2, 252), 4)
    0.6695
    """
    arrays = _inputs(
        leverage, sigma, n_days, mu, rate, expense_ratio, spread, periods_per_year, spread_basis, trading_cost
    )
    return _result(_lag_probability(*arrays))


def prob_fund_loss(
    leverage: ArrayLike,
    sigma: ArrayLike,
    n_days: ArrayLike,
    *,
    threshold: float = 0.0,
    mu: float = 0.0,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    periods_per_year: int = 252,
) -> FloatOrArray:
    """Chance that the fund has lost more than ``threshold`` after ``n_days``.

    Parameters
    ----------
    leverage, sigma, n_days
        As in :func:`prob_lag_static`.
    threshold : float, default 0.0
        Loss as a decimal of the amount invested, in [0, 1): 0 asks for any
        loss, 0.2 for a loss of more than 20%.
    mu, rate, expense_ratio, spread, spread_basis, trading_cost, periods_per_year
        As in :func:`prob_lag_static`.

    Returns
    -------
    float or numpy.ndarray
        Probability, in [0, 1].

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).
    .. [2] T. Leung and M. Santoli, *Leveraged Exchange-Traded Funds: Price Dynamics and Options Valuation*,
           Springer (2016) (``leung2016leveraged`` in references.bib).

    Examples
    --------
    >>> round(prob_fund_loss(3, 0.2, 252), 4)
    0.6179
    """
    threshold = as_scalar(threshold, "threshold", minimum=0.0, maximum=1.0)
    if threshold == 1.0:
        raise ValueError("threshold must be < 1 (the fund cannot lose more than 100%)")
    arrays = _inputs(
        leverage, sigma, n_days, mu, rate, expense_ratio, spread, periods_per_year, spread_basis, trading_cost
    )
    return _result(_loss_probability(*arrays, threshold))


def fund_value_at_risk(
    leverage: ArrayLike,
    sigma: ArrayLike,
    n_days: ArrayLike,
    *,
    confidence: float = 0.95,
    mu: float = 0.0,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    periods_per_year: int = 252,
) -> FloatOrArray:
    """Value at risk of a holding in the fund: the loss exceeded with probability ``1 - confidence``.

    Parameters
    ----------
    leverage, sigma, n_days
        As in :func:`prob_lag_static`.
    confidence : float, default 0.95
        Confidence level, in (0, 1).
    mu, rate, expense_ratio, spread, spread_basis, trading_cost, periods_per_year
        As in :func:`prob_lag_static`.

    Returns
    -------
    float or numpy.ndarray
        Loss as a decimal of the amount invested (0.2 is a 20% loss; negative
        when even that quantile is a gain). ``prob_fund_loss`` with this
        threshold returns ``1 - confidence``.

    References
    ----------
    .. [1] M. Avellaneda and S. Zhang, "Path-dependence of leveraged ETF returns", SIAM Journal on Financial
           Mathematics 1 (2010), 586-603 (``avellaneda2010path`` in references.bib).
    .. [2] T. Leung and M. Santoli, *Leveraged Exchange-Traded Funds: Price Dynamics and Options Valuation*,
           Springer (2016) (``leung2016leveraged`` in references.bib).

    Examples
    --------
    >>> round(fund_value_at_risk(3, 0.2, 21), 4)
    0.2591
    """
    confidence = as_scalar(confidence, "confidence", minimum=0.0, minimum_inclusive=False, maximum=1.0)
    if confidence == 1.0:
        raise ValueError("confidence must be < 1")
    from scipy.special import ndtri  # lazy, as in _normal_cdf

    leverage, sigma, years, *rest = _inputs(
        leverage, sigma, n_days, mu, rate, expense_ratio, spread, periods_per_year, spread_basis, trading_cost
    )
    mean, sd, carry = _log_moments(leverage, sigma, years, *rest)
    with np.errstate(all="ignore"):
        quantile = leverage * mean + carry + np.abs(leverage) * sd * ndtri(1.0 - confidence)
        loss = check_finite(-np.expm1(quantile), "confidence", "leverage", "sigma", "n_days", "mu", "rate")
    return _result(loss)


def admissible_horizon(
    leverage: ArrayLike,
    sigma: ArrayLike,
    *,
    max_probability: float,
    risk: str = "lag",
    threshold: float = 0.0,
    mu: float = 0.0,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    max_days: int = 2520,
    periods_per_year: int = 252,
) -> int | np.ndarray:
    """Longest holding period, in trading days, for which a risk stays within a limit.

    The horizon is the largest ``h`` in ``0 .. max_days`` such that the risk is at
    most ``max_probability`` for every holding period of 1 to ``h`` days; 0 when
    even one day breaks the limit, ``max_days`` when no horizon up to it does.

    Parameters
    ----------
    leverage : float or array_like
        Daily leverage target(s).
    sigma : float or array_like
        Index volatility, annual decimal, >= 0; broadcasts against ``leverage``.
    max_probability : float
        The limit on the risk's probability, in [0, 1].
    risk : {"lag", "loss"}, default "lag"
        ``"lag"``: :func:`prob_lag_static`; ``"loss"``: :func:`prob_fund_loss`
        with ``threshold`` (so ``risk="loss", threshold=0.2,
        max_probability=0.05`` keeps the 95% value at risk within 20%).
    threshold : float, default 0.0
        Loss threshold for ``risk="loss"``, decimal in [0, 1).
    mu, rate, expense_ratio, spread, spread_basis, trading_cost
        As in :func:`prob_lag_static`.
    max_days : int, default 2520
        Longest horizon examined, trading days (2520 is ten years), at most 100,000.
    periods_per_year : int, default 252
        Trading days in a year.

    Returns
    -------
    int or numpy.ndarray of int
        Admissible horizon(s) in trading days.

    References
    ----------
    .. [1] T. Leung and M. Santoli, *Leveraged Exchange-Traded Funds: Price Dynamics and Options Valuation*,
           Springer (2016) (``leung2016leveraged`` in references.bib).

    Examples
    --------
    >>> admissible_horizon(3, 0.2, max_probability=0.05, risk="loss", threshold=0.2)   # days
    11
    """
    max_probability = as_scalar(max_probability, "max_probability", minimum=0.0, maximum=1.0)
    if not isinstance(risk, str) or risk not in ("lag", "loss"):
        raise ValueError(f"risk must be 'lag' or 'loss', got {risk!r}")
    threshold = as_scalar(threshold, "threshold", minimum=0.0, maximum=1.0)
    if threshold == 1.0:
        raise ValueError("threshold must be < 1 (the fund cannot lose more than 100%)")
    if risk == "lag" and threshold != 0.0:
        raise ValueError("threshold applies only to risk='loss'")
    max_days = as_positive_int(max_days, "max_days")
    leverage = as_array(leverage, "leverage")
    sigma = as_array(sigma, "sigma", minimum=0.0)
    try:
        leverage, sigma = np.broadcast_arrays(leverage, sigma)
    except ValueError:
        raise ValueError(
            f"leverage {leverage.shape} and sigma {sigma.shape} do not broadcast together"
        ) from None

    days = np.arange(1, max_days + 1, dtype=np.float64)
    horizons = np.empty(leverage.shape, dtype=np.int64)
    for position in np.ndindex(leverage.shape):
        arrays = _inputs(
            leverage[position], sigma[position], days, mu, rate, expense_ratio, spread, periods_per_year,
            spread_basis, trading_cost,
        )
        if risk == "lag":
            probabilities = _lag_probability(*arrays)
        else:
            probabilities = _loss_probability(*arrays, threshold)
        breaches = np.flatnonzero(probabilities > max_probability)
        horizons[position] = breaches[0] if breaches.size else max_days
    return int(horizons) if horizons.ndim == 0 else horizons


def simulate_holding_risk(
    leverage: float,
    sigma: float,
    max_days: int,
    *,
    threshold: float = 0.0,
    n_paths: int = 10_000,
    seed: SeedLike = 0,
    mu: float = 0.0,
    rate: float = 0.0,
    expense_ratio: float = 0.0,
    spread: float = 0.0,
    spread_basis: str = "notional",
    trading_cost: float = 0.0,
    periods_per_year: int = 252,
) -> pd.DataFrame:
    """Holding-period risks of a fund that resets once a day, by seeded simulation.

    The index follows GBM sampled daily (as in the closed forms); the fund earns
    ``L R + ((1 - L) rate - expense_ratio - spread_fraction(L, spread_basis) spread) /
    periods_per_year - trading_cost |L (L - 1) R|`` each day and stays at zero once a day wipes it out.

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L``.
    sigma : float
        Index volatility, annual decimal, in [0, 5] (the bound of :func:`lettools.gbm_returns`).
    max_days : int
        Longest holding period, trading days; every horizon from 1 is reported.
    threshold : float, default 0.0
        Loss threshold for the ``loss`` column, decimal in [0, 1).
    n_paths : int, default 10000
        Simulated paths; the standard error of each probability is at most
        ``0.5 / sqrt(n_paths)``. ``n_paths * max_days`` is at most 1e9.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random generator, ``numpy.random.default_rng(seed)``: the same seed gives
        the same table (a SeedSequence that of the int it was made from). A Generator is drawn
        from directly, so it is consumed (:mod:`lettools._seeds`).
    mu, rate, expense_ratio, spread, spread_basis, trading_cost, periods_per_year
        As in :func:`prob_lag_static`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``n_days`` (1 to ``max_days``): ``lag``, the share of paths on
        which the fund is below ``1 + L (S_t / S_0 - 1)``, and ``loss``, the
        share on which it has lost more than ``threshold``.

    References
    ----------
    .. [1] T. Leung and M. Santoli, *Leveraged Exchange-Traded Funds: Price Dynamics and Options Valuation*,
           Springer (2016) (``leung2016leveraged`` in references.bib).

    Examples
    --------
    >>> risk = simulate_holding_risk(3, 0.2, 21, n_paths=1000, seed=0)
    >>> risk.shape
    (21, 2)
    >>> risk.round(3).iloc[-1].tolist()
    [0.661, 0.526]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0, maximum=5.0)  # the bounds of gbm_returns
    max_days = as_positive_int(max_days, "max_days")
    threshold = as_scalar(threshold, "threshold", minimum=0.0, maximum=1.0)
    if threshold == 1.0:
        raise ValueError("threshold must be < 1 (the fund cannot lose more than 100%)")
    n_paths = as_positive_int(n_paths, "n_paths")
    if n_paths * max_days > _MAX_SIMULATED_DAYS:
        raise ValueError(f"n_paths x max_days = {n_paths * max_days:,}; at most {_MAX_SIMULATED_DAYS:,}")
    rng = seeded_generator(seed, negative=TypeError)
    mu = as_scalar(mu, "mu", minimum=-10.0, maximum=10.0)
    rate = as_scalar(rate, "rate")
    expense_ratio = as_scalar(expense_ratio, "expense_ratio", minimum=0.0)
    spread = as_scalar(spread, "spread", minimum=0.0)
    spread_basis = check_spread_basis(spread_basis)
    trading_cost = as_scalar(trading_cost, "trading_cost", minimum=0.0)
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")

    carry = (
        (1.0 - leverage) * rate - expense_ratio - spread_fraction(leverage, spread_basis) * spread
    ) / periods_per_year
    trading_drag = trading_cost * abs(leverage * (leverage - 1.0))
    drift = (mu - 0.5 * sigma**2) / periods_per_year
    volatility = sigma / np.sqrt(periods_per_year)
    generator = rng
    lagging = np.zeros(max_days)
    losing = np.zeros(max_days)
    block = max(1, 2_000_000 // max_days)  # paths per block: bounded memory for long horizons
    for first in range(0, n_paths, block):
        log_returns = drift + volatility * generator.standard_normal((min(block, n_paths - first), max_days))
        index_returns = np.expm1(log_returns)
        with np.errstate(all="ignore"):
            growth = np.maximum(1.0 + leverage * index_returns + carry - trading_drag * np.abs(index_returns), 0.0)
            fund = np.cumprod(growth, axis=1)
            static = 1.0 + leverage * np.expm1(np.cumsum(log_returns, axis=1))
        check_finite(
            [fund.max(), static.max(), static.min()],
            "leverage", "sigma", "mu", "rate", "expense_ratio", "spread", "trading_cost",
        )
        lagging += np.sum(fund < static, axis=0)
        losing += np.sum(fund < 1.0 - threshold, axis=0)
    return pd.DataFrame(
        {"lag": lagging / n_paths, "loss": losing / n_paths},
        index=pd.RangeIndex(1, max_days + 1, name="n_days"),
    )


# ---------------------------------------------------------------------------------------------
# Beyond "does it lag at all": lagging by more than a margin, and the VaR of Rule 18f-4.
# Self-contained (zero costs), so that they do not depend on the cost plumbing above.


def prob_shortfall(leverage, sigma, n_days, *, shortfall: float, mu: float = 0.0, periods_per_year: int = 252):
    """Chance that the fund ends more than ``shortfall`` behind ``L`` times the index's return.

    The event is ``V < 1 + L (X - 1) - shortfall`` per unit invested, with
    ``X = S_t / S_0``, in the continuous-time model of this module with no costs:
    ``V = X^L exp((L - L^2) sigma^2 t / 2)``. ``shortfall = 0`` is
    :func:`prob_lag_static`. Adding a constant to ``g(y) = V - 1 - L (e^y - 1)``
    keeps its one turning point, so the set where ``g < -shortfall`` is again at
    most two intervals, found by bisection.

    Parameters
    ----------
    leverage : float
        Daily leverage target ``L``.
    sigma : float
        Index volatility, annual decimal, >= 0.
    n_days : float or array_like
        Holding period(s), trading days, > 0.
    shortfall : float
        Margin, as a decimal of the amount invested (0.05 is five percentage
        points of return), >= 0.
    mu : float, default 0.0
        Index drift, annual decimal (``E[S_t / S_0] = exp(mu t)``).
    periods_per_year : int, default 252
        Trading days in a year.

    Returns
    -------
    float or numpy.ndarray
        Probability, in [0, 1], shaped like ``n_days``.
    """
    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0)
    days = as_array(n_days, "n_days", minimum=0.0, minimum_inclusive=False)
    shortfall = as_scalar(shortfall, "shortfall", minimum=0.0)
    mu = as_scalar(mu, "mu")
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")

    years = days / periods_per_year
    mean = (mu - 0.5 * sigma**2) * years
    sd = sigma * np.sqrt(years)
    carry = 0.5 * (leverage - leverage**2) * sigma**2 * years
    if leverage in (0.0, 1.0):
        # The fund is cash or the index itself: it never trails L x the index.
        return _result(np.zeros_like(mean))

    def g(y):
        with np.errstate(all="ignore"):  # as in _lag_probability: log space where exp overflows
            value = np.exp(leverage * y + carry) - 1.0 - leverage * np.expm1(y) + shortfall
            direct = np.isfinite(value) & (np.abs(leverage * y + carry) < _MAX_LOG_VALUE)
        return np.where(direct, value, _behind_sign(y, leverage, carry, shortfall))

    if sigma == 0.0:
        return _result((g(mean) < 0.0).astype(float))
    low = mean - _SEARCH_WIDTH * sd
    high = mean + _SEARCH_WIDTH * sd
    turning = np.clip(-carry / (leverage - 1.0), low, high)

    def root_or(a, b, fallback):
        negative_at_a = g(a) < 0.0
        has_root = negative_at_a != (g(b) < 0.0)
        a, b = a.copy(), b.copy()
        for _ in range(_BISECTION_STEPS):
            middle = 0.5 * (a + b)
            same_side = (g(middle) < 0.0) == negative_at_a
            a, b = np.where(same_side, middle, a), np.where(same_side, b, middle)
        return np.where(has_root, 0.5 * (a + b), fallback)

    edges = [low, root_or(low, turning, low), turning, root_or(turning, high, high), high]
    probability = np.zeros_like(mean)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        mass = _normal_cdf((b - mean) / sd) - _normal_cdf((a - mean) / sd)
        probability += np.where(g(0.5 * (a + b)) < 0.0, mass, 0.0)
    return _result(np.clip(probability, 0.0, 1.0))


def simulate_shortfall(
    leverage: float,
    sigma: float,
    max_days: int,
    *,
    shortfall: float,
    n_paths: int = 10_000,
    seed: SeedLike = 0,
    mu: float = 0.0,
    periods_per_year: int = 252,
):
    """Chance that a fund resetting once a day ends more than ``shortfall`` behind ``1 + L R``, by simulation.

    The daily-reset counterpart of :func:`prob_shortfall` (no costs; GBM sampled
    daily; a fund wiped out stays at zero). The standard error of each
    probability is at most ``0.5 / sqrt(n_paths)``.

    Parameters
    ----------
    leverage, sigma, shortfall, mu, periods_per_year
        As in :func:`prob_shortfall`.
    max_days : int
        Longest holding period, trading days; every horizon from 1 is reported.
    n_paths : int, default 10000
        Simulated paths.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator, default 0
        Seed of the random generator, as in :func:`simulate_holding_risk`.

    Returns
    -------
    numpy.ndarray
        Probabilities for holding periods ``1 .. max_days``.
    """
    leverage = as_scalar(leverage, "leverage")
    sigma = as_scalar(sigma, "sigma", minimum=0.0)
    max_days = as_positive_int(max_days, "max_days")
    shortfall = as_scalar(shortfall, "shortfall", minimum=0.0)
    n_paths = as_positive_int(n_paths, "n_paths")
    rng = seeded_generator(seed, negative=TypeError)
    mu = as_scalar(mu, "mu")
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")

    generator = rng
    drift = (mu - 0.5 * sigma**2) / periods_per_year
    volatility = sigma / np.sqrt(periods_per_year)
    behind = np.zeros(max_days)
    block = max(1, 2_000_000 // max_days)  # bounded memory for long horizons
    for first in range(0, n_paths, block):
        log_returns = drift + volatility * generator.standard_normal((min(block, n_paths - first), max_days))
        fund = np.cumprod(np.maximum(1.0 + leverage * np.expm1(log_returns), 0.0), axis=1)
        static = 1.0 + leverage * np.expm1(np.cumsum(log_returns, axis=1))
        behind += np.sum(fund < static - shortfall, axis=0)
    return behind / n_paths


def portfolio_var(index_returns, exposure, *, confidence: float = 0.99, horizon: int = 20, history_days: int = 756):
    """Historical-simulation VaR of a fund's current portfolio, the way Rule 18f-4 measures it.

    The portfolio holds ``exposure`` times its net assets in the index (2 for a
    2x fund, -1 for an inverse fund, 1 for the unlevered reference portfolio)
    and is held unchanged for ``horizon`` days: its return over a scenario is
    ``exposure * R_h``, with ``R_h`` an overlapping ``horizon``-day index
    return from the last ``history_days`` daily returns. The rule prescribes a
    99% confidence level, 20 trading days and at least three years of data
    (756 trading days). Because the portfolio is linear in the index, the ratio
    of a long fund's VaR to the index's is exactly ``exposure``; an inverse
    fund's VaR comes from the upper tail of ``R_h`` instead.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns of the index, oldest first (1-D).
    exposure : float
        Index exposure per unit of net assets.
    confidence : float, default 0.99
        Confidence level, in (0, 1).
    horizon : int, default 20
        Holding period of the scenarios, trading days.
    history_days : int, default 756
        Number of the latest daily returns used, >= ``horizon``.

    Returns
    -------
    float
        VaR as a decimal of net assets (0.2 is a 20% loss), from numpy's linear
        interpolation between order statistics.
    """
    returns = as_array(index_returns, "index_returns", ndim=(1,), minimum=-1.0, minimum_inclusive=False)
    exposure = as_scalar(exposure, "exposure")
    confidence = as_scalar(confidence, "confidence", minimum=0.0, minimum_inclusive=False, maximum=1.0)
    if confidence == 1.0:
        raise ValueError("confidence must be < 1")
    horizon = as_positive_int(horizon, "horizon")
    history_days = as_positive_int(history_days, "history_days")
    if history_days < horizon:
        raise ValueError(f"history_days ({history_days}) must be at least horizon ({horizon})")
    if returns.size < history_days:
        raise ValueError(f"index_returns has {returns.size} returns, fewer than history_days ({history_days})")
    cumulative = np.concatenate([[0.0], np.cumsum(np.log1p(returns[-history_days:]))])
    scenarios = np.expm1(cumulative[horizon:] - cumulative[:-horizon])
    return float(-np.quantile(exposure * scenarios, 1.0 - confidence))
