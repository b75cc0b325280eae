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
