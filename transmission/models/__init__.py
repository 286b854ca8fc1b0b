"""The case ("dossier"), its immutable stage history, its activities, its reference counter,
the partner submissions attached to cases and the cooperative's members. One module per
subject; every model is importable from here."""

from transmission.models.activity import Activity, CaseReferenceCounter
from transmission.models.case import Case
from transmission.models.history import AppendOnlyQuerySet, AppendOnlyRecord, StageChange
from transmission.models.leads import LeadAssignmentMode, LeadAssignmentRule, LeadSubmission
from transmission.models.membership import Membership
from transmission.models.tags import CaseTag

__all__ = [
    "Activity",
    "AppendOnlyQuerySet",
    "AppendOnlyRecord",
    "Case",
    "CaseReferenceCounter",
    "CaseTag",
    "LeadAssignmentMode",
    "LeadAssignmentRule",
    "LeadSubmission",
    "Membership",
    "StageChange",
]
