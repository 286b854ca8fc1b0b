from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        # Registers the OpenAPI security schemes of our authentication classes.
        from api import schema  # noqa: F401
        from api.webhooks.leads import lead_status_changed
        from transmission.events import on_stage_change

        # Partners hear of their leads' status changes (outbox written in the same transaction).
        on_stage_change(lead_status_changed)

        # GDPR requests reach the bodies of rejected submissions.
        from api.gdpr import ApiSource
        from crm import gdpr

        gdpr.register_source(ApiSource())
