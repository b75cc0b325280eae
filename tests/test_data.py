"""Real index data shipped with arch: dates, completeness, returns, and bad requests."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("arch", reason="arch (which ships the index data) is not installed")

from lettools.data import INDEX_NAMES, index_returns, load_index, load_vix  # noqa: E402


@pytest.mark.parametrize("name", INDEX_NAMES)
def test_index_history_is_complete_and_tidy(name):
    frame = load_index(name)
    assert list(frame.columns) == ["close", "return"]
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert frame.index[0] == pd.Timestamp("1999-01-05")  # 1999-01-04 has no previous close
    assert frame.index[-1] == pd.Timestamp("2018-12-31")
    assert len(frame) == 5030
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert not frame.isna().any().any()
    assert (frame["close"] > 0).all()


@pytest.mark.parametrize("name", INDEX_NAMES)
def test_returns_are_consistent_with_closes(name):
    frame = load_index(name)
    np.testing.assert_allclose(frame["return"].iloc[1:], frame["close"].pct_change().iloc[1:], rtol=1e-12)
    growth = np.prod(1.0 + frame["return"].to_numpy())
    assert growth == pytest.approx(frame["close"].iloc[-1] / frame["close"].iloc[0] * (1 + frame["return"].iloc[0]))


def test_sp500_fell_in_2008_and_first_return_matches_the_source_closes():
    year = index_returns("sp500", "2008-01-01", "2008-12-31")
    assert year.index[0] == pd.Timestamp("2008-01-02") and year.index[-1] == pd.Timestamp("2008-12-31")
    assert np.prod(1.0 + year) - 1.0 == pytest.approx(-0.385, abs=0.005)
    frame = load_index("sp500")
    assert frame["return"].iloc[0] == pytest.approx(1244.780029 / 1228.099976 - 1.0)
    assert frame["return"].min() < -0.09  # October 2008 had a day worse than -9%


def test_whole_history_and_name_handling():
    full = index_returns("SP500")
    assert full.name == "sp500" and len(full) == 5030
    assert index_returns("nasdaq", start="2018-12-31").size == 1


def test_vix_is_complete_and_positive():
    vix = load_vix()
    assert list(vix.columns) == ["vix"]
    assert vix.index[0] == pd.Timestamp("2014-01-03")
    assert vix.index[-1].year == 2019
    assert not vix.isna().any().any()
    assert vix["vix"].between(5, 100).all()
    # 5 February 2018: the VIX's largest one-day rise (references.md: +115.6%).
    jump = vix["vix"].pct_change().loc["2018-02-05"]
    assert jump == pytest.approx(1.156, abs=0.01)


def test_callers_cannot_corrupt_the_cached_data():
    frame = load_index("sp500")
    frame.loc[frame.index[0], "close"] = -1.0
    assert load_index("sp500")["close"].iloc[0] > 0


@pytest.mark.parametrize(
    "call, exception, words",
    [
        (lambda: load_index("ftse"), ValueError, "sp500, nasdaq"),
        (lambda: load_index(500), TypeError, "name"),
        (lambda: index_returns("dow"), ValueError, "name"),
        (lambda: index_returns("sp500", "2025-01-01"), ValueError, "1999-01-05 to 2018-12-31"),
        (lambda: index_returns("sp500", "2010-01-01", "2009-01-01"), ValueError, "after end"),
        (lambda: index_returns("sp500", "not a date"), ValueError, "start"),
        (lambda: index_returns("sp500", end=[1, 2]), ValueError, "end"),
    ],
)
def test_bad_requests_are_refused_clearly(call, exception, words):
    with pytest.raises(exception, match=words):
        call()
