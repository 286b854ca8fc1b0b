"""Territory is a security boundary: selectors, admin URLs and object permissions."""

import pytest

from crm import scoping
from crm.models import Organisation, Partner, Person
from crm.roles import Role
from tests.factories import (
    OrganisationFactory,
    PartnerFactory,
    PersonFactory,
    regional_union,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    rennes = OrganisationFactory(postal_code="35000")  # UR Ouest
    lyon = OrganisationFactory(postal_code="69001")  # UR Auvergne-Rhône-Alpes
    return {
        "rennes": rennes,
        "lyon": lyon,
        "rennes_person": PersonFactory(organisation=rennes),
        "lyon_person": PersonFactory(organisation=lyon),
        "national_partner": PartnerFactory(),
        "ouest_partner": PartnerFactory(regional_union=regional_union("ouest")),
        "ara_partner": PartnerFactory(regional_union=regional_union("ara")),
    }


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DIRECTOR])
def test_regional_staff_see_their_ur_only(world, role):
    user = staff_user(role, "ouest")
    assert list(scoping.scope_queryset(Organisation.objects.all(), user)) == [world["rennes"]]
    assert list(scoping.scope_queryset(Person.objects.all(), user)) == [world["rennes_person"]]
    assert set(scoping.scope_queryset(Partner.objects.all(), user)) == {
        world["national_partner"],
        world["ouest_partner"],
    }
    assert user.has_perm("crm.view_organisation", world["rennes"])
    assert not user.has_perm("crm.view_organisation", world["lyon"])
    assert not user.has_perm("crm.change_person", world["lyon_person"])


def test_board_members_see_no_row(world):
    board = staff_user(Role.BOARD_MEMBER)
    assert not scoping.scope_queryset(Organisation.objects.all(), board).exists()
    assert not scoping.scope_queryset(Person.objects.all(), board).exists()
    assert not board.has_perm("crm.view_organisation", world["rennes"])


def test_administrators_and_national_financial_officers_see_everything(world):
    for user in (staff_user(Role.ADMINISTRATOR), staff_user(Role.FINANCIAL_OFFICER)):
        assert scoping.scope_queryset(Organisation.objects.all(), user).count() == 2


def test_regional_financial_officer_is_scoped(world):
    user = staff_user(Role.FINANCIAL_OFFICER, "ara")
    assert list(scoping.scope_queryset(Organisation.objects.all(), user)) == [world["lyon"]]


def test_users_without_profile_see_nothing(world, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    assert not scoping.scope_queryset(Organisation.objects.all(), user).exists()


def test_inactive_users_see_nothing(world):
    user = staff_user(Role.OFFICER, "ouest")
    user.is_active = False
    user.save()
    assert not scoping.scope_queryset(Organisation.objects.all(), user).exists()


def test_scoping_follows_a_dated_change_of_the_ur_map(world):
    import datetime

    from django.utils import timezone

    from crm.models import RegionalUnionDepartement

    today = timezone.localdate()
    coverage = RegionalUnionDepartement.objects.get(departement_id="69")
    coverage.valid_to = today
    coverage.save()
    RegionalUnionDepartement.objects.create(
        regional_union=regional_union("ouest"), departement_id="69", valid_from=today
    )
    officer = staff_user(Role.OFFICER, "ouest")
    assert scoping.scope_queryset(Organisation.objects.all(), officer).count() == 2
    assert today > datetime.date(2000, 1, 1)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DIRECTOR])
def test_typing_another_urs_admin_url_gives_nothing(client, world, role):
    client.force_login(staff_user(role, "ouest"))
    own = client.get(f"/admin/crm/organisation/{world['rennes'].pk}/change/")
    assert own.status_code == 200
    for url in (
        f"/admin/crm/organisation/{world['lyon'].pk}/change/",
        f"/admin/crm/organisation/{world['lyon'].pk}/history/",
        f"/admin/crm/organisation/{world['lyon'].pk}/delete/",
        f"/admin/crm/person/{world['lyon_person'].pk}/change/",
    ):
        response = client.get(url, follow=True)
        # Another UR's row is not found (the French 404 page) or refused outright: no leak,
        # and never a redirect to a list.
        assert world["lyon"].name not in response.content.decode(), url
        assert not response.redirect_chain and response.status_code in (403, 404), url
    listing = client.get("/admin/crm/organisation/").content.decode()
    assert world["rennes"].name in listing
    assert world["lyon"].name not in listing


def test_an_officer_cannot_edit_another_urs_organisation_by_post(client, world):
    client.force_login(staff_user(Role.OFFICER, "ouest"))
    client.post(
        f"/admin/crm/organisation/{world['lyon'].pk}/change/",
        {"name": "Piraté", "postal_code": "69001", "naf_version": "rev2"},
    )
    world["lyon"].refresh_from_db()
    assert world["lyon"].name != "Piraté"


def test_regional_staff_see_staff_profiles_of_their_ur_only(client):
    staff_user(Role.OFFICER, "ara", username="lyon.officer")
    client.force_login(staff_user(Role.DIRECTOR, "ouest", username="ouest.director"))
    listing = client.get("/admin/crm/officerprofile/").content.decode()
    assert "ouest.director" in listing
    assert "lyon.officer" not in listing
