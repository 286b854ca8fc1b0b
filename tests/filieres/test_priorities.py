"""Regional priorities: periods, overlap, the priority rule, roles and history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Value

from crm.actors import SYSTEM
from crm.models import Organisation, Region
from crm.roles import Role
from filieres import selectors, services
from filieres.models import Filiere, RegionalPriority
from tests.factories import regional_union, staff_user
from tests.filieres.factories import organisations

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def digital():
    return Filiere.objects.get(slug="numerique")


@pytest.fixture
def culture():
    return Filiere.objects.get(slug="culture-medias")


def designate(filiere, start, end=None, *, ur="ouest", region=None, by=SYSTEM):
    return services.priority_designate(
        filiere=filiere,
        regional_union=regional_union(ur) if ur and not region else None,
        region=Region.objects.get(code=region) if region else None,
        start=start,
        end=end,
        rationale="Test",
        by=by,
    )


def test_priority_on_date_start_inclusive_end_exclusive(digital):
    ouest = regional_union("ouest")
    designate(digital, D(2025, 1, 1), D(2026, 1, 1))
    assert not selectors.is_priority(digital, ouest.pk, D(2024, 12, 31))
    assert selectors.is_priority(digital, ouest.pk, D(2025, 1, 1))
    assert selectors.is_priority("numerique", ouest.pk, D(2025, 12, 31))
    assert not selectors.is_priority(digital, ouest.pk, D(2026, 1, 1))
    assert not selectors.is_priority(digital, regional_union("ara").pk, D(2025, 6, 1))


def test_an_open_ended_priority_stays_in_force(digital):
    designate(digital, D(2025, 1, 1))
    assert selectors.is_priority(digital, regional_union("ouest").pk, D(2040, 1, 1))


def test_overlapping_periods_of_the_same_territory_and_filiere_are_refused(digital):
    designate(digital, D(2025, 1, 1), D(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        designate(digital, D(2025, 6, 1), D(2027, 1, 1))
    assert "se chevaucher" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        designate(digital, D(2024, 1, 1))  # open end runs into the existing one
    designate(digital, D(2026, 1, 1), D(2027, 1, 1))  # adjacent: fine
    designate(digital, D(2025, 6, 1), ur="ara")  # another UR: fine
    designate(digital, D(2025, 6, 1), region="53")  # a région: fine
    with pytest.raises(ValidationError):
        designate(digital, D(2025, 7, 1), D(2025, 8, 1), region="53")
    assert RegionalPriority.objects.count() == 4


def test_updating_into_an_overlap_is_refused(digital):
    designate(digital, D(2025, 1, 1), D(2026, 1, 1))
    later = designate(digital, D(2027, 1, 1))
    with pytest.raises(ValidationError):
        services.priority_update(priority=later, start=D(2025, 12, 1), by=SYSTEM)
    services.priority_update(priority=later, end=D(2028, 1, 1), by=SYSTEM)
    later.refresh_from_db()
    assert later.end == D(2028, 1, 1)
    assert later.history.count() == 2  # history kept


def test_a_period_must_end_after_it_starts_and_name_one_territory(digital):
    with pytest.raises(ValidationError):
        designate(digital, D(2025, 1, 1), D(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.priority_designate(
            filiere=digital, start=D(2025, 1, 1), rationale="Test", by=SYSTEM
        )


def test_a_region_designation_counts_for_the_union_covering_it(digital, culture):
    designate(culture, D(2025, 1, 1), region="53")  # Bretagne, covered by UR Ouest
    day = D(2025, 6, 1)
    ouest = regional_union("ouest")
    assert selectors.is_priority(culture, ouest.pk, day)
    assert not selectors.is_priority(culture, regional_union("ara").pk, day)
    assert list(selectors.priority_filieres(ouest.pk, day)) == [culture]

    # For an organisation, only the région of its own département counts.
    rennes, caen = (
        organisations(["90.01Z", "90.01Z"], postal_code="35000", departement="35")[0],
        organisations(["90.01Z"], postal_code="14000", departement="14")[0],
    )
    assert selectors.organisation_in_priority_filiere(rennes, ouest.pk, day)
    assert not selectors.organisation_in_priority_filiere(caen, ouest.pk, day)
    assert not selectors.organisation_in_priority_filiere(rennes, ouest.pk, D(2024, 6, 1))


def test_case_level_check_and_queryset_expression_agree(digital):
    ouest = regional_union("ouest")
    designate(digital, D(2025, 1, 1), D(2026, 1, 1))
    dev, baker = organisations(["62.01Z", "10.71C"])

    class Case:  # what transmission's Case offers
        def __init__(self, organisation, regional_union_id):
            self.organisation = organisation
            self.regional_union_id = regional_union_id

    assert selectors.case_in_priority_filiere(Case(dev, ouest.pk), D(2025, 3, 1))
    assert not selectors.case_in_priority_filiere(Case(baker, ouest.pk), D(2025, 3, 1))
    assert not selectors.case_in_priority_filiere(Case(dev, ouest.pk), D(2026, 3, 1))
    assert not selectors.case_in_priority_filiere(Case(dev, None), D(2025, 3, 1))

    rows = Organisation.objects.filter(pk__in=[dev.pk, baker.pk]).annotate(
        regional_union=Value(ouest.pk)
    )
    matching = rows.filter(selectors.in_priority_filiere(D(2025, 3, 1), organisation_path=""))
    assert list(matching) == [dev]
    assert not rows.filter(
        selectors.in_priority_filiere(D(2026, 3, 1), organisation_path="")
    ).exists()


def test_a_director_designates_for_their_own_union_only(digital):
    director = staff_user(Role.DIRECTOR, "ouest")
    own = designate(digital, D(2025, 1, 1), by=director)
    with pytest.raises(PermissionDenied):
        designate(digital, D(2025, 1, 1), ur="ara", by=director)
    with pytest.raises(PermissionDenied):
        designate(digital, D(2025, 1, 1), region="53", by=director)
    other = designate(digital, D(2025, 1, 1), ur="ara")
    assert director.has_perm("filieres.change_regionalpriority", own)
    assert not director.has_perm("filieres.change_regionalpriority", other)
    with pytest.raises(PermissionDenied):
        services.priority_update(priority=other, end=D(2026, 1, 1), by=director)
    officer = staff_user(Role.OFFICER, "ouest")
    assert officer.has_perm("filieres.view_regionalpriority", own)
    assert not officer.has_perm("filieres.view_regionalpriority", other)
    assert not officer.has_perm("filieres.change_regionalpriority", own)
    admin = staff_user(Role.ADMINISTRATOR)
    assert admin.has_perm("filieres.change_regionalpriority", other)


def test_admin_pages_are_scoped_for_directors(client, digital):
    director = staff_user(Role.DIRECTOR, "ouest")
    own = designate(digital, D(2025, 1, 1))
    other = designate(digital, D(2025, 1, 1), ur="ara")
    client.force_login(director)
    assert client.get(f"/admin/filieres/regionalpriority/{own.pk}/change/").status_code == 200
    # Another UR's row is not in the scoped queryset: the French 404 page, no redirect.
    response = client.get(f"/admin/filieres/regionalpriority/{other.pk}/change/")
    assert response.status_code == 404
    response = client.post(
        "/admin/filieres/regionalpriority/add/",
        {"filiere": digital.pk, "start": "01/06/2025", "end": "", "rationale": "Essai"},
    )
    assert response.status_code == 200  # overlaps the UR's own designation: form error
    assert "se chevaucher" in response.content.decode()
    response = client.post(
        "/admin/filieres/regionalpriority/add/",
        {"filiere": digital.pk, "start": "01/06/2020", "end": "01/01/2021", "rationale": "Essai"},
    )
    assert response.status_code == 302
    created = RegionalPriority.objects.get(start=D(2020, 6, 1))
    assert created.regional_union == regional_union("ouest")


def test_the_services_fail_closed_without_an_actor(digital):
    """``by`` is required: None is nobody, never "anyone" (SYSTEM is Relève's own writes)."""
    with pytest.raises(PermissionDenied):
        designate(digital, D(2025, 1, 1), by=None)
    with pytest.raises(PermissionDenied):
        services.filiere_create(by=None, name="Nouvelle", slug="nouvelle", prefixes="62")
    assert not RegionalPriority.objects.filter(filiere=digital).exists()
    assert not Filiere.objects.filter(slug="nouvelle").exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DIRECTOR, Role.FINANCIAL_OFFICER])
def test_only_administrators_change_the_national_filieres(digital, role):
    user = staff_user(role, "ouest" if role != Role.FINANCIAL_OFFICER else None)
    with pytest.raises(PermissionDenied):
        services.filiere_update(filiere=digital, by=user, prefixes="01")
    with pytest.raises(PermissionDenied):
        services.filiere_delete(filiere=digital, by=user)
    admin = staff_user(Role.ADMINISTRATOR)
    assert services.filiere_update(filiere=digital, by=admin, description="Revu").description == (
        "Revu"
    )
