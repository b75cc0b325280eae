"""Re-execute notebooks in place, so their stored outputs are what nbval compares.

Usage: ``python scripts/execute_notebooks.py [NOTEBOOK ...]`` (default: every notebook in
``front/`` and ``chapters/``). Each notebook runs from its own folder, as a learner and the
book build run it; a cell error stops with the notebook's name and the traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    resources = {"metadata": {"path": str(path.parent)}}
    NotebookClient(notebook, timeout=300, kernel_name="python3", record_timing=False, resources=resources).execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted(
        [*ROOT.glob("front/*.ipynb"), *ROOT.glob("chapters/*.ipynb")]
    )
    for path in paths:
        print(f"{path.relative_to(ROOT)}: executed in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
