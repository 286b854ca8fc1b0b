from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransmissionConfig(AppConfig):
    name = "transmission"
    verbose_name = _("Cases")
