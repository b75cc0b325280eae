"""Write the live edition: the book's notebooks as they should read in Jupyter, Binder and Colab.

Run from the repository root (``make live`` does)::

    python scripts/live_edition.py [--out live] [--check]

The chapters are written for Jupyter Book: their prose holds MyST roles and directives
(``{glue:text}``, ``{numref}``, ``{term}``, ``{cite:p}``, ``{exercise}``, ...) that only the
book build resolves. Opened in JupyterLab or Colab they would show the raw markup. For every
notebook in ``_toc.yml`` this script writes ``live/<name>.ipynb`` in which

* each ``{glue:text}`` placeholder is replaced by its value, read from the glue record that the
  source notebook's stored outputs hold and formatted as myst-nb formats it;
* ``{numref}`` becomes the number the book gives (``Fig. 2.1``, ``Exercise 4.3``: chapter number
  from the numbered part of ``_toc.yml``, then the order on the page), ``{term}`` its text,
  ``{cite:p}``/``{cite:t}`` an author-year citation (with a reference list at the end),
  ``{doc}`` a link to the live page or the page's title, ``{ref}`` to a section the section's
  title with a link to its live page, ``{math}`` inline ``$...$``;
* each exercise is a heading and its text; each solution (prose and code) is folded into a
  ``<details>`` block, closed until the reader opens it, and is not run;
* each figure cell is followed by its caption, numbered as in the book;
* every output and the saved widget state are cleared, so a learner starts clean;
* the first code cell installs ``lettools`` at the ref that ``_config.yml`` names
  (``lettools_install_ref``) when it is missing, as on Colab.

A relative link in the prose (``[notation](notation.md)``, ``<a href="x.ipynb">``, an image) is
resolved against ``live/``, which holds only the live notebooks: one whose file is not among them
would be dead in Binder and Colab, so the script stops with the page and the target. Link to
other pages with ``{doc}`` (a live page, or the page's title in italics for a page without one).

The output is deterministic: ``--check`` regenerates into memory and fails if any committed
file differs (``tests/test_live_edition.py`` does the same). Unknown roles or directives stop
the script with a message, so a new kind of markup is never passed through raw.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
LIVE_FOLDER = "live"
GLUE_MIME = "application/papermill.record/text/plain"

_OPEN_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*?)\s*$")
_PLAIN_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_SECTION_LABEL = re.compile(r"^\(([\w-]+)\)=[ \t]*\n#+[ \t]+(.+)$", re.MULTILINE)
_ROLE_BEFORE = re.compile(r"\{(?P<role>[\w:.-]+)\}$")
_TITLED = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_LABEL_LINE = re.compile(r"^\([\w.:-]+\)=\s*$", re.MULTILINE)
# An unescaped dollar amount ($500M, $84 billion, $115.55 to ...): Jupyter's and MyST's
# renderers would pair it with the next "$" as math, so the live edition escapes it.
_CURRENCY = re.compile(
    r"(?<![\\$])\$(?=\d[\d,]*(?:\.\d+)?\s?(?:M|bn|billion|million|trillion|tn)\b|\d[\d,]*\.\d\d(?:\s+to\b|[;,]))"
)


class LiveEditionError(ValueError):
    """Markup the live edition cannot render faithfully."""


# A link or image target in rendered Markdown, ``[text](target "title")``, or in HTML (href/src).
_MD_LINK = re.compile(r"\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
_HTML_LINK = re.compile(r"\b(?:href|src)\s*=\s*[\"'](?P<target>[^\"']+)[\"']", re.IGNORECASE)
_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", re.MULTILINE | re.DOTALL)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def relative_links(markdown: str) -> list[str]:
    """The relative link and image targets of a Markdown text (without ``#fragment``), skipping
    code blocks, code spans, absolute URLs (``https:``, ``mailto:``, ...) and in-page anchors."""
    prose = _CODE_SPAN.sub("", _FENCED.sub("", markdown))
    targets = [m.group("target") for pattern in (_MD_LINK, _HTML_LINK) for m in pattern.finditer(prose)]
    return [t.split("#", 1)[0] for t in targets
            if not _SCHEME.match(t) and not t.startswith(("#", "/")) and t.split("#", 1)[0]]


def dead_links(notebooks: dict[str, dict]) -> list[str]:
    """``"<notebook>: <target>"`` for every relative link in a markdown cell whose file is not
    another notebook of the live edition (``live/`` holds nothing else)."""
    return [f"{name}: {target}" for name, notebook in notebooks.items()
            for cell in notebook["cells"] if cell["cell_type"] == "markdown"
            for target in relative_links(_text(cell["source"]))
            if str(PurePosixPath(target)) not in notebooks]


# ---------------------------------------------------------------------------------------------
# The book: pages, numbers, glued values, references


@dataclass
class Page:
    """One notebook of the book and what other pages need to know about it."""

    source: str  # path from the repository root, e.g. "chapters/compounding.ipynb"
    chapter: int | None  # number in the numbered part of the toc, None for front matter
    notebook: dict
    title: str = ""
    glue: dict[str, str] = field(default_factory=dict)
    figure_numbers: list[str] = field(default_factory=list)  # in page order
    exercise_numbers: list[str] = field(default_factory=list)

    @property
    def live_name(self) -> str:
        return PurePosixPath(self.source).stem + ".ipynb"


@dataclass
class Book:
    pages: list[Page]
    docs: dict[str, str]  # toc entry without suffix -> title, for {doc}
    figures: dict[str, str]  # figure name -> number
    exercises: dict[str, str]  # exercise label -> number
    sections: dict[str, tuple[str, str]]  # section label -> (toc entry without suffix, title), for {ref}
    bibliography: dict[str, dict]
    install_ref: str
    repository: str


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def _toc_entries(root: Path) -> list[tuple[str, int | None]]:
    """Every file of ``_toc.yml`` in reading order, with its chapter number (numbered parts only)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    entries: list[tuple[str, int | None]] = [(toc["root"], None)]
    number = 0
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            if part.get("numbered"):
                number += 1
                entries.append((chapter["file"], number))
            else:
                entries.append((chapter["file"], None))
    return entries


def _title(markdown: str) -> str:
    match = re.search(r"^#\s+(.+?)\s*$", markdown, re.MULTILINE)
    return match.group(1) if match else ""


def _glued_values(notebook: dict) -> dict[str, str]:
    """The plain-text value of every glue record in the notebook's stored outputs."""
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None and GLUE_MIME in output.get("data", {}):
                values[name] = _text(output["data"][GLUE_MIME])
    return values


def _read_bibliography(root: Path, files: list[str]) -> dict[str, dict]:
    from pybtex.database import parse_file

    entries = {}
    for name in files:
        for key, entry in parse_file(str(root / name), bib_format="bibtex").entries.items():
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            last = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
            full = [_plain(str(p)) for p in people]
            fields = {k.lower(): _plain(v) for k, v in entry.fields.items()}
            if not last:
                last = full = [fields.get("organization") or fields.get("publisher") or fields.get("institution", key)]
            entries[key] = {"last": last, "full": full, **fields}
    return entries


def _plain(value: str) -> str:
    """BibTeX text without protective braces or the few escapes the bibliography uses."""
    value = re.sub(r"\\url\{([^{}]*)\}", r"\1", str(value))
    value = value.replace("\\&", "&").replace("--", "–").replace("\\_", "_")
    return re.sub(r"[{}]", "", value)


def _directive_labels(markdown: str, name: str) -> list[str]:
    """Labels of every ``name`` directive in a markdown cell, in order (None for unlabelled)."""
    labels = []
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        match = _OPEN_FENCE.match(line)
        if match and match.group("name") == name:
            label = ""
            for option in lines[i + 1 :]:
                opt = _OPTION.match(option)
                if not opt:
                    break
                if opt.group("key") == "label":
                    label = opt.group("value").strip()
            labels.append(label)
    return labels


def load_book(root: Path = REPO_ROOT) -> Book:
    config = yaml.safe_load((root / "_config.yml").read_text())
    pages, docs, figures, exercises, sections = [], {}, {}, {}, {}
    # Sphinx numbers figures and exercises per chapter ("2.3"); pages outside the numbered part
    # share one counter across the whole book, in toc order.
    counters: dict[tuple[str, int | None], int] = {}

    def next_number(kind: str, chapter: int | None) -> str:
        counters[kind, chapter] = counters.get((kind, chapter), 0) + 1
        count = counters[kind, chapter]
        return f"{chapter}.{count}" if chapter is not None else str(count)
    for entry, chapter in _toc_entries(root):
        for suffix in (".ipynb", ".md"):
            path = root / (entry + suffix)
            if path.is_file():
                break
        else:
            raise LiveEditionError(f"_toc.yml lists {entry}, which is neither a notebook nor a markdown page")
        if suffix == ".md":
            docs[entry] = _title(path.read_text())
            continue
        notebook = json.loads(path.read_text())
        page = Page(entry + suffix, chapter, notebook)
        page.glue = _glued_values(notebook)
        for cell in notebook["cells"]:
            source = _text(cell["source"])
            if cell["cell_type"] == "markdown":
                page.title = page.title or _title(source)
                for label, title in _SECTION_LABEL.findall(source):
                    sections[label] = (entry, _plain(title.strip()))
                for label in _directive_labels(source, "exercise"):
                    page.exercise_numbers.append(next_number("exercise", chapter))
                    if label:
                        exercises[label] = page.exercise_numbers[-1]
            figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
            if cell["cell_type"] == "code" and figure:
                page.figure_numbers.append(next_number("figure", chapter))
                if figure.get("name"):
                    figures[figure["name"]] = page.figure_numbers[-1]
        docs[entry] = page.title
        pages.append(page)
    return Book(
        pages=pages,
        docs=docs,
        figures=figures,
        exercises=exercises,
        sections=sections,
        bibliography=_read_bibliography(root, config.get("bibtex_bibfiles", [])),
        install_ref=str(config["lettools_install_ref"]),
        repository=config["repository"]["url"],
    )


# ---------------------------------------------------------------------------------------------
# Inline markup


def format_glue(text: str, spec: str) -> str:
    """A glued plain-text value formatted as myst-nb's ``{glue:text}`` does."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, spec)


def _authors(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


class Renderer:
    """Renders one page's markup as plain Markdown, remembering what it cited."""

    def __init__(self, book: Book, page: Page) -> None:
        self.book, self.page = book, page
        self.cited: list[str] = []

    def cite(self, keys: str, textual: bool) -> str:
        parts = []
        for key in (k.strip() for k in keys.split(",")):
            entry = self.book.bibliography.get(key)
            if entry is None:
                raise LiveEditionError(f"{self.page.source}: no bibliography entry {key!r}")
            if key not in self.cited:
                self.cited.append(key)
            year = entry.get("year", "n.d.")
            parts.append(f"{_authors(entry['last'])} ({year})" if textual else f"{_authors(entry['last'])}, {year}")
        return "; ".join(parts) if textual else f"({'; '.join(parts)})"

    def role(self, name: str, content: str) -> str:
        titled = _TITLED.match(content)
        text, target = (titled.group("text"), titled.group("target")) if titled else ("", content)
        where = self.page.source
        if name == "glue:text":
            key, _, spec = target.partition(":")
            if key not in self.page.glue:
                raise LiveEditionError(f"{where}: no stored glue value {key!r} (run `make outputs NB={where}`)")
            return format_glue(self.page.glue[key], spec)
        if name == "numref":
            if target in self.book.figures:
                number, default = self.book.figures[target], "Fig. %s"
            elif target in self.book.exercises:
                number, default = self.book.exercises[target], "Exercise %s"
            else:
                raise LiveEditionError(f"{where}: {{numref}} to an unknown figure or exercise {target!r}")
            return (text or default).replace("%s", number)
        if name == "term":
            return text or target
        if name in ("cite:p", "cite:t"):
            return self.cite(target, textual=name == "cite:t")
        if name == "doc":
            entry = str(PurePosixPath(self.page.source).parent / target)
            entry = "/".join(_normalise(entry.split("/")))
            if entry not in self.book.docs:
                raise LiveEditionError(f"{where}: {{doc}} to a page not in _toc.yml: {target!r}")
            title = text or self.book.docs[entry]
            live = {p.source.rsplit(".", 1)[0]: p.live_name for p in self.book.pages}
            return f"[{title}]({live[entry]})" if entry in live else f"*{title}*"
        if name == "ref":
            if target not in self.book.sections:
                raise LiveEditionError(f"{where}: {{ref}} to an unknown section label {target!r}")
            entry, title = self.book.sections[target]
            live = {p.source.rsplit(".", 1)[0]: p.live_name for p in self.book.pages}
            return f"[{text or title}]({live[entry]})" if entry in live else f"*{text or title}*"
        if name == "math":
            return f"${content}$"
        raise LiveEditionError(f"{where}: the live edition has no rendering for the role {{{name}}}")

    def inline(self, text: str) -> str:
        """Roles replaced and dollar amounts escaped; code spans that are not a role's content kept."""
        out, last = [], 0
        for span in _CODE_SPAN.finditer(text):
            before = _CURRENCY.sub(r"\\$", text[last : span.start()])
            role = _ROLE_BEFORE.search(before)
            if role:
                out.append(before[: role.start()] + self.role(role.group("role"), span.group(2)))
            else:
                out.append(before + span.group(0))
            last = span.end()
        out.append(_CURRENCY.sub(r"\\$", text[last:]))
        return "".join(out)


def _normalise(parts: list[str]) -> list[str]:
    stack: list[str] = []
    for part in parts:
        if part == "..":
            stack.pop()
        elif part not in ("", "."):
            stack.append(part)
    return stack


# ---------------------------------------------------------------------------------------------
# Block markup


@dataclass
class Block:
    kind: str  # "text" or a directive name
    arg: str = ""
    options: dict[str, str] = field(default_factory=dict)
    body: str = ""


def blocks(markdown: str) -> list[Block]:
    """A markdown cell split into plain text and top-level MyST directives."""
    result: list[Block] = []
    text: list[str] = []
    lines = markdown.split("\n")
    i = 0
    plain_fence = None
    while i < len(lines):
        line = lines[i]
        if plain_fence:
            text.append(line)
            if line.strip() == plain_fence:
                plain_fence = None
            i += 1
            continue
        match = _OPEN_FENCE.match(line)
        if not match:
            fence = _PLAIN_FENCE.match(line)
            if fence:
                plain_fence = fence.group("fence")
            text.append(line)
            i += 1
            continue
        if text:
            result.append(Block("text", body="\n".join(text)))
            text = []
        fence = match.group("fence")
        block = Block(match.group("name"), arg=match.group("arg"))
        i += 1
        while i < len(lines) and (option := _OPTION.match(lines[i])):
            block.options[option.group("key")] = option.group("value").strip()
            i += 1
        body = []
        while i < len(lines) and not (lines[i].strip().startswith(fence[0] * len(fence))
                                      and set(lines[i].strip()) == {fence[0]}):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise LiveEditionError(f"unclosed {{{block.kind}}} directive")
        i += 1  # the closing fence
        block.body = "\n".join(body).strip("\n")
        result.append(block)
    if text:
        result.append(Block("text", body="\n".join(text)))
    return result


def _details(summary: str, body: str) -> str:
    # Blank lines around the body let Markdown inside an HTML block render (CommonMark).
    return f"<details>\n<summary>{summary}</summary>\n\n{body.strip()}\n\n</details>"


# ---------------------------------------------------------------------------------------------
# Notebooks


def _markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source.strip("\n")}


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def _pin_install(source: str, book: Book, where: str) -> str:
    unpinned = f'"lettools @ git+{book.repository}"'
    if unpinned not in source:
        raise LiveEditionError(f"{where}: the first code cell does not install {unpinned}")
    return source.replace(unpinned, f'"lettools @ git+{book.repository}@{book.install_ref}"')


def live_notebook(book: Book, page: Page) -> dict:
    """The live edition of one page."""
    render = Renderer(book, page)
    cells: list[dict] = []
    pending: list[str] = []  # rendered markdown of the current source cell
    solution: list[str] | None = None  # parts of the open solution, if any
    solution_label = ""
    figure_numbers, exercise_numbers = iter(page.figure_numbers), iter(page.exercise_numbers)
    first_code = True

    def flush() -> None:
        text = "\n\n".join(part for part in pending if part.strip())
        if text.strip():
            cells.append(_markdown_cell(text))
        pending.clear()

    for cell in page.notebook["cells"]:
        source = _text(cell["source"])
        if cell["cell_type"] == "code":
            if solution is not None:
                solution.append(f"```python\n{source.strip()}\n```")
                continue
            flush()
            if first_code:
                source, first_code = _pin_install(source, book, page.source), False
            cells.append(_code_cell(source))
            figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
            if figure:
                caption = render.inline(figure.get("caption", ""))
                cells.append(_markdown_cell(f"**Fig. {next(figure_numbers)}.** {caption}"))
            continue
        if cell["cell_type"] != "markdown":
            continue
        for block in blocks(_LABEL_LINE.sub("", source)):
            target = solution if solution is not None else pending
            if block.kind == "text":
                target.append(render.inline(block.body))
            elif block.kind == "exercise":
                title = f" ({render.inline(block.arg)})" if block.arg else ""
                target.append(f"#### Exercise {next(exercise_numbers)}{title}\n\n{render.inline(block.body)}")
            elif block.kind == "solution-start":
                if solution is not None:
                    raise LiveEditionError(f"{page.source}: a solution starts inside another")
                solution, solution_label = [], block.arg
                if block.body.strip():
                    solution.append(render.inline(block.body))
            elif block.kind == "solution-end":
                if solution is None:
                    raise LiveEditionError(f"{page.source}: solution-end without solution-start")
                number = book.exercises.get(solution_label)
                summary = f"Solution to Exercise {number}" if number else "Solution"
                pending.append(_details(f"<b>{summary}</b> (click to open)", "\n\n".join(solution)))
                solution = None
            elif block.kind == "solution":
                number = book.exercises.get(block.arg)
                summary = f"Solution to Exercise {number}" if number else "Solution"
                target.append(_details(f"<b>{summary}</b> (click to open)", render.inline(block.body)))
            elif block.kind == "math":
                target.append(f"$$\n{block.body.strip()}\n$$")
            elif block.kind == "dropdown":
                target.append(_details(render.inline(block.arg), render.inline(block.body)))
            elif block.kind == "admonition":
                body = render.inline(f"**{block.arg}**\n\n{block.body}")
                target.append("\n".join(f"> {line}".rstrip() for line in body.split("\n")))
            else:
                raise LiveEditionError(f"{page.source}: the live edition has no rendering for {{{block.kind}}}")
        if solution is None:
            flush()
    if solution is not None:
        raise LiveEditionError(f"{page.source}: a solution is never closed")
    flush()
    if first_code:
        raise LiveEditionError(f"{page.source}: no code cell installs lettools")

    note = (f"*Live edition of `{page.source}`, generated by `scripts/live_edition.py`: edit the source, "
            "not this file. Solutions are folded away: open one when you are done, or stuck.*")
    cells.insert(1 if cells and cells[0]["cell_type"] == "markdown" else 0, _markdown_cell(note))
    if render.cited:
        cells.append(_markdown_cell("## References\n\n" + "\n".join(
            f"- {_reference(book.bibliography[key])}" for key in sorted(
                render.cited, key=lambda k: (book.bibliography[k]["last"][0], book.bibliography[k].get("year", ""))))))
    metadata = {key: page.notebook["metadata"][key] for key in ("kernelspec", "language_info")
                if key in page.notebook["metadata"]}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def _reference(entry: dict) -> str:
    names = entry["full"]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    where = entry.get("journal") or entry.get("booktitle") or entry.get("publisher") or entry.get("institution") or ""
    text = f"{authors} ({entry.get('year', 'n.d.')}). {entry.get('title', '')}."
    if where:
        text += f" *{where}*."
    link = f"https://doi.org/{entry['doi']}" if entry.get("doi") else entry.get("url", "")
    return text + (f" <{link}>" if link else "")


def _with_ids(notebook: dict, stem: str) -> dict:
    """Stable cell ids (nbformat 4.5 wants them), so regenerating gives identical files."""
    for index, cell in enumerate(notebook["cells"]):
        cell["id"] = f"{stem[:40]}-{index}"
        cell["source"] = cell["source"].splitlines(keepends=True)
    return notebook


def serialise(notebook: dict) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def live_edition(root: Path = REPO_ROOT) -> dict[str, str]:
    """File name -> text of every live-edition notebook."""
    book = load_book(root)
    notebooks = {page.live_name: _with_ids(live_notebook(book, page), page.live_name[: -len(".ipynb")])
                 for page in book.pages}
    dead = dead_links(notebooks)
    if dead:
        raise LiveEditionError("relative links to files that live/ does not hold (use {doc}): " + "; ".join(dead))
    return {name: serialise(notebook) for name, notebook in notebooks.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=LIVE_FOLDER, help="output folder (default: live)")
    parser.add_argument("--check", action="store_true", help="fail if the committed files are out of date")
    args = parser.parse_args(argv)
    out = REPO_ROOT / args.out
    try:
        files = live_edition(REPO_ROOT)
    except LiveEditionError as exc:
        print(f"live edition: {exc}", file=sys.stderr)
        return 1
    stale = sorted({p.name for p in out.glob("*.ipynb")} - files.keys())
    changed = [name for name, text in files.items()
               if not (out / name).is_file() or (out / name).read_text() != text]
    if args.check:
        if changed or stale:
            print(f"live edition out of date: {', '.join(changed + stale)} (run `make live`)", file=sys.stderr)
            return 1
        print(f"live edition up to date ({len(files)} notebooks)")
        return 0
    out.mkdir(exist_ok=True)
    for name in stale:
        (out / name).unlink()
    for name, text in files.items():
        (out / name).write_text(text)
    print(f"wrote {len(files)} notebooks to {args.out}/ ({len(changed)} changed, {len(stale)} removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
