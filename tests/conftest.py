"""Shared fixtures. Tests that need the built site or Chromium skip with a reason, except
under ``make test`` (REQUIRE_SITE=1), where a missing prerequisite is a failure."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = Path(os.environ.get("BOOK_SITE_DIR", REPO_ROOT / "_build" / "html"))  # override to check another build
PRINT_EDITION = Path(os.environ.get("BOOK_PDF", REPO_ROOT / "_build" / "pdf" / "the-daily-reset.pdf"))
CHROMIUM = "/usr/bin/chromium"


def _missing(reason: str) -> None:
    if os.environ.get("REQUIRE_SITE") == "1":
        pytest.fail(f"{reason} (REQUIRE_SITE=1: `make test` builds the site before this step)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built HTML site; run `make book` first."""
    if not (SITE_DIR / "index.html").is_file():
        _missing(f"no built site at {SITE_DIR}: run `make book`")
    return SITE_DIR


@pytest.fixture(scope="session")
def print_edition() -> Path:
    """The print edition; run `make pdf` first."""
    if not PRINT_EDITION.is_file():
        _missing(f"no print edition at {PRINT_EDITION}: run `make pdf`")
    return PRINT_EDITION


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium; Playwright must never download a browser."""
    if not Path(CHROMIUM).is_file():
        _missing(f"{CHROMIUM} not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        _missing("node is not installed")
    return path


# ---------------------------------------------------------------------------------------------
# The learner's environment: what Binder builds from binder/, in a virtual environment of its own.

BINDER_VENV = REPO_ROOT / ".venv-binder"


def binder_venv_key() -> str:
    """Changes whenever what Binder installs changes: its pins, the package's metadata, the Python."""
    digest = hashlib.sha256(sys.version.encode())
    for name in ("binder/requirements.txt", "pyproject.toml"):
        digest.update((REPO_ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def venv_env(venv: Path) -> dict[str, str]:
    """Environment that runs programs from ``venv`` first (jupyter, the kernel), as if activated."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


@pytest.fixture(scope="session")
def binder_venv() -> Path:
    """A virtual environment built like Binder's: ``binder/requirements.txt``, then lettools installed
    editable as ``binder/postBuild`` does. Built once and kept in ``.venv-binder/``; rebuilt when
    :func:`binder_venv_key` (a hash of the pins) differs from the one it was built for."""
    venv = BINDER_VENV
    ready = venv / ".ready"
    key = binder_venv_key()
    # pytest-xdist runs this fixture in every worker: one builds, the others wait on the lock.
    with open(REPO_ROOT / ".venv-binder.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_binder_venv(venv, ready, key)
    return venv


def _build_binder_venv(venv: Path, ready: Path, key: str) -> None:
    if not (ready.is_file() and ready.read_text().split()[0] == key):
        shutil.rmtree(venv, ignore_errors=True)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        for args in (["-r", str(REPO_ROOT / "binder" / "requirements.txt")], ["--no-deps", "-e", str(REPO_ROOT)]):
            result = subprocess.run([*pip, *args], capture_output=True, text=True, env=venv_env(venv))
            if result.returncode:
                pytest.fail(f"could not build the Binder environment ({' '.join(args)}):\n{result.stderr[-3000:]}")
        ready.write_text(f"{key} built in {time.monotonic() - started:.0f} s\n")
