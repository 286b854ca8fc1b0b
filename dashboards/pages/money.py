"""Pages 4 and 5: territorial equity and financing."""

from __future__ import annotations

import datetime

import pandas as pd
from django.utils.translation import gettext_lazy as _

from dashboards import figures
from dashboards.pages.base import PageSpec, PanelSpec, cell, family_label
from dashboards.selectors import equity, financing
from dashboards.tables import Column, Table
from financement.choices import InstrumentFamily

PARTS = {
    "total": _("Theil index (total)"),
    "between": _("between regional unions"),
    "within": _("within regional unions"),
}
INDEX_NAMES = {"hoover": _("Hoover"), "gini": _("Gini (population-weighted)"), "theil": _("Theil")}


def _value_kind(options) -> str:
    return "money" if options.resource == "euros" else "count"


def _unit_columns(options, level_label) -> list[Column]:
    guard = ("cases",)
    return [
        Column("code", _("Code"), "text"),
        Column("name", level_label, "text"),
        Column("value", equity.RESOURCES[options.resource], _value_kind(options), guards=guard),
        Column("cases", _("Cases concerned")),
        Column("population", _("Population"), "integer"),
        Column("per_100k", _("Per 100,000 inhabitants"), "number", guards=guard),
        Column("index", _("Index (national average = 100)"), "index", guards=guard),
        Column("under_served", _("Under-served (index below 50)"), "bool", guards=guard),
    ]


def _key(query, options) -> tuple:
    # Each panel gets its own query (its own ``now``): the request's filters and perimeter.
    return (
        query.start,
        query.end,
        query.kind,
        query.filiere_id,
        query.regional_union_id,
        options.resource,
        options.level,
    )


def _result(query, options) -> equity.EquityResult:
    # The page asks each panel separately; one computation per request and perimeter.
    key = _key(query, options)
    cache = options.extra.setdefault("equity", {})
    if key not in cache:
        cache[key] = equity.equity(query, options.resource, options.level)
    return cache[key]


def _map(query, options):
    columns = _unit_columns(options, _("Département"))
    if options.level == "departement":
        # The units are the départements: the map shares the units table's cells (mask and
        # texts), formatted once for both (B5); only the name column's label differs.
        return _units(query, options).relabelled(columns)
    return Table(_result(query, options).departements.reset_index(drop=True), columns)


def _units(query, options):
    # One table per request and perimeter: the map may share it (``_map``).
    key = _key(query, options)
    tables = options.extra.setdefault("equity_tables", {})
    if key not in tables:
        tables[key] = Table(
            _result(query, options).units.reset_index(drop=True),
            _unit_columns(options, equity.LEVELS[options.level]),
        )
    return tables[key]


def _under_served(query, options):
    units = _result(query, options).units
    frame = units[units["under_served"]].sort_values("index").reset_index(drop=True)
    return Table(frame, _unit_columns(options, equity.LEVELS[options.level]))


def _summary(query, options):
    frame = _result(query, options).summary.copy()
    frame["level"] = frame["level"].map(lambda level: str(equity.LEVELS[level]))
    return Table(
        frame,
        [
            Column("level", _("Territory"), "text"),
            Column("units", _("Units"), "integer"),
            Column("hoover", INDEX_NAMES["hoover"], "decimal"),
            Column("gini", INDEX_NAMES["gini"], "decimal"),
            Column("theil", INDEX_NAMES["theil"], "decimal"),
        ],
    )


def _decomposition(query, options):
    frame = _result(query, options).decomposition.copy()
    frame["part"] = frame["part"].map(lambda part: str(PARTS[part]))
    return Table(frame, [Column("part", _("Part"), "text"), Column("value", _("Value"), "decimal")])


def _lorenz(query, options):
    return Table(
        _result(query, options).lorenz,
        [
            Column("population_share", _("Cumulative share of the population"), "share"),
            Column("resource_share", _("Cumulative share of the resource"), "share"),
        ],
    )


def _draw_map(table, options, title):
    return [
        figures.departement_map(
            table,
            geojson_url=options.geojson_url,
            value="index",
            title=title,
            colorbar=str(_("Index")),
        )
    ]


def _draw_units(table, options, title):
    return [figures.bars(table, x="name", y="index", horizontal=True, title=title)]


def _draw_summary(table, options, title):
    # The summary in long form, index by index (what ``melt`` gave, built from three short
    # lists: the melt cost more than the chart; B5).
    levels = table.frame["level"].tolist()
    frame = pd.DataFrame(
        {
            "level": levels * len(INDEX_NAMES),
            "variable": [str(label) for label in INDEX_NAMES.values() for _level in levels],
            "value": [value for name in INDEX_NAMES for value in table.frame[name].tolist()],
        }
    )
    long = Table(
        frame,
        [
            Column("level", _("Territory"), "text"),
            Column("variable", _("Index"), "text"),
            Column("value", _("Value"), "decimal"),
        ],
    )
    return [figures.bars(long, x="variable", y="value", group="level", title=title)]


def _draw_decomposition(table, options, title):
    return [figures.bars(table, x="part", y="value", title=title)]


def _draw_lorenz(table, options, title):
    return [
        figures.lorenz(
            table,
            title=title,
            x_title=str(_("Cumulative share of the population")),
            y_title=str(_("Cumulative share of the resource")),
        )
    ]


EQUITY = PageSpec(
    slug="equite",
    title=_("Territorial equity"),
    intro=_(
        "Resolution 8: guarantee territorial equity in the distribution of the means "
        "allocated to development. A resource per département, région and regional union, "
        "per 100,000 inhabitants and as an index to the national average (100)."
    ),
    method=_(
        "Index = 100 × (resource ÷ population of the unit) ÷ (total resource ÷ total "
        "population); a unit below 50 is under-served. Hoover: share of the resource to move "
        "for a split proportional to the population. Gini: from the Lorenz curve of the "
        "units sorted by intensity, weighted by population. Theil: Σ s ln(s/p), split exactly "
        "into a part between regional unions and a part within them (départements grouped by "
        "the coverage in force today). A case belongs to the département of its organisation; "
        "the base is the legal population. Small territories are noisy: choose a window of "
        "several years."
    ),
    panels=[
        PanelSpec(
            "carte",
            _("Index by département"),
            _map,
            _draw_map,
            _("Grey: fewer than 5 cases, value not shown."),
            in_report=True,
        ),
        PanelSpec("unites", _("By territory"), _units, _draw_units),
        PanelSpec(
            "indices",
            _("Inequality indices"),
            _summary,
            _draw_summary,
            _("0 is a split proportional to the population; the higher, the more unequal."),
            in_report=True,
        ),
        PanelSpec(
            "theil",
            _("Theil index: between and within regional unions (départements)"),
            _decomposition,
            _draw_decomposition,
        ),
        PanelSpec("lorenz", _("Lorenz curve"), _lorenz, _draw_lorenz, in_report=True),
        PanelSpec(
            "sous-dotes",
            _("Under-served territories (index below 50)"),
            _under_served,
            _draw_units,
            in_report=True,
        ),
    ],
    headlines=[
        (
            _("Hoover index (départements)"),
            "indices",
            lambda t: cell(t, "hoover", {"level": str(equity.LEVELS["departement"])}),
        ),
        (
            _("Gini index (départements)"),
            "indices",
            lambda t: cell(t, "gini", {"level": str(equity.LEVELS["departement"])}),
        ),
        (
            _("Theil index (départements)"),
            "indices",
            lambda t: cell(t, "theil", {"level": str(equity.LEVELS["departement"])}),
        ),
    ],
)


def window_start(end: datetime.date, years: int) -> datetime.date:
    """The first day of a window of ``years`` years ending on ``end``."""
    try:
        start = end.replace(year=end.year - years)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - years, day=28)
    return start + datetime.timedelta(days=1)


# --- Financing -----------------------------------------------------------------------------

MONEY_COLUMNS = [
    Column("committed", _("Committed"), "money", guards=("cases",)),
    Column("disbursed", _("Disbursed"), "money", guards=("cases",)),
    Column("cases", _("Cases financed")),
]


# Resources committed, by the movement, its share and the leverage: the same four columns
# wherever money is summed (totals, by holder, by UR and year).
LEVERAGE_COLUMNS = [
    Column("committed", _("Resources committed"), "money", guards=("cases",)),
    Column(
        "movement_committed",
        _("Committed by the movement's tools"),
        "money",
        guards=("cases",),
    ),
    Column("movement_share", _("Movement tools' share"), "share", guards=("cases",)),
    Column("leverage", _("Leverage"), "ratio", guards=("cases",)),
]


def _families(query, options):
    frame = financing.by_family(query)
    guarantee = str(InstrumentFamily.GUARANTEE.label)
    frame["family"] = (
        frame["family"]
        .map(family_label)
        .replace(guarantee, str(_("%(family)s (not a resource)") % {"family": guarantee}))
    )
    return Table(frame, [Column("family", _("Instrument family"), "text"), *MONEY_COLUMNS])


def _providers(query, options):
    frame = financing.by_provider(query)
    return Table(
        frame,
        [
            Column("provider", _("Provider"), "text"),
            Column("movement", _("Tool of the movement"), "bool"),
            *MONEY_COLUMNS,
        ],
    )


def _totals(query, options):
    totals = financing.totals(query)
    frame = pd.DataFrame([totals])
    return Table(
        frame,
        [
            *LEVERAGE_COLUMNS,
            Column("disbursed", _("Disbursed"), "money", guards=("cases",)),
            Column("cases", _("Cases financed")),
        ],
    )


def _holders(query, options):
    frame = financing.by_holder(query)
    frame["existing"] = frame["existing"].map(
        {
            False: str(_("New cooperatives (cases)")),
            True: str(_("Existing cooperatives (supports)")),
        }
    )
    return Table(
        frame,
        [
            Column("existing", _("Financed"), "text"),
            *LEVERAGE_COLUMNS,
            Column("cases", _("Plans financed")),
        ],
    )


def _draw_holders(table, options, title):
    return [figures.bars(table, x="existing", y="movement_committed", title=title)]


def _leverage(query, options):
    frame = financing.leverage_by_ur_year(query)
    return Table(
        frame,
        [
            Column("regional_union", _("Regional union"), "text"),
            Column("year", _("Year"), "text"),
            *LEVERAGE_COLUMNS,
            Column("cases", _("Cases financed")),
        ],
    )


def _declines(query, options):
    frame = financing.decline_rates(query)
    frame["family"] = frame["family"].map(family_label)
    return Table(
        frame,
        [
            Column("family", _("Instrument family"), "text"),
            Column("decided", _("Lines decided"), "count", guards=("cases",)),
            Column("declined", _("Lines declined"), "count", guards=("cases",)),
            Column("rate", _("Decline rate"), "share", guards=("cases",)),
            Column("cases", _("Cases concerned")),
        ],
    )


def _draw_money(x, horizontal=False):
    def draw(table, options, title):
        return [
            figures.bars_multi(
                table, x=x, ys=["committed", "disbursed"], title=title, horizontal=horizontal
            )
        ]

    return draw


def _draw_totals(table, options, title):
    frame = table.frame
    long = pd.DataFrame(
        {
            "what": [str(_("Movement tools")), str(_("Other resources"))],
            "amount": [
                frame["movement_committed"].iloc[0],
                frame["committed"].iloc[0] - frame["movement_committed"].iloc[0],
            ],
            "cases": [frame["cases"].iloc[0]] * 2,
        }
    )
    long_table = Table(
        long,
        [
            Column("what", _("Resources"), "text"),
            Column("amount", _("Committed"), "money", guards=("cases",)),
            Column("cases", _("Cases financed")),
        ],
    )
    if table.suppressed is not None:
        long_table = long_table.suppress()
    return [figures.bars(long_table, x="what", y="amount", title=title)]


def _draw_leverage(table, options, title):
    return [figures.lines(table, x="year", y="leverage", group="regional_union", title=title)]


def _draw_declines(table, options, title):
    return [figures.bars(table, x="family", y="rate", percent=True, title=title)]


FINANCING = PageSpec(
    slug="financement",
    title=_("Financing"),
    intro=_(
        "Amounts committed and disbursed by instrument family and provider, the share of the "
        "movement's own tools, leverage by regional union and year, and decline rates."
    ),
    method=_(
        "Committed resources exclude guarantees (a guarantee secures a line, it is not a "
        "resource; its row is shown apart). Leverage = resources committed ÷ resources "
        "committed by the movement's tools. Amounts count on the decision date. Decline rate "
        "= lines declined ÷ lines decided. The lines of supports to existing cooperatives "
        "count with the cases' lines (a filter on the kind of case leaves them out)."
    ),
    panels=[
        PanelSpec("totaux", _("Resources committed"), _totals, _draw_totals, in_report=True),
        PanelSpec(
            "familles", _("By instrument family"), _families, _draw_money("family"), in_report=True
        ),
        PanelSpec("financeurs", _("By provider"), _providers, _draw_money("provider", True)),
        PanelSpec(
            "cooperatives-existantes",
            _("New and existing cooperatives"),
            _holders,
            _draw_holders,
            in_report=True,
        ),
        PanelSpec(
            "effet-levier",
            _("Leverage by regional union and year"),
            _leverage,
            _draw_leverage,
            in_report=True,
        ),
        PanelSpec("refus", _("Decline rates by instrument family"), _declines, _draw_declines),
    ],
    headlines=[
        (_("Resources committed"), "totaux", lambda t: cell(t, "committed")),
        (_("Movement tools' share"), "totaux", lambda t: cell(t, "movement_share")),
        (_("Leverage"), "totaux", lambda t: cell(t, "leverage")),
    ],
)
