"""Case-level tags: one row per (case, tag), so that filters and counts are plain joins on
SQLite and PostgreSQL alike (no array field). Written only by ``services.case_set_tags``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from transmission.choices import CaseTag as CaseTagChoice
from transmission.models.case import Case


class CaseTag(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="tags", verbose_name=_("case")
    )
    tag = models.CharField(_("tag"), max_length=30, choices=CaseTagChoice.choices)

    territory_ur_path = "case__regional_union"

    class Meta:
        verbose_name = _("case tag")
        verbose_name_plural = _("case tags")
        ordering = ["case_id", "tag"]
        constraints = [
            models.UniqueConstraint(fields=["case", "tag"], name="case_tag_once"),
        ]
        indexes = [models.Index(fields=["tag", "case"])]

    def __str__(self) -> str:
        return str(self.get_tag_display())
