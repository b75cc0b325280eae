"""Sphinx extension loaded only by the print build (``scripts/print_edition.py``).

The print edition is a ``singlehtml`` build. Sphinx looks up a node's HTML visitors by builder
name first and falls back to the format ("html") only when no extension registered any
visitor under that name. sphinx-exercise registers its nodes for "singlehtml", so every other
extension's HTML-only nodes (sphinx-design's dropdowns, for example) would have no visitor.
Copying the "html" visitors under "singlehtml" restores the fallback.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def share_html_visitors(app: Sphinx) -> None:
    """Give the singlehtml builder every HTML visitor it does not define itself."""
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node_name, visitors in handlers.get("html", {}).items():
        single.setdefault(node_name, visitors)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", share_html_visitors)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
