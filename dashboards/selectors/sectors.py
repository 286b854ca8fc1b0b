"""Sectors (filières): cases opened, cooperatives registered and their jobs, by filière.

A case is in a filière through its organisation's NAF code (``filieres.selectors``); a case
in two filières counts in both, so the rows do not add up to the total. A case is in a
*priority* filière when that filière is a priority, on the last day of the period, of the
case's regional union or of the région of its organisation (``in_priority_filiere``).
"""

from __future__ import annotations

import pandas as pd
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from dashboards.selectors.common import DashboardQuery
from filieres.models import Filiere
from filieres.selectors import in_filiere, in_priority_filiere
from transmission.choices import Stage


def _measures(query: DashboardQuery, condition: Q, suffix: str = "") -> dict:
    opened = condition & query.in_period("created_at")
    registered = condition & Q(stage=Stage.INCORPORATED) & query.in_period_dates("registered_on")
    return {
        f"cases{suffix}": Count("pk", filter=opened),
        f"incorporations{suffix}": Count("pk", filter=registered),
        f"jobs{suffix}": Coalesce(Sum("jobs_at_incorporation", filter=registered), 0),
    }


def _filieres() -> list[tuple[int, str]]:
    return list(Filiere.objects.order_by("name").values_list("pk", "name"))


def by_filiere(query: DashboardQuery, by_ur: bool = False) -> pd.DataFrame:
    """Rows ([regional union], filière, cases, incorporations, jobs): two queries (the
    filières, then one conditional aggregate per filière over the cases)."""
    filieres = _filieres()
    aggregates = {}
    for pk, _name in filieres:
        aggregates.update(
            _measures(query, Q(in_filiere(pk, organisation_path="organisation")), f"_{pk}")
        )
    cases = query.cases()
    if by_ur:
        rows = list(
            cases.values(ur_name=F("regional_union__name"))
            .annotate(**aggregates)
            .order_by("ur_name")
        )
    else:
        rows = [{"ur_name": "", **cases.aggregate(**aggregates)}] if aggregates else []
    records = [
        {
            "regional_union": row["ur_name"],
            "filiere": name,
            "cases": row[f"cases_{pk}"],
            "incorporations": row[f"incorporations_{pk}"],
            "jobs": row[f"jobs_{pk}"],
        }
        for row in rows
        for pk, name in filieres
    ]
    return pd.DataFrame(
        records, columns=["regional_union", "filiere", "cases", "incorporations", "jobs"]
    )


def priority_against_others(query: DashboardQuery) -> pd.DataFrame:
    """Rows (regional union, priority?, cases, incorporations, jobs): one grouped query."""
    priority = Q(in_priority_filiere(query.end))
    rows = (
        query.cases()
        .values(ur_name=F("regional_union__name"))
        .annotate(**_measures(query, priority, "_p"), **_measures(query, ~priority, "_o"))
        .order_by("ur_name")
    )
    records = []
    for row in rows:
        for suffix, is_priority in (("_p", True), ("_o", False)):
            records.append(
                {
                    "regional_union": row["ur_name"],
                    "priority": is_priority,
                    "cases": row[f"cases{suffix}"],
                    "incorporations": row[f"incorporations{suffix}"],
                    "jobs": row[f"jobs{suffix}"],
                }
            )
    return pd.DataFrame(
        records, columns=["regional_union", "priority", "cases", "incorporations", "jobs"]
    )
