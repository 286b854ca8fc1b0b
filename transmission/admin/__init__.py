"""Admin for transmission: cases and their transition pages (``cases``), the read-only
records and the lead assignment rule (``records``)."""

from transmission.admin.cases import ActivityInline, CaseAdmin, StageChangeInline
from transmission.admin.records import (
    LeadAssignmentRuleAdmin,
    LeadSubmissionAdmin,
    StageChangeAdmin,
)

__all__ = [
    "ActivityInline",
    "CaseAdmin",
    "LeadAssignmentRuleAdmin",
    "LeadSubmissionAdmin",
    "StageChangeAdmin",
    "StageChangeInline",
]
