"""lettools.real_funds: the spreads implied by measured lags, against plain numpy."""

import numpy as np
import pytest

from lettools import implied_spreads, swap_notional_spreads

LAGS = {
    "A": {"leverage": 3.0, "lag": 0.0137, "distributions": -0.0024, "lag_adjusted": 0.0113, "expense_ratio": 0.0091},
    "B": {"leverage": 2.0, "lag": 0.0094, "distributions": -0.0021, "lag_adjusted": 0.0073, "expense_ratio": 0.0089},
    "C": {"leverage": -3.0, "lag": 0.0200, "distributions": 0.0, "lag_adjusted": 0.0200, "expense_ratio": 0.0095},
}


def test_implied_spreads_match_plain_numpy():
    table = implied_spreads(LAGS)
    lev = np.array([f["leverage"] for f in LAGS.values()])
    lag = np.array([f["lag"] for f in LAGS.values()])
    adjusted = np.array([f["lag_adjusted"] for f in LAGS.values()])
    borrowed = np.where(lev >= 1, lev - 1, np.abs(lev))  # a long fund borrows L - 1; an inverse one is short |L|
    assert np.allclose(table["spread_notional"], lag / np.abs(lev))
    assert np.allclose(table["spread_notional_adjusted"], adjusted / np.abs(lev))
    assert np.allclose(table["spread_borrowed"].to_numpy(float)[:2], (lag / borrowed)[:2])
    shifted = implied_spreads(LAGS, ("notional",), expense_ratio=0.0095)
    fee = np.array([f["expense_ratio"] for f in LAGS.values()])
    assert np.allclose(shifted["lag"], lag + fee - 0.0095)
    assert list(shifted.columns) == ["leverage", "lag", "distributions", "lag_adjusted", "spread_notional",
                                     "spread_notional_adjusted"]


def test_implied_spreads_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="expense_ratio"):
        implied_spreads(LAGS, expense_ratio=-0.01)
    with pytest.raises(TypeError, match="expense_ratio"):
        implied_spreads(LAGS, expense_ratio="0.95%")
    with pytest.raises(ValueError, match="spread_bases"):
        implied_spreads(LAGS, ("gross",))
    with pytest.raises(ValueError, match="lags"):
        implied_spreads({"A": {"leverage": 3.0}})
    with pytest.raises(TypeError, match="lags"):
        implied_spreads([1.0])


def test_swap_notional_spreads_match_plain_numpy():
    lags, levs, shares = {"A": 0.0113, "B": 0.0073}, {"A": 3.0, "B": 2.0}, {"A": 0.9, "B": 0.8}
    spreads = swap_notional_spreads(lags, levs, shares)
    assert np.allclose(spreads.to_numpy(), np.array([0.0113, 0.0073]) / (np.array([3.0, 2.0]) - [0.9, 0.8]))
    with pytest.raises(ValueError, match="stock_shares"):
        swap_notional_spreads(lags, levs, {"A": 0.9})
    with pytest.raises(ValueError, match="stock_shares"):
        swap_notional_spreads(lags, levs, {"A": 3.0, "B": 0.8})
    with pytest.raises(TypeError, match="stock_shares"):
        swap_notional_spreads(lags, levs, {"A": "0.9", "B": 0.8})
    with pytest.raises(ValueError, match="leverages"):
        swap_notional_spreads(lags, {"A": 3.0}, shares)
