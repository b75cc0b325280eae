"""nbval has teeth: a stored notebook passes as committed and fails when one stored digit changes.

Uses ``front/how-it-works.ipynb`` (committed with outputs); without it, a small
notebook that calls lettools is executed with nbclient to get stored outputs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

IGNORE_MARKERS = ("nbval-ignore-output", "nbval-skip", "nbval-raises-exception")


def _checked(cell) -> bool:
    tags = cell.metadata.get("tags", [])
    return not any(marker in tags or f"# NBVAL_{marker[6:].upper().replace('-', '_')}" in cell.source
                   for marker in IGNORE_MARKERS)


def _plain_texts(output):
    """(container, key) pairs holding plain text that nbval compares."""
    if output.output_type == "stream":
        yield output, "text"
    elif output.output_type in ("execute_result", "display_data") and "text/plain" in output.data:
        yield output.data, "text/plain"


def change_one_digit(nb) -> str:
    """Change the first digit of the first plain-text output nbval checks; say where."""
    for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        if not _checked(cell):
            continue
        for output in cell.outputs:
            for container, key in _plain_texts(output):
                text = container[key] if isinstance(container[key], str) else "".join(container[key])
                match = re.search(r"\d", text)
                if match:
                    digit = match.group()
                    container[key] = text[: match.start()] + str((int(digit) + 1) % 10) + text[match.end():]
                    return f"code cell {index}: {text[:60]!r}"
    raise AssertionError("no checked plain-text output with a digit: nbval would compare nothing numeric")


def tiny_lettools_notebook(path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import lettools\nprint(lettools.simulate_fund([0.01, -0.02], 3.0))")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)


def run_nbval(notebook: Path, repo_root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-sanitize-with", str(repo_root / "tests" / "nbval_sanitize.cfg"), str(notebook)],
        cwd=notebook.parent, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_nbval_fails_when_one_stored_digit_changes(repo_root, tmp_path):
    source = repo_root / "front" / "how-it-works.ipynb"
    original = tmp_path / "stored.ipynb"
    if source.is_file():
        original.write_bytes(source.read_bytes())
    else:
        tiny_lettools_notebook(original)

    passed = run_nbval(original, repo_root)
    assert passed.returncode == 0, f"the unmodified notebook must pass:\n{passed.stdout[-3000:]}"

    nb = nbformat.read(original, as_version=4)
    where = change_one_digit(nb)
    tampered = tmp_path / "tampered.ipynb"
    nbformat.write(nb, tampered)
    failed = run_nbval(tampered, repo_root)
    assert failed.returncode == 1, f"changing one digit in {where} went unnoticed:\n{failed.stdout[-3000:]}"
    assert "1 failed" in failed.stdout, failed.stdout[-3000:]
