"""Instruments, financing plans and their lines, committee sessions and line decisions.

A line's status is an fsm field that nothing but ``services.financing_line_decide`` changes;
rules live in ``financement.workflow``. Amount rules are checked twice: ``clean()`` reports
them per field (French messages naming the field), and check constraints make the database
refuse what must never happen, whatever path wrote the row.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from crm.models import RegionalUnion
from financement import workflow
from financement.choices import (
    COMMITTED_STATUSES,
    DECIDED_STATUSES,
    DISBURSED_STATUSES,
    InstrumentFamily,
    LineStatus,
)
from transmission.models import AppendOnlyRecord, Case

ZERO = Decimal("0")


def money_field(verbose_name, **kwargs):
    """Euros, to the cent, up to a trillion: never a float."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def _not_negative(instance, names: dict[str, str]) -> dict[str, str]:
    errors = {}
    for name, label in names.items():
        value = getattr(instance, name)
        if value is not None and value < 0:
            errors[name] = _("%(field)s cannot be negative.") % {"field": label}
    return errors


class Instrument(models.Model):
    """A financing instrument of the catalogue (DOMAIN.md), editable by administrators."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    provider = models.CharField(_("provider"), max_length=150)
    family = models.CharField(_("family"), max_length=20, choices=InstrumentFamily.choices)
    is_movement_tool = models.BooleanField(
        _("tool of the movement"),
        default=False,
        help_text=_("Decided by the regional commitment committee; the base of leverage."),
    )
    min_amount = money_field(_("typical minimum amount (€)"), null=True, blank=True)
    max_amount = money_field(_("typical maximum amount (€)"), null=True, blank=True)
    amount_per_member = models.BooleanField(
        _("amounts per member"),
        default=False,
        help_text=_("The typical amounts are per employee-member, not per company."),
    )
    min_term_months = models.PositiveSmallIntegerField(
        _("typical minimum term (months)"), null=True, blank=True
    )
    max_term_months = models.PositiveSmallIntegerField(
        _("typical maximum term (months)"), null=True, blank=True
    )
    terms = models.CharField(_("terms"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["-is_movement_tool", "family", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__gte=0) | Q(min_amount__isnull=True),
                name="instrument_min_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True)
                | Q(max_amount__isnull=True)
                | Q(min_amount__lte=models.F("max_amount")),
                name="instrument_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(min_term_months__isnull=True)
                | Q(max_term_months__isnull=True)
                | Q(min_term_months__lte=models.F("max_term_months")),
                name="instrument_term_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"

    def clean(self):
        errors = _not_negative(self, {"min_amount": _("The typical minimum amount")})
        if None not in (self.min_amount, self.max_amount) and self.min_amount > self.max_amount:
            errors["max_amount"] = _(
                "The typical maximum amount cannot be below the typical minimum amount."
            )
        terms = (self.min_term_months, self.max_term_months)
        if None not in terms and terms[0] > terms[1]:
            errors["max_term_months"] = _(
                "The typical maximum term cannot be below the typical minimum term."
            )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() reports the same rules per field; the constraints are the database's backstop.
        return


class FinancingPlan(models.Model):
    """The financing plan of a case: its needs; the resources are its lines."""

    case = models.OneToOneField(
        Case,
        on_delete=models.CASCADE,
        related_name="financing_plan",
        verbose_name=_("case"),
    )
    price_or_investment = money_field(_("price or investment (€)"), default=ZERO)
    working_capital = money_field(_("working capital (€)"), default=ZERO)
    other_needs = money_field(_("other needs (€)"), default=ZERO)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    territory_ur_path = "case__regional_union"

    NEEDS_FIELDS = ("price_or_investment", "working_capital", "other_needs")

    class Meta:
        verbose_name = _("financing plan")
        verbose_name_plural = _("financing plans")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_or_investment__gte=0)
                & Q(working_capital__gte=0)
                & Q(other_needs__gte=0),
                name="financingplan_needs_not_negative",
            )
        ]

    def __str__(self) -> str:
        return str(_("Financing plan of %(case)s") % {"case": self.case.reference})

    @property
    def total_needs(self) -> Decimal:
        return sum((getattr(self, name) or ZERO for name in self.NEEDS_FIELDS), ZERO)

    def clean(self):
        errors = _not_negative(
            self,
            {
                "price_or_investment": _("The price or investment"),
                "working_capital": _("The working capital"),
                "other_needs": _("The other needs"),
            },
        )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() reports the same rules per field; the constraint is the database's backstop.
        return


class CommitteeSession(models.Model):
    """A sitting of a UR's financial commitment committee (the movement's tools)."""

    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.PROTECT,
        related_name="committee_sessions",
        verbose_name=_("regional union"),
    )
    held_on = models.DateField(_("date"))
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="committee_sessions",
        verbose_name=_("members present (users)"),
    )
    other_members = models.TextField(
        _("other members present"),
        blank=True,
        help_text=_("Members without an account, one per line."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    territory_ur_path = "regional_union"

    class Meta:
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")
        ordering = ["-held_on", "regional_union__name"]
        indexes = [models.Index(fields=["regional_union", "held_on"])]

    def __str__(self) -> str:
        return str(
            _("Committee of %(union)s on %(date)s")
            % {"union": self.regional_union, "date": self.held_on.isoformat()}
        )


def _fsm(name: str):
    spec = workflow.TRANSITIONS[name]
    return transition(
        field="status",
        source=list(spec.sources),
        target=spec.target,
        conditions=[workflow.fsm_condition(name)],
        permission=workflow.fsm_permission(name),
        custom={"label": spec.label},
    )


class FinancingLine(FSMModelMixin, models.Model):
    """A resource (or a guarantee) of a plan, with its own workflow.

    ``family`` and ``is_movement_tool`` are copied from the instrument when the line is
    created: what the line *was* when decided must not change when the catalogue is edited,
    and the database needs ``family`` in the row to enforce the guarantee rule.
    """

    plan = models.ForeignKey(
        FinancingPlan,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("financing plan"),
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="lines", verbose_name=_("instrument")
    )
    family = models.CharField(
        _("family"), max_length=20, choices=InstrumentFamily.choices, editable=False
    )
    is_movement_tool = models.BooleanField(_("tool of the movement"), editable=False)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=LineStatus.choices,
        default=LineStatus.PLANNED,
        protected=True,
    )
    amount_requested = money_field(_("amount requested (€)"))
    amount_committed = money_field(_("amount committed (€)"), null=True, blank=True)
    amount_disbursed = money_field(_("amount disbursed (€)"), null=True, blank=True)
    decision_on = models.DateField(_("decision date"), null=True, blank=True)
    disbursed_on = models.DateField(_("payment date"), null=True, blank=True)
    committee_session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("committee session"),
    )
    # A guarantee means nothing without its line: it goes with it (services refuse to delete
    # a line that a guarantee secures; this only matters when a whole case is erased).
    secures = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guarantees",
        verbose_name=_("line secured"),
        help_text=_("For a guarantee: the line of the same plan it secures."),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    territory_ur_path = "plan__case__regional_union"

    class Meta:
        verbose_name = _("financing line")
        verbose_name_plural = _("financing lines")
        ordering = ["plan_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["status", "is_movement_tool"]),
            models.Index(fields=["decision_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0)
                & (Q(amount_committed__gte=0) | Q(amount_committed__isnull=True))
                & (Q(amount_disbursed__gte=0) | Q(amount_disbursed__isnull=True)),
                name="financingline_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_committed__isnull=True)
                | Q(amount_committed__lte=models.F("amount_requested")),
                name="financingline_committed_within_requested",
            ),
            models.CheckConstraint(
                condition=Q(amount_disbursed__isnull=True)
                | Q(amount_disbursed__lte=models.F("amount_committed")),
                name="financingline_disbursed_within_committed",
            ),
            models.CheckConstraint(
                condition=(Q(family=InstrumentFamily.GUARANTEE) & Q(secures__isnull=False))
                | (~Q(family=InstrumentFamily.GUARANTEE) & Q(secures__isnull=True)),
                name="financingline_guarantee_secures_a_line",
            ),
            # The status and the amounts tell the same story.
            models.CheckConstraint(
                condition=Q(status__in=COMMITTED_STATUSES, amount_committed__isnull=False)
                | (~Q(status__in=COMMITTED_STATUSES) & Q(amount_committed__isnull=True)),
                name="financingline_committed_iff_approved",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DISBURSED_STATUSES, amount_disbursed__isnull=False)
                | (~Q(status__in=DISBURSED_STATUSES) & Q(amount_disbursed__isnull=True)),
                name="financingline_disbursed_iff_paid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED_STATUSES) | Q(decision_on__isnull=False),
                name="financingline_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(family=InstrumentFamily.GUARANTEE) | ~Q(status__in=DISBURSED_STATUSES),
                name="financingline_guarantee_never_disbursed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} – {self.amount_requested} €"

    @property
    def is_guarantee(self) -> bool:
        return self.family == InstrumentFamily.GUARANTEE

    @property
    def is_resource(self) -> bool:
        return not self.is_guarantee

    def clean(self):
        if self.instrument_id and not self.family:
            self.family = self.instrument.family
            self.is_movement_tool = self.instrument.is_movement_tool
        errors = _not_negative(
            self,
            {
                "amount_requested": _("The amount requested"),
                "amount_committed": _("The amount committed"),
                "amount_disbursed": _("The amount disbursed"),
            },
        )
        requested, committed, disbursed = (
            self.amount_requested,
            self.amount_committed,
            self.amount_disbursed,
        )
        if (
            "amount_committed" not in errors
            and None not in (requested, committed)
            and committed > requested
        ):
            errors["amount_committed"] = _(
                "The amount committed cannot exceed the amount requested."
            )
        if (
            "amount_disbursed" not in errors
            and disbursed is not None
            and (committed is None or disbursed > committed)
        ):
            errors["amount_disbursed"] = _(
                "The amount disbursed cannot exceed the amount committed."
            )
        if self.family == InstrumentFamily.GUARANTEE:
            if self.secures_id is None:
                errors["secures"] = _("A guarantee must name the line it secures.")
            elif self.secures.plan_id != self.plan_id:
                errors["secures"] = _("A guarantee secures a line of the same financing plan.")
            elif self.secures.is_guarantee:
                errors["secures"] = _("A guarantee secures a resource, not another guarantee.")
        elif self.secures_id is not None:
            errors["secures"] = _("Only a guarantee secures another line.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() reports the same rules per field; the constraints are the database's backstop.
        return

    # --- Transitions: they only change the object (services.financing_line_decide saves) ----

    @_fsm("request")
    def request(self) -> None:
        pass

    @_fsm("approve")
    def approve(self) -> None:
        pass

    @_fsm("decline")
    def decline(self) -> None:
        pass

    @_fsm("withdraw")
    def withdraw(self) -> None:
        pass

    @_fsm("disburse")
    def disburse(self) -> None:
        pass

    @_fsm("repay")
    def repay(self) -> None:
        pass

    @_fsm("write_off")
    def write_off(self) -> None:
        pass


class LineDecision(AppendOnlyRecord):
    """One transition of a financing line (see AppendOnlyRecord); trigger in migration 0003."""

    change_refused_message = _("The decisions on a financing line cannot be changed.")
    delete_refused_message = _("The decisions on a financing line cannot be deleted.")

    line = models.ForeignKey(
        FinancingLine,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("financing line"),
    )
    source_status = models.CharField(
        _("from"), max_length=20, choices=LineStatus.choices, blank=True
    )
    target_status = models.CharField(_("to"), max_length=20, choices=LineStatus.choices)
    committee_session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("committee session"),
    )

    territory_ur_path = "line__plan__case__regional_union"

    class Meta:
        verbose_name = _("line decision")
        verbose_name_plural = _("line decisions")
        ordering = ["line_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source_status or '∅'} → {self.target_status}"
