"""Staff API: case list and detail, territory (BOLA), roles, credentials, filters, pages."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.crypto import get_random_string
from rest_framework.test import APIClient

from api import services
from tests.api.conftest import assert_problem
from tests.api.staff_fixtures import *  # noqa: F403 (fixtures)
from tests.api.staff_fixtures import client_for
from tests.factories import OrganisationFactory, UserFactory, regional_union
from tests.financement.factories import plan_for
from tests.transmission.factories import CaseFactory, add_members
from transmission.choices import CaseKind, Stage
from transmission.models import Case

CASES = "/api/v1/cases/"
CASE_ENDPOINTS = ["", "history/", "activities/", "financing/"]

pytestmark = pytest.mark.django_db


def url(case_id, suffix="") -> str:
    return f"{CASES}{case_id}/{suffix}"


# --- Territory ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", CASE_ENDPOINTS)
def test_a_case_of_another_ur_is_404_like_an_unknown_id(clients, case, case_ara, suffix):
    plan_for(case_ara)
    client = clients["officer"]
    other = assert_problem(client.get(url(case_ara.pk, suffix)), 404, "not-found")
    unknown = assert_problem(client.get(url(999_999, suffix)), 404, "not-found")
    assert other == unknown
    # The officer of UR Ara does see it.
    assert clients["officer_ara"].get(url(case_ara.pk, suffix)).status_code == 200


@pytest.mark.parametrize(
    "suffix, body",
    [
        ("transitions/", {"name": "qualify"}),
        ("activities/", {"kind": "note", "subject": "Appel"}),
    ],
)
def test_writes_on_a_case_of_another_ur_are_404(clients, case_ara, suffix, body):
    response = clients["director"].post(url(case_ara.pk, suffix), body, format="json")
    assert_problem(response, 404, "not-found")
    case_ara.refresh_from_db()
    assert case_ara.stage == Stage.LEAD and case_ara.activities.count() == 0


def test_the_list_shows_the_callers_territory_only(clients, case, case_ara):
    ids = [item["id"] for item in clients["officer"].get(CASES).json()["results"]]
    assert ids == [case.pk]
    ids = [item["id"] for item in clients["director_ara"].get(CASES).json()["results"]]
    assert ids == [case_ara.pk]


@pytest.mark.parametrize("suffix", [*CASE_ENDPOINTS, "transitions/"])
def test_board_members_are_refused_every_case_endpoint(clients, case, suffix):
    client = clients["board"]
    if suffix == "transitions/":
        response = client.post(url(case.pk, suffix), {"name": "qualify"}, format="json")
    else:
        response = client.get(url(case.pk, suffix))
    body = assert_problem(response, 403, "permission-denied")
    assert "agrégé" in body["detail"] or "aggregate" in body["detail"]
    assert_problem(client.get(CASES), 403, "permission-denied")


def test_a_user_without_a_staff_role_is_403_and_no_credentials_401(case):
    assert_problem(client_for(UserFactory()).get(CASES), 403)
    anonymous = APIClient(raise_request_exception=False)
    response = anonymous.get(url(case.pk))
    assert_problem(response, 401, "not-authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_partner_key_is_not_a_staff_credential(api_client, partner_key, case):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    assert_problem(api_client.get(CASES), 401)


# --- Credentials: token and session ----------------------------------------------------------


def test_session_reads_and_posts_with_csrf(staff, case):
    client = APIClient(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(staff["officer"])
    assert client.get(url(case.pk)).status_code == 200
    # No CSRF token: refused, nothing done.
    response = client.post(url(case.pk, "transitions/"), {"name": "qualify"}, format="json")
    assert_problem(response, 403)
    case.refresh_from_db()
    assert case.stage == Stage.LEAD
    # With the token the back office's pages carry (cookie and header).
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    response = client.post(
        url(case.pk, "transitions/"), {"name": "qualify"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == Stage.QUALIFICATION


def test_token_needs_no_csrf(clients, case):
    response = clients["officer"].post(
        url(case.pk, "transitions/"), {"name": "qualify"}, format="json"
    )
    assert response.status_code == 200


def test_revoked_token_is_401(staff, case):
    token, plaintext = services.staff_token_create(user=staff["officer"])
    services.staff_token_revoke(prefix=token.prefix)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert_problem(client.get(CASES), 401)


# --- Representation ------------------------------------------------------------------------


def test_detail_lists_the_transitions_the_caller_may_run(clients, staff):
    case = CaseFactory(stage=Stage.QUALIFICATION, assigned_officer=staff["officer"])
    body = clients["officer"].get(url(case.pk)).json()
    assert body["reference"] == case.reference and body["stage"] == "qualification"
    assert body["stage_label"] == "Premiers contacts"
    assert body["regional_union"] == {"code": "ouest", "name": case.regional_union.name}
    assert body["assigned_officer"]["username"] == "officer-ouest"
    transitions = {item["name"]: item for item in body["available_transitions"]}
    assert set(transitions) == {"start_feasibility", "start_structuring", "put_on_hold",
                                "abandon", "decline"}  # fmt: skip
    feasibility = transitions["start_feasibility"]
    assert feasibility["target"] == "feasibility"
    assert feasibility["label"] == "Lancer le diagnostic"
    assert feasibility["allowed"] is False
    assert feasibility["reasons"] == ["Le nombre d'emplois en jeu manque."]
    assert feasibility["fields"] == [
        {"name": "jobs_at_stake", "label": "emplois en jeu", "type": "integer", "choices": None}
    ]
    abandon = transitions["abandon"]
    assert [f["name"] for f in abandon["fields"]] == ["abandon_reason", "abandon_comment"]
    assert abandon["fields"][0]["type"] == "choice"
    assert {"value": "other", "label": "autre motif"} in abandon["fields"][0]["choices"]
    # Another officer of the UR sees the same transitions, none allowed for them.
    other = clients["other_officer"].get(url(case.pk)).json()["available_transitions"]
    assert all(not item["allowed"] for item in other)
    assert all(len(item["reasons"]) == 1 for item in other)


def test_resume_targets_the_stage_the_case_left(clients, staff):
    case = CaseFactory(
        stage=Stage.ON_HOLD,
        previous_stage=Stage.FEASIBILITY,
        review_on=timezone.localdate() + datetime.timedelta(days=9),
        assigned_officer=staff["officer"],
    )
    transitions = clients["officer"].get(url(case.pk)).json()["available_transitions"]
    resume = next(item for item in transitions if item["name"] == "resume")
    assert resume["target"] == "feasibility" and resume["allowed"] is True


def test_list_items_carry_no_contact_person(clients, case):
    item = clients["officer"].get(CASES).json()["results"][0]
    assert set(item) == {
        "id", "reference", "kind", "stage", "stage_label", "version", "regional_union",
        "organisation", "assigned_officer", "next_action", "next_action_on",
        "stage_changed_at", "created_at", "updated_at",
    }  # fmt: skip
    assert set(item["organisation"]) == {
        "id", "name", "siren", "naf_code", "postal_code", "city", "employees"
    }  # fmt: skip


# --- Filters and pages ------------------------------------------------------------------------


def test_filters(clients, staff):
    officer, other = staff["officer"], staff["other_officer"]
    numeric = OrganisationFactory(naf_code="62.01Z")
    bakery = OrganisationFactory(naf_code="10.71C")
    a = CaseFactory(stage=Stage.LEAD, kind=CaseKind.CREATION, assigned_officer=officer,
                    organisation=numeric)  # fmt: skip
    b = CaseFactory(stage=Stage.FEASIBILITY, assigned_officer=other, organisation=bakery)
    old = timezone.now() - datetime.timedelta(days=10)
    Case.objects.filter(pk=b.pk).update(updated_at=old)
    client = clients["director"]

    def ids(**params):
        response = client.get(CASES, params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    assert ids() == {a.pk, b.pk}
    assert ids(stage="feasibility") == {b.pk}
    assert ids(kind="creation") == {a.pk}
    assert ids(officer=other.pk) == {b.pk}
    assert ids(ur="ouest") == {a.pk, b.pk}
    assert ids(ur="ara") == set()
    assert ids(filiere="numerique") == {a.pk}
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(updated_since=since) == {a.pk}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"stage": "nowhere"}, "stage"),
        ({"kind": "x"}, "kind"),
        ({"officer": "abc"}, "officer"),
        ({"officer": "99999999999999999999"}, "officer"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "0001-01-01T00:00:00+14:00"}, "updated_since"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"page_size": "500"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"stage": ""}, "stage"),
        ({"updated_since": ""}, "updated_since"),
        # A misspelt filter must not silently list everything.
        ({"stauts": "lead"}, "stauts"),
    ],
)
def test_invalid_filters_are_400_naming_the_parameter(clients, case, params, field):
    body = assert_problem(clients["officer"].get(CASES, params), 400, "validation-error")
    assert field in body["errors"], body


def test_unknown_parameters_are_refused_on_activity_lists_only(clients, case):
    activities = f"{CASES}{case.pk}/activities/"
    body = assert_problem(clients["officer"].get(activities, {"sort": "x"}), 400)
    assert set(body["errors"]) == {"sort"}
    assert clients["officer"].get(f"{CASES}{case.pk}/", {"sort": "x"}).status_code == 200


def test_cursor_pagination_walks_every_case_once(clients, staff):
    made = {CaseFactory(assigned_officer=staff["officer"]).pk for _ in range(7)}
    client = clients["officer"]
    seen, page = [], client.get(CASES, {"page_size": 3}).json()
    pages = 1
    while True:
        assert len(page["results"]) <= 3
        seen += [item["id"] for item in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
        pages += 1
    assert pages == 3 and sorted(seen) == sorted(made) and len(seen) == 7
    assert len(client.get(CASES, {"page_size": 100}).json()["results"]) == 7


def test_page_size_is_capped_at_100(clients, staff):
    officer = staff["officer"]
    Case.objects.bulk_create(
        [
            Case(
                reference=f"BULK-{n}",
                kind=CaseKind.TAKEOVER,
                organisation=OrganisationFactory(),
                regional_union=regional_union("ouest"),
                assigned_officer=officer,
            )
            for n in range(105)
        ]
    )
    assert len(clients["officer"].get(CASES, {"page_size": 100}).json()["results"]) == 100
    assert len(clients["officer"].get(CASES).json()["results"]) == 50


# --- Query counts ------------------------------------------------------------------------------


def test_the_list_query_count(clients, staff, django_assert_num_queries):
    for _ in range(5):
        CaseFactory(assigned_officer=staff["officer"])
    client = clients["director"]
    client.get(CASES)
    # token + user, staff profile, the page of cases.
    with django_assert_num_queries(3):
        assert len(client.get(CASES).json()["results"]) == 5
    for _ in range(25):
        CaseFactory(assigned_officer=staff["officer"])
    with django_assert_num_queries(3):
        assert len(client.get(CASES).json()["results"]) == 30


@pytest.mark.parametrize("stage", [Stage.LEAD, Stage.STRUCTURING, Stage.FINANCING])
def test_the_detail_query_count_is_fixed(clients, staff, stage, django_assert_max_num_queries):
    case = CaseFactory(stage=stage, assigned_officer=staff["officer"])
    client = clients["officer"]
    client.get(url(case.pk))
    # token + user, staff profile, the case, its members (read once, by the detail and the
    # guards), and the financing gate's reads for the transitions that look at the plan.
    with django_assert_max_num_queries(7):
        assert client.get(url(case.pk)).status_code == 200


def test_detail_says_how_the_employees_were_informed(clients, staff):
    today = timezone.localdate()
    case = CaseFactory(
        kind=CaseKind.TAKEOVER,
        stage=Stage.CLOSING,
        assigned_officer=staff["officer"],
        organisation=OrganisationFactory(employees=20),
        employees_informed_on=today - datetime.timedelta(days=10),
    )
    body = clients["officer"].get(url(case.pk)).json()
    information = body["employee_information"]
    assert information["status"] == "short_notice" and information["warning"] is True
    assert information["message"].startswith("Les salariés ont été informés le ")
    assert body["cse_consulted_on"] is None and body["employees_waived_bid_on"] is None
    big = CaseFactory(
        kind=CaseKind.TAKEOVER,
        assigned_officer=staff["officer"],
        organisation=OrganisationFactory(employees=300),
    )
    information = clients["officer"].get(url(big.pk)).json()["employee_information"]
    assert (information["status"], information["warning"]) == ("not_applicable", False)


def test_detail_gives_the_members_capital_votes_and_what_the_law_finds_short(clients, staff):
    case = CaseFactory(
        stage=Stage.FINANCING,
        target_form="scop_sarl",
        assigned_officer=staff["officer"],
        members=False,
    )
    add_members(
        case,
        [
            {"category": "employees", "members": 3, "capital": Decimal("4000"), "votes": 3},
            {"category": "others", "members": 1, "capital": Decimal("6000"), "votes": 1},
        ],
    )
    members = clients["officer"].get(url(case.pk)).json()["members"]
    assert members["categories"] == [
        {
            "category": "employees",
            "label": "associés salariés",
            "members": 3,
            "capital": "4000.00",
            "votes": "3.00",
            "capital_share": "40.00",
            "votes_share": "75.00",
        },
        {
            "category": "others",
            "label": "autres associés",
            "members": 1,
            "capital": "6000.00",
            "votes": "1.00",
            "capital_share": "60.00",
            "votes_share": "25.00",
        },
    ]
    assert (members["members"], members["capital"], members["lawful"]) == (4, "10000.00", False)
    assert members["refusals"][0].startswith("Les associés salariés détiennent 40 % du capital")
    # The same refusal blocks going to signing, in the transition's reasons.
    body = clients["officer"].get(url(case.pk)).json()
    closing = next(t for t in body["available_transitions"] if t["name"] == "start_closing")
    assert closing["allowed"] is False
    assert members["refusals"][0] in closing["reasons"]


def test_the_registration_offers_to_name_the_new_cooperative(clients, staff):
    case = CaseFactory(
        kind=CaseKind.TAKEOVER, stage=Stage.CLOSING, assigned_officer=staff["officer"]
    )
    body = clients["officer"].get(url(case.pk)).json()
    [incorporate] = [
        item for item in body["available_transitions"] if item["name"] == "incorporate"
    ]
    fields = {field["name"]: field for field in incorporate["fields"]}
    assert fields["cooperative_name"] == {
        "name": "cooperative_name",
        "label": "nom de la nouvelle coopérative (par défaut : celui de l'entreprise)",
        "type": "string",
        "choices": None,
    }
