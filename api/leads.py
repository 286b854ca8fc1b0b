"""``lead.status_changed`` webhooks: the listener ``transmission`` calls on each stage change.

Registered in ``ApiConfig.ready`` with ``transmission.events.on_stage_change``; runs inside
the transition's transaction, so the outbox rows commit (or roll back) with the change.
"""

from api import services
from api.serializers.leads import LeadSerializer
from transmission.models import LeadSubmission
from transmission.partner_status import partner_status

LEAD_STATUS_CHANGED = "lead.status_changed"


def lead_status_changed(*, case, source_stage: str, target_stage: str, stage_change) -> int:
    """Bump and announce every lead of ``case`` whose partner-visible status changed.

    Returns the number of leads concerned (an event is queued for those whose partner has an
    active webhook endpoint). Moves inside one status (feasibility → structuring) say nothing.
    """
    if not source_stage or partner_status(source_stage) == partner_status(target_stage):
        return 0
    leads = list(LeadSubmission.objects.filter(case=case).select_related("case", "partner"))
    occurred_at = stage_change.at
    for lead in leads:
        lead.updated_at = occurred_at
        lead.save(update_fields=["updated_at"])
        services.webhook_enqueue(
            partner=lead.partner,
            event=LEAD_STATUS_CHANGED,
            payload={"lead": LeadSerializer(lead).data, "occurred_at": occurred_at.isoformat()},
        )
    return len(leads)
