"""Financing plans (a case's needs; its resources are the lines) and committee sessions."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import RegionalUnion
from financement.models.catalogue import ZERO, _not_negative, money_field
from transmission.models import Case


class FinancingPlan(models.Model):
    """The financing plan of a case, or of a support to an existing cooperative (exactly one
    of the two, its *holder*): its needs; the resources are its lines."""

    case = models.OneToOneField(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="financing_plan",
        verbose_name=_("case"),
    )
    support = models.OneToOneField(
        "financement.SupportRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="financing_plan",
        verbose_name=_("support to a cooperative"),
    )
    price_or_investment = money_field(_("price or investment (€)"), default=ZERO)
    working_capital = money_field(_("working capital (€)"), default=ZERO)
    other_needs = money_field(_("other needs (€)"), default=ZERO)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A plan belongs to the UR of its holder: a case's or a support's (crm.scoping ORs them).
    territory_ur_path = ("case__regional_union", "support__regional_union")

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
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=False, support__isnull=True)
                | Q(case__isnull=True, support__isnull=False),
                name="financingplan_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Financing plan of %(case)s") % {"case": self.holder.reference})

    @property
    def holder(self):
        """The case or the support the plan finances. Both answer what the financing rules
        ask of it: ``regional_union_id``, ``assigned_officer_id``, ``organisation``,
        ``reference``."""
        return self.case if self.case_id is not None else self.support

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

    # Empty for a sitting of the national committee, which decides the commitments above a
    # tool's regional delegation (Instrument.regional_delegation_ceiling) for every UR.
    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_sessions",
        verbose_name=_("regional union"),
        help_text=_("Leave empty for the national committee."),
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
        if self.is_national:
            return str(_("National committee on %(date)s") % {"date": self.held_on.isoformat()})
        return str(
            _("Committee of %(union)s on %(date)s")
            % {"union": self.regional_union, "date": self.held_on.isoformat()}
        )

    @property
    def is_national(self) -> bool:
        return self.regional_union_id is None
