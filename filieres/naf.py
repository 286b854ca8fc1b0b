"""NAF prefixes and nomenclature versions: parse what people type, check it against crm.NafEntry.

A prefix may be given at any level and with or without dots: ``F``, ``43``, ``43.2``,
``4322``, ``43.22A``, ``4322A``. It is stored dotted, the way ``crm.NafEntry`` stores codes,
and must name an existing entry of the chosen nomenclature version.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.identifiers import strip_spaces
from crm.models import NafEntry, NafVersion
from crm.naf import check_version

_SECTION = re.compile(r"^[A-Z]$")
_NUMERIC = re.compile(r"^(\d{2})(\d{1,2})?([A-Z])?$")
# "F; 43.22, 62.01Z" – people separate prefixes with semicolons, commas or spaces.
_SEPARATORS = re.compile(r"[;,\s]+")


def normalize_prefix(value: str) -> str | None:
    """The dotted form of a prefix (``4322a`` → ``43.22A``), or None if it cannot be one."""
    code = strip_spaces(value).upper()
    if _SECTION.fullmatch(code):
        return code
    match = _NUMERIC.fullmatch(code.replace(".", ""))
    if not match:
        return None
    division, rest, letter = match.groups()
    if letter and (rest is None or len(rest) != 2):
        return None
    return division + (f".{rest}" if rest else "") + (letter or "")


def split_prefixes(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(text or "") if part]


def parse_prefixes(
    values: str | Iterable[str], *, version: str, field: str = "prefixes"
) -> list[str]:
    """Normalise and check prefixes against the nomenclature; one error names them all.

    Returns the sorted, de-duplicated dotted codes. Raises ``ValidationError`` keyed by
    ``field`` listing every prefix that is malformed or matches no NAF code.
    """
    check_version(version, field=field)
    if isinstance(values, str):
        values = split_prefixes(values)
    normalized: dict[str, str] = {}
    malformed = []
    for value in values:
        code = normalize_prefix(value)
        if code is None:
            malformed.append(value)
        else:
            normalized[code] = value
    known = set(
        NafEntry.objects.filter(version=version, code__in=normalized).values_list("code", flat=True)
    )
    unknown = [value for code, value in normalized.items() if code not in known]
    messages = []
    if malformed:
        messages.append(
            _(
                "“%(values)s” is not a NAF prefix: use a section letter (F), a division "
                "(43), a group (43.2), a class (43.22) or a sub-class (43.22A)."
            )
            % {"values": "”, “".join(malformed)}
        )
    if unknown:
        messages.append(
            _("The NAF prefix “%(values)s” matches no code of %(version)s.")
            % {"values": "”, “".join(unknown), "version": NafVersion(version).label}
        )
    if messages:
        raise ValidationError({field: messages}, code="naf_prefix_invalid")
    return sorted(normalized)


def prefix_matches(prefix: str, subclass_code: str, section: str | None) -> bool:
    """Whether a dotted prefix covers a dotted sub-class code whose section is ``section``."""
    if _SECTION.fullmatch(prefix):
        return prefix == section
    return subclass_code.startswith(prefix)


def save_correspondence(apps, *, links: Iterable[tuple[str, str]], replace: bool = False):
    """Add the missing rév. 2 → 2025 links (dotted codes, already checked); returns
    (created, unchanged, deleted).

    The one writer of ``NafCorrespondence``: the data migration that ships INSEE's table and
    the ``load_naf_correspondence`` command both use it. ``replace`` also deletes the links
    absent from ``links``. The caller rebuilds the NAF → filière mapping afterwards.
    """
    NafCorrespondence = apps.get_model("filieres", "NafCorrespondence")
    wanted = list(dict.fromkeys(links))
    existing = set(NafCorrespondence.objects.values_list("rev2_code", "naf2025_code"))
    new = [pair for pair in wanted if pair not in existing]
    NafCorrespondence.objects.bulk_create(
        [NafCorrespondence(rev2_code=source, naf2025_code=target) for source, target in new],
        batch_size=1000,
    )
    deleted = 0
    if replace:
        for source, target in existing - set(wanted):
            NafCorrespondence.objects.filter(rev2_code=source, naf2025_code=target).delete()
            deleted += 1
    return len(new), len(wanted) - len(new), deleted
