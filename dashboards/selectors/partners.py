"""Partners: the leads each partner network brought (resolution 4).

A partner's leads are the cases opened in the period whose source is that partner. Accepted:
not "not retained" (``declined``). Converted: registered as a cooperative. Time to first
contact: from the opening of the case to its first entry into "first contacts"
(``qualification``), Kaplan–Meier with the leads still waiting censored at the observation
date; leads not retained or abandoned before any contact are left out.
"""

from __future__ import annotations

import pandas as pd
from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from dashboards.selectors.common import DashboardQuery, whole_days
from dashboards.selectors.velocity import summarise
from transmission.choices import Stage
from transmission.models import StageChange


def _leads(query: DashboardQuery):
    return query.cases().filter(source_partner__isnull=False).filter(query.in_period("created_at"))


def partner_leads(query: DashboardQuery) -> pd.DataFrame:
    """Rows (partner, leads, accepted, incorporated, shares, median days): two queries."""
    rows = (
        _leads(query)
        .values(partner=F("source_partner__name"), partner_id=F("source_partner"))
        .annotate(
            leads=Count("pk"),
            accepted=Count("pk", filter=~Q(stage=Stage.DECLINED)),
            incorporated=Count("pk", filter=Q(stage=Stage.INCORPORATED)),
        )
        .order_by("partner", "partner_id")
    )
    frame = pd.DataFrame(
        list(rows), columns=["partner", "partner_id", "leads", "accepted", "incorporated"]
    )
    frame["accepted_share"] = frame["accepted"] / frame["leads"]
    frame["conversion"] = frame["incorporated"] / frame["leads"]
    delays = summarise(first_contact_life_table(query), ["group"])
    frame = frame.merge(
        delays[["group", "median"]].rename(
            columns={"group": "partner_id", "median": "median_days"}
        ),
        how="left",
        on="partner_id",
    )
    return frame.drop(columns="partner_id")


def first_contact_life_table(query: DashboardQuery) -> pd.DataFrame:
    """Rows (group = partner id, days, event, spells): one grouped query."""
    first = StageChange.objects.filter(case=OuterRef("pk"), target_stage=Stage.QUALIFICATION)
    cases = (
        _leads(query)
        .annotate(contacted_at=Subquery(first.order_by("at").values("at")[:1]))
        .exclude(Q(contacted_at__isnull=True) & Q(stage__in=[Stage.DECLINED, Stage.ABANDONED]))
        .annotate(
            event_=ExpressionWrapper(Q(contacted_at__isnull=False), output_field=BooleanField()),
            days_=whole_days(Coalesce(F("contacted_at"), query.now_value), F("created_at")),
        )
    )
    rows = (
        cases.values(group=F("source_partner"), days=F("days_"), event=F("event_"))
        .annotate(spells=Count("pk"))
        .order_by()
    )
    return pd.DataFrame(list(rows), columns=["group", "days", "event", "spells"])
