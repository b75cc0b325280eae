"""The book's Altair look: a colour-blind-safe theme, the renderer, and chart helpers.

Call :func:`use_book_theme` once at the top of every notebook. It registers and
enables the ``daily-reset`` theme (Okabe-Ito colours, plain fonts, no chart
border) and Altair's ``html`` renderer drawing SVG. That renderer's output is
one ``text/html`` block which works in three places:

* the static site, where the book ships Vega, Vega-Lite and vega-embed itself
  (Altair's template skips its CDN when ``window.VEGA_DEBUG`` already names
  the versions and no require.js is on the page);
* JupyterLab (Binder) and Colab, where the same template loads them from the CDN.

SVG output keeps each chart's ``description`` as the ``aria-label`` of the
drawing, which screen readers announce and the browser test can inspect.

Every chart in the book has a title and a text description. The helpers here
take both as required keyword arguments, and :func:`check_accessible` lets a
test verify any chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt
import numpy as np

__all__ = [
    "csv_values",
    "inline_csv",
    "OKABE_ITO",
    "PALETTE",
    "THEME_NAME",
    "book_theme",
    "use_book_theme",
    "accessible",
    "check_accessible",
    "line_chart",
    "span",
    "end_labels",
]

#: The eight colours of Okabe and Ito's palette, distinguishable with the common colour-vision deficiencies.
OKABE_ITO: Mapping[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: Category order: the strongest contrasts on white first, yellow (weak on white) last.
PALETTE: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "vermillion",
        "bluish green",
        "reddish purple",
        "orange",
        "sky blue",
        "black",
        "yellow",
    )
)

THEME_NAME = "daily-reset"

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def book_theme() -> alt.theme.ThemeConfig:
    """The theme's configuration: Okabe-Ito categories, colour-blind-safe ramps, readable type."""
    return {
        "config": {
            "font": _FONT,
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            "range": {
                "category": list(PALETTE),
                # Blue-orange and viridis stay distinguishable for the common colour-vision deficiencies.
                "diverging": {"scheme": "blueorange"},  # type: ignore[typeddict-item]
                "heatmap": {"scheme": "viridis"},  # type: ignore[typeddict-item]
                "ramp": {"scheme": "viridis"},  # type: ignore[typeddict-item]
            },
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "labelLimit": 400},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
        }
    }


def use_book_theme() -> None:
    """Enable the book's theme and the ``html`` renderer (SVG, no actions menu) for this session.

    Idempotent: call it once at the top of each notebook.
    """
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(book_theme)
    alt.theme.enable(THEME_NAME)
    alt.renderers.enable("html", embed_options=dict(_EMBED_OPTIONS))


def _require_text(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty: every chart in the book needs one")
    return value


def accessible(chart: alt.TopLevelMixin, *, title: str, description: str, subtitle: str | None = None):
    """Give ``chart`` the title and the screen-reader description every book chart needs.

    Parameters
    ----------
    chart : altair top-level chart
        Any ``Chart``, ``LayerChart``, ``HConcatChart``, ...
    title : str
        Shown above the chart.
    description : str
        One or two sentences saying what the chart shows and its main message; Vega
        puts it in the SVG's ``aria-label``.
    subtitle : str, optional
        A second line under the title.
    """
    _require_text(title, "title")
    _require_text(description, "description")
    heading = alt.Title(title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, description=description)


def check_accessible(chart: alt.TopLevelMixin) -> None:
    """Raise ``ValueError`` unless the chart's top level has a non-empty title and description."""
    spec = chart.to_dict(validate=False)
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    if not (isinstance(text, str) and text.strip()):
        raise ValueError("chart has no title")
    description = spec.get("description")
    if not (isinstance(description, str) and description.strip()):
        raise ValueError("chart has no description for screen readers")


def csv_values(frame, *, decimals: int = 6) -> tuple[str, alt.DataFormat]:
    """A table as inline CSV text and the format that tells Vega how to read it.

    CSV names each column once instead of once per row (about a third of the size of
    Altair's JSON records) and has no row limit. Numbers are rounded to ``decimals``,
    dates written as ``YYYY-MM-DD``; column types are declared, not guessed by Vega.
    """
    import pandas as pd

    parse = {}
    rounded = frame.copy()
    for column, series in frame.items():
        if pd.api.types.is_bool_dtype(series):
            parse[column] = "boolean"
        elif pd.api.types.is_datetime64_any_dtype(series):
            parse[column] = "date"
        elif pd.api.types.is_numeric_dtype(series):
            parse[column] = "number"
            rounded[column] = series.round(decimals)
    text = rounded.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return text, alt.DataFormat(type="csv", parse=parse)


def inline_csv(frame, *, decimals: int = 6) -> alt.Data:
    """Chart data embedded as CSV (see :func:`csv_values`)."""
    text, data_format = csv_values(frame, decimals=decimals)
    return alt.Data(values=text, format=data_format)


def span(values: Iterable[float], *, pad: float = 0.0, include: Iterable[float] = ()) -> list[float]:
    """``[low, high]`` of ``values`` (NaNs ignored), widened by ``pad`` times the range on each side.

    Use it to fix an axis over every setting of an explorer so that moving a
    control moves the marks, not the axis. ``include`` adds reference values
    (such as 0 or a starting value of 100) that must stay in view.
    """
    array = np.concatenate(
        [np.asarray(list(values), dtype=np.float64).ravel(), np.asarray(list(include), dtype=np.float64)]
    )
    array = array[np.isfinite(array)]
    if array.size == 0:
        raise ValueError("span needs at least one finite value")
    low, high = float(array.min()), float(array.max())
    margin = pad * (high - low)
    return [low - margin, high + margin]


def line_chart(
    data,
    *,
    x: str,
    y: str,
    title: str,
    description: str,
    color: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    y_format: str | None = None,
    y_domain: list[float] | None = None,
    points: bool = False,
    width: int | None = None,
    height: int | None = None,
):
    """A titled, described line chart in the book's style.

    Parameters
    ----------
    data : pandas.DataFrame or altair data
        Tidy data, one row per point.
    x, y, color : str
        Altair shorthands with types, e.g. ``"day:Q"``, ``"value:Q"``, ``"series:N"``.
    title, description : str
        Required; see :func:`accessible`.
    x_title, y_title : str, optional
        Axis titles (default: the field names).
    y_format : str, optional
        d3 format for the y axis, e.g. ``".0%"`` for decimals shown as percent.
    y_domain : list of float, optional
        Fixed ``[low, high]`` for the y axis (see :func:`span`).
    points : bool
        Mark each observation with a point as well as the line.
    width, height : int, optional
        Size in pixels (default: the theme's).
    """
    y_axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    y_scale = alt.Scale(domain=y_domain, zero=False) if y_domain is not None else alt.Scale(zero=False)
    encoding: dict[str, Any] = {
        "x": alt.X(x, title=x_title),
        "y": alt.Y(y, title=y_title, axis=y_axis, scale=y_scale),
    }
    if color is not None:
        encoding["color"] = alt.Color(color)
    chart = alt.Chart(data).mark_line(point=points).encode(**encoding)
    size = {key: value for key, value in (("width", width), ("height", height)) if value is not None}
    if size:
        chart = chart.properties(**size)
    return accessible(chart, title=title, description=description)


def end_labels(data: alt.Chart, *, x, y, text, value: str, color=None, gap: float = 15.0, max_labels: int = 6,
               dx: float = 8.0, font_size: float = 12.0, y_scale: str = "y") -> alt.Chart:
    """Text labels at the ends of lines that keep clear of each other: a label that would overlap the
    one above it moves down.

    The labels are sorted by ``value`` from the top of the axis down; each is drawn at
    its line's end, or ``gap`` pixels under the label above it if that is lower. The
    shift is computed in the browser from the chart's own y scale (a Vega expression
    in the mark's ``dy``), so it holds for any data the chart is redrawn with.

    Parameters
    ----------
    data : altair.Chart
        The rows to label, one per line (its last point), with any transforms applied.
    x, y, text, color : altair channel or shorthand
        The labels' encodings; ``y`` must be on the scale named ``y_scale``.
    value : str
        The field ``y`` encodes (the labels are sorted on it).
    gap : float, default 15
        Least distance between the middles of two labels, in pixels.
    max_labels : int, default 6
        How many labels the expression looks back over (at least the number of lines).
    dx, font_size : float
        The text mark's horizontal offset from the line's end and size, in pixels.
    y_scale : str, default "y"
        Name of the Vega scale behind ``y`` (``"y"`` in a single or layered chart).

    Returns
    -------
    altair.Chart
        A text layer to add to the chart's ``alt.layer``.
    """
    if not isinstance(value, str) or not value.isidentifier():
        raise ValueError(f"value must be a field name, got {value!r}")
    if isinstance(max_labels, bool) or not isinstance(max_labels, int) or max_labels < 1:
        raise ValueError(f"max_labels must be a positive integer, got {max_labels!r}")
    for name, number in (("gap", gap), ("dx", dx), ("font_size", font_size)):
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not np.isfinite(number):
            raise TypeError(f"{name} must be a finite number, got {number!r}")
    if gap <= 0:
        raise ValueError(f"gap must be positive, got {gap!r}")
    scale = f"scale({y_scale!r}, datum[{value!r}])"
    # Label i goes to max over the labels j above it of (position of j + (i - j) gaps): the top
    # label stays; each later one sits at least a gap under the one before.
    lags = [alt.WindowFieldDef(op="lag", field=value, param=k, **{"as": f"_above_{k}"})
            for k in range(1, max_labels)]
    pushed = ", ".join(
        f"datum._above_{k} == null ? -1e9 : scale({y_scale!r}, datum._above_{k}) + {k * gap:g}"
        for k in range(1, max_labels)
    )
    shift = f"max({scale}, {pushed}) - {scale}" if pushed else "0"
    encoding = {"x": x, "y": y, "text": text}
    if color is not None:
        encoding["color"] = color
    return (
        data.transform_window(lags, sort=[alt.SortField(value, order="descending")])
        .mark_text(align="left", dx=dx, fontSize=font_size, dy=alt.ExprRef(shift))
        .encode(**encoding)
    )
