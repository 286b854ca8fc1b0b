"""Follow-up of cooperatives after incorporation: the record and its annual reviews.

One ``CooperativeFollowUp`` per cooperative ``Organisation``. Whether the cooperative is
active or ceased, and since when, stays on ``Organisation.cooperative_ceased_on`` (one place);
the follow-up keeps the cause. Writes go through ``followup.services``.

Rules on one row are ``FieldCheckConstraint``s: the database enforces them and
``full_clean`` reports each under the field it is about, in the user's language.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.constraints import FieldCheckConstraint
from crm.models import Organisation


class CeaseCause(models.TextChoices):
    LIQUIDATION = "liquidation", _("court-ordered liquidation")
    DISSOLUTION = "dissolution", _("voluntary dissolution")
    LOSS_OF_STATUS = "loss_of_status", _("left the cooperative status")
    SALE = "sale", _("sold to a non-cooperative company")
    MERGER = "merger", _("merged into another cooperative")
    OTHER = "other", _("other cause")


# Statutory révision coopérative: every five years at most (loi 47-1775, art. 25-1; for Scop
# art. 54 bis of the 1978 law, for Scic art. 19 duodecies: whatever their size). Statutes may
# set a shorter interval. See followup/revision.py for the early triggers.
REVISION_MAX_INTERVAL_YEARS = 5


class CooperativeFollowUp(models.Model):
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="follow_up",
        verbose_name=_("cooperative"),
    )
    # The incorporated case the cooperative was born from (its origin: the case's kind).
    case = models.OneToOneField(
        "transmission.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up",
        verbose_name=_("case of origin"),
    )
    cease_cause = models.CharField(
        _("cause of cessation"), max_length=20, choices=CeaseCause.choices, blank=True
    )
    confederation_member = models.BooleanField(_("member of the confederation"), default=False)
    confederation_member_since = models.DateField(
        _("member of the confederation since"), null=True, blank=True
    )
    ur_member = models.BooleanField(_("member of the regional union"), default=False)
    ur_member_since = models.DateField(
        _("member of the regional union since"), null=True, blank=True
    )
    revision_interval_years = models.PositiveSmallIntegerField(
        _("révision interval (years)"),
        default=REVISION_MAX_INTERVAL_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(REVISION_MAX_INTERVAL_YEARS)],
        help_text=_("Five years by law; the statutes may set a shorter interval."),
    )
    last_revision_on = models.DateField(_("last révision coopérative on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    territory_departement_path = "organisation__departement"

    class Meta:
        verbose_name = _("cooperative follow-up")
        verbose_name_plural = _("cooperative follow-ups")
        ordering = ["organisation__name"]
        constraints = [
            FieldCheckConstraint(
                field="revision_interval_years",
                condition=Q(revision_interval_years__gte=1)
                & Q(revision_interval_years__lte=REVISION_MAX_INTERVAL_YEARS),
                name="followup_revision_interval_1_5",
                violation_error_message=_("The révision interval must be between 1 and 5 years."),
            ),
            FieldCheckConstraint(
                field="confederation_member_since",
                condition=Q(confederation_member=True) | Q(confederation_member_since__isnull=True),
                name="followup_confederation_since_needs_member",
                violation_error_message=_(
                    "A membership date of the confederation needs the membership itself."
                ),
            ),
            FieldCheckConstraint(
                field="ur_member_since",
                condition=Q(ur_member=True) | Q(ur_member_since__isnull=True),
                name="followup_ur_since_needs_member",
                violation_error_message=_(
                    "A membership date of the regional union needs the membership itself."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def ceased_on(self):
        return self.organisation.cooperative_ceased_on

    @property
    def is_active(self) -> bool:
        return self.organisation.cooperative_ceased_on is None

    @property
    def incorporation_year(self) -> int | None:
        since = self.organisation.cooperative_since
        return since.year if since else None


def _share(name: str) -> models.DecimalField:
    return models.DecimalField(
        SHARE_FIELDS[name][0],
        max_digits=5,
        decimal_places=2,
        null=name not in REQUIRED_SHARES,
        blank=name not in REQUIRED_SHARES,
        # The range is the check constraint's (one rule, its message names the field).
    )


REQUIRED_SHARES = {"employee_capital_share", "employee_vote_share"}
# field: (label, message when outside 0–100). Messages go through the constraint's
# ``% {"name": ...}``: a literal percent sign is written "%%".
SHARE_FIELDS = {
    "employee_capital_share": (
        _("share of capital held by employees (%)"),
        _("The share of capital held by employees must be between 0 and 100 %%."),
    ),
    "employee_vote_share": (
        _("share of votes held by employees (%)"),
        _("The share of votes held by employees must be between 0 and 100 %%."),
    ),
    "result_to_employees": (
        _("result allocated to employees (%)"),
        _("The share of the result allocated to employees must be between 0 and 100 %%."),
    ),
    "result_to_dividends": (
        _("result allocated to dividends (%)"),
        _("The share of the result allocated to dividends must be between 0 and 100 %%."),
    ),
    "result_to_reserves": (
        _("result allocated to reserves (%)"),
        _("The share of the result allocated to reserves must be between 0 and 100 %%."),
    ),
    "general_meeting_turnout": (
        _("general-meeting turnout (%)"),
        _("The general-meeting turnout must be between 0 and 100 %%."),
    ),
    "staff_turnover": (
        _("staff turnover (%)"),
        _("The staff turnover must be between 0 and 100 %%."),
    ),
}
ALLOCATION_FIELDS = ("result_to_employees", "result_to_dividends", "result_to_reserves")


def _share_constraints() -> list[FieldCheckConstraint]:
    constraints = []
    for name, (_label, message) in SHARE_FIELDS.items():
        in_range = Q(**{f"{name}__gte": 0}) & Q(**{f"{name}__lte": 100})
        if name not in REQUIRED_SHARES:
            in_range |= Q(**{f"{name}__isnull": True})
        constraints.append(
            FieldCheckConstraint(
                field=name,
                condition=in_range,
                name=f"annualreview_{name}_0_100",
                violation_error_message=message,
            )
        )
    return constraints


class AnnualReview(models.Model):
    """What a cooperative reports for one financial year (money in euros, shares in %)."""

    follow_up = models.ForeignKey(
        CooperativeFollowUp,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("cooperative follow-up"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    jobs = models.PositiveIntegerField(_("jobs"))
    members = models.PositiveIntegerField(_("members"))
    employee_members = models.PositiveIntegerField(_("employee members"))
    employee_capital_share = _share("employee_capital_share")
    employee_vote_share = _share("employee_vote_share")
    share_capital = models.DecimalField(
        _("share capital (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        # Not negative: the check constraint's rule (one rule, its message names the field).
    )
    turnover = models.DecimalField(_("turnover (€)"), max_digits=14, decimal_places=2)
    result = models.DecimalField(_("net result (€)"), max_digits=14, decimal_places=2)
    result_to_employees = _share("result_to_employees")
    result_to_dividends = _share("result_to_dividends")
    result_to_reserves = _share("result_to_reserves")
    general_meeting_turnout = _share("general_meeting_turnout")
    women_members = models.PositiveIntegerField(_("women among members"), null=True, blank=True)
    board_members = models.PositiveIntegerField(_("board members"), null=True, blank=True)
    women_on_board = models.PositiveIntegerField(_("women on the board"), null=True, blank=True)
    training_hours = models.PositiveIntegerField(_("training hours"), null=True, blank=True)
    staff_turnover = _share("staff_turnover")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    territory_departement_path = "follow_up__organisation__departement"

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        ordering = ["follow_up", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "year"],
                name="annualreview_one_per_year",
                violation_error_message=_("This cooperative already has a review for that year."),
            ),
            *_share_constraints(),
            FieldCheckConstraint(
                field="result_to_reserves",
                # Shares of the result, all given and summing to 100 %, or none (no profit).
                condition=(
                    Q(result_to_employees__isnull=True)
                    & Q(result_to_dividends__isnull=True)
                    & Q(result_to_reserves__isnull=True)
                )
                | (
                    Q(result__gt=0)
                    & Exact(
                        F("result_to_employees")
                        + F("result_to_dividends")
                        + F("result_to_reserves"),
                        100,
                    )
                ),
                name="annualreview_allocation_sums_to_100",
                violation_error_message=_(
                    "The allocation of the result (employees, dividends, reserves) must be "
                    "given in full and sum to 100 %%, and only for a profit."
                ),
            ),
            FieldCheckConstraint(
                field="share_capital",
                condition=Q(share_capital__isnull=True) | Q(share_capital__gte=0),
                name="annualreview_share_capital_not_negative",
                violation_error_message=_("The share capital cannot be negative."),
            ),
            FieldCheckConstraint(
                field="turnover",
                condition=Q(turnover__gte=0),
                name="annualreview_turnover_not_negative",
                violation_error_message=_("The turnover cannot be negative."),
            ),
            FieldCheckConstraint(
                field="employee_members",
                condition=Q(employee_members__lte=F("members"))
                & Q(employee_members__lte=F("jobs")),
                name="annualreview_employee_members_bounded",
                violation_error_message=_(
                    "Employee members cannot outnumber the members or the jobs."
                ),
            ),
            FieldCheckConstraint(
                field="women_members",
                condition=Q(women_members__isnull=True) | Q(women_members__lte=F("members")),
                name="annualreview_women_members_bounded",
                violation_error_message=_("Women among members cannot outnumber the members."),
            ),
            FieldCheckConstraint(
                field="women_on_board",
                condition=Q(women_on_board__isnull=True)
                | Q(board_members__isnull=False, women_on_board__lte=F("board_members")),
                name="annualreview_women_on_board_bounded",
                violation_error_message=_(
                    "Women on the board need the board's size and cannot outnumber it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follow_up} — {self.year}"

    def clean(self) -> None:
        # Across tables (the check constraints cannot see the organisation).
        if self.follow_up_id and self.year:
            organisation = self.follow_up.organisation
            since = organisation.cooperative_since
            if since and self.year < since.year:
                raise ValidationError(
                    {
                        "year": _(
                            "The year of a review cannot be before the year of "
                            "incorporation (%(year)s)."
                        )
                        % {"year": since.year}
                    }
                )
            ceased = organisation.cooperative_ceased_on
            if ceased and self.year > ceased.year:
                raise ValidationError(
                    {
                        "year": _(
                            "The year of a review cannot be after the cooperative ceased "
                            "(%(year)s)."
                        )
                        % {"year": ceased.year}
                    }
                )
            if self.year > timezone.localdate().year:
                raise ValidationError({"year": _("The year of a review cannot be in the future.")})
