"""Load the committed reference files (crm/reference_data/) into the database, and check them.

Called by data migrations with the historical ``apps`` registry, and safe to run again:
rows are matched on their natural keys and updated, so loading twice changes nothing.
A migration written before a field existed runs these loaders against a model without that
field: the loaders only write the fields the model they are given has.

The files are rebuilt by ``scripts/build_reference_data.py``; SOURCES.md says from what. The
``check_*`` functions hold the expected shape of the files: the build script refuses to
write files that fail them and the test suite runs them on the committed files. They use
the standard library only, so the build script can import them without Django.
"""

import csv
import datetime
import json
from collections import defaultdict
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_data"
# The regional-union map starts on this date; later changes are dated rows in the admin.
UR_MAP_START = datetime.date(2000, 1, 1)
NAF_LEVEL_ORDER = ["section", "division", "group", "class", "subclass"]

NAF_REV2_FILE = "naf_rev2.csv"
NAF2025_FILE = "naf2025.csv"
NAF_CORRESPONDENCE_FILE = "naf_rev2_to_2025.csv"
NAF_REV2_COUNTS = {"section": 21, "division": 88, "group": 272, "class": 615, "subclass": 732}
NAF2025_COUNTS = {"section": 22, "division": 87, "group": 287, "class": 651, "subclass": 747}
# INSEE's table, January 2026 edition: 1,223 links covering every rév. 2 sub-class.
NAF_CORRESPONDENCE_LINKS = 1223

DEPARTEMENT = "departement"
OVERSEAS_COLLECTIVITY = "com"
DEPARTEMENT_COUNT = 101
OVERSEAS_COLLECTIVITIES = ("977", "978")


class ReferenceDataError(ValueError):
    """A reference file does not have the shape its source promises."""


def read_csv(name: str, directory: Path = REFERENCE_DIR) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_metadata() -> dict:
    return json.loads((REFERENCE_DIR / "metadata.json").read_text(encoding="utf-8"))


def _field_names(model) -> set[str]:
    return {field.name for field in model._meta.get_fields()}


# ---------------------------------------------------------------------------- checks


def check_naf_counts(rows: list[dict[str, str]], expected: dict[str, int]) -> dict[str, int]:
    """Entries per level, refused unless they are ``expected`` and every parent exists."""
    counts = {level: 0 for level in NAF_LEVEL_ORDER}
    codes = set()
    for row in rows:
        if row["level"] not in counts:
            raise ReferenceDataError(f"unknown NAF level {row['level']!r} for {row['code']}")
        counts[row["level"]] += 1
        codes.add(row["code"])
    if len(codes) != len(rows):
        raise ReferenceDataError("duplicate NAF codes")
    if counts != expected:
        raise ReferenceDataError(f"NAF counts {counts}, expected {expected}")
    orphans = [r["code"] for r in rows if r["parent_code"] and r["parent_code"] not in codes]
    if orphans:
        raise ReferenceDataError(f"NAF entries with an unknown parent: {orphans[:10]}")
    return counts


def check_naf_correspondence(
    links: list[dict[str, str]], rev2_subclasses: set[str], naf2025_subclasses: set[str]
) -> None:
    """Refuse a rév. 2 → 2025 table that is not INSEE's complete one."""
    pairs = [(link["naf_rev2"], link["naf_2025"]) for link in links]
    if len(pairs) != NAF_CORRESPONDENCE_LINKS:
        raise ReferenceDataError(
            f"{len(pairs)} correspondence links, expected {NAF_CORRESPONDENCE_LINKS}"
        )
    if len(set(pairs)) != len(pairs):
        raise ReferenceDataError("duplicate correspondence links")
    sources = {source for source, _target in pairs}
    unknown_sources = sorted(sources - rev2_subclasses)
    uncovered = sorted(rev2_subclasses - sources)
    unknown_targets = sorted({target for _source, target in pairs} - naf2025_subclasses)
    if unknown_sources:
        raise ReferenceDataError(f"not NAF rév. 2 sub-classes: {unknown_sources[:10]}")
    if uncovered:
        raise ReferenceDataError(f"NAF rév. 2 sub-classes without a link: {uncovered[:10]}")
    if unknown_targets:
        raise ReferenceDataError(f"not NAF 2025 sub-classes: {unknown_targets[:10]}")


def check_naf_files(directory: Path = REFERENCE_DIR) -> None:
    """Run the NAF checks on the files of ``directory`` (the committed ones by default)."""
    rev2 = read_csv(NAF_REV2_FILE, directory)
    naf2025 = read_csv(NAF2025_FILE, directory)
    check_naf_counts(rev2, NAF_REV2_COUNTS)
    check_naf_counts(naf2025, NAF2025_COUNTS)
    check_naf_correspondence(
        read_csv(NAF_CORRESPONDENCE_FILE, directory),
        {row["code"] for row in rev2 if row["level"] == "subclass"},
        {row["code"] for row in naf2025 if row["level"] == "subclass"},
    )


# ---------------------------------------------------------------------------- territories


def load_territories(apps) -> None:
    Region = apps.get_model("crm", "Region")
    Departement = apps.get_model("crm", "Departement")
    PostalCode = apps.get_model("crm", "PostalCode")
    for row in read_csv("regions.csv"):
        Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "population": int(row["population"])}
        )
    carries_collectivities = "kind" in _field_names(Departement)
    for row in read_csv("departements.csv"):
        if row["kind"] != DEPARTEMENT and not carries_collectivities:
            continue
        defaults = {
            "name": row["name"],
            "region_id": row["region_code"] or None,
            "population": int(row["population"]),
        }
        if carries_collectivities:
            defaults["kind"] = row["kind"]
        Departement.objects.update_or_create(code=row["code"], defaults=defaults)
    _load_postal_codes(PostalCode, set(Departement.objects.values_list("code", flat=True)))


def _load_postal_codes(PostalCode, departement_codes: set[str]) -> None:
    if "communes" not in _field_names(PostalCode):
        # A postal code is only useful with its communes (a code spanning two départements
        # is resolved by them): a model without them waits for the migration that adds them.
        return
    communes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in read_csv("postal_codes.csv"):
        if row["departement_code"] in departement_codes:
            communes[(row["postal_code"], row["departement_code"])].append(row["commune_name"])
    existing = {
        (code, departement): (pk, names)
        for pk, code, departement, names in PostalCode.objects.values_list(
            "pk", "code", "departement_id", "communes"
        )
    }
    new, changed = [], []
    for (code, departement), names in sorted(communes.items()):
        names = sorted(set(names))
        if (code, departement) not in existing:
            new.append(PostalCode(code=code, departement_id=departement, communes=names))
        elif existing[(code, departement)][1] != names:
            changed.append(PostalCode(pk=existing[(code, departement)][0], communes=names))
    PostalCode.objects.bulk_create(new, batch_size=2000)
    if changed:
        PostalCode.objects.bulk_update(changed, ["communes"], batch_size=2000)


def load_regional_unions(apps) -> None:
    RegionalUnion = apps.get_model("crm", "RegionalUnion")
    Coverage = apps.get_model("crm", "RegionalUnionDepartement")
    Departement = apps.get_model("crm", "Departement")
    loaded = set(Departement.objects.values_list("code", flat=True))
    covered = set(Coverage.objects.values_list("departement_id", flat=True))
    for row in read_csv("regional_unions.csv"):
        union, _ = RegionalUnion.objects.get_or_create(
            code=row["ur_code"].lower(), defaults={"name": row["ur_name"]}
        )
        # Only the initial map is loaded here: once a département has any coverage row,
        # the admin owns it and a reload must not undo an administrator's change. A
        # territory this migration's model cannot hold yet is left for a later one.
        if row["departement_code"] in loaded and row["departement_code"] not in covered:
            Coverage.objects.create(
                regional_union=union,
                departement_id=row["departement_code"],
                valid_from=UR_MAP_START,
            )


# ---------------------------------------------------------------------------- NAF


def load_naf(apps, *, version: str = "rev2", filename: str = NAF_REV2_FILE) -> tuple[int, int]:
    """Load one nomenclature file; returns (created, updated)."""
    rows = read_csv(filename)
    return save_naf_entries(
        apps,
        version=version,
        entries=[(r["code"], r["level"], r["label"], r["parent_code"]) for r in rows],
    )


def save_naf_entries(apps, *, version: str, entries) -> tuple[int, int]:
    """Create or update ``(code, level, label, parent_code)`` entries of one version.

    The one writer of ``NafEntry``: the data migrations and the ``load_naf_nomenclature``
    command (through ``filieres.services``) both go through it. Entries must be valid
    (every parent in the file or already loaded). Works level by level with bulk queries,
    because migrations load ~1,800 entries per version into every test database.
    Returns (created, updated); unchanged entries are not written.
    """
    NafEntry = apps.get_model("crm", "NafEntry")
    by_level: dict[str, list] = defaultdict(list)
    for code, level, label, parent in entries:
        by_level[level].append((code, label, parent or None))
    existing = {
        code: (pk, level, label, parent_id)
        for pk, code, level, label, parent_id in NafEntry.objects.filter(
            version=version
        ).values_list("pk", "code", "level", "label", "parent_id")
    }
    ids = {code: values[0] for code, values in existing.items()}
    created = updated = 0
    for level in NAF_LEVEL_ORDER:
        new, changed = [], []
        for code, label, parent in by_level.get(level, []):
            parent_id = ids[parent] if parent else None
            if code not in existing:
                new.append(
                    NafEntry(
                        version=version, code=code, level=level, label=label, parent_id=parent_id
                    )
                )
            elif existing[code][1:] != (level, label, parent_id):
                changed.append(
                    NafEntry(pk=existing[code][0], level=level, label=label, parent_id=parent_id)
                )
        NafEntry.objects.bulk_create(new, batch_size=1000)
        if changed:
            NafEntry.objects.bulk_update(changed, ["level", "label", "parent"], batch_size=1000)
        if new:
            # Parents of the next level need the new rows' ids (not every backend returns them).
            ids.update(
                NafEntry.objects.filter(
                    version=version, code__in=[entry.code for entry in new]
                ).values_list("code", "pk")
            )
        created += len(new)
        updated += len(changed)
    return created, updated
