"""Support to existing cooperatives: opening, the short workflow, its plan and lines, scoping."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from crm.scoping import can_access
from financement import selectors, services
from financement.choices import SupportNeed, SupportStatus
from financement.models import FinancingLine, FinancingPlan, SupportRequest, SupportStatusChange
from financement.support_workflow import (
    SupportTransitionForbidden,
    SupportTransitionRefused,
)
from tests.factories import OrganisationFactory
from tests.financement.factories import (
    BANK_LOAN,
    MOVEMENT_LOAN,
    instrument,
    line_in,
    session_in,
)

D = Decimal


@pytest.fixture
def cooperative(db):
    return OrganisationFactory(
        name="Scop des Forges",
        cooperative_type="scop",
        cooperative_since=datetime.date(2019, 3, 1),
    )


@pytest.fixture
def support(team, cooperative):
    return services.support_request_open(
        organisation=cooperative,
        need=SupportNeed.DEVELOPMENT,
        by=team["officer"],
        description="Nouvel atelier",
        price_or_investment=D("120000"),
    )


def _statuses(support):
    return [
        (change.transition, change.source_status, change.target_status)
        for change in SupportStatusChange.objects.filter(support=support).order_by("at", "id")
    ]


def test_opening_gives_the_ur_of_the_cooperative_a_plan_and_a_first_history_row(team, support):
    assert support.regional_union == team["ouest"]
    assert support.assigned_officer == team["officer"]
    assert support.status == SupportStatus.RECEIVED
    plan = support.financing_plan
    assert plan.case is None and plan.holder == support
    assert plan.price_or_investment == D("120000")
    assert _statuses(support) == [("create", "", "received")]


def test_only_an_active_cooperative_of_ones_own_ur_can_be_supported(team, cooperative):
    company = OrganisationFactory(name="SARL ordinaire")
    with pytest.raises(ValidationError) as refused:
        services.support_request_open(organisation=company, need="development", by=team["officer"])
    assert "organisation" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.support_request_open(
            organisation=cooperative, need="development", by=team["officer_ara"]
        )
    with pytest.raises(PermissionDenied):
        services.support_request_open(
            organisation=cooperative, need="development", by=team["finance_ouest"]
        )
    assert not SupportRequest.objects.exists() and not FinancingPlan.objects.exists()


def test_the_short_workflow_runs_with_the_plan_rules_of_a_case(team, support):
    officer = team["officer"]
    services.support_request_transition(support=support, name="start_assessment", by=officer)
    with pytest.raises(SupportTransitionRefused) as refused:
        services.support_request_transition(support=support, name="start_financing", by=officer)
    assert "no resource line" in str(refused.value) or "ligne de ressource" in str(refused.value)

    plan = support.financing_plan
    loan = services.financing_line_create(
        plan=plan, by=officer, instrument=instrument(MOVEMENT_LOAN), amount_requested=D("80000")
    )
    services.support_request_transition(support=support, name="start_financing", by=officer)
    with pytest.raises(SupportTransitionRefused):
        services.support_request_transition(support=support, name="grant", by=officer)

    # The movement's tool is decided by a financial-tools officer of the support's UR.
    services.financing_line_decide(line=loan, name="request", by=officer)
    session = session_in(team["ouest"])
    with pytest.raises(PermissionDenied):
        services.financing_line_decide(
            line=loan, name="approve", by=team["finance_ara"], committee_session=session
        )
    services.financing_line_decide(
        line=loan, name="approve", by=team["finance_ouest"], committee_session=session
    )
    line_in(plan, BANK_LOAN, "40000", status="approved")
    services.support_request_transition(support=support, name="grant", by=officer)
    support.refresh_from_db()
    assert support.status == SupportStatus.GRANTED
    assert support.decided_on is not None
    assert [row[0] for row in _statuses(support)] == [
        "create",
        "start_assessment",
        "start_financing",
        "grant",
    ]


def test_dropping_needs_a_reason_and_only_a_director_reopens(team, support):
    with pytest.raises(SupportTransitionRefused) as refused:
        services.support_request_transition(support=support, name="drop", by=team["officer"])
    assert "drop_reason" in refused.value.field_errors
    services.support_request_transition(
        support=support, name="drop", by=team["officer"], drop_reason="La coopérative renonce"
    )
    with pytest.raises(SupportTransitionForbidden):
        services.support_request_transition(support=support, name="reopen", by=team["officer"])
    services.support_request_transition(support=support, name="reopen", by=team["director"])
    support.refresh_from_db()
    assert support.status == SupportStatus.ASSESSMENT
    assert support.drop_reason == "" and support.decided_on is None


def test_a_colleague_who_does_not_work_on_it_cannot_move_it(team, support):
    with pytest.raises(SupportTransitionForbidden):
        services.support_request_transition(
            support=support, name="start_assessment", by=team["other_officer"]
        )
    with pytest.raises(PermissionDenied):
        services.financing_plan_update(
            plan=support.financing_plan, by=team["officer_ara"], working_capital=D("1")
        )


def test_territory_scopes_the_support_its_plan_lines_and_history(team, support):
    line = line_in(support.financing_plan, BANK_LOAN, "1000")
    for obj in (support, support.financing_plan, line, support.status_changes.get()):
        assert can_access(team["officer"], obj)
        assert can_access(team["finance"], obj)
        assert not can_access(team["officer_ara"], obj)
        assert not can_access(team["board"], obj)
    assert list(selectors.support_list(user=team["officer_ara"])) == []
    assert selectors.support_get(user=team["director"], pk=support.pk) == support


def test_a_plan_has_exactly_one_holder(team, support, case):
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingPlan.objects.filter(pk=support.financing_plan.pk).update(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingPlan.objects.create()


def test_the_history_of_a_support_is_append_only(support):
    change = support.status_changes.get()
    with pytest.raises(PermissionDenied):
        change.save()
    with pytest.raises(PermissionDenied):
        SupportStatusChange.objects.filter(pk=change.pk).update(comment="changed")
    # The database refuses it too, whatever path the UPDATE takes.
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE financement_supportstatuschange SET comment = 'changed' WHERE id = %s",
            [change.pk],
        )


def test_a_closed_supports_plan_is_not_drafted_again_but_its_lines_go_on(team, support):
    officer = team["officer"]
    line = line_in(support.financing_plan, BANK_LOAN, "1000", status="approved")
    services.support_request_transition(
        support=support, name="drop", by=officer, drop_reason="Financé autrement"
    )
    support.refresh_from_db()
    plan = support.financing_plan
    with pytest.raises(ValidationError, match=r"reopen|rouvrez"):
        services.financing_plan_update(plan=plan, by=officer, working_capital=D("5"))
    with pytest.raises(ValidationError, match=r"reopen|rouvrez"):
        services.financing_line_create(
            plan=plan, by=officer, instrument=instrument(BANK_LOAN), amount_requested=D("5")
        )
    with pytest.raises(ValidationError, match=r"reopen|rouvrez"):
        services.financing_line_update(line=line, by=officer, amount_requested=D("5"))
    services.financing_line_update(line=line, by=officer, comment="Versé en deux fois")
    line = FinancingLine.objects.get(pk=line.pk)
    services.financing_line_decide(line=line, name="disburse", by=officer)
    assert FinancingLine.objects.get(pk=line.pk).status == "disbursed"
