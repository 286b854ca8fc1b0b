"""The funnel: cases by stage now, cohort conversion, abandonment reasons.

Cohort rule: of the cases opened (created) in the period, a case has *reached* a stage when
its history shows it entering or leaving that stage, when it rests there now, or when it was
abandoned or paused from it (``previous_stage``): a case abandoned in ``financing`` counts as
having reached ``financing``. Stages are counted as visited, not implied: a takeover in
difficulty that skipped the diagnostic has not reached ``feasibility``.
"""

from __future__ import annotations

import pandas as pd
from django.db.models import Count, Exists, OuterRef, Q, Sum

from dashboards.selectors.common import DashboardQuery
from transmission.choices import ACTIVE_STAGES, CaseTag, Stage
from transmission.models import CaseTag as CaseTagRow
from transmission.models import StageChange

FUNNEL_STAGES = [*ACTIVE_STAGES, Stage.INCORPORATED]
GROUPS = {"kind": "kind", "regional_union": "regional_union__name"}


def reached(stage: str) -> Q:
    """Cases that reached ``stage`` (see the module's rule)."""
    history = StageChange.objects.filter(case=OuterRef("pk")).filter(
        Q(target_stage=stage) | Q(source_stage=stage)
    )
    return Q(Exists(history)) | Q(stage=stage) | Q(previous_stage=stage)


def stages_now(query: DashboardQuery) -> pd.DataFrame:
    """Cases opened before the end of the period, by current stage (one query)."""
    rows = (
        query.cases().filter(created_at__lt=query.until).values("stage").annotate(cases=Count("pk"))
    )
    counts = {row["stage"]: row["cases"] for row in rows}
    return pd.DataFrame([{"stage": stage, "cases": counts.get(stage, 0)} for stage in Stage.values])


def cohort_conversion(query: DashboardQuery, by: str | None = None) -> pd.DataFrame:
    """Per group (none, ``kind`` or ``regional_union``) and stage: cases opened in the period,
    cases that reached the stage, and the share.

    The page shows the three groupings: one query counts by kind and UR together (each case
    is in one such group), shared by the three through the query, and each grouping adds
    those counts up (the history's probes were most of the page's time at 100k cases)."""

    def nothing_yet() -> dict[str, int]:
        return dict.fromkeys(["opened", *FUNNEL_STAGES], 0)

    # The whole country, without a grouping, is one row even with no case.
    totals: dict[str, dict[str, int]] = {} if by else {"": nothing_yet()}
    for row in query.shared_result("funnel.cohort", lambda: _cohort_by_kind_and_ur(query)):
        group = row[GROUPS[by]] if by else ""
        total = totals.setdefault(group, nothing_yet())
        total["opened"] += row["opened"]
        for stage in FUNNEL_STAGES:
            total[stage] += row[f"reached_{stage}"]
    records = [
        {
            "group": group,
            "stage": stage,
            "opened": total["opened"],
            "reached": total[stage],
            "share": total[stage] / total["opened"] if total["opened"] else None,
        }
        for group, total in sorted(totals.items())
        for stage in FUNNEL_STAGES
    ]
    return pd.DataFrame(records, columns=["group", "stage", "opened", "reached", "share"])


def _cohort_by_kind_and_ur(query: DashboardQuery) -> list[dict]:
    aggregates = {"opened": Count("pk")}
    for stage in FUNNEL_STAGES:
        aggregates[f"reached_{stage}"] = Count("pk", filter=reached(stage))
    return list(
        query.cases()
        .filter(query.in_period("created_at"))
        .values(*GROUPS.values())
        .annotate(**aggregates)
        .order_by()
    )


def abandonment_reasons(query: DashboardQuery) -> pd.DataFrame:
    """Cases abandoned during the period (and still abandoned), by the stage they were
    abandoned in and the reason (one query)."""
    rows = (
        query.cases()
        .filter(stage=Stage.ABANDONED)
        .filter(query.in_period("stage_changed_at"))
        .values("previous_stage", "abandon_reason")
        .annotate(cases=Count("pk"))
        .order_by("previous_stage", "abandon_reason")
    )
    frame = pd.DataFrame(list(rows), columns=["previous_stage", "abandon_reason", "cases"])
    order = {stage: index for index, stage in enumerate(Stage.values)}
    frame["order"] = frame["previous_stage"].map(order)
    return (
        frame.sort_values(["order", "abandon_reason"], kind="stable")
        .drop(columns="order")
        .reset_index(drop=True)
    )


def cases_by_tag(query: DashboardQuery) -> pd.DataFrame:
    """Per case tag (what NAF cannot say: relocation, ecological transition, collective
    know-how — resolution 10), the cases opened in the period that carry it, how many of them
    were registered, and their jobs at stake; every tag listed (one query)."""
    cohort = query.cases().filter(query.in_period("created_at"))
    rows = (
        CaseTagRow.objects.filter(case__in=cohort.values("pk"))
        .order_by()
        .values("tag")
        .annotate(
            cases=Count("case_id"),
            registered=Count("case_id", filter=Q(case__stage=Stage.INCORPORATED)),
            jobs=Sum("case__jobs_at_stake"),
        )
    )
    found = {row["tag"]: row for row in rows}
    return pd.DataFrame(
        [
            {
                "tag": tag,
                "cases": found.get(tag, {}).get("cases", 0),
                "registered": found.get(tag, {}).get("registered", 0),
                "jobs": found.get(tag, {}).get("jobs") or 0,
            }
            for tag in CaseTag.values
        ]
    )
