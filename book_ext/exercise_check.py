"""Under each exercise on the static site: how to give the answer, and a box that checks it.

For every ``{exercise}`` of a notebook page this extension finds the exercise's check cells
(the ``check("<id>", ...)`` calls that follow it, found as ``make student`` finds them) and
adds, right under the exercise:

* for a numeric exercise, the precision the answer is asked at and a labelled native input with
  a Check button, whose result is announced through a live region. The answer is not on the
  page in readable form: :func:`lettools.exercises.page_data` gives salted, iterated hashes of
  the accepted grid values and of each anticipated mistake's, and ``exercise_check.js`` rounds
  the reader's number onto the same grid and compares hashes;
* for a function-writing exercise, a note that it is checked in a live notebook.

The script and styles (``exercise_check.js``, ``exercise_check.css``) are copied into
``_static/`` and loaded only on pages with a numeric check. The dropdown solution stays.
"""

from __future__ import annotations

import html
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from lettools.exercises import FunctionExercise, NumericExercise, page_data, registered

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
ASSETS = (HERE / "exercise_check.js", HERE / "exercise_check.css")
MARKER = 'class="exercise-check"'


def _student_edition(confdir: str):
    """scripts/student_edition.py, which knows how to match check cells to exercises."""
    name = "student_edition"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(confdir) / "scripts" / "student_edition.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def check_ids_by_label(app: Sphinx, docname: str) -> dict[str, list[str]]:
    """Exercise label -> the registry ids its check cells pass to ``check``, for a notebook page."""
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return {}
    split = _student_edition(app.confdir).split_notebook(json.loads(path.read_text(encoding="utf-8")))
    return {exercise.label: exercise.check_ids for exercise in split.exercises}


def numeric_form(exercise: NumericExercise, position: int) -> str:
    """The HTML of one answer box: precision, labelled input, Check button, live result."""
    field = f"exercise-check-{exercise.id}"
    data = json.dumps(page_data(exercise), sort_keys=True).replace("</", "<\\/")
    question = f" ({chr(ord('a') + position)})" if position >= 0 else ""
    return (
        f'<form class="exercise-check" data-exercise="{html.escape(exercise.id)}" novalidate>'
        f'<p class="exercise-check-precision">{html.escape(exercise.precision)}</p>'
        f'<div class="exercise-check-row">'
        f'<label for="{field}">Your answer{question}</label>'
        f'<input id="{field}" name="answer" type="text" inputmode="decimal" autocomplete="off" spellcheck="false">'
        f'<button type="submit">Check</button></div>'
        f'<p class="exercise-check-result" role="status" aria-live="polite"></p>'
        f'<script type="application/json">{data}</script></form>'
    )


LIVE_NOTE = (
    '<p class="exercise-check-live">This exercise is checked in a live notebook: open the page with '
    "its <em>launch in Binder</em> or <em>open in Colab</em> link (under one of its interactive "
    "charts), write your answer in the cell under the exercise and run it.</p>"
)
WORDS_NOTE = (
    '<p class="exercise-check-live">The part answered in words has no automatic check: compare your '
    "answer with the solution.</p>"
)


def add_answer_boxes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put an answer box (or the live-notebook note) under each exercise with a check cell."""
    if app.builder.format != "html":
        return
    by_label = check_ids_by_label(app, docname)
    if not by_label:
        return
    exercises = registered()
    for node in list(doctree.findall(lambda n: type(n).__name__ in {"exercise_node", "exercise_enumerable_node"})):
        if node.get("label", "") not in by_label:
            continue
        ids = by_label[node["label"]]
        unknown = [exercise_id for exercise_id in ids if exercise_id not in exercises]
        if unknown:
            logger.warning(f"{docname}: check ids not in the registry: {', '.join(unknown)}", location=node)
            continue
        numeric = [exercises[i] for i in ids if isinstance(exercises[i], NumericExercise)]
        parts = [numeric_form(exercise, position if len(numeric) > 1 else -1)
                 for position, exercise in enumerate(numeric)]
        if any(isinstance(exercises[i], FunctionExercise) for i in ids):
            parts.append(LIVE_NOTE)
        if not ids or any(exercise.written for exercise in numeric):
            parts.append(WORDS_NOTE)
        node.parent.insert(node.parent.index(node) + 1, nodes.raw("", "".join(parts), format="html"))


def load_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Load the checker's script and styles on pages with an answer box, and only those."""
    if MARKER in context.get("body", ""):
        app.builder.add_js_file("exercise_check.js", priority=500)
        app.builder.add_css_file("exercise_check.css")


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        for asset in ASSETS:
            shutil.copy2(asset, Path(app.outdir) / "_static" / asset.name)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", add_answer_boxes)
    app.connect("html-page-context", load_assets)
    app.connect("build-finished", copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
