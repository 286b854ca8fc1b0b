"""Load the committed reference files (crm/reference_data/) into the database.

Called by data migrations with the historical ``apps`` registry, and safe to run again:
rows are matched on their natural keys and updated, so loading twice changes nothing.
The files are rebuilt by ``scripts/build_reference_data.py``; SOURCES.md says from what.
"""

import csv
import datetime
import json
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_data"
# The regional-union map starts on this date; later changes are dated rows in the admin.
UR_MAP_START = datetime.date(2000, 1, 1)
NAF_LEVEL_ORDER = ["section", "division", "group", "class", "subclass"]


def read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_metadata() -> dict:
    return json.loads((REFERENCE_DIR / "metadata.json").read_text(encoding="utf-8"))


def load_territories(apps) -> None:
    Region = apps.get_model("crm", "Region")
    Departement = apps.get_model("crm", "Departement")
    PostalCode = apps.get_model("crm", "PostalCode")
    for row in read_csv("regions.csv"):
        Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "population": int(row["population"])}
        )
    for row in read_csv("departements.csv"):
        Departement.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "region_id": row["region_code"],
                "population": int(row["population"]),
            },
        )
    existing = set(PostalCode.objects.values_list("code", "departement_id"))
    PostalCode.objects.bulk_create(
        PostalCode(code=row["postal_code"], departement_id=row["departement_code"])
        for row in read_csv("postal_codes.csv")
        if (row["postal_code"], row["departement_code"]) not in existing
    )


def load_regional_unions(apps) -> None:
    RegionalUnion = apps.get_model("crm", "RegionalUnion")
    Coverage = apps.get_model("crm", "RegionalUnionDepartement")
    for row in read_csv("regional_unions.csv"):
        union, _ = RegionalUnion.objects.get_or_create(
            code=row["ur_code"].lower(), defaults={"name": row["ur_name"]}
        )
        # Only the initial map is loaded here: once a département has any coverage row,
        # the admin owns it and a reload must not undo an administrator's change.
        if not Coverage.objects.filter(departement_id=row["departement_code"]).exists():
            Coverage.objects.create(
                regional_union=union,
                departement_id=row["departement_code"],
                valid_from=UR_MAP_START,
            )


def load_naf(apps, *, version: str = "rev2", filename: str = "naf_rev2.csv") -> None:
    NafEntry = apps.get_model("crm", "NafEntry")
    rows = read_csv(filename)
    rows.sort(key=lambda row: NAF_LEVEL_ORDER.index(row["level"]))
    ids = dict(NafEntry.objects.filter(version=version).values_list("code", "pk"))
    for row in rows:
        entry, _ = NafEntry.objects.update_or_create(
            version=version,
            code=row["code"],
            defaults={
                "level": row["level"],
                "label": row["label"],
                "parent_id": ids[row["parent_code"]] if row["parent_code"] else None,
            },
        )
        ids[row["code"]] = entry.pk
