"""Economic citizenship: the follow-up indicators of the cooperatives, aggregated by UR, kind
of the case of origin, filière and cohort, beside the national references (issue 15 §3)."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from dashboards import figures
from dashboards.pages.base import PageSpec, PanelSpec, cell
from dashboards.selectors import citizenship as selector
from dashboards.tables import Column, Table

GROUP_LABELS = {
    None: _("Cooperatives"),
    "ur": _("Regional union"),
    "kind": _("Origin (kind of case)"),
    "filiere": _("Filière"),
    "cohort": _("Cohort (year of incorporation)"),
}
COLUMNS = [
    Column("pillar", _("Pillar"), "text"),
    Column("indicator", _("Indicator"), "text"),
    Column("value", _("Value"), "number", guards=("cooperatives",)),
    Column("unit", _("Unit"), "text"),
    Column("reference", _("National reference"), "number"),
    Column("cooperatives", _("Cooperatives counted")),
]
# The charts draw the indicators in per cent (one axis); the tables show them all.
PERCENT = "%"


def _build(dimension):
    def build(query, options):
        frame = selector.indicator_rows(query, dimension)
        return Table(frame, [Column("group", GROUP_LABELS[dimension], "text"), *COLUMNS])

    return build


def _percent_rows(table: Table) -> Table:
    return replace(table, frame=table.frame[table.frame["unit"] == PERCENT])


def _draw_overall(table, options, title):
    shares = _percent_rows(table)
    return [
        figures.bars_multi(
            shares, x="indicator", ys=["value", "reference"], title=title, horizontal=True
        )
    ]


def _draw_groups(table, options, title):
    shares = _percent_rows(table)
    return [
        figures.bars(shares, x="indicator", y="value", group="group", title=title, horizontal=True)
    ]


def _value_of(code):
    def headline(table: Table) -> str:
        return cell(table, "value", {"code": code})

    return headline


CITIZENSHIP = PageSpec(
    slug="citoyennete",
    title=_("Economic citizenship"),
    intro=_(
        "The economic-citizenship indicators of the cooperatives followed after their "
        "incorporation, in four pillars, aggregated by regional union, origin, filière and "
        "cohort, beside the movement's national references."
    ),
    method=_(
        "Computed from the annual reviews of the last full year before the period's end "
        "(pooled ratios of counts, means of the shares each cooperative reports, shares of "
        "the result weighted by the result) and, for survival, from the follow-up records as "
        "of the period's end. Groups of fewer than five cooperatives are hidden where the "
        "figures are shared beyond the regional union. National references: 68 % of a "
        "Scop's employees are members; 79 % of cooperatives alive at 5 years; 41.6 % of the "
        "result shared with employees, 45.8 % put in reserves."
    ),
    definitions="dashboards:indicator_definitions",
    panels=[
        PanelSpec(
            "ensemble", _("All cooperatives followed"), _build(None), _draw_overall, in_report=True
        ),
        PanelSpec("par-ur", _("By regional union"), _build("ur"), _draw_groups),
        PanelSpec("par-origine", _("By origin (kind of case)"), _build("kind"), _draw_groups),
        PanelSpec("par-filiere", _("By filière"), _build("filiere"), _draw_groups),
        PanelSpec("par-cohorte", _("By cohort"), _build("cohort"), _draw_groups),
    ],
    headlines=[
        (
            _("Employees who are members (national reference: 68 %)"),
            "ensemble",
            _value_of("membership_rate"),
        ),
        (
            _("Alive 5 years after incorporation (national reference: 79 %)"),
            "ensemble",
            _value_of("survival_5_years"),
        ),
    ],
)
