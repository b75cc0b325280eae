"""Explorers: one spec that yields a live widget and its kernel-free twin.

An :class:`Explorer` ties together

* a *compute* function: keyword parameters -> tidy ``pandas.DataFrame``;
* a grid of :class:`Param` values, each with a label and a default;
* a *draw* function: ``draw(base, domains) -> altair chart``, where ``base`` is an
  ``alt.Chart`` already holding the data (build every layer from it) and
  ``domains`` maps each numeric column to ``[low, high]`` over the *whole*
  grid, so that axes can stay fixed while a control moves (otherwise a change
  can be hidden by a rescaled axis).

From it, ``explorer.twin()`` precomputes every grid point and returns one Altair
chart whose parameters are bound to native sliders, dropdowns or radio buttons:
Vega filters the embedded data in the browser, no kernel needed.
``explorer.widget()`` returns the live ipywidgets version (see
:mod:`lettools.live`), and ``explorer.update(**values)`` computes and draws one
setting, which is what a widget does on every change (the benchmark times it).

Static-site convention used by every chapter::

    twin cell    explorer.twin()            shown in the static site, compared by nbval
    live cell    explorer.widget()          tags: remove-output, nbval-ignore-output
                                            (widget state cannot be compared; the numbers
                                            are checked in a plain cell above)
    launch cell  live.launch_note(path)     Binder and Colab links

Numeric grid values are matched in the browser with a tolerance of a quarter of
the smallest grid step, never with float equality.
"""

from __future__ import annotations

import inspect
import itertools
import json
import numbers
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd
from altair.utils import schemapi
from altair.utils.schemapi import SchemaBase, debug_mode

from lettools.charts import accessible, csv_values, inline_csv

__all__ = ["Param", "Explorer", "TWIN_BUDGET_BYTES"]

_LIVE_DATASET = "setting"  # name of the live widget's data in its spec's ``datasets``

#: Largest embedded twin (chart JSON, data included) allowed by default: a page must stay under 2 MB.
TWIN_BUDGET_BYTES = 1_500_000
TEMPLATE_CACHE_SIZE = 16
"""Chart templates an explorer keeps (one per set of axis domains met, most recent first)."""

_SIGNIFICANT = 12  # grid values keep this many significant digits of the grid's largest value


def _rounder(values: Sequence[float]) -> Callable[[float], float]:
    """Round to 12 significant digits of the largest magnitude: ``arange`` noise such as 3e-17 becomes 0."""
    largest = max(abs(float(v)) for v in values) or 1.0
    places = _SIGNIFICANT - 1 - int(np.floor(np.log10(largest)))
    return lambda value: round(float(value), places) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass(frozen=True)
class Param:
    """One control of an explorer.

    Parameters
    ----------
    name : str
        Keyword passed to the compute function; also the data column added by the twin.
    values : sequence of numbers or of str
        The grid precomputed by the twin (at least two values).
    default : number or str, optional
        Starting value; must be one of ``values``. Defaults to the middle value.
    label : str, optional
        Text next to the control (defaults to ``name``).
    percent : bool
        Show a decimal quantity as percent on the controls (0.05 shows as 5); the
        compute function still receives decimals.
    live : tuple (min, max, step), optional
        Range of the live slider, in the parameter's own units (decimals, not
        percent); may be finer or wider than the grid. Defaults to the grid.
    control : {"range", "select", "radio"}, optional
        Force a control type. Defaults: evenly spaced numbers -> range slider,
        other numbers -> dropdown, up to four strings -> radio buttons, more -> dropdown.
    """

    name: str
    values: Sequence[Any]
    default: Any = None
    label: str | None = None
    percent: bool = False
    live: tuple[float, float, float] | None = None
    control: Literal["range", "select", "radio"] | None = None
    _grid: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            raise ValueError(f"Param name must be a Python identifier, got {self.name!r}")
        if isinstance(self.values, (str, bytes)) or not isinstance(self.values, (Sequence, np.ndarray)):
            raise TypeError(f"Param {self.name!r}: values must be a list of numbers or of strings")
        values = list(self.values)
        if len(values) < 2:
            raise ValueError(f"Param {self.name!r}: needs at least two values (fix the others with functools.partial)")
        if all(isinstance(v, str) for v in values):
            grid = tuple(values)
        elif all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
            if not all(np.isfinite(float(v)) for v in values):
                raise ValueError(f"Param {self.name!r}: values must be finite")
            clean = _rounder(values)
            grid = tuple(sorted(clean(v) for v in values))
        else:
            raise TypeError(f"Param {self.name!r}: values must be all numbers or all strings")
        if len(set(grid)) != len(grid):
            raise ValueError(f"Param {self.name!r}: values must be distinct")
        object.__setattr__(self, "_grid", grid)
        if self.percent and self.categorical:
            raise ValueError(f"Param {self.name!r}: percent applies to numbers only")
        default = grid[len(grid) // 2] if self.default is None else self.default
        if not self.categorical:
            if not isinstance(default, numbers.Real) or isinstance(default, bool):
                raise TypeError(f"Param {self.name!r}: default must be a number")
            default = _rounder(grid)(default)  # type: ignore[arg-type]
        if default not in grid:
            raise ValueError(f"Param {self.name!r}: default {default!r} is not one of the grid values")
        object.__setattr__(self, "default", default)
        if self.control == "range" and not self.evenly_spaced:
            raise ValueError(f"Param {self.name!r}: a range control needs evenly spaced numeric values")
        if self.live is not None:
            if self.categorical:
                raise ValueError(f"Param {self.name!r}: live ranges apply to numbers only")
            low, high, step = (float(v) for v in self.live)
            if not (low < high and step > 0):
                raise ValueError(f"Param {self.name!r}: live must be (min, max, step) with min < max and step > 0")

    @property
    def grid(self) -> tuple:
        """The grid values: strings as given, numbers sorted and rounded to hide float noise."""
        return self._grid

    @property
    def categorical(self) -> bool:
        return isinstance(self._grid[0], str)

    @property
    def title(self) -> str:
        """Control label, with the percent unit when values are shown as percent."""
        text = self.label or self.name
        return f"{text} (%)" if self.percent else text

    @property
    def scale(self) -> float:
        """Factor from the parameter's units to the units shown on the controls."""
        return 100.0 if self.percent else 1.0

    @property
    def step(self) -> float | None:
        """Grid step when the numeric values are evenly spaced, else ``None``."""
        if self.categorical:
            return None
        gaps = np.diff(self._grid)
        return _rounder(self._grid)(gaps[0]) if np.allclose(gaps, gaps[0], rtol=1e-9, atol=0) else None

    @property
    def evenly_spaced(self) -> bool:
        return self.step is not None

    @property
    def kind(self) -> str:
        """The control type the twin uses."""
        if self.control is not None:
            return self.control
        if self.categorical:
            return "radio" if len(self._grid) <= 4 else "select"
        return "range" if self.evenly_spaced else "select"

    @property
    def tolerance(self) -> float:
        """Half-width of the window in which a numeric data value matches the control's value."""
        return _rounder(self._grid)(0.25 * float(np.min(np.diff(self._grid))))

    def shown(self, value: float) -> float:
        """A parameter value in the units shown on the controls."""
        return _rounder([v * self.scale for v in self._grid])(value * self.scale)


@dataclass
class Explorer:
    """A compute function, a parameter grid and a chart, from which the widget and its twin are built.

    Parameters
    ----------
    compute : callable
        ``compute(**{p.name: value for p in params}) -> pandas.DataFrame`` (tidy, small).
    params : sequence of Param
        The controls, in display order.
    draw : callable
        ``draw(base, domains) -> altair chart``. Build every mark from ``base``
        (an ``alt.Chart`` with the data and, in the twin, the filter). Give each
        encoding an explicit type (``"day:Q"``). ``domains[column]`` is
        ``[low, high]`` of a numeric column over the whole grid.
    title, description : str
        Required title and screen-reader description of the chart (see
        :func:`lettools.charts.accessible`); the description must hold for every setting.
    decimals : int
        Decimal places kept for floats in the embedded data (smaller pages).
    compute_grid : callable, optional
        ``compute_grid(settings) -> pandas.DataFrame``: every grid point at once, for
        explorers whose per-point ``compute`` would make the twin slow to build.
        ``settings`` has one row per grid point (in the order of
        ``itertools.product`` over the params' grids) and one column per parameter;
        the result must equal what :meth:`grid_data_by_point` builds (the tests check).
    """

    compute: Callable[..., pd.DataFrame]
    params: Sequence[Param]
    draw: Callable[[alt.Chart, Mapping[str, list[float]]], alt.TopLevelMixin]
    title: str
    description: str
    decimals: int = 6
    compute_grid: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    _grid_data: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _grid_domains: dict[str, list[float]] | None = field(default=None, init=False, repr=False)
    _templates: OrderedDict[str, dict] = field(default_factory=OrderedDict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.params = tuple(self.params)
        if not self.params or not all(isinstance(p, Param) for p in self.params):
            raise TypeError("params must be a non-empty sequence of Param")
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError(f"parameter names must be distinct, got {names}")
        signature = inspect.signature(self.compute)
        try:
            signature.bind(**{p.name: p.default for p in self.params})
        except TypeError as exc:
            raise TypeError(f"compute cannot be called with the parameters {names}: {exc}") from None
        accessible(alt.Chart(), title=self.title, description=self.description)  # validates both texts
        if not (isinstance(self.decimals, int) and 0 <= self.decimals <= 15):
            raise ValueError(f"decimals must be an integer from 0 to 15, got {self.decimals!r}")

    # -- data -----------------------------------------------------------------------------

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def _frame(self, values: Mapping[str, Any]) -> pd.DataFrame:
        frame = self.compute(**values)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"compute must return a pandas DataFrame, got {type(frame).__name__}")
        clash = [p.name for p in self.params if p.name in frame.columns]
        if clash:
            raise ValueError(f"compute output already has columns named like parameters: {clash}")
        return frame

    def grid_data(self) -> pd.DataFrame:
        """Every grid point's output, with one column per parameter (computed once, then cached)."""
        if self._grid_data is None:
            if self.compute_grid is None:
                self._grid_data = self.grid_data_by_point()
            else:
                names = [p.name for p in self.params]
                settings = pd.DataFrame(list(itertools.product(*(p.grid for p in self.params))), columns=names)
                self._grid_data = self.compute_grid(settings)
        return self._grid_data

    def grid_data_by_point(self) -> pd.DataFrame:
        """The grid computed one point at a time with ``compute`` (what ``compute_grid`` must equal)."""
        frames = []
        for combo in itertools.product(*(p.grid for p in self.params)):
            values = dict(zip((p.name for p in self.params), combo, strict=False))
            frames.append(self._frame(values).assign(**values))
        return pd.concat(frames, ignore_index=True)

    def domains(self, extra: pd.DataFrame | None = None) -> dict[str, list[float]]:
        """``[low, high]`` of each numeric column over the whole grid, widened to cover ``extra``."""
        if self._grid_domains is None:
            self._grid_domains = _numeric_spans(self.grid_data())
        if extra is None:
            return {column: list(bounds) for column, bounds in self._grid_domains.items()}
        own = _numeric_spans(extra)
        return {
            column: [min(low, own[column][0]), max(high, own[column][1])] if column in own else [low, high]
            for column, (low, high) in self._grid_domains.items()
        }

    def _records(self, frame: pd.DataFrame) -> alt.Data:
        return inline_csv(frame, decimals=self.decimals)

    # -- charts ---------------------------------------------------------------------------

    def _finish(self, chart) -> alt.TopLevelMixin:
        return accessible(chart, title=self.title, description=self.description)

    def chart(self, **values) -> alt.TopLevelMixin:
        """Compute one setting and draw it: what the live widget shows after each change.

        Missing parameters take their defaults; values need not be on the grid.
        Axes span the whole grid and this setting.
        """
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise TypeError(f"unknown parameters: {sorted(unknown)}")
        settings = {**self.defaults, **values}
        frame = self._frame(settings)
        base = alt.Chart(self._records(frame))
        return self._finish(self.draw(base, self.domains(frame)))

    def spec(self, **values) -> dict:
        """The Vega-Lite spec of one setting, as :meth:`chart` would give it, built fast.

        Only the data change from one setting to the next, so the chart's
        structure is built once per set of axis domains and kept (the last
        ``TEMPLATE_CACHE_SIZE`` of them); each call computes the data and puts them
        in the spec's ``datasets``. This is what the live widget draws on every
        change. Altair's schema validation (35-500 ms a template) is skipped here:
        :meth:`template` with ``validate=True`` checks the same structure, and the
        tests call it for every explorer.
        """
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise TypeError(f"unknown parameters: {sorted(unknown)}")
        frame = self._frame({**self.defaults, **values})
        domains = self.domains(frame)
        text, data_format = csv_values(frame, decimals=self.decimals)
        key = json.dumps([domains, data_format.to_dict()], sort_keys=True)
        template = self._templates.get(key)
        if template is None:
            template = self.template(domains, data_format)
            self._templates[key] = template
            if len(self._templates) > TEMPLATE_CACHE_SIZE:
                self._templates.popitem(last=False)
        else:
            self._templates.move_to_end(key)
        return {**template, "datasets": {_LIVE_DATASET: text}}

    def template(self, domains: Mapping[str, list[float]], data_format, *, validate: bool = False) -> dict:
        """The live chart's Vega-Lite spec without its data, for given axis domains and data format.

        With ``validate=False`` (what :meth:`spec` uses) the chart is built under
        :func:`_one_level_copies`, 2-5x faster; ``validate=True`` builds it the ordinary
        way and checks it against the schema (the tests hold the two equal for every explorer).
        """
        named = alt.NamedData(name=_LIVE_DATASET, format=data_format)
        if validate:
            return self._finish(self.draw(alt.Chart(named), domains)).to_dict(validate=True)
        with _one_level_copies():
            return self._finish(self.draw(alt.Chart(named), domains)).to_dict(validate=False)

    def update(self, **values) -> dict:
        """One widget update as the benchmark times it: compute and build the Vega-Lite spec."""
        return self.spec(**values)

    def twin(self, *, budget_bytes: int = TWIN_BUDGET_BYTES) -> alt.TopLevelMixin:
        """The kernel-free chart: every grid point embedded, controls bound to native inputs.

        Raises
        ------
        ValueError
            If the chart's JSON (data included) exceeds ``budget_bytes``: use a
            coarser grid, fewer rows per setting or fewer columns.
        """
        data = self.grid_data()
        bound = []
        conditions = []
        for p in self.params:
            signal = f"p_{p.name}"
            bound.append(alt.param(name=signal, value=p.shown(p.default) if not p.categorical else p.default,
                                   bind=_binding(p)))
            if p.categorical:
                conditions.append(f"datum[{json.dumps(p.name)}] === {signal}")
            else:
                # Controls show scaled values; match within a tolerance, never with float equality.
                conditions.append(
                    f"abs(datum[{json.dumps(p.name)}] - {signal} / {p.scale!r}) <= {p.tolerance!r}"
                )
        base = alt.Chart(self._records(data)).transform_filter(" && ".join(conditions))
        chart = self._finish(self.draw(base, self.domains())).add_params(*bound)  # type: ignore[attr-defined]
        size = len(json.dumps(chart.to_dict(validate=False)))
        if size > budget_bytes:
            raise ValueError(
                f"twin is {size / 1e6:.2f} MB of JSON ({len(data)} rows), over the budget of "
                f"{budget_bytes / 1e6:.2f} MB: use a coarser grid, fewer rows per setting or fewer columns"
            )
        return chart

    def widget(self, **options):
        """The live ipywidgets explorer; see :func:`lettools.live.explorer_widget`."""
        from lettools.live import explorer_widget

        return explorer_widget(self, **options)


_COPY_LOCK = threading.Lock()


def _one_level_copy(obj, by_ref):
    """Altair's deep copy cut to one level: a new object with new lists and dicts, sharing their items.

    Altair deep-copies every subchart each time charts are layered, concatenated or given
    properties (most of the time a template takes: 330 ms of the days explorer's 400); it then
    changes only the copies' own attributes, so sharing the items below gives the same spec.
    """
    if isinstance(obj, SchemaBase):
        kwds = {key: value.copy() if isinstance(value, (list, dict)) else value for key, value in obj._kwds.items()}
        with debug_mode(False):
            return obj.__class__(*obj._args, **kwds)
    return obj.copy() if isinstance(obj, (list, dict)) else obj


@contextmanager
def _one_level_copies():
    """Build a live template fast: Altair's deep copies one level deep, no schema check on construction.

    Altair's debug mode (on by default) validates every schema object against the Vega-Lite schema
    as it is constructed: half a template's build time, and most of a cold widget update's (a setting
    that widens an axis builds a new template). It only raises, never changes the spec, and
    :meth:`Explorer.template` with ``validate=True`` still checks the finished spec.

    The switch is process-wide while it lasts: template builds take turns (a lock), and another
    thread building Altair charts at the same moment would get one-level copies too. lettools builds
    live charts on the kernel's main thread only (widget callbacks run there).
    """
    with _COPY_LOCK, debug_mode(False):
        original = schemapi._deep_copy
        schemapi._deep_copy = _one_level_copy
        try:
            yield
        finally:
            schemapi._deep_copy = original


def _numeric_spans(frame: pd.DataFrame) -> dict[str, list[float]]:
    spans = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series.to_numpy(dtype=np.float64)
            values = values[np.isfinite(values)]
            if values.size:
                spans[column] = [float(values.min()), float(values.max())]
    return spans


def _binding(p: Param):
    if p.kind == "range":
        low, high = p.shown(p.grid[0]), p.shown(p.grid[-1])
        return alt.binding_range(min=low, max=high, step=p.shown(p.step), name=p.title)  # type: ignore[arg-type]
    options = list(p.grid) if p.categorical else [p.shown(v) for v in p.grid]
    if p.kind == "radio":
        return alt.binding_radio(options=options, name=p.title)
    return alt.binding_select(options=options, name=p.title)
