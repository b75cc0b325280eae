"""Open every page of the built site in headless Chromium with the network cut off.

Every page is opened four times: on a phone (390x844) and a desktop (1440x900)
screen, each in light and dark mode. Each time: no console errors, no request
leaves the site (every such request is aborted and recorded), no request to the
site fails, the theme follows the reader's colour scheme, every Altair chart is
drawn once scrolled to (charts are drawn lazily) as a non-empty SVG or canvas
carrying an aria-label with no text under 11 px, moving each bound control (with
the keyboard) changes its chart, controls are native labelled inputs and radio
groups are named, no chart, display formula or table is wider than the text
column unless it scrolls with a visible cue (class ``scrolls-x``), the page does
not scroll sideways, axe-core (npm, pinned; injected from ``node_modules``)
finds no WCAG 2.1 A/AA violation (colour contrast, the slowest rule and the
same at every width, is checked on the phone screen), and there is neither require.js nor an
ipywidget (dead in a static page). Screenshots of failing pages go to
``test-artifacts/``.

The browser runs in a child process. Where ``unshare -n`` works (root on Linux)
that process gets its own network namespace with only loopback up, so the page
could not reach the internet even if routing missed something; elsewhere the
request routing alone enforces it, and the test output says so.

A second test opens every page on the same screens, and on a 320 px phone (light and dark), and
checks each drawn chart's text: every SVG ``<text>`` (title, axis titles and labels, legend, end labels and
notes) lies inside the chart's box, none is cut short with an ellipsis, and no two
labels of one mark group (an axis's labels, a text layer, a legend's labels) overlap.

Run by hand: ``python tests/test_site.py _build/html test-artifacts`` (``--text`` first
for the chart text check).
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
#: (name, width, height) of the screens every page is checked on, each in light and dark mode.
SCREENS = (("phone", 390, 844), ("desktop", 1440, 900))
MODES = ("light", "dark")
#: (name, width, height, modes) of the screens the chart text check runs on: those above, and the
#: narrowest phone the book supports (320 px).
TEXT_SCREENS = tuple((*screen, MODES) for screen in SCREENS) + (("phone-320", 320, 640, MODES),)
MIN_FONT_PX = 11
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DEAD_WIDGETS = (
    ".jupyter-widgets, .widget-slider, .widget-dropdown, .widget-button, .widget-text, "
    ".widget-checkbox, .widget-box, script[type='application/vnd.jupyter.widget-view+json']"
)

# Runs in the page: one record per Altair output div.
CHARTS_JS = """
() => [...document.querySelectorAll('div[id^="altair-viz-"]')].map(div => {
  const view = div.querySelector('svg.marks, canvas.marks');
  const labelled = view ? view.closest('[aria-label]') : null;
  const box = view ? view.getBoundingClientRect() : null;
  let painted = false;
  if (view && view.tagName === 'svg') painted = view.querySelectorAll('path, line, rect, circle, text').length > 0;
  if (view && view.tagName === 'CANVAS') {
    const data = view.getContext('2d').getImageData(0, 0, view.width, view.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) { painted = true; break; }
  }
  const inputs = [...div.querySelectorAll('.vega-bindings .vega-bind')].map(bind => {
    const control = bind.querySelector('input, select');
    const radio = !!bind.querySelector('input[type=radio]');
    const group = radio && bind.getAttribute('role') === 'radiogroup'
      && (document.getElementById(bind.getAttribute('aria-labelledby') || '')?.textContent || '').trim();
    return {native: !!control, labelled: !!(control && (control.closest('label') || control.labels?.length)),
            named_group: !radio || !!group};
  });
  const sizes = view && view.tagName === 'svg'
    ? [...view.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => parseFloat(getComputedStyle(t).fontSize))
    : [];
  return {
    id: div.id, embedded: div.classList.contains('vega-embed'), kind: view ? view.tagName.toLowerCase() : null,
    width: box ? box.width : 0, height: box ? box.height : 0, painted,
    label: labelled && div.contains(labelled) ? labelled.getAttribute('aria-label') : '', error: div.querySelector('.error')?.textContent || '',
    binds: inputs, smallest_font: sizes.length ? Math.min(...sizes) : null,
  };
})
"""
SNAPSHOT_JS = """
id => { const v = document.getElementById(id).querySelector('svg.marks, canvas.marks');
        return v.tagName === 'svg' ? v.innerHTML : v.toDataURL(); }
"""
# Runs in the page: what is wider than the text column without a visible cue that it scrolls.
OVERFLOW_JS = """
async () => {
  // A section is laid out (and its wide boxes measured) as it nears the viewport: open every
  // dropdown (solutions too) and scroll through the page as a reader would.
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; });
  await frame();
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight / 2) {
    window.scrollTo(0, y);
    await frame();
  }
  await new Promise(r => setTimeout(r, 500));
  const column = document.querySelector('main .bd-article') || document.querySelector('main');
  const edge = column.getBoundingClientRect().right + 1;
  const name = el => el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  const problems = [];
  const wide = [...document.querySelectorAll('.vega-embed, mjx-container[display="true"], table')];
  for (const el of wide) {
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    let cue = false;
    for (let n = el; n && n !== column; n = n.parentElement) {
      const scrolls = n.scrollWidth > n.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(n).overflowX);
      if (scrolls && n.classList.contains('scrolls-x')) cue = true;
      else if (scrolls) problems.push(`${name(el)} scrolls inside ${name(n)} with no visible cue`);
    }
    if (box.right > edge && !cue) problems.push(`${name(el)} is ${Math.round(box.right - edge)} px wider than the column`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px > ${window.innerWidth} px)`);
  }
  return [...new Set(problems)];
}
"""
AXE_JS = """
async contrast => {
  // MathJax's visual rendering (mjx-math, hidden from assistive technology, which reads the
  // formula's MathML copy) is thousands of one-glyph elements: checking each takes minutes.
  const context = {include: [document], exclude: [['mjx-container mjx-math']]};
  const result = await axe.run(context, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations'], preload: false,
                                           rules: {'color-contrast': {enabled: contrast}}});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), first: `
    + v.nodes[0].target.join(' ') + ' ' + (v.nodes[0].failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200));
}
"""
DRAW_ALL_JS = """
async () => {
  for (const div of document.querySelectorAll('div[id^="altair-viz-"]')) {
    div.scrollIntoView({block: 'center'});
    const start = performance.now();
    while (!div.querySelector('svg.marks, canvas.marks, .error') && performance.now() - start < 15000) {
      await new Promise(r => setTimeout(r, 50));
    }
    if (!div.querySelector('svg.marks, canvas.marks, .error')) return `${div.id} was not drawn within 15 s of scrolling to it`;
  }
  window.scrollTo(0, 0);
  await new Promise(r => setTimeout(r, 300));  // let a redraw after a first fit settle
  return '';
}
"""
# Runs in the page, after every chart is drawn: chart text that is cut off, truncated or overlapping.
TEXT_FIT_JS = """
([slack, overlap, gap]) => {
  const problems = [];
  const shown = text => {
    for (let n = text; n && n.tagName !== 'svg'; n = n.parentNode) {
      const style = getComputedStyle(n);
      if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0
          || n.getAttribute('opacity') === '0') return false;
    }
    return text.textContent.trim() !== '' && text.getBoundingClientRect().width > 0;
  };
  // The part of a text's box that is painted: Vega clips some marks (clip: true) to their group.
  const painted = text => {
    let box = text.getBoundingClientRect();
    box = {left: box.left, top: box.top, right: box.right, bottom: box.bottom};
    for (let n = text.parentNode; n && n.tagName !== 'svg'; n = n.parentNode) {
      const ref = /url\\(['"]?#([^'")]+)/.exec(n.getAttribute('clip-path') || '');
      const rect = ref && document.getElementById(ref[1])?.querySelector('rect');
      if (!rect) continue;
      const m = n.getScreenCTM();
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map(a => parseFloat(rect.getAttribute(a)) || 0);
      const a = new DOMPoint(x, y).matrixTransform(m), b = new DOMPoint(x + w, y + h).matrixTransform(m);
      box = {left: Math.max(box.left, Math.min(a.x, b.x)), right: Math.min(box.right, Math.max(a.x, b.x)),
             top: Math.max(box.top, Math.min(a.y, b.y)), bottom: Math.min(box.bottom, Math.max(a.y, b.y))};
    }
    return box.right > box.left && box.bottom > box.top ? box : null;
  };
  const role = g => ([...g.classList].find(c => c.startsWith('role-')) || 'text').slice(5);
  const quote = text => JSON.stringify(text.textContent.trim().slice(0, 60));
  for (const div of document.querySelectorAll('div[id^="altair-viz-"]')) {
    const svg = div.querySelector('svg.marks');
    if (!svg) continue;
    const chart = (svg.querySelector('.role-title-text')?.textContent || '').trim();
    const name = `chart ${div.id}${chart ? ` ("${chart.slice(0, 50)}")` : ''}`;
    // The chart's box: its div, and its svg (which clips what runs past it, under the controls too).
    const [d, v] = [div.getBoundingClientRect(), svg.getBoundingClientRect()];
    const frame = {left: Math.max(d.left, v.left), right: Math.min(d.right, v.right),
                   top: Math.max(d.top, v.top), bottom: Math.min(d.bottom, v.bottom)};
    const texts = [...svg.querySelectorAll('text')].filter(shown);
    for (const text of texts) {
      const box = painted(text);
      if (!box) continue;
      const out = [['left', frame.left - box.left], ['right', box.right - frame.right],
                   ['top', frame.top - box.top], ['bottom', box.bottom - frame.bottom]]
        .filter(([, by]) => by > slack).map(([side, by]) => `${Math.round(by)} px past the ${side} edge`);
      const group = role(text.closest('g.mark-text') || text.parentNode);
      if (out.length) problems.push(`${name}: ${group} ${quote(text)} is cut off, ${out.join(', ')} of the chart's box`);
      if (/\\u2026$/.test(text.textContent.trim())) problems.push(`${name}: ${group} ${quote(text)} is truncated`);
    }
    // Labels of one mark group (an axis's labels, a text layer such as end labels, a legend's labels).
    const groups = new Map();
    for (const text of texts) {
      const g = text.closest('g.mark-text');
      if (!g) continue;
      // A legend's labels each sit in a group of their own: gather them under the legend.
      const key = g.classList.contains('role-legend-label') ? (g.closest('g.role-legend') || g) : g;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(text);
    }
    for (const [g, members] of groups) {
      const boxes = members.map(t => [t, painted(t)]).filter(([, box]) => box);
      // An axis's labels must stay apart ("10" touching "20" reads "1020"); other labels may touch.
      const axis = g.classList.contains('role-axis-label');
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [[s, a], [t, b]] = [boxes[i], boxes[j]];
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (axis ? (w > -gap && h > 0) || (h > -gap && w > 0) : w > overlap && h > overlap) {
            problems.push(`${name}: ${role(members[0].closest('g.mark-text'))} ${quote(s)} and ${quote(t)} `
              + (w > 0 && h > 0 ? `overlap (${Math.round(w)} x ${Math.round(h)} px)` : `are under ${gap} px apart`));
          }
        }
      }
    }
  }
  return problems;
}
"""
VERSIONS_JS = "() => ({vega: window.vega?.version, 'vega-lite': window.vegaLite?.version, 'vega-embed': window.vegaEmbed?.version})"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``site`` on 127.0.0.1 at a free port, in a daemon thread."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def site_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in ("_static", "_sources", "_images"))


def move_control(page, chart_id: str, index: int) -> str | None:
    """Move a chart's ``index``-th bound control with the keyboard; return its new value, or
    None when the keyboard did not change it."""
    bind = page.locator(f"#{chart_id} .vega-bindings .vega-bind").nth(index)
    radios = bind.locator("input[type=radio]")
    if radios.count():
        def state() -> str:
            return bind.locator("input[type=radio]:checked").first.get_attribute("value") or ""
        before = state()
        checked = bind.locator("input[type=radio]:checked")
        (checked.first if checked.count() else radios.first).focus()
        page.keyboard.press("ArrowDown")  # a radio group moves its selection with the arrows
        after = state()
        return None if after == before else after
    control = bind.locator("input, select").first
    kind = (control.get_attribute("type") or control.evaluate("e => e.tagName")).lower()

    def value() -> str:
        return str(control.is_checked()) if kind == "checkbox" else control.input_value()

    before = value()
    control.focus()
    if kind == "range":
        at_max = control.evaluate("e => Number(e.value) >= Number(e.max)")
        page.keyboard.press("Home" if at_max else "End")
    elif kind == "select":
        last = control.evaluate("e => e.selectedIndex >= e.options.length - 1")
        page.keyboard.press("ArrowUp" if last else "ArrowDown")
    elif kind == "checkbox":
        page.keyboard.press("Space")
    else:
        control.fill(before + "1")
        page.keyboard.press("Enter")
    after = value()
    return None if after == before else after


def check_page(context, origin: str, path: str, expected_versions: dict[str, str], artifacts: Path,
               screen: str, mode: str) -> dict:
    """What was checked on one page on one screen in one mode, and every problem found as a sentence."""
    problems: list[str] = []
    stats = {"charts": 0, "controls_moved": 0, "requests": 0}
    started = time.monotonic()
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda err: problems.append(f"uncaught exception: {err}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} for {r.url}"))

    def route(r):
        stats["requests"] += 1
        if r.request.url.startswith(origin + "/"):
            r.continue_()
        else:
            problems.append(f"request outside the site (aborted): {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.goto(f"{origin}/{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    if theme != mode:
        problems.append(f"the page is in {theme!r} mode for a reader who prefers {mode}")
    if page.locator('div[id^="altair-viz-"]').count():
        late = page.evaluate(DRAW_ALL_JS)  # charts are drawn as they near the viewport
        if late:
            problems.append(late)
        versions = page.evaluate(VERSIONS_JS)
        for name, wanted in expected_versions.items():
            got = versions.get(name) or ""
            if got.split(".")[: len(wanted.split("."))] != wanted.split("."):
                problems.append(f"{name} on the page is {got!r}, Altair expects {wanted}")
    if page.evaluate("() => typeof window.define === 'function' || typeof window.requirejs !== 'undefined'"):
        problems.append("an AMD loader (require.js) is on the page: Altair output would go to the CDN")
    if page.locator("script[src*='require']").count():
        problems.append("a require.js script tag is on the page")
    if page.locator(DEAD_WIDGETS).count():
        problems.append("ipywidget output on the page: widgets do nothing without a kernel")

    for chart in page.evaluate(CHARTS_JS):
        stats["charts"] += 1
        name = f"chart {chart['id']}"
        if chart["error"]:
            problems.append(f"{name} shows an error: {chart['error'][:200]}")
            continue
        if not (chart["embedded"] and chart["kind"] and chart["width"] > 0 and chart["height"] > 0 and chart["painted"]):
            problems.append(f"{name} did not render a non-empty SVG or canvas: {chart}")
            continue
        if not chart["label"].strip():
            problems.append(f"{name}: its {chart['kind']} has no aria-label (give the chart a description)")
        if chart["smallest_font"] is not None and chart["smallest_font"] < MIN_FONT_PX:
            problems.append(f"{name}: text of {chart['smallest_font']} px, under {MIN_FONT_PX} px")
        for bind in chart["binds"]:
            if not (bind["native"] and bind["labelled"]):
                problems.append(f"{name}: a bound control is not a labelled native input/select")
            if not bind["named_group"]:
                problems.append(f"{name}: a radio group has no role=radiogroup named by its label")
        for index in range(len(chart["binds"])):
            page.locator(f"#{chart['id']}").scroll_into_view_if_needed()
            before = page.evaluate(SNAPSHOT_JS, chart["id"])
            new_value = move_control(page, chart["id"], index)
            if new_value is None:
                problems.append(f"{name}: bound control {index + 1} did not respond to the keyboard")
                continue
            try:
                page.wait_for_function(f"([id, before]) => ({SNAPSHOT_JS})(id) !== before",
                                       arg=[chart["id"], before], timeout=5_000)
                stats["controls_moved"] += 1
            except Exception:
                problems.append(f"{name}: moving bound control {index + 1} to {new_value} did not change the chart")
    problems.extend(page.evaluate(OVERFLOW_JS))
    page.add_script_tag(path=str(AXE))
    # Colours are the same at every width; contrast (axe's slowest rule by far) is checked on the phone.
    problems.extend(f"axe: {violation}" for violation in page.evaluate(AXE_JS, screen == "phone"))
    if problems:
        artifacts.mkdir(parents=True, exist_ok=True)
        shot = artifacts / f"{path.replace('/', '__')}-{screen}-{mode}.png"
        page.screenshot(path=str(shot), full_page=True)
    page.close()
    return {**stats, "seconds": round(time.monotonic() - started, 1), "problems": problems}


#: Text may reach this far past its chart's box (anti-aliasing, rounding), px.
TEXT_SLACK_PX = 1
#: Two labels of one group may overlap this much, in both directions, before they count as overlapping, px.
TEXT_OVERLAP_PX = 3
#: Least gap between two labels of one axis, px.
AXIS_LABEL_GAP_PX = 2


def check_chart_text(context, origin: str, path: str, artifacts: Path, screen: str, mode: str) -> dict:
    """Every chart on one page drawn on one screen: text cut off by the chart's box (more than
    :data:`TEXT_SLACK_PX`), text truncated with an ellipsis, labels of one mark group (a text
    layer such as end labels, a legend) overlapping by more than :data:`TEXT_OVERLAP_PX` in both
    directions, and labels of one axis less than :data:`AXIS_LABEL_GAP_PX` apart."""
    started = time.monotonic()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origin + "/") else r.abort())
    page.goto(f"{origin}/{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    charts = page.locator('div[id^="altair-viz-"]').count()
    problems: list[str] = []
    if charts:
        # Charts in solutions are drawn too, at the width a reader who opens them sees.
        page.evaluate("() => document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; })")
        late = page.evaluate(DRAW_ALL_JS)
        if late:
            problems.append(late)
        page.wait_for_timeout(300)  # a redraw after a change of column width settles
        problems.extend(page.evaluate(TEXT_FIT_JS, [TEXT_SLACK_PX, TEXT_OVERLAP_PX, AXIS_LABEL_GAP_PX]))
    if problems:
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / f"text-{path.replace('/', '__')}-{screen}-{mode}.png"), full_page=True)
    page.close()
    return {"charts": charts, "seconds": round(time.monotonic() - started, 1), "problems": problems}


def check_site(site: Path, artifacts: Path, expected_versions: dict[str, str], *, text_only: bool = False) -> dict[str, dict]:
    """:func:`check_page`'s findings for every HTML page of the built site, keyed "page (screen, mode)"
    (:func:`check_chart_text`'s with ``text_only``)."""
    from playwright.sync_api import sync_playwright

    server, origin = serve(site)
    findings = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                screens = TEXT_SCREENS if text_only else tuple((*screen, MODES) for screen in SCREENS)
                for screen, width, height, modes in screens:
                    phone = screen.startswith("phone")
                    for mode in modes:
                        context = browser.new_context(viewport={"width": width, "height": height},
                                                      color_scheme=mode, is_mobile=phone, has_touch=phone)
                        for path in site_pages(site):
                            findings[f"{path} ({screen}, {mode})"] = (
                                check_chart_text(context, origin, path, artifacts, screen, mode) if text_only
                                else check_page(context, origin, path, expected_versions, artifacts, screen, mode))
                        context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
    return findings


def network_namespace_prefix() -> list[str]:
    """A command prefix giving the child only a loopback network, or [] where unshare cannot."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return []
    probe = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True)
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"'] if probe.returncode == 0 else []


@pytest.mark.browser
@pytest.mark.book
def test_every_page_offline(site_dir, chromium, repo_root):
    import altair as alt

    artifacts = repo_root / "test-artifacts"
    versions = {"vega": alt.VEGA_VERSION, "vega-lite": alt.VEGALITE_VERSION, "vega-embed": alt.VEGAEMBED_VERSION}
    prefix = network_namespace_prefix()
    print("network: " + ("own namespace, loopback only (unshare -n)" if prefix
                         else "unshare unavailable: relying on request routing alone"))
    result = subprocess.run(
        [*prefix, sys.executable, __file__, str(site_dir), str(artifacts), json.dumps(versions)],
        capture_output=True, text=True, timeout=2400)
    assert result.returncode == 0, f"browser run crashed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report, "the site has no pages"
    for page, found in report.items():
        print(f"{page}: {found['charts']} charts, {found['controls_moved']} bound controls moved, "
              f"{found['requests']} requests, {found['seconds']} s, {len(found['problems'])} problems")
    failures = {page: found["problems"] for page, found in report.items() if found["problems"]}
    assert not failures, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in failures.items()) + \
        f"\n(screenshots in {artifacts})"


@pytest.mark.browser
@pytest.mark.book
def test_chapter_pages_within_the_weight_budget(site_dir, chromium, repo_root):
    sys.path.insert(0, str(repo_root / "scripts"))
    import site_report

    weights, bundle = site_report.measure(site_dir)
    assert weights and all(sent > 0 for sent, _ in weights.values()), weights
    assert bundle > 0
    heavy = {page: weights[page][0] for page in site_report.over_budget(weights)}
    assert not heavy, f"chapter pages over {site_report.BUDGET_BYTES} bytes transferred: {heavy}"


@pytest.mark.browser
@pytest.mark.book
def test_chart_text_fits_and_does_not_overlap(site_dir, chromium, repo_root):
    """On every page, phone and desktop, light and dark, and a 320 px phone: no chart text outside its chart's box
    (titles, axis titles and labels, legends, end labels), none truncated, none overlapping
    another label of its group."""
    artifacts = repo_root / "test-artifacts"
    prefix = network_namespace_prefix()
    result = subprocess.run([*prefix, sys.executable, __file__, "--text", str(site_dir), str(artifacts)],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"browser run crashed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report, "the site has no pages"
    charts = sum(found["charts"] for found in report.values())
    assert charts >= 40, f"only {charts} charts checked: the page scan found too few"
    for page, found in report.items():
        if found["charts"]:
            print(f"{page}: {found['charts']} charts, {found['seconds']} s, {len(found['problems'])} problems")
    failures = {page: found["problems"] for page, found in report.items() if found["problems"]}
    assert not failures, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in failures.items()) + \
        f"\n(screenshots in {artifacts})"


if __name__ == "__main__":
    text_only = sys.argv[1] == "--text"
    args = sys.argv[2:] if text_only else sys.argv[1:]
    site_arg, artifacts_arg = Path(args[0]), Path(args[1])
    if len(args) > 2:
        wanted = json.loads(args[2])
    else:
        import altair as alt

        wanted = {"vega": alt.VEGA_VERSION, "vega-lite": alt.VEGALITE_VERSION, "vega-embed": alt.VEGAEMBED_VERSION}
    print(json.dumps(check_site(site_arg, artifacts_arg, wanted, text_only=text_only)))


@pytest.mark.book
def test_formulas_are_typeset_at_build_time_and_pages_load_no_mathjax(site_dir):
    pages = list(site_dir.rglob("*.html"))
    with_math = [page for page in pages if "mjx-container" in page.read_text(encoding="utf8")]
    assert len(with_math) >= 6  # every chapter has formulas
    for page in pages:
        text = page.read_text(encoding="utf8")
        assert "tex-chtml.js" not in text and "window.MathJax" not in text, page
        assert 'class="math notranslate nohighlight">\\(' not in text, f"{page}: a formula left as TeX"
        assert text.count("<link rel=\"stylesheet\"") <= 1 or page.name == "search.html", page
