"""The book's pages as code: one module per page, holding its explorers and exercises.

Each module defines the page's ``*_explorer`` factories (live widget plus
kernel-free twin, see :mod:`lettools.twin`) and registers the page's exercises
(see :mod:`lettools.exercises`). Chapters import from their own module; the
checker and the benchmark find every module through :data:`PAGES`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: Modules of ``lettools.book``, one per page, in reading order. Add a chapter's module here.
PAGES = ("how_it_works", "mechanics", "compounding", "decay", "costs", "reflexivity", "regulation")


def load_pages() -> list[ModuleType]:
    """Import every page module (registering its exercises) and return them."""
    return [importlib.import_module(f"{__name__}.{page}") for page in PAGES]
