"""When a cooperative's next révision coopérative is due (pure functions, no database).

What is implemented (loi 47-1775 du 10 septembre 1947, art. 25-1 to 25-5; décret 2015-800):

- Scop (loi 78-763, art. 54 bis) and Scic (loi 47-1775, art. 19 duodecies) are subject to the
  révision whatever their size, at least every five years; the statutes may set a shorter
  interval (``CooperativeFollowUp.revision_interval_years``, 1 to 5). The first one is due five
  years (or the interval) after incorporation, the next ones after the last révision.
- The law also requires a révision, whatever the date of the last one, after three
  consecutive loss-making financial years, or when the losses of one year reach half of the
  highest share capital the cooperative ever had. Both are read from the annual reviews; the
  révision is then due on 30 June of the following year (the accounts of the year that
  triggered it are approved by then), unless the regular date comes first.
- Requests by members, directors or a minister cannot be seen from the data and are not
  modelled.

A reminder is shown from ``REMINDER_DAYS`` before the due date, and stays until a révision is
recorded.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

REMINDER_DAYS = 180
CONSECUTIVE_LOSSES = 3
REASON_LABELS = {
    "periodic": _("periodic révision"),
    "three_losses": _("three loss-making years in a row"),
    "half_capital_lost": _("losses of half the highest share capital"),
}


@dataclass(frozen=True)
class YearFigures:
    year: int
    result: Decimal
    share_capital: Decimal | None


@dataclass(frozen=True)
class RevisionDue:
    due_on: datetime.date
    reason: str  # "periodic", "three_losses" or "half_capital_lost"


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def revision_due(
    *,
    since: datetime.date,
    last_revision_on: datetime.date | None,
    interval_years: int,
    figures: Iterable[YearFigures] = (),
) -> RevisionDue:
    """The next due date and why (the earliest of the periodic and the triggered ones)."""
    anchor = last_revision_on or since
    due = RevisionDue(add_years(anchor, interval_years), "periodic")
    rows = sorted(figures, key=lambda f: f.year)
    highest_capital = Decimal(0)
    losses_in_a_row = 0
    for row in rows:
        if row.share_capital is not None:
            highest_capital = max(highest_capital, row.share_capital)
        losses_in_a_row = losses_in_a_row + 1 if row.result < 0 else 0
        reason = None
        if losses_in_a_row >= CONSECUTIVE_LOSSES:
            reason = "three_losses"
        elif row.result < 0 and highest_capital > 0 and -row.result >= highest_capital / 2:
            reason = "half_capital_lost"
        if reason is None:
            continue
        triggered_on = datetime.date(row.year + 1, 6, 30)
        # A révision held after the year that triggered it has answered it.
        if last_revision_on and last_revision_on > datetime.date(row.year, 12, 31):
            continue
        if triggered_on < due.due_on:
            due = RevisionDue(triggered_on, reason)
    return due
