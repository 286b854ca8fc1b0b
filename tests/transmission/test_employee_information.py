"""The information of employees before a sale (loi ESS 2014): each headcount band, the two
years of validity, the waiver; a warning recorded in the history, never a block."""

import datetime

import pytest
from django.utils import timezone, translation

from crm.models import Organisation
from tests.factories import OrganisationFactory, valid_siren
from tests.transmission.factories import CaseFactory, complete_data, officer_and_director
from transmission import employee_information, services
from transmission.choices import CaseKind, Stage
from transmission.employee_information import Status
from transmission.models import Case

TODAY = datetime.date(2026, 6, 15)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def _case(employees, kind=CaseKind.TAKEOVER, **fields):
    # Unsaved: the rule is pure, it reads the case and its organisation only.
    return Case(kind=kind, organisation=Organisation(employees=employees), **fields)


def _status(case):
    return employee_information.assess(case, today=TODAY).status


# --- The rule, band by band -----------------------------------------------------------------


def test_under_50_employees_need_two_calendar_months_before_the_sale():
    assert _status(_case(49, employees_informed_on=days(-30))) == Status.SHORT_NOTICE
    # Exactly two calendar months (15 April → 15 June) is enough; one day less is not.
    assert _status(_case(49, employees_informed_on=datetime.date(2026, 4, 15))) == Status.COMPLIANT
    assert (
        _status(_case(49, employees_informed_on=datetime.date(2026, 4, 16))) == Status.SHORT_NOTICE
    )
    # The planned signing date counts when known, today otherwise.
    planned = _case(12, employees_informed_on=days(-30), signing_on=days(31))
    assert _status(planned) == Status.COMPLIANT


def test_a_short_delay_says_when_the_sale_may_take_place_in_french():
    case = _case(12, employees_informed_on=days(-30))
    with translation.override("fr"):
        found = employee_information.assess(case, today=TODAY)
    assert found.is_warning
    assert found.message == (
        "Les salariés ont été informés le 16/05/2026 : la cession ne peut pas avoir lieu avant "
        "le 16/07/2026 (il manque 31 jours pour atteindre deux mois)."
    )


def test_from_50_to_249_employees_the_information_comes_no_later_than_the_cse():
    assert _status(_case(50, employees_informed_on=days(-3))) == Status.CSE_DATE_MISSING
    late = _case(249, employees_informed_on=days(-3), cse_consulted_on=days(-10))
    assert _status(late) == Status.AFTER_CSE
    with translation.override("fr"):
        assert "7 jours après la consultation du CSE du 05/06/2026" in (
            employee_information.assess(late, today=TODAY).message
        )
    # Same day as the consultation, or before: compliant, whatever the delay before the sale.
    assert (
        _status(_case(120, employees_informed_on=days(-3), cse_consulted_on=days(-3)))
        == Status.COMPLIANT
    )


def test_from_250_employees_the_rule_does_not_apply():
    found = employee_information.assess(_case(250), today=TODAY)
    assert found.status == Status.NOT_APPLICABLE and not found.is_warning


def test_an_unknown_headcount_is_said_not_guessed():
    found = employee_information.assess(_case(None, employees_informed_on=days(-90)), today=TODAY)
    assert found.status == Status.UNKNOWN_HEADCOUNT and found.is_warning


def test_employees_not_yet_informed():
    assert _status(_case(10)) == Status.NOT_INFORMED


def test_the_information_is_valid_two_years():
    assert _status(_case(10, employees_informed_on=datetime.date(2024, 6, 15))) == Status.COMPLIANT
    stale = _case(10, employees_informed_on=datetime.date(2024, 6, 14))
    assert _status(stale) == Status.STALE
    # For the CSE band too.
    stale_cse = _case(
        100, employees_informed_on=days(-800), cse_consulted_on=days(-790), signing_on=days(10)
    )
    assert _status(stale_cse) == Status.STALE


def test_the_waiver_of_every_employee_lifts_the_delay():
    waived = _case(10, employees_informed_on=days(-3), employees_waived_bid_on=days(-1))
    found = employee_information.assess(waived, today=TODAY)
    assert found.status == Status.WAIVED and not found.is_warning


@pytest.mark.parametrize(
    "kind", [CaseKind.TAKEOVER_DISTRESS, CaseKind.CREATION, CaseKind.CONVERSION]
)
def test_only_the_sale_of_a_healthy_company_is_concerned(kind):
    assert _status(_case(10, kind=kind, employees_informed_on=days(-3))) == Status.NOT_APPLICABLE


# --- Through the workflow: warnings in the history, never a block ---------------------------


def _at(stage, officer, employees, **fields):
    data = {**complete_data(CaseKind.TAKEOVER), **fields}
    return CaseFactory(
        stage=stage,
        kind=CaseKind.TAKEOVER,
        assigned_officer=officer,
        organisation=OrganisationFactory(employees=employees),
        **data,
    )


@pytest.mark.django_db
def test_the_information_date_is_asked_only_where_the_law_asks_for_the_information(gate):
    officer, _director = officer_and_director()
    small = _at(Stage.FINANCING, officer, 12, employees_informed_on=None)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(case=small, name="start_closing", by=officer)
    assert list(refused.value.field_errors) == ["employees_informed_on"]
    large = _at(Stage.FINANCING, officer, 300, employees_informed_on=None)
    services.case_transition(case=large, name="start_closing", by=officer)
    waived = _at(Stage.FINANCING, officer, 12, employees_informed_on=None)
    services.case_transition(
        case=waived,
        name="start_closing",
        by=officer,
        employees_waived_bid_on=timezone.localdate(),
    )
    assert (large.stage, waived.stage) == (Stage.CLOSING, Stage.CLOSING)


@pytest.mark.django_db
def test_going_to_signing_with_a_short_delay_is_allowed_and_recorded(gate):
    officer, _director = officer_and_director()
    today = timezone.localdate()
    case = _at(Stage.FINANCING, officer, 12, employees_informed_on=None)
    with translation.override("fr"):
        services.case_transition(
            case=case,
            name="start_closing",
            by=officer,
            employees_informed_on=today - datetime.timedelta(days=20),
        )
    assert case.stage == Stage.CLOSING
    row = case.stage_changes.get(transition="start_closing")
    [warning] = row.data["warnings"]
    assert warning["rule"] == "employee_information"
    assert warning["status"] == "short_notice" and warning["warning"] is True
    assert warning["message"].startswith("Les salariés ont été informés le ")


@pytest.mark.django_db
def test_incorporation_records_the_warning_again_and_a_compliant_case_records_none(gate):
    officer, _director = officer_and_director()
    today = timezone.localdate()
    case = _at(Stage.CLOSING, officer, 80, employees_informed_on=today)
    services.case_transition(
        case=case,
        name="incorporate",
        by=officer,
        cooperative_siren=valid_siren(7),
        registered_on=today,
    )
    row = case.stage_changes.get(transition="incorporate")
    assert [w["status"] for w in row.data["warnings"]] == ["cse_date_missing"]

    compliant = _at(
        Stage.FINANCING, officer, 80, employees_informed_on=today - datetime.timedelta(days=3)
    )
    services.case_transition(
        case=compliant,
        name="start_closing",
        by=officer,
        cse_consulted_on=today - datetime.timedelta(days=1),
    )
    assert "warnings" not in compliant.stage_changes.get(transition="start_closing").data


@pytest.mark.django_db
def test_the_cse_and_waiver_dates_cannot_be_in_the_future(gate):
    officer, _director = officer_and_director()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    case = _at(Stage.FINANCING, officer, 80)
    with translation.override("fr"), pytest.raises(services.TransitionRefused) as refused:
        services.case_transition(
            case=case,
            name="start_closing",
            by=officer,
            cse_consulted_on=tomorrow,
            employees_waived_bid_on=tomorrow,
        )
    assert refused.value.field_errors == {
        "cse_consulted_on": ["La date de consultation du CSE ne peut pas être dans le futur."],
        "employees_waived_bid_on": [
            "La date de renonciation des salariés à présenter une offre ne peut pas être dans "
            "le futur."
        ],
    }
    case.refresh_from_db()
    assert case.stage == Stage.FINANCING and case.cse_consulted_on is None
