"""The book's Altair theme, renderer and accessibility helpers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from lettools import charts


@pytest.fixture()
def restore_altair():
    theme, renderer = alt.theme.active, alt.renderers.active
    options = dict(alt.renderers.options)
    yield
    alt.theme.enable(theme)
    alt.renderers.enable(renderer, **options)


def test_palette_is_okabe_ito_with_yellow_last():
    assert set(charts.PALETTE) == set(charts.OKABE_ITO.values())
    assert len(charts.PALETTE) == 8
    assert charts.PALETTE[-1] == charts.OKABE_ITO["yellow"]


def test_use_book_theme_enables_theme_and_svg_html_renderer(restore_altair):
    charts.use_book_theme()
    charts.use_book_theme()  # idempotent
    assert alt.theme.active == charts.THEME_NAME
    assert alt.renderers.active == "html"
    chart = charts.line_chart(
        pd.DataFrame({"x": [0, 1], "y": [1.0, 2.0]}), x="x:Q", y="y:Q", title="T", description="D"
    )
    spec = chart.to_dict()
    assert spec["config"]["range"]["category"] == list(charts.PALETTE)
    html = chart._repr_mimebundle_()["text/html"]
    assert '"renderer": "svg"' in html and '"actions": false' in html
    assert '"description": "D"' in html


@pytest.mark.parametrize("title, description", [("", "D"), ("T", "  "), ("T", None)])
def test_charts_require_title_and_description(title, description):
    base = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    with pytest.raises((ValueError, TypeError), match="title|description"):
        charts.accessible(base, title=title, description=description)


def test_accessible_sets_title_subtitle_and_description():
    base = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    spec = charts.accessible(base, title="T", subtitle="S", description="D").to_dict()
    assert spec["title"] == {"text": "T", "subtitle": "S"}
    assert spec["description"] == "D"


def test_check_accessible_rejects_bare_chart_and_accepts_described_layer():
    base = alt.Chart(pd.DataFrame({"x": [1]})).encode(x="x:Q")
    with pytest.raises(ValueError, match="title"):
        charts.check_accessible(base.mark_point())
    with pytest.raises(ValueError, match="description"):
        charts.check_accessible(base.mark_point().properties(title="T"))
    layered = charts.accessible(alt.layer(base.mark_point(), base.mark_line()), title="T", description="D")
    charts.check_accessible(layered)


def test_line_chart_fixes_the_y_domain_and_format():
    data = pd.DataFrame({"day": [0, 1, 2], "value": [0.0, 0.1, -0.1]})
    spec = charts.line_chart(
        data, x="day:Q", y="value:Q", title="T", description="D", y_format=".0%", y_domain=[-0.2, 0.2]
    ).to_dict()
    assert spec["encoding"]["y"]["scale"]["domain"] == [-0.2, 0.2]
    assert spec["encoding"]["y"]["axis"]["format"] == ".0%"


def test_span_pads_includes_and_ignores_nan():
    assert charts.span([1.0, 3.0, float("nan")], pad=0.5, include=[0.0]) == [-1.5, 4.5]
    with pytest.raises(ValueError):
        charts.span([float("nan")])


def test_csv_values_declares_types_and_rounds_only_numbers():
    import pandas as pd

    from lettools.charts import csv_values

    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2008-10-15", "2008-10-16"]),
            "value": [0.123456789, -1.0],
            "up": [True, False],
            "label": ["a", "b"],
        }
    )
    text, data_format = csv_values(frame, decimals=3)
    assert text.splitlines() == ["date,value,up,label", "2008-10-15,0.123,True,a", "2008-10-16,-1.0,False,b"]
    assert data_format.to_dict() == {"type": "csv", "parse": {"date": "date", "value": "number", "up": "boolean"}}


def test_end_labels_sort_by_value_and_shift_each_label_below_the_one_above():
    from lettools.charts import end_labels

    data = alt.Chart(pd.DataFrame({"day": [2, 2, 2], "value": [99.0, 98.0, 96.0], "name": list("abc")}))
    layer = end_labels(data, x="day:Q", y="value:Q", text="name:N", value="value", gap=14, max_labels=3).to_dict()
    window = layer["transform"][-1]
    assert window["sort"] == [{"field": "value", "order": "descending"}]
    assert [(w["op"], w["param"], w["as"]) for w in window["window"]] == [("lag", 1, "_above_1"), ("lag", 2, "_above_2")]
    shift = layer["mark"]["dy"]["expr"]
    assert "scale('y', datum._above_1) + 14" in shift and "scale('y', datum._above_2) + 28" in shift
    assert layer["mark"]["type"] == "text" and layer["encoding"]["text"]["field"] == "name"


@pytest.mark.parametrize("kwargs, error", [
    ({"value": "not a field"}, ValueError), ({"value": "value", "max_labels": 0}, ValueError),
    ({"value": "value", "gap": 0}, ValueError), ({"value": "value", "gap": "15"}, TypeError),
])
def test_end_labels_rejects_bad_input(kwargs, error):
    from lettools.charts import end_labels

    with pytest.raises(error):
        end_labels(alt.Chart(), x="day:Q", y="value:Q", text="name:N", **kwargs)
