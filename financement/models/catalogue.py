"""The catalogue of financing instruments, and the money helpers every financing model uses."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from financement.choices import InstrumentFamily

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
    # Per instrument, not per UR: the delegation is granted by each tool (Socoden, Scopinvest,
    # Sofiscop...) to the regional committees that commit its money, and tools grant different
    # amounts; a UR has no money of its own to delegate.
    regional_delegation_ceiling = money_field(
        _("regional delegation ceiling (€)"),
        null=True,
        blank=True,
        help_text=_(
            "Above this amount requested, the national committee decides, not the regional "
            "one. Empty: regional committees decide any amount."
        ),
    )
    regional_unions = models.ManyToManyField(
        "crm.RegionalUnion",
        blank=True,
        related_name="instruments",
        verbose_name=_("regional unions"),
        help_text=_("Leave empty when the instrument is offered everywhere."),
    )

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

    def needs_national_committee(self, amount) -> bool:
        """Whether a commitment of ``amount`` exceeds the regional delegation."""
        ceiling = self.regional_delegation_ceiling
        return (
            self.is_movement_tool
            and ceiling is not None
            and amount is not None
            and amount > ceiling
        )

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
