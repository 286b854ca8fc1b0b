"""Survival of the cooperatives born from the pipeline (issue 15 §6).

A cooperative is born on its ``cooperative_since`` (or, when missing, on its case's
registration date) and ceases on ``cooperative_ceased_on``; one still active (or ceased after
today) is censored today. The cohort is the year of birth; the period filter chooses the
cohorts (births in the period). The database groups the cooperatives by (kind, birth, end).
"""

from __future__ import annotations

import datetime

import pandas as pd
from django.db.models import Count, F
from django.db.models.functions import Coalesce

from dashboards.selectors.common import DashboardQuery
from transmission.choices import Stage

# How a case reaches the cooperative born from it: its own record (a newco, or the company
# that transformed itself), never the target a newco bought.
COOPERATIVE = "cooperative"


def pipeline_cooperatives(query: DashboardQuery) -> pd.DataFrame:
    """Rows (kind, born, ceased, cooperatives): one grouped query."""
    rows = (
        query.cases()
        .filter(stage=Stage.INCORPORATED)
        .annotate(
            birth=Coalesce(F(f"{COOPERATIVE}__cooperative_since"), F("registered_on")),
            cessation=F(f"{COOPERATIVE}__cooperative_ceased_on"),
        )
        .filter(birth__isnull=False, birth__gte=query.start, birth__lte=query.end)
        .values(kind_=F("kind"), born=F("birth"), ceased=F("cessation"))
        .annotate(cooperatives=Count("pk"))
        .order_by()
    )
    frame = pd.DataFrame(list(rows), columns=["kind_", "born", "ceased", "cooperatives"])
    return frame.rename(columns={"kind_": "kind"})


def durations(frame: pd.DataFrame, today: datetime.date) -> pd.DataFrame:
    """Adds ``years`` (birth to cessation, or to today) and ``event`` (ceased by today)."""
    frame = frame.copy()
    ceased = frame["ceased"].where(frame["ceased"].notna(), None)
    event = [c is not None and c <= today for c in ceased]
    end = [c if e else today for c, e in zip(ceased, event, strict=True)]
    frame["event"] = event
    frame["years"] = [
        max((e - b).days, 0) / 365.25 for e, b in zip(end, frame["born"], strict=True)
    ]
    frame["cohort"] = [b.year for b in frame["born"]]
    return frame
