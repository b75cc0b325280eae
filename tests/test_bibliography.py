"""Checks on the book's bibliography: it parses, its entries are complete, every citation resolves
and every entry is cited.

The citation checks scan the front matter and every chapter (markdown pages and the markdown cells
of notebooks), so a chapter that cites a key missing from ``references.bib`` fails here before it
fails the book build, and an entry that nothing cites (which the bibliography page would list only
because of ``:all:``) fails too.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from pybtex.database import BibliographyData, parse_file, parse_string

ROOT = Path(__file__).resolve().parents[1]
BIB_PATH = ROOT / "references.bib"

# MyST citation roles: {cite}, {cite:p}, {cite:t}, {cite:ps}, {cite:alp}, ... followed by `key1,key2`.
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
# The start of a BibTeX entry, e.g. "@article{key," (comments and @string/@preamble are not entries).
ENTRY_START = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
NON_ENTRY_TYPES = {"comment", "string", "preamble"}
# For institutional documents a body (organisation or institution) may stand in for a person as author.
BODY_FIELDS = ("organization", "institution")


# sphinxcontrib-bibtex separates the keys of one role with commas; a semicolon is accepted too.
KEY_SEPARATOR = re.compile(r"[,;]")


def cited_keys(text: str) -> set[str]:
    """Return every key cited with a MyST ``{cite...}`` role in ``text``."""
    keys = set()
    for match in CITE_ROLE.finditer(text):
        keys.update(key.strip() for key in KEY_SEPARATOR.split(match.group(1)) if key.strip())
    return keys


def notebook_markdown(path: Path) -> str:
    """Return the source of every markdown cell of the notebook at ``path``, joined by newlines."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    sources = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else source)
    return "\n".join(sources)


def book_sources() -> dict[Path, str]:
    """Return the text of every page that may cite: front matter and chapters (markdown or notebook)."""
    pages = {}
    for pattern in ("front/*.md", "chapters/*.md"):
        for path in sorted(ROOT.glob(pattern)):
            pages[path] = path.read_text(encoding="utf-8")
    for pattern in ("front/*.ipynb", "chapters/*.ipynb"):
        for path in sorted(ROOT.glob(pattern)):
            pages[path] = notebook_markdown(path)
    return pages


@pytest.fixture(scope="module")
def bibliography() -> BibliographyData:
    return parse_file(str(BIB_PATH), bib_format="bibtex")


def test_bibliography_parses_and_is_not_empty(bibliography):
    assert len(bibliography.entries) > 0


def test_keys_are_unique():
    text = BIB_PATH.read_text(encoding="utf-8")
    keys = [key for kind, key in ENTRY_START.findall(text) if kind.lower() not in NON_ENTRY_TYPES]
    duplicates = sorted(key for key, count in Counter(key.lower() for key in keys).items() if count > 1)
    assert keys, "no entries found in references.bib"
    assert not duplicates, f"duplicate keys in references.bib: {duplicates}"


def test_raw_key_count_matches_parsed_entries(bibliography):
    # Guards the regex above: if it missed entries, the uniqueness test would pass vacuously.
    text = BIB_PATH.read_text(encoding="utf-8")
    keys = [key for kind, key in ENTRY_START.findall(text) if kind.lower() not in NON_ENTRY_TYPES]
    assert len(keys) == len(bibliography.entries)


def test_every_entry_has_author_title_and_year(bibliography):
    problems = []
    for key, entry in bibliography.entries.items():
        missing = [name for name in ("title", "year") if not entry.fields.get(name, "").strip()]
        has_person = bool(entry.persons.get("author") or entry.persons.get("editor"))
        has_body = entry.type.lower() == "misc" and any(entry.fields.get(f, "").strip() for f in BODY_FIELDS)
        if not (has_person or has_body):
            missing.append("author (or organization/institution for @misc)")
        if missing:
            problems.append(f"{key}: missing {', '.join(missing)}")
    assert not problems, "incomplete entries:\n" + "\n".join(problems)


def test_years_are_plausible(bibliography):
    bad = {
        key: entry.fields["year"]
        for key, entry in bibliography.entries.items()
        if not re.fullmatch(r"(19|20)\d\d", entry.fields.get("year", "").strip())
    }
    assert not bad, f"years that are not four-digit years: {bad}"


def test_dois_are_bare_identifiers(bibliography):
    # sphinxcontrib-bibtex turns the doi field into a link itself; a full URL there would double it.
    bad = {
        key: entry.fields["doi"]
        for key, entry in bibliography.entries.items()
        if "doi" in entry.fields and not re.fullmatch(r"10\.\d{4,9}/\S+", entry.fields["doi"])
    }
    assert not bad, f"malformed DOIs: {bad}"


def test_cite_extraction_handles_role_variants():
    text = "See {cite}`a2001` and {cite:p}`b2002, c2003`; also {cite:t}`d2004` but not {ref}`e2005`."
    assert cited_keys(text) == {"a2001", "b2002", "c2003", "d2004"}


def test_cite_extraction_accepts_semicolons_between_keys():
    assert cited_keys("{cite:p}`a2001; b2002`, {cite:t}`c2003;d2004 , e2005`") == {
        "a2001", "b2002", "c2003", "d2004", "e2005"}


def test_the_scan_covers_front_matter_notebooks():
    assert any(path.suffix == ".ipynb" and path.parent.name == "front" for path in book_sources())


def test_cite_extraction_reads_notebook_markdown_only(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["As shown by {cite:p}`x2010`.\n"]},
            {"cell_type": "code", "metadata": {}, "source": "print('{cite}`not_a_citation`')",
             "outputs": [], "execution_count": None},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "chapter.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert cited_keys(notebook_markdown(path)) == {"x2010"}


def test_a_missing_key_is_detected():
    # The resolution check below must be able to fail: a key absent from a bibliography is reported.
    data = parse_string("@misc{present2020, author = {A}, title = {T}, year = {2020}}", "bibtex")
    assert cited_keys("{cite:p}`present2020,absent2021`") - set(data.entries) == {"absent2021"}


def test_front_matter_cites_something():
    # The welcome page cites the FINRA notice; finding no citation at all means the scan is broken.
    front = [text for path, text in book_sources().items() if path.parent.name == "front"]
    assert front, "no front matter pages found"
    assert any(cited_keys(text) for text in front)


def test_every_cited_key_exists(bibliography):
    known = set(bibliography.entries)
    missing = {}
    for path, text in book_sources().items():
        unknown = sorted(cited_keys(text) - known)
        if unknown:
            missing[str(path.relative_to(ROOT))] = unknown
    assert not missing, f"citations with no entry in references.bib: {missing}"


def test_every_entry_is_cited(bibliography):
    # The bibliography page lists every entry (":all:"), so an entry nothing cites would show
    # there without the text ever relying on it: cite it where it belongs or remove it.
    cited = set().union(*(cited_keys(text) for text in book_sources().values()))
    uncited = sorted(set(bibliography.entries) - cited)
    assert not uncited, f"entries in references.bib that no page cites: {uncited}"
