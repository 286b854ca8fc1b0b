"""The world the authorization matrix runs in: nine actors and one row of each kind in UR 1."""

import datetime

from rest_framework.test import APIClient

from api import services as api_services
from crm.roles import Role
from financement import services as financement_services
from tests.factories import OrganisationFactory, PartnerFactory, PersonFactory, staff_user
from tests.transmission.factories import CaseFactory
from transmission import services as transmission_services
from transmission.models import LeadSubmission

ACTORS = [
    "anonymous",
    "partner_a",
    "partner_b",
    "officer_ur1",
    "officer_ur2",
    "director_ur1",
    "financial_officer",
    "board_member",
    "administrator",
]


def build_world() -> dict:
    users = {
        "officer_ur1": staff_user(Role.OFFICER, "ouest", username="m_officer1"),
        "officer_ur2": staff_user(Role.OFFICER, "ara", username="m_officer2"),
        "director_ur1": staff_user(Role.DIRECTOR, "ouest", username="m_director1"),
        "financial_officer": staff_user(Role.FINANCIAL_OFFICER, "ouest", username="m_finance"),
        "board_member": staff_user(Role.BOARD_MEMBER, username="m_board"),
        "administrator": staff_user(
            Role.ADMINISTRATOR, username="m_admin", is_staff=True, is_superuser=True
        ),
    }
    partner_a = PartnerFactory(slug="m-partner-a", name="Partenaire A")
    partner_b = PartnerFactory(slug="m-partner-b", name="Partenaire B")
    keys = {
        "partner_a": api_services.partner_key_create(partner=partner_a)[1],
        "partner_b": api_services.partner_key_create(partner=partner_b)[1],
    }
    organisation = OrganisationFactory(postal_code="35000", name="Matrice SA")
    foreign_organisation = OrganisationFactory(postal_code="69001", name="Ailleurs SA")
    person = PersonFactory(organisation=organisation)
    case = CaseFactory(organisation=organisation, assigned_officer=users["officer_ur1"])
    task = transmission_services.activity_create(
        case=case,
        by=users["officer_ur1"],
        kind="task",
        subject="Rappeler",
        happened_on=None,
        due_on=datetime.date.today(),
        assignee=users["officer_ur1"],
        minutes_spent=None,
    )
    cooperative = OrganisationFactory(
        postal_code="35000",
        name="Coopérative témoin",
        cooperative_type="scop",
        cooperative_since=datetime.date(2019, 1, 1),
    )
    support = financement_services.support_request_open(
        organisation=cooperative, need="development", by=users["officer_ur1"]
    )
    lead = LeadSubmission.objects.create(
        partner=partner_a, case=case, kind=case.kind, raw_body="{}", payload={}
    )
    return {
        "users": users,
        "keys": keys,
        "partner_a": partner_a,
        "organisation": organisation,
        "foreign_organisation": foreign_organisation,
        "person": person,
        "case": case,
        "task": task,
        "lead": lead,
        "cooperative": cooperative,
        "support": support,
    }


def client_for(actor: str, world: dict) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if actor in world["users"]:
        client.force_login(world["users"][actor])
    elif actor in world["keys"]:
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world['keys'][actor]}")
    return client
