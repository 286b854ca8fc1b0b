"""The cooperative's members by category: how many, the capital and the votes they hold.

Entered on the case while it is structured (``services.member_category_set``), checked
against the law at ``start_closing`` and ``incorporate`` (``legal.membership_refusals``),
and kept on the cooperative's organisation once it is registered (``cooperative``).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.constraints import FieldCheckConstraint
from crm.models import Organisation
from transmission.choices import MemberCategory
from transmission.models.case import Case


class Membership(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("case")
    )
    # Set at incorporation: the legal person whose members these are (docs/legal-model.md).
    cooperative = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("cooperative"),
    )
    category = models.CharField(_("category"), max_length=20, choices=MemberCategory.choices)
    members = models.PositiveIntegerField(_("number of members"))
    capital = models.DecimalField(
        _("capital held (€)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    # A number of votes: one per member in a Scop, a college's weight in a Scic that has them.
    votes = models.DecimalField(_("votes held"), max_digits=9, decimal_places=2)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    territory_ur_path = "case__regional_union"

    class Meta:
        verbose_name = _("members of a category")
        verbose_name_plural = _("members and capital")
        ordering = ["case_id", "category"]
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="membership_category_once"),
            FieldCheckConstraint(
                field="members",
                condition=Q(members__gte=1),
                name="membership_members_at_least_one",
                violation_error_message=_("A category has at least one member."),
            ),
            FieldCheckConstraint(
                field="capital",
                condition=Q(capital__gte=0),
                name="membership_capital_not_negative",
                violation_error_message=_("The capital held cannot be negative."),
            ),
            FieldCheckConstraint(
                field="votes",
                condition=Q(votes__gte=0),
                name="membership_votes_not_negative",
                violation_error_message=_("The votes held cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.members})"
