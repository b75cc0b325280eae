"""Write the student edition of the book's notebooks and an nbgrader course built from them.

Run from the repository root (``make student`` does; only the standard library is needed)::

    python3 scripts/student_edition.py [--out student] [--course course]

It reads every ``chapters/*.ipynb`` and every ``front/*.ipynb`` that has an exercise, and the
exercise registry as exported to ``lettools/book/exercises.json``, and writes two folders,
neither committed:

``student/`` (``--out``), a course repository an instructor can push as it is
    ``front/<page>.ipynb`` and ``chapters/<page>.ipynb``: every solution block removed (from
    ``{solution-start}`` to ``{solution-end}``, markdown and code cells alike, or a whole
    ``{solution}`` directive), every output, execution count and saved widget state cleared, so
    no answer survives in the JSON; each check cell keeps its ``check`` call, gets an answer
    variable of its own and a line saying the unit and precision wanted. Also ``README.md``
    (with install notes), ``binder/`` (the book's pins and ``lettools`` pinned to the book's
    commit) and ``.gitignore``.
``course/`` (``--course``), the nbgrader course folder
    ``source/<page>/<page>.ipynb``: each check cell becomes an answer cell whose model answer
    (from the chapter's solution code) sits between ``### BEGIN SOLUTION`` and ``### END
    SOLUTION``, followed by one locked autograder test per checked exercise, worth the
    registry's points, that asserts ``lettools.exercises.evaluate(id, answer).correct``.
    A checked exercise with a part in words gets a hand-graded markdown cell for it; an
    exercise answered only in words gets one too. Statements are locked. ``answer-key.md`` is
    the instructors' answer key; ``nbgrader_config.py`` is written once and then left alone.

Regeneration never destroys work: a file is overwritten or removed only if this script wrote it
and it is unchanged since (a manifest of hashes records what it wrote), and a page's source is
never changed once nbgrader has released, collected or graded it. Otherwise the script stops
before writing anything and says why. ``gradebook.db``, ``release/``, ``submitted/``,
``autograded/`` and ``feedback/`` are never touched.

The chapters themselves carry no nbgrader metadata: they are the instructor edition and
the book's source, and both editions are derived from them deterministically.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Exercise",
    "Split",
    "check_ids",
    "split_notebook",
    "student_notebook",
    "nbgrader_source",
    "notebook_paths",
    "answer_key",
    "answer_name",
    "load_registry",
    "RegenerationRefused",
    "write_editions",
    "main",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
REGISTRY_EXPORT = Path("lettools") / "book" / "exercises.json"  # the registry, exported by lettools
STUDENT_MANIFEST = ".student-edition.json"  # what this script wrote into the student edition, with hashes
COURSE_MANIFEST = ".generated-sources.json"  # likewise in the nbgrader course folder
WRITTEN_POINTS = 3  # a conceptual exercise, answered in words (registered exercises carry their own points)

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[A-Za-z][\w:.-]*)\}\s*(?P<arg>.*)$")
_LABEL = re.compile(r"^\s*:label:\s*(?P<label>\S+)\s*$")
_OPTION = re.compile(r"^\s*:[\w-]+:")

NBGRADER_CONFIG = '''\
# nbgrader course folder for the book's chapters, written once by `make student` and then yours to
# edit. `make student` refreshes source/<page>/<page>.ipynb (one assignment per page) and
# answer-key.md only, and never the source of an assignment already released or graded.
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = "daily-reset"
c.ExecutePreprocessor.timeout = 300  # seconds per cell; a chapter runs in well under a minute
# `nbgrader export` writes grades.csv with one column per graded cell (check-<id>, written-<label>).
c.ExportApp.plugin_class = "lettools.grading.PerExerciseExport"
'''


# The model answer for a check cell whose solution has no code (only the nbgrader source has it).
_REGISTRY_ANSWER = """\
from lettools.exercises import registered  # the book's solution is in words; the checker computes it
_exercise = registered()[{id!r}]
{name} = _exercise.expected() if hasattr(_exercise, "expected") else _exercise.reference"""


@dataclass
class Exercise:
    """One exercise of a page, as found in the instructor notebook.

    Attributes
    ----------
    label : str
        The exercise's ``:label:`` (``ex-...``).
    cell : int
        Index, in the student notebook, of the markdown cell holding the statement.
    stubs : list of int
        Indices, in the student notebook, of the exercise's check cells (empty for a
        conceptual exercise).
    check_ids : list of str
        The registry ids those check cells pass to ``check``, in order.
    solution_markdown : str
        The solution's prose (empty if none).
    solution_code : list of str
        The solution's code cells, in order.
    """

    label: str
    cell: int
    stubs: list[int] = field(default_factory=list)
    check_ids: list[str] = field(default_factory=list)
    solution_markdown: str = ""
    solution_code: list[str] = field(default_factory=list)


@dataclass
class Split:
    """A notebook taken apart: the student notebook, its exercises, and any problems found."""

    notebook: dict
    exercises: list[Exercise]
    problems: list[str]
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reading cells


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _lines(text: str) -> list[str]:
    """Jupyter's on-disk form of a cell source: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)


def _closing(lines: list[str], start: int, fence: str) -> int:
    """Index of the line that closes the fence opened at ``lines[start]`` (``len(lines)`` if none).

    As in CommonMark, a closing fence uses the same character at least as many times, alone on its line.
    """
    closer = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start + 1, len(lines)):
        if closer.match(lines[index]):
            return index
    return len(lines)


def _directive(line: str) -> tuple[str, str, str] | None:
    """``(fence, name, argument)`` if ``line`` opens a MyST directive, ``(fence, "", "")`` for a plain fence."""
    match = _FENCE.match(line.rstrip("\n"))
    if match is None:
        return None
    named = _DIRECTIVE.match(match["info"])
    if named is None:
        return match["fence"], "", ""
    return match["fence"], named["name"], named["arg"].strip()


def _body(lines: list[str]) -> str:
    """A directive's content without its leading ``:option:`` lines."""
    index = 0
    while index < len(lines) and _OPTION.match(lines[index]):
        index += 1
    return "".join(lines[index:])


def _sanitize(code: str) -> str:
    """The code with IPython magics and shell escapes replaced by ``pass``, line for line."""
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line for line in code.split("\n"))


def _parse(code: str) -> ast.Module | None:
    """The code's syntax tree (magics blanked out), or ``None`` if it is not Python."""
    try:
        return ast.parse(_sanitize(code))
    except SyntaxError:
        return None


def _check_call(node: ast.stmt) -> tuple[str, ast.expr | None] | None:
    """``(exercise id, answer expression)`` if ``node`` is a top-level ``check("id", answer)`` call."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return None
    call = node.value
    if not (isinstance(call.func, ast.Name) and call.func.id == "check" and call.args):
        return None
    first = call.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    return first.value, (call.args[1] if len(call.args) > 1 else None)


def check_ids(code: str) -> list[str]:
    """The exercise ids that a code cell passes to ``check`` at top level, in order."""
    tree = _parse(code)
    if tree is None:
        return []
    return [found[0] for found in map(_check_call, tree.body) if found is not None]


# ---------------------------------------------------------------------------------------------
# The student notebook


def _cleared_code_cell(cell: dict) -> dict:
    cleared = copy.deepcopy(cell)
    cleared["outputs"] = []
    cleared["execution_count"] = None
    cleared["metadata"].pop("execution", None)  # run timestamps: noise, not content
    return cleared


def answer_name(exercise_id: str) -> str:
    """The variable a check cell's answer goes in: one per exercise, so no stale value is graded."""
    return "answer_" + re.sub(r"\W", "_", exercise_id)


def _rename(code: str, old: str, new: str) -> str:
    """``code`` with the name ``old`` replaced by ``new`` outside comments (check cells are simple)."""
    pattern = re.compile(rf"\b{re.escape(old)}\b")
    lines = []
    for line in code.split("\n"):
        body, hash_, comment = line.partition("#")
        lines.append(pattern.sub(new, body) + hash_ + comment)
    return "\n".join(lines)


def _prepare_check_cell(code: str, registry: Mapping[str, dict]) -> str:
    """A check cell with a variable of its own per answer and the precision each answer is asked at.

    ``answer`` (the chapters' shared name) becomes ``answer_<exercise id>``; a line above the
    cell says how each numeric answer is to be given, from the exercise registry.
    """
    tree = _parse(code)
    if tree is None:
        return code
    calls = [found for found in map(_check_call, tree.body) if found is not None]
    for exercise_id, argument in calls:
        if isinstance(argument, ast.Name) and argument.id == "answer" and len(calls) == 1:
            code = _rename(code, "answer", answer_name(exercise_id))
    notes = []
    for exercise_id, argument in filter(None, map(_check_call, _parse(code).body)):
        entry = registry.get(exercise_id) if argument is not None else None
        if entry is None or entry["kind"] != "number":
            continue
        name = ast.unparse(argument)
        notes.append(f"# {entry['precision']}" if len(calls) == 1 else f"# {name}: {entry['precision']}")
    return "\n".join([*notes, code])


def split_notebook(notebook: dict, registry: Mapping[str, dict] | None = None) -> Split:
    """Take an instructor notebook apart into the student notebook and its exercises.

    Solution blocks may start and end inside a markdown cell that also holds other text
    (an exercise statement, the end of the previous solution); only the solution's own
    lines are removed. Every code cell kept loses its outputs. Each check cell gets an answer
    variable of its own and, given the exported ``registry``, a line saying how to give each answer.
    """
    registry = {} if registry is None else registry
    cells: list[dict] = []
    exercises: dict[str, Exercise] = {}
    solutions: dict[str, tuple[list[str], list[str]]] = {}  # label -> (markdown lines, code cells)
    problems: list[str] = []
    current: Exercise | None = None  # the last exercise stated
    open_solution: str | None = None  # label of a gated solution not yet closed

    for cell in notebook["cells"]:
        source = _text(cell.get("source", ""))
        if cell["cell_type"] == "code":
            if open_solution is not None:
                solutions[open_solution][1].append(source)
                continue
            cells.append(_cleared_code_cell(cell))
            ids = check_ids(source)
            if ids:
                cells[-1]["source"] = _lines(_prepare_check_cell(source, registry))
                if current is None:
                    problems.append(f"a check cell for {', '.join(ids)} comes before any exercise")
                else:
                    current.stubs.append(len(cells) - 1)
                    current.check_ids.extend(ids)
            continue

        lines, kept, stated = _lines(source), [], []
        index = 0
        while index < len(lines):
            found = _directive(lines[index])
            if open_solution is not None:
                if found is not None and found[1] == "solution-end":
                    index = _closing(lines, index, found[0]) + 1
                    open_solution = None
                else:
                    solutions[open_solution][0].append(lines[index])
                    index += 1
                continue
            if found is None:
                kept.append(lines[index])
                index += 1
                continue
            fence, name, argument = found
            end = _closing(lines, index, fence)
            if name == "solution-start":
                open_solution = argument
                solutions.setdefault(argument, ([], []))
            elif name == "solution":  # the ungated form holds the whole solution in one directive
                solutions.setdefault(argument, ([], []))[0].append(_body(lines[index + 1 : end]))
            else:
                if name == "exercise":
                    label = next((m["label"] for m in map(_LABEL.match, lines[index + 1 : end]) if m), None)
                    if label is None:
                        problems.append("an exercise has no :label:, so its solution cannot be matched")
                    else:
                        stated.append(label)
                kept.extend(lines[index : end + 1])
            index = end + 1
        text = "".join(kept).strip("\n")
        if not text:
            continue
        kept_cell = copy.deepcopy(cell)
        kept_cell["source"] = _lines(text)
        cells.append(kept_cell)
        for label in stated:
            current = exercises[label] = Exercise(label=label, cell=len(cells) - 1)

    if open_solution is not None:
        problems.append(f"the solution of {open_solution} has no {{solution-end}}")
    for label, (markdown, code) in solutions.items():
        if label not in exercises:
            problems.append(f"a solution names {label!r}, which is not the label of an exercise on this page")
            continue
        exercises[label].solution_markdown = "".join(markdown).strip("\n")
        exercises[label].solution_code = code
    for exercise in exercises.values():
        if exercise.label not in solutions:
            problems.append(f"exercise {exercise.label} has no solution")

    student = {key: value for key, value in notebook.items() if key != "cells"}
    # Saved widget state can hold computed values: the student edition starts without it.
    student["metadata"] = {key: value for key, value in notebook.get("metadata", {}).items() if key != "widgets"}
    student["cells"] = cells
    split = Split(notebook=student, exercises=list(exercises.values()), problems=problems)
    split.notes.extend(_answer_cell_notes(split))
    return split


def student_notebook(notebook: dict) -> dict:
    """The student edition of an instructor notebook (see :func:`split_notebook`)."""
    return split_notebook(notebook).notebook


# ---------------------------------------------------------------------------------------------
# The nbgrader source notebook


def _spans(code: str, tree: ast.Module) -> Iterator[tuple[ast.stmt, str]]:
    """Each top-level statement with its source lines, comments and blank lines before it included."""
    lines = code.split("\n")
    start = 0
    for position, node in enumerate(tree.body):
        end = node.end_lineno if position + 1 < len(tree.body) else len(lines)
        yield node, "\n".join(lines[start:end])
        start = end


def _is_placeholder(node: ast.stmt) -> bool:
    """``answer = None`` (the learner's blank) or a function whose body is only ``...`` or ``pass``."""
    if isinstance(node, ast.Assign):
        return isinstance(node.value, ast.Constant) and node.value.value is None
    if isinstance(node, ast.FunctionDef):
        return all(
            isinstance(statement, ast.Pass)
            or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
                and statement.value.value is Ellipsis)
            for statement in node.body
        )
    return False


def _placeholders(stub: str) -> tuple[dict[str, str], set[str]]:
    """The check cell's answer variables (id -> name) and stub function names."""
    tree = _parse(stub)
    variables, functions = {}, set()
    if tree is None:
        return variables, functions
    for node in tree.body:
        found = _check_call(node)
        if found is not None and isinstance(found[1], ast.Name):
            variables[found[0]] = found[1].id
        elif isinstance(node, ast.FunctionDef) and _is_placeholder(node):
            functions.add(node.name)
    return variables, functions


def _solution_lines(exercise: Exercise, ids: list[str], variables: dict[str, str], functions: set[str],
                    first: bool) -> list[tuple[str, str]]:
    """The model answer for one check cell, as ``(kind, text)`` pieces: ``"code"`` or ``"def"``.

    A solution's ``check("id", expression)`` becomes ``answer = expression`` (for the
    check cell's own variable); checks of other cells are dropped; other statements go to
    the exercise's first check cell only; a function the check cell stubs keeps its
    signature visible, with only its body marked as the solution.
    """
    code = "\n\n".join(cell.strip("\n") for cell in exercise.solution_code)
    tree = _parse(code)
    if tree is None:
        return [("code", code)] if first and code.strip() else []
    sanitized = _sanitize(code)
    pieces = []
    for node, text in _spans(code, tree):
        found = _check_call(node)
        if found is not None:
            exercise_id, argument = found
            name = variables.get(exercise_id)
            if exercise_id in ids and name and argument is not None:
                expression = ast.get_source_segment(sanitized, argument)
                if expression != name:
                    pieces.append(("code", f"{name} = {expression}"))
            continue
        if isinstance(node, ast.FunctionDef) and node.name in functions and node.body[0].lineno > node.lineno:
            pieces.append(("def", text))
        elif first:
            pieces.append(("code", text))
    assigned = _assigned_names("\n".join(text.strip("\n") for _, text in pieces))
    for exercise_id in ids:
        name = variables.get(exercise_id)
        if name and name not in assigned:  # a solution in words only: the registry gives the model answer
            pieces.append(("code", _REGISTRY_ANSWER.format(name=name, id=exercise_id)))
    return pieces


def _mark_function(text: str) -> list[str]:
    """A function definition with its body between solution markers (at the body's indentation)."""
    tree = ast.parse(text.strip("\n"))
    node = tree.body[0]
    lines = text.strip("\n").split("\n")
    body_start = node.body[0].lineno - 1
    indent = re.match(r"\s*", lines[body_start]).group(0)
    return [*lines[:body_start], f"{indent}### BEGIN SOLUTION", *lines[body_start:], f"{indent}### END SOLUTION"]


def _answer_cell_source(stub: str, pieces: list[tuple[str, str]]) -> str:
    """The check cell with the learner's blanks replaced by the marked model answer."""
    tree = _parse(stub)
    if tree is None:  # reported as a note; nbgrader then replaces the whole cell with its stub
        return stub
    before, after = [], []
    for node, text in _spans(stub, tree):
        if _check_call(node) is not None:
            after.append(text.strip("\n"))
        elif not _is_placeholder(node):
            before.append(text.strip("\n"))
        else:  # the blank goes, the comments above it (the precision wanted) stay
            before += [line for line in text.split("\n") if line.lstrip().startswith("#")]
    lines = [*before]
    plain: list[str] = []
    for kind, text in [*pieces, ("end", "")]:
        if kind == "code":
            plain.append(text.strip("\n"))
            continue
        if plain:
            lines += ["### BEGIN SOLUTION", *"\n".join(plain).split("\n"), "### END SOLUTION", ""]
            plain = []
        if kind == "def":
            lines += [*_mark_function(text), ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join([*lines, "", *after])).strip("\n")


def _assigned_names(code: str) -> set[str]:
    """Names that ``code`` binds at any depth (assignments, loop targets, function definitions)."""
    tree = _parse(code)
    if tree is None:
        return set()
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return names | {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _answer_cell_notes(split: Split) -> list[str]:
    """Check cells whose model answer cannot be taken from the solution's code."""
    notes = []
    for exercise in split.exercises:
        for position, stub_index in enumerate(exercise.stubs):
            stub = _text(split.notebook["cells"][stub_index]["source"])
            if _parse(stub) is None:
                notes.append(f"the check cell of {exercise.label} is not valid Python")
                continue
            ids = check_ids(stub)
            variables, functions = _placeholders(stub)
            pieces = _solution_lines(exercise, ids, variables, functions, position == 0)
            for exercise_id in ids:
                name = variables.get(exercise_id)
                if name is None:
                    notes.append(f"check({exercise_id!r}, ...) in {exercise.label} does not pass a variable name")
                elif any(_REGISTRY_ANSWER.format(name=name, id=exercise_id) == text for _, text in pieces):
                    notes.append(f"the solution of {exercise.label} has no code that sets {name} for "
                                 f"{exercise_id!r}: the nbgrader model answer comes from the registry")
    return notes


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: int | None = None) -> dict:
    metadata = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        metadata["points"] = points
    return metadata


def _cell(cell_type: str, source: str, cell_id: str, nbgrader: dict) -> dict:
    cell = {"cell_type": cell_type, "id": cell_id[:64], "metadata": {"nbgrader": nbgrader}, "source": _lines(source)}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _statement_chunks(text: str) -> list[tuple[str, str | None]]:
    """A markdown cell cut after each exercise statement: ``(text, label or None)`` pieces."""
    lines, chunks, start, index = _lines(text), [], 0, 0
    while index < len(lines):
        found = _directive(lines[index])
        if found is None:
            index += 1
            continue
        end = _closing(lines, index, found[0])
        if found[1] == "exercise":
            label = next((m["label"] for m in map(_LABEL.match, lines[index + 1 : end]) if m), None)
            chunks.append(("".join(lines[start : end + 1]).strip("\n"), label))
            start = end + 1
        index = end + 1
    rest = "".join(lines[start:]).strip("\n")
    if rest:
        chunks.append((rest, None))
    return [chunk for chunk in chunks if chunk[0]]


def _model_answer(exercise: Exercise) -> str:
    """The book's solution to a conceptual exercise, for the instructor grading it by hand."""
    parts = [exercise.solution_markdown] if exercise.solution_markdown else []
    parts += [f"```python\n{code.strip()}\n```" for code in exercise.solution_code if code.strip()]
    return "\n\n".join(parts) or "(The book gives no written solution for this exercise.)"


def _written_cells(exercise: Exercise, registry: Mapping[str, dict]) -> list[dict]:
    """For a mixed exercise, the prompt and hand-graded answer cell of its part in words (else none)."""
    parts = [registry[i] for i in exercise.check_ids if registry.get(i, {}).get("written")]
    if not parts:
        return []
    prompt = "**In words** (graded by hand): " + " ".join(part["written"] for part in parts)
    label = exercise.label
    return [
        _cell("markdown", prompt, f"prompt-{label}", _nbgrader(
            f"prompt-{label}", solution=False, grade=False, locked=True)),
        _cell("markdown", _model_answer(exercise), f"written-{label}", _nbgrader(
            f"written-{label}", solution=True, grade=True, locked=False,
            points=sum(part["written_points"] for part in parts))),
    ]


def nbgrader_source(notebook: dict, registry: Mapping[str, dict] | None = None) -> dict:
    """The nbgrader source version of an instructor notebook (see the module docstring).

    Points come from the exported exercise ``registry`` (one point each without it); an
    exercise whose checked answer comes with a part in words gets a hand-graded cell for it.
    """
    registry = {} if registry is None else registry
    split = split_notebook(notebook, registry)
    by_cell = {exercise.cell: exercise for exercise in split.exercises}
    by_label = {exercise.label: exercise for exercise in split.exercises}
    stubs = {index: (exercise, position) for exercise in split.exercises
             for position, index in enumerate(exercise.stubs)}
    cells = []
    for index, cell in enumerate(split.notebook["cells"]):
        cell_id = cell.get("id", f"cell-{index}")
        if index in stubs:
            exercise, position = stubs[index]
            stub = _text(cell["source"])
            ids = check_ids(stub)
            variables, functions = _placeholders(stub)
            pieces = _solution_lines(exercise, ids, variables, functions, position == 0)
            answer = _cell("code", _answer_cell_source(stub, pieces), cell_id, _nbgrader(
                f"answer-{ids[0]}", solution=True, grade=False, locked=False))
            answer["metadata"] = {**copy.deepcopy(cell["metadata"]), **answer["metadata"]}
            cells.append(answer)
            for exercise_id in ids:
                test = (
                    "# Autograder test: passes when the answer above is right. The expected value stays\n"
                    "# inside lettools; a failure shows the same hint as check().\n"
                    "from lettools.exercises import evaluate\n\n"
                    f"feedback = evaluate({json.dumps(exercise_id)}, {variables.get(exercise_id, 'answer')})\n"
                    "assert feedback.correct, feedback.message"
                )
                points = registry.get(exercise_id, {}).get("points", 1)
                cells.append(_cell("code", test, f"check-{exercise_id}", _nbgrader(
                    f"check-{exercise_id}", solution=False, grade=True, locked=True, points=points)))
            if position == len(exercise.stubs) - 1:
                cells += _written_cells(exercise, registry)
            continue
        if index not in by_cell:
            cells.append(copy.deepcopy(cell))
            continue
        for part, (text, label) in enumerate(_statement_chunks(_text(cell["source"]))):
            if label is None or label not in by_label:
                plain = copy.deepcopy(cell)
                plain["source"], plain["id"] = _lines(text), f"{cell_id}-{part}"[:64]
                cells.append(plain)
                continue
            cells.append(_cell("markdown", text, f"statement-{label}", _nbgrader(
                f"statement-{label}", solution=False, grade=False, locked=True)))
            exercise = by_label[label]
            if not exercise.stubs:  # conceptual: answered in words, graded by hand
                cells.append(_cell("markdown", _model_answer(exercise), f"answer-{label}", _nbgrader(
                    f"answer-{label}", solution=True, grade=True, locked=False, points=WRITTEN_POINTS)))
    source = {key: value for key, value in split.notebook.items() if key != "cells"}
    source["cells"] = cells
    return source


# ---------------------------------------------------------------------------------------------
# Writing


def notebook_paths(root: Path = REPO_ROOT) -> list[Path]:
    """Every chapter, and every front-matter notebook with an exercise, in a stable order."""
    front = [path for path in sorted((root / "front").glob("*.ipynb"))
             if "{exercise}" in path.read_text(encoding="utf-8")]
    return front + sorted((root / "chapters").glob("*.ipynb"))


def _notebook_text(notebook: dict) -> str:
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load_registry(root: Path = REPO_ROOT) -> dict[str, dict]:
    """The exercise registry as exported to ``lettools/book/exercises.json`` (no lettools needed)."""
    path = root / REGISTRY_EXPORT
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `python -m lettools.exercises` in the book's venv")
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# The answer key, the course repository's README and Binder environment


def _formatted(value: float, entry: dict) -> str:
    text = f"{value:.{entry['decimals']}f}"
    return f"{text} ({value * 100:.{max(entry['decimals'] - 2, 0)}f}%)" if entry["unit"] == "decimal" else text


def _cell_text(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def answer_key(registry: Mapping[str, dict], pages: list[tuple[str, Split]]) -> str:
    """The instructor's answer key (Markdown): every exercise with its answer and grading settings."""
    lines = [
        "# Answer key",
        "",
        "Generated by `make student` from the exercise registry (`lettools/book/*.py`, exported to",
        "`lettools/book/exercises.json`) and the chapters' solutions. For instructors only: it is written",
        "into the nbgrader course folder, never into the student edition.",
        "",
        "A numeric answer counts as right when, rounded to the stated places, it is within the stated",
        "number of steps of the last place from the answer; an anticipated mistake gets its own hint.",
    ]
    for page, split in pages:
        lines += ["", f"## {page}", ""]
        lines += ["| Exercise | Check id | Answer | Precision | Points | Minutes | Hint | Anticipated mistakes |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        written = []
        for exercise in split.exercises:
            if not exercise.check_ids:
                written.append(exercise)
                lines.append(f"| {exercise.label} | (in words) | see below | | {WRITTEN_POINTS} | 15 | | |")
                continue
            for exercise_id in exercise.check_ids:
                entry = registry[exercise_id]
                if entry["kind"] == "number":
                    answer = _formatted(entry["answer"], entry)
                    precision = f"{entry['precision']} Tolerance: {entry['steps']:g} step(s) of the last place."
                    mistakes = "; ".join(f"{_formatted(m['value'], entry)}: {m['advice']}" for m in entry["mistakes"])
                else:
                    answer = f"a function of ({', '.join(entry['parameters'])}), {entry['cases']} test cases"
                    precision, mistakes = entry["precision"], ""
                points = f"{entry['points']}" + (f" + {entry['written_points']} in words" if entry["written"] else "")
                lines.append(" | ".join([f"| {exercise.label}", f"`{exercise_id}`", answer, _cell_text(precision),
                                         points, str(entry["minutes"]), _cell_text(entry["hint"]),
                                         _cell_text(mistakes) + " |"]))
                if entry["written"]:
                    written.append(exercise)
        for exercise in {exercise.label: exercise for exercise in written}.values():
            lines += ["", f"### {exercise.label}: the part in words", "", _model_answer(exercise)]
    return "\n".join(lines) + "\n"


def _repository_url(root: Path) -> str:
    """The book's repository, from ``repository: url:`` in ``_config.yml`` (read without a YAML parser)."""
    text = (root / "_config.yml").read_text(encoding="utf-8")
    match = re.search(r"^repository:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*(\S+)", text, re.MULTILINE)
    if match is None:
        raise ValueError("_config.yml names no repository url")
    return match.group(1).strip("\"'")


def _commit(root: Path) -> str:
    """The book's current commit, which pins the student edition's lettools."""
    try:
        result = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise RuntimeError(f"cannot read the book's git commit to pin lettools ({error}); "
                           "pass --lettools-ref") from None
    return result.stdout.strip()


def binder_files(root: Path, ref: str) -> dict[str, str]:
    """``binder/`` of the course repository: the book's pins plus lettools from the book at ``ref``."""
    pins = [line for line in (root / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    requirements = "\n".join([
        "# What the student notebooks need, pinned: the book's own Binder pins and lettools at the",
        f"# commit the notebooks were generated from (make student, {ref[:12]}).",
        *pins,
        f"lettools @ git+{_repository_url(root)}@{ref}",
    ]) + "\n"
    return {"binder/requirements.txt": requirements,
            "binder/runtime.txt": (root / "binder" / "runtime.txt").read_text(encoding="utf-8")}


def student_readme(root: Path, ref: str, notebooks: list[str]) -> str:
    listing = "\n".join(f"- `{name}`" for name in notebooks)
    return f"""# The Daily Reset: student notebooks

Exercises from *The Daily Reset*, an interactive book on leveraged and inverse ETFs
(<{_repository_url(root)}>). Each notebook is a chapter without its solutions: write your
answer in the cell under each exercise and run it; `check(...)` replies *Correct* or *Not yet*
with a hint. Each numeric exercise says, in its cell, the unit and the number of decimal places
it wants.

{listing}

## Opening the notebooks

- **Binder**: push this folder to a public GitHub repository and open
  `https://mybinder.org/v2/gh/<owner>/<repository>/HEAD?urlpath=lab`. Binder installs what
  `binder/requirements.txt` lists, including `lettools` pinned to the book's commit `{ref[:12]}`.
- **A JupyterHub**: install the same requirements in the hub's image, then share an nbgitpuller
  link to this repository.
- **Your own computer** (Python 3.11 or newer):

  ```bash
  python -m venv .venv
  .venv/bin/python -m pip install -r binder/requirements.txt jupyterlab
  .venv/bin/jupyter lab
  ```

  The first run of a chapter compiles its numba kernels (a minute or so); later runs are fast.

Your instructor may grade some of these exercises with nbgrader: in that case you receive the
assignment notebooks separately, and the copies here are for practice.
"""


# ---------------------------------------------------------------------------------------------
# Writing without destroying: each folder keeps a manifest of what it wrote


class RegenerationRefused(RuntimeError):
    """Writing would overwrite someone's work; nothing was changed."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(folder: Path, name: str) -> dict[str, str] | None:
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _conflicts(folder: Path, files: Mapping[str, str], manifest_name: str) -> list[str]:
    """Files this run would overwrite although this script did not write them as they are now."""
    manifest = _manifest(folder, manifest_name)
    if manifest is None:
        if folder.exists() and any(folder.iterdir()):
            return [f"{folder} exists and was not written by this script (no {manifest_name})"]
        return []
    problems = []
    for relative, text in files.items():
        path = folder / relative
        if path.is_file():
            current = _digest(path.read_bytes())
            if current != _digest(text.encode()) and manifest.get(relative) != current:
                problems.append(f"{path} was changed after it was generated")
    return problems


def _graded_pages(course: Path) -> set[str]:
    """Assignments that nbgrader has released, collected, graded or recorded in its gradebook."""
    pages = {path.name for path in (course / "release").glob("*") if path.is_dir()}
    for step in ("submitted", "autograded", "feedback"):
        pages |= {path.name for path in (course / step).glob("*/*") if path.is_dir()}
    database = course / "gradebook.db"
    if database.is_file():
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
            try:
                pages |= {row[0] for row in connection.execute("SELECT name FROM assignment")}
            except sqlite3.DatabaseError:
                pages.add("(gradebook.db could not be read)")
    return pages


def _course_conflicts(course: Path, files: Mapping[str, str]) -> list[str]:
    problems = _conflicts(course, files, COURSE_MANIFEST) if (course / COURSE_MANIFEST).is_file() else [
        f"{course / relative} exists and was not written by this script"
        for relative in files if (course / relative).exists()]
    graded = _graded_pages(course)
    for relative, text in files.items():
        path = course / relative
        page = Path(relative).parts[1] if relative.startswith("source/") else None
        if page in graded and path.is_file() and path.read_text(encoding="utf-8") != text:
            problems.append(f"{path} would change, but assignment {page!r} has already been released or graded")
    return problems


def _apply(folder: Path, files: Mapping[str, str], manifest_name: str, prune: bool) -> list[Path]:
    """Write ``files`` under ``folder``; with ``prune``, remove files of the last run no longer generated."""
    old = _manifest(folder, manifest_name) or {}
    written = []
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    if prune:
        for relative, digest in old.items():
            path = folder / relative
            if relative not in files and path.is_file() and _digest(path.read_bytes()) == digest:
                path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / manifest_name).write_text(json.dumps(
        {relative: _digest(text.encode()) for relative, text in sorted(files.items())}, indent=1) + "\n")
    return written


def write_editions(root: Path = REPO_ROOT, out: Path | None = None, course: Path | None = None,
                   lettools_ref: str | None = None) -> tuple[list[Path], list[str], list[str]]:
    """Write the student edition (a course repository) under ``out`` and the nbgrader course under ``course``.

    Returns the files written, the problems (a solution that cannot be matched or removed
    safely) and notes (a model answer taken from the registry), each prefixed with its notebook.

    Nothing is deleted or overwritten unless this script wrote it and it is unchanged since;
    in the course folder only ``source/`` and the answer key are written, never a page that
    nbgrader has released or graded. Otherwise :class:`RegenerationRefused` is raised and
    nothing is changed.
    """
    out = (root / "student") if out is None else out
    course = (root / "course") if course is None else course
    registry = load_registry(root)
    student_files: dict[str, str] = {}
    course_files: dict[str, str] = {}
    problems, notes, pages = [], [], []
    for path in notebook_paths(root):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        split = split_notebook(notebook, registry)
        relative = path.relative_to(root)
        problems += [f"{relative}: {problem}" for problem in split.problems]
        notes += [f"{relative}: {note}" for note in split.notes]
        student_files[relative.as_posix()] = _notebook_text(split.notebook)
        if split.exercises:
            course_files[f"source/{path.stem}/{path.name}"] = _notebook_text(nbgrader_source(notebook, registry))
            pages.append((path.stem, split))
    ref = lettools_ref or _commit(root)
    student_files.update(binder_files(root, ref))
    student_files["README.md"] = student_readme(root, ref, [name for name in student_files if name.endswith(".ipynb")])
    student_files[".gitignore"] = ".ipynb_checkpoints/\n__pycache__/\n"
    course_files["answer-key.md"] = answer_key(registry, pages)

    refused = _conflicts(out, student_files, STUDENT_MANIFEST) + _course_conflicts(course, course_files)
    if refused:
        raise RegenerationRefused(
            "make student stopped without changing anything, because it would overwrite work:\n  - "
            + "\n  - ".join(refused)
            + "\nMove those files or folders aside, or write elsewhere with --out/--course. A released or graded "
            "assignment keeps its source; to use the chapters' new version, create it as a new assignment.")
    written = _apply(out, student_files, STUDENT_MANIFEST, prune=True)
    written += _apply(course, course_files, COURSE_MANIFEST, prune=False)
    config = course / "nbgrader_config.py"
    if not config.exists():  # the instructor's to edit from then on
        config.write_text(NBGRADER_CONFIG, encoding="utf-8")
        written.append(config)
    return written, problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the book's repository (default: this one)")
    parser.add_argument("--out", type=Path, default=None, help="student edition folder (default: <root>/student)")
    parser.add_argument("--course", type=Path, default=None, help="nbgrader course folder (default: <root>/course)")
    parser.add_argument("--lettools-ref", default=None,
                        help="git commit or tag of the book that binder/ installs lettools from (default: HEAD)")
    args = parser.parse_args(argv)
    try:
        written, problems, notes = write_editions(args.root, args.out, args.course, args.lettools_ref)
    except (RegenerationRefused, FileNotFoundError, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 2
    notebooks = [path for path in written if path.suffix == ".ipynb"]
    sources = [path for path in notebooks if "source" in path.parts]
    print(f"wrote {len(notebooks) - len(sources)} student notebooks under {args.out or args.root / 'student'} "
          f"and {len(sources)} nbgrader sources and the answer key under {args.course or args.root / 'course'}")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
