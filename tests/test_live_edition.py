"""The live edition (``live/``) is up to date with the chapters, reads as plain Markdown, and runs
in the Binder environment."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml
from conftest import REPO_ROOT, venv_env

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import live_edition  # noqa: E402

UNRENDERED = ("{glue", "{numref}", "{term}", "{cite", "{doc}", "{ref}", "{math}", "{exercise}", "{solution")
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return live_edition.live_edition(REPO_ROOT)


def _notebooks(texts: dict[str, str]) -> dict[str, dict]:
    return {name: json.loads(text) for name, text in texts.items()}


def test_live_edition_is_up_to_date_with_the_chapters(generated, repo_root):
    committed = {path.name: path.read_text() for path in (repo_root / "live").glob("*.ipynb")}
    assert committed.keys() == generated.keys(), "live/ has other notebooks than _toc.yml: run `make live`"
    stale = [name for name, text in generated.items() if committed[name] != text]
    assert not stale, f"live/ is out of date for {stale}: run `make live` and commit live/"


def test_every_notebook_of_the_book_has_a_live_edition(generated, repo_root):
    toc = (repo_root / "_toc.yml").read_text()
    sources = [p for p in (*repo_root.glob("chapters/*.ipynb"), *repo_root.glob("front/*.ipynb"))
               if f"file: {p.parent.name}/{p.stem}" in toc]
    assert sources and {p.name for p in sources} == generated.keys()


def test_no_myst_markup_is_left_outside_code(generated):
    for name, notebook in _notebooks(generated).items():
        for cell in notebook["cells"]:
            text = CODE_SPAN.sub("", "".join(cell["source"])) if cell["cell_type"] == "markdown" else ""
            for marker in UNRENDERED:
                assert marker not in text, f"{name}: {marker!r} left in:\n{text[:500]}"
            assert not re.search(r"^\s*(```+|:::+)\s*\{", text, re.MULTILINE), f"{name}: a directive is left"


def test_glued_numbers_appear_formatted(generated):
    (how,) = [json.loads(t) for n, t in generated.items() if n == "how-it-works.ipynb"]
    prose = "\n".join("".join(c["source"]) for c in how["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"The index ends at [+−-]\d+%, the daily-reset fund at [+−-]\d+%", prose), prose[:2000]


def test_glue_formats_like_myst_nb():
    assert live_edition.format_glue("-0.009999999999999898", ".0%") == "-1%"
    assert live_edition.format_glue("0.0123", "+.1%") == "+1.2%"
    assert live_edition.format_glue("97", "") == "97"
    assert live_edition.format_glue("3.9999", ".0f") == "4"
    assert live_edition.format_glue("'text'", "") == "text"


def test_figures_and_exercises_are_numbered_as_in_the_book(generated):
    notebooks = _notebooks(generated)
    compounding = "\n".join("".join(c["source"]) for c in notebooks["compounding.ipynb"]["cells"])
    assert "**Fig. 2.1.**" in compounding and "#### Exercise 2.1" in compounding
    assert "Try it in Fig. 2.1:" in compounding
    how = "\n".join("".join(c["source"]) for c in notebooks["how-it-works.ipynb"]["cells"])
    assert "**Fig. 1.**" in how and "#### Exercise 1" in how


def test_solutions_are_folded_and_not_run(generated):
    for name, notebook in _notebooks(generated).items():
        for cell in notebook["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, f"{name}: outputs kept"
            if "Solution to Exercise" in text:
                assert text.count("<details>") == text.count("</details>") >= 1, f"{name}: unbalanced details"


def test_first_code_cell_installs_the_pinned_lettools(generated, repo_root):
    config = yaml.safe_load((repo_root / "_config.yml").read_text())
    ref, url = config["lettools_install_ref"], config["repository"]["url"]
    for name, notebook in _notebooks(generated).items():
        first = "".join(next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"])
        assert f'"lettools @ git+{url}@{ref}"' in first, f"{name}: first code cell does not pin {ref}"
        assert "except ModuleNotFoundError" in first


def test_launch_links_open_the_live_edition(generated):
    from lettools import live

    assert live.LIVE_FOLDER == live_edition.LIVE_FOLDER
    for name in generated:
        assert live.launch_urls(f"chapters/{name}")["colab"].endswith(f"/blob/{live.BRANCH}/live/{name}")


def test_unknown_markup_stops_the_script(repo_root):
    book = live_edition.load_book(repo_root)
    page = book.pages[0]
    with pytest.raises(live_edition.LiveEditionError, match="no rendering for the role"):
        live_edition.Renderer(book, page).inline("see {foo}`bar`")
    with pytest.raises(live_edition.LiveEditionError, match="unknown figure"):
        live_edition.Renderer(book, page).inline("see {numref}`fig-nothing`")
    with pytest.raises(live_edition.LiveEditionError, match="unknown section"):
        live_edition.Renderer(book, page).inline("see {ref}`no-such-section`")


def test_a_section_reference_links_the_section_title_to_its_live_page(repo_root):
    book = live_edition.load_book(repo_root)
    entry, title = book.sections["mechanics-xiv"]
    assert entry == "chapters/mechanics" and title
    page = next(p for p in book.pages if p.source.endswith("regulation.ipynb"))
    assert live_edition.Renderer(book, page).inline("see {ref}`mechanics-xiv`") == f"see [{title}](mechanics.ipynb)"


@pytest.mark.slow
def test_binder_environment_runs_every_live_notebook(binder_venv, repo_root, tmp_path):
    """Every live notebook runs top to bottom with what Binder installs, without an error or stderr."""
    notebooks = sorted((repo_root / "live").glob("*.ipynb"))
    assert notebooks
    work = tmp_path / "live"
    work.mkdir()
    for path in notebooks:
        (work / path.name).write_text(path.read_text())
    result = subprocess.run(
        [str(binder_venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--inplace",
         "--ExecutePreprocessor.timeout=300", *[p.name for p in notebooks]],
        cwd=work, env=venv_env(binder_venv), capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, f"a live notebook failed in the Binder environment:\n{result.stderr[-4000:]}"
    for path in sorted(work.glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error", f"{path.name}: {output.get('ename')}"
                assert output.get("name") != "stderr", f"{path.name}: stderr output {output.get('text')!r}"


@pytest.mark.parametrize("text, expected", [
    ("a $500M fund with $1bn", r"a \$500M fund with \$1bn"),
    ("fell from $115.55 to $4.22; its", r"fell from \$115.55 to \$4.22; its"),
    ("$133 million", r"\$133 million"),
    (r"$0.75 \times 6 = 4.5$ and $1.08^3 - 1$", r"$0.75 \times 6 = 4.5$ and $1.08^3 - 1$"),
    (r"already \$84bn", r"already \$84bn"),
])
def test_dollar_amounts_are_escaped_and_math_is_not(repo_root, text, expected):
    """Jupyter's renderers would pair an unescaped "$500M ... $" as math (a KaTeX error in JupyterLab)."""
    book = live_edition.load_book(repo_root)
    assert live_edition.Renderer(book, book.pages[0]).inline(text) == expected


def test_no_relative_link_is_dead_in_live(generated):
    """live/ holds only the live notebooks, so a relative link to anything else (a front page's
    ``.md``, a chapter's image) opens nothing in Binder and Colab. The script refuses to write
    such a page; here the generated edition is checked directly as well."""
    notebooks = _notebooks(generated)
    assert live_edition.dead_links(notebooks) == []
    linked = {target for notebook in notebooks.values() for cell in notebook["cells"]
              if cell["cell_type"] == "markdown" for target in live_edition.relative_links("".join(cell["source"]))}
    assert linked and linked <= notebooks.keys()


@pytest.mark.parametrize("text, expected", [
    ("see the [notation](notation.md) page", ["notation.md"]),
    ("[next](mechanics.ipynb#the-fund) and [up](../chapters/costs.ipynb)", ["mechanics.ipynb", "../chapters/costs.ipynb"]),
    ('![chart](img/fig.png "A chart") and <a href="glossary.html">', ["img/fig.png", "glossary.html"]),
    ("[web](https://example.org/a.md), [mail](mailto:a@b.c), [here](#top), <https://x.y>", []),
    ("`[code](x.md)` and\n```python\nx[0](y.md)\n```\n", []),
])
def test_relative_links_are_found_in_prose_only(text, expected):
    assert live_edition.relative_links(text) == expected


def test_a_dead_relative_link_stops_the_script(repo_root, monkeypatch):
    real = live_edition.live_notebook

    def with_a_dead_link(book, page):
        notebook = real(book, page)
        notebook["cells"].append(live_edition._markdown_cell("The [glossary](glossary.md) defines the terms."))
        return notebook

    monkeypatch.setattr(live_edition, "live_notebook", with_a_dead_link)
    with pytest.raises(live_edition.LiveEditionError, match=r"glossary\.md"):
        live_edition.live_edition(repo_root)


def _install_ref(repo_root) -> str:
    return yaml.safe_load((repo_root / "_config.yml").read_text())["lettools_install_ref"]


def test_the_install_ref_is_the_package_version(repo_root):
    """Colab installs the tag ``v<version>``: a version bump moves the install ref with it."""
    import tomllib

    import lettools

    version = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["version"]
    assert lettools.__version__ == version, "lettools/__init__.py and pyproject.toml give different versions"
    assert _install_ref(repo_root) == f"v{version}", (
        f"_config.yml lettools_install_ref should be v{version} (the release of this lettools); then `make live`")


def test_lettools_on_main_is_the_release_colab_installs(repo_root):
    """The launch links open live/ on main while Colab installs lettools at the tag, so the
    lettools in this tree must be the tagged one (README, "Links and install ref stay in step").
    Skipped where the tag is not in the clone: before the first release, in a shallow clone, or
    while a bumped version awaits its tag."""
    ref = _install_ref(repo_root)
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{ref}^{{commit}}"],
                           cwd=repo_root, capture_output=True, text=True)
    if found.returncode != 0:
        pytest.skip(f"tag {ref} is not in this clone (`git fetch --tags`)")
    changed = subprocess.run(["git", "diff", "--name-only", ref, "--", "lettools", "pyproject.toml"],
                             cwd=repo_root, capture_output=True, text=True, check=True).stdout.split()
    assert not changed, (
        f"lettools differs from {ref}, which Colab installs while the launch links open main: "
        f"{changed[:5]}. Bump the version, set lettools_install_ref, `make live`, and tag the release")
