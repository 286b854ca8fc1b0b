"""Append-only records: the shape every workflow's audit trail shares, and the case history."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from transmission.choices import Stage
from transmission.models.case import Case


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused, with the record's own message."""

    def update(self, **kwargs):
        raise PermissionDenied(self.model.change_refused_message)

    def delete(self):
        raise PermissionDenied(self.model.delete_refused_message)


class AppendOnlyRecord(models.Model):
    """One transition of a workflow, written once by its service, never edited nor deleted.

    The shape every audit trail shares (the case history, the financing-line decisions).
    Changes are refused at three levels: the admin is read-only, ``save()``/``delete()`` and
    the queryset refuse, and a database trigger in each concrete model's migration rejects
    any UPDATE. Rows go only with their parent when a whole record is erased (cascade).
    """

    change_refused_message = _("This record cannot be changed.")
    delete_refused_message = _("This record cannot be deleted.")

    transition = models.CharField(_("transition"), max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data given"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(self.change_refused_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(self.delete_refused_message)


class StageChange(AppendOnlyRecord):
    """One transition of a case (see AppendOnlyRecord); the trigger is in migration 0002."""

    change_refused_message = _("The history of a case cannot be changed.")
    delete_refused_message = _("The history of a case cannot be deleted.")

    # PROTECT: the history outlives nothing it describes (a case with history is not deleted).
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="stage_changes", verbose_name=_("case")
    )
    source_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    target_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)

    territory_ur_path = "case__regional_union"

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage history")
        ordering = ["case_id", "at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        # Stage labels, never codes: this is what the admin shows of a history row.
        return f"{self.get_source_stage_display() or '∅'} → {self.get_target_stage_display()}"
