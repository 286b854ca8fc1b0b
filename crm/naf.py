"""NAF codes with their nomenclature version: which version applies, and is a code valid in it.

The same code string can mean two different things in NAF rév. 2 and NAF 2025 (section
``K`` is finance in rév. 2 and telecoms and computing in 2025; class ``47.91`` is distance
selling in rév. 2 and retail intermediation in 2025), so a code is never looked up, shown or
classified without its version.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm import reference_cache
from crm.identifiers import normalize_naf_code
from crm.models.naf import NafEntry, NafLevel, NafVersion

# Décret 2025-736: NAF 2025 replaces NAF rév. 2 in the company register on this date.
NAF2025_IN_FORCE = datetime.date(2027, 1, 1)


def naf_version_for(on: datetime.date) -> str:
    """The nomenclature in force on a date: the default version of a code given that day."""
    return NafVersion.NAF2025 if on >= NAF2025_IN_FORCE else NafVersion.REV2


def check_version(version: str, *, field: str = "naf_version") -> str:
    """Return the version if it is a known nomenclature, else refuse naming the field."""
    if version not in NafVersion.values:
        raise ValidationError(
            {
                field: _(
                    "Unknown NAF nomenclature version “%(version)s”: expected one of %(expected)s."
                )
                % {"version": version, "expected": ", ".join(NafVersion.values)}
            },
            code="naf_version_unknown",
        )
    return version


def naf_subclass_versions(code: str) -> frozenset[str]:
    """The nomenclature versions in which ``code`` (dotted) is a sub-class (cached)."""
    return reference_cache.cached(
        ("naf_subclass", code),
        lambda: frozenset(
            NafEntry.objects.filter(code=code, level=NafLevel.SUBCLASS).values_list(
                "version", flat=True
            )
        ),
    )


def validate_naf_code(
    value: str, version: str, *, field: str = "naf_code", version_field: str = "naf_version"
) -> str:
    """The dotted sub-class code if ``value`` is one of ``version``, else a French refusal.

    The one check for a NAF code typed or received with its version (organisations, the
    intake, the partner API). Errors are keyed by ``field`` (or ``version_field`` for an
    unknown version); a code of the other nomenclature is named as such, so that a partner
    who sent a rév. 2 code as NAF 2025 knows what to fix.
    """
    check_version(version, field=version_field)
    try:
        code = normalize_naf_code(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}, code="naf_format") from error
    versions = naf_subclass_versions(code)
    if version in versions:
        return code
    message = _("The NAF code “%(code)s” does not exist in %(version)s.") % {
        "code": code,
        "version": NafVersion(version).label,
    }
    others = sorted(versions - {version})
    if others:
        message = "{} {}".format(
            message,
            _("It is a code of %(other)s: check the nomenclature version.")
            % {"other": NafVersion(others[0]).label},
        )
    raise ValidationError({field: [message]}, code="naf_unknown")
