"""French company identifiers and codes: SIREN, SIRET, NAF, postal codes.

Pure functions, no database: they normalise what people type and raise ``ValidationError``
with a French message naming the field. Territory lookups that need the postal-code table
live in ``crm.territories``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's SIRETs do not follow Luhn: INSEE validates them by digit sum modulo 5 —
# except the head office's, which was numbered before the exception and keeps its Luhn key.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"

_NAF_SUBCLASS = re.compile(r"^([0-9]{2})\.?([0-9]{2})([A-Z])$")
_OVERSEAS_DEPARTEMENTS = frozenset({"971", "972", "973", "974", "976"})
# Corsica shares the "20" prefix: 20000–20199 is Corse-du-Sud, 20200 and above Haute-Corse.
_CORSICA_SPLIT = 20200


def strip_spaces(value: str) -> str:
    """Remove every kind of space people paste into identifiers (incl. non-breaking)."""
    return re.sub(r"\s+", "", value or "")


# A dot or a hyphen between two digits: "123.456.782", "123-456-782".
_DIGIT_GROUP_SEPARATOR = re.compile(r"(?<=\d)[.\-](?=\d)")
# Only ASCII digits: ``\d`` alone also takes other scripts' digits ("٧٣٢٨٢٩٣٢٠"), which would
# pass Luhn and defeat the uniqueness of the stored identifier.
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def compact_identifier(value: str) -> str:
    """A SIREN or SIRET as people type it, without spaces and digit-group separators."""
    return _DIGIT_GROUP_SEPARATOR.sub("", strip_spaces(value))


def _digits_of_length(value: str, length: int) -> bool:
    return len(value) == length and _ASCII_DIGITS.fullmatch(value) is not None


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial + digit`` Luhn-valid (used to build demo SIRENs)."""
    for digit in "0123456789":
        if luhn_valid(partial + digit):
            return digit
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def normalize_siren(value: str) -> str:
    """The SIREN as nine ASCII digits, or a ``ValidationError`` saying what is wrong."""
    siren = compact_identifier(value)
    if not _digits_of_length(siren, 9):
        raise ValidationError(
            _("The SIREN “%(value)s” must have exactly 9 digits from 0 to 9."),
            code="siren_format",
            params={"value": value},
        )
    # 000000000 passes Luhn but INSEE never assigns it.
    if not luhn_valid(siren) or not siren.strip("0"):
        raise ValidationError(
            _("The SIREN “%(value)s” is invalid: its check digit is wrong."),
            code="siren_checksum",
            params={"value": value},
        )
    return siren


def normalize_siret(value: str) -> str:
    siret = compact_identifier(value)
    if not _digits_of_length(siret, 14):
        raise ValidationError(
            _("The SIRET “%(value)s” must have exactly 14 digits from 0 to 9."),
            code="siret_format",
            params={"value": value},
        )
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE_SIRET:
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_valid(siret)
    if not valid or not siret.strip("0"):
        raise ValidationError(
            _("The SIRET “%(value)s” is invalid: its check digit is wrong."),
            code="siret_checksum",
            params={"value": value},
        )
    return siret


def vat_number(siren: str) -> str:
    """Intra-community VAT number derived from a SIREN."""
    siren = normalize_siren(siren)
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def normalize_naf_code(value: str) -> str:
    """Return a NAF rév. 2 / NAF 2025 sub-class code in dotted form (``6201Z`` → ``62.01Z``)."""
    code = strip_spaces(value).upper()
    match = _NAF_SUBCLASS.fullmatch(code)
    if not match:
        raise ValidationError(
            _("The NAF code “%(value)s” is not a sub-class code such as 62.01Z."),
            code="naf_format",
            params={"value": value},
        )
    return f"{match[1]}.{match[2]}{match[3]}"


def normalize_postal_code(value: str) -> str:
    code = strip_spaces(value)
    if not _digits_of_length(code, 5):
        raise ValidationError(
            _("The postal code “%(value)s” must have exactly 5 digits."),
            code="postal_code_format",
            params={"value": value},
        )
    return code


def departement_code_by_rule(postal_code: str) -> str | None:
    """The département a postal code belongs to by La Poste's numbering rule, or None.

    Used when the postal-code table does not know the code. Corsica and overseas are the
    exceptions to "first two digits"; 975, 977, 978 and 98x are not départements.
    """
    prefix = postal_code[:2]
    if prefix == "20":
        return "2A" if int(postal_code) < _CORSICA_SPLIT else "2B"
    if prefix == "97":
        return postal_code[:3] if postal_code[:3] in _OVERSEAS_DEPARTEMENTS else None
    if "01" <= prefix <= "95":
        return prefix
    return None
