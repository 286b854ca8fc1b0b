"""Where things are: postal code → département → regional union, on a given date."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm import reference_cache
from crm.identifiers import normalize_postal_code
from crm.models.territory import (
    Departement,
    PostalCode,
    RegionalUnion,
    RegionalUnionDepartement,
)
from crm.periods import in_force_on


def commune_key(name: str) -> str:
    """A commune name reduced for comparison: case, accents, hyphens, apostrophes and the
    "St"/"Ste" abbreviations do not matter, nor a trailing "Cedex" and its number."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    if "cedex" in words:
        words = words[: words.index("cedex")]
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def departement_for(postal_code: str, city: str | None = None) -> Departement:
    """The département (or overseas collectivity) of an address, from La Poste's table.

    A code the table does not have is refused (the numbering rule would accept 01999, which
    serves nobody). A code serving one département needs no commune. A code serving communes
    of two départements is resolved by ``city``; without a city, or with a commune it does
    not serve, it is refused with the communes to choose from. Errors are keyed by the field
    to correct: ``postal_code`` (unknown code) or ``city`` (missing or not served).
    """
    try:
        code = normalize_postal_code(postal_code)
    except ValidationError as error:
        raise ValidationError({"postal_code": error}) from error
    rows = reference_cache.cached(("postal_code", code), lambda: _postal_code_rows(code))
    if not rows:
        raise _field_error(
            "postal_code",
            _("The postal code “%(value)s” does not belong to any French département."),
            "postal_code_unknown",
            value=postal_code,
        )
    candidates = {departement for departement, _communes in rows}
    if len(candidates) == 1:
        return departement_by_code(candidates.pop())
    return departement_by_code(_departement_of_commune(code, rows, city))


def _postal_code_rows(code: str) -> list[tuple[str, list[str]]]:
    return list(PostalCode.objects.filter(code=code).values_list("departement_id", "communes"))


def departement_by_code(code: str) -> Departement:
    """A département from the reference cache (``Departement.DoesNotExist`` if unknown)."""
    departement = reference_cache.cached(
        ("departement", code), lambda: Departement.objects.filter(code=code).first()
    )
    if departement is None:
        raise Departement.DoesNotExist(code)
    return departement


def _departement_of_commune(code: str, rows, city: str | None) -> str:
    choices = ", ".join(
        f"{name} ({departement})" for departement, names in sorted(rows) for name in names
    )
    if not (city or "").strip():
        # The code is right; what is missing is the commune.
        raise _field_error(
            "city",
            _(
                "The postal code “%(code)s” serves communes of several départements: "
                "give the commune (%(choices)s)."
            ),
            "postal_code_ambiguous",
            code=code,
            choices=choices,
        )
    wanted = commune_key(city)
    matches = {
        departement
        for departement, names in rows
        if any(commune_key(name) == wanted for name in names)
    }
    if len(matches) == 1:
        return matches.pop()
    # No guess by the numbering rule here: 5 of these codes cross a regional-union border,
    # and a wrong guess would hand the case to another UR.
    raise _field_error(
        "city",
        _(
            "The commune “%(city)s” does not tell which département the postal code "
            "“%(code)s” is in: choose one of %(choices)s."
        ),
        "city_ambiguous",
        city=city,
        code=code,
        choices=choices,
    )


def _field_error(field: str, message, error_code: str, **params) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=error_code, params=params)})


def departement_for_postal_code(value: str, city: str | None = None) -> Departement:
    """Former name of ``departement_for``, kept for its callers."""
    return departement_for(value, city)


def coverage_on(on: datetime.date) -> Q:
    """Filter on ``RegionalUnionDepartement`` rows in force on a date."""
    return in_force_on(on, start="valid_from", end="valid_to")


def regional_union_for_departement(
    departement_code: str, on: datetime.date | None = None
) -> RegionalUnion | None:
    """The regional union covering a département on a date (today by default)."""
    on = on or timezone.localdate()

    def load():
        covering = _coverage_rows(on).filter(departement_id=departement_code)
        return RegionalUnion.objects.filter(pk__in=covering.values("regional_union_id")).first()

    return reference_cache.cached(("regional_union_of", departement_code, on), load)


def departement_codes_of(regional_union_id: int, on: datetime.date | None = None):
    """A subquery of the département codes a regional union covers on a date."""
    on = on or timezone.localdate()
    return _coverage_rows(on).filter(regional_union_id=regional_union_id).values("departement_id")


def region_codes_of(regional_union_id: int, on: datetime.date | None = None):
    """A subquery of the région codes a regional union covers (some of) on a date."""
    return Departement.objects.filter(code__in=departement_codes_of(regional_union_id, on)).values(
        "region_id"
    )


def _coverage_rows(on: datetime.date):
    return RegionalUnionDepartement.objects.filter(coverage_on(on))
