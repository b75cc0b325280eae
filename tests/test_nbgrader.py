"""The nbgrader course that `make student` writes: nbgrader accepts it, releases it without
solutions, and grades the book's own solutions as full marks and a blank submission as zero."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_student_edition import REPO_ROOT, _all_strings, _answers, _distinctive, spellings, student_edition

pytest.importorskip("nbgrader")
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.apps import NbGraderAPI  # noqa: E402
from traitlets.config import Config  # noqa: E402

CHAPTER = REPO_ROOT / "chapters" / "mechanics.ipynb"  # the chapter the release and grading tests use


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("course")
    student_edition.write_editions(REPO_ROOT, base / "student", base / "course", lettools_ref="abc123")
    return base / "course"


def _api(course: Path) -> NbGraderAPI:
    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = "daily-reset"
    config.ExecutePreprocessor.timeout = 300
    return NbGraderAPI(config=config)


def _nbgrader_cells(path: Path) -> list[tuple[dict, dict]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(cell, cell["metadata"]["nbgrader"]) for cell in cells if "nbgrader" in cell["metadata"]]


def _text(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.fixture(scope="module")
def released(course) -> Path:
    result = _api(course).generate_assignment(CHAPTER.stem, force=True)
    assert result["success"], result.get("error")
    path = course / "release" / CHAPTER.stem / CHAPTER.name
    assert path.is_file()
    return path


def _stub_ids(page: Path) -> list[str]:
    """Check ids of the instructor notebook's own check cells (the student's, not the solutions')."""
    split = student_edition.split_notebook(json.loads(page.read_text(encoding="utf-8")))
    return [exercise_id for exercise in split.exercises for exercise_id in exercise.check_ids]


def test_every_page_is_accepted_by_nbgrader(course):
    api = _api(course)
    pages = sorted(path.name for path in (course / "source").iterdir())
    assert CHAPTER.stem in pages and len(pages) == len(student_edition.notebook_paths(REPO_ROOT))
    for page in pages:
        result = api.generate_assignment(page, force=True)
        assert result["success"], (page, result.get("error"))


def test_released_answer_cells_hold_only_the_stub(released):
    answers = [(cell, meta) for cell, meta in _nbgrader_cells(released) if meta["solution"]]
    code = [cell for cell, meta in answers if cell["cell_type"] == "code"]
    words = [cell for cell, meta in answers if cell["cell_type"] == "markdown"]
    assert code and words
    for cell in code:
        assert "# YOUR CODE HERE" in _text(cell) and "raise NotImplementedError()" in _text(cell)
        if not _text(cell).startswith("def "):  # a numeric answer says how to give it
            assert "# Give the answer " in _text(cell)
        assert "BEGIN SOLUTION" not in _text(cell) and "END SOLUTION" not in _text(cell)
    for cell in words:
        assert _text(cell) == "YOUR ANSWER HERE"
    # A coding exercise keeps its signature; only the body is the learner's.
    assert any(_text(cell).startswith("def end_of_day_trade(assets, leverage, index_return):") for cell in code)


def test_released_tests_are_locked_and_grade_each_check(released):
    tests = {meta["grade_id"]: (cell, meta) for cell, meta in _nbgrader_cells(released) if meta["grade"]
             and not meta["solution"]}
    ids = _stub_ids(CHAPTER)
    assert ids and set(tests) == {f"check-{exercise_id}" for exercise_id in ids}
    for exercise_id in ids:
        cell, meta = tests[f"check-{exercise_id}"]
        assert meta["locked"] and meta["checksum"]
        assert meta["points"] == student_edition.load_registry(REPO_ROOT)[exercise_id]["points"]
        assert f'evaluate("{exercise_id}", ' in _text(cell) and "assert feedback.correct" in _text(cell)
    statements = [meta for _, meta in _nbgrader_cells(released) if meta["grade_id"].startswith("statement-")]
    assert statements and all(meta["locked"] for meta in statements)


def test_release_reveals_no_solution_or_answer(released):
    raw = released.read_text(encoding="utf-8")
    decoded = _all_strings(json.loads(raw))
    lines = _distinctive(CHAPTER)
    assert lines
    assert not [line for line in lines if line in decoded or json.dumps(line)[1:-1] in raw]
    leaked = {(exercise_id, form) for exercise_id in _stub_ids(CHAPTER) for value in _answers(exercise_id)
              for form in spellings(value) if form in raw}
    assert not leaked
    assert "registered()" not in decoded  # the registry fallback for a prose-only solution stays in the source


def test_source_keeps_the_model_answers(course):
    source = (course / "source" / CHAPTER.stem / CHAPTER.name).read_text(encoding="utf-8")
    assert "### BEGIN SOLUTION" in source
    assert "new_assets = assets * (1 + leverage * index_return)" in source


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # raised inside nbgrader's own gradebook code
def test_autograde_gives_the_solutions_full_marks_and_a_blank_submission_none(course, released):
    api = _api(course)
    submissions = {
        "solver": course / "source" / CHAPTER.stem / CHAPTER.name,
        "blank": released,
    }
    for student, notebook in submissions.items():
        target = course / "submitted" / student / CHAPTER.stem
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, target / CHAPTER.name)
        result = api.autograde(CHAPTER.stem, student, force=True, create=True)
        assert result["success"], result.get("error")
    exported = student_edition.load_registry(REPO_ROOT)
    checks = sum(exported[exercise_id]["points"] for exercise_id in _stub_ids(CHAPTER))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        solver = gradebook.find_submission(CHAPTER.stem, "solver")
        blank = gradebook.find_submission(CHAPTER.stem, "blank")
        assert solver.max_code_score == checks
        assert solver.code_score == checks
        assert blank.code_score == 0


def test_mixed_exercises_get_a_hand_graded_cell_worth_their_written_points(course):
    exported = student_edition.load_registry(REPO_ROOT)
    source = course / "source" / "costs" / "costs.ipynb"
    cells = {meta["grade_id"]: (cell, meta) for cell, meta in _nbgrader_cells(source)}
    cell, meta = cells["written-ex-costs-upro-lag"]
    assert meta["grade"] and meta["solution"] and cell["cell_type"] == "markdown"
    assert meta["points"] == exported["costs-upro-lag"]["written_points"] >= 2  # the registry decides; 3 parts since round 13
    assert "decide which basis" in _text(cells["prompt-ex-costs-upro-lag"][0])
    assert cells["answer-ex-costs-concept"][1]["points"] == student_edition.WRITTEN_POINTS


def _tree(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


PAGE = REPO_ROOT / "front" / "how-it-works.ipynb"  # the smallest page: one assignment, three exercises


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_a_graded_class_survives_regeneration(tmp_path, capsys):
    """Grade a fake class of three, export, regenerate: the gradebook and submissions are untouched;
    a regeneration that would change a graded assignment's source stops and changes nothing."""
    root = tmp_path / "book"  # a copy of the book's inputs, so the test can change a page
    for relative in ("front/how-it-works.ipynb", "lettools/book/exercises.json", "_config.yml",
                     "binder/requirements.txt", "binder/runtime.txt"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / relative, root / relative)
    (root / "chapters").mkdir()
    out, course = tmp_path / "student", tmp_path / "course"
    student_edition.write_editions(root, out, course, lettools_ref="abc123")
    api = _api(course)
    start = time.perf_counter()
    assert api.generate_assignment(PAGE.stem, force=True)["success"]
    generate_seconds = time.perf_counter() - start
    released = course / "release" / PAGE.stem / PAGE.name
    submissions = {"solver": course / "source" / PAGE.stem / PAGE.name, "blank": released, "partial": released}
    timings = {}
    for student, notebook in submissions.items():
        target = course / "submitted" / student / PAGE.stem
        target.mkdir(parents=True)
        shutil.copy(notebook, target / PAGE.name)
        if student == "partial":  # right on the number, nothing else
            notebook = json.loads((target / PAGE.name).read_text())
            answer = next(cell for cell in notebook["cells"]
                          if cell["metadata"].get("nbgrader", {}).get("grade_id") == "answer-how-it-works-two-day")
            answer["source"] = "answer_how_it_works_two_day = -0.0225\ncheck('how-it-works-two-day', answer_how_it_works_two_day)"
            (target / PAGE.name).write_text(json.dumps(notebook))
        start = time.perf_counter()
        result = api.autograde(PAGE.stem, student, force=True, create=True)
        timings[student] = time.perf_counter() - start
        assert result["success"], result.get("error")
    exported = subprocess.run(  # the course's own nbgrader_config.py names the per-exercise exporter
        [sys.executable, "-m", "nbgrader", "export", f"--to={tmp_path / 'grades.csv'}"], cwd=course,
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert exported.returncode == 0, exported.stderr
    rows = {row["student_id"]: row for row in csv.DictReader((tmp_path / "grades.csv").open())}
    points = student_edition.load_registry(root)["how-it-works-two-day"]["points"]
    assert float(rows["solver"]["check-how-it-works-two-day"]) == points
    assert float(rows["partial"]["check-how-it-works-two-day"]) == points
    assert float(rows["partial"]["check-how-it-works-two-day-function"]) == 0
    assert float(rows["blank"]["check-how-it-works-two-day"]) == 0
    with capsys.disabled():
        feedback = {path.parent.parent.name: path.stat().st_size for path in (course / "autograded").rglob("*.ipynb")}
        print(f"\ngenerate_assignment: {generate_seconds:.1f} s; autograde seconds per student: {timings}; "
              f"autograded notebook bytes: {feedback}")

    graded = _tree(course)
    student_edition.write_editions(root, out, course, lettools_ref="abc123")  # unchanged book: nothing moves
    assert _tree(course) == graded

    notebook = json.loads((root / PAGE.relative_to(REPO_ROOT)).read_text())
    notebook["cells"][-1]["source"].append("\nA sentence added after grading.")
    (root / PAGE.relative_to(REPO_ROOT)).write_text(json.dumps(notebook))
    before = {**_tree(course), **{f"student/{k}": v for k, v in _tree(out).items()}}
    with pytest.raises(student_edition.RegenerationRefused, match="already been released or graded"):
        student_edition.write_editions(root, out, course, lettools_ref="abc123")
    assert {**_tree(course), **{f"student/{k}": v for k, v in _tree(out).items()}} == before
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert {s.student.id for s in gradebook.assignment_submissions(PAGE.stem)} == set(submissions)
