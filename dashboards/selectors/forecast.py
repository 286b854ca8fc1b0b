"""What the forecast reads: the stage history and the jobs of the cases (two queries)."""

from __future__ import annotations

import pandas as pd
from django.db.models import Avg

from dashboards.selectors.common import DashboardQuery
from transmission.choices import Stage
from transmission.models import StageChange


def stage_history(query: DashboardQuery) -> pd.DataFrame:
    """One row per stage change of the filtered cases: case, kind, ur, at, stage."""
    rows = (
        query.restrict(StageChange.objects.all(), "case__")
        .order_by()
        .values_list("case_id", "case__kind", "case__regional_union_id", "at", "target_stage")
    )
    return pd.DataFrame(list(rows), columns=["case", "kind", "ur", "at", "stage"])


def case_jobs(query: DashboardQuery) -> tuple[dict, dict, dict]:
    """(jobs at stake by case, jobs at registration by case, mean jobs at registration by
    kind), for the filtered cases."""
    cases = query.cases()
    at_stake = dict(cases.filter(jobs_at_stake__isnull=False).values_list("pk", "jobs_at_stake"))
    registered = dict(
        cases.filter(stage=Stage.INCORPORATED, jobs_at_incorporation__isnull=False).values_list(
            "pk", "jobs_at_incorporation"
        )
    )
    means = dict(
        cases.filter(stage=Stage.INCORPORATED, jobs_at_incorporation__isnull=False)
        .values("kind")
        .annotate(mean=Avg("jobs_at_incorporation"))
        .values_list("kind", "mean")
    )
    return at_stake, registered, means
