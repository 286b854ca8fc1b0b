"""Economic-citizenship indicators for the dashboards (issue 15 §3).

``followup.selectors`` computes the indicators in SQL, per group of a dimension (UR, kind of
the case of origin, filière, cohort) or for the whole perimeter; this module turns them into
one long frame: a row per (group, indicator), with the national reference (DOMAIN.md) and the
number of cooperatives behind the value (what small-cell suppression looks at). Only
aggregates leave this module, never a cooperative's own figures under its name.
"""

from __future__ import annotations

import datetime

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.selectors.common import DashboardQuery
from followup import indicators
from followup.selectors import Perimeter, indicators_by, indicators_overall

COLUMNS = ["group", "pillar", "indicator", "code", "value", "unit", "reference", "cooperatives"]


def review_year(query: DashboardQuery) -> int:
    """The reviews shown: those of the last full year before the period's end."""
    return query.end.year - 1


def observed_on(query: DashboardQuery) -> datetime.date:
    """Survival is observed at the period's end, or today when the period ends later."""
    return min(query.end, timezone.localdate(query.now))


def unit_label(unit: str) -> str:
    return {"jobs": _("jobs")}.get(unit, unit)


def indicator_rows(query: DashboardQuery, dimension: str | None = None) -> pd.DataFrame:
    """Rows of ``COLUMNS`` for every group of ``dimension`` (None: the whole perimeter)."""
    perimeter = Perimeter(query.regional_union_id, query.kind, query.filiere_id)
    year, on = review_year(query), observed_on(query)
    if dimension is None:
        groups = [indicators_overall(year=year, on=on, perimeter=perimeter)]
        groups[0].label = _("All cooperatives")
    else:
        groups = indicators_by(dimension=dimension, year=year, on=on, perimeter=perimeter)
    records = []
    for group in groups:
        for indicator in indicators.INDICATORS:
            from_lives = indicator.code in indicators.FROM_FOLLOW_UPS
            records.append(
                {
                    "group": group.label,
                    "pillar": str(indicators.PILLARS[indicator.pillar]),
                    "indicator": str(indicator.label),
                    "code": indicator.code,
                    "value": group.values.get(indicator.code),
                    "unit": unit_label(indicator.unit),
                    "reference": indicator.reference,
                    "cooperatives": group.observed if from_lives else group.reviews,
                }
            )
    return pd.DataFrame(records, columns=COLUMNS)
