"""The student edition (`make student`): no solution or answer survives, the checks still work.

The solution text and the answer values are found here independently of the script: solution
lines by a plain scan of each instructor notebook for the solution markers, answer values from
the checker's registry.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from lettools.exercises import FunctionExercise, NumericExercise, check, evaluate, registered

REPO_ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("student_edition", REPO_ROOT / "scripts" / "student_edition.py")
student_edition = sys.modules.setdefault("student_edition", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(student_edition)

CHECK_CALL = re.compile(r"""^check\(\s*["']([\w-]+)["']""", re.MULTILINE)
# A directive opens on a fence line; prose that names a marker in backticks is not a marker.
SOLUTION_START = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})\s*\{solution-start\}", re.MULTILINE)
SOLUTION_END = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})\s*\{solution-end\}", re.MULTILINE)
SOLUTION_ANY = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})\s*\{solution(-start|-end)?\}", re.MULTILINE)


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> dict:
    """Everything `make student` writes, in a temporary folder: files, problems, notes."""
    out = tmp_path_factory.mktemp("edition") / "student"
    course = out.parent / "course"
    written, problems, notes = student_edition.write_editions(REPO_ROOT, out, course, lettools_ref="abc123")
    return {"out": out, "course": course, "written": written, "problems": problems, "notes": notes}


def _pages() -> list[Path]:
    return student_edition.notebook_paths(REPO_ROOT)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _solution_and_rest(path: Path) -> tuple[list[str], list[str]]:
    """Lines inside solution blocks and lines outside them, by a plain scan for the markers."""
    inside, outside, in_solution = [], [], False
    for cell in _cells(path):
        for line in _source(cell).splitlines():
            if SOLUTION_START.match(line):
                in_solution = True
            (inside if in_solution else outside).append(line)
            if SOLUTION_END.match(line):
                in_solution = False
    return inside, outside


def _distinctive(path: Path) -> list[str]:
    """Solution lines long enough to be unmistakable (> 30 characters) that the page's other text lacks."""
    inside, outside = _solution_and_rest(path)
    elsewhere = "\n".join(outside)
    return sorted({line.strip() for line in inside if len(line.strip()) > 30 and line.strip() not in elsewhere})


def _all_strings(value) -> str:
    """Every string in a JSON document (sources, outputs, metadata), joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_all_strings(item) for item in value.values())
    if isinstance(value, list):
        return "\n".join(_all_strings(item) for item in value)
    return ""


def _check_ids(path: Path) -> list[str]:
    return [found for cell in _cells(path) if cell["cell_type"] == "code" for found in CHECK_CALL.findall(_source(cell))]


def _informative_digits(spelling: str) -> int:
    return len(spelling.lstrip("-").replace(".", "").strip("0"))


def spellings(value: float) -> set[str]:
    """How an answer would be printed, kept only where it is distinctive.

    A spelling with fewer than three significant digits (0.0200, 2.00 percent) could be an
    input the exercise states, so it is not evidence of a leak; three or more digits are.
    """
    forms = {f"{value:.4f}", f"{value:.3f}", f"{value * 100:.2f}", f"{value:.6g}", repr(float(value))}
    return {form for form in forms if _informative_digits(form) >= 3}


def _answers(exercise_id: str) -> list[float]:
    exercise = registered()[exercise_id]
    if isinstance(exercise, NumericExercise):
        return [float(exercise.expected())]
    return [float(exercise.reference(**case)) for case in exercise.cases]


def _student(edition: dict, page: Path) -> Path:
    return edition["out"] / page.relative_to(REPO_ROOT)


# ---------------------------------------------------------------------------------------------
# What is written


def test_every_chapter_and_exercise_page_gets_a_student_notebook(edition):
    chapters = sorted((REPO_ROOT / "chapters").glob("*.ipynb"))
    assert chapters, "no chapters to convert"
    assert set(chapters) <= set(_pages())
    assert REPO_ROOT / "front" / "how-it-works.ipynb" in _pages()
    for page in _pages():
        assert _student(edition, page).is_file(), page
    assert (edition["course"] / "nbgrader_config.py").is_file()
    assert (edition["course"] / "answer-key.md").is_file()
    assert not list(edition["out"].rglob("answer-key*")) and not (edition["out"] / "nbgrader").exists()


def test_every_solution_is_matched_to_its_exercise(edition):
    assert edition["problems"] == []


def test_rerunning_rewrites_only_its_own_unchanged_files(tmp_path):
    out, course = tmp_path / "student", tmp_path / "course"
    first = student_edition.write_editions(REPO_ROOT, out, course, lettools_ref="abc123")[0]
    (out / ".git").mkdir()  # the instructor made it a repository: kept
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    second = student_edition.write_editions(REPO_ROOT, out, course, lettools_ref="abc123")[0]
    assert [path for path in first if path.name != "nbgrader_config.py"] == second  # the config is written once
    assert (out / ".git" / "HEAD").is_file()

    edited = out / "chapters" / "costs.ipynb"
    edited.write_text(edited.read_text() + " ")
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    with pytest.raises(student_edition.RegenerationRefused, match="costs.ipynb was changed after it was generated"):
        student_edition.write_editions(REPO_ROOT, out, course, lettools_ref="def456")
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("an instructor's own file")
    with pytest.raises(student_edition.RegenerationRefused, match="not written by this script"):
        student_edition.write_editions(REPO_ROOT, foreign, course, lettools_ref="abc123")
    assert (foreign / "notes.txt").read_text() == "an instructor's own file"


def test_the_course_repository_has_a_readme_and_a_pinned_binder(edition):
    readme = (edition["out"] / "README.md").read_text()
    assert "binder/requirements.txt" in readme and "python -m venv" in readme
    requirements = (edition["out"] / "binder" / "requirements.txt").read_text()
    assert "lettools @ git+https://github.com/daily-reset/daily-reset-book@abc123" in requirements
    book = (REPO_ROOT / "binder" / "requirements.txt").read_text()
    assert all(line in requirements for line in book.splitlines() if "==" in line)
    assert (edition["out"] / "binder" / "runtime.txt").read_text() == (REPO_ROOT / "binder" / "runtime.txt").read_text()


def test_every_check_cell_has_its_own_variable_and_states_the_precision(edition):
    exported = student_edition.load_registry(REPO_ROOT)
    for page in _pages():
        names = []
        for cell in _cells(_student(edition, page)):
            if cell["cell_type"] != "code" or not CHECK_CALL.search(_source(cell)):
                continue
            source = _source(cell)
            assert not re.search(r"\banswer\b(?!_)", source.split("#")[0] if "\n" not in source else
                                 "\n".join(line.split("#")[0] for line in source.split("\n")))
            for exercise_id in CHECK_CALL.findall(source):
                if exported[exercise_id]["kind"] == "number":
                    assert exported[exercise_id]["precision"] in source, (page.name, exercise_id)
            names += re.findall(r"^(\w+) = None", source, re.MULTILINE)
        assert len(names) == len(set(names)), (page.name, names)


# ---------------------------------------------------------------------------------------------
# Nothing of an answer is left


@pytest.mark.parametrize("page", _pages(), ids=lambda path: path.stem)
def test_no_solution_block_output_or_widget_state_is_left(edition, page):
    notebook = json.loads(_student(edition, page).read_text(encoding="utf-8"))
    text = _all_strings(notebook)
    assert not SOLUTION_ANY.search(text)
    assert "widgets" not in notebook["metadata"]
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert "execution" not in cell["metadata"]


@pytest.mark.parametrize("page", _pages(), ids=lambda path: path.stem)
def test_no_solution_text_is_left(edition, page):
    lines = _distinctive(page)
    inside, _ = _solution_and_rest(page)
    assert lines or not inside, f"{page.name} has solutions but none with a distinctive line"
    raw = _student(edition, page).read_text(encoding="utf-8")
    decoded = _all_strings(json.loads(raw))
    leaked = [line for line in lines if line in decoded or json.dumps(line)[1:-1] in raw]
    assert not leaked


@pytest.mark.parametrize("page", _pages(), ids=lambda path: path.stem)
def test_no_answer_value_is_left(edition, page):
    raw = _student(edition, page).read_text(encoding="utf-8")
    leaked = {
        (exercise_id, form)
        for exercise_id in set(_check_ids(page))
        for value in _answers(exercise_id)
        for form in spellings(value)
        if form in raw
    }
    assert not leaked


def test_the_answer_spellings_would_catch_a_leak():
    """The instructor notebooks print their answers: the same spellings must find them there."""
    found = {
        exercise_id
        for page in _pages()
        for exercise_id in set(_check_ids(page))
        for value in _answers(exercise_id)
        if any(form in page.read_text(encoding="utf-8") for form in spellings(value))
    }
    assert len(found) >= 5, found


def test_the_solution_scan_finds_real_solution_lines():
    mechanics = _distinctive(REPO_ROOT / "chapters" / "mechanics.ipynb")
    assert any("new_assets = assets * (1 + leverage * index_return)" in line for line in mechanics)


def test_spellings_skip_values_too_short_to_be_distinctive():
    assert spellings(0.02) == set()
    assert "-0.0225" in spellings(-0.0225) and "-2.25" in spellings(-0.0225)


# ---------------------------------------------------------------------------------------------
# Each solution passes its check, a wrong answer fails it


def _notebook_ids() -> list[str]:
    return sorted({exercise_id for page in _pages() for exercise_id in _check_ids(page)})


def test_every_checked_exercise_is_registered():
    assert set(_notebook_ids()) <= set(registered())


@pytest.mark.parametrize("exercise_id", _notebook_ids())
def test_the_registry_accepts_the_answer_and_rejects_a_wrong_one(exercise_id):
    exercise = registered()[exercise_id]
    if isinstance(exercise, FunctionExercise):
        right, wrong = exercise.reference, (lambda **case: exercise.reference(**case) * 1.1 + 0.01)
    else:
        right = exercise.expected()
        wrong = right + 5 * 10.0**-exercise.decimals
    assert evaluate(exercise_id, right).correct
    assert not evaluate(exercise_id, wrong).correct


def _code_cells(page: Path):
    """Each code cell of an instructor notebook with whether it sits inside a solution block."""
    inside = False
    for cell in _cells(page):
        if cell["cell_type"] == "code":
            yield cell, inside
            continue
        for line in _source(cell).splitlines():
            if SOLUTION_START.match(line):
                inside = True
            elif SOLUTION_END.match(line):
                inside = False


@pytest.mark.parametrize("page", _pages(), ids=lambda path: path.stem)
def test_each_solution_passed_its_check_when_the_book_ran(page):
    """The instructor notebook's stored outputs (which nbval holds current) say "Correct" for each check."""
    checked = 0
    for cell, inside in _code_cells(page):
        ids = CHECK_CALL.findall(_source(cell))
        if not inside or not ids:
            continue
        printed = "".join(
            "".join(output.get("text", "")) for output in cell.get("outputs", []) if output.get("name") == "stdout"
        )
        assert printed.count("Correct") >= len(ids) and "Not yet" not in printed, (page.name, ids, printed)
        checked += len(ids)
    if _check_ids(page):
        assert checked, f"{page.name}: no solution cell calls check"


# ---------------------------------------------------------------------------------------------
# The student notebooks run, and every check says "not yet" politely


@pytest.mark.slow
@pytest.mark.parametrize("page", _pages(), ids=lambda path: path.stem)
def test_student_notebook_executes_and_checks_say_not_yet(edition, page):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    path = _student(edition, page)
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors
    check_cells = [cell for cell in notebook.cells if cell.cell_type == "code" and CHECK_CALL.search(cell.source)]
    stubs = [cell for cell, inside in _code_cells(page) if not inside and CHECK_CALL.search(_source(cell))]
    assert len(check_cells) == len(stubs)
    for cell in check_cells:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        replies = printed.count("no answer yet") + printed.count("Not yet")
        assert replies >= len(CHECK_CALL.findall(cell.source)) and "Correct" not in printed, printed


# ---------------------------------------------------------------------------------------------
# Bad input to the checker: a message, never a traceback


def _my_function(first_return, second_return, leverage):
    return 0.0


@pytest.mark.parametrize(
    "answer, phrase",
    [
        (object(), "not a number"),
        (float("nan"), "not a finite number"),
        (np.float64("nan"), "not a finite number"),
        (None, "no answer yet"),
        ("-0.0225", "inside quotes"),
        ("a loss", "is text"),
        ([-0.0225], "collection"),
        ({"answer": -0.0225}, "collection"),
        (_my_function, "wants a number"),
        (10**400, "cannot be read as an ordinary number"),
    ],
    ids=["object", "nan", "numpy-nan", "none", "number-as-text", "text", "list", "dict", "function", "huge-int"],
)
def test_a_numeric_check_explains_bad_input(capsys, answer, phrase):
    feedback = evaluate("how-it-works-two-day", answer)
    assert not feedback.correct and phrase in feedback.message
    check("how-it-works-two-day", answer)  # prints, never raises
    assert phrase in capsys.readouterr().out.replace("\n", " ")


def test_a_decimal_is_read_as_a_number():
    from decimal import Decimal

    assert evaluate("how-it-works-two-day", Decimal("-0.0225")).correct


def test_a_missing_answer_is_explained(capsys):
    check("how-it-works-two-day")
    assert "no answer yet" in capsys.readouterr().out
    check("how-it-works-two-day-function")
    assert "no answer yet" in capsys.readouterr().out


def test_arguments_the_wrong_way_round_are_explained(capsys):
    check(-0.0225, "how-it-works-two-day")
    assert "name comes first" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, phrase",
    [(0.5, "pass the function itself"), ("two_day_fund_return", "pass the function itself"),
     (float("nan"), "pass the function itself"), (None, "no answer yet")],
)
def test_a_function_check_explains_bad_input(capsys, answer, phrase):
    feedback = evaluate("how-it-works-two-day-function", answer)
    assert not feedback.correct and phrase in feedback.message.replace("\n", " ")
    check("how-it-works-two-day-function", answer)
    assert "Traceback" not in capsys.readouterr().out


def test_a_learner_function_returning_nan_is_explained():
    feedback = evaluate("how-it-works-two-day-function", lambda **case: math.nan)
    assert not feedback.correct and "not a finite number" in feedback.message


# ---------------------------------------------------------------------------------------------
# The instructor guide stays in step with the chapters


GUIDE = REPO_ROOT / "front" / "instructors.md"


def _exercise_kinds(page: Path) -> tuple[int, int, int]:
    """(numeric, function, written) exercise counts of a page."""
    split = student_edition.split_notebook(json.loads(page.read_text(encoding="utf-8")))
    cells = split.notebook["cells"]
    coding = [any(re.search(r"^def ", _source(cells[i]), re.MULTILINE) for i in ex.stubs) for ex in split.exercises]
    numeric = sum(1 for ex, is_code in zip(split.exercises, coding, strict=False) if ex.stubs and not is_code)
    return numeric, sum(coding), sum(1 for ex in split.exercises if not ex.stubs)


def test_the_guide_lists_every_page_with_its_exercise_counts():
    rows = dict(re.findall(r"^\| \{doc\}`[^<`]+<([^>]+)>` \| (\d+, \d+, \d+) \|", GUIDE.read_text(), re.MULTILINE))
    pages = {("../chapters/" if page.parent.name == "chapters" else "") + page.stem: page for page in _pages()}
    assert set(rows) == set(pages)
    for target, page in pages.items():
        assert rows[target] == ", ".join(map(str, _exercise_kinds(page))), page.name


def test_the_guide_launch_links_match_the_book():
    from lettools.live import BRANCH, REPOSITORY, launch_urls

    text = GUIDE.read_text()
    urls = launch_urls("chapters/mechanics.ipynb")
    assert urls["binder"] in text and urls["colab"] in text
    quoted = REPOSITORY.replace(":", "%3A").replace("/", "%2F")
    assert f"git-pull?repo={quoted}&branch={BRANCH}&urlpath=lab%2Ftree%2F{REPOSITORY.rsplit('/', 1)[1]}%2F" in text


# The guide's "How long it takes" table follows the rule stated above it.
_EXERCISE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})\s*\{exercise\}", re.MULTILINE)
READING_WORDS_PER_MINUTE = 90
READING_MINUTES_PER_CODE_CELL = 0.5


def _reading_minutes(page: Path) -> float:
    """Minutes to read a page by the guide's rule: words outside exercises and solutions at 90 a
    minute, plus half a minute per code cell the website shows outside them."""
    words, code_cells, inside = 0, 0, False
    for cell in _cells(page):
        source = _source(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            if _EXERCISE_FENCE.search(source):
                inside = True
            if not inside:
                words += len(source.split())
            ends = list(SOLUTION_END.finditer(source))
            if ends:
                tail = re.sub(r"^\s*(`{3,}|~{3,}|:{3,})", "", source[ends[-1].end():])  # the closing fence
                if not _EXERCISE_FENCE.search(tail):
                    inside = False
                    words += len(tail.split())
        elif not inside and not {"remove-cell", "remove-input"} & set(tags):
            code_cells += 1
    return words / READING_WORDS_PER_MINUTE + READING_MINUTES_PER_CODE_CELL * code_cells


def _guide_times() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^\| \{doc\}`[^<`]+<([^>]+)>` \| \d+, \d+, \d+ \| ([^|]+) \| ([^|]+) \|",
                      GUIDE.read_text(), re.MULTILINE)
    return {target: (reading.strip(), exercises.strip()) for target, reading, exercises in rows}


def _guide_pages() -> dict[str, Path]:
    return {("../chapters/" if page.parent.name == "chapters" else "") + page.stem: page for page in _pages()}


def _nearest_five(minutes: float) -> int:
    """Round to the nearest 5 minutes, halves up (the guide's rule; not Python's banker's rounding)."""
    return 5 * math.floor(minutes / 5 + 0.5)


def test_the_guide_reading_times_follow_its_own_rule():
    """Each reading time is exactly the rule's count rounded to the nearest 5 minutes. On failure
    the message lists every row that is off, with the value to write, so a chapter change is a
    one-line edit of the guide's table."""
    times = _guide_times()
    assert set(times) == set(_guide_pages())
    wrong = []
    for target, page in _guide_pages().items():
        stated = re.fullmatch(r"(\d+) min", times[target][0])
        assert stated, f"{page.name}: reading time should read 'N min', not {times[target][0]!r}"
        computed = _reading_minutes(page)
        if int(stated.group(1)) != _nearest_five(computed):
            wrong.append(f"  {target}: the guide says {stated.group(1)} min, the rule gives "
                         f"{computed:.1f} -> write '{_nearest_five(computed)} min'")
    assert not wrong, "front/instructors.md, Reading column:\n" + "\n".join(wrong)


def test_nearest_five_rounds_halves_up():
    assert [_nearest_five(m) for m in (62.4, 62.5, 67.7, 85.0, 87.49, 92.5)] == [60, 65, 70, 85, 85, 95]


def _answer_key_minutes(page: Path) -> int:
    """The answer key's time estimates (the registry's ``minutes``) of the answers a page checks."""
    checked = dict.fromkeys(exercise_id for cell in _cells(page) if cell["cell_type"] == "code"
                            for exercise_id in CHECK_CALL.findall(_source(cell)))
    exercises = registered()
    return sum(exercises[exercise_id].minutes for exercise_id in checked)


def test_the_guide_exercise_times_follow_its_own_rule():
    """The answer key's estimates for every checked answer, plus 10 to 15 minutes for each
    exercise answered only in words, so the table and the answer key agree."""
    times = _guide_times()
    wrong = []
    for target, page in _guide_pages().items():
        written = _exercise_kinds(page)[2]
        keyed = _answer_key_minutes(page)
        low, high = keyed + 10 * written, keyed + 15 * written
        expected = f"{low} min" if low == high else f"{low}–{high} min"
        if times[target][1] != expected:
            wrong.append(f"  {target}: the guide says {times[target][1]} -> write '{expected}'")
    assert not wrong, "front/instructors.md, Exercises column:\n" + "\n".join(wrong)


def test_the_reading_rule_skips_exercises_and_hidden_cells():
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "one two three"},
        {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": []},
        {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": "hidden()", "outputs": []},
        {"cell_type": "markdown", "metadata": {}, "source": "```{exercise}\n:label: a\nfour five\n```"},
        {"cell_type": "code", "metadata": {}, "source": "check('a', None)", "outputs": []},
        {"cell_type": "markdown", "metadata": {}, "source": "```{solution-end}\n```\nsix"},
    ]}
    assert _reading_minutes_of(notebook) == 4 / READING_WORDS_PER_MINUTE + READING_MINUTES_PER_CODE_CELL


def _reading_minutes_of(notebook: dict) -> float:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.ipynb"
        path.write_text(json.dumps(notebook), encoding="utf-8")
        return _reading_minutes(path)
