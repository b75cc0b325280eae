"""Live explorers (ipywidgets) and launch links."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from lettools import live
from lettools.book.how_it_works import two_day_explorer
from lettools.twin import Explorer, Param


def test_launch_urls_open_the_live_edition_of_the_page():
    urls = live.launch_urls("chapters/compounding.ipynb")
    assert urls["colab"] == (
        "https://colab.research.google.com/github/daily-reset/daily-reset-book/blob/main/live/compounding.ipynb"
    )
    assert urls["binder"] == (
        "https://mybinder.org/v2/gh/daily-reset/daily-reset-book/main?urlpath=lab%2Ftree%2Flive%2Fcompounding.ipynb"
    )


@pytest.mark.parametrize("path", ["/abs/x.ipynb", "../x.ipynb", "chapters/x.md", "a//b.ipynb"])
def test_launch_urls_reject_paths_outside_the_repository(path):
    with pytest.raises(ValueError, match="notebook_path"):
        live.launch_urls(path)


def test_launch_note_is_plain_links(capsys):
    from IPython.display import HTML

    shown = []
    original = live.display
    live.display = shown.append
    try:
        live.launch_note("front/how-it-works.ipynb")
    finally:
        live.display = original
    (note,) = shown
    assert isinstance(note, HTML)
    assert note.data.count("<a href=") == 2 and "<script" not in note.data


def _sliders(box: widgets.VBox) -> dict[str, widgets.Widget]:
    controls, output = box.children
    assert isinstance(output, widgets.Output)
    return {c.description: c for c in controls.children}


@pytest.fixture()
def shown(monkeypatch):
    """What the widget displays: outside a kernel its Output cannot capture, so record display()."""
    items = []
    monkeypatch.setattr(live, "display", items.append)
    return items


def test_two_day_widget_controls_follow_the_live_ranges(shown):
    box = two_day_explorer().widget()
    controls = _sliders(box)
    day1 = controls["Index return, day 1 (%)"]
    assert isinstance(day1, widgets.FloatSlider)
    assert (day1.min, day1.max, day1.step, day1.value) == (-30.0, 30.0, 0.5, 10.0)
    leverage = controls["Leverage"]
    assert (leverage.min, leverage.max, leverage.step, leverage.value) == (-3.0, 3.0, 0.5, 2.0)
    assert len(shown) == 1 and shown[0].spec["title"], "the widget draws its chart at once"


def test_widget_redraws_with_values_off_the_grid(monkeypatch, shown):
    explorer = two_day_explorer()
    seen = []
    original = explorer.spec
    monkeypatch.setattr(explorer, "spec", lambda **values: seen.append(values) or original(**values))
    box = explorer.widget()
    _sliders(box)["Index return, day 1 (%)"].value = 7.5
    _sliders(box)["Leverage"].value = 0.5
    assert seen[-1] == {"first_return": 0.075, "second_return": -0.10, "leverage": 0.5}
    assert len(shown) == 3


def test_widget_shows_a_message_not_a_traceback_for_a_bad_setting(shown, capsys):
    def compute(leverage):
        if leverage == 0:
            raise ValueError("leverage 0 holds nothing")
        return pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, leverage]})

    explorer = Explorer(
        compute,
        [Param("leverage", [-1, 1], default=1, live=(-1, 1, 1))],
        lambda base, domains: base.mark_line().encode(x="x:Q", y="y:Q"),
        title="T",
        description="D",
    )
    box = explorer.widget()
    control = box.children[0].children[0]
    assert isinstance(control, widgets.IntSlider)
    capsys.readouterr()
    control.value = 0
    assert "This setting cannot be computed: leverage 0 holds nothing" in capsys.readouterr().out
    assert len(shown) == 1, "no chart for the bad setting"
    control.value = 1
    assert len(shown) == 2


def test_categorical_and_uneven_params_get_choice_controls(shown):
    explorer = Explorer(
        lambda kind, level: pd.DataFrame({"x": [0.0, 1.0], "y": [level, level]}),
        [Param("kind", ["a", "b"]), Param("level", [1, 2, 5])],
        lambda base, domains: base.mark_line().encode(x="x:Q", y="y:Q"),
        title="T",
        description="D",
    )
    kind, level = explorer.widget().children[0].children
    assert isinstance(kind, widgets.ToggleButtons) and kind.options == ("a", "b")
    assert isinstance(level, widgets.Dropdown) and level.value == 2.0
    assert np.isclose(level.options[-1][1], 5.0)


def test_two_day_widget_accepts_every_corner_of_its_controls(shown, capsys):
    box = two_day_explorer().widget()
    controls = _sliders(box)
    day1, day2, leverage = (controls[k] for k in ("Index return, day 1 (%)", "Index return, day 2 (%)", "Leverage"))
    for a in (day1.min, day1.max):
        for b in (day2.min, day2.max):
            for lev in (leverage.min, 0.0, leverage.max):
                day1.value, day2.value, leverage.value = a, b, lev
    assert "cannot be computed" not in capsys.readouterr().out
    assert shown[-1].spec["title"]
