"""The NAF activity nomenclature (INSEE), kept for every version a code may be stored in.

It lives in ``crm`` rather than ``filieres`` because an organisation validates its NAF code
against it, and ``crm`` may not depend on the apps above it; ``filieres`` builds on it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NafVersion(models.TextChoices):
    REV2 = "rev2", _("NAF rév. 2 (2008)")
    NAF2025 = "2025", _("NAF 2025")


class NafLevel(models.TextChoices):
    SECTION = "section", _("section")
    DIVISION = "division", _("division")
    GROUP = "group", _("group")
    CLASS = "class", _("class")
    SUBCLASS = "subclass", _("sub-class")


class NafEntry(models.Model):
    version = models.CharField(_("nomenclature version"), max_length=8, choices=NafVersion.choices)
    code = models.CharField(_("code"), max_length=8)
    level = models.CharField(_("level"), max_length=8, choices=NafLevel.choices)
    label = models.CharField(_("label"), max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("NAF entry")
        verbose_name_plural = _("NAF nomenclature")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="naf_entry_unique_code")
        ]
        indexes = [models.Index(fields=["version", "level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"
