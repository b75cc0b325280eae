"""Phone-width screenshots of the landing page and every chapter, in light and dark mode.

For each page and mode: the first screen (390x844 CSS px, as a phone shows it) and the
page's first chart with its controls, drawn after scrolling to it. They go to
``docs/screenshots/`` as ``<page>-<mode>.png`` and ``<page>-<mode>-chart.png``; the
script fails if together they pass 3 MB.

    python scripts/screenshots.py [site] [out]
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SITE = REPO_ROOT / "_build" / "html"
OUT = REPO_ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
LIMIT_BYTES = 3 * 1024 * 1024


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def pages(site: Path) -> list[str]:
    return ["index.html", *sorted(str(p.relative_to(site)) for p in (site / "chapters").glob("*.html"))]


def shoot(site: Path = SITE, out: Path = OUT) -> list[Path]:
    """Write the screenshots; return their paths."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    written = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            for mode in ("light", "dark"):
                context = browser.new_context(viewport=PHONE, color_scheme=mode, is_mobile=True, has_touch=True)
                for path in pages(site):
                    page = context.new_page()
                    page.goto(f"{origin}/{path}", wait_until="networkidle")
                    page.wait_for_timeout(500)  # fonts and the first chart settle
                    stem = Path(path).stem if path != "index.html" else "landing"
                    first = out / f"{stem}-{mode}.png"
                    page.screenshot(path=str(first))
                    written.append(first)
                    chart = page.locator('div[id^="altair-viz-"]').first
                    if chart.count():
                        chart.scroll_into_view_if_needed()
                        page.wait_for_function(
                            "el => el.querySelector('svg.marks, canvas.marks')", arg=chart.element_handle(),
                            timeout=15_000)
                        page.wait_for_timeout(400)  # a fitted redraw
                        shot = out / f"{stem}-{mode}-chart.png"
                        chart.screenshot(path=str(shot))
                        written.append(shot)
                    page.close()
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return written


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else SITE
    out = Path(argv[1]) if len(argv) > 1 else OUT
    written = shoot(site, out)
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} screenshots, {total / 1024:.0f} KiB, in {out}")
    if total > LIMIT_BYTES:
        print(f"over the {LIMIT_BYTES // 1024} KiB limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
