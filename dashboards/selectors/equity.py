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

import math
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
from financement.selectors import MOVEMENT_RESOURCE, holder_field
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


def _resource_rows(query: DashboardQuery, resource: str):
    """The grouped query of ``resource``: rows {departement, value, cases}."""
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
            # Supports to existing cooperatives included: the movement's money to its members.
            query.restrict_lines(FinancingLine.objects.all())
            .filter(MOVEMENT_RESOURCE, status__in=COMMITTED_STATUSES)
            .filter(query.in_period_dates("decision_on"))
            .values(departement=holder_field("organisation__departement", "plan__"))
            .annotate(value=Sum("amount_committed"), cases=Count("plan", distinct=True))
        )
    else:
        raise ValueError(f"unknown resource {resource!r}")
    return rows.order_by()


def resource_by_departement(query: DashboardQuery, resource: str) -> pd.DataFrame:
    """Rows (departement, value, cases): one grouped query."""
    frame = pd.DataFrame(
        list(_resource_rows(query, resource)), columns=["departement", "value", "cases"]
    )
    # Numeric even when no row came back: an empty object column would make the merge's
    # fillna downcast objects (a pandas FutureWarning).
    frame["value"] = frame["value"].astype(float)
    frame["cases"] = frame["cases"].astype(int)
    return frame


def _territory_rows(query: DashboardQuery) -> list[dict]:
    """The départements of the perimeter (by code), each with its région and the UR covering
    it today (``None`` when no UR does; a département covered twice appears twice, as a
    left join gives it): two queries."""
    departements = Departement.objects.departements().values(
        "code", "name", "population", "region_id", "region__name"
    )
    coverage = RegionalUnionDepartement.objects.filter(coverage_on(timezone.localdate()))
    if query.regional_union_id is not None:
        coverage = coverage.filter(regional_union_id=query.regional_union_id)
        departements = departements.filter(code__in=coverage.values("departement_id"))
    unions: dict[str, list[tuple]] = {}
    for row in coverage.values_list(
        "departement_id", "regional_union__code", "regional_union__name"
    ):
        unions.setdefault(row[0], []).append(row[1:])
    rows = []
    for departement in departements.order_by("code"):
        for ur_code, ur_name in unions.get(departement["code"], [(None, None)]):
            rows.append(
                {
                    "code": departement["code"],
                    "name": departement["name"],
                    "population": departement["population"],
                    "region_code": departement["region_id"],
                    "region_name": departement["region__name"],
                    "ur_code": ur_code,
                    "ur_name": ur_name,
                }
            )
    return rows


def territories(query: DashboardQuery) -> pd.DataFrame:
    """The départements of the perimeter: code, name, population, région, UR (two queries)."""
    return pd.DataFrame(
        _territory_rows(query),
        columns=[
            "code",
            "name",
            "population",
            "region_code",
            "region_name",
            "ur_code",
            "ur_name",
        ],
    )


@dataclass
class EquityResult:
    units: pd.DataFrame  # code, name, value, cases, population, per_100k, index, under_served
    departements: pd.DataFrame  # the same at the département level (for the map)
    summary: pd.DataFrame  # level, hoover, gini, theil
    decomposition: pd.DataFrame  # part, value (Theil total, between URs, within URs)
    lorenz: pd.DataFrame  # population_share, resource_share


UNIT_COLUMNS = ["code", "name", "value", "cases", "population"]


def _with_indices(units: list[dict]) -> pd.DataFrame:
    values = [float(unit["value"]) for unit in units]
    populations = [unit["population"] for unit in units]
    index = indices.intensity_indices(values, populations)
    # One construction (a column assignment each cost more than the arithmetic).
    return pd.DataFrame(
        {
            "code": [unit["code"] for unit in units],
            "name": [unit["name"] for unit in units],
            "value": pd.Series(values, dtype=float),
            "cases": pd.Series([unit["cases"] for unit in units], dtype=int),
            "population": [unit["population"] for unit in units],
            "per_100k": [
                indices.per_inhabitants(a, e) for a, e in zip(values, populations, strict=True)
            ],
            "index": index,
            "under_served": indices.under_served(index),
        }
    )


def _level(departements: list[dict], level: str) -> list[dict]:
    """The units of ``level``: the départements themselves (by code), or the régions or URs
    they add up to, by name (départements no UR covers are in no UR). Plain sums: the
    territories are a hundred rows, pandas' group-by cost more than the rest of the page."""
    if level == "departement":
        return [{key: row[key] for key in UNIT_COLUMNS} for row in departements]
    code, name = {
        "region": ("region_code", "region_name"),
        "regional_union": ("ur_code", "ur_name"),
    }[level]
    groups: dict[tuple, dict] = {}
    for row in departements:
        if row[code] is None or row[name] is None:
            continue
        unit = groups.setdefault(
            (row[code], row[name]),
            {"code": row[code], "name": row[name], "value": [], "cases": 0, "population": 0},
        )
        unit["value"].append(row["value"])
        unit["cases"] += row["cases"]
        unit["population"] += row["population"]
    units = [
        {**unit, "value": math.fsum(unit["value"])}
        for _key, unit in sorted(groups.items(), key=lambda item: item[0])
    ]
    return sorted(units, key=lambda unit: unit["name"])


def equity(query: DashboardQuery, resource: str, level: str) -> EquityResult:
    resources = {
        row["departement"]: (float(row["value"]), int(row["cases"]))
        for row in _resource_rows(query, resource)
    }
    departements = []
    for row in _territory_rows(query):
        value, cases = resources.get(row["code"], (0.0, 0))
        departements.append({**row, "value": value, "cases": cases})
    # Each level once: the summary, the units shown and the map share them.
    levels = {name: _level(departements, name) for name in LEVELS}
    summary = []
    for name in LEVELS:
        units = levels[name]
        values = [unit["value"] for unit in units]
        populations = [unit["population"] for unit in units]
        summary.append(
            {
                "level": name,
                "units": len(units),
                "hoover": indices.hoover_index(values, populations),
                "gini": indices.gini_index(values, populations),
                "theil": indices.theil_index(values, populations),
            }
        )
    covered = [row for row in departements if row["ur_code"] is not None]
    split = indices.theil_decomposition(
        [row["value"] for row in covered],
        [row["population"] for row in covered],
        [row["ur_code"] for row in covered],
    )
    decomposition = pd.DataFrame(
        [
            {"part": "total", "value": split.total},
            {"part": "between", "value": split.between},
            {"part": "within", "value": split.within},
        ]
    )
    units = _with_indices(levels[level])
    lorenz = pd.DataFrame(
        indices.lorenz_curve(
            [unit["value"] for unit in levels[level]],
            [unit["population"] for unit in levels[level]],
        ),
        columns=["population_share", "resource_share"],
    )
    return EquityResult(
        units=units,
        departements=units if level == "departement" else _with_indices(levels["departement"]),
        summary=pd.DataFrame(summary),
        decomposition=decomposition,
        lorenz=lorenz,
    )
