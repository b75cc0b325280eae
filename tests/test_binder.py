"""Binder's environment matches the book's, and its postBuild warms the numba cache."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)$")


def pins(path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = REQUIREMENT.match(line.strip())
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


# What Binder adds to the book's packages: the front end a learner works in.
FRONT_END = {"jupyterlab", "jupyterlab-myst"}


def test_binder_pins_agree_with_the_book(repo_root):
    binder = pins(repo_root / "binder" / "requirements.txt")
    book = pins(repo_root / "requirements.txt")
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        if name in FRONT_END:
            continue
        assert book.get(name) == version, f"{name}: binder pins {version}, requirements.txt {book.get(name)}"


def test_binder_opens_jupyterlab_with_myst_and_the_widget_front_end(repo_root):
    binder = pins(repo_root / "binder" / "requirements.txt")
    assert FRONT_END <= binder.keys(), f"binder/requirements.txt must pin {sorted(FRONT_END - binder.keys())}"
    assert "ipywidgets" in binder, "ipywidgets brings jupyterlab_widgets, the widget front end"


def _notebook_imports(repo_root) -> set[str]:
    """Top-level modules that the book's notebooks import."""
    import json

    statement = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)
    found = set()
    for path in [*repo_root.glob("chapters/*.ipynb"), *repo_root.glob("front/*.ipynb")]:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                found.update(statement.findall("".join(cell["source"])))
    return found


def test_binder_has_everything_the_notebooks_import(repo_root):
    # Module name -> the distribution that provides it, for those that differ or come with another pin.
    provided_by = {"lettools": "lettools", "IPython": "ipykernel", "myst_nb": "myst-nb"}
    available = pins(repo_root / "binder" / "requirements.txt").keys() | {"lettools"}
    imported = _notebook_imports(repo_root) - set(sys.stdlib_module_names)
    assert "lettools" in imported, "the notebooks were not found"
    missing = {name for name in imported if provided_by.get(name, name).lower() not in available}
    assert not missing, f"notebooks import modules that Binder does not install: {sorted(missing)}"


def test_binder_has_every_runtime_dependency_of_lettools(repo_root):
    import tomllib

    declared = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=!~ ;\[]", dep, maxsplit=1)[0].lower() for dep in declared}
    binder = pins(repo_root / "binder" / "requirements.txt")
    assert names <= binder.keys(), f"missing from binder/requirements.txt: {sorted(names - binder.keys())}"


def test_binder_python_is_at_least_3_11(repo_root):
    runtime = (repo_root / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert match, f"unexpected runtime.txt: {runtime!r}"
    assert (int(match.group(1)), int(match.group(2))) >= (3, 11), "altair 6 needs Python >= 3.11"


def test_postbuild_is_executable_and_warms_the_cache(repo_root):
    post_build = repo_root / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    text = post_build.read_text()
    assert text.startswith("#!"), "postBuild needs a shebang"
    assert "scripts/warm_numba_cache.py" in text


@pytest.mark.slow
def test_warm_up_writes_a_cache_entry_for_every_kernel(repo_root, tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "scripts/warm_numba_cache.py"], cwd=repo_root, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    warmed = re.search(r"warmed (\d+) of (\d+)", result.stdout)
    assert warmed and warmed.group(1) == warmed.group(2) and int(warmed.group(2)) > 0, result.stdout
    index_files = list(tmp_path.rglob("*.nbi"))
    assert len(index_files) >= int(warmed.group(2)), f"{len(index_files)} cache index files in {tmp_path}"
    # A second run loads every kernel from the cache (helpers that only other kernels call are then
    # never compiled in the process) and must still count them all as warm.
    again = subprocess.run([sys.executable, "scripts/warm_numba_cache.py"], cwd=repo_root, env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"warmed {warmed.group(2)} of {warmed.group(2)}" in again.stdout, again.stdout


def test_launch_links_use_the_books_repository(repo_root):
    """_config.yml names the repository; lettools' "launch live" links must say the same."""
    import yaml

    from lettools import live

    repository = yaml.safe_load((repo_root / "_config.yml").read_text())["repository"]
    assert live.REPOSITORY == repository["url"], "change lettools/live.py REPOSITORY with _config.yml"
    assert live.BRANCH == repository["branch"]


def test_pages_launch_their_live_edition_and_the_header_does_not_launch(repo_root):
    """Jupyter Book's header launch buttons open the source notebook, whose MyST markup shows raw
    in Jupyter, so they stay off; every notebook page links its own live edition instead."""
    import json

    import yaml

    launch = yaml.safe_load((repo_root / "_config.yml").read_text()).get("launch_buttons", {})
    providers = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url", "thebe")
    assert not any(launch.get(key) for key in providers), "_config.yml turns on a header launch button"
    toc = (repo_root / "_toc.yml").read_text()
    pages = [entry for entry in re.findall(r"file: (\S+)", toc) if (repo_root / f"{entry}.ipynb").exists()]
    assert len(pages) >= 7
    for entry in pages:
        cells = json.loads((repo_root / f"{entry}.ipynb").read_text())["cells"]
        sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        assert any(f'launch_note("{entry}.ipynb")' in source for source in sources), (
            f"{entry}.ipynb does not link its live edition (lettools.live.launch_note)")


def test_the_instructor_guide_pins_the_release_colab_installs(repo_root):
    """The guide's JupyterHub recipe installs lettools at the same ref as the live edition's Colab cell."""
    import yaml

    config = yaml.safe_load((repo_root / "_config.yml").read_text())
    ref, url = config["lettools_install_ref"], config["repository"]["url"]
    guide = (repo_root / "front" / "instructors.md").read_text()
    assert f'pip install "lettools @ git+{url}@{ref}"' in guide
    assert f"`{ref}`" in guide, "the guide names the release tag the Colab cell installs"


def test_every_notebook_installs_lettools_from_the_books_repository(repo_root):
    """The first code cell installs lettools on Colab from the repository that _config.yml names."""
    import json

    import yaml

    url = yaml.safe_load((repo_root / "_config.yml").read_text())["repository"]["url"]
    notebooks = [*repo_root.glob("chapters/*.ipynb"), *repo_root.glob("front/*.ipynb")]
    assert notebooks
    for path in notebooks:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        first = "".join(cells[0]["source"])
        assert "except ModuleNotFoundError" in first, f"{path.name}: first code cell does not install lettools"
        assert f'"lettools @ git+{url}"' in first, f"{path.name}: installs lettools from elsewhere than {url}"


@pytest.mark.slow
def test_binder_jupyterlab_loads_every_extension(binder_venv):
    """A prebuilt extension built for another JupyterLab is listed but not loaded: say so here."""
    from conftest import venv_env

    listed = subprocess.run([str(binder_venv / "bin" / "jupyter"), "labextension", "list"],
                            capture_output=True, text=True, env=venv_env(binder_venv), timeout=300)
    report = listed.stdout + listed.stderr
    for extension in ("jupyterlab-myst", "@jupyter-widgets/jupyterlab-manager"):
        assert extension in report, f"{extension} is not installed:\n{report}"
    assert "not compatible" not in report, report
