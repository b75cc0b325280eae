"""``import lettools`` works silently on a read-only install with nowhere writable for numba's cache.

Permission bits do not stop root (CI containers often run as root), so every place numba could
write its cache is blocked in a way that binds root too: a plain *file* sits where a folder
would have to be created. Permission bits are removed as well for ordinary users.
"""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import lettools

PACKAGE = Path(lettools.__file__).parent


def make_read_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        path.chmod(mode)


@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_import_and_first_call_on_a_read_only_install(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "lettools", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "lettools" / "__pycache__").write_text("a file, so no cache folder can be made here")
    make_read_only(site)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, so nothing can be created beneath it")
    nowhere = blocker / "home"
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "HOME": str(nowhere),
        "XDG_CACHE_HOME": str(nowhere / ".cache"),
        "NUMBA_CACHE_DIR": str(nowhere / "numba"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONWARNINGS": "default",
    }
    code = (
        "import lettools, sys\n"
        f"assert lettools.__file__.startswith({str(site)!r}), lettools.__file__\n"
        "nav = lettools.simulate_fund([0.01], 2)\n"
        "sys.exit(0 if nav.tolist() == [1.0, 1.02] else 3)\n"
    )
    try:
        result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True,
                                text=True, timeout=300)
    finally:  # let pytest clean up tmp_path
        for path in [tmp_path, *tmp_path.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    # One line says why every process compiles again and how to keep the kernels; nothing else.
    assert result.stderr.count("\n") == 1 and "set NUMBA_CACHE_DIR" in result.stderr, result.stderr
