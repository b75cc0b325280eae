"""The JavaScript the site serves is exactly what Altair's HTML output asks for.

Altair's output skips the CDN only when ``window.VEGA_DEBUG`` names its versions;
if the bundles were other versions the charts would run on a Vega they were not
written for. Checked three ways: package.json pins, the lockfile, and the version
each bundle reports when it runs (npm's vega 6.3.0 build reported 5.33.1).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import altair as alt
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book_ext"))
from offline_vega import VEGA_BUNDLES, version_matches  # noqa: E402

WANTED = {"vega": alt.VEGA_VERSION, "vega-lite": alt.VEGALITE_VERSION, "vega-embed": alt.VEGAEMBED_VERSION}

REPORT_VERSIONS = """
const fs = require("fs");
for (const f of process.argv.slice(1)) {
  // Run each UMD bundle as a browser would: no CommonJS, no AMD, globals on globalThis.
  new Function("exports", "module", "define", fs.readFileSync(f, "utf8")).call(globalThis);
}
console.log(JSON.stringify({"vega": globalThis.vega?.version, "vega-lite": globalThis.vegaLite?.version,
                            "vega-embed": globalThis.vegaEmbed?.version}));
"""


def test_version_matching_rule():
    assert version_matches("6.4.0", "6")
    assert version_matches("6.4.1", "6.4.1")
    assert not version_matches("5.33.1", "6")
    assert not version_matches("6.4.0", "6.4.1")


def test_package_json_pins_exact_versions_altair_accepts(repo_root):
    deps = json.loads((repo_root / "package.json").read_text())["dependencies"]
    for package, wanted in WANTED.items():
        pinned = deps[package]
        assert pinned[0].isdigit(), f"{package} must be pinned exactly, not {pinned!r}"
        assert version_matches(pinned, wanted), f"{package} {pinned} does not satisfy altair's {wanted}"


def test_mathjax_fonts_match_the_typesetter(repo_root):
    # prerender_math.js typesets with mathjax-full; pages load the fonts of the mathjax package.
    pins = json.loads((repo_root / "package.json").read_text())["dependencies"]
    assert pins["mathjax"] == pins["mathjax-full"], "keep mathjax and mathjax-full at one version"


def test_lockfile_agrees_with_package_json(repo_root):
    deps = json.loads((repo_root / "package.json").read_text())["dependencies"]
    locked = json.loads((repo_root / "package-lock.json").read_text())["packages"]
    for package, pinned in deps.items():
        assert locked[f"node_modules/{package}"]["version"] == pinned


def test_bundles_report_altairs_versions(repo_root, node):
    bundles = [repo_root / "node_modules" / package / bundle for package, (bundle, _, _) in VEGA_BUNDLES.items()]
    if not all(path.is_file() for path in bundles):
        pytest.skip("node_modules not installed: run `npm ci`")
    out = subprocess.run([node, "-e", REPORT_VERSIONS, *map(str, bundles)],
                         capture_output=True, text=True, check=True, timeout=60)
    reported = json.loads(out.stdout)
    for package, wanted in WANTED.items():
        assert reported[package] and version_matches(reported[package], wanted), (package, reported[package], wanted)


@pytest.mark.book
def test_site_serves_the_bundles_it_was_built_with(repo_root, site_dir):
    for package, (bundle, _, _) in VEGA_BUNDLES.items():
        served = site_dir / "_static" / "offline" / bundle.rsplit("/", 1)[-1]
        assert served.read_bytes() == (repo_root / "node_modules" / package / bundle).read_bytes(), served
