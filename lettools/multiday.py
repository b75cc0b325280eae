"""Compounding over many days: the gap between a daily-reset fund and leverage held, the mean and
median of the fund on a lognormal index, and index paths built to reproduce a fund's reported return.

Returns are simple decimals (0.01 is +1%); ``mu``, ``sigma`` and ``rate`` are annual decimals;
``years`` is in years; leverage ``L`` is the fund's daily multiple; no costs unless stated. The
position "held" is ``L`` times the index bought once (equity 1, exposure ``L``) and never rebalanced.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ._seeds import check_seed, generator
from ._typing import ArrayLike, FloatArray, FloatOrArray, SeedLike
from ._validation import as_array, as_positive_int, as_returns, as_scalar, check_finite
from .decomposition import monthly_fund_moments
from .fund import simulate_fund, static_leverage_path, terminal_value
from .holding import prob_lag_static
from .paths import gbm_returns
from .theory import _check_broadcast, _result, log_growth_rate

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "elementary_symmetric_sums",
    "gap_decomposition",
    "gbm_mean_median",
    "gbm_mean_standard_error",
    "divergence_path",
    "divergence_summary",
    "monthly_distribution",
    "monthly_median_gap",
    "lag_frequency",
    "value_paths",
]


def elementary_symmetric_sums(index_returns: ArrayLike) -> FloatArray:
    """``e_0 .. e_T`` of the daily returns: ``prod_t (1 + R_t x) = sum_k e_k x^k``.

    ``e_0 = 1``, ``e_1`` is the sum of the returns, ``e_2`` the sum of the products of pairs
    of different days, and so on up to ``e_T``, the product of all of them. Computed by
    multiplying the polynomial out one day at a time (``O(T^2)`` operations).

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns ``R_1 .. R_T`` (1-D), each greater than -1.

    Returns
    -------
    numpy.ndarray
        The ``T + 1`` sums ``e_0 .. e_T``.

    Examples
    --------
    >>> np.round(elementary_symmetric_sums([0.1, -0.2, 0.05]), 6).tolist()
    [1.0, -0.05, -0.025, -0.001]
    """
    returns = as_returns(index_returns, ndim=(1,))
    sums = np.zeros(returns.size + 1)
    sums[0] = 1.0
    with np.errstate(all="ignore"):  # huge returns overflow: refused below, by name
        for count, day_return in enumerate(returns, start=1):
            # Multiply the polynomial by (1 + R x): each coefficient gains R times the one below it.
            sums[1 : count + 1] += day_return * sums[:count].copy()
    return check_finite(sums, "index_returns")


def gap_decomposition(index_returns: ArrayLike, leverage: float) -> pd.DataFrame:
    """The gap held-minus-fund over ``T`` days, term by term: ``sum_{k>=2} (L - L^k) e_k``.

    Both positions start at 1. Expanding the product, the daily-reset fund ends at
    ``prod (1 + L R_t) = sum_k L^k e_k`` and the held position at ``1 + L sum_{k>=1} e_k``
    (if neither has reached zero), so their difference has a term ``(L - L^k) e_k`` for every
    ``k >= 2`` (:func:`elementary_symmetric_sums`); the ``k = 2`` term is the pair term of
    :func:`lettools.buy_and_hold_gap`.

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns (1-D), each greater than -1.
    leverage : float
        The multiple ``L``.

    Returns
    -------
    pandas.DataFrame
        One row per order ``k`` from 2 to ``T``: ``k``, ``e_k`` and ``term`` = ``(L - L^k) e_k``
        (empty for a single day).

    Examples
    --------
    >>> gap_decomposition([0.04, -0.03], 3.0)["term"].round(6).tolist()
    [0.0072]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    sums = elementary_symmetric_sums(index_returns)
    orders = np.arange(2, sums.size)
    with np.errstate(all="ignore"):  # a huge leverage to a high power overflows: refused below, by name
        terms = check_finite((leverage - np.float64(leverage) ** orders) * sums[2:], "leverage", "index_returns")
    return pd.DataFrame({"k": orders, "e_k": sums[2:], "term": terms})


def gbm_mean_median(
    leverage: ArrayLike,
    mu: ArrayLike,
    sigma: ArrayLike,
    years: ArrayLike,
    *,
    rate: ArrayLike = 0.0,
    expense_ratio: ArrayLike = 0.0,
) -> tuple[FloatOrArray, FloatOrArray]:
    """Mean and median of a daily-reset fund's value per unit after ``years`` on a GBM index.

    In continuous time ``ln(V_T / V_0)`` is normal with mean ``g T`` and variance
    ``L^2 sigma^2 T``, where ``g = L mu + (1 - L) r - f - L^2 sigma^2 / 2``
    (:func:`lettools.log_growth_rate`). The median is ``exp(g T)``; the mean adds half the
    variance back, ``exp((L mu + (1 - L) r - f) T)``, which does not depend on ``sigma``.

    Parameters
    ----------
    leverage : array_like
        Daily multiple ``L``.
    mu : array_like
        The index's annual drift (arithmetic, decimal).
    sigma : array_like
        The index's annual volatility, greater than 0.
    years : array_like
        Holding period in years, at least 0.
    rate : array_like
        Annual benchmark rate ``r`` paid on the borrowed part ``L - 1``.
    expense_ratio : array_like
        Annual expense ratio ``f``.

    Returns
    -------
    tuple of (float or numpy.ndarray)
        ``(mean, median)`` of ``V_T / V_0``, broadcast over the inputs.

    References
    ----------
    .. [1] Avellaneda, M. and Zhang, S. (2010), "Path-dependence of leveraged ETF returns"
       (``avellaneda2010path``).

    Examples
    --------
    >>> mean, median = gbm_mean_median(3.0, 0.10, 0.25, 1.0)
    >>> round(mean, 4), round(median, 4)
    (1.3499, 1.0189)
    """
    years = as_array(years, "years", minimum=0.0)
    _check_broadcast(
        leverage=as_array(leverage, "leverage"), mu=as_array(mu, "mu"), sigma=as_array(sigma, "sigma"),
        years=years, rate=as_array(rate, "rate"), expense_ratio=as_array(expense_ratio, "expense_ratio"),
    )
    growth = np.asarray(log_growth_rate(leverage, mu, sigma, rate=rate, expense_ratio=expense_ratio))
    without_drag = np.asarray(log_growth_rate(leverage, mu, 0.0, rate=rate, expense_ratio=expense_ratio))
    with np.errstate(all="ignore"):  # huge inputs overflow exp: refused below, by name
        mean = check_finite(np.exp(without_drag * years), "leverage", "mu", "years", "rate", "expense_ratio")
        median = np.exp(growth * years)
    if not np.all(np.isfinite(median)):
        raise ValueError("the median is not a finite float64 for these values of leverage, mu, sigma, years")
    mean, median = (np.array(value) for value in np.broadcast_arrays(mean, median))  # the mean: sigma's shape too
    return _result(mean), _result(median)


def gbm_mean_standard_error(
    leverage: ArrayLike, mu: ArrayLike, sigma: ArrayLike, years: ArrayLike, n_paths: int
) -> FloatOrArray:
    """Standard error of a Monte Carlo mean of the fund's value per unit, from the lognormal's variance.

    With ``V_T / V_0`` lognormal, mean ``exp(L mu T)`` and log variance ``L^2 sigma^2 T``
    (:func:`gbm_mean_median`, no rate or costs), the variance of ``V_T / V_0`` is
    ``exp(2 L mu T) (exp(L^2 sigma^2 T) - 1)`` and the standard error of a mean of ``n``
    independent paths is ``sqrt(exp(2 L mu T) (exp(L^2 sigma^2 T) - 1) / n)``.

    Parameters
    ----------
    leverage : array_like
        Daily multiple ``L``.
    mu : array_like
        The index's annual drift (decimal).
    sigma : array_like
        The index's annual volatility, at least 0.
    years : array_like
        Holding period in years, at least 0.
    n_paths : int
        Number of simulated paths ``n``.

    Returns
    -------
    float or numpy.ndarray
        The standard error, in value per unit invested, broadcast over the inputs.

    Examples
    --------
    >>> round(gbm_mean_standard_error(3.0, 0.08, 0.30, 1.0, 5000), 6)
    0.020083
    """
    n_paths = as_positive_int(n_paths, "n_paths")
    leverage = as_array(leverage, "leverage")
    mu = as_array(mu, "mu")
    sigma = as_array(sigma, "sigma", minimum=0.0)
    years = as_array(years, "years", minimum=0.0)
    _check_broadcast(leverage=leverage, mu=mu, sigma=sigma, years=years)
    with np.errstate(all="ignore"):  # huge inputs overflow exp: refused below, by name
        variance = np.exp(2.0 * leverage * mu * years) * np.expm1(leverage**2 * sigma**2 * years)
        value = check_finite(np.sqrt(variance / n_paths), "leverage", "mu", "sigma", "years")
    return _result(value)


def divergence_path(
    index_total: float, fund_total: float, leverage: float, n_days: int, *, seed: SeedLike
) -> FloatArray:
    """A seeded index path on which an ``L``x daily-reset fund returns ``fund_total``.

    The path's daily log returns are ``a + k z_t``. The shocks ``z_t`` are seeded normal sizes
    (the absolute log returns of :func:`lettools.gbm_returns` with zero drift and unit
    volatility) with alternating signs (a choppy market that keeps reversing, so the index
    stays near its trend line), demeaned and scaled to unit standard deviation; ``a`` makes the
    index return exactly ``index_total`` over ``n_days`` and ``k`` (the daily volatility) is
    solved by Brent's method so that the fund (:func:`lettools.terminal_value`, no costs)
    returns ``fund_total``.

    Parameters
    ----------
    index_total : float
        The index's total simple return over the path, greater than -1.
    fund_total : float
        The fund's total return to reproduce, greater than -1 and below the fund's return on the
        steady path (the same index return every day).
    leverage : float
        Daily multiple ``L``.
    n_days : int
        Days in the path, at least 2.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the shocks' sizes (as in :func:`lettools.gbm_returns`).

    Returns
    -------
    numpy.ndarray
        The path's ``n_days`` daily simple returns.

    Raises
    ------
    ValueError
        If no such volatility exists (daily volatility up to 100%): the fund's return on the
        steady path, just under ``(1 + index_total)^L - 1``, must be above ``fund_total``.

    Examples
    --------
    >>> path = divergence_path(0.08, -0.53, 3.0, 104, seed=7)
    >>> round(float(np.prod(1 + path) - 1), 10), round(float(np.prod(1 + 3 * path) - 1), 8)
    (0.08, -0.53)
    """
    from scipy.optimize import brentq  # lazily: keeps `import lettools` fast

    index_total = as_scalar(index_total, "index_total", minimum=-1.0, minimum_inclusive=False)
    fund_total = as_scalar(fund_total, "fund_total", minimum=-1.0, minimum_inclusive=False)
    leverage = as_scalar(leverage, "leverage")
    n_days = as_positive_int(n_days, "n_days")
    if n_days < 2:
        raise ValueError(f"n_days must be at least 2 (one day leaves no room for volatility), got {n_days}")
    sizes = np.abs(np.log1p(gbm_returns(1, n_days, 0.0, 1.0, seed=seed)[0]))
    shocks = sizes * np.where(np.arange(n_days) % 2 == 0, 1.0, -1.0)
    shocks = (shocks - shocks.mean()) / shocks.std()
    drift = np.log1p(index_total) / n_days

    def excess(scale: float) -> float:
        with np.errstate(all="ignore"):  # a huge scale overflows expm1: that path's fund is then inf or 0
            path = np.expm1(drift + scale * shocks)
        return float(terminal_value(np.maximum(path, np.nextafter(-1.0, 0.0)), leverage)) - (1.0 + fund_total)

    try:
        steady = excess(0.0)
    except ValueError:
        steady = math.inf
    if not np.isfinite(steady):
        raise ValueError("leverage and index_total are too extreme: the fund's value on the steady path overflows")
    if steady <= 0.0:
        raise ValueError(f"fund_total must be below the return of a fund with this leverage on the steady path "
                         f"(index_total spread evenly over the days), {steady + fund_total:.4f}: volatility only "
                         "lowers the fund")
    high = 0.01
    while excess(high) > 0.0:
        high *= 2.0
        if high > 1.0:
            raise ValueError("no path with daily volatility below 100% gives that fund_total for this index_total "
                             "and leverage")
    return np.expm1(drift + brentq(excess, 0.0, high, xtol=1e-12) * shocks)


def divergence_summary(index_returns: ArrayLike, leverage: float, *, periods_per_year: int = 252) -> pd.Series:
    """What a path did to the index, the daily-reset fund and the same leverage held (no costs).

    Parameters
    ----------
    index_returns : array_like
        Daily simple returns (1-D), each greater than -1.
    leverage : float
        Daily multiple ``L``.
    periods_per_year : int
        Trading days per year, for annualising the volatility.

    Returns
    -------
    pandas.Series
        ``trading days``; ``index return``, ``<L>x fund return`` and ``<L>x held return`` (total
        returns, decimals; the held position floored at zero, :func:`lettools.static_leverage_path`);
        and ``annualised volatility of the path``, ``sqrt(periods_per_year / T * sum R^2)``.

    Examples
    --------
    >>> divergence_summary([0.1, -0.1], 2.0).round(4).tolist()
    [2.0, -0.01, -0.04, -0.02, 1.5875]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    returns = as_returns(index_returns, ndim=(1,))
    leverage = as_scalar(leverage, "leverage")
    periods_per_year = as_positive_int(periods_per_year, "periods_per_year")
    return pd.Series(
        {
            "trading days": returns.size,
            "index return": float(np.prod(1 + returns) - 1),
            f"{leverage:g}x fund return": terminal_value(returns, leverage) - 1,
            f"{leverage:g}x held return": float(static_leverage_path(returns, leverage)[-1] - 1),
            "annualised volatility of the path": float(np.sqrt(np.sum(returns**2) * periods_per_year / returns.size)),
        }
    )


def _monthly_outcomes(
    leverage: float, monthly_mean: float, monthly_sd: float, n_days: int, n_paths: int, seed: SeedLike
) -> tuple[dict[str, FloatArray], dict]:
    """Seeded months of the index, the target and the fund, and the closed-form moments behind them."""
    moments = monthly_fund_moments(leverage, monthly_mean, monthly_sd, n_days)
    rng = generator(seed)
    days = rng.normal(moments["daily_mean"], moments["daily_sd"], size=(n_paths, n_days))
    with np.errstate(all="ignore"):  # extreme moments overflow the products: refused below, by name
        index_month = np.prod(1.0 + days, axis=1) - 1.0
        outcomes = {
            "index": index_month,
            "target": leverage * index_month,
            "fund": np.prod(1.0 + leverage * days, axis=1) - 1.0,
        }
    for values in outcomes.values():
        check_finite(values, "leverage", "monthly_mean", "monthly_sd", "n_days")
    return outcomes, moments


def monthly_distribution(
    leverage: float = 2.0,
    monthly_mean: float = 0.009,
    monthly_sd: float = 0.045,
    n_days: int = 21,
    *,
    n_paths: int = 200_000,
    seed: SeedLike = 24,
) -> pd.DataFrame:
    """One month of the index, of ``L`` times its month (the target) and of a daily-reset fund.

    The index's days are independent and normal, with the daily mean and standard deviation
    that compound exactly to ``monthly_mean`` and ``monthly_sd``
    (:func:`lettools.monthly_fund_moments`). The closed forms give the exact means and standard
    deviations; a seeded simulation gives the medians (which depend on the shape of the daily
    distribution) and checks the rest. Standard errors: of a mean, sd / sqrt(n); of a median,
    the spread of the medians of 20 equal batches divided by sqrt(20). No costs.

    Parameters
    ----------
    leverage : float
        Daily multiple ``L``.
    monthly_mean : float
        The index's mean simple return over the month (decimal).
    monthly_sd : float
        The standard deviation of the index's monthly simple return (decimal).
    n_days : int
        Trading days in the month.
    n_paths : int
        Simulated months (a multiple of 20 for the medians' standard errors).
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the simulated days (an int draws ``numpy.random.default_rng(seed)``'s stream).

    Returns
    -------
    pandas.DataFrame
        Rows ``index``, ``target`` and ``fund``; columns ``mean`` (closed form), ``mean_mc``,
        ``mean_se``, ``sd`` (closed form), ``sd_mc``, ``median_mc`` and ``median_se`` (NaN
        unless ``n_paths`` is a multiple of 20), all monthly simple returns.

    Examples
    --------
    >>> month = monthly_distribution(2.0, 0.009, 0.045, 21, n_paths=2000, seed=24)
    >>> round(float(month.loc["target", "mean"]), 4), round(float(month.loc["target", "sd"]), 4)
    (0.018, 0.09)
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    n_paths = as_positive_int(n_paths, "n_paths")
    n_days = as_positive_int(n_days, "n_days")
    if n_paths * n_days > 100_000_000:
        raise ValueError(f"n_paths x n_days must be at most 100,000,000 simulated days, got {n_paths * n_days:,}")
    check_seed(seed)
    outcomes, moments = _monthly_outcomes(leverage, monthly_mean, monthly_sd, n_days, n_paths, seed)
    closed_forms = {
        "index": (monthly_mean, monthly_sd),
        "target": (moments["target_mean"], moments["target_sd"]),
        "fund": (moments["fund_mean"], moments["fund_sd"]),
    }
    rows = {}
    for name, values in outcomes.items():
        mean, sd = closed_forms[name]
        batch_medians = np.median(values.reshape(20, -1), axis=1) if n_paths % 20 == 0 else np.array([np.nan])
        with np.errstate(all="ignore"):  # one batch median: its spread is NaN, as documented
            median_se = float(batch_medians.std(ddof=1) / np.sqrt(batch_medians.size)) if batch_medians.size > 1 \
                else math.nan
        rows[name] = {
            "mean": mean,
            "mean_mc": values.mean(),
            "mean_se": values.std() / np.sqrt(values.size),
            "sd": sd,
            "sd_mc": values.std(),
            "median_mc": float(np.median(values)),
            "median_se": median_se,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def monthly_median_gap(
    leverage: float = 2.0,
    monthly_mean: float = 0.009,
    monthly_sd: float = 0.045,
    n_days: int = 21,
    *,
    n_paths: int = 200_000,
    seed: SeedLike = 24,
    n_resamples: int = 200,
    resample_seed: SeedLike = 25,
) -> pd.Series:
    """The target's median month minus the fund's, with a paired bootstrap standard error.

    Same months as :func:`monthly_distribution` (same arguments, same draws). The two medians
    come from the same simulated months, so their errors are correlated and the standard error
    of one median says little about their difference: each of ``n_resamples`` seeded bootstrap
    resamples draws whole months with replacement and recomputes both medians.

    Parameters
    ----------
    leverage, monthly_mean, monthly_sd, n_days, n_paths, seed
        As in :func:`monthly_distribution`.
    n_resamples : int
        Bootstrap resamples, at least 2.
    resample_seed : int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    pandas.Series
        ``median_gap`` (target minus fund, a decimal return) and ``median_gap_se``.

    Examples
    --------
    >>> gap = monthly_median_gap(2.0, 0.009, 0.045, 21, n_paths=2000, seed=5, n_resamples=20)
    >>> bool(gap["median_gap"] > 0 and gap["median_gap_se"] > 0)
    True
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    n_paths = as_positive_int(n_paths, "n_paths")
    n_days = as_positive_int(n_days, "n_days")
    n_resamples = as_positive_int(n_resamples, "n_resamples", maximum=100_000)
    if n_resamples < 2:
        raise ValueError(f"n_resamples must be at least 2 to give a standard error, got {n_resamples}")
    if n_paths * max(n_days, n_resamples) > 100_000_000:
        raise ValueError(f"n_paths x n_days and n_paths x n_resamples must be at most 100,000,000, got n_paths "
                         f"{n_paths:,}, n_days {n_days:,}, n_resamples {n_resamples:,}")
    check_seed(seed)
    rng = generator(resample_seed, "resample_seed")
    outcomes, _ = _monthly_outcomes(leverage, monthly_mean, monthly_sd, n_days, n_paths, seed)
    target, fund = outcomes["target"], outcomes["fund"]
    resampled = np.empty(n_resamples)
    for i in range(n_resamples):
        months = rng.integers(0, n_paths, n_paths)
        resampled[i] = np.median(target[months]) - np.median(fund[months])
    return pd.Series({
        "median_gap": float(np.median(target) - np.median(fund)),
        "median_gap_se": float(resampled.std(ddof=1)),
    })


def lag_frequency(
    leverage: float = 3.0,
    sigmas: ArrayLike = (0.1, 0.3, 0.6),
    horizons: ArrayLike = (21, 63, 252),
    *,
    n_paths: int = 10_000,
    seed: int = 68,
) -> pd.DataFrame:
    """How often a daily-reset fund ends behind its target in a driftless market, by simulation.

    Driftless GBM index paths (``mu = 0``: every day's expected return is zero; see
    :func:`lettools.gbm_returns`), a daily-reset fund and the target (leverage bought once and
    held), no costs. The paths of the ``i``-th volatility and horizon ``T`` are drawn with the
    seed ``seed + 100 i + T``.

    Parameters
    ----------
    leverage : float
        Daily multiple ``L``.
    sigmas : array_like
        Annual volatilities of the index, each greater than 0 (1-D).
    horizons : array_like
        Holding periods in trading days, whole numbers of at least 2 (1-D).
    n_paths : int
        Paths per volatility and horizon.
    seed : int
        Base seed, a non-negative whole number.

    Returns
    -------
    pandas.DataFrame
        One row per volatility and horizon: ``sigma``, ``n_days``, ``lag_share`` (share of paths
        where the fund ends behind) and its standard error ``lag_se``, ``rule_share`` (share where
        ``(sum R_t)^2 < sum R_t^2``, the second-order rule's verdict), ``second_order_t`` (that
        share's exact value for i.i.d. normal zero-mean days, ``P(|t| < 1)`` with ``t`` Student's
        t on ``n_days - 1`` degrees of freedom), ``continuous`` (the continuous-time probability,
        :func:`lettools.prob_lag_static`), and ``mean_gap`` (fund minus target, zero in
        expectation: both have mean 1) with its standard error ``mean_gap_se``.

    Examples
    --------
    >>> lags = lag_frequency(3.0, sigmas=[0.1], horizons=[21], n_paths=500, seed=3)
    >>> round(float(lags["second_order_t"].iloc[0]), 4)
    0.6707
    """
    import pandas as pd  # lazily: keeps `import lettools` fast
    from scipy.stats import t as student_t  # lazily: keeps `import lettools` fast

    leverage = as_scalar(leverage, "leverage")
    sigma_grid = as_array(sigmas, "sigmas", ndim=(1,), minimum=0.0, minimum_inclusive=False)
    horizon_grid = as_array(horizons, "horizons", ndim=(1,), minimum=2.0)
    if np.any(horizon_grid != np.round(horizon_grid)) or horizon_grid.max() > 100_000:
        raise ValueError(f"horizons must be whole numbers of days from 2 to 100,000, got {horizon_grid.tolist()}")
    n_paths = as_positive_int(n_paths, "n_paths")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a whole number (the cells' seeds are seed + 100 i + T), got {seed!r}")
    if not 0 <= seed <= 2**62:
        raise ValueError(f"seed must be from 0 to 2**62, got {seed!r}")
    rows = []
    for number, sigma in enumerate(sigma_grid):
        for horizon in horizon_grid.astype(int):
            cell_seed = int(seed) + 100 * number + int(horizon)
            returns = gbm_returns(n_paths, int(horizon), 0.0, float(sigma), seed=cell_seed)
            with np.errstate(all="ignore"):  # a huge leverage overflows the products: refused below, by name
                fund = np.prod(1.0 + leverage * returns, axis=1)
                target = 1.0 + leverage * (np.prod(1.0 + returns, axis=1) - 1.0)
                gap = check_finite(fund - target, "leverage")
                continuous = check_finite(prob_lag_static(leverage, float(sigma), int(horizon)), "leverage")
                gap_mean, gap_se = check_finite([gap.mean(), gap.std() / np.sqrt(n_paths)], "leverage")
            lag = fund < target
            rows.append({
                "sigma": float(sigma),
                "n_days": int(horizon),
                "lag_share": lag.mean(),
                "lag_se": np.sqrt(lag.mean() * (1.0 - lag.mean()) / n_paths),
                "rule_share": np.mean(np.sum(returns, axis=1) ** 2 < np.sum(returns**2, axis=1)),
                "second_order_t": float(student_t.cdf(1.0, horizon - 1) - student_t.cdf(-1.0, horizon - 1)),
                "continuous": continuous,
                "mean_gap": gap_mean,
                "mean_gap_se": gap_se,
            })
    return pd.DataFrame(rows)


def value_paths(index_returns: ArrayLike, leverage: float, *, start: float = 100.0) -> pd.DataFrame:
    """Index, daily-reset fund and leverage held, day by day, all starting at ``start`` (no costs).

    Parameters
    ----------
    index_returns : array_like
        The index's daily simple returns (1-D), each greater than -1.
    leverage : float
        The multiple ``L`` of the fund and of the held position.
    start : float
        Common starting value, greater than 0.

    Returns
    -------
    pandas.DataFrame
        One row per day ``0..T``: ``day``, ``index`` (the index, i.e. 1x held),
        ``fund`` (:func:`lettools.simulate_fund`, floored at zero) and ``held``
        (:func:`lettools.static_leverage_path`: ``L`` times the index bought on
        day 0 and held, so its return is ``L`` times the index's return until it
        reaches zero).

    Examples
    --------
    >>> value_paths([0.10, -0.10], 2.0).round(6).values.tolist()
    [[0.0, 100.0, 100.0, 100.0], [1.0, 110.0, 120.0, 120.0], [2.0, 99.0, 96.0, 98.0]]
    """
    import pandas as pd  # lazily: keeps `import lettools` fast

    returns = as_returns(index_returns, ndim=(1,))
    return pd.DataFrame(
        {
            "day": np.arange(returns.size + 1),
            "index": static_leverage_path(returns, 1.0, start=start),
            "fund": simulate_fund(returns, leverage, start=start),
            "held": static_leverage_path(returns, leverage, start=start),
        }
    )
