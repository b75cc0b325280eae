"""Every explorer of the book: its live chart validates, its fast grid equals the point-by-point one."""

import inspect

import pandas as pd
import pytest

from lettools.book import load_pages
from lettools.charts import csv_values

FACTORIES = {
    f"{module.__name__}.{name}": factory
    for module in load_pages()
    for name, factory in inspect.getmembers(module, inspect.isfunction)
    if name.endswith("_explorer") and factory.__module__ == module.__name__
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.slow  # over 5 s: `make quick` leaves it to `make test`
def test_live_template_passes_altairs_schema_validation(name):
    # Explorer.spec skips validation for speed; this is where the structure is validated.
    explorer = FACTORIES[name]()
    frame = explorer.compute(**explorer.defaults)
    _, data_format = csv_values(frame, decimals=explorer.decimals)
    domains = explorer.domains(frame)
    validated = explorer.template(domains, data_format, validate=True)
    assert validated == explorer.template(domains, data_format)
    assert {**validated, "datasets": explorer.update()["datasets"]} == explorer.update()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n, f in FACTORIES.items() if f().compute_grid is not None))
def test_fast_grid_equals_the_point_by_point_grid(name):
    explorer = FACTORIES[name]()
    pd.testing.assert_frame_equal(explorer.grid_data(), explorer.grid_data_by_point(), check_exact=True)
