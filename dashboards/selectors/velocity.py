"""Velocity: time spent in each stage and from lead to incorporation (Kaplan–Meier).

A *spell* is one stay in an active stage: it starts with the history row that enters the
stage and ends with the next row of the same case. It is an *event* when the case left the
stage for another one (forward, abandoned, not retained); it is *censored* when the case is
still in the stage (observed until now) or was put on hold (the stay was interrupted, not
completed; the stay after resumption is a new spell). Spells are those that started in the
period; how they ended, even after the period, is known and counts.

Lead to incorporation: from the opening of a case to its registration; cases still open are
censored now; abandoned and not-retained cases are left out (they will
not be registered: counting them as censored would bias the estimate).

The database returns a life table (group, whole days, event or not, count); pandas and
``dashboards.survival`` turn it into medians and 90th percentiles.
"""

from __future__ import annotations

import pandas as pd
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from dashboards import survival
from dashboards.selectors.common import DashboardQuery, whole_days
from transmission.choices import ACTIVE_STAGES, Stage
from transmission.models import StageChange

CURVE_POINTS = 300
GROUPS = {"kind": "case__kind", "regional_union": "case__regional_union__name"}
CASE_GROUPS = {"kind": "kind", "regional_union": "regional_union__name"}


def _next_change(field: str) -> Subquery:
    later = StageChange.objects.filter(case=OuterRef("case")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    return Subquery(later.order_by("at", "pk").values(field)[:1])


def stage_life_table(query: DashboardQuery, by: str | None = None) -> pd.DataFrame:
    """Rows (group, stage, days, event, spells): one grouped query."""
    spells = (
        query.restrict(StageChange.objects.all(), "case__")
        .filter(target_stage__in=ACTIVE_STAGES)
        .filter(query.in_period("at"))
        .annotate(next_at=_next_change("at"), next_stage=_next_change("target_stage"))
        .annotate(
            ended=Coalesce(F("next_at"), query.now_value),
            event=ExpressionWrapper(
                Q(next_at__isnull=False) & ~Q(next_stage=Stage.ON_HOLD),
                output_field=BooleanField(),
            ),
        )
        .annotate(days=whole_days(F("ended"), F("at")))
    )
    keys = {"stage": F("target_stage"), "days_": F("days"), "event_": F("event")}
    if by:
        keys["group"] = F(GROUPS[by])
    rows = spells.values(**keys).annotate(spells=Count("pk")).order_by()
    frame = pd.DataFrame(list(rows), columns=[*keys, "spells"])
    frame = frame.rename(columns={"days_": "days", "event_": "event"})
    if "group" not in frame:
        frame["group"] = ""
    return frame


def lead_to_incorporation_life_table(query: DashboardQuery, by: str | None = None):
    """Rows (group, days, event, cases) for the cases opened in the period: one query."""
    registered = StageChange.objects.filter(case=OuterRef("pk"), target_stage=Stage.INCORPORATED)
    cases = (
        query.cases()
        .filter(query.in_period("created_at"))
        .exclude(stage__in=[Stage.ABANDONED, Stage.DECLINED])
        .annotate(incorporated_at=Subquery(registered.order_by("at").values("at")[:1]))
        .annotate(
            event_=ExpressionWrapper(
                Q(incorporated_at__isnull=False) & Q(stage=Stage.INCORPORATED),
                output_field=BooleanField(),
            ),
            days_=whole_days(Coalesce(F("incorporated_at"), query.now_value), F("created_at")),
        )
    )
    keys = {"days": F("days_"), "event": F("event_")}
    if by:
        keys["group"] = F(CASE_GROUPS[by])
    rows = cases.values(**keys).annotate(spells=Count("pk")).order_by()
    frame = pd.DataFrame(list(rows), columns=[*keys, "spells"])
    if "group" not in frame:
        frame["group"] = ""
    frame["stage"] = ""
    return frame


def summarise(life_table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: spells, ended, still running, Kaplan–Meier median and 90th percentile."""
    columns = [*keys, "spells", "events", "censored", "median", "p90"]
    records = []
    if life_table.empty:
        return pd.DataFrame(records, columns=columns)
    for key, rows in life_table.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        summary = survival.summarise(
            zip(
                rows["days"].clip(lower=0),
                rows["event"].astype(bool),
                rows["spells"],
                strict=True,
            )
        )
        records.append(
            {
                **dict(zip(keys, key, strict=True)),
                "spells": summary.spells,
                "events": summary.events,
                "censored": summary.censored,
                "median": summary.median,
                "p90": summary.p90,
            }
        )
    return pd.DataFrame(records, columns=columns)


def time_in_stage(query: DashboardQuery, by: str | None = None) -> pd.DataFrame:
    frame = summarise(stage_life_table(query, by), ["group", "stage"])
    order = {stage: index for index, stage in enumerate(ACTIVE_STAGES)}
    frame["order"] = frame["stage"].map(order)
    return frame.sort_values(["group", "order"]).drop(columns="order").reset_index(drop=True)


def lead_to_incorporation(query: DashboardQuery, by: str | None = None) -> pd.DataFrame:
    return summarise(lead_to_incorporation_life_table(query, by), ["group"])


def lead_to_incorporation_curve(query: DashboardQuery) -> pd.DataFrame:
    """The Kaplan–Meier curve (share of the cases not yet registered, by days since opening)."""
    table = lead_to_incorporation_life_table(query)
    curve = survival.kaplan_meier(
        zip(table["days"].clip(lower=0), table["event"].astype(bool), table["spells"], strict=True)
    )
    frame = pd.DataFrame(curve, columns=["days", "not_registered"])
    if len(frame) > CURVE_POINTS:
        # Display thinning: the last value of each bucket of days, so that the chart stays
        # small whatever the number of cases (the step curve keeps its shape).
        width = int(frame["days"].max() // CURVE_POINTS) + 1
        frame = frame.groupby(frame["days"] // width, as_index=False).last()
    return frame.reset_index(drop=True)
