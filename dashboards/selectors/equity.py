"""Territorial equity: a resource per département, région or regional union, against the
population (DOMAIN.md, "Measuring territorial equity").

Resources (each counted in the period):
- ``cases``: cases opened;
- ``minutes``: officers' minutes recorded on activities (by the activity's date, or its
  creation when it has none);
- ``euros``: euros committed by the movement's own tools (guarantees excluded, as in
  leverage), by decision date;
- ``incorporations``: cooperatives registered.

A case belongs to the département of its organisation. Régions and regional unions are sums
of their départements (a UR by the coverage in force today), and their base is the sum of
their départements' legal populations, so that the three levels add up. The database returns
one row per département (three queries); pandas merges and sums them and
``dashboards.indices`` does the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Departement, RegionalUnionDepartement
from crm.territories import coverage_on
from dashboards import indices
from dashboards.selectors.common import DashboardQuery
from financement.choices import COMMITTED_STATUSES
from financement.models import FinancingLine
from financement.selectors import MOVEMENT_RESOURCE
from transmission.choices import Stage
from transmission.models import Activity

RESOURCES = {
    "cases": _("cases opened"),
    "minutes": _("officers' time (minutes)"),
    "euros": _("euros committed by the movement's tools"),
    "incorporations": _("cooperatives registered"),
}
LEVELS = {
    "departement": _("département"),
    "region": _("région"),
    "regional_union": _("regional union"),
}


def resource_by_departement(query: DashboardQuery, resource: str) -> pd.DataFrame:
    """Rows (departement, value, cases): one grouped query."""
    if resource == "cases":
        rows = (
            query.cases()
            .filter(query.in_period("created_at"))
            .values(departement=F("organisation__departement"))
            .annotate(value=Count("pk"), cases=Count("pk"))
        )
    elif resource == "incorporations":
        rows = (
            query.cases()
            .filter(stage=Stage.INCORPORATED)
            .filter(query.in_period_dates("registered_on"))
            .values(departement=F("organisation__departement"))
            .annotate(value=Count("pk"), cases=Count("pk"))
        )
    elif resource == "minutes":
        dated = query.in_period_dates("happened_on")
        undated = Q(happened_on__isnull=True) & query.in_period("created_at")
        rows = (
            query.restrict(Activity.objects.all(), "case__")
            .filter(minutes_spent__isnull=False)
            .filter(dated | undated)
            .values(departement=F("case__organisation__departement"))
            .annotate(value=Sum("minutes_spent"), cases=Count("case", distinct=True))
        )
    elif resource == "euros":
        rows = (
            query.restrict(FinancingLine.objects.all(), "plan__case__")
            .filter(MOVEMENT_RESOURCE, status__in=COMMITTED_STATUSES)
            .filter(query.in_period_dates("decision_on"))
            .values(departement=F("plan__case__organisation__departement"))
            .annotate(value=Sum("amount_committed"), cases=Count("plan__case", distinct=True))
        )
    else:
        raise ValueError(f"unknown resource {resource!r}")
    frame = pd.DataFrame(list(rows.order_by()), columns=["departement", "value", "cases"])
    # Numeric even when no row came back: an empty object column would make the merge's
    # fillna downcast objects (a pandas FutureWarning).
    frame["value"] = frame["value"].astype(float)
    frame["cases"] = frame["cases"].astype(int)
    return frame


def territories(query: DashboardQuery) -> pd.DataFrame:
    """The départements of the perimeter: code, name, population, région, UR (two queries)."""
    departements = Departement.objects.departements().values(
        "code", "name", "population", "region_id", "region__name"
    )
    coverage = RegionalUnionDepartement.objects.filter(coverage_on(timezone.localdate()))
    if query.regional_union_id is not None:
        coverage = coverage.filter(regional_union_id=query.regional_union_id)
        departements = departements.filter(code__in=coverage.values("departement_id"))
    frame = pd.DataFrame(list(departements.order_by("code")))
    unions = pd.DataFrame(
        list(coverage.values("departement_id", "regional_union__code", "regional_union__name")),
        columns=["departement_id", "regional_union__code", "regional_union__name"],
    )
    frame = frame.merge(unions, how="left", left_on="code", right_on="departement_id")
    return frame.rename(
        columns={
            "region_id": "region_code",
            "region__name": "region_name",
            "regional_union__code": "ur_code",
            "regional_union__name": "ur_name",
        }
    ).drop(columns="departement_id")


@dataclass
class EquityResult:
    units: pd.DataFrame  # code, name, value, cases, population, per_100k, index, under_served
    departements: pd.DataFrame  # the same at the département level (for the map)
    summary: pd.DataFrame  # level, hoover, gini, theil
    decomposition: pd.DataFrame  # part, value (Theil total, between URs, within URs)
    lorenz: pd.DataFrame  # population_share, resource_share


def _with_indices(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["per_100k"] = [
        indices.per_inhabitants(a, e)
        for a, e in zip(frame["value"], frame["population"], strict=True)
    ]
    frame["index"] = indices.intensity_indices(frame["value"], frame["population"])
    frame["under_served"] = indices.under_served(frame["index"])
    return frame


def _level(departements: pd.DataFrame, level: str) -> pd.DataFrame:
    if level == "departement":
        return departements[["code", "name", "value", "cases", "population"]]
    code, name = {
        "region": ("region_code", "region_name"),
        "regional_union": ("ur_code", "ur_name"),
    }[level]
    grouped = (
        departements.groupby([code, name], as_index=False)[["value", "cases", "population"]]
        .sum()
        .rename(columns={code: "code", name: "name"})
    )
    return grouped.sort_values("name").reset_index(drop=True)


def equity(query: DashboardQuery, resource: str, level: str) -> EquityResult:
    departements = territories(query).merge(
        resource_by_departement(query, resource),
        how="left",
        left_on="code",
        right_on="departement",
    )
    departements[["value", "cases"]] = departements[["value", "cases"]].fillna(0)
    departements["cases"] = departements["cases"].astype(int)
    departements = departements.drop(columns="departement")
    # Each level grouped once: the summary, the units shown and the map share them.
    levels = {name: _level(departements, name) for name in LEVELS}
    summary = []
    for name in LEVELS:
        frame = levels[name]
        summary.append(
            {
                "level": name,
                "units": len(frame),
                "hoover": indices.hoover_index(frame["value"], frame["population"]),
                "gini": indices.gini_index(frame["value"], frame["population"]),
                "theil": indices.theil_index(frame["value"], frame["population"]),
            }
        )
    covered = departements.dropna(subset=["ur_code"])
    split = indices.theil_decomposition(covered["value"], covered["population"], covered["ur_code"])
    decomposition = pd.DataFrame(
        [
            {"part": "total", "value": split.total},
            {"part": "between", "value": split.between},
            {"part": "within", "value": split.within},
        ]
    )
    units = _with_indices(levels[level])
    lorenz = pd.DataFrame(
        indices.lorenz_curve(units["value"], units["population"]),
        columns=["population_share", "resource_share"],
    )
    return EquityResult(
        units=units,
        departements=units if level == "departement" else _with_indices(levels["departement"]),
        summary=pd.DataFrame(summary),
        decomposition=decomposition,
        lorenz=lorenz,
    )
