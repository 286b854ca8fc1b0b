"""Outcomes: cooperatives registered and the jobs they created or saved.

A case counts in the month of its registration date (``registered_on``) when it is
incorporated today; its jobs are ``jobs_at_incorporation`` (unknown counts as none).
"""

from __future__ import annotations

import pandas as pd
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncYear

from dashboards.selectors.common import DashboardQuery
from transmission.choices import Stage

GROUPS = {"kind": "kind", "regional_union": "regional_union__name"}


def incorporations(query: DashboardQuery, *, per: str = "month", by: str | None = None):
    """Rows (period, group, incorporations, jobs): one grouped query."""
    trunc = TruncMonth if per == "month" else TruncYear
    keys = {"period": trunc("registered_on")}
    if by:
        keys["group"] = F(GROUPS[by])
    rows = (
        query.cases()
        .filter(stage=Stage.INCORPORATED, registered_on__isnull=False)
        .filter(query.in_period_dates("registered_on"))
        .values(**keys)
        .annotate(
            incorporations=Count("pk"),
            jobs=Coalesce(Sum("jobs_at_incorporation"), 0),
        )
        .order_by(*keys)
    )
    frame = pd.DataFrame(list(rows), columns=[*keys, "incorporations", "jobs"])
    if "group" not in frame:
        frame["group"] = ""
    return frame
