"""The student edition is a course repository that launches: its binder/ requirements, installed
into a fresh virtual environment, run a student notebook with every check answering politely."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from test_student_edition import REPO_ROOT, student_edition

PAGE = Path("front") / "how-it-works.ipynb"  # the smallest page with every kind of exercise


def test_make_student_needs_only_the_standard_library(tmp_path):
    """`make student` runs the script with a bare interpreter: no venv, no site packages, no npm."""
    result = subprocess.run(
        [sys.base_prefix + "/bin/python3", "-I", "-S", str(REPO_ROOT / "scripts" / "student_edition.py"),
         "--out", str(tmp_path / "student"), "--course", str(tmp_path / "course"), "--lettools-ref", "abc123"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "student" / PAGE).is_file() and (tmp_path / "course" / "answer-key.md").is_file()
    makefile = (REPO_ROOT / "Makefile").read_text()
    recipe = re.search(r"^student:(.*)\n\t(.*)$", makefile, re.MULTILINE)
    assert recipe and recipe.group(1).strip() == "" and "$(PYTHON) scripts/student_edition.py" in recipe.group(2)


@pytest.mark.slow
def test_the_binder_environment_runs_a_student_notebook(tmp_path):
    out = tmp_path / "student"
    student_edition.write_editions(REPO_ROOT, out, tmp_path / "course", lettools_ref="abc123")
    requirements = (out / "binder" / "requirements.txt").read_text()
    pinned = re.search(r"^lettools @ git\+(\S+)@abc123$", requirements, re.MULTILINE)
    assert pinned, requirements
    # Offline, the book's own tree stands in for the pinned commit; installed as a package, not
    # editable, so a missing subpackage or data file would show here as it would on Binder.
    local = requirements.replace(pinned.group(0), f"lettools @ file://{REPO_ROOT}")
    (tmp_path / "requirements.txt").write_text(local)
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              "-r", str(tmp_path / "requirements.txt")], capture_output=True, text=True, timeout=1200)
    assert install.returncode == 0, install.stderr[-3000:]

    cells = json.loads((out / PAGE).read_text())["cells"]
    script = "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    (tmp_path / "notebook.ipy").write_text(script)
    run = subprocess.run([str(environment / "bin" / "ipython"), "--no-banner", "--colors=NoColor",
                          str(tmp_path / "notebook.ipy")], cwd=tmp_path, capture_output=True, text=True,
                         timeout=900, env={**os.environ, "MPLBACKEND": "Agg"})
    assert run.returncode == 0 and "Traceback" not in run.stdout + run.stderr, (run.stdout[-3000:], run.stderr[-3000:])
    checks = script.count("\ncheck(") + script.startswith("check(")
    assert checks >= 2
    replies = run.stdout.count("no answer yet") + run.stdout.count("Not yet")
    assert replies >= checks and "Correct" not in run.stdout, run.stdout[-3000:]
