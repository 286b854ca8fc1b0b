"""Activities on a case (calls, meetings, notes, tasks) and the case reference counter."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import RegionalUnion
from transmission.choices import ActivityKind
from transmission.models.case import Case


class Activity(models.Model):
    """A call, meeting, note or task on a case (tasks have a due date and an assignee)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="activities", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    happened_on = models.DateField(_("date"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_activities",
        verbose_name=_("assignee"),
    )
    minutes_spent = models.PositiveIntegerField(_("minutes spent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    territory_ur_path = "case__regional_union"

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["case_id", "-created_at"]
        indexes = [models.Index(fields=["assignee", "done", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ActivityKind.TASK) | Q(due_on__isnull=True),
                name="activity_due_date_for_tasks_only",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class CaseReferenceCounter(models.Model):
    """Last reference number given in a UR for a year ("OUEST-2026-0042")."""

    regional_union = models.ForeignKey(RegionalUnion, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["regional_union", "year"], name="case_reference_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.regional_union_id}-{self.year}: {self.last_number}"
