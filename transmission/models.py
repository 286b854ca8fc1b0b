"""The case ("dossier"), its immutable stage history, its activities and its reference counter.

The stage is an fsm field that nothing but ``services.case_transition`` changes. Rules live in
``transmission.workflow``; the decorated methods below only change the object.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from crm.models import Organisation, Partner, RegionalUnion
from transmission import workflow
from transmission.choices import (
    ACTIVE_STAGES,
    AbandonReason,
    ActivityKind,
    CaseKind,
    CaseSource,
    DeclineReason,
    Stage,
    TargetForm,
)
from transmission.partner_status import partner_status

T = workflow.TRANSITIONS


def _fsm(name: str):
    """The fsm decorator of a transition, built from the workflow table."""
    spec = T[name]
    target = spec.target if spec.target else RETURN_VALUE(*ACTIVE_STAGES)
    return transition(
        field="stage",
        source=list(spec.sources),
        target=target,
        conditions=[workflow.fsm_condition(name)],
        permission=workflow.fsm_permission(name),
        custom={"label": spec.label},
    )


class Case(FSMModelMixin, models.Model):
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    stage = FSMField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD, protected=True
    )
    # The active stage the case left when put on hold or abandoned: where resume/reopen go.
    previous_stage = models.CharField(
        _("previous stage"), max_length=20, choices=Stage.choices, blank=True, editable=False
    )
    # Bumped by every transition: a caller holding an older copy gets a conflict.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("organisation"),
    )
    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("regional union"),
        editable=False,
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned officer"),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=CaseSource.choices, default=CaseSource.DIRECT
    )
    source_partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("source partner"),
    )
    jobs_at_stake = models.PositiveIntegerField(_("jobs at stake"), null=True, blank=True)
    jobs_at_incorporation = models.PositiveIntegerField(
        _("jobs created or saved"), null=True, blank=True
    )
    target_form = models.CharField(
        _("target form"), max_length=20, choices=TargetForm.choices, blank=True
    )
    founding_members = models.PositiveIntegerField(_("founding members"), null=True, blank=True)
    member_categories = models.PositiveIntegerField(
        _("categories of members"), null=True, blank=True
    )
    valuation = models.DecimalField(
        _("valuation (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    owner_agreement_on = models.DateField(
        _("owner's agreement in principle on"), null=True, blank=True
    )

    next_action = models.CharField(_("next action"), max_length=300, blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)

    employees_informed_on = models.DateField(
        _("employees informed of the sale on"), null=True, blank=True
    )
    general_meeting_on = models.DateField(_("general meeting on"), null=True, blank=True)
    court_offer_deadline = models.DateField(_("court offer deadline"), null=True, blank=True)
    signing_on = models.DateField(_("signing on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    cooperative_siren = models.CharField(_("SIREN of the cooperative"), max_length=9, blank=True)

    abandon_reason = models.CharField(
        _("reason for abandoning"), max_length=30, choices=AbandonReason.choices, blank=True
    )
    abandon_comment = models.TextField(_("comment on abandoning"), blank=True)
    decline_reason = models.CharField(
        _("reason for not retaining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    review_on = models.DateField(_("review on"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    territory_ur_path = "regional_union"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        permissions = [
            ("reassign_case", _("Can reassign a case to another officer")),
            ("override_financing_rule", _("Can override the balanced-plan rule")),
        ]
        indexes = [
            models.Index(fields=["regional_union", "stage"]),
            models.Index(fields=["assigned_officer", "next_action_on"]),
            models.Index(fields=["stage", "kind"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage=Stage.ABANDONED) | ~Q(abandon_reason=""),
                name="case_abandoned_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.DECLINED) | ~Q(decline_reason=""),
                name="case_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.ON_HOLD) | Q(review_on__isnull=False),
                name="case_on_hold_has_review_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.INCORPORATED)
                | (~Q(cooperative_siren="") & ~Q(target_form="") & Q(registered_on__isnull=False)),
                name="case_incorporated_has_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.organisation}"

    # --- Transitions: they only change the object (services.case_transition saves) ---------

    @_fsm("qualify")
    def qualify(self) -> None:
        pass

    @_fsm("start_feasibility")
    def start_feasibility(self) -> None:
        pass

    @_fsm("start_structuring")
    def start_structuring(self) -> None:
        pass

    @_fsm("start_financing")
    def start_financing(self) -> None:
        pass

    @_fsm("start_closing")
    def start_closing(self) -> None:
        pass

    @_fsm("incorporate")
    def incorporate(self) -> None:
        pass

    @_fsm("put_on_hold")
    def put_on_hold(self) -> None:
        self.previous_stage = self.stage

    @_fsm("resume")
    def resume(self) -> str:
        self.review_on = None
        return self.previous_stage

    @_fsm("abandon")
    def abandon(self) -> None:
        if self.stage != Stage.ON_HOLD:
            self.previous_stage = self.stage
        self.review_on = None

    @_fsm("decline")
    def decline(self) -> None:
        pass

    @_fsm("reopen")
    def reopen(self) -> str:
        self.abandon_reason = ""
        self.abandon_comment = ""
        return self.previous_stage


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

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("case")
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
        return f"{self.transition}: {self.source_stage or '∅'} → {self.target_stage}"


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


# --- Partner submissions attached to cases ---------------------------------------------------


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
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
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
