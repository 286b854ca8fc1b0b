"""Survival of the cooperatives born from the pipeline, by origin and cohort (issue 15 §6)."""

from __future__ import annotations

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards import figures, survival
from dashboards.pages.base import PageSpec, PanelSpec, cell, kind_label
from dashboards.selectors import survival as selector
from dashboards.tables import Column, Table

YEARS = [0, 1, 2, 3, 4, 5]
# Survival at 5 years of the movement's cooperatives (DOMAIN.md): all, then by origin.
NATIONAL_5_YEARS = 0.79
REFERENCE_5_YEARS = {
    "takeover": 0.90,
    "conversion": 0.86,
    "takeover_distress": 0.76,
    "creation": 0.75,
}
COLUMNS = [
    Column("year", _("Years since registration"), "integer"),
    Column("cooperatives", _("Cooperatives")),
    Column("at_risk", _("Still followed")),
    Column("survival", _("Survival"), "share", guards=("cooperatives",)),
    Column("lower", _("Lower bound (95 %)"), "share", guards=("cooperatives",)),
    Column("upper", _("Upper bound (95 %)"), "share", guards=("cooperatives",)),
    Column("reference", _("National reference at 5 years"), "share"),
]


def survival_table(frame: pd.DataFrame, group: str, reference) -> pd.DataFrame:
    records = []
    for key, rows in frame.groupby(group, sort=True):
        points = survival.kaplan_meier_bands(
            rows["years"], rows["event"], rows["cooperatives"], YEARS
        )
        total = int(rows["cooperatives"].sum())
        for year, value, lower, upper, at_risk in points:
            records.append(
                {
                    "group": key,
                    "year": int(year),
                    "cooperatives": total,
                    "at_risk": at_risk,
                    "survival": value,
                    "lower": lower,
                    "upper": upper,
                    "reference": reference(key) if year == 5 else None,
                }
            )
    return pd.DataFrame(records, columns=["group", *[c.key for c in COLUMNS]])


def _build(group):
    def build(query, options):
        frame = selector.durations(
            selector.pipeline_cooperatives(query), timezone.localdate(query.now)
        )
        if group == "kind":
            table = survival_table(frame, "kind", lambda k: REFERENCE_5_YEARS.get(k))
            table["group"] = table["group"].map(kind_label)
            label = _("Kind")
        elif group == "cohort":
            table = survival_table(frame, "cohort", lambda k: NATIONAL_5_YEARS)
            table["group"] = table["group"].astype(str)
            label = _("Cohort (year of registration)")
        else:
            frame["all"] = str(_("All cooperatives"))
            table = survival_table(frame, "all", lambda k: NATIONAL_5_YEARS)
            label = _("Cooperatives")
        return Table(table, [Column("group", label, "text"), *COLUMNS])

    return build


def _draw(table, options, title):
    return [figures.survival_curves(table, title=title, y_title=str(_("Survival (%)")))]


def _at_five(table: Table) -> str:
    return cell(table, "survival", {"year": 5})


SURVIVAL = PageSpec(
    slug="survie",
    title=_("Survival"),
    intro=_(
        "Survival of the cooperatives born from the pipeline, by origin and by cohort, with "
        "95 % confidence bands, against the movement's national references."
    ),
    method=_(
        "Kaplan–Meier estimate (lifelines library), with the exponential Greenwood 95 % "
        "interval. A cooperative is born on its cooperative start date (or its case's "
        "registration date) and ceases on its cessation date; one still active is counted "
        "until today (censored). The period chooses the cohorts (births in the period). "
        "National references: 79 % at 5 years; healthy takeover 90 %, conversion 86 %, "
        "takeover in difficulty 76 %, creation from scratch 75 %."
    ),
    panels=[
        PanelSpec("ensemble", _("All cooperatives"), _build(None), _draw, in_report=True),
        PanelSpec("par-origine", _("By origin (kind of case)"), _build("kind"), _draw),
        PanelSpec("par-cohorte", _("By cohort"), _build("cohort"), _draw),
    ],
    headlines=[(_("Survival at 5 years (national reference: 79 %)"), "ensemble", _at_five)],
)
