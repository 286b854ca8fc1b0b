from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransmissionConfig(AppConfig):
    name = "transmission"
    verbose_name = _("Cases")

    def ready(self):
        from transmission.events import on_stage_change
        from transmission.partner_updates import leads_touch_on_status_change

        on_stage_change(leads_touch_on_status_change)

        # GDPR requests reach the personal data kept in leads, activities and history.
        from crm import gdpr
        from transmission.gdpr import TransmissionSource, purge_candidates

        gdpr.register_source(TransmissionSource())
        gdpr.register_purge_candidates(purge_candidates)
