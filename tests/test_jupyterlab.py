"""Every notebook of the live edition, run in a real JupyterLab, in Debian's Chromium, offline.

JupyterLab comes from the Binder environment (``binder/requirements.txt``, the ``binder_venv``
fixture) and listens on 127.0.0.1 with a token; the browser and the server run in a child
process that, where ``unshare -n`` works, has a network namespace with only loopback up.
For each notebook of ``live/`` (copied, so autosave cannot touch the committed files) the
test runs all cells and checks: every cell ran, no error or stderr output, no console
error, no request leaves the machine, the markdown shows no unrendered MyST (``{glue``,
``{numref}``, ``{term}``, ``{cite``) outside code, solutions are closed ``<details>``, and
for every live ipywidget, moving one control changes the chart the widget draws. The first
widget of each notebook is saved as ``test-artifacts/jupyterlab-<name>.png``.

Altair's ``html`` renderer loads Vega from jsDelivr in a notebook; here those requests are
answered from the pinned bundles in ``node_modules`` (the same versions), so the charts draw
without a network. Any other request leaving 127.0.0.1 is aborted and reported.

Run by hand: ``python tests/test_jupyterlab.py <binder venv> <notebooks dir> <artifacts dir>``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import venv_env  # noqa: E402
from test_site import CHROMIUM, CHROMIUM_ARGS, network_namespace_prefix  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
UNRENDERED = ("{glue", "{numref}", "{term}", "{cite")
# jsDelivr package name -> the bundle that node_modules holds for it.
CDN_BUNDLES = {
    "vega": "vega/build/vega.min.js",
    "vega-lite": "vega-lite/build/vega-lite.min.js",
    "vega-embed": "vega-embed/build/vega-embed.min.js",
}
# JupyterLab settings for the run: every cell kept in the page (no windowing), no news checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

# In the page: each explorer widget (a box whose last child is an ipywidgets Output).
WIDGETS_JS = """
() => [...document.querySelectorAll('.widget-output')].map(out => out.parentElement)
      .filter(box => box.classList.contains('widget-vbox')).length
"""
WIDGET_SNAPSHOT_JS = """
index => {
  const box = [...document.querySelectorAll('.widget-output')].map(o => o.parentElement)
                .filter(b => b.classList.contains('widget-vbox'))[index];
  const out = box.querySelector('.widget-output');
  const view = out.querySelector('svg.marks, canvas.marks');
  if (!view) return '';
  return view.tagName === 'svg' ? view.innerHTML : view.toDataURL();
}
"""
# The rendered text of every markdown cell, without its (hidden) editor and without code.
MARKDOWN_TEXT_JS = """
() => [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell')]
  .map(cell => { const copy = cell.cloneNode(true);
                 copy.querySelectorAll('.jp-InputArea-editor, .cm-editor, .jp-InputPrompt, code, pre')
                     .forEach(c => c.remove());
                 return copy.textContent; }).join('\\n')
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_lab(venv: Path, root: Path, settings: Path, port: int, token: str) -> subprocess.Popen:
    settings.mkdir(parents=True, exist_ok=True)
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    log = open(root.parent / "jupyterlab.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [str(venv / "bin" / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={settings.parent / 'workspaces'}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", "--ServerApp.port_retries=0", "--allow-root"],
        env={**venv_env(venv), "JUPYTER_CONFIG_DIR": str(settings.parent / "config"),
             "JUPYTER_RUNTIME_DIR": str(settings.parent / "runtime"), "IPYTHONDIR": str(settings.parent / "ipython")},
        stdout=log, stderr=subprocess.STDOUT, cwd=root,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited:\n{(root.parent / 'jupyterlab.log').read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("JupyterLab did not start within 120 s")


def move_first_control(page, box) -> str:
    """Move the widget's first control; return a description of the move."""
    first = box.locator(":scope > .widget-vbox").first.locator(":scope > *").first
    if first.locator(".widget-toggle-button").count() or "widget-toggle-buttons" in (first.get_attribute("class") or ""):
        target = first.locator(".widget-toggle-button:not(.mod-active)").first
        target.click()
        return f"toggle -> {target.inner_text()}"
    if first.locator("select").count():
        options = first.locator("select option")
        current = first.locator("select").input_value()
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        new = next(v for v in values if v != current)
        first.locator("select").select_option(new)
        return f"dropdown -> {new}"
    if first.locator(".widget-readout").count():
        readout = first.locator(".widget-readout")
        before = readout.inner_text().strip()
        handle = first.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        if readout.inner_text().strip() == before:
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(300)
        return f"slider {before} -> {readout.inner_text().strip()}"
    raise AssertionError(f"no control to move in {first.inner_html()[:300]}")


def check_notebook(context, origin: str, token: str, name: str, artifacts: Path) -> dict:
    problems: list[str] = []
    stats = {"cells": 0, "widgets": 0, "widgets_changed": 0, "details": 0}
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda err: problems.append(f"uncaught exception: {err}"))
    node_modules = REPO_ROOT / "node_modules"

    def route(r):
        url = r.request.url
        if url.startswith(origin + "/"):
            return r.continue_()
        cdn = re.match(r"https://cdn\.jsdelivr\.net/npm/(vega(?:-lite|-embed)?)@[^/?]+", url)
        if cdn and (node_modules / CDN_BUNDLES[cdn.group(1)]).is_file():
            return r.fulfill(path=str(node_modules / CDN_BUNDLES[cdn.group(1)]),
                             content_type="application/javascript", headers={"Access-Control-Allow-Origin": "*"})
        problems.append(f"request outside the machine (aborted): {url}")
        return r.abort()

    page.route("**/*", route)
    page.goto(f"{origin}/lab/workspaces/{name.removesuffix('.ipynb')}/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    # Run only once the kernel is connected and idle (the status bar says so); earlier, cells fail.
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for(timeout=180_000)
    try:
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    except Exception as exc:
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / f"jupyterlab-{name.removesuffix('.ipynb')}-failed.png"))
        page.close()
        return {**stats, "problems": [f"could not run all cells from the Run menu: {exc}"]}
    code_cells = page.locator(".jp-Notebook .jp-CodeCell")
    stats["cells"] = code_cells.count()
    try:
        page.wait_for_function(
            """() => { const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                       return prompts.length && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)); }""",
            timeout=600_000)
    except Exception:
        problems.append("not every cell finished running within 10 minutes")
    page.wait_for_timeout(1500)  # let the last outputs (charts) render

    for error in page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all():
        problems.append(f"error or stderr output: {error.inner_text()[:400]}")
    text = page.evaluate(MARKDOWN_TEXT_JS)
    if not text.strip():
        problems.append("no rendered markdown found")
    for marker in UNRENDERED:
        if marker in text:
            at = text.index(marker)
            problems.append(f"unrendered {marker!r} visible: ...{text[max(0, at - 80):at + 80]}...")
    for raw in ("<details>", "<summary>", "```{"):
        if raw in text:
            problems.append(f"raw markup {raw!r} visible in the rendered markdown")
    details = page.locator(".jp-MarkdownCell details")
    stats["details"] = details.count()
    if page.locator(".jp-MarkdownCell details[open]").count():
        problems.append("a solution is open before the reader opens it")

    boxes = page.locator(".widget-vbox:has(> .widget-output)")
    stats["widgets"] = boxes.count()
    for index in range(stats["widgets"]):
        box = boxes.nth(index)
        box.scroll_into_view_if_needed()
        try:
            page.wait_for_function(f"() => ({WIDGET_SNAPSHOT_JS})({index}) !== ''", timeout=60_000)
        except Exception:
            problems.append(f"widget {index + 1} draws no chart")
            continue
        if index == 0:
            artifacts.mkdir(parents=True, exist_ok=True)
            box.screenshot(path=str(artifacts / f"jupyterlab-{name.removesuffix('.ipynb')}.png"))
        before = page.evaluate(WIDGET_SNAPSHOT_JS, index)
        move = move_first_control(page, box)
        try:
            page.wait_for_function(f"before => ({WIDGET_SNAPSHOT_JS})({index}) !== before && "
                                   f"({WIDGET_SNAPSHOT_JS})({index}) !== ''", arg=before, timeout=60_000)
            stats["widgets_changed"] += 1
        except Exception:
            problems.append(f"widget {index + 1}: {move} did not change its chart")
    if problems:
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / f"jupyterlab-{name.removesuffix('.ipynb')}-failed.png"), full_page=True)
    page.close()
    return {**stats, "problems": problems}


def check_live_edition(venv: Path, notebooks: Path, artifacts: Path) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    venv, notebooks, artifacts = venv.resolve(), notebooks.resolve(), artifacts.resolve()
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "work"
        shutil.copytree(notebooks, root)
        for attempt in range(5):  # another process may take the free port before the server binds it
            port = free_port()
            try:
                lab = start_lab(venv, root, Path(scratch) / "settings", port, token)
                break
            except RuntimeError:
                if attempt == 4:
                    raise
        try:
            with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
                context = pw.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                    viewport={"width": 1280, "height": 900})
                try:
                    report = {path.name: check_notebook(context, f"http://127.0.0.1:{port}", token, path.name,
                                                        artifacts) for path in sorted(root.glob("*.ipynb"))}
                finally:
                    context.close()
            if any(found["problems"] for found in report.values()):
                artifacts.mkdir(parents=True, exist_ok=True)
                shutil.copy(root.parent / "jupyterlab.log", artifacts / "jupyterlab-server.log")
            return report
        finally:
            lab.terminate()
            try:
                lab.wait(timeout=20)
            except subprocess.TimeoutExpired:
                lab.kill()


@pytest.mark.browser
@pytest.mark.slow
def test_live_edition_runs_in_jupyterlab(binder_venv, chromium, repo_root):
    if not (repo_root / "node_modules" / CDN_BUNDLES["vega"]).is_file():
        pytest.fail("node_modules is missing: run `make setup` (npm ci)")
    artifacts = repo_root / "test-artifacts"
    prefix = network_namespace_prefix()
    print("network: " + ("own namespace, loopback only (unshare -n)" if prefix
                         else "unshare unavailable: relying on request routing alone"))
    started = time.monotonic()
    result = subprocess.run(
        [*prefix, sys.executable, __file__, str(binder_venv), str(repo_root / "live"), str(artifacts)],
        capture_output=True, text=True, timeout=1500, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert result.returncode == 0, f"browser run crashed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(report) == len(list((repo_root / "live").glob("*.ipynb"))), report.keys()
    for name, found in report.items():
        print(f"{name}: {found['cells']} code cells run, {found['widgets']} widgets "
              f"({found['widgets_changed']} redrew when moved), {found['details']} folded solutions, "
              f"{len(found['problems'])} problems")
    print(f"JupyterLab run: {time.monotonic() - started:.0f} s")
    assert sum(found["widgets"] for found in report.values()) > 0, "no live widget found in any notebook"
    failures = {name: found["problems"] for name, found in report.items() if found["problems"]}
    assert not failures, "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in failures.items()) + \
        f"\n(screenshots in {artifacts})"


if __name__ == "__main__":
    print(json.dumps(check_live_edition(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))))
