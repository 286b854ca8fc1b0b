from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancementConfig(AppConfig):
    name = "financement"
    verbose_name = _("Financing")

    def ready(self):
        # transmission's extension points (transmission/extension_points.py).
        from financement.gate import FinancingPlanGate
        from transmission import extension_points

        # The case workflow asks this gate whether a case may enter or leave ``financing``.
        extension_points.set_financing_gate(FinancingPlanGate())
        # The financing plan on the case's admin page.
        extension_points.register_case_admin_inline("financement.admin.FinancingPlanInline")

        # GDPR requests reach the comments of financing lines and decisions.
        from crm import gdpr
        from financement.gdpr import FinancingSource

        gdpr.register_source(FinancingSource())
