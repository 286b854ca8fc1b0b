"""Staff API: a case's history, activities and financing plan."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api.conftest import assert_problem
from tests.api.staff_fixtures import *  # noqa: F403 (fixtures)
from tests.financement.factories import (
    BANK_LOAN,
    MEMBERS,
    MOVEMENT_GUARANTEE,
    MOVEMENT_LOAN,
    line_in,
    plan_for,
)
from transmission.models import Activity

pytestmark = pytest.mark.django_db


def url(case, suffix) -> str:
    return f"/api/v1/cases/{case.pk}/{suffix}"


# --- History -------------------------------------------------------------------------------


def test_history_lists_stage_changes_oldest_first(clients, case):
    client = clients["officer"]
    client.post(url(case, "transitions/"), {"name": "qualify", "comment": "Vu"}, format="json")
    rows = client.get(url(case, "history/")).json()
    assert [(r["transition"], r["source_stage"], r["target_stage"]) for r in rows] == [
        ("create", "", "lead"),
        ("qualify", "lead", "qualification"),
    ]
    assert rows[1]["by"]["username"] == "officer-ouest" and rows[1]["comment"] == "Vu"
    assert rows[0]["by"] is None


def test_history_query_count_is_constant(clients, case, django_assert_num_queries):
    client = clients["officer"]
    for _ in range(3):
        client.post(url(case, "transitions/"), {"name": "qualify"}, format="json")
    client.get(url(case, "history/"))
    with django_assert_num_queries(4):  # token, profile, case, history with its users
        client.get(url(case, "history/"))


# --- Activities -----------------------------------------------------------------------------


def test_activity_created_through_the_service(clients, staff, case):
    due = timezone.localdate() + datetime.timedelta(days=3)
    response = clients["officer"].post(
        url(case, "activities/"),
        {
            "kind": "task",
            "subject": "Rappeler le cédant",
            "due_on": str(due),
            "assignee": staff["other_officer"].pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "task" and body["due_on"] == str(due) and body["done"] is False
    assert body["assignee"]["username"] == "other-ouest"
    assert body["created_by"]["username"] == "officer-ouest"
    activity = Activity.objects.get(pk=body["id"])
    assert activity.case == case and activity.created_by == staff["officer"]
    listed = clients["director"].get(url(case, "activities/")).json()
    assert [item["id"] for item in listed["results"]] == [activity.pk]


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"kind": "task", "subject": "Sans échéance"}, {"due_on"}),
        ({"kind": "note", "subject": ""}, {"subject"}),
        ({"kind": "lunch", "subject": "x"}, {"kind"}),
        ({"kind": "note", "subject": "x", "case": 3, "created_by": 1}, {"case", "created_by"}),
        ({"kind": "note", "subject": "x", "due_on": "2026-01-01"}, {"non_field_errors"}),
        ({"kind": "note", "subject": "x", "minutes_spent": -5}, {"minutes_spent"}),
        ({"kind": "task", "subject": "x", "due_on": "2026-01-01", "assignee": 10**6}, {"assignee"}),
    ],
)
def test_activity_validation_errors_are_400_with_field_paths(clients, case, body, fields):
    response = clients["officer"].post(url(case, "activities/"), body, format="json")
    problem = assert_problem(response, 400, "validation-error")
    assert set(problem["errors"]) == fields, problem
    assert not Activity.objects.filter(case=case).exists()


def test_assignee_must_belong_to_the_cases_ur(clients, staff, case):
    response = clients["officer"].post(
        url(case, "activities/"),
        {
            "kind": "task",
            "subject": "x",
            "due_on": "2026-01-01",
            "assignee": staff["officer_ara"].pk,
        },
        format="json",
    )
    assert set(assert_problem(response, 400)["errors"]) == {"assignee"}


def test_activity_by_someone_not_working_on_the_case_is_403(clients, case):
    for name in ("other_officer", "finance"):
        response = clients[name].post(
            url(case, "activities/"), {"kind": "note", "subject": "x"}, format="json"
        )
        assert_problem(response, 403, "permission-denied")


# --- Financing ------------------------------------------------------------------------------


def test_financing_plan_with_lines_totals_and_leverage(clients, case):
    plan = plan_for(case, price="200000", working_capital="50000", other="10000")
    loan = line_in(plan, MOVEMENT_LOAN, "40000", status="approved")
    line_in(plan, BANK_LOAN, "120000", status="approved")
    line_in(plan, MEMBERS, "30000", status="requested")
    line_in(plan, MOVEMENT_GUARANTEE, "60000", status="approved", secures=loan)
    body = clients["officer"].get(url(case, "financing/")).json()
    assert body["needs"] == {
        "price_or_investment": "200000.00",
        "working_capital": "50000.00",
        "other_needs": "10000.00",
        "total": "260000.00",
    }
    assert body["totals"] == {
        "committed": "160000.00",
        "movement_committed": "40000.00",
        "pending": "30000.00",
    }
    assert body["gap"] == "100000.00" and body["balanced"] is False
    assert body["movement_share"] == "0.2500" and body["leverage"] == "4.0000"
    assert [line["status"] for line in body["lines"]] == [
        "approved",
        "approved",
        "requested",
        "approved",
    ]
    guarantee = body["lines"][3]
    assert guarantee["secures"] == loan.pk and guarantee["family"] == "guarantee"
    assert body["lines"][0]["amount_committed"] == "40000.00"
    assert body["lines"][2]["amount_committed"] is None
    assert body["lines"][2]["status_label"]
    assert Decimal(body["leverage"]) == Decimal(160000) / Decimal(40000)


def test_leverage_is_null_without_movement_money(clients, case):
    plan = plan_for(case, price="1000")
    line_in(plan, BANK_LOAN, "1000", status="approved")
    body = clients["officer"].get(url(case, "financing/")).json()
    assert body["leverage"] is None and body["movement_share"] == "0.0000"
    assert body["balanced"] is True and body["gap"] == "0.00"


def test_a_case_without_a_plan_is_404_with_its_own_detail(clients, case):
    body = assert_problem(clients["officer"].get(url(case, "financing/")), 404, "not-found")
    unknown = assert_problem(clients["officer"].get("/api/v1/cases/999999/financing/"), 404)
    assert body["detail"] != unknown["detail"]


def test_financing_query_count_is_constant(clients, case, django_assert_num_queries):
    plan = plan_for(case, price="1000")
    client = clients["officer"]
    client.get(url(case, "financing/"))
    with django_assert_num_queries(5):  # token, profile, case, plan with figures, lines
        client.get(url(case, "financing/"))
    for _ in range(6):
        line_in(plan, BANK_LOAN, "10", status="approved")
    with django_assert_num_queries(5):
        assert len(client.get(url(case, "financing/")).json()["lines"]) == 6
