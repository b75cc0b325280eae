"""The nbgrader course that `make student` writes: nbgrader accepts it, releases it without
solutions, and grades the book's own solutions as full marks and a blank submission as zero."""

from __future__ import annotations

import json
import shutil
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
    out = tmp_path_factory.mktemp("course") / "student"
    student_edition.write_editions(REPO_ROOT, out)
    return out / "nbgrader"


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
        assert meta["locked"] and meta["points"] == 1 and meta["checksum"]
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
    checks = len(_stub_ids(CHAPTER))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        solver = gradebook.find_submission(CHAPTER.stem, "solver")
        blank = gradebook.find_submission(CHAPTER.stem, "blank")
        assert solver.max_code_score == checks
        assert solver.code_score == checks
        assert blank.code_score == 0
