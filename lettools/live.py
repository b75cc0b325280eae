"""Live explorers (ipywidgets) and the links that open a page live in Binder or Colab.

Widgets need a running kernel: in the static site their controls would move and
change nothing. So the static site shows each explorer's kernel-free twin
(:meth:`lettools.twin.Explorer.twin`), and the cell that builds the widget
carries the tags ``remove-output`` (no dead controls on the page) and
``nbval-ignore-output`` (widget state cannot be compared; the same numbers
are checked in a plain cell above), with a one-line comment saying so.
:func:`launch_note` prints the Binder and Colab links for a page.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import altair as alt
import ipywidgets as widgets
from IPython.display import HTML, display

if TYPE_CHECKING:
    from lettools.twin import Explorer, Param

__all__ = ["REPOSITORY", "BRANCH", "LIVE_FOLDER", "live_path", "launch_urls", "launch_note", "explorer_widget"]

#: The book's source repository (the same URL is in ``_config.yml``).
REPOSITORY = "https://github.com/daily-reset/daily-reset-book"
#: Branch that the launch links open.
BRANCH = "main"
#: Folder of the live edition (``make live``): the chapters with glued numbers, references and
#: exercise numbers written out and solutions folded, which read well in JupyterLab and Colab.
LIVE_FOLDER = "live"

#: Errors a model raises for settings it cannot compute; shown as a message, not a traceback.
_SETTING_ERRORS = (ValueError, TypeError, ArithmeticError)


def live_path(notebook_path: str) -> str:
    """Path of the live-edition notebook for a page of the book.

    >>> live_path("chapters/compounding.ipynb")
    'live/compounding.ipynb'
    """
    return f"{LIVE_FOLDER}/{notebook_path.rsplit('/', 1)[-1]}"


def launch_urls(notebook_path: str) -> dict[str, str]:
    """Binder and Colab URLs that open the live edition of ``notebook_path`` (a path from the
    repository root to a page of the book).

    >>> launch_urls("chapters/compounding.ipynb")["colab"]
    'https://colab.research.google.com/github/daily-reset/daily-reset-book/blob/main/live/compounding.ipynb'
    """
    if not isinstance(notebook_path, str):
        raise TypeError(f"notebook_path must be a string, got {type(notebook_path).__name__}")
    parts = notebook_path.split("/")
    if (
        not notebook_path.endswith(".ipynb")
        or notebook_path.startswith("/")
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError(
            f"notebook_path must be a relative path to a notebook inside the repository, got {notebook_path!r}"
        )
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    live = live_path(notebook_path)
    path = quote(live)
    lab_path = quote("lab/tree/" + live, safe="")
    return {
        "binder": f"https://mybinder.org/v2/gh/{owner_repo}/{BRANCH}?urlpath={lab_path}",
        "colab": f"https://colab.research.google.com/github/{owner_repo}/blob/{BRANCH}/{path}",
    }


def launch_note(notebook_path: str) -> None:
    """Display a short note with plain links that open this page live (nothing loads until clicked)."""
    urls = {name: html.escape(url, quote=True) for name, url in launch_urls(notebook_path).items()}
    display(
        HTML(
            '<p class="launch-live">In the static page the twin chart above is live in your browser. '
            "To run the widget with any setting, open this page in a live notebook: "
            f'<a href="{urls["binder"]}">launch in Binder</a> or '
            f'<a href="{urls["colab"]}">open in Colab</a>.</p>'
        )
    )


def _decimals(step: float) -> int:
    """Decimal places needed to show multiples of ``step`` exactly."""
    for places in range(0, 10):
        if math.isclose(round(step, places), step, rel_tol=1e-9, abs_tol=0):
            return places
    return 10


def _control(p: Param, continuous_update: bool) -> widgets.Widget:
    label = {"description": p.title, "style": {"description_width": "initial"}}
    if p.categorical:
        if len(p.grid) <= 4:
            return widgets.ToggleButtons(options=list(p.grid), value=p.default, **label)
        return widgets.Dropdown(options=list(p.grid), value=p.default, **label)
    if p.live is not None:
        low, high, step = (p.shown(float(v)) for v in p.live)
    elif p.evenly_spaced:
        low, high, step = p.shown(p.grid[0]), p.shown(p.grid[-1]), p.shown(p.step)  # type: ignore[arg-type]
    else:
        options = [(f"{p.shown(v):g}", v) for v in p.grid]
        return widgets.Dropdown(options=options, value=p.default, **label)
    shown_default = min(max(p.shown(p.default), low), high)
    # A fixed width (within the cell) leaves the track room after a long label; by default the
    # label eats into a 300 px slider and a long one leaves almost no track in JupyterLab.
    label["layout"] = widgets.Layout(width="34em", max_width="100%")
    common: dict[str, Any] = dict(
        min=low, max=high, step=step, value=shown_default, continuous_update=continuous_update, **label
    )
    if all(float(v).is_integer() for v in (low, high, step)):
        return widgets.IntSlider(
            **{k: int(v) if k in ("min", "max", "step", "value") else v for k, v in common.items()}
        )
    return widgets.FloatSlider(readout_format=f".{_decimals(step)}f", **common)


def _model_value(p: Param, control: widgets.Widget) -> Any:
    value = control.value
    if p.categorical or isinstance(control, widgets.Dropdown):
        return value
    return float(value) / p.scale


class RenderedSpec:
    """A Vega-Lite spec shown through Altair's active renderer, with no chart object to rebuild."""

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def _repr_mimebundle_(self, include=None, exclude=None):
        return alt.renderers.get()(self.spec)  # type: ignore[misc]


def explorer_widget(explorer: Explorer, *, continuous_update: bool = False) -> widgets.VBox:
    """Controls for every parameter of ``explorer`` and an output that redraws on each change.

    Each change calls ``explorer.spec(**values)``: a fresh compute at exactly the
    chosen values (live ranges may be finer than the twin's grid). Settings the
    model rejects show its message instead of a chart.

    Parameters
    ----------
    explorer : lettools.twin.Explorer
    continuous_update : bool
        Redraw while a slider is dragged (True) or when it is released (False,
        kinder to a busy Binder kernel).
    """
    controls: Mapping[str, widgets.Widget] = {p.name: _control(p, continuous_update) for p in explorer.params}
    output = widgets.Output()

    def redraw(_change=None) -> None:
        values = {p.name: _model_value(p, controls[p.name]) for p in explorer.params}
        with output:
            output.clear_output(wait=True)
            try:
                spec = explorer.spec(**values)
            except _SETTING_ERRORS as exc:
                print(f"This setting cannot be computed: {exc}")
                return
            display(RenderedSpec(spec))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.VBox(list(controls.values())), output])
