from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilieresConfig(AppConfig):
    name = "filieres"
    verbose_name = _("Sectors")
