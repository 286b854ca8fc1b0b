"""The log of GDPR operations: who exported, erased or purged what, and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GdprOperationKind(models.TextChoices):
    EXPORT = "export", _("export")
    ERASE = "erase", _("erasure")
    PURGE = "purge", _("purge")


class GdprOperation(models.Model):
    """One GDPR operation. The subject is kept as a keyed hash of the e-mail address, never
    the address itself: the log of an erasure must not hold what was erased."""

    kind = models.CharField(_("operation"), max_length=10, choices=GdprOperationKind.choices)
    subject_hash = models.CharField(_("subject (keyed hash)"), max_length=64, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    counts = models.JSONField(_("rows concerned, by source"), default=dict, blank=True)

    class Meta:
        verbose_name = _("GDPR operation")
        verbose_name_plural = _("GDPR operations")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y %H:%M})"
