"""At the département level the equity page's map and units table show the same cells (B5):
the map's table is the units table relabelled, its cells formatted once for both. What each
prints must be what a table of its own printed before; the summary's chart, built without
``melt``, what the melted summary drew."""

import pandas as pd
import pytest
from django.templatetags.static import static
from django.urls import reverse

from crm.roles import Role
from dashboards import figures
from dashboards.pages import money
from dashboards.pages.base import Options
from dashboards.pages.money import _unit_columns
from dashboards.selectors import equity
from dashboards.tables import Column, Table
from tests.dashboards.builders import case_with_history
from tests.factories import staff_user

GEOJSON = "dashboards/geo/departements.geojson"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["29", "35", "2A", "971"],
            "name": ["Finistère", "Ille-et-Vilaine", "Corse-du-Sud", "<Guadeloupe & co>"],
            "value": [12_500.0, 3.0, 0.0, 7.25],
            "cases": [40, 3, 0, 6],
            "index": [120.5, 80.25, 0.0, 49.5],
            "under_served": [False, False, True, True],
        }
    )


def _columns(name_label: str) -> list[Column]:
    return [
        Column("code", "Code", "text"),
        Column("name", name_label, "text"),
        Column("value", "Valeur", "money", guards=("cases",)),
        Column("cases", "Dossiers"),
        Column("index", "Indice", "index", guards=("cases",)),
        Column("under_served", "Sous-doté", "bool", guards=("cases",)),
    ]


def _outputs(table: Table) -> dict:
    return {
        "headers": table.headers(),
        "rows": table.rows(),
        "rows_html": str(table.rows_html()),
        "texts": {c.key: table.texts(c.key) for c in table.columns},
        "values": {c.key: table.values(c.key) for c in table.columns},
    }


@pytest.mark.parametrize("suppress", [False, True])
@pytest.mark.parametrize("units_first", [False, True])
def test_a_relabelled_table_prints_what_a_table_of_its_own_printed(suppress, units_first):
    units = Table(_frame(), _columns("département"))
    shared = units.relabelled(_columns("Département"))
    if suppress:
        units, shared = units.suppress(), shared.suppress()
    # Whichever is formatted first, each prints what an independent table printed.
    order = [("units", units), ("map", shared)]
    got = dict((name, _outputs(table)) for name, table in (order if units_first else order[::-1]))
    alone = {
        name: Table(_frame(), _columns(label))
        for name, label in (("units", "département"), ("map", "Département"))
    }
    if suppress:
        alone = {name: table.suppress() for name, table in alone.items()}
    assert got["units"] == _outputs(alone["units"])
    assert got["map"] == _outputs(alone["map"])
    assert got["map"]["headers"][1] == "Département" and got["units"]["headers"][1] == "département"
    if suppress:
        assert "< 5" in got["map"]["rows"][1]


def test_a_relabelled_table_keeps_its_keys_kinds_and_guards():
    units = Table(_frame(), _columns("département"))
    with pytest.raises(ValueError):
        units.relabelled([*_columns("x")[:2], Column("value", "Valeur", "number")])


def test_a_copy_of_a_relabelled_table_formats_its_own_cells():
    # ``replace`` (a filtered frame, as the citizenship page does) starts afresh.
    from dataclasses import replace

    shared = Table(_frame(), _columns("département")).relabelled(_columns("Département"))
    shared.texts("name")
    first = replace(shared, frame=_frame().head(1))
    assert first.texts("name") == ["Finistère"]


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["cases", "euros"])
def test_the_map_and_units_panels_print_what_their_own_tables_printed(client, resource):
    for postal_code, count in (("35000", 3), ("29200", 6), ("69001", 1)):
        for _ in range(count):
            case_with_history([], created_days_ago=10, postal_code=postal_code, ur="ouest")
    client.force_login(staff_user(Role.BOARD_MEMBER))
    response = client.get(reverse("dashboards:page", args=["equite"]), {"resource": resource})
    assert response.status_code == 200
    panels = {panel["spec"].slug: panel for panel in response.context["panels"]}
    (map_block,) = panels["carte"]["blocks"]
    (units_block,) = panels["unites"]["blocks"]
    # Before sharing: each panel built its own table from the selector's frames, suppressed,
    # and drew it.
    options = Options(resource=resource, level="departement", geojson_url=static(GEOJSON))
    result = equity.equity(response.context["form"].query(None), resource, "departement")
    for slug, block, frame, label in (
        ("carte", map_block, result.departements, "Département"),
        ("unites", units_block, result.units, equity.LEVELS["departement"]),
    ):
        alone = Table(frame.reset_index(drop=True), _unit_columns(options, label)).suppress()
        assert block["headers"] == alone.headers()
        assert block["rows"] == alone.rows()
        assert str(block["rows_html"]) == str(alone.rows_html())
        title = str(panels[slug]["spec"].title)
        drawn = panels[slug]["spec"].draw(alone, options, title)
        assert [figure for _id, figure in block["figures"]] == drawn
    if resource == "cases":  # 3 cases in Ille-et-Vilaine, 1 in the Rhône
        assert "&lt; 5" in str(map_block["rows_html"])


@pytest.mark.parametrize("missing", [False, True])
def test_the_summary_chart_is_what_the_melted_summary_drew(missing):
    # ``_draw_summary`` builds the long form itself (B5): the same figure as with ``melt``.
    summary = pd.DataFrame(
        {
            "level": ["département", "région", "union régionale"],
            "units": [101, 18, 9],
            "hoover": [0.1234567, 0.05, None if missing else 0.02],
            "gini": [0.31, 0.2, 0.1],
            "theil": [0.15, float("nan") if missing else 0.07, 0.03],
        }
    )
    table = Table(summary, _summary_columns())
    frame = summary.melt(id_vars=["level"], value_vars=["hoover", "gini", "theil"])
    frame["variable"] = frame["variable"].map(lambda name: str(money.INDEX_NAMES[name]))
    long = Table(
        frame,
        [
            Column("level", "Territoire", "text"),
            Column("variable", "Indice", "text"),
            Column("value", "Valeur", "decimal"),
        ],
    )
    melted = figures.bars(long, x="variable", y="value", group="level", title="Indices")
    assert money._draw_summary(table, Options(), "Indices") == [melted]


def _summary_columns() -> list[Column]:
    return [
        Column("level", "Territoire", "text"),
        Column("units", "Unités", "integer"),
        Column("hoover", "Hoover", "decimal"),
        Column("gini", "Gini", "decimal"),
        Column("theil", "Theil", "decimal"),
    ]
