"""Prefix parsing, the materialised mapping, and classification through it."""

import pytest
from django.core.exceptions import ValidationError

from crm.actors import SYSTEM
from crm.models import Organisation
from filieres import naf, selectors, services
from filieres.models import Filiere, FiliereNafCode, FilierePrefix
from filieres.seed_data import NATIONAL_FILIERES
from tests.factories import OrganisationFactory
from tests.filieres.factories import filiere, organisations

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("F", "F"),
        ("f", "F"),
        ("43", "43"),
        ("43.2", "43.2"),
        ("432", "43.2"),
        ("43.22", "43.22"),
        ("4322", "43.22"),
        ("43.22A", "43.22A"),
        ("4322a", "43.22A"),
        (" 43.22 A ", "43.22A"),
        ("4", None),
        ("43.2A", None),
        ("FF", None),
        ("43.221", None),
    ],
)
def test_prefixes_are_normalised_at_every_level(typed, stored):
    assert naf.normalize_prefix(typed) == stored


def test_parse_prefixes_accepts_separators_and_deduplicates():
    assert naf.parse_prefixes("F; 4322A,43.22A 62", version="rev2") == ["43.22A", "62", "F"]


def test_a_prefix_matching_no_naf_code_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as error:
        naf.parse_prefixes("43.95;62.01Z;4x", version="rev2")
    messages = error.value.message_dict["prefixes"]
    assert any("43.95" in m and "ne correspond à aucun code" in m for m in messages)
    assert any("4x" in m for m in messages)


def test_an_unknown_nomenclature_version_is_refused():
    with pytest.raises(ValidationError) as error:
        naf.parse_prefixes("F", version="rev3")
    assert "rev3" in " ".join(error.value.messages)
    assert "inconnue" in " ".join(error.value.messages)


def test_service_refuses_unknown_prefix_and_writes_nothing():
    before = Filiere.objects.count()
    with pytest.raises(ValidationError) as error:
        filiere("bad", prefixes="F;99.99Z")
    assert "prefixes" in error.value.message_dict
    assert Filiere.objects.count() == before


def _codes(f):
    return set(
        FiliereNafCode.objects.filter(filiere=f, naf_version="rev2").values_list(
            "naf_code", flat=True
        )
    )


@pytest.mark.parametrize(
    ("prefix", "inside", "outside"),
    [
        ("F", {"41.10A", "43.22A", "43.99E"}, {"62.01Z", "35.11Z"}),
        ("43", {"43.11Z", "43.22A", "43.99E"}, {"41.10A", "42.11Z"}),
        ("43.2", {"43.21A", "43.22A", "43.29B"}, {"43.31Z", "43.11Z"}),
        ("43.22", {"43.22A", "43.22B"}, {"43.21A", "43.29A"}),
        ("43.22A", {"43.22A"}, {"43.22B"}),
    ],
)
def test_prefix_matching_at_every_level(prefix, inside, outside):
    f = filiere("test-level", prefixes=prefix)
    codes = _codes(f)
    assert inside <= codes
    assert not (outside & codes)
    for organisation in organisations(sorted(inside | outside)):
        expected = organisation.naf_code in inside
        assert (f in selectors.filieres_of_organisation(organisation)) is expected


def test_a_section_covers_all_its_sub_classes_only():
    f = filiere("test-section", prefixes="F")
    assert len(_codes(f)) > 30
    assert all(code[:2] in {"41", "42", "43"} for code in _codes(f))


def test_a_sub_class_may_belong_to_several_filieres():
    building = filiere("test-batiment", prefixes="F")
    energy = filiere("test-energie", prefixes="35.11Z;43.22B")
    plumber = OrganisationFactory(naf_code="43.22B")
    assert set(selectors.filieres_of_organisation(plumber)) >= {building, energy}
    assert set(selectors.organisations_in_filiere(energy)) == {plumber}
    assert set(selectors.organisations_in_filiere("test-batiment")) == {plumber}


def test_mapping_follows_prefix_changes_and_deletion():
    f = filiere("test-change", prefixes="62.01Z")
    dev, printer = organisations(["62.01Z", "18.12Z"])
    assert list(selectors.organisations_in_filiere(f)) == [dev]

    services.filiere_update(filiere=f, by=SYSTEM, prefixes="62.01Z;18")  # add a prefix
    assert set(selectors.organisations_in_filiere(f)) == {dev, printer}

    services.filiere_update(filiere=f, by=SYSTEM, prefixes="18")  # remove one
    assert set(selectors.organisations_in_filiere(f)) == {printer}

    services.filiere_update(
        filiere=f, by=SYSTEM, description="only the text changes"
    )  # prefixes kept
    assert set(selectors.organisations_in_filiere(f)) == {printer}

    services.filiere_delete(filiere=f, by=SYSTEM)
    assert not FiliereNafCode.objects.filter(filiere_id=f.pk).exists()
    assert not FilierePrefix.objects.filter(filiere_id=f.pk).exists()
    assert f.slug not in {x.slug for x in selectors.filieres_of_organisation(printer)}


def test_the_national_list_is_seeded_with_valid_prefixes():
    slugs = set(Filiere.objects.values_list("slug", flat=True))
    assert {slug for slug, *_ in NATIONAL_FILIERES} <= slugs
    assert 10 <= len(NATIONAL_FILIERES) <= 14
    for slug, _name, description, prefixes in NATIONAL_FILIERES:
        assert naf.parse_prefixes(prefixes, version="rev2") == sorted(set(prefixes)), slug
        assert description
        assert FiliereNafCode.objects.filter(filiere__slug=slug).exists(), slug


def test_seeding_again_changes_nothing():
    from django.apps import apps

    from filieres.seed_data import load_national_filieres

    digital = Filiere.objects.get(slug="numerique")
    services.filiere_update(filiere=digital, by=SYSTEM, prefixes="62")  # an administrator's edit
    before = set(FiliereNafCode.objects.values_list("filiere_id", "naf_version", "naf_code"))
    load_national_filieres(apps)
    after = set(FiliereNafCode.objects.values_list("filiere_id", "naf_version", "naf_code"))
    assert after == before
    assert Filiere.objects.filter(slug__in=[s for s, *_ in NATIONAL_FILIERES]).count() == len(
        NATIONAL_FILIERES
    )


def test_in_filiere_filters_through_a_relation():
    from crm.models import Person
    from tests.factories import PersonFactory

    f = filiere("test-relation", prefixes="62")
    dev, baker = organisations(["62.02A", "10.71C"])
    person = PersonFactory(organisation=dev)
    PersonFactory(organisation=baker)
    people = Person.objects.filter(selectors.in_filiere(f, organisation_path="organisation"))
    assert list(people) == [person]
    assert set(Organisation.objects.filter(selectors.in_any_filiere())) >= {dev, baker}


@pytest.mark.parametrize("size", [10, 200])
def test_classifying_many_organisations_costs_constant_queries(size, django_assert_num_queries):
    codes = ["62.01Z", "43.22B", "10.71C", "47.11B", "86.10Z", "01.11Z", "99.00Z"]
    created = organisations([codes[i % len(codes)] for i in range(size)])
    queryset = Organisation.objects.filter(pk__in=[o.pk for o in created])
    with django_assert_num_queries(3):
        classified = selectors.classify(queryset)
    plumber = next(o for o in created if o.naf_code == "43.22B")
    slugs = {f.slug for f in classified[plumber.pk]}
    assert {"construction-renovation-energetique", "energies-renouvelables"} <= slugs
    assert len(classified) == size - size // len(codes)  # 99.00Z is in no filière
    with django_assert_num_queries(1):
        counts = {f.slug: f.row_count for f in selectors.count_by_filiere(queryset)}
    assert counts["numerique"] == sum(1 for o in created if o.naf_code == "62.01Z")
    assert counts["energies-renouvelables"] == sum(1 for o in created if o.naf_code == "43.22B")
