"""The information of employees before the sale of their company (loi ESS of 31 July 2014,
amended in 2015; Code de commerce L. 141-23 ff. and L. 23-10-1 ff.): one rule, used by the
workflow's history, the case page, the officer's alerts and the API.

By the target company's headcount (``Organisation.employees``):
- under 50: the employees are informed at least two months before the sale;
- 50 to 249: no later than the consultation of the works council (CSE);
- 250 and more: the law does not apply.
The information is valid two years; it is waived once every employee has said they will not
bid. The sanction is a civil fine, not nullity: every finding here is a warning, never a block
(the workflow's guards refuse only a date in the future).

Pure: reads the case and its organisation, never the database beyond them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transmission.choices import CaseKind

# The kinds where the company itself is sold: a court-ordered plan de cession is the court's
# sale (no prior information), a creation or a conversion sells nothing.
APPLICABLE_KINDS = (CaseKind.TAKEOVER,)
NOTICE_MONTHS = 2
VALIDITY_YEARS = 2
# Headcount bands: below SMALL_LIMIT the two-month delay; below LARGE_LIMIT the CSE rule.
SMALL_LIMIT = 50
LARGE_LIMIT = 250


class Status(models.TextChoices):
    COMPLIANT = "compliant", gettext_lazy("compliant")
    WAIVED = "waived", gettext_lazy("waived by every employee")
    NOT_APPLICABLE = "not_applicable", gettext_lazy("not applicable")
    UNKNOWN_HEADCOUNT = "unknown_headcount", gettext_lazy("headcount unknown")
    NOT_INFORMED = "not_informed", gettext_lazy("employees not informed")
    SHORT_NOTICE = "short_notice", gettext_lazy("informed less than two months before the sale")
    CSE_DATE_MISSING = "cse_date_missing", gettext_lazy("CSE consultation date missing")
    AFTER_CSE = "after_cse", gettext_lazy("informed after the CSE consultation")
    STALE = "stale", gettext_lazy("information more than two years old")


# The statuses an officer must act on (or explain): the warnings.
WARNINGS = frozenset(
    {
        Status.UNKNOWN_HEADCOUNT,
        Status.NOT_INFORMED,
        Status.SHORT_NOTICE,
        Status.CSE_DATE_MISSING,
        Status.AFTER_CSE,
        Status.STALE,
    }
)


@dataclass(frozen=True)
class Assessment:
    status: str
    message: str  # French once translated; says which date is short and by how much

    @property
    def is_warning(self) -> bool:
        return self.status in WARNINGS

    def as_dict(self) -> dict:
        return {"status": str(self.status), "message": self.message, "warning": self.is_warning}


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def assess(case, *, today: datetime.date) -> Assessment:
    """The state of the employees' information for ``case`` as it stands ``today``.

    The sale is on ``case.signing_on`` once planned, today while it is not: a case about to
    sign today with employees told last month is short now.
    """
    if case.kind not in APPLICABLE_KINDS:
        return Assessment(
            Status.NOT_APPLICABLE,
            _("The information of employees does not apply to this kind of case."),
        )
    # A case being drafted (a preview of its guards) may have no organisation yet.
    organisation = getattr(case, "organisation", None)  # None on an unsaved draft
    headcount = organisation.employees if organisation is not None else None
    if headcount is not None and headcount >= LARGE_LIMIT:
        return Assessment(
            Status.NOT_APPLICABLE,
            _("The information of employees does not apply from %(limit)d employees.")
            % {"limit": LARGE_LIMIT},
        )
    waived_on = getattr(case, "employees_waived_bid_on", None)
    if waived_on is not None:
        return Assessment(
            Status.WAIVED,
            _("Every employee said on %(date)s that they will not bid: no delay applies.")
            % {"date": _date(waived_on)},
        )
    if headcount is None:
        return Assessment(
            Status.UNKNOWN_HEADCOUNT,
            _(
                "The company's headcount is unknown: the information rule (two months before "
                "the sale under 50 employees, before the CSE consultation from 50 to 249) "
                "cannot be checked."
            ),
        )
    informed_on = case.employees_informed_on
    sale_on = case.signing_on or today
    if informed_on is None:
        return Assessment(
            Status.NOT_INFORMED, _("The employees have not been informed of the sale yet.")
        )
    if sale_on > informed_on + relativedelta(years=VALIDITY_YEARS):
        return Assessment(
            Status.STALE,
            _(
                "The employees were informed on %(date)s, more than two years before the "
                "sale: they must be informed again."
            )
            % {"date": _date(informed_on)},
        )
    if headcount < SMALL_LIMIT:
        earliest = informed_on + relativedelta(months=NOTICE_MONTHS)
        if sale_on < earliest:
            return Assessment(
                Status.SHORT_NOTICE,
                _(
                    "The employees were informed on %(date)s: the sale may not take place "
                    "before %(earliest)s (%(days)d days short of two months)."
                )
                % {
                    "date": _date(informed_on),
                    "earliest": _date(earliest),
                    "days": (earliest - sale_on).days,
                },
            )
        return Assessment(
            Status.COMPLIANT,
            _("The employees were informed on %(date)s, at least two months before the sale.")
            % {"date": _date(informed_on)},
        )
    consulted_on = getattr(case, "cse_consulted_on", None)
    if consulted_on is None:
        return Assessment(
            Status.CSE_DATE_MISSING,
            _(
                "From 50 employees the information is due no later than the CSE consultation, "
                "whose date is missing."
            ),
        )
    if informed_on > consulted_on:
        return Assessment(
            Status.AFTER_CSE,
            _(
                "The employees were informed on %(date)s, %(days)d days after the CSE "
                "consultation of %(cse)s."
            )
            % {
                "date": _date(informed_on),
                "days": (informed_on - consulted_on).days,
                "cse": _date(consulted_on),
            },
        )
    return Assessment(
        Status.COMPLIANT,
        _("The employees were informed on %(date)s, no later than the CSE consultation.")
        % {"date": _date(informed_on)},
    )


def warnings_of(case, *, today: datetime.date) -> list[dict]:
    """The warnings a transition records in its history row (empty when compliant)."""
    assessment = assess(case, today=today)
    if not assessment.is_warning:
        return []
    return [{"rule": "employee_information", **assessment.as_dict()}]
