from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up of cooperatives")

    def ready(self):
        # transmission's extension points: an incorporated case hands over to the
        # cooperative's follow-up record, in the transition's transaction.
        from followup.services import follow_up_on_incorporation
        from transmission import extension_points

        extension_points.on_stage_change(follow_up_on_incorporation)
        # No GDPR source: the follow-up holds counts and shares, no personal data (no free
        # text, no person); ``recorded_by`` is a staff user, handled as the other apps do.
