"""Check the print edition, ``_build/pdf/the-daily-reset.pdf`` (``make pdf``).

What a reader of the paper copy needs: every chapter, in the order of ``_toc.yml``, each
starting on its own page under its numbered title and listed in the table of contents at that
page; every chart drawn (ink above its caption) with the caption numbered as on the site; a line
under each explorer saying what the online version lets you change; the solutions in an
appendix; and nothing the site resolves that paper would show raw (``??``, MyST roles, fences)
or only makes sense online (install cells, live widgets, launch links).

The expectations come from the sources (``_toc.yml``, the notebooks' figure metadata, the
solution directives), not from the PDF build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

RAW_MYST = re.compile(r"\{(numref|glue|glue:text|term|cite|cite:p|cite:t|ref|doc|eq|math|exercise|solution)[`}:]"
                      r"|```|(?:^|\s):::|\{figure\}|\{admonition\}")
PLUMBING = ["%pip install", "launch_note(", "# Live widget", "replace None with", "# your code here"]


def normalise(text: str) -> str:
    """Text as extracted from the PDF, with typographic quotes and runs of white space made plain."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.replace("\ufffe", "").replace("\x02", "").split())


def source_title(repo_root: Path, doc: str) -> str:
    """The first ``# `` heading of a document of the book."""
    path = next(repo_root.glob(doc + ".*"))
    if path.suffix == ".ipynb":
        lines = [line for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "markdown"
                 for line in "".join(cell["source"]).splitlines()]
    else:
        lines = path.read_text().splitlines()
    return next(line[2:].strip() for line in lines if line.startswith("# "))


def book_documents(repo_root: Path) -> list[tuple[str, str]]:
    """Every document after the landing page, in order, with the title the PDF should show."""
    toc = yaml.safe_load((repo_root / "_toc.yml").read_text())
    documents = []
    for part in toc["parts"]:
        for number, chapter in enumerate(part["chapters"], start=1):
            title = source_title(repo_root, chapter["file"])
            documents.append((chapter["file"], f"{number}. {title}" if part.get("numbered") else title))
    return documents


def expected_figures(repo_root: Path) -> list[tuple[str, str]]:
    """(caption number as printed, first words of the caption) for every chart, in book order.

    Sphinx numbers figures per chapter in a numbered part ("Fig. 2.3") and through the
    unnumbered pages together ("Fig. 1").
    """
    toc = yaml.safe_load((repo_root / "_toc.yml").read_text())
    figures, unnumbered = [], 0
    for part in toc["parts"]:
        for number, chapter in enumerate(part["chapters"], start=1):
            path = repo_root / (chapter["file"] + ".ipynb")
            if not path.is_file():
                continue
            cells = json.loads(path.read_text())["cells"]
            captions = [cell["metadata"]["mystnb"]["figure"]["caption"] for cell in cells
                        if "figure" in cell.get("metadata", {}).get("mystnb", {})]
            for index, caption in enumerate(captions, start=1):
                if part.get("numbered"):
                    label = f"Fig. {number}.{index}"
                else:
                    unnumbered += 1
                    label = f"Fig. {unnumbered}"
                words = normalise(caption.replace("\\$", "$")).split()[:3]
                figures.append((label, " ".join(words)))
    return figures


def notebook_sources(repo_root: Path, cell_type: str | None = None) -> list[str]:
    """The source of every cell (of ``cell_type``, if given) of the book's notebooks."""
    toc = yaml.safe_load((repo_root / "_toc.yml").read_text())
    paths = [repo_root / (chapter["file"] + ".ipynb") for part in toc["parts"] for chapter in part["chapters"]]
    return ["".join(cell["source"]) for path in paths if path.is_file()
            for cell in json.loads(path.read_text())["cells"] if cell_type in (None, cell["cell_type"])]


def code_literals(repo_root: Path) -> list[str]:
    """Inline code in the book's prose, as printed: where the text shows MyST syntax on purpose."""
    sources = notebook_sources(repo_root, "markdown") + [path.read_text() for path in (repo_root / "front").glob("*.md")]
    return sorted({normalise(match.group(2)) for source in sources
                   for match in re.finditer(r"(`+)\s?(.+?)\s?\1", source)}, key=len, reverse=True)


@pytest.fixture(scope="module")
def pdf(print_edition):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(print_edition)
    yield document
    document.close()


@pytest.fixture(scope="module")
def page_texts(pdf) -> list[str]:
    return [normalise(page.get_textpage().get_text_range()) for page in pdf]


@pytest.mark.book
def test_chapters_start_pages_in_order_and_the_contents_point_there(page_texts, repo_root):
    assert page_texts[0].startswith("The Daily Reset"), "page 1 should be the title page"
    assert page_texts[1].startswith("Contents"), "page 2 should open the table of contents"
    # The contents run from page 2 to the page before the landing page, their first entry.
    first = re.match(r"Contents \D+ (\d+) ", page_texts[1])
    assert first, f"page 2 does not start the contents with a numbered entry: {page_texts[1][:120]!r}"
    landing = int(first.group(1)) - 1  # index of the landing page
    contents = " ".join(page_texts[1:landing])
    last_page = landing
    for doc, title in book_documents(repo_root):
        # At the top of the page (the text layer may put floated labels, as the bibliography's, first).
        starts = [i for i, text in enumerate(page_texts) if title in text[:400] and i > landing]
        assert starts, f"no page starts with the title of {doc}: {title!r}"
        page = next((i for i in starts if i > last_page), None)
        assert page is not None, f"{doc} ({title!r}) starts on page {starts[0] + 1}, before the document preceding it"
        listed = re.search(re.escape(title) + r" (\d+)", contents)
        assert listed, f"{title!r} is not in the table of contents"
        assert int(listed.group(1)) == page + 1, f"the contents put {title!r} on page {listed.group(1)}, it is on {page + 1}"
        last_page = page
    solutions = [i for i, text in enumerate(page_texts) if text.startswith("Solutions to the exercises")]
    assert solutions and solutions[-1] > last_page, "the solutions appendix should come after the last document"


@pytest.mark.book
def test_every_chart_is_drawn_above_its_numbered_caption(pdf, page_texts, repo_root):
    import pypdfium2.raw as pdfium_c

    figures = expected_figures(repo_root)
    assert len(figures) >= 20, f"only {len(figures)} figures in the notebooks' metadata"
    for label, words in figures:
        caption = f"{label} {words}"
        pages = [i for i, text in enumerate(page_texts) if caption in text]
        assert len(pages) == 1, f"caption {caption!r} found on pages {[p + 1 for p in pages]}, expected one"
        page = pdf[pages[0]]
        textpage = page.get_textpage()
        searcher = textpage.search(label, match_case=True)
        tops = []
        while (hit := searcher.get_next()) is not None:
            index, _ = hit
            tops.append((textpage.get_text_range(index, len(caption) + 2), textpage.get_charbox(index)[3]))
        top = next(top for text, top in tops if normalise(text).startswith(caption))
        width, height = page.get_size()
        # The chart sits above its caption: at least 120 pt of it, drawn as vector paths.
        pixels = page.render(scale=1).to_numpy()[:, :, :3]
        above = pixels[max(0, int(height - top) - 260): int(height - top) - 4]
        ink = (above.min(axis=2) < 200).mean()
        colours = len({tuple(c) for c in above.reshape(-1, 3)[::7] // 32})
        assert ink > 0.02 and colours >= 4, f"{label}: little ink above the caption (ink {ink:.3f}, {colours} colours)"
        paths = sum(1 for obj in page.get_objects(max_depth=4) if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH)
        images = sum(1 for obj in page.get_objects(max_depth=4) if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE)
        assert paths >= 20, f"{label}: only {paths} vector paths on page {pages[0] + 1} ({images} images)"


@pytest.mark.book
def test_explorers_say_what_changes_online(page_texts, repo_root):
    explorers = sum(".twin()" in source for source in notebook_sources(repo_root, "code"))
    lines = re.findall(r"Online, you can change ([^.]+)\.", " ".join(page_texts))
    assert len(lines) == explorers, f"{len(lines)} 'Online, you can change' lines for {explorers} explorers"
    assert all(line.strip() for line in lines)


@pytest.mark.book
def test_solutions_are_in_the_appendix(page_texts, repo_root):
    sources = notebook_sources(repo_root) + [path.read_text() for path in (repo_root / "front").glob("*.md")]
    solutions = sum(source.count(fence) for source in sources for fence in ("```{solution-start}", "```{solution}"))
    start = next(i for i, text in enumerate(page_texts) if text.startswith("Solutions to the exercises"))
    in_appendix = sum(text.count("Solution to Exercise") for text in page_texts[start:])
    elsewhere = sum(text.count("Solution to Exercise") for text in page_texts[:start])
    assert solutions >= 10 and in_appendix == solutions, f"{in_appendix} solutions in the appendix, {solutions} in the sources"
    assert elsewhere == 0, f"{elsewhere} solutions outside the appendix"


@pytest.mark.book
def test_nothing_unresolved_raw_or_online_only(page_texts, repo_root):
    literals = [literal for literal in code_literals(repo_root)
                if RAW_MYST.search(literal) or any(marker in literal for marker in PLUMBING)]
    for number, text in enumerate(page_texts, start=1):
        assert "??" not in text, f"page {number}: an unresolved reference (??)"
        for literal in literals:
            text = text.replace(literal, "")
        raw = RAW_MYST.search(text)
        assert raw is None, f"page {number}: raw MyST {raw.group(0)!r}"
        for marker in PLUMBING:
            assert marker not in text, f"page {number}: {marker!r} is plumbing for a live notebook"


@pytest.mark.book
def test_the_site_links_the_print_edition(site_dir, print_edition):
    landing = (site_dir / "front" / "welcome.html").read_text()
    assert f'href="../{print_edition.name}"' in landing
    assert (site_dir / print_edition.name).is_file(), "`make pdf` copies the PDF into the built site"

