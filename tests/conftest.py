"""Shared fixtures. Tests that need the built site or Chromium skip with a reason, except
under ``make test`` (REQUIRE_SITE=1), where a missing prerequisite is a failure."""

from __future__ import annotations

import os
import shutil
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
