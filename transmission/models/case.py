"""The case ("dossier"): its stage, an fsm field that nothing but ``services.case_transition``
changes (through ``crm.workflow_engine``). Rules live in ``transmission.workflow``; the
decorated methods below only change the object.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin

from crm.constraints import FieldCheckConstraint
from crm.models import Organisation, Partner, RegionalUnion
from crm.workflow_engine import fsm_transition
from transmission.choices import (
    ACTIVE_STAGES,
    OPEN_STAGES,
    AbandonReason,
    CaseKind,
    CaseRoute,
    CaseSource,
    DeclineReason,
    Stage,
    TargetForm,
)
from transmission.workflow import CASE_WORKFLOW


def _fsm(name: str):
    """The fsm decorator of a transition, built from the workflow table."""
    if CASE_WORKFLOW.transitions[name].target is None:
        return fsm_transition(CASE_WORKFLOW, name, target=RETURN_VALUE(*ACTIVE_STAGES))
    return fsm_transition(CASE_WORKFLOW, name)


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

    # PROTECT: deleting an organisation must never take its cases and their history with it.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
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
    # Which legal person the cooperative will be (transmission.legal.ROUTES_BY_KIND).
    route = models.CharField(_("route"), max_length=20, choices=CaseRoute.choices, blank=True)
    target_form = models.CharField(
        _("target form"), max_length=20, choices=TargetForm.choices, blank=True
    )
    # A Scop d'amorçage: a status of a Scop born from a transformation, not a form of its own.
    seed_scop = models.BooleanField(_("Scop d'amorçage"), default=False)
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
    # From 50 employees the information is due no later than the CSE consultation.
    cse_consulted_on = models.DateField(
        _("works council (CSE) consulted on"), null=True, blank=True
    )
    # Every employee said they will not bid: the information's delay no longer applies.
    employees_waived_bid_on = models.DateField(
        _("every employee waived their right to bid on"), null=True, blank=True
    )
    general_meeting_on = models.DateField(_("general meeting on"), null=True, blank=True)
    # The court procedure of a takeover in difficulty, in the order it happens.
    opening_judgment_on = models.DateField(
        _("judgment opening the procedure on"), null=True, blank=True
    )
    court_offer_deadline = models.DateField(_("court offer deadline"), null=True, blank=True)
    court_hearing_on = models.DateField(_("court hearing on"), null=True, blank=True)
    plan_judgment_on = models.DateField(
        _("judgment adopting the takeover plan on"), null=True, blank=True
    )
    possession_on = models.DateField(_("entry into possession on"), null=True, blank=True)
    signing_on = models.DateField(_("signing on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    cooperative_siren = models.CharField(_("SIREN of the cooperative"), max_length=9, blank=True)
    # The cooperative's own record, set at incorporation: the case's organisation itself
    # (transformation, conversion) or a new one (newco routes).
    cooperative = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperative_cases",
        verbose_name=_("cooperative"),
        editable=False,
    )

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
            # A partner's lead about a newco not registered yet finds its case by this SIREN.
            models.Index(
                fields=["cooperative_siren"],
                condition=~Q(cooperative_siren=""),
                name="case_cooperative_siren_given",
            ),
            # A new lead goes to the UR's least loaded officer: each officer's open cases
            # are counted on this index alone (transmission.intake.lead_assignee).
            models.Index(
                fields=["assigned_officer"],
                condition=Q(stage__in=OPEN_STAGES),
                name="case_open_by_officer",
            ),
        ]
        constraints = [
            FieldCheckConstraint(
                field="valuation",
                condition=Q(valuation__isnull=True) | Q(valuation__gte=0),
                name="case_valuation_not_negative",
                violation_error_message=_("The valuation cannot be negative."),
            ),
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
            models.CheckConstraint(
                condition=~Q(stage=Stage.INCORPORATED) | Q(cooperative__isnull=False),
                name="case_incorporated_has_cooperative",
            ),
            models.CheckConstraint(
                condition=Q(seed_scop=False) | Q(route=CaseRoute.TRANSFORMATION),
                name="case_seed_scop_is_a_transformation",
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
