"""The engine at run time: threads, a damaged numba cache, lazy numba, ``out=``, checks in the kernel pass."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import lettools

REPO = Path(lettools.__file__).parent.parent


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})


@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_import_does_not_load_numba():
    result = run_python("""
        import sys, lettools
        lettools.log_growth_rate(3, 0.08, 0.2); lettools.cost_breakdown(3, rate=0.04, expense_ratio=0.009)
        assert "numba" not in sys.modules, "closed forms must not need numba"
        lettools.simulate_fund([0.01], 2)
        assert "numba" in sys.modules
    """)
    assert result.returncode == 0, result.stderr


def test_import_does_not_load_pandas():
    # pandas takes about 0.25 s to import: `import lettools` and the closed forms leave it to the
    # functions that return tables or read dates, and pandas inputs still validate.
    result = run_python("""
        import sys, lettools
        lettools.log_growth_rate(3, 0.08, 0.2); lettools.fund_return(0.1, 0.2, 3, years=1)
        lettools.paired_fund_return(0.08, -0.53, 3, -3)
        assert "pandas" not in sys.modules, sorted(m for m in sys.modules if m.startswith("pandas"))
        table = lettools.alert_sensitivity(0.08, -0.53, years=5 / 12)
        assert "pandas" in sys.modules and table.index.name == "volatility"
        import pandas as pd
        assert lettools.fund_return(pd.Series([0.1, 0.2]), 0.2, 3, years=1).shape == (2,)
        try:
            lettools.fund_return(pd.Series(["a"]), 0.2, 3, years=1)
        except (TypeError, ValueError) as exc:
            assert "index_return" in str(exc), exc
        else:
            raise AssertionError("a Series of strings was accepted")
    """)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_four_threads_under_the_workqueue_layer():
    # numba's workqueue layer aborts the process ("Concurrent access has been detected")
    # when two threads run parallel kernels at once; lettools serialises them.
    result = run_python("""
        from concurrent.futures import ThreadPoolExecutor
        import numpy as np, lettools
        returns = np.random.default_rng(0).normal(0.0004, 0.012, (400, 252))
        expected = lettools.simulate_fund(returns, 3)
        final = lettools.terminal_value(returns, 3)
        def one(_):
            return (np.array_equal(lettools.simulate_fund(returns, 3), expected)
                    and np.array_equal(lettools.terminal_value(returns, 3), final)
                    and lettools.simulate_outcomes(2, 0.05, 0.2, 20, n_paths=3000, seed=1).fund.size == 3000)
        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(one, range(40)))
        import numba
        print(numba.threading_layer())
    """, NUMBA_THREADING_LAYER="workqueue")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "workqueue"


@pytest.mark.slow
def test_truncated_cache_index_falls_back_to_compiling_in_memory(tmp_path):
    code = """
        import lettools
        assert lettools.simulate_fund([0.1, -0.1], 2, start=100).round(9).tolist() == [100.0, 120.0, 96.0]
    """
    cache = tmp_path / "numba-cache"
    first = run_python(code, NUMBA_CACHE_DIR=str(cache))
    assert first.returncode == 0 and first.stderr == "", first.stderr
    indexes = list(cache.rglob("*.nbi"))
    assert indexes, "numba wrote no cache index"
    for index in indexes:
        index.write_bytes(index.read_bytes()[:20])
    damaged = run_python(code, NUMBA_CACHE_DIR=str(cache))
    assert damaged.returncode == 0, damaged.stderr
    lines = damaged.stderr.splitlines()
    assert len(lines) == 1 and "cache is unreadable" in lines[0] and "compiling in memory" in lines[0], lines


def test_out_receives_the_result():
    returns = np.random.default_rng(3).normal(0.0, 0.01, (50, 30))
    paths = np.empty((50, 31))
    assert lettools.simulate_fund(returns, 2, rate=0.03, out=paths) is paths
    np.testing.assert_array_equal(paths, lettools.simulate_fund(returns, 2, rate=0.03))
    one = np.empty(31)
    assert lettools.simulate_fund(returns[0], 2, out=one) is one
    np.testing.assert_array_equal(one, lettools.simulate_fund(returns[0], 2))
    final = np.empty(50)
    assert lettools.terminal_value(returns, 2, out=final) is final
    np.testing.assert_array_equal(final, lettools.terminal_value(returns, 2))


@pytest.mark.parametrize("out, error", [
    (np.empty((50, 30)), ValueError), (np.empty((50, 31), dtype=np.float32), ValueError),
    (np.empty((31, 50)).T, ValueError), ([0.0] * 31, TypeError),
])
def test_out_must_fit(out, error):
    with pytest.raises(error, match="out"):
        lettools.simulate_fund(np.zeros((50, 30)), 2, out=out)


def test_out_is_for_many_paths_in_terminal_value():
    with pytest.raises(ValueError, match="out"):
        lettools.terminal_value([0.01], 2, out=np.empty(1))


@pytest.mark.parametrize("paths", [3, 400])  # serial and parallel builds
@pytest.mark.parametrize("bad, message", [(np.nan, "finite, found nan"), (np.inf, "finite, found inf"),
                                          (-np.inf, "finite, found -inf"), (-1.0, "> -1.0"), (-3.0, "> -1.0")])
def test_the_kernels_pass_finds_bad_returns(paths, bad, message):
    returns = np.full((paths, 100), 0.001)
    returns[paths - 1, 57] = bad
    for function in (lettools.simulate_fund, lettools.terminal_value, lettools.static_leverage_path):
        with pytest.raises(ValueError, match=message):
            function(returns, 2)


@pytest.mark.slow
def test_an_install_with_no_writable_cache_says_once_why_it_compiles():
    # _ZipCacheLocator finds no folder for a module outside a zip file: numba then has nowhere
    # to cache, as on a read-only install with no writable HOME.
    result = run_python("""
        import lettools
        assert lettools.simulate_fund([0.1, -0.1], 2, start=100).round(9).tolist() == [100.0, 120.0, 96.0]
        assert lettools.terminal_value([[0.1, -0.1]] * 3, 2).round(9).tolist() == [0.96] * 3
    """, NUMBA_CACHE_LOCATOR_CLASSES="_ZipCacheLocator")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "no writable folder" in lines[0] and "NUMBA_CACHE_DIR" in lines[0], lines
