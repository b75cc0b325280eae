"""Every public callable of the engine has complete numpydoc, type hints and examples that run.

For each name in ``lettools.__all__`` that can be called: a Parameters section that documents
every parameter of the signature and nothing else (``a, b : float`` documents both), a Returns
section (functions), an Examples section, and References whose entries name a key of
``references.bib`` (required where the formula comes from a paper). The docstrings are parsed
with numpydoc's ``docscrape`` when it is installed (``requirements.txt`` pins it), else with the
small parser below. Then every docstring example of the engine modules runs as a doctest: the
examples use small seeded inputs and round their output, so they are stable across machines.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
from pathlib import Path

import pytest

import lettools

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [name for name in lettools.__all__ if callable(getattr(lettools, name))]
ENGINE_MODULES = sorted({getattr(lettools, name).__module__ for name in PUBLIC})
BIB_KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(), flags=re.M))

# Public callables whose formula comes from a paper: their References must cite it.
FROM_A_PAPER = {
    "fund_return": "avellaneda2010path",
    "estimated_returns_table": "avellaneda2010path",
    "log_growth_rate": "avellaneda2010path",
    "decay_rate": "avellaneda2010path",
    "growth_decomposition": "avellaneda2010path",
    "implied_volatility": "avellaneda2010path",
    "paired_fund_return": "avellaneda2010path",
    "prob_lag_static": "avellaneda2010path",
    "kelly_leverage": "kelly1956interpretation",
    "rebalance_flow": "cheng2009dynamics",
    "effective_leverage": "cheng2009dynamics",
    "flow_adjusted_trade": "cheng2009dynamics",
    "aggregate_rebalance_flow": "cheng2009dynamics",
    "admissible_horizon": "leung2016leveraged",
}

SECTION = re.compile(r"^\s*([A-Z][A-Za-z ]+)\n\s*-{3,}\s*$", flags=re.M)


def _small_parse(doc: str) -> dict[str, list]:
    """Sections of a numpydoc string: Parameters as (names, type) pairs, others as lines."""
    doc = inspect.cleandoc(doc)
    matches = list(SECTION.finditer(doc))
    sections: dict[str, list] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        body = doc[match.end(): following.start() if following else len(doc)].strip("\n")
        title = match.group(1).strip()
        if title == "Parameters":
            sections[title] = [
                (line.split(":")[0].strip(), line.partition(":")[2].strip())
                for line in body.splitlines()
                if line.strip() and not line.startswith((" ", "\t"))
            ]
        else:
            sections[title] = [line for line in body.splitlines() if line.strip()]
    return sections


def sections(obj) -> dict[str, list]:
    """``{"Parameters": [(names, type), ...], "Returns": [...], "Examples": [...], "References": [...]}``."""
    try:
        from numpydoc.docscrape import ClassDoc, FunctionDoc
    except ImportError:  # numpydoc is pinned for the tests, but the fallback keeps this file standalone
        return _small_parse(obj.__doc__ or "")
    parsed = ClassDoc(obj, config={"show_class_members": False}) if inspect.isclass(obj) else FunctionDoc(obj)
    return {
        "Parameters": [(p.name, p.type) for p in parsed["Parameters"]],
        "Returns": list(parsed["Returns"]),
        "Examples": [line for line in parsed["Examples"] if line.strip()],
        "References": [line for line in parsed["References"] if line.strip()],
    }


def documented_names(entries) -> list[str]:
    return [name.strip().lstrip("*") for names, _ in entries for name in names.split(",") if name.strip()]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_parameter_is_documented_under_its_own_name(name):
    obj = getattr(lettools, name)
    parameters = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
    documented = documented_names(sections(obj).get("Parameters", []))
    assert sorted(documented) == sorted(parameters), (
        f"{name}: undocumented {sorted(set(parameters) - set(documented))},"
        f" documented but not in the signature {sorted(set(documented) - set(parameters))}"
    )


@pytest.mark.parametrize("name", PUBLIC)
def test_returns_and_examples_sections(name):
    obj = getattr(lettools, name)
    parsed = sections(obj)
    if not inspect.isclass(obj):  # a class's "return" is itself: its Parameters describe it
        assert parsed.get("Returns"), f"{name} has no Returns section"
    assert any(line.lstrip().startswith(">>>") for line in parsed.get("Examples", [])), (
        f"{name} has no Examples section with code"
    )


@pytest.mark.parametrize("name", PUBLIC)
def test_references_name_bibliography_keys(name):
    references = " ".join(sections(getattr(lettools, name)).get("References", []))
    keys = set(re.findall(r"``([a-z]+\d{4}[a-z]*)``", references))
    assert keys <= BIB_KEYS, f"{name} cites keys missing from references.bib: {sorted(keys - BIB_KEYS)}"
    if name in FROM_A_PAPER:
        assert FROM_A_PAPER[name] in keys, f"{name}: References must cite {FROM_A_PAPER[name]}"


@pytest.mark.parametrize("name", PUBLIC)
def test_signatures_are_fully_annotated(name):
    signature = inspect.signature(getattr(lettools, name))
    missing = [p for p, v in signature.parameters.items() if v.annotation is inspect.Parameter.empty]
    assert not missing, f"{name}: parameters without a type hint: {missing}"
    if not inspect.isclass(getattr(lettools, name)):
        assert signature.return_annotation is not inspect.Signature.empty, f"{name} has no return type hint"


@pytest.mark.parametrize("module_name", ENGINE_MODULES)
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [test for test in finder.find(module, module_name) if test.examples]
    assert tests, f"{module_name} has no doctests"
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, "".join(report)
