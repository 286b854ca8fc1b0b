"""Vocabularies of financing: instrument families and the statuses of a financing line.

Kept apart from the models so that ``workflow`` (the rules) and ``models`` (the fields and the
decorated transitions) can both import them without importing each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InstrumentFamily(models.TextChoices):
    EQUITY = "equity", _("equity")
    QUASI_EQUITY = "quasi_equity", _("quasi-equity (participative securities)")
    PARTICIPATIVE_LOAN = "participative_loan", _("participative loan")
    BANK_LOAN = "bank_loan", _("bank loan")
    GRANT = "grant", _("grant")
    MEMBER_CONTRIBUTION = "member_contribution", _("members' contributions")
    VENDOR_LOAN = "vendor_loan", _("vendor loan")
    GUARANTEE = "guarantee", _("guarantee")


class LineStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("financing line status", "Planned")
    REQUESTED = "requested", pgettext_lazy("financing line status", "Requested")
    APPROVED = "approved", pgettext_lazy("financing line status", "Approved")
    DECLINED = "declined", pgettext_lazy("financing line status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("financing line status", "Withdrawn")
    DISBURSED = "disbursed", pgettext_lazy("financing line status", "Disbursed")
    REPAID = "repaid", pgettext_lazy("financing line status", "Repaid")
    WRITTEN_OFF = "written_off", pgettext_lazy("financing line status", "Written off")


# A line whose partner said yes: its committed amount is set and counts in the plan.
COMMITTED_STATUSES = [
    LineStatus.APPROVED,
    LineStatus.DISBURSED,
    LineStatus.REPAID,
    LineStatus.WRITTEN_OFF,
]
# Money has been paid out.
DISBURSED_STATUSES = [LineStatus.DISBURSED, LineStatus.REPAID, LineStatus.WRITTEN_OFF]
# Someone decided (a committee or a partner): the line carries a decision date.
DECIDED_STATUSES = [*COMMITTED_STATUSES, LineStatus.DECLINED]
# Lines that still take part in the round (a declined or withdrawn line is out of it).
LIVE_STATUSES = [LineStatus.PLANNED, LineStatus.REQUESTED, *COMMITTED_STATUSES]


class SupportNeed(models.TextChoices):
    """What an existing cooperative asks the movement for (texte d'orientation, resolutions 9
    and 11: support the members already in the movement, not only the new ones)."""

    DEVELOPMENT = "development", _("development")
    EXTERNAL_GROWTH = "external_growth", _("external growth")
    CONSOLIDATION = "consolidation", _("consolidation")
    DIFFICULTY = "difficulty", _("difficulty")


class SupportStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("support status", "Request received")
    ASSESSMENT = "assessment", pgettext_lazy("support status", "Assessment")
    FINANCING = "financing", pgettext_lazy("support status", "Financing round")
    GRANTED = "granted", pgettext_lazy("support status", "Support granted")
    DROPPED = "dropped", pgettext_lazy("support status", "No follow-up")


OPEN_SUPPORT_STATUSES = [SupportStatus.RECEIVED, SupportStatus.ASSESSMENT, SupportStatus.FINANCING]
