"""People: contacts at organisations, partner networks, and the federation's own staff."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models.organisation import Organisation
from crm.models.territory import RegionalUnion
from crm.roles import Role


class ContactRole(models.TextChoices):
    OWNER = "owner", _("owner")
    EMPLOYEE = "employee", _("employee")
    FOUNDER = "founder", _("founder")
    ADVISOR = "advisor", _("advisor")
    OTHER = "other", _("other")


class LawfulBasis(models.TextChoices):
    """GDPR article 6 bases the federation relies on to keep a contact."""

    CONSENT = "consent", _("consent")
    LEGITIMATE_INTEREST = "legitimate_interest", _("legitimate interest")
    CONTRACT = "contract", _("contract or pre-contractual steps")
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation")


class Person(models.Model):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    lawful_basis = models.CharField(_("lawful basis"), max_length=30, choices=LawfulBasis.choices)
    source = models.CharField(
        _("source"), max_length=200, help_text=_("Where the contact came from.")
    )
    consent_date = models.DateField(_("date of consent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    territory_departement_path = "organisation__departement"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(lawful_basis=LawfulBasis.CONSENT) | Q(consent_date__isnull=False),
                name="person_consent_has_date",
                violation_error_message=_("Consent needs the date it was given."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.lawful_basis == LawfulBasis.CONSENT and not self.consent_date:
            raise ValidationError({"consent_date": _("Consent needs the date it was given.")})


class PartnerType(models.TextChoices):
    BANK = "bank", _("bank")
    ACCOUNTANT = "accountant", _("chartered accountant")
    CHAMBER = "chamber", _("chamber of commerce or trades")
    FRANCE_ACTIVE = "france_active", _("France Active")
    REGIONAL_COUNCIL = "regional_council", _("regional council")
    AMBASSADOR = "ambassador", _("ambassador cooperative")
    # Officers of the court in a collective procedure: a main source of takeovers in difficulty.
    COURT_ADMINISTRATOR = "court_administrator", _("judicial administrator")
    COURT_REPRESENTATIVE = "court_representative", _("judicial representative")
    OTHER = "other", _("other")


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=PartnerType.choices)
    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("regional union"),
        help_text=_("Empty for a national partner."),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # National partners (no UR) are visible to every UR: see crm.scoping.
    territory_ur_path = "regional_union"
    territory_national_when_null = True

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OfficerProfile(models.Model):
    """A staff member's role and regional union; the role decides groups and scoping."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer_profile",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("regional union"),
    )

    territory_ur_path = "regional_union"

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=[Role.OFFICER, Role.DIRECTOR])
                | Q(regional_union__isnull=False),
                name="officer_profile_ur_required",
                violation_error_message=_(
                    "An officer or a regional director belongs to a regional union."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role in (Role.OFFICER, Role.DIRECTOR) and not self.regional_union_id:
            raise ValidationError(
                {
                    "regional_union": _(
                        "An officer or a regional director belongs to a regional union."
                    )
                }
            )
