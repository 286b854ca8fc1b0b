"""Partner submissions attached to cases, and how each UR assigns the cases they open."""

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Partner, RegionalUnion
from transmission.choices import CaseKind
from transmission.models.case import Case
from transmission.partner_status import partner_status


class LeadAssignmentMode(models.TextChoices):
    LEAST_LOADED = "least_loaded", _("least-loaded officer of the regional union")
    UNASSIGNED_QUEUE = "unassigned_queue", _("unassigned queue (a director assigns)")


class LeadAssignmentRule(models.Model):
    """How a regional union assigns the cases opened from partner leads (no row: least loaded)."""

    regional_union = models.OneToOneField(
        RegionalUnion,
        on_delete=models.CASCADE,
        related_name="lead_assignment_rule",
        verbose_name=_("regional union"),
    )
    mode = models.CharField(
        _("assignment mode"),
        max_length=20,
        choices=LeadAssignmentMode.choices,
        default=LeadAssignmentMode.LEAST_LOADED,
    )

    territory_ur_path = "regional_union"

    class Meta:
        verbose_name = _("lead assignment rule")
        verbose_name_plural = _("lead assignment rules")
        ordering = ["regional_union__code"]

    def __str__(self) -> str:
        return f"{self.regional_union}: {self.get_mode_display()}"


class LeadSubmission(models.Model):
    """A lead a partner sent through the API, kept with the exact body received.

    Written by ``transmission.intake.lead_submit`` with its case in the same transaction (the
    case is null only inside it). ``updated_at`` moves when the partner-visible status changes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="lead_submissions",
        verbose_name=_("partner"),
    )
    # PROTECT: nothing a partner sent is lost, not even by deleting the case it opened.
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        related_name="lead_submissions",
        verbose_name=_("case"),
    )
    external_ref = models.CharField(_("partner's reference"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    raw_body = models.TextField(_("body as received"))
    payload = models.JSONField(_("validated data"), encoder=DjangoJSONEncoder)
    matched_existing_case = models.BooleanField(_("attached to an existing case"), default=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("status changed at"), default=timezone.now)

    territory_ur_path = "case__regional_union"

    class Meta:
        verbose_name = _("partner lead")
        verbose_name_plural = _("partner leads")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partner", "created_at"]),
            models.Index(fields=["partner", "updated_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_ref"],
                condition=~Q(external_ref=""),
                name="lead_submission_external_ref_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.external_ref or self.pk}"

    @property
    def partner_status(self) -> str:
        return partner_status(self.case.stage)
