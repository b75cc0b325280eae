"""Serve Vega, Vega-Lite, vega-embed and MathJax from the built site instead of a CDN.

Altair's HTML output fetches its three libraries from jsdelivr unless
``window.VEGA_DEBUG`` already names the versions it wants and no AMD loader
(require.js) is on the page. This extension

* checks, when the builder starts, that ``npm ci`` has installed exactly the
  versions Altair asks for (so an Altair upgrade cannot silently fall back to
  the CDN or run a mismatched Vega);
* adds ``window.VEGA_DEBUG`` and the three bundles to the ``<head>`` of the
  pages whose body contains Altair output, and only those;
* warns when a page body loads a script from another origin, so ``-W`` turns a
  stray CDN dependency into a build failure;
* drops duplicate scripts and unread ipywidget state from every page;
* copies the bundles and MathJax from ``node_modules`` into the site's
  ``_static/offline/`` when the build finishes (every build, so an incremental
  build never serves stale copies).

Sphinx's MathJax support is pointed at the local copy with ``mathjax_path`` in
``_config.yml``; Sphinx already loads MathJax only on pages with math.
"""

from __future__ import annotations

import json
import re
import shutil
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
CHART_CSS = Path(__file__).with_name("charts.css")  # layout of a chart and its bound controls
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


def add_vega_to_chart_pages(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Load the Vega bundles and chart styles on pages with Altair output; flag scripts from other origins."""
    body = context.get("body", "")
    if EXTERNAL_SCRIPT.search(body):
        logger.warning(f"{pagename}: page body loads a script from another origin", location=pagename)
    if ALTAIR_MARKER not in body:
        return
    preset = {key: version for _, version, key in VEGA_BUNDLES.values()}
    # Sphinx resets per-page script lists after each page, so this stays local to the page.
    app.builder.add_js_file(None, body=f"window.VEGA_DEBUG = {json.dumps(preset)};", priority=400)
    for bundle, _, _ in VEGA_BUNDLES.values():
        app.builder.add_js_file(f"{VENDOR_DIR}/{Path(bundle).name}", priority=401)
    app.builder.add_css_file(f"{VENDOR_DIR}/{CHART_CSS.name}")


def tidy_page_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Drop scripts that would only cause trouble or weight on a static page.

    * The second of two identical scripts: sphinx-thebe's inline config arrives twice under
      Jupyter Book, and a second ``const THEBE_JS_URL`` is a console error on every page.
    * Saved ipywidget state, when no widget manager is loaded (``nb_ipywidgets_js`` empty):
      nothing would read it.
    """
    scripts = context.get("script_files", [])
    drop_widget_state = not getattr(app.config, "nb_ipywidgets_js", None)
    seen = set()
    unique = []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))  # None and "" both mean inline
        if drop_widget_state and script.attributes.get("type") == "application/vnd.jupyter.widget-state+json":
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
    shutil.copytree(root / MATHJAX_TREE, target / "mathjax", dirs_exist_ok=True)
    shutil.copy2(CHART_CSS, target / CHART_CSS.name)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("offline_vega_node_modules", "node_modules", "env")
    app.connect("builder-inited", check_installed_versions)
    app.connect("html-page-context", add_vega_to_chart_pages)
    app.connect("html-page-context", tidy_page_scripts, priority=900)  # after other extensions
    app.connect("build-finished", copy_vendor_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
