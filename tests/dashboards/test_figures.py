"""Figures are plain dicts (no plotly objects on the request path): each must be exactly what
plotly itself validates and serialises, so plotly.js draws what it drew before."""

import datetime
import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards import figures, tables
from dashboards.tables import Column, Table


def plotly_json(figure: dict) -> dict:
    # go.Figure validates every property (an unknown one raises) and to_json normalises.
    return json.loads(go.Figure(figure).to_json())


def units(suppress: bool = True) -> Table:
    frame = pd.DataFrame(
        {
            "code": ["29", "35", "2A"],
            "name": ["Finistère", "Ille-et-Vilaine", "Corse-du-Sud"],
            "index": [120.5, 80.25, 3.0],
            "cases": [40, 25, 2],
            "group": ["Ouest", "Ouest", "Corse"],
        }
    )
    table = Table(
        frame,
        [
            Column("code", "Code", "text"),
            Column("name", "Département", "text"),
            Column("index", "Indice", "index", guards=("cases",)),
            Column("cases", "Dossiers"),
            Column("group", "UR", "text"),
        ],
    )
    return table.suppress() if suppress else table


def drawn() -> dict[str, dict]:
    table = units()
    curve = Table(
        pd.DataFrame({"population_share": [0.0, 0.4, 1.0], "resource_share": [0.0, 0.1, 1.0]}),
        [Column("population_share", "p", "share"), Column("resource_share", "r", "share")],
    )
    months = Table(
        pd.DataFrame(
            {
                "month": [datetime.date(2025, m, 1) for m in (1, 2, 3)],
                "cases": [7, None, 9],
                "group": ["A", "A", "B"],
            }
        ),
        [
            Column("month", "Mois", "text"),
            Column("cases", "Dossiers"),
            Column("group", "G", "text"),
        ],
    )
    survival = Table(
        pd.DataFrame(
            {
                "group": ["SCOP", "SCOP", "SCIC"],
                "year": [1, 2, 1],
                "survival": [0.9, 0.8, 0.95],
                "lower": [0.85, 0.7, 0.9],
                "upper": [0.95, 0.9, 0.99],
                "reference": [None, 0.75, None],
            }
        ),
        [
            Column("group", "G", "text"),
            Column("year", "Année", "integer"),
            *(Column(k, k, "share") for k in ("survival", "lower", "upper", "reference")),
        ],
    )
    forecast = Table(
        pd.DataFrame(
            {
                "horizon": ["3 mois", "12 mois"],
                **{k: [3.0, 10.0] for k in ("median", "past_median", "actual")},
                **{k: [1.0, 6.0] for k in ("low", "past_low")},
                **{k: [5.0, None] for k in ("high", "past_high")},
            }
        ),
        [
            Column("horizon", "Horizon", "text"),
            *(
                Column(k, k, "number")
                for k in ("median", "low", "high", "past_median", "past_low", "past_high")
            ),
            Column("actual", "Réel", "number"),
        ],
    )
    return {
        "map": figures.departement_map(
            table, geojson_url="/static/geo.geojson", value="index", title="Carte", colorbar="I"
        ),
        "bars": figures.bars(table, x="name", y="index", title="Barres"),
        "bars_horizontal_stacked_percent": figures.bars(
            table, x="name", y="index", group="group", horizontal=True, stacked=True, percent=True
        ),
        "lines": figures.lines(months, x="month", y="cases", group="group", percent=True),
        "lorenz": figures.lorenz(curve, title="Lorenz", x_title="x", y_title="y"),
        "bars_multi": figures.bars_multi(table, x="name", ys=["index", "cases"]),
        "bars_multi_horizontal": figures.bars_multi(
            table, x="name", ys=["index", "cases"], horizontal=True
        ),
        "survival": figures.survival_curves(survival, title="Survie", y_title="%"),
        "forecast": figures.forecast_bars(forecast, title="Prévision"),
    }


@pytest.mark.parametrize("name", list(drawn()))
def test_each_figure_is_what_plotly_validates_and_serialises(name):
    figure = drawn()[name]
    assert figure == plotly_json(figure)
    assert figure["layout"]["template"] == figures.NONE_TEMPLATE
    json.dumps(figure)  # plain JSON: no plotly object, no numpy value left


def test_the_map_puts_hidden_cells_in_a_grey_trace_and_fits_the_shapes():
    shown, hidden = drawn()["map"]["data"]
    assert shown["locations"] == ["29", "35"] and shown["z"] == [120.5, 80.25]
    assert hidden["locations"] == ["2A"] and hidden["text"] == ["Corse-du-Sud : < 5"]
    assert (shown["type"], hidden["showscale"]) == ("choropleth", False)
    assert drawn()["map"]["layout"]["geo"]["fitbounds"] == "locations"


def test_a_map_without_hidden_cells_has_one_trace():
    table = units(suppress=False)
    figure = figures.departement_map(table, geojson_url="/g", value="index")
    assert len(figure["data"]) == 1 and figure == plotly_json(figure)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_table_numbers_are_formatted_as_django_formats_them(language):
    from decimal import Decimal

    from django.utils import formats, translation

    from dashboards import tables

    values = [
        0,
        7,
        1234,
        -1234567,
        10**15,
        -5,
        999,
        1000,
        -98765.4321,
        0.00001,
        12.5,
        1e21,
        Decimal("1234567.891"),
        2.675,
    ]
    with translation.override(language):
        for value in values:
            for places in (None, 0, 1, 2, 4):
                for grouping in (False, True):
                    assert tables.number_format(value, places, force_grouping=grouping) == (
                        formats.number_format(value, places, force_grouping=grouping)
                    ), (value, places, grouping)


def test_table_rows_as_html_are_what_the_template_loop_printed():
    # Table.rows_html replaces a template loop with a node per cell (B5): the same escaped
    # cells, in the same order, hidden cells reading "< 5".
    from django.template import Context, Template

    frame = pd.DataFrame(
        {
            "name": ["Côte-d'Or", "<b>Ain & co</b>", "Corse-du-Sud"],
            "cases": [40, 3, 0],
            "value": [1234.5, 2.0, None],
        }
    )
    table = Table(
        frame,
        [
            Column("name", "Nom", "text"),
            Column("cases", "Dossiers"),
            Column("value", "Valeur", "number", guards=("cases",)),
        ],
    ).suppress()
    loop = Template(
        "{% for row in rows %}<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}"
        "</tr>{% endfor %}"
    ).render(Context({"rows": table.rows()}))
    assert table.rows_html() == loop
    assert "&lt;b&gt;Ain &amp; co&lt;/b&gt;" in loop and "&lt; 5" in loop


def test_the_suppression_mask_hides_every_cell_guarded_by_a_small_count():
    from django.utils import translation

    frame = pd.DataFrame(
        {"cases": [0, 1, 4, 5, None], "leads": [9, 9, 2, 9, 9], "value": [1.0, 2, 3, 4, 5]}
    )
    table = Table(
        frame,
        [
            Column("cases", "Dossiers"),
            Column("leads", "Pistes"),
            Column("value", "Valeur", "number", guards=("cases", "leads")),
        ],
    ).suppress()
    mask = table.suppressed
    # A count of 1 to 4 hides; 0 and a missing count do not; two guards hide together.
    assert mask["cases"].tolist() == [False, True, True, False, False]
    assert mask["leads"].tolist() == [False, False, True, False, False]
    assert mask["value"].tolist() == [False, True, True, False, False]
    with translation.override("fr"):
        assert table.texts("value") == ["1,0", "< 5", "< 5", "4,0", "5,0"]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", sorted(tables.KINDS - {"bool"}))
def test_a_column_formatted_at_once_is_each_cell_formatted(kind, language):
    # Table.texts formats a column at once (tables.column_texts, B5): each text must be what
    # format_value gives the cell, whatever the column holds.
    import random

    from django.utils import translation

    rng = random.Random(kind)
    samples = [
        [rng.randint(-(10**7), 10**9) for _ in range(200)] + [0, -1, 10**15],
        [rng.uniform(-1e6, 1e9) for _ in range(200)] + [0.0, -0.0, 2.9999999, 0.5, 1.5, 2.5],
        [rng.uniform(0, 250) for _ in range(200)] + [49.5, 50.5, 99.9999996, 1e-7],
        [1.0, float("nan"), 3.0],
        [1, None, 3],
        [1e300, 1.0],
        [True, 2],
        ["Ain", "Côte-d'Or", "<b>"],
        ["Ain", None],
        [],
    ]

    def outcome(compute):  # a text, or the error a value that kind cannot take raises
        try:
            return compute()
        except Exception as error:
            return type(error)

    with translation.override(language):
        for values in samples:
            assert outcome(lambda values=values: tables.column_texts(values, kind)) == outcome(
                lambda values=values: [tables.format_value(value, kind) for value in values]
            ), values
