"""Writes in filieres: filière definitions, the NAF mapping, priorities, NAF 2025 data.

Every service is keyword-only and atomic. Anything that changes which sub-classes a filière
covers (prefixes, deletion, correspondence table, NAF nomenclature) rebuilds the
materialised mapping inside the same transaction, so a rolled-back write (an import's dry
run included) leaves the mapping as it was.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from crm import reference_data, scoping
from crm.actors import is_system
from crm.identifiers import normalize_naf_code
from crm.models import NafEntry, NafLevel, NafVersion, Region, RegionalUnion
from crm.reference_data import NAF_LEVEL_ORDER
from crm.roles import Role
from filieres import mapping, naf
from filieres.models import (
    Filiere,
    FilierePrefix,
    RegionalPriority,
)

# Any constant key: serialises mapping rebuilds on PostgreSQL (delete-all + insert would
# otherwise collide on the unique constraint when two run at once).
_MAPPING_LOCK_KEY = 5_050_001


class _DryRunRollback(Exception):
    pass


# ---------------------------------------------------------------------------- mapping


@transaction.atomic
def naf_mapping_rebuild() -> int:
    """Rewrite the NAF sub-class → filière table; returns its row count."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MAPPING_LOCK_KEY])
    return mapping.rebuild(django_apps)


# ---------------------------------------------------------------------------- filières


def _prefix_rows(prefixes: dict[str, str | Iterable[str]]) -> list[tuple[str, str]]:
    """Validate ``{version: prefixes}``; every bad field is reported at once."""
    errors: dict[str, list] = {}
    rows = []
    for version, values in prefixes.items():
        try:
            naf.check_version(version, field="prefixes")
            codes = naf.parse_prefixes(values, version=version, field=_prefix_field(version))
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        rows.extend((version, code) for code in codes)
    if errors:
        raise ValidationError(errors)
    return rows


def _prefix_field(version: str) -> str:
    return "prefixes" if version == NafVersion.REV2 else f"prefixes_{version}"


def _set_prefixes(filiere: Filiere, rows: list[tuple[str, str]], versions: Iterable[str]) -> None:
    FilierePrefix.objects.filter(filiere=filiere, naf_version__in=list(versions)).delete()
    FilierePrefix.objects.bulk_create(
        FilierePrefix(filiere=filiere, naf_version=version, code=code) for version, code in rows
    )


def may_manage_filieres(user) -> bool:
    """The national list of filières is the administrators' (and Relève's own loads)."""
    if is_system(user):
        return True
    return bool(
        user is not None
        and user.is_active
        and (user.is_superuser or scoping.user_role(user) == Role.ADMINISTRATOR)
    )


def _check_manager(by) -> None:
    if not may_manage_filieres(by):
        raise PermissionDenied(_("Only an administrator may change the national sectors."))


@transaction.atomic
def filiere_create(
    *,
    by,
    name: str,
    slug: str,
    description: str = "",
    prefixes: str | Iterable[str] = (),
    prefixes_2025: str | Iterable[str] = (),
) -> Filiere:
    """Create a filière with its rév. 2 (and optionally NAF 2025) prefixes, then the mapping."""
    _check_manager(by)
    filiere = Filiere(name=name, slug=slug, description=description)
    errors = {}
    try:
        filiere.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    try:
        rows = _prefix_rows({NafVersion.REV2: prefixes, NafVersion.NAF2025: prefixes_2025})
    except ValidationError as error:
        errors = {**errors, **error.message_dict}
    if errors:
        raise ValidationError(errors)
    filiere.save()
    _set_prefixes(filiere, rows, NafVersion.values)
    naf_mapping_rebuild()
    return filiere


@transaction.atomic
def filiere_update(
    *,
    filiere: Filiere,
    by,
    prefixes: str | Iterable[str] | None = None,
    prefixes_2025: str | Iterable[str] | None = None,
    **fields,
) -> Filiere:
    """Change name/slug/description and, when given, replace a version's prefixes."""
    _check_manager(by)
    filiere = Filiere.objects.select_for_update().get(pk=filiere.pk)
    for name, value in fields.items():
        setattr(filiere, name, value)
    errors = {}
    try:
        filiere.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    given = {
        version: values
        for version, values in ((NafVersion.REV2, prefixes), (NafVersion.NAF2025, prefixes_2025))
        if values is not None
    }
    try:
        rows = _prefix_rows(given)
    except ValidationError as error:
        errors = {**errors, **error.message_dict}
    if errors:
        raise ValidationError(errors)
    filiere.save()
    if given:
        _set_prefixes(filiere, rows, given)
        naf_mapping_rebuild()
    return filiere


@transaction.atomic
def filiere_delete(*, filiere: Filiere, by) -> None:
    """Delete a filière (refused while priorities reference it) and rebuild the mapping."""
    _check_manager(by)
    filiere = Filiere.objects.select_for_update().get(pk=filiere.pk)
    if filiere.priorities.exists():
        raise ValidationError(
            _(
                "The sector “%(name)s” has regional priorities: it cannot be deleted while "
                "they exist."
            )
            % {"name": filiere.name}
        )
    filiere.delete()
    naf_mapping_rebuild()


# ---------------------------------------------------------------------------- priorities


def can_designate(user, *, regional_union_id: int | None) -> bool:
    """Administrators designate for any UR or région; a director for their own UR only.

    ``user`` is required: ``SYSTEM`` for Relève's own writes (seed_demo); None is refused.
    """
    if is_system(user):
        return True
    if user is None or not user.is_active:
        return False
    if user.is_superuser or scoping.user_role(user) == Role.ADMINISTRATOR:
        return True
    if regional_union_id is None:
        return False
    profile = scoping.staff_profile(user)
    return (
        profile is not None
        and profile.role == Role.DIRECTOR
        and profile.regional_union_id == regional_union_id
    )


def _check_designation(priority: RegionalPriority, by) -> None:
    if not can_designate(by, regional_union_id=priority.regional_union_id):
        raise PermissionDenied(
            _("You may only designate priority sectors for your own regional union.")
        )


@transaction.atomic
def priority_designate(
    *,
    filiere: Filiere,
    start: datetime.date,
    rationale: str,
    regional_union: RegionalUnion | None = None,
    region: Region | None = None,
    end: datetime.date | None = None,
    by,
) -> RegionalPriority:
    """Designate a filière as a priority of a UR or a région over [start, end).

    Overlap is checked under a row lock on the filière: two concurrent designations of the
    same filière are serialised, so the check cannot be raced (works on SQLite and
    PostgreSQL alike, rather than a PostgreSQL-only exclusion constraint).
    """
    Filiere.objects.select_for_update().get(pk=filiere.pk)
    priority = RegionalPriority(
        filiere=filiere,
        regional_union=regional_union,
        region=region,
        start=start,
        end=end,
        rationale=rationale,
    )
    _check_designation(priority, by)
    priority.full_clean()
    priority.save()
    return priority


@transaction.atomic
def priority_update(*, priority: RegionalPriority, by, **fields) -> RegionalPriority:
    """Change a designation (typically its end date); both old and new territory are checked."""
    priority = RegionalPriority.objects.select_for_update().get(pk=priority.pk)
    _check_designation(priority, by)
    for name, value in fields.items():
        setattr(priority, name, value)
    Filiere.objects.select_for_update().get(pk=priority.filiere_id)
    _check_designation(priority, by)
    priority.full_clean()
    priority.save()
    return priority


# ---------------------------------------------------------------------------- NAF 2025


@dataclass
class LoadReport:
    """What a file load did (or would do, in a dry run), with errors by line number."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _run_load(loader, rows, dry_run: bool) -> LoadReport:
    """Run ``loader`` in a transaction; roll back on any row error or in a dry run."""
    report = LoadReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            loader(rows, report)
            if report.errors or dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def naf_nomenclature_load(
    *, version: str, rows: Iterable[dict[str, str]], dry_run: bool = False
) -> LoadReport:
    """Load a NAF nomenclature into crm.NafEntry (``code,level,label,parent_code`` rows).

    Same format as ``crm/reference_data/naf_rev2.csv``. Idempotent (matched on code);
    all-or-nothing: one bad row and nothing is written. Then the mapping is rebuilt.
    """
    naf.check_version(version, field="version")

    def load(rows, report):
        rows = list(enumerate(rows, start=2))  # line 1 is the header
        ids = dict(NafEntry.objects.filter(version=version).values_list("code", "pk"))
        parsed = []
        for line, row in rows:
            code = (row.get("code") or "").strip()
            level = (row.get("level") or "").strip()
            label = " ".join((row.get("label") or "").split())
            parent = (row.get("parent_code") or "").strip()
            if level not in NAF_LEVEL_ORDER:
                report.errors.append((line, _("Unknown level “%(level)s”.") % {"level": level}))
            elif not code or not label:
                report.errors.append((line, _("A code and a label are required.")))
            elif (level == NafLevel.SECTION) != (not parent):
                report.errors.append(
                    (line, _("“%(code)s”: only a section has no parent code.") % {"code": code})
                )
            else:
                parsed.append((line, code, level, label, parent))
        parsed.sort(key=lambda item: NAF_LEVEL_ORDER.index(item[2]))
        known = set(ids) | {code for _line, code, *_rest in parsed}
        for line, _code, _level, _label, parent in parsed:
            if parent and parent not in known:
                report.errors.append(
                    (line, _("Unknown parent code “%(parent)s”.") % {"parent": parent})
                )
        if report.errors:
            return
        entries = [(code, level, label, parent) for _line, code, level, label, parent in parsed]
        report.created, report.updated = reference_data.save_naf_entries(
            django_apps, version=version, entries=entries
        )
        report.unchanged = len(entries) - report.created - report.updated
        naf_mapping_rebuild()

    return _run_load(load, rows, dry_run)


def naf_correspondence_load(
    *, rows: Iterable[dict[str, str]], dry_run: bool = False, replace: bool = False
) -> LoadReport:
    """Load NAF rév. 2 → NAF 2025 links (``naf_rev2,naf_2025`` rows, dotted or not).

    Both codes must be sub-classes known to crm.NafEntry in their version (load the NAF 2025
    nomenclature first). ``replace`` drops the links absent from the file. All-or-nothing;
    the mapping is rebuilt so that NAF 2025 organisations are classified.
    """

    def load(rows, report):
        known = {
            version: set(
                NafEntry.objects.filter(version=version, level=NafLevel.SUBCLASS).values_list(
                    "code", flat=True
                )
            )
            for version in NafVersion.values
        }
        links = []
        for line, row in enumerate(rows, start=2):
            codes = []
            for column, version in (
                ("naf_rev2", NafVersion.REV2),
                ("naf_2025", NafVersion.NAF2025),
            ):
                value = (row.get(column) or "").strip()
                try:
                    code = normalize_naf_code(value)
                except ValidationError as error:
                    report.errors.append((line, f"{column}: {error.messages[0]}"))
                    continue
                if code not in known[version]:
                    report.errors.append(
                        (
                            line,
                            _("%(column)s: the code “%(code)s” does not exist in %(version)s.")
                            % {
                                "column": column,
                                "code": code,
                                "version": NafVersion(version).label,
                            },
                        )
                    )
                    continue
                codes.append(code)
            if len(codes) == 2:
                links.append(tuple(codes))
        if report.errors:
            return
        report.created, report.unchanged, report.deleted = naf.save_correspondence(
            django_apps, links=links, replace=replace
        )
        naf_mapping_rebuild()

    return _run_load(load, rows, dry_run)
