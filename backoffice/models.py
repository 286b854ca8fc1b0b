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


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("organisations")
    PEOPLE = "people", _("people")
    REVIEWS = "reviews", _("annual reviews of cooperatives")


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("XLSX")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("checking")
    INVALID = "invalid", _("errors to correct")
    READY = "ready", _("ready to import")
    COMMITTING = "committing", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """One uploaded file of organisations or people: its check (preview), then its commit.

    Large files are checked and committed by a background task; the page polls ``status`` and
    ``processed_rows``. The rows and the ``done`` status commit in one transaction.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    format = models.CharField(_("format"), max_length=4, choices=ImportFormat.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    background = models.BooleanField(_("run in the background"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_rows = models.PositiveIntegerField(_("rows created"), default=0)
    errors = models.JSONField(_("errors"), default=list, encoder=DjangoJSONEncoder)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (
            ImportStatus.INVALID,
            ImportStatus.READY,
            ImportStatus.DONE,
            ImportStatus.FAILED,
        )

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
