"""The page transformations of book_ext/offline_vega.py, on small inputs (no build needed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book_ext"))
import offline_vega  # noqa: E402


@pytest.mark.parametrize(("name", "shown"), [
    ("mean_miss_bp", "Mean miss (bp)"),
    ("L_x_index_return", "L \u00d7 index return"),
    ("prob_wipeout", "Probability of wipeout"),
    ("n_days", "Number of days"),
    ("fund", "fund"),  # no underscore: left as written
    ("Daily-reset fund", "Daily-reset fund"),
])
def test_readable_header(name, shown):
    assert offline_vega.readable_header(name) == shown


def test_readable_tables_touch_only_pandas_tables():
    frame = ('<table border="1" class="dataframe"><thead><tr><th></th><th>mean_miss_bp</th></tr>'
             '<tr><th>&nbsp;</th><th>x</th></tr></thead></table>')
    other = "<table><tr><th>raw_name</th></tr></table>"
    out = offline_vega.readable_tables(frame + other)
    assert "<th>Mean miss (bp)</th>" in out and "<td></td>" in out and "<th></th>" not in out
    assert out.endswith(other)


def test_repeated_inline_data_is_embedded_once():
    values = "a,b\n1,2\n"
    spec = {"layer": [{"data": {"values": values, "format": {"type": "csv"}}, "mark": "line"},
                      {"data": {"values": values, "format": {"type": "csv"}}, "mark": "point"}],
            "params": [{"name": "p", "value": 1}]}
    page = f"<script>(function(spec, opt){{}})({json.dumps(spec)}, {{\"renderer\": \"svg\"}});</script>"
    moved = json.loads(offline_vega.embed_data_once(page).split("})(", 1)[1].rsplit(", {", 1)[0])
    (name, stored), = moved["datasets"].items()
    assert stored == values
    assert [layer["data"] for layer in moved["layer"]] == [{"name": name, "format": {"type": "csv"}}] * 2
    assert moved["params"] == spec["params"]


def test_single_inline_data_stays_inline():
    spec = {"data": {"values": [{"a": 1}]}, "mark": "bar"}
    assert offline_vega.dedupe_inline_data(spec) == spec


def test_built_page_tidying():
    page = (
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />'
        '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>'
        '<link rel="preload" as="script" href="../_static/scripts/fontawesome.js?digest=1" />'
        '<script src="../_static/documentation_options.js?v=1"></script>'
        '<script src="../_static/doctools.js?v=1"></script>'
        '<script async="async" src="../_static/thebe.js"></script>'
        '<div role="list" class="citation-list"><div class="citation" id="x" role="doc-biblioentry">'
    )
    out = offline_vega.tidy_built_page(page)
    assert out.count('name="viewport"') == 1
    assert "fontawesome" not in out
    assert '<script src="../_static/documentation_options.js?v=1">' in out  # inline scripts need it at once
    assert '<script defer src="../_static/doctools.js?v=1">' in out
    assert '<script async="async" src="../_static/thebe.js">' in out
    assert 'role="list"' not in out and "doc-biblioentry" not in out


def test_font_awesome_icons_are_read_from_the_script_by_style_and_alias():
    script = ('var a={github:[496,512,[],"f09b","M1 2z"]};x("fab",a);'
              'var b={"magnifying-glass":[512,512,[128269,"search"],"f002","M3 4z"]};x("fas",b);')
    icons = offline_vega.font_awesome_icons(script)
    assert icons[("b", "github")] == (496, 512, "M1 2z")
    assert icons[("s", "search")] == icons[("s", "magnifying-glass")] == (512, 512, "M3 4z")
    css = offline_vega.icon_css({("b", "github")}, icons)
    assert ":is(.fab, .fa-brands).fa-github" in css and "M1 2z" in css


def _site(tmp_path: Path) -> Path:
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "offline").mkdir()
    (static / "basic.css").write_text("p { margin: 0 }\n")
    (static / "styles" / "theme.css").write_text('@import "../basic.css";\n')
    (static / "styles" / "pst.css").write_text(
        '@font-face{src:url(../vendor/fa.woff2)}.fa-sun:before{content:"\\f185"}.fa-a:before,.fa-b::before{content:"x"}'
        "h1{color:red}\n")
    (tmp_path / "chapters").mkdir()
    return tmp_path


def _app(site: Path):
    from types import SimpleNamespace

    return SimpleNamespace(outdir=str(site), builder=SimpleNamespace(format="html"),
                           confdir=str(Path(__file__).resolve().parent.parent),
                           config=SimpleNamespace(offline_vega_node_modules="node_modules"))


def test_stylesheets_are_served_as_one_bundle_with_working_urls(tmp_path):
    site = _site(tmp_path)
    page = site / "chapters" / "a.html"
    page.write_text(
        '<html><head>\n<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
        '<link rel="stylesheet" type="text/css" href="../_static/styles/pst.css?v=2" />\n'
        '<script defer src="../_static/searchtools.js"></script>\n'
        '<script defer src="../searchindex.js"></script>\n</head><body></body></html>')
    offline_vega.bundle_stylesheets(_app(site), None)
    text = page.read_text()
    links = [line for line in text.splitlines() if "stylesheet" in line]
    assert len(links) == 1 and "../_static/offline/bundle-" in links[0]
    assert "searchtools" not in text and "searchindex" not in text  # only the search page needs them
    bundle = next((site / "_static" / "offline").glob("bundle-*.css")).read_text()
    assert "p { margin: 0 }" in bundle and "@import" not in bundle  # imports inlined
    assert 'url("../vendor/fa.woff2")' in bundle  # still resolves from _static/offline/
    assert "content:" not in bundle and "h1{color:red}" in bundle  # glyph rules gone, the rest kept


NEEDS_MATHJAX = pytest.mark.skipif(
    not (Path(__file__).resolve().parent.parent / "node_modules" / "mathjax-full").is_dir(),
    reason="npm ci has not installed mathjax-full")


@NEEDS_MATHJAX
def test_formulas_are_typeset_at_build_time_with_a_mathml_copy(tmp_path):
    site = _site(tmp_path)
    page = site / "chapters" / "a.html"
    page.write_text(
        '<html><head>\n<script defer="defer" src="../_static/offline/mathjax/tex-chtml.js?v=20daa33d"></script>\n</head>'
        '<body><p>Fund <span class="math notranslate nohighlight">\\(L R_t &lt; 1\\)</span>.</p>\n'
        '<div class="math notranslate nohighlight">\n\\[\ng(L) = \\tfrac12 L^2 \\sigma^2\n\\]</div></body></html>')
    offline_vega.prerender_math(_app(site), None)
    text = page.read_text()
    assert "tex-chtml.js" not in text and "\\(" not in text and "\\[" not in text
    assert text.count("<mjx-container") == 2 and 'display="true"' in text
    assert text.count("<mjx-assistive-mml") == 2 and "<mo>&lt;</mo>" in text  # screen readers read MathML
    assert 'id="MJX-CHTML-styles"' in text and "../_static/offline/mathjax/output/chtml/fonts/woff-v2" in text


@NEEDS_MATHJAX
def test_a_tex_error_fails_the_build(tmp_path):
    site = _site(tmp_path)
    (site / "chapters" / "a.html").write_text(
        '<html><head></head><body><span class="math notranslate nohighlight">\\(\\frac{1}\\)</span></body></html>')
    with pytest.raises(offline_vega.ExtensionError, match="maths"):
        offline_vega.prerender_math(_app(site), None)


ALTAIR_OUTPUT = """<div id="altair-viz-0a1b"></div>
<script type="text/javascript">
  var VEGA_DEBUG = (typeof VEGA_DEBUG == "undefined") ? {} : VEGA_DEBUG;
  (function(spec, embedOpt){
    vegaEmbed(document.getElementById("altair-viz-0a1b"), spec, embedOpt);
  })(%s, {"renderer": "svg", "actions": false});
</script>"""


def test_each_chart_moves_to_a_script_of_its_own():
    values = [{"a": 1}, {"a": 2}]
    spec = {"layer": [{"data": {"values": values}, "mark": "line"}, {"data": {"values": values}, "mark": "point"}]}
    written = {}

    def write(chart_id, source):
        written[chart_id] = source
        return f"../_static/charts/{chart_id}.js"

    body = "<p>before</p>\n" + ALTAIR_OUTPUT % json.dumps(spec) + "\n<p>after</p>"
    out = offline_vega.externalise_charts(body, write)
    assert out == '<p>before</p>\n<div id="altair-viz-0a1b" data-chart="../_static/charts/altair-viz-0a1b.js"></div>\n<p>after</p>'
    source = written["altair-viz-0a1b"]
    prefix = 'window.bookCharts.define("altair-viz-0a1b", '
    assert source.startswith(prefix) and source.rstrip().endswith(");")
    stored, options = json.loads("[" + source.strip()[len(prefix):-2] + "]")
    assert options == {"renderer": "svg", "actions": False}
    (name, data), = stored["datasets"].items()  # the twin's data, once
    assert data == values and [layer["data"] for layer in stored["layer"]] == [{"name": name}] * 2


def test_chart_output_not_recognised_stays_inline():
    broken = ALTAIR_OUTPUT % '{"mark": "bar"'  # no closing brace: not a spec this code can read
    assert offline_vega.externalise_charts(broken, lambda *a: "x.js") == broken


def test_chart_scripts_are_named_by_content_and_stale_ones_removed(tmp_path):
    from types import SimpleNamespace

    app = SimpleNamespace(outdir=str(tmp_path))
    folder = tmp_path / "_static" / "charts"
    folder.mkdir(parents=True)
    (folder / "chapters-a-0123456789abcdef.js").write_text("old")
    (folder / "chapters-ab-0123456789abcdef.js").write_text("another page's")
    write = offline_vega.chart_writer(app, "chapters/a", lambda path, resource: "../" + path)
    url = write("altair-viz-1", "window.bookCharts.define('altair-viz-1', {}, {});\n")
    write.finish()
    assert url.startswith("../_static/charts/chapters-a-") and url.endswith(".js")
    assert sorted(p.name for p in folder.iterdir()) == sorted(["chapters-ab-0123456789abcdef.js", url.rsplit("/", 1)[1]])


def test_font_awesome_glyphs_in_css_become_masks():
    script = 'var b={pencil:[512,512,[],"f303","M5 6z"]};x("fas",b);'
    icons = offline_vega.font_awesome_icons(script)
    assert icons[("s", "U+F303")] == (512, 512, "M5 6z")
    css = (':root{--pst-icon-pencil:"\\f303";--pst-icon-admonition-todo:var(--pst-icon-pencil)}'
           '.admonition>.admonition-title:after{content:var(--pst-icon-admonition-todo);font:var(--fa-font-solid);width:1rem}'
           '@media print{.x:before{content:"\\f303"}}'
           'div.exercise p.admonition-title::after{content:"\\f303"}p.plain:after{content:"-"}')
    out = offline_vega.font_glyphs_as_masks(css, icons)
    added = out[len(css):]
    assert out.startswith(css)
    assert '.admonition>.admonition-title:after{content:"";font-family:inherit;' in added and "M5 6z" in added
    assert "div.exercise p.admonition-title::after{content:\"\"" in added
    assert ":where(div.exercise p.admonition-title)::after{display:inline-block;width:1em" in added
    assert "p.plain" not in added and ".x:before" not in added  # not an icon; inside an at-rule
    assert offline_vega.font_glyphs_as_masks("p{color:red}", icons) == "p{color:red}"


def test_the_theme_is_resolved_before_the_first_paint():
    head = ('<script data-cfasync="false">\n'
            '    document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";\n'
            '    document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";\n</script>')
    out = offline_vega.tidy_built_page(head)
    assert '"auto";\n    document.documentElement.dataset.theme = ((mode)' in out
    assert 'matchMedia("(prefers-color-scheme: dark)")' in out and 'getItem("theme")' not in out


def test_the_theme_script_loses_its_load_time_tab_stop_scan(tmp_path):
    from types import SimpleNamespace

    scripts = tmp_path / "_static" / "scripts"
    scripts.mkdir(parents=True)
    script = scripts / "pydata-sphinx-theme.js"
    script.write_text('(()=>{function I(){[".pst-scrollable-table-container"]}'
                      'e(f),"complete"===document.readyState?I():window.addEventListener("load",I)})();')
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    offline_vega.drop_theme_tab_stop_scan(app, None)
    text = script.read_text()
    assert "addEventListener(\"load\"" not in text and offline_vega.THEME_TAB_STOPS_DROPPED in text
    offline_vega.drop_theme_tab_stop_scan(app, None)  # an incremental build: already done, no warning
    assert script.read_text() == text


def test_css_rules_no_page_or_script_can_use_are_pruned():
    css = ('/* note } */ .used, .unused { color: red }\n.unused .x { color: blue }\n'
           '@media (min-width: 10px) { .unused { a: b } }\n@media print { .used:not(.nowhere) { a: "}" } }\n'
           '@font-face { font-family: X }\n@import "a.css";\n#gone > p { c: d }\n'
           'p[class~="nowhere"], :is(.nowhere) { e: f }\n.esc\\:aped { g: h }\n')
    out = offline_vega.prune_css(css, {"used", "x"})
    assert ".used, .unused { color: red }" in out  # one selector may match: the rule stays whole
    assert ".unused .x" not in out and "#gone" not in out and "(min-width: 10px)" not in out
    assert '@media print {' in out and 'a: "}"' in out  # braces in strings are not structure
    assert "@font-face" in out and '@import "a.css";' in out
    assert 'p[class~="nowhere"]' in out and ".esc" in out  # attribute, :is() and escapes: kept
    assert "note" not in out


def test_documentation_options_are_inlined():
    page = '<head><script src="../_static/documentation_options.js?v=1"></script><script defer src="x.js"></script>'
    out = offline_vega.inline_documentation_options(page, "const DOCUMENTATION_OPTIONS = {};\n")
    assert out == '<head><script>const DOCUMENTATION_OPTIONS = {};</script><script defer src="x.js"></script>'
