"""Territories: régions, départements, postal codes and the regional unions covering them."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("INSEE code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    population = models.PositiveIntegerField(_("legal population"))

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TerritoryKind(models.TextChoices):
    DEPARTEMENT = "departement", _("département")
    OVERSEAS_COLLECTIVITY = "com", _("overseas collectivity")


class DepartementQuerySet(models.QuerySet):
    def departements(self):
        """The 101 départements proper (the map, the per-département counts), without the
        overseas collectivities that are carried as territories of their own."""
        return self.filter(kind=TerritoryKind.DEPARTEMENT)


class Departement(models.Model):
    """A département, or an overseas collectivity carried like one (Saint-Barthélemy 977,
    Saint-Martin 978): postal codes resolve to it and a regional union covers it, but it has
    no région and no outline on the map, so ``kind`` tells the two apart."""

    code = models.CharField(_("INSEE code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind of territory"),
        max_length=12,
        choices=TerritoryKind.choices,
        default=TerritoryKind.DEPARTEMENT,
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="departements",
        verbose_name=_("région"),
        null=True,
        blank=True,
    )
    population = models.PositiveIntegerField(_("legal population"))

    objects = DepartementQuerySet.as_manager()

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class PostalCode(models.Model):
    """One (postal code, département) pair from La Poste's table: a code may span two.

    ``communes`` lists the names of the communes the code serves in that département, so
    that a code spanning two départements is resolved by the commune people give.
    """

    code = models.CharField(_("postal code"), max_length=5, db_index=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.CASCADE, related_name="postal_codes"
    )
    communes = models.JSONField(_("communes"), default=list, blank=True)

    class Meta:
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")
        constraints = [
            models.UniqueConstraint(fields=["code", "departement"], name="postal_code_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.departement_id}"


class RegionalUnion(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("regional union")
        verbose_name_plural = _("regional unions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegionalUnionDepartement(models.Model):
    """A regional union covers a département from ``valid_from`` until ``valid_to`` (excluded).

    Dated so that a change of the map keeps past cases and dashboards in their old territory.
    """

    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.CASCADE,
        related_name="departements",
        verbose_name=_("regional union"),
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="regional_unions",
        verbose_name=_("département"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until (excluded)"), null=True, blank=True)

    class Meta:
        verbose_name = _("département covered by a regional union")
        verbose_name_plural = _("départements covered by regional unions")
        ordering = ["departement_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="ur_departement_valid_period",
                violation_error_message=_("The end date must be after the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.regional_union} ⊃ {self.departement_id}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.departement_id or not self.valid_from:
            return
        overlapping = RegionalUnionDepartement.objects.filter(
            departement_id=self.departement_id
        ).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from))
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lt=self.valid_to)
        if overlapping.exists():
            raise ValidationError(
                {
                    "valid_from": _(
                        "This département is already covered by a regional union over this "
                        "period: end the current coverage first."
                    )
                }
            )
