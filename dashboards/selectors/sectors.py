"""Sectors (filières): cases opened, cooperatives registered and their jobs, by filière.

A case is in a filière through its organisation's NAF code (``FiliereNafCode``); a case
in two filières counts in both, so the rows do not add up to the total. A case is in a
*priority* filière when that filière is a priority, on the last day of the period, of the
case's regional union or of the région of its organisation (``in_priority_filiere``).
"""

from __future__ import annotations

import pandas as pd
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from dashboards.selectors.common import DashboardQuery
from filieres.models import Filiere, FiliereNafCode
from filieres.selectors import in_priority_filiere
from transmission.choices import Stage


def _measures(query: DashboardQuery, condition: Q, suffix: str = "") -> dict:
    opened = condition & query.in_period("created_at")
    registered = condition & Q(stage=Stage.INCORPORATED) & query.in_period_dates("registered_on")
    return {
        f"cases{suffix}": Count("pk", filter=opened),
        f"incorporations{suffix}": Count("pk", filter=registered),
        f"jobs{suffix}": Coalesce(Sum("jobs_at_incorporation", filter=registered), 0),
    }


def by_filiere(query: DashboardQuery, by_ur: bool = False) -> pd.DataFrame:
    """Rows ([regional union], filière, cases, incorporations, jobs): three queries.

    The cases are counted per NAF code (and UR) in the database; the materialised
    ``FiliereNafCode`` table then says which filières each code belongs to, and pandas sums
    the codes of each filière (a case has one code, so it counts once per filière)."""
    keys = {"naf_version": F("organisation__naf_version"), "naf_code": F("organisation__naf_code")}
    if by_ur:
        keys["ur_name"] = F("regional_union__name")
    rows = (
        query.cases()
        .exclude(organisation__naf_code="")
        .values(**keys)
        .annotate(**_measures(query, Q()))
        .order_by()
    )
    codes = pd.DataFrame(list(rows), columns=[*keys, "cases", "incorporations", "jobs"])
    codes = codes.rename(columns={"ur_name": "regional_union"})
    mapping = pd.DataFrame(
        list(FiliereNafCode.objects.values("filiere_id", "naf_version", "naf_code")),
        columns=["filiere_id", "naf_version", "naf_code"],
    )
    filieres = pd.DataFrame(
        list(Filiere.objects.order_by("name").values("pk", "name")), columns=["pk", "name"]
    )
    measures = ["cases", "incorporations", "jobs"]
    columns = ["regional_union", "filiere", *measures]
    grid = filieres.rename(columns={"pk": "filiere_id", "name": "filiere"})
    if codes.empty:
        # No case at all: every filière at zero (and no UR row when split by UR).
        if by_ur:
            return pd.DataFrame(columns=columns)
        grid["regional_union"] = ""
        for column in measures:
            grid[column] = 0
        return grid[columns].reset_index(drop=True)
    merged = codes.merge(mapping, on=["naf_version", "naf_code"], how="inner")
    group = ["regional_union", "filiere_id"] if by_ur else ["filiere_id"]
    sums = merged.groupby(group, as_index=False)[measures].sum()
    # Every filière (and every UR with cases) appears, with zeros where nothing matched.
    if by_ur:
        unions = pd.DataFrame({"regional_union": sorted(codes["regional_union"].unique())})
        grid = unions.merge(grid, how="cross")
    else:
        grid["regional_union"] = ""
    frame = grid.merge(sums, on=group, how="left").fillna({column: 0 for column in measures})
    frame[measures] = frame[measures].astype(int)
    return frame[["regional_union", "filiere", "cases", "incorporations", "jobs"]].reset_index(
        drop=True
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
