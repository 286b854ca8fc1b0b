"""Financing: amounts committed and disbursed, the movement tools' share, leverage, declines.

Definitions are those of ``financement.selectors`` (one place): committed resources are the
committed amounts of the lines that are not guarantees; leverage = committed resources ÷
committed by the movement's tools. A guarantee secures a line and is never a resource: its
amounts are shown on their own row and never added to the totals. Money counts in the year of
the line's decision date; the period filters on that date.

Lines of supports to existing cooperatives (``financement.SupportRequest``) count with the
cases' lines: a "case" column counts plans, a support's included.

Decline rate = lines declined ÷ lines decided (committed or declined), by family.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from dashboards.selectors.common import DashboardQuery
from financement.choices import COMMITTED_STATUSES, DECIDED_STATUSES, InstrumentFamily, LineStatus
from financement.models import FinancingLine
from financement.selectors import RESOURCE, FinancingFigures, holder_field

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(field: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=_MONEY)


def _lines(query: DashboardQuery):
    return (
        query.restrict_lines(FinancingLine.objects.all())
        .filter(decision_on__isnull=False)
        .filter(query.in_period_dates("decision_on"))
        .order_by()
    )


def _sums() -> dict:
    return {
        "committed": _sum("amount_committed"),
        "disbursed": _sum("amount_disbursed"),
        "cases": Count("plan", distinct=True, filter=Q(status__in=COMMITTED_STATUSES)),
    }


def by_family(query: DashboardQuery) -> pd.DataFrame:
    """Rows (family, committed, disbursed, cases): one grouped query."""
    rows = _lines(query).values("family").annotate(**_sums()).order_by("family")
    order = {family: index for index, family in enumerate(InstrumentFamily.values)}
    frame = pd.DataFrame(list(rows), columns=["family", "committed", "disbursed", "cases"])
    frame["order"] = frame["family"].map(order)
    return frame.sort_values("order").drop(columns="order").reset_index(drop=True)


def by_provider(query: DashboardQuery) -> pd.DataFrame:
    """Rows (provider, movement tool, committed, disbursed, cases), guarantees apart."""
    rows = (
        _lines(query)
        .filter(RESOURCE)
        .values(provider=F("instrument__provider"), movement=F("is_movement_tool"))
        .annotate(**_sums())
        .order_by("-movement", "provider")
    )
    return pd.DataFrame(
        list(rows), columns=["provider", "movement", "committed", "disbursed", "cases"]
    )


def totals(query: DashboardQuery) -> dict:
    """Committed resources, by the movement, its share and the leverage (one query)."""
    sums = _lines(query).aggregate(
        committed=_sum("amount_committed", RESOURCE),
        movement_committed=_sum("amount_committed", RESOURCE & Q(is_movement_tool=True)),
        disbursed=_sum("amount_disbursed", RESOURCE),
        cases=Count("plan", distinct=True, filter=Q(status__in=COMMITTED_STATUSES)),
    )
    figures = FinancingFigures(
        needs=None, committed=sums["committed"], movement_committed=sums["movement_committed"]
    )
    return {**sums, "movement_share": figures.movement_share, "leverage": figures.leverage}


def by_holder(query: DashboardQuery) -> pd.DataFrame:
    """Rows (existing, committed, movement committed, share, leverage, cases): the money to
    the cases (new cooperatives: takeovers, creations, conversions; ``existing`` False) and
    to the supports to existing cooperatives (True), in one grouped query."""
    existing = ExpressionWrapper(Q(plan__support__isnull=False), output_field=BooleanField())
    rows = (
        _lines(query)
        .filter(RESOURCE)
        .values(existing=existing)
        .annotate(
            committed=_sum("amount_committed"),
            movement_committed=_sum("amount_committed", Q(is_movement_tool=True)),
            cases=Count("plan", distinct=True, filter=Q(status__in=COMMITTED_STATUSES)),
        )
        .order_by("existing")
    )
    records = []
    for row in rows:
        figures = FinancingFigures(
            needs=None, committed=row["committed"], movement_committed=row["movement_committed"]
        )
        records.append(
            {**row, "movement_share": figures.movement_share, "leverage": figures.leverage}
        )
    return pd.DataFrame(
        records,
        columns=[
            "existing",
            "committed",
            "movement_committed",
            "movement_share",
            "leverage",
            "cases",
        ],
    )


def leverage_by_ur_year(query: DashboardQuery) -> pd.DataFrame:
    """Rows (regional union, year, committed, movement committed, share, leverage, cases)."""
    rows = (
        _lines(query)
        .filter(RESOURCE)
        .values(
            regional_union=holder_field("regional_union__name", "plan__"),
            year=ExtractYear("decision_on"),
        )
        .annotate(
            committed=_sum("amount_committed"),
            movement_committed=_sum("amount_committed", Q(is_movement_tool=True)),
            cases=Count("plan", distinct=True, filter=Q(status__in=COMMITTED_STATUSES)),
        )
        .order_by("regional_union", "year")
    )
    records = []
    for row in rows:
        figures = FinancingFigures(
            needs=None, committed=row["committed"], movement_committed=row["movement_committed"]
        )
        records.append(
            {**row, "movement_share": figures.movement_share, "leverage": figures.leverage}
        )
    return pd.DataFrame(
        records,
        columns=[
            "regional_union",
            "year",
            "committed",
            "movement_committed",
            "movement_share",
            "leverage",
            "cases",
        ],
    )


def decline_rates(query: DashboardQuery) -> pd.DataFrame:
    """Rows (family, decided, declined, rate, cases): one grouped query."""
    rows = (
        _lines(query)
        .filter(status__in=DECIDED_STATUSES)
        .values("family")
        .annotate(
            decided=Count("pk"),
            declined=Count("pk", filter=Q(status=LineStatus.DECLINED)),
            cases=Count("plan", distinct=True),
        )
        .order_by("family")
    )
    frame = pd.DataFrame(list(rows), columns=["family", "decided", "declined", "cases"])
    frame["rate"] = [
        declined / decided if decided else None
        for declined, decided in zip(frame["declined"], frame["decided"], strict=True)
    ]
    return frame
