"""Sectors (filières): NAF prefixes, the materialised NAF → filière mapping, regional priorities.

A filière is a named set of NAF prefixes at any level of the nomenclature (section ``F``,
division ``43``, group ``43.2``, class ``43.22``, sub-class ``43.22A``). Classifying an
organisation never walks prefixes at run time: ``FiliereNafCode`` holds one row per
(filière, nomenclature version, sub-class), rebuilt by ``filieres.services`` whenever a
filière, its prefixes or the NAF rév. 2 → NAF 2025 correspondence change, so classifying
any number of organisations is a join on ``(naf_version, naf_code)``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.models import NafVersion, Region, RegionalUnion


class Filiere(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FilierePrefix(models.Model):
    """One NAF prefix of a filière, stored normalised (dotted) in its nomenclature version."""

    filiere = models.ForeignKey(
        Filiere, on_delete=models.CASCADE, related_name="prefixes", verbose_name=_("sector")
    )
    naf_version = models.CharField(
        _("NAF version"), max_length=8, choices=NafVersion.choices, default=NafVersion.REV2
    )
    code = models.CharField(_("NAF prefix"), max_length=8)

    class Meta:
        verbose_name = _("NAF prefix")
        verbose_name_plural = _("NAF prefixes")
        ordering = ["filiere", "naf_version", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["filiere", "naf_version", "code"], name="filiere_prefix_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.filiere} ⊃ {self.code} ({self.naf_version})"


class FiliereNafCode(models.Model):
    """Materialised mapping: a NAF sub-class belongs to a filière (rebuilt, never edited)."""

    class Source(models.TextChoices):
        PREFIX = "prefix", _("prefix of the sector")
        CORRESPONDENCE = "correspondence", _("NAF rév. 2 → NAF 2025 correspondence")

    filiere = models.ForeignKey(Filiere, on_delete=models.CASCADE, related_name="naf_codes")
    naf_version = models.CharField(_("NAF version"), max_length=8, choices=NafVersion.choices)
    naf_code = models.CharField(_("NAF code"), max_length=6)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)

    class Meta:
        verbose_name = _("sub-class of a sector")
        verbose_name_plural = _("sub-classes of sectors")
        constraints = [
            models.UniqueConstraint(
                fields=["naf_version", "naf_code", "filiere"], name="filiere_naf_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.naf_code} ({self.naf_version}) → {self.filiere_id}"


class NafCorrespondence(models.Model):
    """One link of INSEE's NAF rév. 2 → NAF 2025 table (a code may split or merge)."""

    rev2_code = models.CharField(_("NAF rév. 2 code"), max_length=6)
    naf2025_code = models.CharField(_("NAF 2025 code"), max_length=6)

    class Meta:
        verbose_name = _("NAF rév. 2 → NAF 2025 correspondence")
        verbose_name_plural = _("NAF rév. 2 → NAF 2025 correspondences")
        ordering = ["rev2_code", "naf2025_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["rev2_code", "naf2025_code"], name="naf_correspondence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rev2_code} → {self.naf2025_code}"


class RegionalPriority(models.Model):
    """A regional union or a région designates a filière as a priority over [start, end).

    Exactly one of ``regional_union`` and ``region`` is set. ``end`` is excluded and may be
    empty (still in force). Periods of the same (territory, filière) never overlap: the
    check runs in ``filieres.services`` under a lock on the filière (see there).
    """

    filiere = models.ForeignKey(
        Filiere, on_delete=models.PROTECT, related_name="priorities", verbose_name=_("sector")
    )
    regional_union = models.ForeignKey(
        RegionalUnion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="priority_filieres",
        verbose_name=_("regional union"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="priority_filieres",
        verbose_name=_("région"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end (excluded)"), null=True, blank=True)
    rationale = models.TextField(_("rationale"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    # Scoping (crm.scoping): a UR's staff see their UR's designations and those of the
    # régions it covers; a Bretagne designation is not ARA's.
    territory_ur_path = "regional_union"
    territory_region_path = "region"

    class Meta:
        verbose_name = _("regional priority")
        verbose_name_plural = _("regional priorities")
        ordering = ["-start", "filiere"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(regional_union__isnull=False) & Q(region__isnull=True))
                | (Q(regional_union__isnull=True) & Q(region__isnull=False)),
                name="regional_priority_one_territory",
                violation_error_message=_("Choose either a regional union or a région, not both."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="regional_priority_valid_period",
                violation_error_message=_("The end date must be after the start date."),
            ),
        ]
        indexes = [models.Index(fields=["filiere", "start"])]

    def __str__(self) -> str:
        territory = self.regional_union or self.region
        return f"{self.filiere} – {territory} ({self.start} → {self.end or '…'})"

    def overlapping(self) -> models.QuerySet:
        """Other designations of the same filière and territory whose period meets this one."""
        others = RegionalPriority.objects.filter(
            filiere_id=self.filiere_id,
            regional_union_id=self.regional_union_id,
            region_id=self.region_id,
        ).exclude(pk=self.pk)
        others = others.filter(Q(end__isnull=True) | Q(end__gt=self.start))
        if self.end:
            others = others.filter(start__lt=self.end)
        return others

    def clean(self) -> None:
        if not self.filiere_id or not self.start or (self.end and self.end <= self.start):
            return
        if not (self.regional_union_id or self.region_id):
            return
        clash = self.overlapping().order_by("start").first()
        if clash:
            start = date_format(clash.start, "SHORT_DATE_FORMAT")
            if clash.end:
                message = _(
                    "This sector is already a priority of this territory from %(start)s "
                    "to %(end)s: periods of the same territory and sector may not overlap."
                ) % {"start": start, "end": date_format(clash.end, "SHORT_DATE_FORMAT")}
            else:
                message = _(
                    "This sector is already a priority of this territory since %(start)s, "
                    "with no end date: periods of the same territory and sector may not "
                    "overlap."
                ) % {"start": start}
            raise ValidationError({"start": message})
