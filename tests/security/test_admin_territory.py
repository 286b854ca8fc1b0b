"""Admin writes stay inside the user's territory: forged foreign keys, a postal code moving
an organisation elsewhere, another UR's partner or assignment rule, every account offered."""

import html

import pytest
from django.core.exceptions import PermissionDenied

from crm import services
from crm.models import Organisation, Partner, Person
from crm.roles import Role
from tests.factories import OrganisationFactory, regional_union, staff_user
from tests.transmission.factories import CaseFactory
from transmission.models import Case, LeadAssignmentRule

pytestmark = pytest.mark.django_db

RENNES, LYON = "35000", "69001"  # Bretagne (ouest), Auvergne-Rhône-Alpes (ara)
REFUSED = "appartiendrait à une autre union régionale"


@pytest.fixture
def world():
    return {
        "officer": staff_user(Role.OFFICER, "ouest", username="officer_ouest"),
        "director": staff_user(Role.DIRECTOR, "ouest", username="director_ouest"),
        "officer_ara": staff_user(Role.OFFICER, "ara", username="officer_ara"),
        "board": staff_user(Role.BOARD_MEMBER, username="board"),
        "finance": staff_user(Role.FINANCIAL_OFFICER, "ouest", username="finance"),
        "ours": OrganisationFactory(postal_code=RENNES, name="Chez nous"),
        "theirs": OrganisationFactory(postal_code=LYON, name="Chez eux"),
    }


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_officer_cannot_create_an_organisation_in_another_ur(client, world):
    client.force_login(world["officer"])
    response = client.post(
        "/admin/crm/organisation/add/",
        {"name": "Ailleurs", "postal_code": LYON, "naf_code": "62.01Z", "naf_version": "rev2"},
    )
    assert response.status_code == 200
    assert REFUSED in _text(response)
    assert 'value="Ailleurs"' in response.content.decode()  # the input is kept
    assert not Organisation.objects.filter(name="Ailleurs").exists()


def test_an_officer_creates_an_organisation_of_their_ur(client, world):
    client.force_login(world["officer"])
    response = client.post(
        "/admin/crm/organisation/add/",
        {"name": "Ici", "postal_code": RENNES, "naf_code": "62.01Z", "naf_version": "rev2"},
    )
    assert response.status_code == 302, _text(response)
    assert Organisation.objects.filter(name="Ici").exists()


def test_a_postal_code_cannot_move_an_organisation_into_another_ur(client, world):
    client.force_login(world["officer"])
    ours = world["ours"]
    response = client.post(
        f"/admin/crm/organisation/{ours.pk}/change/",
        {"name": ours.name, "postal_code": LYON, "naf_code": "62.01Z", "naf_version": "rev2"},
    )
    assert response.status_code == 200 and REFUSED in _text(response)
    ours.refresh_from_db()
    assert ours.postal_code == RENNES


def test_the_service_refuses_the_move_too(world):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=world["ours"], by=world["officer"], postal_code=LYON
        )
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            by=world["officer"], name="X", postal_code=LYON, naf_code="62.01Z"
        )
    with pytest.raises(PermissionDenied):
        services.person_create(
            by=world["officer"],
            organisation=world["theirs"],
            first_name="A",
            last_name="B",
            role="owner",
            lawful_basis="legitimate_interest",
            source="tests",
        )
    # National users and system writes (no ``by``) are not held to a UR.
    admin = staff_user(Role.ADMINISTRATOR, is_superuser=True, is_staff=True)
    services.organisation_update(organisation=world["ours"], by=admin, city="Lyon")


def test_a_person_cannot_be_put_in_another_urs_organisation_by_a_forged_key(client, world):
    client.force_login(world["officer"])
    response = client.post(
        "/admin/crm/person/add/",
        {
            "first_name": "Forgé",
            "last_name": "Clé",
            "organisation": world["theirs"].pk,
            "role": "owner",
            "lawful_basis": "legitimate_interest",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in _text(response)
    assert not Person.objects.filter(first_name="Forgé").exists()


def test_a_director_cannot_create_a_partner_of_another_ur_or_a_national_one(client, world):
    client.force_login(world["director"])
    for union in (regional_union("ara").pk, ""):
        response = client.post(
            "/admin/crm/partner/add/",
            {"name": "Banque", "slug": "banque", "type": "bank", "regional_union": union},
        )
        assert response.status_code == 200
        assert not Partner.objects.filter(slug="banque").exists()
    with pytest.raises(PermissionDenied):
        services.partner_save(
            partner=Partner(name="B", slug="b", type="bank", regional_union=None),
            by=world["director"],
        )


def test_a_director_cannot_set_another_urs_lead_assignment_rule(client, world):
    client.force_login(world["director"])
    response = client.post(
        "/admin/transmission/leadassignmentrule/add/",
        {"regional_union": regional_union("ara").pk, "mode": "unassigned"},
    )
    assert response.status_code == 200
    assert not LeadAssignmentRule.objects.filter(regional_union__code="ara").exists()
    page = client.get("/admin/transmission/leadassignmentrule/add/").content.decode()
    assert f'value="{regional_union("ara").pk}"' not in page
    assert f'value="{regional_union("ouest").pk}"' in page


def test_the_case_add_form_offers_only_the_urs_officers(client, world):
    client.force_login(world["officer"])
    page = client.get("/admin/transmission/case/add/").content.decode()
    assert f'value="{world["officer"].pk}"' in page
    assert f'value="{world["director"].pk}"' in page
    for other in ("officer_ara", "board", "finance"):
        assert f'value="{world[other].pk}"' not in page


def test_a_forged_assignee_from_another_ur_is_refused_with_the_input_kept(client, world):
    client.force_login(world["officer"])
    response = client.post(
        "/admin/transmission/case/add/",
        {
            "organisation": world["ours"].pk,
            "kind": "transmission",
            "assigned_officer": world["officer_ara"].pk,
            "source": "direct",
            "jobs_at_stake": "12",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in _text(response)
    assert 'value="12"' in response.content.decode()
    assert not Case.objects.filter(organisation=world["ours"]).exists()


def test_a_forged_organisation_from_another_ur_is_refused_on_a_case(client, world):
    client.force_login(world["officer"])
    response = client.post(
        "/admin/transmission/case/add/",
        {
            "organisation": world["theirs"].pk,
            "kind": "transmission",
            "assigned_officer": world["officer"].pk,
            "source": "direct",
        },
    )
    assert response.status_code == 200
    assert not Case.objects.filter(organisation=world["theirs"]).exists()


def test_the_reassignment_list_offers_only_the_urs_officers(client, world):
    case = CaseFactory(organisation=world["ours"], assigned_officer=world["officer"])
    client.force_login(world["director"])
    page = client.get(f"/admin/transmission/case/{case.pk}/change/").content.decode()
    assert f'value="{world["officer"].pk}"' in page
    for other in ("officer_ara", "board", "finance"):
        assert f'value="{world[other].pk}"' not in page
