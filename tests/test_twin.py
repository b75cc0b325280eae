"""Explorer specs and their kernel-free twins."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from lettools import simulate_fund
from lettools.book.how_it_works import two_day_explorer, two_day_values
from lettools.twin import Explorer, Param


def _draw(base, domains):
    return base.mark_line().encode(x="x:Q", y="y:Q")


def _line(slope, kind="a"):
    return pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [0.0, slope, 2 * slope], "kind_label": [kind] * 3})


def _explorer(**params):
    return Explorer(_line, params.get("params", [Param("slope", [1, 2, 3])]), _draw, title="T", description="D")


# -- Param ---------------------------------------------------------------------------------


def test_param_grid_hides_arange_noise_and_defaults_to_middle():
    p = Param("r", np.arange(-0.1, 0.1001, 0.025), percent=True)
    assert p.grid[4] == 0.0 and p.default == 0.0
    assert p.step == 0.025 and p.kind == "range"
    assert p.shown(0.075) == 7.5 and p.title == "r (%)"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"values": [1]}, "at least two"),
        ({"values": [1, 1]}, "distinct"),
        ({"values": [1, "a"]}, "all numbers or all strings"),
        ({"values": [1, 2], "default": 3}, "not one of the grid"),
        ({"values": [1, 2, 4], "control": "range"}, "evenly spaced"),
        ({"values": ["a", "b"], "percent": True}, "numbers only"),
        ({"values": [1, 2], "live": (2, 1, 0.1)}, "min < max"),
        ({"values": [1.0, float("nan")]}, "finite"),
    ],
)
def test_param_rejects_bad_specs(kwargs, error):
    with pytest.raises((ValueError, TypeError), match=error):
        Param("p", **kwargs)


def test_param_name_must_be_an_identifier():
    with pytest.raises(ValueError, match="identifier"):
        Param("day 1", [1, 2])


def test_control_kinds():
    assert Param("k", ["a", "b", "c"]).kind == "radio"
    assert Param("k", list("abcde")).kind == "select"
    assert Param("n", [1, 2, 5]).kind == "select"
    assert Param("n", [1, 2, 3], control="select").kind == "select"


# -- Explorer -------------------------------------------------------------------------------


def test_explorer_checks_compute_signature_and_texts():
    with pytest.raises(TypeError, match="compute cannot be called"):
        Explorer(_line, [Param("gradient", [1, 2])], _draw, title="T", description="D")
    with pytest.raises(ValueError, match="description"):
        Explorer(_line, [Param("slope", [1, 2])], _draw, title="T", description="")


def test_grid_data_covers_every_combination_with_parameter_columns():
    explorer = Explorer(
        lambda slope, kind: _line(slope, kind),
        [Param("slope", [1, 2, 3]), Param("kind", ["a", "b"])],
        _draw,
        title="T",
        description="D",
    )
    data = explorer.grid_data()
    assert len(data) == 3 * 2 * 3
    assert sorted(set(zip(data["slope"], data["kind"], strict=False))) == [(s, k) for s in (1, 2, 3) for k in "ab"]
    assert explorer.domains()["y"] == [0.0, 6.0]


def test_compute_output_may_not_shadow_a_parameter():
    explorer = Explorer(
        lambda slope: pd.DataFrame({"slope": [slope]}), [Param("slope", [1, 2])], _draw, title="T", description="D"
    )
    with pytest.raises(ValueError, match="columns named like parameters"):
        explorer.grid_data()


def test_twin_binds_native_inputs_and_filters_with_a_tolerance():
    explorer = two_day_explorer()
    spec = explorer.twin().to_dict()
    params = {p["name"]: p for p in spec["params"]}
    day1 = params["p_first_return"]
    assert day1["bind"] == {"input": "range", "min": -10.0, "max": 10.0, "step": 2.5, "name": "Index return, day 1 (%)"}
    assert day1["value"] == 10.0
    assert params["p_leverage"]["bind"]["input"] == "select"
    assert params["p_leverage"]["value"] == 2.0
    # Every layer starts from the filtered base.
    for layer in spec["layer"]:
        first = layer["transform"][0]["filter"]
        assert 'abs(datum["first_return"] - p_first_return / 100.0) <= 0.00625' in first
        assert 'abs(datum["leverage"] - p_leverage / 1.0) <= 0.25' in first
    assert spec["title"] and spec["description"]


def _select(data, **values):
    keep = np.ones(len(data), bool)
    for name, value in values.items():
        keep &= np.isclose(data[name], value)
    return data[keep]


def test_twin_data_matches_the_simulator_at_every_grid_point():
    explorer = two_day_explorer()
    spec = explorer.twin().to_dict()
    rows = pd.read_csv(pd.io.common.StringIO(spec["data"]["values"]))
    assert len(rows) == 9 * 9 * 6 * 3
    for r1, r2, leverage in [(0.1, -0.1, 2.0), (-0.075, 0.025, -3.0), (0.0, 0.05, 1.0)]:
        one = _select(rows, first_return=r1, second_return=r2, leverage=leverage)
        np.testing.assert_allclose(one["fund"], simulate_fund([r1, r2], leverage, start=100), atol=1e-6)
    assert spec["data"]["format"]["parse"]["fund"] == "number"


def test_twin_axis_is_fixed_over_the_whole_grid():
    spec = two_day_explorer().twin().to_dict()
    y = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    # 3x through two +10% days reaches 169; -3x through two +10% days falls to 49; held -3x to 37.
    assert y == pytest.approx([37.0, 169.0])


def test_twin_refuses_to_exceed_its_size_budget():
    explorer = _explorer()
    assert len(json.dumps(explorer.twin().to_dict())) < 5_000
    with pytest.raises(ValueError, match="over the budget"):
        explorer.twin(budget_bytes=500)


def test_chart_accepts_values_off_the_grid_and_widens_the_axis():
    explorer = _explorer()
    spec = explorer.chart(slope=10).to_dict()
    assert "10.0" in spec["data"]["values"] or "10" in spec["data"]["values"]
    with pytest.raises(TypeError, match="unknown parameters"):
        explorer.chart(gradient=1)
    assert explorer.domains(_line(10))["y"] == [0.0, 20.0]


def test_update_returns_the_vega_lite_spec_with_title_and_description():
    spec = two_day_explorer().update(first_return=0.05, second_return=0.05, leverage=3)
    assert spec["title"] and spec["description"]
    assert "$schema" in spec


def test_two_day_values_matches_the_worked_example():
    frame = two_day_values(0.10, -0.10, 2)
    assert frame["index"].round(6).tolist() == [100.0, 110.0, 99.0]
    assert frame["fund"].round(6).tolist() == [100.0, 120.0, 96.0]
    assert frame["held"].round(6).tolist() == [100.0, 120.0, 98.0]


def test_template_cache_is_bounded_and_reuses_the_latest():
    from lettools.twin import TEMPLATE_CACHE_SIZE

    explorer = Explorer(_line, [Param("slope", [1, 2, 3], live=(0.0, 100.0, 1.0))], _draw, title="T", description="D")
    for slope in range(TEMPLATE_CACHE_SIZE + 10):  # every slope widens the y axis: a new template each
        explorer.update(slope=float(slope + 4))
    assert len(explorer._templates) == TEMPLATE_CACHE_SIZE
    latest = next(reversed(explorer._templates))
    explorer.update(slope=float(TEMPLATE_CACHE_SIZE + 13))
    assert next(reversed(explorer._templates)) == latest and len(explorer._templates) == TEMPLATE_CACHE_SIZE


def test_compute_grid_replaces_the_point_by_point_grid():
    def grid(settings):
        frames = [_line(s).assign(slope=s) for s in settings["slope"]]
        return pd.concat(frames, ignore_index=True)

    explorer = Explorer(_line, [Param("slope", [1, 2, 3])], _draw, title="T", description="D", compute_grid=grid)
    pd.testing.assert_frame_equal(explorer.grid_data(), explorer.grid_data_by_point(), check_exact=True)


def _layered_draw(base, domains):
    x = alt.X("x:Q", scale=alt.Scale(domain=domains["x"]))
    columns = []
    for kind in ("a", "b"):
        own = base.transform_filter(f"datum.kind_label == '{kind}'")
        top = alt.layer(own.mark_line().encode(x=x, y="y:Q"), own.mark_point().encode(x=x, y="y:Q")).properties(
            title=kind, width=100)
        columns.append(alt.vconcat(top, own.mark_bar().encode(x=x, y="y:Q")).resolve_scale(y="independent"))
    return alt.hconcat(*columns)


def test_fast_template_equals_altairs_and_restores_its_copies():
    from altair.utils import schemapi

    original = schemapi._deep_copy
    explorer = Explorer(_line, [Param("slope", [1, 2, 3])], _layered_draw, title="T", description="D")
    frame = explorer.compute(slope=2)
    from lettools.charts import csv_values

    _, data_format = csv_values(frame)
    domains = explorer.domains(frame)
    assert explorer.template(domains, data_format) == explorer.template(domains, data_format, validate=True)
    assert schemapi._deep_copy is original

    def broken(base, domains):
        raise RuntimeError("draw failed")

    with pytest.raises(RuntimeError, match="draw failed"):
        Explorer(_line, [Param("slope", [1, 2, 3])], broken, title="T", description="D").update()
    assert schemapi._deep_copy is original
    chart = explorer.chart(slope=2)  # charts built afterwards use Altair's own deep copies again
    assert chart.to_dict()["hconcat"][0]["vconcat"][0]["title"] == "a"
