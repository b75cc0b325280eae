"""The package's import graph: presentation depends on the engine, never the other way, no cycles.

The graph is read from the source (every ``import`` statement, at module level or inside a
function, since a deferred import still runs; imports under ``if TYPE_CHECKING:`` are left out,
they never run). Edges to a package's ``__init__`` are left out too: importing ``lettools.x``
always runs ``lettools/__init__.py`` first, which is not a cycle a reader has to follow.
Then: no module reaches itself (``twin`` and ``live`` used to import each other), and no
engine module imports a presentation module. And reloading a page module (what a learner does
in Binder after editing the editable install) re-registers its exercises without an error.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lettools"
PRESENTATION = {"lettools.twin", "lettools.live", "lettools.charts", "lettools.exercises", "lettools.notebook",
                "lettools.grading"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
PACKAGES = {module_name(path) for path in PACKAGE.rglob("__init__.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, name: str) -> set[str]:
    found: set[str] = set()
    package = name if name in PACKAGES else name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)  # submodules imported by name
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {target for target in found if target in MODULES and target not in PACKAGES and target != name}


GRAPH = {name: _imports(ast.parse(path.read_text()), name) for name, path in MODULES.items()}


def _cycle_through(start: str) -> list[str] | None:
    """A path start -> ... -> start, if there is one."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in sorted(GRAPH.get(node, ())):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_the_graph_is_read():
    assert "lettools.live" in GRAPH["lettools.twin"]  # the explorer builds its live widget
    assert "lettools.theory" in GRAPH["lettools.decomposition"]


@pytest.mark.parametrize("name", sorted(set(GRAPH) - PACKAGES))
def test_no_import_cycle(name):
    assert _cycle_through(name) is None, f"import cycle: {' -> '.join(_cycle_through(name) or [])}"


def test_twin_and_live_do_not_import_each_other():
    assert not ("lettools.twin" in GRAPH["lettools.live"] and "lettools.live" in GRAPH["lettools.twin"])


def test_the_engine_never_imports_presentation():
    engine = {name for name in GRAPH if name not in PRESENTATION and not name.startswith("lettools.book")}
    leaks = {name: sorted(GRAPH[name] & PRESENTATION | {t for t in GRAPH[name] if t.startswith("lettools.book")})
             for name in engine}
    assert not {name: targets for name, targets in leaks.items() if targets}


RELOAD_PROBE = """
import importlib
from lettools.book import load_pages
from lettools.exercises import evaluate, registered

before = registered()
for module in load_pages():
    importlib.reload(module)
    importlib.reload(module)  # twice: idempotent
assert registered().keys() == before.keys()
assert evaluate("compounding-two-day", 1.12 * 0.91 - 1).correct
print("reloaded", len(before), "exercises")
"""


def test_reloading_a_page_module_re_registers_its_exercises():
    # In a fresh process: reloading redefines the pages' classes, which other tests hold.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", RELOAD_PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "reloaded" in done.stdout


def test_a_different_exercise_under_a_taken_id_is_still_refused():
    from lettools.exercises import NumericExercise, register, registered

    registered()
    with pytest.raises(ValueError, match="already registered"):
        register(NumericExercise(id="compounding-two-day", expected=lambda: 0.5))
