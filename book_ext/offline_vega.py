"""Serve Vega, Vega-Lite, vega-embed and MathJax from the built site instead of a CDN.

Altair's HTML output fetches its three libraries from jsdelivr unless
``window.VEGA_DEBUG`` already names the versions it wants and no AMD loader
(require.js) is on the page. This extension

* checks, when the builder starts, that ``npm ci`` has installed exactly the
  versions Altair asks for (so an Altair upgrade cannot silently fall back to
  the CDN or run a mismatched Vega);
* shows pandas tables with readable headers: ``mean_miss_bp`` reads "Mean miss (bp)",
  and an empty corner cell is a plain cell, not an unnamed column header;
* moves each chart out of its page: the spec, with its data embedded once (inline data that a
  spec repeats, as every layer of a twin carries the full grid, moves to the spec's top-level
  ``datasets``, named by a hash), goes to ``_static/charts/<page>-<hash>.js``, named in the
  chart's ``<div data-chart>``; a page then carries none of its charts' data;
* on pages whose body contains Altair output, and only those, adds
  ``window.VEGA_DEBUG`` and a stand-in ``vegaEmbed`` that queues Altair's calls (output left
  inline), plus ``charts.js`` (deferred), which loads a chart's script and the three bundles
  when the chart nears the viewport and draws it fitted to its column in the page's light or
  dark theme;
* adds ``site.css`` and ``site.js`` (scrolling cues, focus rings, control styles) to every
  page, a description meta tag from the page's first paragraph, and writes ``index.html`` as a
  copy of the root page (not a redirect);
* warns when a page body loads a script from another origin, so ``-W`` turns a
  stray CDN dependency into a build failure;
* drops duplicate scripts and unread ipywidget state from every page, and the theme's
  Font Awesome script (1.5 MB of JavaScript that swaps a dozen ``<i class="fa-...">`` for
  SVG): ``icons.css`` draws the icons the site uses as CSS masks, cut from that script
  when the build finishes; the glyphs the theme's CSS draws with Font Awesome's font
  (admonition icons) become masks too, so no page downloads that 150 KB font; duplicate
  viewport meta tags go too, and the light or dark theme is chosen before the first paint;
* typesets every formula when the build finishes (``prerender_math.js``: MathJax's own TeX
  and CommonHTML code in Node.js, with a hidden MathML copy for screen readers) and removes
  MathJax's script from the pages;
* serves each page's stylesheets as one bundle, without the rules that nothing on the site can
  match (most of Bootstrap), and the search scripts only on the search page; writes Sphinx's
  ``documentation_options.js`` into each page (the one blocking script, 400 bytes);
* copies the bundles and MathJax's fonts from ``node_modules`` into the site's
  ``_static/offline/`` when the build finishes (every build, so an incremental
  build never serves stale copies).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import altair as alt
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

VENDOR_DIR = "offline"  # under _static/; "vendor" is the theme's
#: npm package -> (bundle inside the package, version Altair asks for, VEGA_DEBUG key)
VEGA_BUNDLES = {
    "vega": ("build/vega.min.js", alt.VEGA_VERSION, "vega_version"),
    "vega-lite": ("build/vega-lite.min.js", alt.VEGALITE_VERSION, "vegalite_version"),
    "vega-embed": ("build/vega-embed.min.js", alt.VEGAEMBED_VERSION, "vegaembed_version"),
}
MATHJAX_TREE = "mathjax/es5"
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"  # under MATHJAX_TREE, and under _static/offline/mathjax/
HERE = Path(__file__).parent
CHART_JS = HERE / "charts.js"  # lazy, fitted, themed drawing of Altair charts
SITE_FILES = (HERE / "site.css", HERE / "site.js")  # every page
DESCRIPTION_CHARS = 155
FONTAWESOME_JS = "scripts/fontawesome.js"  # the theme's, under _static/
ICONS_CSS = "icons.css"
#: Font Awesome icon definitions in the theme's script: name: [width, height, [aliases], unicode, path].
FA_ICON = re.compile(
    r'(?:"([a-z0-9-]+)"|\b([a-z][a-z0-9]*)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)",("(?:[^"\\]|\\.)*")\]'
)
FA_PACK_STYLE = re.compile(r'"fa([bsr])"')
FA_STYLE_CLASSES = {"fab": "b", "fa-brands": "b", "far": "r", "fa-regular": "r"}  # anything else: solid
FA_CLASS_ATTR = re.compile(r'class="([^"]*\bfa-[^"]*)"')
VIEWPORT_META = re.compile(r'\s*<meta name="viewport"[^>]*>')
ALTAIR_MARKER = "VEGA_DEBUG"
EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\ssrc=[\"']?(?:https?:)?//", re.IGNORECASE)


def version_matches(installed: str, wanted: str) -> bool:
    """Whether an npm version satisfies Altair's pin ("6" means any 6.x, "6.4.1" exactly)."""
    return installed.split(".")[: len(wanted.split("."))] == wanted.split(".")


def _node_modules(app: Sphinx) -> Path:
    return Path(app.confdir) / app.config.offline_vega_node_modules


def check_installed_versions(app: Sphinx) -> None:
    """Fail the build early, naming the fix, when the npm packages are absent or off Altair's pins."""
    root = _node_modules(app)
    for package, (bundle, wanted, _) in VEGA_BUNDLES.items():
        manifest = root / package / "package.json"
        if not manifest.is_file() or not (root / package / bundle).is_file():
            raise ExtensionError(f"{root / package} is missing: run `npm ci` in {app.confdir}")
        installed = json.loads(manifest.read_text())["version"]
        if not version_matches(installed, wanted):
            raise ExtensionError(
                f"npm {package} is {installed} but altair {alt.__version__} expects {wanted}: "
                "update package.json and run `npm install`"
            )
    if not (root / MATHJAX_TREE).is_dir():
        raise ExtensionError(f"{root / MATHJAX_TREE} is missing: run `npm ci` in {app.confdir}")


DATAFRAME = re.compile(r'<table[^>]*class="[^"]*dataframe[^"]*"[^>]*>.*?</table>', re.DOTALL)
HEADER_CELL = re.compile(r"<th([^>]*)>([^<]*)</th>")
#: Words of a column name that read better as something else ("bp" -> "(bp)").
HEADER_WORDS = {"bp": "(bp)", "pct": "%", "prob": "probability of", "x": "\u00d7", "n": "number of"}


def readable_header(name: str) -> str:
    """``mean_miss_bp`` -> ``Mean miss (bp)``; names without an underscore are left as they are."""
    if "_" not in name or " " in name.strip():
        return name
    words = [HEADER_WORDS.get(word, word) for word in name.strip().split("_") if word]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def readable_tables(body: str) -> str:
    """Pandas tables in ``body`` with readable headers and no empty header cells."""

    def cell(match: re.Match) -> str:
        attributes, text = match.groups()
        if not text.replace("&nbsp;", "").strip():
            return f"<td{attributes}></td>"
        return f"<th{attributes}>{readable_header(text)}</th>"

    return DATAFRAME.sub(lambda table: HEADER_CELL.sub(cell, table.group(0)), body)


ALTAIR_SPEC_START = "})({"  # Altair's template: (function(spec, embedOpt){...})({spec}, {options});


def dedupe_inline_data(spec: dict) -> dict:
    """``spec`` with every inline dataset that appears more than once moved to its ``datasets``."""
    seen: dict[str, int] = {}

    def walk(node: Any, visit) -> Any:
        if isinstance(node, list):
            return [walk(item, visit) for item in node]
        if not isinstance(node, dict):
            return node
        if "values" in node and "name" not in node and isinstance(node["values"], (str, list)):
            return visit(node)
        return {key: value if key == "datasets" else walk(value, visit) for key, value in node.items()}

    def key(node: dict) -> str:
        return hashlib.sha256(json.dumps(node["values"], sort_keys=True).encode()).hexdigest()[:20]

    def count(node: dict) -> dict:
        seen[key(node)] = seen.get(key(node), 0) + 1
        return node

    walk(spec, count)
    if all(n == 1 for n in seen.values()):
        return spec
    datasets = dict(spec.get("datasets", {}))

    def move(node: dict) -> dict:
        name = key(node)
        if seen[name] == 1:
            return node
        datasets[f"data-{name}"] = node["values"]
        return {"name": f"data-{name}", **{k: v for k, v in node.items() if k != "values"}}

    moved = walk(spec, move)
    moved["datasets"] = datasets
    return moved


def embed_data_once(body: str) -> str:
    """Every Altair spec in a page body with repeated inline data moved to ``datasets``."""
    decoder = json.JSONDecoder()
    parts = []
    position = 0
    while (start := body.find(ALTAIR_SPEC_START, position)) != -1:
        start += len(ALTAIR_SPEC_START) - 1
        try:
            spec, end = decoder.raw_decode(body, start)
        except ValueError:
            parts.append(body[position:start])
            position = start
            continue
        parts.append(body[position:start])
        parts.append(json.dumps(dedupe_inline_data(spec)) if isinstance(spec, dict) else body[start:end])
        position = end
    parts.append(body[position:])
    return "".join(parts)


CHART_DIR = "charts"  # under _static/: one script per chart, loaded as the chart nears the viewport
ALTAIR_OUTPUT = re.compile(r'<div id="(altair-viz-[0-9a-f]+)"></div>\s*<script type="text/javascript">')
ALTAIR_CALL_END = re.compile(r"\s*\);\s*</script>")


def chart_file_source(chart_id: str, spec: Any, options: Any) -> str:
    """The script that registers one chart: ``bookCharts.define(id, spec, options)``."""
    return (f"window.bookCharts.define({json.dumps(chart_id)}, {json.dumps(spec, separators=(',', ':'))}, "
            f"{json.dumps(options, separators=(',', ':'))});\n")


def externalise_charts(body: str, write) -> str:
    """Every Altair output in ``body`` with its script (spec, inline data and loader) moved out.

    The output's ``<div>`` gets ``data-chart``, the URL that ``write(chart_id, source)`` returns for
    the script :func:`chart_file_source` makes (repeated inline data embedded once); charts.js
    loads that script, and the Vega bundles, when the chart nears the viewport. The page then
    carries no chart data: a phone parses only the text it shows first. An output this code does
    not recognise is left as it is (charts.js still draws it through the queued ``vegaEmbed``).
    """
    decoder = json.JSONDecoder()
    parts = []
    position = 0
    for match in ALTAIR_OUTPUT.finditer(body):
        if match.start() < position:
            continue
        close = body.find("</script>", match.end())
        start = body.find(ALTAIR_SPEC_START, match.end(), close)
        if start == -1:
            continue
        try:
            spec, end = decoder.raw_decode(body, start + len(ALTAIR_SPEC_START) - 1)
            comma = re.compile(r"\s*,\s*").match(body, end)
            options, end = decoder.raw_decode(body, comma.end()) if comma else ({}, end)
        except ValueError:
            continue
        tail = ALTAIR_CALL_END.match(body, end)
        if not isinstance(spec, dict) or not isinstance(options, dict) or tail is None:
            continue
        chart_id = match.group(1)
        url = write(chart_id, chart_file_source(chart_id, dedupe_inline_data(spec), options))
        parts.append(body[position:match.start()])
        parts.append(f'<div id="{chart_id}" data-chart="{html.escape(url)}"></div>')
        position = tail.end()
    parts.append(body[position:])
    return "".join(parts)


def chart_writer(app: Sphinx, pagename: str, pathto):
    """``write(chart_id, source) -> url``: saves a chart's script under ``_static/charts/`` as
    ``<page>-<hash>.js`` (a new name when it changes, as ``_static`` is cached for a year) and
    removes the page's scripts from earlier builds."""
    folder = Path(app.outdir) / "_static" / CHART_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", pagename)
    own = re.compile(re.escape(stem) + r"-[0-9a-f]{16}\.js")
    stale = {path.name for path in folder.iterdir() if own.fullmatch(path.name)}

    def write(chart_id: str, source: str) -> str:
        name = f"{stem}-{hashlib.sha256(source.encode()).hexdigest()[:16]}.js"
        path = folder / name
        if name in stale:
            stale.discard(name)
        else:
            path.write_text(source, encoding="utf8")
        return pathto(f"_static/{CHART_DIR}/{name}", 1)

    def finish() -> None:
        for name in stale:
            (folder / name).unlink(missing_ok=True)

    write.finish = finish
    return write


def add_vega_to_chart_pages(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Load the Vega bundles and chart styles on pages with Altair output; flag scripts from other origins."""
    body = context.get("body", "")
    if "dataframe" in body:
        body = context["body"] = readable_tables(body)
    if EXTERNAL_SCRIPT.search(body):
        logger.warning(f"{pagename}: page body loads a script from another origin", location=pagename)
    if ALTAIR_MARKER not in body:
        return
    pathto = context["pathto"]
    write = chart_writer(app, pagename, pathto)
    context["body"] = embed_data_once(externalise_charts(body, write))
    write.finish()
    preset = {key: version for _, version, key in VEGA_BUNDLES.values()}
    bundles = [pathto(f"_static/{VENDOR_DIR}/{Path(bundle).name}", 1) for bundle, _, _ in VEGA_BUNDLES.values()]
    # Sphinx resets per-page script lists after each page, so this stays local to the page.
    app.builder.add_js_file(None, priority=400, body=(
        f"window.VEGA_DEBUG = {json.dumps(preset)};"
        f"window.bookCharts = {{bundles: {json.dumps(bundles)}, calls: []}};"
        "window.vegaEmbed = (...call) => new Promise((resolve, reject) =>"
        " window.bookCharts.calls.push([...call.slice(0, 3), resolve, reject]));"
    ))
    # The builder's add_js_file takes attributes as they are (``loading_method`` is the app's spelling).
    app.builder.add_js_file(f"{VENDOR_DIR}/{CHART_JS.name}", priority=401, defer="defer")


def describe_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """A ``<meta name="description">`` from the page's first paragraph (search results and link previews)."""
    if doctree is None:
        return
    from docutils import nodes

    for paragraph in doctree.findall(nodes.paragraph):
        text = " ".join(paragraph.astext().split())
        if len(text) >= 40:
            break
    else:
        text = app.config.project
    if len(text) > DESCRIPTION_CHARS:
        text = text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{html.escape(text)}" />'


def tidy_page_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Drop scripts that would only cause trouble or weight on a static page.

    * The second of two identical scripts: sphinx-thebe's inline config arrives twice under
      Jupyter Book, and a second ``const THEBE_JS_URL`` is a console error on every page.
    * Saved ipywidget state, when no widget manager is loaded (``nb_ipywidgets_js`` empty):
      nothing would read it.
    * MathJax and its configuration on a page without math.
    """
    scripts = context.get("script_files", [])
    drop_widget_state = not getattr(app.config, "nb_ipywidgets_js", None)
    # Sphinx loads MathJax on a page whose toctree children have math (the root page lists them all).
    drop_mathjax = "math notranslate" not in context.get("body", "")
    seen = set()
    unique = []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))  # None and "" both mean inline
        if drop_widget_state and script.attributes.get("type") == "application/vnd.jupyter.widget-state+json":
            continue
        if drop_mathjax and ((script.filename or "").endswith(app.config.mathjax_path)
                             or script.attributes.get("body", "").startswith("window.MathJax")):
            continue
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def copy_vendor_files(app: Sphinx, exception: Exception | None) -> None:
    """Copy the bundles and MathJax into ``_static/offline`` of an HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    root = _node_modules(app)
    target = Path(app.outdir) / "_static" / VENDOR_DIR
    target.mkdir(parents=True, exist_ok=True)
    for package, (bundle, _, _) in VEGA_BUNDLES.items():
        shutil.copy2(root / package / bundle, target / Path(bundle).name)
    # The formulas are typeset at build time (prerender_math): the pages need only MathJax's fonts.
    shutil.copytree(root / MATHJAX_TREE / MATHJAX_FONTS, target / "mathjax" / MATHJAX_FONTS, dirs_exist_ok=True)
    for path in (CHART_JS, *SITE_FILES):
        shutil.copy2(path, target / path.name)


RELATIVE_URL = re.compile(r'(\s(?:href|src|action)=")(?!#|[a-z][a-z0-9+.-]*:|/)([^"]*)"', re.IGNORECASE)


def write_landing_page(app: Sphinx, exception: Exception | None) -> None:
    """Write ``index.html`` as the root page itself, its relative links moved up one folder.

    Without it, sphinx-external-toc writes a meta-refresh redirect: a second round trip
    before the first paint, and an empty page for anything that does not follow it.
    """
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    root = app.config.root_doc
    folder = Path(root).parent.as_posix()
    if folder == ".":
        return  # the root page already is index.html
    depth = len(Path(root).parts) - 1
    page = (outdir / f"{root}.html").read_text(encoding="utf8")

    def moved(match: re.Match) -> str:
        url = match.group(2)
        ups = 0
        while url.startswith("../") and ups < depth:
            url, ups = url[3:], ups + 1
        prefix = "" if ups == depth else "/".join(Path(root).parts[: depth - ups]) + "/"
        return f'{match.group(1)}{prefix}{url}"'

    page = RELATIVE_URL.sub(moved, page)
    page = page.replace('data-content_root="' + "../" * depth + '"', 'data-content_root="./"')
    (outdir / "index.html").write_text(page, encoding="utf8")


def font_awesome_icons(script: str) -> dict[tuple[str, str], tuple[int, int, str]]:
    """``(style, name) -> (width, height, SVG path)`` for every icon and alias in Font Awesome's script;
    style is "b" (brands), "r" (regular) or "s" (solid)."""
    icons = {}
    pack: list[re.Match] = []
    matches = list(FA_ICON.finditer(script))
    for index, match in enumerate(matches):
        pack.append(match)
        following = matches[index + 1].start() if index + 1 < len(matches) else len(script)
        if following - match.end() <= 5:
            continue  # the pack goes on
        style = FA_PACK_STYLE.search(script, match.end(), match.end() + 400)
        for icon in pack:
            names = [icon.group(1) or icon.group(2)] + re.findall(r'"([a-z0-9-]+)"', icon.group(5))
            for name in names:
                icons[(style.group(1) if style else "s", name)] = (
                    int(icon.group(3)), int(icon.group(4)), json.loads(icon.group(7)))
            # The glyph's code point too, for CSS that draws it with the font (``content: "\f303"``).
            icons[(style.group(1) if style else "s", f"U+{icon.group(6).upper()}")] = (
                int(icon.group(3)), int(icon.group(4)), json.loads(icon.group(7)))
        pack = []
    return icons


def icon_css(used: set[tuple[str, str]], icons: dict[tuple[str, str], tuple[int, int, str]]) -> str:
    """CSS drawing each used icon as a mask in the text colour."""
    rules = [
        ":where(.fa, .fas, .far, .fab, .fa-solid, .fa-regular, .fa-brands) {"
        " display: inline-block; height: 1em; width: 1em; vertical-align: -0.125em;"
        " background-color: currentColor; -webkit-mask: var(--fa-icon) center / contain no-repeat;"
        " mask: var(--fa-icon) center / contain no-repeat; }",
    ]
    selectors = {"s": ".fa-{}", "r": ":is(.far, .fa-regular).fa-{}", "b": ":is(.fab, .fa-brands).fa-{}"}
    for style, name in sorted(used, key=lambda key: ("srb".index(key[0]), key[1])):
        width, height, path = icons[(style, name)]
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
        url = "data:image/svg+xml," + svg.replace("%", "%25").replace("#", "%23").replace('"', "%22")
        rules.append(f'{selectors[style].format(name)} {{ --fa-icon: url("{url}"); width: {width / height:.3f}em; }}')
    return "\n".join(rules) + "\n"


BLOCKING_SCRIPT = re.compile(
    r'<script (?![^>]*\b(?:defer|async)\b)([^>]*\bsrc="(?![^"]*documentation_options)[^"]*"[^>]*)>'
)
FONTAWESOME_TAGS = re.compile(
    r'\s*<(?:script defer src|link rel="preload" as="script" href)="[^"]*fontawesome\.js[^"]*"\s*/?>(?:</script>)?'
)


#: The theme's first script leaves ``data-theme="auto"`` for its own script to resolve after the page
#: has loaded, which restyles the whole page then; resolved here, as the theme's ``setTheme``
#: would, that later assignment changes nothing.
THEME_ATTRIBUTE = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
THEME_RESOLVED = (
    'document.documentElement.dataset.theme = ((mode) => mode === "light" || mode === "dark" ? mode'
    ' : window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")'
    '(document.documentElement.dataset.mode);'
)


def tidy_built_page(text: str) -> str:
    """One built page, lighter: no Font Awesome script, one viewport tag, external scripts deferred,
    the light or dark theme chosen before the first paint (:data:`THEME_RESOLVED`);
    the bibliography without ARIA roles that docutils gets wrong (a deprecated ``doc-biblioentry``,
    a ``list`` whose children are not list items).

    Deferred scripts still run in order, before ``DOMContentLoaded``; only
    ``documentation_options.js`` stays blocking, as inline scripts assign to what it defines.
    """
    text = FONTAWESOME_TAGS.sub("", text).replace(THEME_ATTRIBUTE, THEME_RESOLVED)
    first = VIEWPORT_META.search(text)
    if first:
        text = text[: first.end()] + VIEWPORT_META.sub("", text[first.end():])
    text = text.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
    text = text.replace(' role="doc-biblioentry"', "")
    return BLOCKING_SCRIPT.sub(r"<script defer \1>", text)


STYLESHEET_LINK = re.compile(r'[ \t]*<link (?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"?#]+)(?:[?#][^"]*)?"[^>]*>\n?')
CSS_IMPORT = re.compile(r'@import\s+(?:url\()?["\']?([^"\')]+)["\']?\)?\s*;')
CSS_URL = re.compile(r'url\(\s*(["\']?)(?![a-z][a-z0-9+.-]*:|/|#)([^"\')]+)\1\s*\)', re.IGNORECASE)
#: The theme's glyph rules for every Font Awesome icon (about 20 KB gzipped): icons.css draws the used ones.
FONTAWESOME_GLYPH_RULES = re.compile(r'(?:\.fa-[a-z0-9-]+:{1,2}(?:before|after),?)+\{content:"[^"]*"\}')
SEARCH_SCRIPTS = re.compile(r'\s*<script defer src="[^"]*(?:searchtools|language_data|searchindex)\.js"></script>')


CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_STRING = r'"(?:[^"\\]|\\.)*"'
PST_VARIABLE = re.compile(r"(--pst-[a-z0-9-]+):\s*(" + CSS_STRING + r"|var\(--pst-[a-z0-9-]+\))")
CSS_CONTENT = re.compile(r"(?:^|;)\s*content:\s*(" + CSS_STRING + r"|var\((--pst-[a-z0-9-]+)\))")
FA_FONT_DECLARATION = re.compile(r"(?:^|;)\s*font:\s*var\(--fa-font-(solid|regular|brands)\)")
PRIVATE_USE = range(0xE000, 0xF900)  # where Font Awesome puts its glyphs


def css_string_value(literal: str) -> str:
    """The text of a CSS string literal: ``"\\f303"`` -> ``"\uf303"``."""
    return re.sub(r"\\([0-9a-fA-F]{1,6}) ?|\\(.)", lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2),
                  literal[1:-1])


def top_level_rules(css: str):
    """``(selector, declarations)`` of each rule outside at-rule blocks, comments removed."""
    depth = 0
    start = 0
    selector = None
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selector = css[start:index]
                body_start = index + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                if selector is not None and "@" not in selector and "{" not in css[body_start:index]:
                    yield CSS_COMMENT.sub("", selector).strip(), css[body_start:index]
                start = index + 1
                selector = None
        elif char == ";" and depth == 0:
            start = index + 1


def font_glyphs_as_masks(css: str, icons: dict[tuple[str, str], tuple[int, int, str]]) -> str:
    """``css`` plus rules that draw, as masks, the Font Awesome glyphs its pseudo-elements take from
    the font (the theme's admonition icons, ``content: var(--pst-icon-admonition-note)``), so that
    no page downloads Font Awesome's 150 KB font for a few icons. Each rule is repeated with the
    same selector after the original, so the cascade between them is unchanged."""
    variables = dict(PST_VARIABLE.findall(css))

    def glyph(value: str, depth: int = 0) -> str | None:
        if value.startswith("var(") and depth < 8:
            inner = variables.get(value[4:-1])
            return glyph(inner, depth + 1) if inner else None
        text = css_string_value(value) if value.startswith('"') else ""
        return text if len(text) == 1 and ord(text) in PRIVATE_USE else None

    added = []
    for selector, body in top_level_rules(css):
        content = CSS_CONTENT.search(body)
        character = glyph(content.group(1)) if content else None
        if character is None:
            continue
        font = FA_FONT_DECLARATION.search(body)
        styles = {"solid": "s", "regular": "r", "brands": "b"}.get(font.group(1) if font else "", "s")
        code = f"U+{ord(character):04X}"
        found = next((icons[(style, code)] for style in (styles, "s", "r", "b") if (style, code) in icons), None)
        if found is None:
            continue
        width, height, path = found
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
        url = "data:image/svg+xml," + svg.replace("%", "%25").replace("#", "%23").replace('"', "%22")
        added.append(f'{selector}{{content:"";font-family:inherit;background-color:currentColor;'
                     f'-webkit-mask:url("{url}") center/contain no-repeat;mask:url("{url}") center/contain no-repeat}}')
        # A glyph-sized box, at no specificity: the theme's own width and height (1rem) still win.
        boxes = [re.sub(r"^(.*?)(::?(?:before|after))$", r":where(\1)\2", part.strip())
                 for part in re.split(r",(?![^()]*\))", selector)]
        added.append(f"{','.join(boxes)}{{display:inline-block;width:1em;height:1em;vertical-align:-.125em}}")
    if not added:
        return css
    return css + "\n/* Font Awesome glyphs of the rules above, as masks (offline_vega.font_glyphs_as_masks) */\n" + \
        "\n".join(added) + "\n"


def inlined_css(path: Path, target_dir: Path, seen: frozenset[Path] = frozenset()) -> str:
    """The stylesheet at ``path`` with its ``@import``s inlined and its relative ``url()``s
    rewritten to hold from ``target_dir``."""
    text = path.read_text(encoding="utf8").replace("@charset \"UTF-8\";", "")

    def imported(match: re.Match) -> str:
        child = (path.parent / match.group(1)).resolve()
        return "" if child in seen else inlined_css(child, target_dir, seen | {path})

    def moved(match: re.Match) -> str:
        resolved = (path.parent / match.group(2)).resolve()
        return f'url("{Path(os.path.relpath(resolved, target_dir)).as_posix()}")'

    return FONTAWESOME_GLYPH_RULES.sub("", CSS_URL.sub(moved, CSS_IMPORT.sub(imported, text)))


CSS_STRING_OR_COMMENT = re.compile(r'("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')|/\*.*?\*/', re.DOTALL)
CSS_GROUPED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")  # functional pseudo-classes, attribute selectors
CSS_NAMED = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")  # .class and #id in a selector
CSS_GROUP_RULES = ("@media", "@supports", "@layer", "@container")  # at-rules whose block holds rules
WORD = re.compile(r"[A-Za-z_][\w-]*")


def css_items(css: str) -> list[tuple[str, str | None]]:
    """``(prelude, block)`` of each top-level item of ``css`` (comments removed); ``block`` is None
    for a statement such as ``@import ...;``. Braces and semicolons inside strings are skipped."""
    items = []
    depth = 0
    start = 0
    block_start = 0
    position = 0
    while position < len(css):
        char = css[position]
        if char in "\"'":
            match = CSS_STRING_OR_COMMENT.match(css, position)
            position = match.end() if match else position + 1
            continue
        if char == "{":
            if depth == 0:
                block_start = position
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                items.append((css[start:block_start].lstrip(), css[block_start + 1:position]))
                start = position + 1
        elif char == ";" and depth == 0:
            items.append((css[start:position].strip(), None))
            start = position + 1
        position += 1
    return items


def selector_can_match(selector: str, words: set[str]) -> bool:
    """False when ``selector`` names a class or id that is in none of ``words`` (the words of every
    page and script of the site), so no element can ever have it. Names inside ``:not(...)``,
    ``:is(...)`` or attribute selectors are not taken as requirements."""
    if "\\" in selector:
        return True
    previous = None
    while previous != selector:
        previous, selector = selector, CSS_GROUPED.sub("", selector)
    return all(name in words for name in CSS_NAMED.findall(selector))


def split_selector_list(prelude: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:index])
            start = index + 1
    return [*parts, prelude[start:]]


def prune_css(css: str, words: set[str]) -> str:
    """``css`` without the rules none of whose selectors can match (:func:`selector_can_match`).

    A page of this theme links Bootstrap and the theme's stylesheets whole (500 KB, 80 KB
    gzipped, render-blocking): most of it styles components this site never has (carousels,
    toasts, grid and spacing utilities). A rule is kept whole if any of its selectors may
    match, at-rules other than ``@media``/``@supports``/``@layer``/``@container`` are kept as
    they are, and an emptied group rule goes. ``words`` includes every word of every script,
    so classes that scripts add (``show``, ``collapsing``, ``scrolls-x``) keep their rules.
    """
    kept = []
    for prelude, block in css_items(CSS_STRING_OR_COMMENT.sub(lambda m: m.group(1) or "", css)):
        if block is None:
            kept.append(prelude + ";")
        elif prelude.startswith("@"):
            if re.match(r"@[\w-]+", prelude).group(0).lower() in CSS_GROUP_RULES:
                inner = prune_css(block, words)
                if inner.strip():
                    kept.append(f"{prelude}{{\n{inner}}}")
            else:
                kept.append(f"{prelude}{{{block}}}")
        elif any(selector_can_match(part, words) for part in split_selector_list(prelude)):
            kept.append(f"{prelude}{{{block}}}")
    return "\n".join(kept) + "\n"


def site_words(outdir: Path) -> set[str]:
    """Every word of every page and script of the built site: the class names and ids that can occur."""
    words: set[str] = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        words.update(WORD.findall(path.read_text(encoding="utf8", errors="replace")))
    return words


def bundle_stylesheets(app: Sphinx, exception: Exception | None) -> None:
    """Serve each page's stylesheets as one file, and the search scripts only on the search page.

    A page of this theme links 13-16 stylesheets, each render-blocking: on a phone's network
    every extra round trip delays the first paint. Pages with the same list share a bundle
    (``_static/offline/bundle-<hash>.css``), so a reader's cache still works across pages.
    The bundle leaves out the theme's Font Awesome glyph rules (``icons.css`` draws the icons
    the site uses) and every rule that no page or script can use (:func:`prune_css`: 500 ->
    200 KB, 80 -> 35 KB gzipped), which the browser would otherwise download before the first
    paint and match against every element.
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir).resolve()
    target_dir = outdir / "_static" / VENDOR_DIR
    written: set[str] = set()
    script = outdir / "_static" / FONTAWESOME_JS
    icons = font_awesome_icons(script.read_text(encoding="utf8")) if script.is_file() else {}
    words = site_words(outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf8")
        head_end = text.find("</head>")
        links = list(STYLESHEET_LINK.finditer(text, 0, head_end))
        files = [(page.parent / m.group(1)).resolve() for m in links]
        if len(links) < 2 or not all(f.is_file() and f.is_relative_to(outdir / "_static") for f in files):
            continue
        css = "\n".join(f"/* {f.relative_to(outdir).as_posix()} */\n" + inlined_css(f, target_dir) for f in files)
        css = prune_css(font_glyphs_as_masks(css, icons), words)
        name = f"bundle-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
        if name not in written:
            (target_dir / name).write_text(css, encoding="utf8")
            written.add(name)
        href = Path(os.path.relpath(target_dir / name, page.parent)).as_posix()
        head = text[:head_end]
        first = links[0]
        rest = STYLESHEET_LINK.sub("", head[first.end():])
        head = head[: first.start()] + f'<link rel="stylesheet" href="{href}" />\n' + rest
        if page.name != "search.html":
            head = SEARCH_SCRIPTS.sub("", head)
        page.write_text(head + text[head_end:], encoding="utf8")


MATHJAX_SCRIPTS = re.compile(
    r'\s*<script>window\.MathJax = .*?</script>'
    r'|\s*<script [^>]*src="[^"]*/mathjax/tex-chtml\.js(?:\?[^"]*)?"></script>')


def prerender_math(app: Sphinx, exception: Exception | None) -> None:
    """Typeset every formula at build time (``prerender_math.js``, MathJax in Node.js) and drop
    MathJax from the pages: a phone then neither downloads (260 KB) nor runs it, and formulas
    appear with the first paint. A TeX error fails the build."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir).resolve()
    fonts = outdir / "_static" / VENDOR_DIR / "mathjax" / MATHJAX_FONTS
    arguments = []
    for page in sorted(outdir.rglob("*.html")):
        text = page.read_text(encoding="utf8")
        if MATHJAX_SCRIPTS.search(text):
            page.write_text(MATHJAX_SCRIPTS.sub("", text), encoding="utf8")
        if 'class="math notranslate nohighlight"' in text:
            arguments += [str(page), Path(os.path.relpath(fonts, page.parent)).as_posix()]
    if not arguments:
        return
    node = shutil.which("node")
    if node is None:
        raise ExtensionError("Node.js is needed to typeset the maths at build time (npm installs with it)")
    result = subprocess.run([node, str(HERE / "prerender_math.js"), *arguments], capture_output=True, text=True,
                            env={**os.environ, "NODE_PATH": str(_node_modules(app))})
    if result.returncode:
        raise ExtensionError(f"typesetting the maths failed:\n{result.stderr.strip()[-2000:]}")


DOCUMENTATION_OPTIONS_TAG = re.compile(r'<script src="[^"]*\bdocumentation_options\.js(?:\?[^"]*)?"></script>')


def inline_documentation_options(text: str, source: str) -> str:
    """``text`` with Sphinx's ``documentation_options.js`` (a 400-byte ``const``, the one script
    left blocking, as inline scripts read it) written into the page: one round trip fewer before
    the first paint."""
    if "</script" in source.lower():
        return text
    return DOCUMENTATION_OPTIONS_TAG.sub(lambda _: f"<script>{source.strip()}</script>", text, count=1)


def replace_font_awesome(app: Sphinx, exception: Exception | None) -> None:
    """Write ``icons.css`` for the icons the built pages use, and tidy every page (:func:`tidy_built_page`)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    script = outdir / "_static" / FONTAWESOME_JS
    if not script.is_file():
        raise ExtensionError(f"{script} is missing: the theme no longer ships Font Awesome there")
    icons = font_awesome_icons(script.read_text(encoding="utf8"))
    options = outdir / "_static" / "documentation_options.js"
    options_source = options.read_text(encoding="utf8") if options.is_file() else ""
    used = set()
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf8")
        for classes in FA_CLASS_ATTR.findall(text):
            words = classes.split()
            style = next((FA_STYLE_CLASSES[w] for w in words if w in FA_STYLE_CLASSES), "s")
            used.update((style, w[3:]) for w in words if w.startswith("fa-") and (style, w[3:]) in icons)
        tidy = tidy_built_page(text)
        if options_source:
            tidy = inline_documentation_options(tidy, options_source)
        if tidy != text:
            page.write_text(tidy, encoding="utf8")
    # This handler runs before copy_vendor_files (priority 300 < 500): on a clean build the folder is new.
    (outdir / "_static" / VENDOR_DIR).mkdir(parents=True, exist_ok=True)
    (outdir / "_static" / VENDOR_DIR / ICONS_CSS).write_text(icon_css(used, icons), encoding="utf8")


THEME_SCRIPT = "scripts/pydata-sphinx-theme.js"  # under _static/
#: The theme script's last statement: on "load", give every code block and output a tab stop if it
#: scrolls. It reads each one's size after writing the previous one's tabindex, so the browser
#: lays out the whole page again for each (1-2 s of a phone's CPU on a chapter), and again 300 ms
#: after any change under <main> (each chart drawn). site.js does the same job from a
#: ResizeObserver, element by element as each nears the screen, reads before writes.
THEME_TAB_STOPS = re.compile(r'"complete"===document\.readyState\?(\w+)\(\):window\.addEventListener\("load",\1\)')
THEME_TAB_STOPS_DROPPED = "void 0/*book_ext: tab stops set by site.js*/"


def drop_theme_tab_stop_scan(app: Sphinx, exception: Exception | None) -> None:
    """Remove the theme script's load-time tab-stop scan (:data:`THEME_TAB_STOPS`); warn (so ``-W``
    fails the build) when the theme's script no longer has it in the expected form."""
    if exception is not None or app.builder.format != "html":
        return
    script = Path(app.outdir) / "_static" / THEME_SCRIPT
    text = script.read_text(encoding="utf8") if script.is_file() else ""
    match = THEME_TAB_STOPS.search(text)
    if match and ".pst-scrollable-table-container" in text:
        script.write_text(text[: match.start()] + THEME_TAB_STOPS_DROPPED + text[match.end():], encoding="utf8")
    elif THEME_TAB_STOPS_DROPPED not in text:
        logger.warning(f"{script}: the theme's tab-stop scan was not found; check book_ext/offline_vega.py")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("offline_vega_node_modules", "node_modules", "env")
    app.connect("builder-inited", check_installed_versions)
    app.connect("html-page-context", add_vega_to_chart_pages)
    app.connect("html-page-context", tidy_page_scripts, priority=900)  # after other extensions
    app.connect("html-page-context", describe_page)
    app.connect("build-finished", copy_vendor_files)
    app.connect("build-finished", replace_font_awesome, priority=300)
    app.connect("build-finished", write_landing_page, priority=400)  # before sphinx-external-toc's redirect
    app.connect("build-finished", prerender_math, priority=550)  # after MathJax's fonts are copied
    app.connect("build-finished", bundle_stylesheets, priority=600)  # after the vendor files are copied
    app.connect("build-finished", drop_theme_tab_stop_scan)
    app.add_css_file(f"{VENDOR_DIR}/{ICONS_CSS}")
    for path in SITE_FILES:
        if path.suffix == ".css":
            app.add_css_file(f"{VENDOR_DIR}/{path.name}")
        else:
            app.add_js_file(f"{VENDOR_DIR}/{path.name}", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
