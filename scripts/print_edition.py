"""Build the print edition: the whole book as one PDF, ``_build/pdf/the-daily-reset.pdf``.

Run by ``make pdf``. Three steps, all offline:

1. Sphinx's ``singlehtml`` builder puts every page of ``_toc.yml`` into one HTML page, from the
   notebooks' stored outputs (no re-execution: ``make test`` checks those outputs with nbval).
   ``book_ext/single_page.py`` is loaded for this build only.
2. Debian's Chromium (through Playwright, as in ``tests/test_site.py``; never a downloaded
   browser) opens that page with only loopback networking, renders every chart with Vega as SVG
   at its default setting and typesets the maths. The page is then prepared for paper: a title
   page and a table of contents; plumbing cells (the Colab install cell, live widgets, launch
   links) removed; under each explorer a line naming what the online version lets the reader
   change, in place of its controls; solutions moved to an appendix; ``book_ext/print.css``.
3. Chromium prints it to A4. The table of contents links to every heading, so the PDF has a
   named destination, with its page, for each; those pages are filled into the contents, whose
   pages alone are printed again and put in place. Bookmarks repeat the contents.

When the site has been built (``_build/html``), the PDF is copied into it, where the landing
page's download link points.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "_build" / "pdf"
PDF_NAME = "the-daily-reset.pdf"
SITE_DIR = ROOT / "_build" / "html"
SINGLE_PAGE = "book.html"
BOOK_TITLE = "The Daily Reset: Leveraged ETFs, Interactively"
PRINT_CSS = ROOT / "book_ext" / "print.css"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PAGE_FOOTER = ('<div style="font-size:8pt;width:100%;text-align:center;color:#444">'
               '<span class="pageNumber"></span></div>')
PDF_OPTIONS = {
    "format": "A4", "print_background": True, "tagged": True,
    "display_header_footer": True, "header_template": "<span></span>", "footer_template": PAGE_FOOTER,
    "margin": {"top": "16mm", "bottom": "18mm", "left": "17mm", "right": "17mm"},
}
#: A code cell whose source contains one of these is plumbing for a live notebook, not text:
#: the Colab install cell, launch links, and the answer cells a reader fills in and checks.
PLUMBING_MARKERS = ["%pip install", "launch_note(", "replace None with", "# your code here"]
#: Tags of the live-widget cells: their output is removed on the site and unchecked by nbval.
LIVE_WIDGET_TAGS = ["tag_remove-output", "tag_nbval-ignore-output"]

# Runs before any page script: every chart is drawn as SVG (vector on paper; vega-embed's
# default is a canvas) without its action menu, and its view is kept so the printer can wait.
SVG_CHARTS_JS = """
(() => {
  let wrapped;
  window.__printViews = [];
  Object.defineProperty(window, 'vegaEmbed', {
    configurable: true,
    get() { return wrapped; },
    set(embed) {
      wrapped = Object.assign((el, spec, opt) => {
        const result = embed(el, spec, {...(opt || {}), renderer: 'svg', actions: false});
        window.__printViews.push(result);
        return result;
      }, embed);
    },
  });
})();
"""

# The site draws a chart only as it nears the viewport (book_ext/charts.js); paper needs them all.
DRAW_ALL_JS = """
() => { const charts = window.bookCharts;
        if (charts?.draw) document.querySelectorAll('div[id^="altair-viz-"]')
          .forEach(d => charts.draw(d).catch(error => console.error(error))); }
"""

CHARTS_DONE_JS = """
() => [...document.querySelectorAll('div[id^="altair-viz-"]')]
        .every(d => d.querySelector('svg.marks, .error'))
"""

# Prepares the rendered page for paper; returns what it did, for the build log and the tests.
PREPARE_JS = """
({plumbing, liveTags, parts, title, subtitle}) => {
  const done = {plumbing: 0, widgets: 0, explorers: 0, solutions: 0, charts: 0};
  // A cell left out takes the sentence introducing it ("open this page live:") along.
  const leaveOut = cell => {
    const introduces = el => el?.tagName === 'P' && el.textContent.trim().endsWith(':');
    while (introduces(cell.previousElementSibling)) cell.previousElementSibling.remove();
    cell.remove();
  };
  for (const cell of [...document.querySelectorAll('div.cell')]) {
    const source = cell.querySelector('.cell_input pre')?.textContent || '';
    if (plumbing.some(marker => source.includes(marker))) { leaveOut(cell); done.plumbing += 1; }
    else if (liveTags.every(tag => cell.classList.contains(tag))) { leaveOut(cell); done.widgets += 1; }
  }
  const list = names => names.length < 2 ? names.join('') :
    names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
  for (const chart of document.querySelectorAll('div[id^="altair-viz-"]')) {
    done.charts += 1;
    const names = [...chart.querySelectorAll('.vega-bindings .vega-bind-name')]
      .map(n => n.textContent.trim().replace(/:$/, '')).filter(Boolean);
    chart.querySelector('.vega-bindings')?.remove();
    if (!names.length) continue;
    const line = document.createElement('p');
    line.className = 'print-online';
    line.textContent = `Shown at its default setting. Online, you can change ${list(names)}.`;
    const figure = chart.closest('figure');
    (figure ? figure.querySelector('figcaption') || figure : chart).after(line);
    done.explorers += 1;
  }
  for (const block of document.querySelectorAll('details')) block.open = true;
  document.querySelectorAll('.toggle-hidden').forEach(el => el.classList.remove('toggle-hidden'));

  const article = document.querySelector('article.bd-article');
  const docs = {};
  for (const span of document.querySelectorAll('span[id^="document-"]')) {
    const section = span.nextElementSibling;
    if (section && section.tagName === 'SECTION') docs[span.id.slice('document-'.length)] = section;
  }
  docs[parts.root] = article.querySelector('section');
  const heading = section => section.querySelector(':scope > h1, :scope > h2, :scope > h3');
  // A heading without its "#" link; as plain text (for bookmarks) its maths is MathJax's
  // assistive MathML text, since typeset maths has no text of its own.
  const headingCopy = section => {
    const h = heading(section).cloneNode(true);
    h.querySelectorAll('.headerlink').forEach(a => a.remove());
    return h;
  };
  const headingText = section => {
    const h = headingCopy(section);
    h.querySelectorAll('mjx-container').forEach(m =>
      m.replaceWith(m.querySelector('mjx-assistive-mml')?.textContent || m.textContent));
    return h.textContent.replace(/\s+/g, ' ').trim();
  };

  // Solutions, chapter by chapter, in an appendix; each exercise points to its solution.
  const appendix = document.createElement('section');
  appendix.className = 'print-appendix';
  appendix.id = 'print-solutions';
  appendix.innerHTML = '<h2>Solutions to the exercises</h2>';
  const isDoc = section => section.previousElementSibling?.id?.startsWith('document-');
  const docOf = element => {
    let section = element.closest('section');
    while (section && !isDoc(section) && section.parentElement.closest('section')) {
      section = section.parentElement.closest('section');
    }
    return Object.keys(docs).find(doc => docs[doc] === section);
  };
  for (const part of parts.parts) for (const doc of part.docs) {
    const solutions = [...document.querySelectorAll('div.solution')].filter(el => docOf(el) === doc);
    if (!solutions.length) continue;
    const group = document.createElement('section');
    group.id = 'print-solutions-' + doc.replace(/\\W/g, '-');
    group.innerHTML = `<h3></h3>`;
    group.querySelector('h3').textContent = headingText(docs[doc]);
    for (const solution of solutions) {
      solution.classList.remove('dropdown');
      const pointer = document.createElement('p');
      pointer.className = 'print-solution-pointer';
      pointer.innerHTML = `<em><a href="#${group.id}">Solution in the appendix.</a></em>`;
      solution.before(pointer);
      group.append(solution);
      done.solutions += 1;
    }
    appendix.append(group);
  }
  article.append(appendix);

  // Title page and table of contents (page numbers come from the first print's destinations).
  const entries = [];
  const toc = document.createElement('nav');
  toc.className = 'print-toc';
  toc.innerHTML = '<h2>Contents</h2>';
  const top = document.createElement('ol');
  const addEntry = (list, section, level) => {
    // Section ids repeat across chapters ("exercises"): link to an anchor of our own.
    const anchor = document.createElement('span');
    anchor.id = 'print-toc-' + entries.length;
    section.prepend(anchor);
    const item = document.createElement('li');
    item.innerHTML = `<a href="#${anchor.id}"><span class="toc-title"></span><span class="toc-fill"></span>` +
                     `<span class="toc-page" data-toc-entry="${entries.length}">000</span></a>`;
    item.querySelector('.toc-title').append(...headingCopy(section).childNodes);
    entries.push({title: headingText(section), level});
    list.append(item);
    return item;
  };
  for (const part of parts.parts) {
    const partItem = document.createElement('li');
    partItem.className = 'toc-part';
    partItem.textContent = part.caption;
    top.append(partItem);
    for (const doc of part.docs) {
      const section = docs[doc];
      if (!section) continue;
      const item = addEntry(top, section, 1);
      const subs = [...section.querySelectorAll(':scope > section')].filter(s => heading(s) && !isDoc(s));
      if (!subs.length) continue;
      const sub = document.createElement('ol');
      for (const s of subs) addEntry(sub, s, 2);
      item.append(sub);
    }
  }
  const appendixItem = document.createElement('li');
  appendixItem.className = 'toc-part';
  appendixItem.textContent = 'Appendix';
  top.append(appendixItem);
  addEntry(top, appendix, 1);
  toc.append(top);
  const cover = document.createElement('div');
  cover.className = 'print-title';
  cover.innerHTML = '<p class="print-book-title"></p><p></p>';
  cover.querySelector('.print-book-title').textContent = title;
  cover.querySelector('p:last-child').textContent = subtitle;
  article.prepend(cover, toc);
  return {...done, entries};
}
"""


def toc_parts(root: Path = ROOT) -> dict:
    """The book's parts from ``_toc.yml``: the root document and, per part, its caption and documents."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    parts = [{"caption": "Front matter", "docs": [toc["root"]]}]
    parts += [{"caption": part["caption"], "docs": [chapter["file"] for chapter in part["chapters"]]}
              for part in toc["parts"]]
    return {"root": toc["root"], "parts": parts}


def build_single_page(out_dir: Path = OUT_DIR) -> Path:
    """Build the book as one HTML page from the stored notebook outputs; return the output folder.

    Warnings fail the build, as in ``make book``.
    """
    from jupyter_book.sphinx import build_sphinx

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    extensions = config["sphinx"].setdefault("local_extensions", {})
    extensions.update({name: str(ROOT / path) for name, path in extensions.items()})
    extensions["single_page"] = str(ROOT / "book_ext")
    out_dir.mkdir(parents=True, exist_ok=True)
    config_path = out_dir / "print-config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    html_dir = out_dir / "singlehtml"
    result = build_sphinx(
        ROOT, html_dir, noconfig=True, path_config=str(config_path), doctreedir=str(out_dir / ".doctrees"),
        confoverrides={"nitpicky": True, "latex_individualpages": False}, builder="singlehtml",
        warningiserror=True, keep_going=True, freshenv=True, quiet=True)
    if result != 0:
        raise SystemExit(f"the single-page build failed ({result}); its warnings are above")
    # singlehtml writes the root document's path but links everything from the output folder.
    shutil.copy2(html_dir / (toc_parts()["root"] + ".html"), html_dir / SINGLE_PAGE)
    return html_dir


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def page_numbers(pdf: Path, count: int) -> list[int]:
    """The page (1-based) of each of the ``count`` table-of-contents anchors, ``print-toc-<i>``.

    Chromium turns every linked id into a named destination of the PDF.
    """
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    destinations = reader.named_destinations
    missing = [i for i in range(count) if f"/print-toc-{i}" not in destinations]
    if missing:
        raise RuntimeError(f"table-of-contents anchors {missing} are not destinations in the PDF")
    return [reader.get_destination_page_number(destinations[f"/print-toc-{i}"]) + 1 for i in range(count)]


def finish_pdf(pdf: Path, contents: bytes, entries: list[dict], pages: list[int]) -> None:
    """Put the reprinted contents pages (from page 2) into ``pdf``, and give it bookmarks that
    match the contents and a document title.

    The reprint has the layout of the first print, numbers aside, so each page keeps its links
    and only takes the new drawing and the fonts it uses.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=pdf)
    for offset, new in enumerate(PdfReader(io.BytesIO(contents)).pages):
        target = writer.pages[1 + offset]
        target[NameObject("/Resources")] = new["/Resources"].clone(writer)
        target.replace_contents(new.get_contents().clone(writer))
    parents: dict[int, object] = {}
    for entry, page in zip(entries, pages, strict=True):
        parent = parents.get(entry["level"] - 1)
        parents[entry["level"]] = writer.add_outline_item(title=entry["title"], page_number=page - 1, parent=parent)
    writer.add_metadata({"/Title": BOOK_TITLE, "/Author": "The Daily Reset authors"})
    writer.page_mode = "/UseOutlines"
    with pdf.open("wb") as stream:
        writer.write(stream)


def print_page(html_dir: Path, pdf: Path) -> dict:
    """Render the single page built in ``html_dir`` in Chromium and print it to ``pdf``; return
    what was prepared."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    outside: list[str] = []
    errors: list[str] = []

    def route(request_route) -> None:
        if request_route.request.url.startswith(origin + "/"):
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    try:
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 760, "height": 1000})
            try:
                page = context.new_page()
                page.on("pageerror", lambda err: errors.append(str(err)))
                page.route("**/*", route)
                page.add_init_script(SVG_CHARTS_JS)
                page.emulate_media(media="print")
                clock = [("start", time.monotonic())]
                page.goto(f"{origin}/{SINGLE_PAGE}", wait_until="load", timeout=300_000)
                page.evaluate(DRAW_ALL_JS)
                page.wait_for_function(CHARTS_DONE_JS, timeout=300_000, polling=500)
                page.evaluate("() => Promise.all(window.__printViews).then(() => true)")
                clock.append(("load and render", time.monotonic()))
                page.add_style_tag(content=PRINT_CSS.read_text())
                report = page.evaluate(PREPARE_JS, {
                    "plumbing": PLUMBING_MARKERS, "liveTags": LIVE_WIDGET_TAGS, "parts": toc_parts(),
                    "title": BOOK_TITLE,
                    "subtitle": "Print edition. The charts show their default settings; "
                                "the online edition lets you change them."})
                page.evaluate("() => document.fonts.ready.then(() => true)")
                page.pdf(path=str(pdf), **PDF_OPTIONS)
                clock.append(("first print", time.monotonic()))
                numbers = page_numbers(pdf, len(report["entries"]))
                page.evaluate("""numbers => document.querySelectorAll('[data-toc-entry]')
                                   .forEach(el => { el.textContent = numbers[Number(el.dataset.tocEntry)]; })""",
                              numbers)
                # Only the contents pages changed: reprint those (the whole book takes minutes).
                contents = page.pdf(**PDF_OPTIONS, page_ranges=f"2-{numbers[0] - 1}")
                finish_pdf(pdf, contents, report["entries"], numbers)
                clock.append(("second print", time.monotonic()))
            finally:
                context.close()
    finally:
        server.shutdown()
    if outside:
        raise RuntimeError(f"the page asked for {len(outside)} resources outside the site, e.g. {outside[0]}")
    if errors:
        raise RuntimeError(f"the page raised {len(errors)} errors, e.g. {errors[0]}")
    report.pop("entries")
    report["seconds"] = {step: round(t - clock[i][1]) for i, (step, t) in enumerate(clock[1:])}
    return report


def network_namespace_prefix() -> list[str]:
    """A command prefix giving the child only a loopback network, or [] where unshare cannot."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return []
    probe = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True)
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"'] if probe.returncode == 0 else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print-only", nargs=2, metavar=("HTML_DIR", "PDF"),
                        help="only print an already built single page (runs inside the network namespace)")
    args = parser.parse_args()
    if args.print_only:
        html_dir, pdf = map(Path, args.print_only)
        print(json.dumps(print_page(html_dir, pdf)))
        return

    start = time.monotonic()
    html_dir = build_single_page()
    built = time.monotonic()
    pdf = OUT_DIR / PDF_NAME
    prefix = network_namespace_prefix()
    result = subprocess.run([*prefix, sys.executable, __file__, "--print-only", str(html_dir), str(pdf)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"printing failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    from pypdf import PdfReader

    pages = len(PdfReader(pdf).pages)
    seconds = time.monotonic() - start
    print(f"{pdf.relative_to(ROOT)}: {pages} pages, {pdf.stat().st_size / 1e6:.1f} MB, "
          f"{report['charts']} charts ({report['explorers']} explorers), {report['solutions']} solutions "
          f"in the appendix, {report['plumbing'] + report['widgets']} plumbing cells left out; "
          f"built in {seconds:.0f} s (single page {built - start:.0f} s); network: "
          + ("loopback only (unshare -n)" if prefix else "request routing alone"))
    (OUT_DIR / "build-report.json").write_text(json.dumps({**report, "pages": pages, "seconds": round(seconds)}))
    if (SITE_DIR / "index.html").is_file():
        shutil.copy2(pdf, SITE_DIR / PDF_NAME)
        print(f"copied into the site: {(SITE_DIR / PDF_NAME).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
