"""Where things are: postal code → département → regional union, on a given date."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.identifiers import departement_code_by_rule, normalize_postal_code
from crm.models.territory import (
    Departement,
    PostalCode,
    RegionalUnion,
    RegionalUnionDepartement,
)
from crm.periods import in_force_on


def resolve_departement_code(postal_code: str, candidates) -> str | None:
    """Pick the département of a postal code among the table's candidates.

    A few postal codes span two départements (05110 → 04 and 05); the one the numbering rule
    names wins, so the answer is stable and explainable. Without candidates, the rule alone.
    """
    candidates = sorted(candidates)
    by_rule = departement_code_by_rule(postal_code)
    if not candidates:
        return by_rule
    return by_rule if by_rule in candidates else candidates[0]


def departement_for_postal_code(value: str) -> Departement:
    """The département of a postal code: the postal-code table first, the numbering rule after."""
    postal_code = normalize_postal_code(value)
    candidates = PostalCode.objects.filter(code=postal_code).values_list(
        "departement_id", flat=True
    )
    code = resolve_departement_code(postal_code, candidates)
    departement = Departement.objects.filter(code=code).first() if code else None
    if departement is None:
        raise ValidationError(
            _("The postal code “%(value)s” does not belong to any French département."),
            code="postal_code_unknown",
            params={"value": value},
        )
    return departement


def coverage_on(on: datetime.date) -> Q:
    """Filter on ``RegionalUnionDepartement`` rows in force on a date."""
    return in_force_on(on, start="valid_from", end="valid_to")


def regional_union_for_departement(
    departement_code: str, on: datetime.date | None = None
) -> RegionalUnion | None:
    """The regional union covering a département on a date (today by default)."""
    on = on or timezone.localdate()
    covering = _coverage_rows(on).filter(departement_id=departement_code)
    return RegionalUnion.objects.filter(pk__in=covering.values("regional_union_id")).first()


def departement_codes_of(regional_union_id: int, on: datetime.date | None = None):
    """A subquery of the département codes a regional union covers on a date."""
    on = on or timezone.localdate()
    return _coverage_rows(on).filter(regional_union_id=regional_union_id).values("departement_id")


def _coverage_rows(on: datetime.date):
    return RegionalUnionDepartement.objects.filter(coverage_on(on))
