"""Rebuild the materialised mapping NAF sub-class → filières.

Takes an app registry so that data migrations (historical models) and services (live
models) share the one implementation. Rows come from:

- each filière's prefixes, expanded over the sub-classes of the prefix's version;
- for NAF 2025, the rév. 2 rows carried through the correspondence table: a NAF 2025
  sub-class belongs to every filière one of its rév. 2 antecedents belongs to, unless the
  filière has NAF 2025 prefixes of its own, which then define it alone in that version (a
  many-to-many link would otherwise drag in a code the filière excludes, e.g. 42.99Z → 68.12Y
  brings property development back into construction).

The whole table is rewritten (a dozen filières × at most ~750 sub-classes per version is a
few thousand rows): simple, and always consistent. Callers run it inside their transaction.
"""

from collections import defaultdict

PREFIX = "prefix"
CORRESPONDENCE = "correspondence"
REV2 = "rev2"
NAF2025 = "2025"


def _section_letter(prefix: str) -> bool:
    return len(prefix) == 1 and prefix.isalpha()


def subclasses_by_version(apps) -> dict[str, list[tuple[str, str | None]]]:
    """Every sub-class code with its section letter, per nomenclature version (2 queries)."""
    NafEntry = apps.get_model("crm", "NafEntry")
    section_of_division = {
        (version, code): section
        for version, code, section in NafEntry.objects.filter(level="division").values_list(
            "version", "code", "parent__code"
        )
    }
    result: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for version, code in (
        NafEntry.objects.filter(level="subclass").order_by("code").values_list("version", "code")
    ):
        result[version].append((code, section_of_division.get((version, code[:2]))))
    return result


def rebuild(apps) -> int:
    """Rewrite FiliereNafCode from prefixes and correspondences; return the row count."""
    FilierePrefix = apps.get_model("filieres", "FilierePrefix")
    FiliereNafCode = apps.get_model("filieres", "FiliereNafCode")
    NafCorrespondence = apps.get_model("filieres", "NafCorrespondence")

    subclasses = subclasses_by_version(apps)
    pairs: dict[tuple[int, str, str], str] = {}
    for filiere_id, version, prefix in FilierePrefix.objects.values_list(
        "filiere_id", "naf_version", "code"
    ):
        for code, section in subclasses.get(version, []):
            covered = prefix == section if _section_letter(prefix) else code.startswith(prefix)
            if covered:
                pairs[(filiere_id, version, code)] = PREFIX

    own_2025 = set(
        FilierePrefix.objects.filter(naf_version=NAF2025).values_list("filiere_id", flat=True)
    )
    rev2_filieres: dict[str, set[int]] = defaultdict(set)
    for filiere_id, version, code in pairs:
        if version == REV2 and filiere_id not in own_2025:
            rev2_filieres[code].add(filiere_id)
    for rev2_code, naf2025_code in NafCorrespondence.objects.values_list(
        "rev2_code", "naf2025_code"
    ):
        for filiere_id in rev2_filieres.get(rev2_code, ()):
            pairs.setdefault((filiere_id, NAF2025, naf2025_code), CORRESPONDENCE)

    FiliereNafCode.objects.all().delete()
    FiliereNafCode.objects.bulk_create(
        [
            FiliereNafCode(filiere_id=filiere_id, naf_version=version, naf_code=code, source=src)
            for (filiere_id, version, code), src in sorted(pairs.items())
        ],
        batch_size=2000,
    )
    return len(pairs)
