"""A partner-visible status change bumps the ``updated_at`` of the case's leads.

Partners poll with ``updated_since`` and the ``lead.status_changed`` webhook carries the lead's
``updated_at``: both read the value written here. A stage-change listener (registered in
``TransmissionConfig.ready``), so the bump commits or rolls back with the transition; Django runs
``ready`` in ``INSTALLED_APPS`` order, lowest layer first, so higher apps' listeners (the
webhook) see the bumped leads.

Only the leads whose partner may see the case are bumped (``intake.PARTNER_SEES_CASE``): a lead
that joined another partner's or an officer's case keeps the instant it was received, so what is
stored is what that partner is told.
"""

from transmission.intake import PARTNER_SEES_CASE
from transmission.models import LeadSubmission
from transmission.partner_status import partner_status_changed


def leads_touch_on_status_change(*, case, source_stage: str, target_stage: str, stage_change):
    """Set ``updated_at`` to the stage change's time on every lead of ``case`` whose partner
    sees the case, when its partner-visible status changed; returns the number of leads
    touched."""
    if not partner_status_changed(source_stage, target_stage):
        return 0
    visible = LeadSubmission.objects.filter(PARTNER_SEES_CASE, case=case)
    return visible.update(updated_at=stage_change.at)
