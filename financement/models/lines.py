"""Financing lines, with their own workflow, and the immutable record of their decisions.

A line's status is an fsm field that nothing but ``services.financing_line_decide`` changes
(through ``crm.workflow_engine``); rules live in ``financement.workflow``. Amount rules are
checked twice: ``clean()`` reports them per field (French messages naming the field), and check
constraints make the database refuse what must never happen, whatever path wrote the row.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from crm.workflow_engine import fsm_transition
from financement.choices import (
    COMMITTED_STATUSES,
    DECIDED_STATUSES,
    DISBURSED_STATUSES,
    InstrumentFamily,
    LineStatus,
)
from financement.models.catalogue import Instrument, _not_negative, money_field
from financement.models.plans import CommitteeSession, FinancingPlan
from financement.workflow import LINE_WORKFLOW
from transmission.models import AppendOnlyRecord


def _fsm(name: str):
    return fsm_transition(LINE_WORKFLOW, name)


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
    # Bumped by every decision: a caller holding an older copy gets a conflict.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
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

    territory_ur_path = ("plan__case__regional_union", "plan__support__regional_union")

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
            # Money is paid out after it is granted, never before.
            models.CheckConstraint(
                condition=Q(disbursed_on__isnull=True)
                | Q(decision_on__isnull=True)
                | Q(disbursed_on__gte=models.F("decision_on")),
                name="financingline_paid_after_decision",
                violation_error_message=_("The payment date cannot precede the decision date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} – {self.amount_requested} €"

    @classmethod
    def from_instrument(cls, instrument: Instrument, **fields) -> "FinancingLine":
        """A new line of ``instrument``: the one place that copies what the line keeps of it."""
        return cls(
            instrument=instrument,
            family=instrument.family,
            is_movement_tool=instrument.is_movement_tool,
            **fields,
        )

    def _instrument_refusal(self):
        """Why the instrument cannot finance this plan's case (None: it can)."""
        if not self.instrument_id or not self.plan_id:
            return None
        unions = list(self.instrument.regional_unions.all())
        if not unions or self.plan.holder.regional_union_id in {u.pk for u in unions}:
            return None
        return _(
            "The instrument “%(instrument)s” is offered only in %(unions)s, not in the case's "
            "regional union."
        ) % {"instrument": self.instrument.name, "unions": ", ".join(u.name for u in unions)}

    @property
    def is_guarantee(self) -> bool:
        return self.family == InstrumentFamily.GUARANTEE

    @property
    def is_resource(self) -> bool:
        return not self.is_guarantee

    def clean(self):
        if self.instrument_id and not self.family:
            copy = FinancingLine.from_instrument(self.instrument)
            self.family, self.is_movement_tool = copy.family, copy.is_movement_tool
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
        if self.disbursed_on and self.decision_on and self.disbursed_on < self.decision_on:
            errors["disbursed_on"] = _("The payment date cannot precede the decision date.")
        if self.family == InstrumentFamily.GUARANTEE:
            if self.secures_id is None:
                errors["secures"] = _("A guarantee must name the line it secures.")
            elif self.secures.plan_id != self.plan_id:
                errors["secures"] = _("A guarantee secures a line of the same financing plan.")
            elif self.secures.is_guarantee:
                errors["secures"] = _("A guarantee secures a resource, not another guarantee.")
        elif self.secures_id is not None:
            errors["secures"] = _("Only a guarantee secures another line.")
        if self.pk is None and (refusal := self._instrument_refusal()):
            errors["instrument"] = refusal
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

    # PROTECT: a decided line keeps its decisions (a draft line, which has none, may go).
    line = models.ForeignKey(
        FinancingLine,
        on_delete=models.PROTECT,
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

    territory_ur_path = (
        "line__plan__case__regional_union",
        "line__plan__support__regional_union",
    )

    class Meta:
        verbose_name = _("line decision")
        verbose_name_plural = _("line decisions")
        ordering = ["line_id", "at", "id"]

    def __str__(self) -> str:
        # Status labels, never codes: this is what the admin shows of a decision.
        return f"{self.get_source_status_display() or '∅'} → {self.get_target_status_display()}"
