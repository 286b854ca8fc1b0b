from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancementConfig(AppConfig):
    name = "financement"
    verbose_name = _("Financing")

    def ready(self):
        # The case workflow asks this gate whether a case may enter or leave ``financing``.
        from financement.gate import FinancingPlanGate
        from transmission.financing_gate import set_financing_gate

        set_financing_gate(FinancingPlanGate())

        # GDPR requests reach the comments of financing lines and decisions.
        from crm import gdpr
        from financement.gdpr import FinancingSource

        gdpr.register_source(FinancingSource())
