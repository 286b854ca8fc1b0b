"""Staff API: ``POST /cases/{id}/transitions/`` and each of its outcomes."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.api.conftest import assert_problem
from tests.api.staff_fixtures import *  # noqa: F403 (fixtures)
from tests.api.staff_fixtures import client_for
from tests.transmission.factories import CaseFactory
from transmission.choices import CaseKind, Stage
from transmission.models import Case, StageChange


def transitions_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/transitions/"


def post(client, case, body):
    return client.post(transitions_url(case), body, format="json")


@pytest.mark.django_db
def test_200_moves_the_case_through_the_service_with_typed_fields(clients, staff):
    case = CaseFactory(
        stage=Stage.FEASIBILITY,
        kind=CaseKind.TAKEOVER,
        assigned_officer=staff["officer"],
        jobs_at_stake=8,
    )
    response = post(
        clients["officer"],
        case,
        {
            "name": "start_structuring",
            "comment": "Accord du cédant reçu",
            "valuation": "250000.50",
            "owner_agreement_on": "2026-01-15",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "structuring" and body["version"] == 1
    assert body["valuation"] == "250000.50"
    assert {item["name"] for item in body["available_transitions"]} >= {"start_financing"}
    case.refresh_from_db()
    assert case.valuation == Decimal("250000.50")
    assert case.owner_agreement_on == datetime.date(2026, 1, 15)
    change = StageChange.objects.filter(case=case).latest("at", "id")
    assert (change.transition, change.by, change.comment) == (
        "start_structuring",
        staff["officer"],
        "Accord du cédant reçu",
    )


@pytest.mark.django_db
def test_422_lists_every_missing_item_keyed_by_field(clients, staff):
    case = CaseFactory(
        stage=Stage.FEASIBILITY, kind=CaseKind.TAKEOVER, assigned_officer=staff["officer"]
    )
    response = post(clients["officer"], case, {"name": "start_structuring"})
    body = assert_problem(response, 422, "unprocessable")
    assert len(body["reasons"]) == 2
    assert body["errors"]["valuation"][0] in body["reasons"]
    assert body["errors"]["owner_agreement_on"][0] in body["reasons"]
    assert set(body["errors"]) == {"valuation", "owner_agreement_on"}
    assert sum(len(v) for v in body["errors"].values()) == 2
    case.refresh_from_db()
    assert case.stage == Stage.FEASIBILITY and case.version == 0


@pytest.mark.django_db
def test_422_keeps_reasons_without_a_field_apart(clients, staff):
    case = CaseFactory(
        stage=Stage.QUALIFICATION, kind=CaseKind.TAKEOVER, assigned_officer=staff["officer"]
    )
    # From qualification only a takeover in difficulty may skip the diagnostic.
    response = post(clients["officer"], case, {"name": "start_structuring", "valuation": "1000.00"})
    body = assert_problem(response, 422)
    assert len(body["reasons"]) == 2
    assert len(body["errors"]["non_field_errors"]) == 1
    assert list(body["errors"]) == ["owner_agreement_on", "non_field_errors"]


@pytest.mark.django_db
def test_422_from_a_stage_the_transition_does_not_start_from(clients, case):
    body = assert_problem(post(clients["officer"], case, {"name": "incorporate"}), 422)
    assert body["errors"] == {"non_field_errors": body["reasons"]}


@pytest.mark.django_db
def test_403_when_the_caller_may_not_run_it(clients, staff, case):
    for name in ("other_officer", "finance"):
        body = assert_problem(post(clients[name], case, {"name": "qualify"}), 403)
        assert body["reasons"]
    abandoned = CaseFactory(
        stage=Stage.ABANDONED,
        previous_stage=Stage.QUALIFICATION,
        abandon_reason="not_viable",
        assigned_officer=staff["officer"],
    )
    assert_problem(post(clients["officer"], abandoned, {"name": "reopen"}), 403)
    response = post(clients["director"], abandoned, {"name": "reopen"})
    assert response.status_code == 200 and response.json()["stage"] == "qualification"
    case.refresh_from_db()
    assert case.stage == Stage.LEAD


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, fields",
    [
        ({"name": "fly"}, {"name"}),
        ({}, {"name"}),
        ({"name": "qualify", "jobs_at_stake": 3}, {"jobs_at_stake"}),
        ({"name": "qualify", "stage": "incorporated", "id": 4}, {"stage", "id"}),
        # Fields of another kind of case: a takeover collects no founding members.
        ({"name": "start_financing", "founding_members": 3}, {"founding_members"}),
        ({"name": "put_on_hold", "review_on": "tomorrow"}, {"review_on"}),
        ({"name": "start_feasibility", "jobs_at_stake": -1}, {"jobs_at_stake"}),
        ({"name": "start_feasibility", "jobs_at_stake": 2**40}, {"jobs_at_stake"}),
        ({"name": "abandon", "abandon_reason": "bored"}, {"abandon_reason"}),
        ({"name": "qualify", "version": "x"}, {"version"}),
    ],
)
def test_400_names_the_offending_fields(clients, case, body, fields):
    problem = assert_problem(post(clients["officer"], case, body), 400, "validation-error")
    assert set(problem["errors"]) == fields, problem


@pytest.mark.django_db
def test_400_when_the_body_is_not_an_object(clients, case):
    assert_problem(post(clients["officer"], case, ["qualify"]), 400)


@pytest.mark.django_db
def test_409_when_the_version_sent_is_not_current(clients, case):
    stale = case.version
    assert post(clients["officer"], case, {"name": "qualify", "version": stale}).status_code == 200
    response = post(
        clients["officer"],
        case,
        {
            "name": "put_on_hold",
            "version": stale,
            "review_on": str(timezone.localdate() + datetime.timedelta(days=5)),
        },
    )
    assert_problem(response, 409, "conflict")
    case.refresh_from_db()
    assert case.stage == Stage.QUALIFICATION and case.version == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_409_while_a_colleague_holds_the_case(requires_postgresql, staff):
    case = CaseFactory(stage=Stage.LEAD, assigned_officer=staff["officer"])
    client = client_for(staff["officer"])
    locked, release = threading.Event(), threading.Event()

    def colleague():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT id FROM transmission_case WHERE id = %s FOR UPDATE", [case.pk]
                )
                locked.set()
                release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    thread = threading.Thread(target=colleague)
    thread.start()
    try:
        assert locked.wait(10)
        assert_problem(post(client, case, {"name": "qualify"}), 409, "conflict")
    finally:
        release.set()
        thread.join(30)
    assert Case.objects.get(pk=case.pk).stage == Stage.LEAD
    assert post(client, case, {"name": "qualify"}).status_code == 200
    assert connection.vendor == "postgresql"
    assert transaction.get_autocommit()
