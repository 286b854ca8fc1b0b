import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db.models import Count, Sum

from crm import reference_data
from crm.models import (
    Departement,
    NafEntry,
    PostalCode,
    Region,
    RegionalUnion,
    RegionalUnionDepartement,
    TerritoryKind,
)
from crm.territories import regional_union_for_departement

pytestmark = pytest.mark.django_db

GEO_DIR = Path(settings.BASE_DIR) / "dashboards" / "static" / "dashboards" / "geo"


def test_territory_counts_match_insee():
    assert Region.objects.count() == 18
    assert Departement.objects.departements().count() == 101
    codes = set(Departement.objects.departements().values_list("code", flat=True))
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= codes
    assert "20" not in codes and "975" not in codes
    assert not codes & {"977", "978"}


def test_saint_barthelemy_and_saint_martin_are_collectivities_of_their_own():
    metadata = reference_data.read_metadata()
    collectivities = Departement.objects.exclude(kind=TerritoryKind.DEPARTEMENT)
    assert {(c.code, c.name, c.region_id) for c in collectivities} == {
        ("977", "Saint-Barthélemy", None),
        ("978", "Saint-Martin", None),
    }
    assert {c.code: c.population for c in collectivities} == {"977": 10660, "978": 31160}
    assert {c.code: c.population for c in collectivities} == {
        code: population for code, population in metadata["collectivities_population"].items()
    }


def test_population_total_matches_the_source():
    metadata = reference_data.read_metadata()
    total = Departement.objects.departements().aggregate(total=Sum("population"))["total"]
    assert total == metadata["population_total"]
    assert Region.objects.aggregate(total=Sum("population"))["total"] == total
    mismatched = [
        region.code
        for region in Region.objects.annotate(sum_departements=Sum("departements__population"))
        if region.sum_departements != region.population
    ]
    assert mismatched == []


@pytest.mark.parametrize(
    ("version", "counts", "metadata_key", "subclass", "chain"),
    [
        ("rev2", {"section": 21, "division": 88, "group": 272, "class": 615, "subclass": 732},
         "naf_counts", "62.01Z", ["62.01Z", "62.01", "62.0", "62", "J"]),
        ("2025", {"section": 22, "division": 87, "group": 287, "class": 651, "subclass": 747},
         "naf2025_counts", "62.10Y", ["62.10Y", "62.10", "62.1", "62", "K"]),
    ],
)  # fmt: skip
def test_naf_trees_are_complete(version, counts, metadata_key, subclass, chain):
    loaded = dict(
        NafEntry.objects.filter(version=version)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    assert loaded == counts == reference_data.read_metadata()[metadata_key]
    entry = NafEntry.objects.get(version=version, code=subclass)
    ancestors = []
    while entry:
        # A parent is always of its child's version, never the same code of the other one.
        assert entry.version == version
        ancestors.append(entry.code)
        entry = entry.parent
    assert ancestors == chain


def test_every_departement_belongs_to_exactly_one_regional_union_today():
    assert RegionalUnion.objects.count() == 9
    per_departement = Counter(
        RegionalUnionDepartement.objects.filter(valid_to__isnull=True).values_list(
            "departement_id", flat=True
        )
    )
    assert len(per_departement) == 103
    assert set(per_departement.values()) == {1}
    assert regional_union_for_departement("35").code == "ouest"
    assert regional_union_for_departement("2A").code == "paca"
    assert regional_union_for_departement("974").code == "idf"
    # The overseas UR (Île-de-France, Centre-Val de Loire and overseas) covers the COMs too.
    assert regional_union_for_departement("977").code == "idf"
    assert regional_union_for_departement("978").code == "idf"


def _snapshot():
    return (
        list(Region.objects.values_list("code", "name", "population")),
        list(Departement.objects.values_list("code", "name", "kind", "region_id", "population")),
        sorted(PostalCode.objects.values_list("code", "departement_id", "communes")),
        list(RegionalUnionDepartement.objects.values_list("regional_union_id", "departement_id")),
        list(NafEntry.objects.values_list("id", "version", "code", "level", "label", "parent_id")),
    )


def test_loading_reference_data_twice_changes_nothing():
    before = _snapshot()
    reference_data.load_territories(django_apps)
    reference_data.load_regional_unions(django_apps)
    reference_data.load_naf(django_apps)
    reference_data.load_naf(django_apps, version="2025", filename=reference_data.NAF2025_FILE)
    assert _snapshot() == before


def test_reload_keeps_an_administrators_change_to_the_ur_map():
    import datetime

    coverage = RegionalUnionDepartement.objects.get(departement_id="44")
    coverage.valid_to = datetime.date(2026, 1, 1)
    coverage.save()
    RegionalUnionDepartement.objects.create(
        regional_union=RegionalUnion.objects.get(code="na"),
        departement_id="44",
        valid_from=datetime.date(2026, 1, 1),
    )
    reference_data.load_regional_unions(django_apps)
    assert RegionalUnionDepartement.objects.filter(departement_id="44").count() == 2
    assert regional_union_for_departement("44", datetime.date(2025, 6, 1)).code == "ouest"
    assert regional_union_for_departement("44", datetime.date(2026, 6, 1)).code == "na"


def _signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


@pytest.mark.parametrize(("filename", "expected"), [("departements", 101), ("regions", 18)])
def test_outlines_cover_every_unit_with_clockwise_rings(filename, expected):
    collection = json.loads((GEO_DIR / f"{filename}.geojson").read_text(encoding="utf-8"))
    # The map has the 101 départements: the overseas collectivities have no outline.
    units = Departement.objects.departements() if filename == "departements" else Region.objects
    assert sorted(f["id"] for f in collection["features"]) == sorted(
        units.values_list("code", flat=True)
    )
    assert len(collection["features"]) == expected
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for polygon in polygons:
            # plotly needs clockwise exterior rings (negative shoelace area in lon/lat).
            assert _signed_area(polygon[0]) < 0, feature["id"]


def test_plotly_world_stub_ships_offline():
    stub = json.loads((GEO_DIR / "world_110m.json").read_text(encoding="utf-8"))
    assert stub == {"type": "Topology", "objects": {}, "arcs": []}


def test_postal_codes_carry_their_communes():
    assert PostalCode.objects.filter(communes=[]).count() == 0
    # 16 codes serve communes of two départements; 5 of them straddle two regional unions.
    spanning = PostalCode.objects.values("code").annotate(n=Count("departement")).filter(n__gt=1)
    assert sorted(row["code"] for row in spanning) == [
        "01200", "01410", "01590", "05110", "05130", "05160", "05700", "06260",
        "13780", "21340", "33220", "37160", "42620", "43450", "48250", "52100",
    ]  # fmt: skip
    assert PostalCode.objects.get(code="01590", departement="39").communes == [
        "Chancia",
        "Lavancia-Epercy",
    ]
    assert PostalCode.objects.get(code="97133").departement_id == "977"
    assert PostalCode.objects.get(code="97150").departement_id == "978"


def test_shipped_naf_files_pass_the_build_checks():
    reference_data.check_naf_files()


def _naf_files(tmp_path, rewrite):
    for name in (
        reference_data.NAF_REV2_FILE,
        reference_data.NAF2025_FILE,
        reference_data.NAF_CORRESPONDENCE_FILE,
    ):
        text = (reference_data.REFERENCE_DIR / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(rewrite(name, text), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "rewrite", "error"),
    [
        # A NAF 2025 sub-class missing: the counts are wrong.
        (reference_data.NAF2025_FILE,
         lambda t: "".join(line for line in t.splitlines(True) if not line.startswith("99.00Y")),
         "NAF counts"),
        # A correspondence link missing: 1,222 links.
        (reference_data.NAF_CORRESPONDENCE_FILE,
         lambda t: t.replace("62.01Z,62.10Y,Unique\n", ""), "1222 correspondence links"),
        # A link to a code that is not a NAF 2025 sub-class (rév. 2 code as target).
        (reference_data.NAF_CORRESPONDENCE_FILE,
         lambda t: t.replace("62.01Z,62.10Y", "62.01Z,62.01Z"), "not NAF 2025 sub-classes"),
        # A rév. 2 sub-class left without a link (its only link retargeted to another source).
        (reference_data.NAF_CORRESPONDENCE_FILE,
         lambda t: t.replace("62.01Z,62.10Y", "62.09Z,62.10Y"), "without a link"),
    ],
)  # fmt: skip
def test_build_checks_fail_loudly(tmp_path, name, rewrite, error):
    directory = _naf_files(tmp_path, lambda n, t: rewrite(t) if n == name else t)
    with pytest.raises(reference_data.ReferenceDataError, match=error):
        reference_data.check_naf_files(directory)
