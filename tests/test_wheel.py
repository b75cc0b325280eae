"""The wheel that Colab and any ``pip install`` build holds the whole package.

An editable install maps every subpackage from the source tree, so it cannot show a
wheel that leaves ``lettools.book`` (or a data file) out. This test builds the wheel
from a clean copy of the repository's files (what ``git`` tracks or would track, no
``.venv``, no build leftovers), installs it with its dependencies (pinned as Binder
pins them) into a fresh virtual environment with no access to the system's or the
project's packages, and there, from outside the repository, imports every page
module and runs an exercise check.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from lettools.book import PAGES

# Runs inside the fresh environment.
PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import lettools
    from lettools.book import PAGES, load_pages
    from lettools.exercises import check, evaluate

    assert "site-packages" in Path(lettools.__file__).parts, lettools.__file__
    modules = load_pages()
    assert [m.__name__.rsplit(".", 1)[-1] for m in modules] == list(PAGES)
    assert evaluate("compounding-two-day", 1.12 * 0.91 - 1).correct
    check("compounding-two-day", 1.12 * 0.91 - 1)
    print(len(modules), "page modules")
    """
)


def clean_copy(repo_root: Path, destination: Path) -> Path:
    """Copy the files git tracks or would track (untracked but not ignored) into ``destination``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=repo_root, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = repo_root / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.mark.slow
def test_the_wheel_installs_every_page_into_a_fresh_environment(repo_root, tmp_path):
    source = clean_copy(repo_root, tmp_path / "source")
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
         "--wheel-dir", str(wheels), str(source)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, f"pip wheel failed:\n{built.stderr[-3000:]}"
    (wheel,) = wheels.glob("lettools-*.whl")

    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    package_files = {
        path.relative_to(source).as_posix()
        for path in (source / "lettools").rglob("*")
        if path.is_file() and (path.suffix in (".py", ".json", ".csv") or path.name == "py.typed")
    }
    assert package_files, "no package files in the clean copy"
    missing = sorted(package_files - in_wheel)
    assert not missing, f"the wheel leaves out {missing}"
    assert {f"lettools/book/{page}.py" for page in PAGES} <= in_wheel

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", str(repo_root / "binder" / "requirements.txt"), str(wheel)],
        capture_output=True, text=True,
    )
    assert installed.returncode == 0, f"installing the wheel failed:\n{installed.stderr[-3000:]}"
    probe = subprocess.run([python, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert probe.returncode == 0, f"the installed wheel does not work:\n{probe.stdout}\n{probe.stderr[-3000:]}"
    assert f"{len(PAGES)} page modules" in probe.stdout
    assert "Correct" in probe.stdout
