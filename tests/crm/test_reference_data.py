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
)
from crm.territories import regional_union_for_departement

pytestmark = pytest.mark.django_db

GEO_DIR = Path(settings.BASE_DIR) / "dashboards" / "static" / "dashboards" / "geo"


def test_territory_counts_match_insee():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    codes = set(Departement.objects.values_list("code", flat=True))
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= codes
    assert "20" not in codes and "975" not in codes


def test_population_total_matches_the_source():
    metadata = reference_data.read_metadata()
    total = Departement.objects.aggregate(total=Sum("population"))["total"]
    assert total == metadata["population_total"]
    assert Region.objects.aggregate(total=Sum("population"))["total"] == total
    mismatched = [
        region.code
        for region in Region.objects.annotate(sum_departements=Sum("departements__population"))
        if region.sum_departements != region.population
    ]
    assert mismatched == []


def test_naf_tree_is_complete():
    counts = dict(
        NafEntry.objects.filter(version="rev2")
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    assert counts == {"section": 21, "division": 88, "group": 272, "class": 615, "subclass": 732}
    subclass = NafEntry.objects.get(version="rev2", code="62.01Z")
    chain = []
    entry = subclass
    while entry:
        chain.append(entry.code)
        entry = entry.parent
    assert chain == ["62.01Z", "62.01", "62.0", "62", "J"]


def test_every_departement_belongs_to_exactly_one_regional_union_today():
    assert RegionalUnion.objects.count() == 9
    per_departement = Counter(
        RegionalUnionDepartement.objects.filter(valid_to__isnull=True).values_list(
            "departement_id", flat=True
        )
    )
    assert len(per_departement) == 101
    assert set(per_departement.values()) == {1}
    assert regional_union_for_departement("35").code == "ouest"
    assert regional_union_for_departement("2A").code == "paca"
    assert regional_union_for_departement("974").code == "idf"


def _snapshot():
    return (
        list(Region.objects.values_list("code", "name", "population")),
        list(Departement.objects.values_list("code", "name", "region_id", "population")),
        sorted(PostalCode.objects.values_list("code", "departement_id")),
        list(RegionalUnionDepartement.objects.values_list("regional_union_id", "departement_id")),
        list(NafEntry.objects.values_list("id", "version", "code", "level", "label", "parent_id")),
    )


def test_loading_reference_data_twice_changes_nothing():
    before = _snapshot()
    reference_data.load_territories(django_apps)
    reference_data.load_regional_unions(django_apps)
    reference_data.load_naf(django_apps)
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
    model = Departement if filename == "departements" else Region
    assert sorted(f["id"] for f in collection["features"]) == sorted(
        model.objects.values_list("code", flat=True)
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
