"""Issue 10 §7: national filières sharper than whole NAF sections, in both NAF versions."""

import pytest

from filieres.models import FiliereNafCode

pytestmark = pytest.mark.django_db


def _filieres(code: str, version: str = "rev2") -> set[str]:
    return set(
        FiliereNafCode.objects.filter(naf_version=version, naf_code=code).values_list(
            "filiere__slug", flat=True
        )
    )


@pytest.mark.parametrize("code", ["41.10A", "41.10B", "41.10C", "41.10D"])
def test_property_developers_are_not_energy_renovation(code):
    assert "construction-renovation-energetique" not in _filieres(code)


@pytest.mark.parametrize("code", ["41.20A", "43.29A", "43.22B", "42.11Z"])
def test_builders_and_trades_stay_in_construction(code):
    assert "construction-renovation-energetique" in _filieres(code)


@pytest.mark.parametrize("code", ["19.20Z", "12.00Z", "18.12Z", "20.14Z"])
def test_relocation_is_not_every_manufacturer(code):
    assert "industrie-relocalisation" not in _filieres(code)


@pytest.mark.parametrize("code", ["13.20Z", "25.62A", "28.22Z", "31.09B"])
def test_relocation_keeps_the_manufacturing_that_relocates(code):
    assert "industrie-relocalisation" in _filieres(code)


def test_households_as_employers_are_not_health_and_social():
    assert _filieres("97.00Z") == set()
    assert _filieres("97.00Y", "2025") == set()
    assert "sante-social-services-personne" in _filieres("88.10A")


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        ("35.14Z", "energies-renouvelables"),
        ("39.00Z", "economie-circulaire"),
        ("81.30Z", "proprete-espaces-verts"),
        ("81.21Z", "proprete-espaces-verts"),
        ("81.29A", "proprete-espaces-verts"),
        ("49.10Z", "mobilites"),
        ("49.20Z", "mobilites"),
    ],
)
def test_missing_codes_belong_to_their_filiere(code, slug):
    assert slug in _filieres(code)


@pytest.mark.parametrize(
    ("code", "slug", "absent"),
    [
        ("68.12Y", None, "construction-renovation-energetique"),  # rév. 2 41.10 → promotion
        ("41.00G", "construction-renovation-energetique", None),
        ("35.15H", "energies-renouvelables", None),  # rév. 2 35.14Z, commerce d'électricité
        ("39.00Y", "economie-circulaire", None),
        ("81.30Y", "proprete-espaces-verts", None),
        ("49.11Y", "mobilites", None),
        ("49.20Y", "mobilites", None),
        ("19.20Y", None, "industrie-relocalisation"),
    ],
)
def test_naf2025_follows_through_the_correspondence(code, slug, absent):
    found = _filieres(code, "2025")
    if slug:
        assert slug in found
    if absent:
        assert absent not in found


def test_a_code_with_two_meanings_is_read_in_its_own_version():
    # 35.14: commerce d'électricité in rév. 2 (renewable suppliers), distribution in NAF 2025.
    assert "energies-renouvelables" in _filieres("35.14Z")
    assert "energies-renouvelables" not in _filieres("35.14Y", "2025")


def test_naf2025_prefixes_of_its_own_replace_the_correspondence_for_that_filiere():
    # 42.99Z (rév. 2, in construction) leads to 68.12Y among others; construction's own
    # NAF 2025 prefixes keep it out, while 41.00G, a construction code, stays in.
    assert ("2025", "41.00G", "prefix") in set(
        FiliereNafCode.objects.filter(
            filiere__slug="construction-renovation-energetique", naf_version="2025"
        ).values_list("naf_version", "naf_code", "source")
    )
    assert not FiliereNafCode.objects.filter(
        filiere__slug="construction-renovation-energetique", source="correspondence"
    ).exists()


def test_the_sharpening_leaves_a_filiere_an_administrator_edited():
    from django.apps import apps

    from filieres import seed_data
    from filieres.models import Filiere, FilierePrefix

    health = Filiere.objects.get(slug="sante-social-services-personne")
    FilierePrefix.objects.filter(filiere=health).delete()
    FilierePrefix.objects.create(filiere=health, naf_version="rev2", code="97")
    industry = Filiere.objects.get(slug="industrie-relocalisation")
    FilierePrefix.objects.filter(filiere=industry).delete()
    FilierePrefix.objects.create(filiere=industry, naf_version="rev2", code="C")
    seed_data.sharpen_national_filieres(apps)
    assert list(health.prefixes.values_list("code", flat=True)) == ["97"]
    assert "industrie-relocalisation" not in _filieres("19.20Z")
    assert "industrie-relocalisation" in _filieres("13.20Z")
