"""Lighthouse scores of the built site: the landing page and every chapter, mobile and desktop.

The site is served the way a static host serves it (text gzip-compressed, long cache
headers for ``_static``) on 127.0.0.1. Lighthouse comes from ``node_modules`` (npm,
pinned in package.json) and drives Debian's Chromium. Where ``unshare -n`` works, the
whole run happens in a network namespace with only loopback up, so nothing can load
from outside. Figures go to the "Lighthouse" section of ``docs/site-report.md``
(or the file given), replacing the previous one.

    python scripts/lighthouse_report.py                    # print the table
    python scripts/lighthouse_report.py --write docs/site-report.md
    python scripts/lighthouse_report.py --page chapters/decay.html --preset mobile --save /tmp/lh

Targets (issue 12): mobile performance >= 90, accessibility 100, best practices 100,
total blocking time on the mobile preset under 300 ms.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SITE = REPO_ROOT / "_build" / "html"
LIGHTHOUSE = REPO_ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
PRESETS = ("mobile", "desktop")
CATEGORIES = ("performance", "accessibility", "best-practices")
TEXT_SUFFIXES = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".xml")
SECTION = "## Lighthouse"
TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 100}
TBT_TARGET_MS = 300


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: gzip for text, a year's cache for ``_static``, revalidation for pages."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):  # noqa: D102 - http.server's hook
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or not path.name.endswith(TEXT_SUFFIXES) \
                or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=31536000" if "/_static/" in self.path
                         else "no-cache")
        self.end_headers()
        import io

        return io.BytesIO(body)


def pages(site: Path) -> list[str]:
    """The landing page and every chapter."""
    return ["index.html", *sorted(str(p.relative_to(site)) for p in (site / "chapters").glob("*.html"))]


def run_lighthouse(url: str, preset: str, save: Path | None = None) -> dict:
    """Scores and key timings of one Lighthouse run (the whole report copied into ``save``, if given)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [
            str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}", "--quiet", "--output=json",
            f"--output-path={out}", f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
            f"--disable-background-networking --user-data-dir={tmp}/profile",
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        report = json.loads(out.read_text())
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            name = url.split("/", 3)[-1].replace("/", "_").removesuffix(".html")
            shutil.copy(out, save / f"{name}-{preset}-{time.strftime('%H%M%S')}.json")
    audits = report["audits"]
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failing = sorted(
        audit_id for c in ("accessibility", "best-practices") for ref in report["categories"][c]["auditRefs"]
        if ref["weight"] and (audit_id := ref["id"]) and audits[audit_id]["score"] not in (None, 1)
    )
    return {
        **scores,
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "failing": failing,
    }


def measure(site: Path = SITE, only_pages: list[str] | None = None, presets: tuple[str, ...] = PRESETS,
            save: Path | None = None) -> dict[str, dict[str, dict]]:
    """``{page: {preset: figures}}`` for every page and preset (or those given)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        return {page: {preset: run_lighthouse(f"{origin}/{page}", preset, save) for preset in presets}
                for page in (only_pages or pages(site))}
    finally:
        server.shutdown()


def markdown(results: dict[str, dict[str, dict]], seconds: float, isolated: bool) -> str:
    lines = [
        SECTION, "",
        f"Lighthouse {lighthouse_version()} (npm, pinned) with Debian Chromium, the site served on 127.0.0.1 "
        "with gzip as a static host would" + (", inside a network namespace with only loopback up"
                                                if isolated else "") + ". "
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), load average "
        f"{os.getloadavg()[0]:.1f} at the end; {seconds:.0f} s for all runs. Written by `make lighthouse`.",
        "",
        "Targets: mobile performance >= 90, accessibility 100, best practices 100, mobile TBT < 300 ms.",
        "",
        "| Page | Preset | Perf | A11y | Best pr. | FCP s | LCP s | TBT ms | CLS | Below 100 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page, by_preset in results.items():
        for preset, r in by_preset.items():
            lines.append(
                f"| {page} | {preset} | {r['performance']} | {r['accessibility']} | {r['best-practices']} | "
                f"{r['fcp_ms'] / 1000:.1f} | {r['lcp_ms'] / 1000:.1f} | {r['tbt_ms']:.0f} | {r['cls']:.3f} | "
                f"{', '.join(r['failing']) or '-'} |"
            )
    missed = [
        f"{page} ({preset}): " + ", ".join(
            [f"{c} {r[c]}" for c, target in TARGETS.items() if (preset == "mobile" or c != "performance")
             and r[c] < target] + ([f"TBT {r['tbt_ms']:.0f} ms"] if preset == "mobile" and r["tbt_ms"] >= TBT_TARGET_MS
                                   else []))
        for page, by_preset in results.items() for preset, r in by_preset.items()
    ]
    missed = [m for m in missed if not m.endswith(": ")]
    lines += ["", "Targets missed: " + ("none." if not missed else "; ".join(missed) + ".")]
    return "\n".join(lines) + "\n"


def lighthouse_version() -> str:
    return json.loads((REPO_ROOT / "node_modules" / "lighthouse" / "package.json").read_text())["version"]


def network_namespace_prefix() -> list[str]:
    """A command prefix giving the child only a loopback network, or [] where unshare cannot."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return []
    probe = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True)
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"'] if probe.returncode == 0 else []


def replace_section(document: str, section: str) -> str:
    """``document`` with its Lighthouse section (to the next ``## `` heading) replaced by ``section``."""
    if SECTION not in document:
        return document.rstrip("\n") + "\n\n" + section
    start = document.index(SECTION)
    end = document.find("\n## ", start + len(SECTION))
    return document[:start] + section + ("" if end == -1 else document[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", type=Path, help="replace the Lighthouse section of this markdown file")
    parser.add_argument("--page", action="append", help="only this page (repeatable), e.g. chapters/decay.html")
    parser.add_argument("--preset", action="append", choices=PRESETS, help="only this preset (repeatable)")
    parser.add_argument("--site", type=Path, default=SITE, help="built site to serve (default _build/html)")
    parser.add_argument("--save", type=Path, help="copy each full Lighthouse JSON report into this folder")
    parser.add_argument("--isolated", action="store_true", help=argparse.SUPPRESS)  # set by the re-exec below
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print("no built site: run `make book` first", file=sys.stderr)
        return 1
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci`", file=sys.stderr)
        return 1
    prefix = [] if args.isolated else network_namespace_prefix()
    if prefix:  # run again inside a namespace with only loopback
        extra = ["--write", str(args.write.resolve())] if args.write else []
        extra += [f"--page={page}" for page in args.page or []] + [f"--preset={p}" for p in args.preset or []]
        extra += ["--site", str(args.site.resolve())] + (["--save", str(args.save.resolve())] if args.save else [])
        return subprocess.run([*prefix, sys.executable, __file__, "--isolated", *extra]).returncode
    start = time.monotonic()
    results = measure(args.site, args.page, tuple(args.preset or PRESETS), args.save)
    section = markdown(results, time.monotonic() - start, args.isolated)
    print(section)
    if args.write:
        existing = args.write.read_text() if args.write.exists() else "# Site report\n"
        args.write.write_text(replace_section(existing, section))
    return 0


if __name__ == "__main__":
    sys.exit(main())
