"""The kernels give the same bits whatever CPU numba compiles them for.

numba compiles for the host CPU. A fast-math flag (``reassoc``, ``contract``) lets LLVM round
differently with the CPU's vector width or FMA units, so stored notebook outputs computed on one
machine failed nbval on another. Here every simulator runs in two fresh processes, one compiling
for numba's ``generic`` x86-64/ARM64 target (no AVX, no FMA) and one for the host CPU, each with an
empty cache of its own, and their outputs must agree bit for bit.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]

# Every kernel with a reduction or vectorised arithmetic, through its public function; small
# inputs run the serial builds, inputs of PARALLEL_MIN_SIZE elements or more the parallel ones.
SCRIPT = r"""
import sys
import numpy as np
import lettools
from lettools import kernels
from lettools.feedback import simulate_reflexive_market
from lettools.shortfall import shortfall_counts_sigmas

results = {}
costs = dict(expense_ratio=0.0091, rate=0.04, spread=0.01)
for n_paths, n_days in ((7, 5), (7, 16), (9, 253), (90, 253)):  # 90 x 253: the parallel builds
    returns = lettools.gbm_returns(n_paths, n_days, 0.08, 0.45, seed=n_days)
    for leverage in (3.0, -2.0):
        for trading_cost in (0.0, 0.002):
            key = f"{n_paths}x{n_days} L={leverage} tc={trading_cost}"
            results["terminal " + key] = lettools.terminal_value(returns, leverage, trading_cost=trading_cost,
                                                                 **costs)
            results["paths " + key] = lettools.simulate_fund(returns, leverage, trading_cost=trading_cost,
                                                            **costs)
    results[f"static {n_paths}x{n_days}"] = lettools.static_leverage_path(returns, 3.0)
for trading_cost in (0.0, 0.002):
    outcome = lettools.simulate_outcomes(3.0, 0.08, 0.6, 252, n_paths=3000, seed=4, trading_cost=trading_cost,
                                         **costs)
    results[f"outcomes fund tc={trading_cost}"] = outcome.fund
    results[f"outcomes static tc={trading_cost}"] = outcome.static
for s, outcome in enumerate(lettools.simulate_outcomes_sigmas(-2.0, 0.05, [0.2, 0.8], 60, n_paths=600, seed=5)):
    results[f"sigmas fund {s}"] = outcome.fund
    results[f"sigmas static {s}"] = outcome.static
results["shortfall"] = lettools.simulate_shortfall_curves(3.0, 0.5, 120, n_paths=1000, seed=6).to_numpy(float)
results["shortfall sigmas"] = shortfall_counts_sigmas([-3.0, 1.0, 2.0, 3.0, -1.0], [0.1, 0.6], 120, n_paths=1000,
                                                      seed=6, rows=(100, 1000))
results["reflexive"] = simulate_reflexive_market(
    lettools.gbm_returns(1, 300, 0.0, 0.3, seed=7)[0], fund_assets=[0.02, 0.01], leverages=[3.0, -3.0],
    depth=1.0).to_numpy(float)
x = np.linspace(-40.0, 40.0, 20_011)
results["expm1"] = np.array([kernels._expm1(v) for v in x])
results["exp"] = np.array([kernels._exp(v) for v in x])
np.savez(sys.argv[1], **{k: np.ascontiguousarray(v, dtype=np.float64) for k, v in results.items()})
"""


def _run(tmp_path: Path, cpu: str | None) -> dict[str, np.ndarray]:
    name = cpu or "host"
    env = {key: value for key, value in os.environ.items() if key != "NUMBA_CPU_NAME"}
    env["NUMBA_CACHE_DIR"] = str(tmp_path / f"cache-{name}")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    if cpu:
        env["NUMBA_CPU_NAME"] = cpu
    out = tmp_path / f"{name}.npz"
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(out)], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    with np.load(out) as data:
        return {key: data[key] for key in data.files}


@pytest.mark.slow
def test_generic_and_host_builds_agree_bit_for_bit(tmp_path):
    generic = _run(tmp_path, "generic")
    host = _run(tmp_path, None)
    assert generic.keys() == host.keys()
    differing = [key for key in generic if generic[key].tobytes() != host[key].tobytes()]
    assert not differing, f"outputs that depend on the CPU numba compiled for: {differing}"
    assert all(np.isfinite(value).all() for value in host.values())
