"""Organisations: companies to take over, cooperatives to create, existing Scop and Scic."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm import identifiers
from crm.constraints import FieldUniqueConstraint
from crm.models.naf import NafVersion
from crm.models.territory import Departement


class LegalForm(models.TextChoices):
    SARL = "sarl", _("SARL")
    SAS = "sas", _("SAS")
    SA = "sa", _("SA")
    EI = "ei", _("sole proprietorship")
    ASSOCIATION = "association", _("association")
    COOPERATIVE_OTHER = "cooperative_other", _("other cooperative")
    OTHER = "other", _("other")


class CooperativeType(models.TextChoices):
    NONE = "", _("not a cooperative")
    SCOP = "scop", _("Scop")
    SCIC = "scic", _("Scic")
    # Coopérative d'activité et d'emploi: a Scop or Scic hosting entrepreneurs-employees.
    CAE = "cae", _("CAE")


class OrganisationStatus(models.TextChoices):
    """What became of the legal person: a company bought by a new cooperative is sold, one
    whose business a court plan handed to a new cooperative is liquidated."""

    ACTIVE = "active", _("active")
    SOLD = "sold", _("sold")
    LIQUIDATED = "liquidated", _("liquidated")
    CEASED = "ceased", _("ceased")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # Unique when known (partial index below): an organisation without a SIREN is NULL.
    siren = models.CharField(_("SIREN"), max_length=9, null=True, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    naf_code = models.CharField(_("NAF code"), max_length=6, blank=True)
    naf_version = models.CharField(
        _("NAF version"), max_length=8, choices=NafVersion.choices, default=NafVersion.REV2
    )
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    cooperative_type = models.CharField(
        _("cooperative type"), max_length=4, choices=CooperativeType.choices, blank=True
    )
    cooperative_since = models.DateField(_("cooperative since"), null=True, blank=True)
    cooperative_ceased_on = models.DateField(_("cooperative ceased on"), null=True, blank=True)
    # A Scop d'amorçage: the date by which employees must hold 50 % of the capital.
    seed_scop_until = models.DateField(
        _("Scop d'amorçage: 50 % of capital due by"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
    )
    # The new cooperative that bought the company or took over its business (a newco).
    taken_over_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="took_over",
        verbose_name=_("taken over by"),
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5)
    city = models.CharField(_("city"), max_length=100, blank=True)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("département"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    # Territory scoping (crm.scoping): organisations belong to the UR covering their département.
    territory_departement_path = "departement"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # A partial unique index: a blank SIREN written around the model's clean() (an
            # import, a raw update) never collides with another blank one.
            FieldUniqueConstraint(
                field="siren",
                fields=["siren"],
                condition=Q(siren__isnull=False) & ~Q(siren=""),
                name="organisation_siren_unique",
                violation_error_message=_("An organisation with this SIREN already exists."),
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siren__isnull=False),
                name="organisation_siret_needs_siren",
                violation_error_message=_("A SIRET needs the SIREN it belongs to."),
            ),
            models.CheckConstraint(
                condition=Q(cooperative_ceased_on__isnull=True)
                | (
                    ~Q(cooperative_type="")
                    & (
                        Q(cooperative_since__isnull=True)
                        | Q(cooperative_ceased_on__gte=F("cooperative_since"))
                    )
                ),
                name="organisation_ceased_after_start",
                violation_error_message=_(
                    "Only a cooperative can cease, and not before it started."
                ),
            ),
            models.CheckConstraint(
                condition=Q(seed_scop_until__isnull=True) | Q(cooperative_type="scop"),
                name="organisation_seed_scop_is_a_scop",
                violation_error_message=_("Only a Scop can be a Scop d'amorçage."),
            ),
        ]
        indexes = [models.Index(fields=["naf_version", "naf_code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cooperative(self) -> bool:
        return bool(self.cooperative_type)

    @property
    def is_active_cooperative(self) -> bool:
        return self.is_cooperative and self.cooperative_ceased_on is None

    def departement_resolved(self, departement: Departement) -> None:
        """Take the département a service resolved for the current postal code (see clean)."""
        self.departement = departement
        self._departement_resolved_for = identifiers.strip_spaces(self.postal_code)

    def clean_fields(self, exclude=None) -> None:
        # Compact what people paste ("123 456 782", "123.456.782") before length checks run.
        for field in ("siren", "siret"):
            value = getattr(self, field)
            if value:
                setattr(self, field, identifiers.compact_identifier(value))
        for field in ("postal_code", "naf_code"):
            value = getattr(self, field)
            if value:
                setattr(self, field, identifiers.strip_spaces(value))
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """Normalise identifiers and derive the département, collecting every error at once."""
        from crm.naf import validate_naf_code
        from crm.territories import departement_for

        errors: dict[str, list] = {}

        def attempt(field: str, func):
            try:
                return func()
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.messages)
                return None

        if self.siren:
            self.siren = attempt("siren", lambda: identifiers.normalize_siren(self.siren))
        else:
            self.siren = None
        if self.siret:
            siret = attempt("siret", lambda: identifiers.normalize_siret(self.siret))
            if siret:
                self.siret = siret
                if not self.siren and "siren" not in errors:
                    self.siren = siret[:9]
                elif self.siren and siret[:9] != self.siren:
                    errors.setdefault("siret", []).append(
                        _("The SIRET “%(siret)s” does not start with the SIREN “%(siren)s”.")
                        % {"siret": siret, "siren": self.siren}
                    )

        def attempt_fields(func):
            # For checks whose errors name their own field (naf_code/naf_version,
            # postal_code/city).
            try:
                return func()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(field, []).extend(messages)
                return None

        if self.naf_code:
            code = attempt_fields(lambda: validate_naf_code(self.naf_code, self.naf_version))
            if code:
                self.naf_code = code
        resolved_for = getattr(self, "_departement_resolved_for", None)
        if self.postal_code and resolved_for == identifiers.strip_spaces(self.postal_code):
            self.postal_code = resolved_for
        elif self.postal_code:
            departement = attempt_fields(lambda: departement_for(self.postal_code, self.city))
            if departement:
                self.postal_code = identifiers.normalize_postal_code(self.postal_code)
                self.departement = departement
        if self.cooperative_ceased_on and not self.cooperative_type:
            errors.setdefault("cooperative_ceased_on", []).append(
                _("Only a cooperative can have a date of cessation.")
            )
        if errors:
            raise ValidationError(errors)
