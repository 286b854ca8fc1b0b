"""What a partner sees of a case it sent: four statuses, never the stage or its reasons.

The one place mapping stages to partner-visible statuses (API representation, filters and
``lead.status_changed`` webhooks all use it).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from transmission.choices import ACTIVE_STAGES, Stage


class PartnerStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_PROGRESS = "in_progress", _("in progress")
    INCORPORATED = "incorporated", _("incorporated")
    CLOSED = "closed", _("closed")


_STATUS_BY_STAGE: dict[str, PartnerStatus] = {
    Stage.LEAD: PartnerStatus.RECEIVED,
    **{stage: PartnerStatus.IN_PROGRESS for stage in ACTIVE_STAGES if stage != Stage.LEAD},
    Stage.ON_HOLD: PartnerStatus.IN_PROGRESS,
    Stage.INCORPORATED: PartnerStatus.INCORPORATED,
    Stage.ABANDONED: PartnerStatus.CLOSED,
    Stage.DECLINED: PartnerStatus.CLOSED,
}
assert set(_STATUS_BY_STAGE) == set(Stage), "every stage needs a partner-visible status"


def partner_status(stage: str) -> PartnerStatus:
    return _STATUS_BY_STAGE[Stage(stage)]


def stages_with_status(status: str) -> list[str]:
    """The stages a case is in when its partner-visible status is ``status`` (filters)."""
    return [str(stage) for stage, s in _STATUS_BY_STAGE.items() if s == status]


def partner_status_changed(source_stage: str, target_stage: str) -> bool:
    """Whether a move between these stages is one the partner sees (feasibility →
    structuring is not; opening a case, with no source stage, is not a change either)."""
    return bool(source_stage) and partner_status(source_stage) != partner_status(target_stage)
