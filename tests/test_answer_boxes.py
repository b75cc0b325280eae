"""The answer boxes on the static site (book_ext/exercise_check.py and .js) agree with check().

The page's checker gets only salted, iterated hashes of the accepted grid values; these tests
show that the data holds no answer in readable form, and that the browser's verdict equals the
Python checker's for every registered numeric exercise: the answer, the answer rounded at the
stated precision, each anticipated mistake, unit and sign slips, and a far-off value.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
import tempfile
from pathlib import Path

import pytest

from lettools.exercises import NumericExercise, numeric_verdict, page_data, registered

REPO_ROOT = Path(__file__).resolve().parent.parent
NUMERIC = {key: ex for key, ex in sorted(registered().items()) if isinstance(ex, NumericExercise)}
HEX = re.compile(r"^[0-9a-f]+$")


def _extension():
    spec = importlib.util.spec_from_file_location("exercise_check", REPO_ROOT / "book_ext" / "exercise_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spellings(value: float, decimals: int) -> set[str]:
    """The value written at every rounding a reader might see, kept where it has two or more digits."""
    forms = set()
    for places in range(0, decimals + 5):
        forms |= {f"{value:.{places}f}", f"{value * 100:.{places}f}"}
    forms |= {repr(value), f"{value:g}"}
    return {form for form in forms if len(form.lstrip("-").replace(".", "").strip("0")) >= 2}


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    else:
        yield path, value


@pytest.mark.parametrize("exercise_id", sorted(NUMERIC))
def test_the_page_data_holds_no_answer_at_any_rounding_within_the_tolerance(exercise_id):
    exercise = NUMERIC[exercise_id]
    data = page_data(exercise)
    step = 10.0**-exercise.decimals
    accepted = [index * step for index in sorted(exercise.accepted())] + [float(exercise.expected())]
    for path, leaf in _leaves(data):
        if path[0] in ("accepted", "mistakes"):
            assert isinstance(leaf, str) and len(leaf) == 64 and HEX.match(leaf), (path, leaf)
        elif path[0] == "salt":
            assert len(leaf) == 16 and HEX.match(leaf)
        elif isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
            assert path[0] in ("decimals", "rounds", "scale")
            assert not any(math.isclose(leaf, value, rel_tol=1e-9) for value in accepted if value), (path, leaf)
        elif isinstance(leaf, str) and path[0] in ("messages", "precision"):
            found = [form for value in accepted for form in _spellings(value, exercise.decimals)
                     if re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", leaf)]
            assert not found, (path, leaf, found)
    assert len(data["accepted"]) == len(exercise.accepted()) and len(data["mistakes"]) == len(exercise.mistakes)


def _cases(exercise: NumericExercise) -> list[str]:
    """What a reader might type: the answer, rounded, slipped, each mistake, and a far-off value."""
    expected, places = float(exercise.expected()), exercise.decimals
    values = [repr(expected), f"{expected:.{places}f}", f"{expected + 10.0**-places:.{places}f}",
              repr(-expected), repr(expected * 100), repr(expected / 100), repr(expected * 7 + 13)]
    if exercise.scale:
        values.append(repr(expected * exercise.scale))
    for wrong, _ in exercise.mistakes:
        value = float(wrong())
        values += [repr(value), f"{value:.{places}f}"]
    return list(dict.fromkeys(values))


def _test_page(folder: Path) -> Path:
    extension = _extension()
    forms = "\n".join(extension.numeric_form(exercise, -1) for exercise in NUMERIC.values())
    page = folder / "index.html"
    page.write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>answer boxes</title>
<link rel="stylesheet" href="exercise_check.css"></head><body>{forms}
<script src="exercise_check.js"></script></body></html>""")
    for asset in extension.ASSETS:
        (folder / asset.name).write_bytes(asset.read_bytes())
    return page


@pytest.mark.browser
def test_the_page_and_the_python_checker_give_the_same_verdicts(chromium):
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        page_path = _test_page(Path(folder))
        context = pw.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                        args=["--no-sandbox", "--disable-gpu"],
                                                        viewport={"width": 360, "height": 740})
        requests = []
        context.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()
                                             if route.request.url.startswith("file://") else route.abort()))
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(page_path.as_uri())
        differences, compared = [], 0
        for exercise_id, exercise in NUMERIC.items():
            form = page.locator(f'form[data-exercise="{exercise_id}"]')
            field = form.locator("input")
            assert field.evaluate("e => e.labels.length") == 1
            messages = page_data(exercise)["messages"]
            for text in _cases(exercise):
                field.fill(text)
                field.press("Enter")
                browser = form.get_attribute("data-verdict")
                python = numeric_verdict(exercise, float(text))
                compared += 1
                if browser != python:
                    differences.append((exercise_id, text, python, browser))
                status = form.locator("[role=status]")
                page.wait_for_function("s => s.textContent.length > 0", arg=status.element_handle())
                assert status.text_content() == messages[python]
            assert form.locator("[role=status]").get_attribute("aria-live") == "polite"
        field = page.locator("form.exercise-check input").first
        field.fill("twelve")
        field.press("Enter")
        assert page.locator("form.exercise-check").first.get_attribute("data-verdict") == "invalid"
        context.close()
    assert not differences, differences
    assert not errors and all(url.startswith("file://") for url in requests), (errors, requests)
    print(f"\n{compared} answers compared across {len(NUMERIC)} exercises: identical verdicts")


def _page_check_ids(site: Path) -> dict[Path, list[str]]:
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    import student_edition

    found = {}
    for notebook in student_edition.notebook_paths(REPO_ROOT):
        split = student_edition.split_notebook(json.loads(notebook.read_text()))
        ids = [i for exercise in split.exercises for i in exercise.check_ids if i in NUMERIC]
        found[site / notebook.relative_to(REPO_ROOT).with_suffix(".html")] = ids
    return found


@pytest.mark.book
@pytest.mark.browser
def test_every_numeric_exercise_on_every_page_has_a_working_answer_box(site_dir, chromium):
    from playwright.sync_api import sync_playwright
    from test_site import serve

    server, origin = serve(site_dir)
    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                            args=["--no-sandbox", "--disable-gpu"])
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                          else route.abort())
            page = context.new_page()
            for html_page, ids in _page_check_ids(site_dir).items():
                page.goto(f"{origin}/{html_page.relative_to(site_dir).as_posix()}")
                on_page = page.locator("form.exercise-check")
                assert sorted(on_page.evaluate_all("fs => fs.map(f => f.dataset.exercise)")) == sorted(ids), html_page
                for exercise_id in ids:
                    exercise = NUMERIC[exercise_id]
                    form = page.locator(f'form[data-exercise="{exercise_id}"]')
                    for text in _cases(exercise):
                        form.locator("input").fill(text)
                        form.locator("button").click()
                        assert form.get_attribute("data-verdict") == numeric_verdict(exercise, float(text)), text
            context.close()
    finally:
        server.shutdown()
