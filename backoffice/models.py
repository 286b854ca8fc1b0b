"""What the back office itself records: who merged which duplicate person into which."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonMerge(models.Model):
    """One merge of a duplicate person into the one kept, with the removed row as it was."""

    kept = models.ForeignKey(
        "crm.Person",
        on_delete=models.SET_NULL,
        null=True,
        related_name="merges",
        verbose_name=_("person kept"),
    )
    merged_name = models.CharField(_("name of the merged person"), max_length=201)
    merged_data = models.JSONField(
        _("merged person as it was"), default=dict, encoder=DjangoJSONEncoder
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    territory_departement_path = "kept__organisation__departement"

    class Meta:
        verbose_name = _("merge of people")
        verbose_name_plural = _("merges of people")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.kept}"


class DigestPreference(models.Model):
    """Whether a user gets the daily e-mail of their due tasks (no row: they do)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_preference",
        verbose_name=_("user"),
    )
    daily_digest = models.BooleanField(_("daily digest of my due tasks"), default=True)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.daily_digest}"
