"""``lead.status_changed`` webhooks: the listener ``transmission`` calls on each stage change.

Registered in ``ApiConfig.ready`` with ``transmission.events.on_stage_change``; runs inside
the transition's transaction, so the outbox rows commit (or roll back) with the change. The
leads' ``updated_at`` has been bumped by transmission's own listener before this one runs.
"""

from api.serializers.leads import LeadSerializer
from api.webhooks import outbox
from transmission.intake import PARTNER_SEES_CASE
from transmission.models import LeadSubmission
from transmission.partner_status import partner_status_changed

LEAD_STATUS_CHANGED = "lead.status_changed"


def lead_status_changed(*, case, source_stage: str, target_stage: str, stage_change) -> int:
    """Queue an event for each lead of ``case`` whose partner listens, when the
    partner-visible status changed; returns the number of events queued."""
    if not partner_status_changed(source_stage, target_stage):
        return 0
    # Only partners who may see the case hear of it (transmission.intake.PARTNER_SEES_CASE).
    leads = LeadSubmission.objects.filter(
        PARTNER_SEES_CASE, case=case, partner__webhook__active=True
    )
    queued = 0
    for lead in leads.select_related("case", "partner"):
        queued += bool(
            outbox.webhook_enqueue(
                partner=lead.partner,
                event=LEAD_STATUS_CHANGED,
                payload={
                    "lead": LeadSerializer(lead).data,
                    "occurred_at": stage_change.at.isoformat(),
                },
            )
        )
    return queued
