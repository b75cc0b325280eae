"""pytest plugin: report, per notebook, how many code cells nbval compares.

Load it with ``-p nbval_summary`` (``scripts/`` on ``PYTHONPATH``) next to
``--nbval``. nbval only compares outputs that are stored, so a notebook
committed without outputs "passes" while checking nothing: such a notebook
makes the run fail here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pytest


@dataclass
class NotebookTally:
    code_cells: int = 0
    compared: int = 0          # outputs checked, and the stored cell has outputs
    compared_empty: int = 0    # checked, but nothing stored: passes only if the cell prints nothing
    ignored: int = 0           # nbval-ignore-output: runs, output not compared
    skipped: int = 0           # nbval-skip: not run

    def line(self, path: str) -> str:
        return (
            f"{path}: {self.compared} of {self.code_cells} code cells compare stored output"
            f" ({self.compared_empty} checked to print nothing, {self.ignored} output ignored,"
            f" {self.skipped} skipped)"
        )


_tallies: dict[str, NotebookTally] = defaultdict(NotebookTally)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not hasattr(item, "cell_num") or not hasattr(item, "options"):
            continue  # not an nbval cell
        tally = _tallies[str(item.path.relative_to(item.config.rootpath))]
        tally.code_cells += 1
        if item.options["skip"]:
            tally.skipped += 1
        elif not item.options["check"]:
            tally.ignored += 1
        elif item.cell.outputs:
            tally.compared += 1
        else:
            tally.compared_empty += 1


def pytest_terminal_summary(terminalreporter) -> None:
    if not _tallies:
        return
    terminalreporter.section("nbval: cells compared per notebook")
    for path in sorted(_tallies):
        terminalreporter.write_line(_tallies[path].line(path))
    for path in sorted(p for p, t in _tallies.items() if t.compared == 0):
        terminalreporter.write_line(f"FAIL {path}: compares no stored output (committed without outputs?)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if any(t.compared == 0 for t in _tallies.values()) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
