from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancementConfig(AppConfig):
    name = "financement"
    verbose_name = _("Financing")
