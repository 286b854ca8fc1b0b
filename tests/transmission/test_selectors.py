"""Alerts and the officer's day: right cases, right order, never another UR's."""

import datetime

import pytest
from django.utils import timezone

from crm.roles import Role
from tests.factories import OrganisationFactory, regional_union, staff_user
from tests.transmission.factories import CaseFactory, officer_and_director
from transmission import selectors
from transmission.choices import CaseKind, Stage

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def _lyon_case(**fields):
    return CaseFactory(
        organisation=OrganisationFactory(postal_code="69001"),
        regional_union=regional_union("ara"),
        **fields,
    )


def test_court_deadline_within_ten_days():
    officer, _ = officer_and_director()
    distress = {"kind": CaseKind.TAKEOVER_DISTRESS, "stage": Stage.STRUCTURING}
    near = CaseFactory(court_offer_deadline=days(10), **distress)
    CaseFactory(court_offer_deadline=days(11), **distress)
    CaseFactory(court_offer_deadline=days(-1), **distress)
    CaseFactory(kind=CaseKind.TAKEOVER, stage=Stage.STRUCTURING, court_offer_deadline=days(3))
    today_case = CaseFactory(court_offer_deadline=TODAY, **distress)
    _lyon_case(court_offer_deadline=days(2), **distress)
    found = selectors.alert_court_deadline_near(user=officer, today=TODAY)
    assert list(found) == [today_case, near]


def test_information_of_employees_alert_uses_the_rule_of_the_headcount_band():
    officer, _ = officer_and_director()
    closing = {"kind": CaseKind.TAKEOVER, "stage": Stage.CLOSING}

    def small(**fields):
        return CaseFactory(organisation=OrganisationFactory(employees=12), **closing, **fields)

    too_soon = small(employees_informed_on=days(-30))
    planned_too_soon = small(employees_informed_on=days(-90), signing_on=datetime.date(2026, 4, 1))
    small(employees_informed_on=datetime.date(2026, 4, 15))  # exactly two months
    small(employees_informed_on=days(-30), signing_on=days(60))
    stale = small(employees_informed_on=datetime.date(2024, 6, 14))
    small(employees_informed_on=days(-10), employees_waived_bid_on=days(-5))
    unknown = CaseFactory(employees_informed_on=days(-90), **closing)  # headcount unknown
    no_cse = CaseFactory(
        organisation=OrganisationFactory(employees=80), employees_informed_on=days(-90), **closing
    )
    CaseFactory(
        organisation=OrganisationFactory(employees=80),
        employees_informed_on=days(-10),
        cse_consulted_on=days(-5),
        **closing,
    )
    CaseFactory(
        organisation=OrganisationFactory(employees=400), employees_informed_on=days(-1), **closing
    )
    CaseFactory(  # not at signing yet
        organisation=OrganisationFactory(employees=12),
        employees_informed_on=days(-10),
        kind=CaseKind.TAKEOVER,
        stage=Stage.FINANCING,
    )
    CaseFactory(  # a court plan: the rule does not apply
        organisation=OrganisationFactory(employees=12),
        employees_informed_on=days(-10),
        kind=CaseKind.TAKEOVER_DISTRESS,
        stage=Stage.CLOSING,
    )
    _lyon_case(employees_informed_on=days(-30), **closing)  # another UR: never listed
    found = selectors.alert_employee_information(user=officer, today=TODAY)
    assert set(found) == {too_soon, planned_too_soon, stale, unknown, no_cse}
    assert found.first() == planned_too_soon  # the planned signing first


def test_court_hearing_within_fifteen_days():
    officer, _ = officer_and_director()
    distress = {"kind": CaseKind.TAKEOVER_DISTRESS, "stage": Stage.FINANCING}
    near = CaseFactory(court_hearing_on=days(15), **distress)
    today_case = CaseFactory(court_hearing_on=TODAY, **distress)
    CaseFactory(court_hearing_on=days(16), **distress)
    CaseFactory(court_hearing_on=days(-1), **distress)
    CaseFactory(kind=CaseKind.TAKEOVER, stage=Stage.FINANCING, court_hearing_on=days(3))
    _lyon_case(court_hearing_on=days(2), **distress)
    found = selectors.alert_court_hearing_near(user=officer, today=TODAY)
    assert list(found) == [today_case, near]


def test_overdue_next_actions_and_passed_review_dates():
    _officer, director = officer_and_director()
    overdue = CaseFactory(stage=Stage.FEASIBILITY, next_action_on=days(-1))
    CaseFactory(stage=Stage.FEASIBILITY, next_action_on=TODAY)
    CaseFactory(stage=Stage.ABANDONED, abandon_reason="not_viable", next_action_on=days(-5))
    _lyon_case(stage=Stage.FEASIBILITY, next_action_on=days(-3))
    held = CaseFactory(stage=Stage.ON_HOLD, previous_stage="feasibility", review_on=days(-1))
    CaseFactory(stage=Stage.ON_HOLD, previous_stage="feasibility", review_on=TODAY)
    alerts = selectors.case_alerts(user=director, today=TODAY)
    assert list(alerts["next_action_overdue"]) == [overdue]
    assert list(alerts["review_date_passed"]) == [held]
    assert set(alerts) == {
        "court_deadline_near",
        "court_hearing_near",
        "employee_information",
        "next_action_overdue",
        "review_date_passed",
    }
    board = staff_user(Role.BOARD_MEMBER)
    assert not any(qs.exists() for qs in selectors.case_alerts(user=board, today=TODAY).values())


def test_an_officers_day_is_sorted_by_next_action_date():
    officer, director = officer_and_director()
    later = CaseFactory(stage=Stage.LEAD, assigned_officer=officer, next_action_on=days(3))
    undated = CaseFactory(stage=Stage.LEAD, assigned_officer=officer)
    first = CaseFactory(stage=Stage.STRUCTURING, assigned_officer=officer, next_action_on=days(-2))
    CaseFactory(stage=Stage.DECLINED, decline_reason="spam", assigned_officer=officer)
    CaseFactory(stage=Stage.LEAD, assigned_officer=director, next_action_on=days(-9))
    assert list(selectors.officer_day(user=officer)) == [first, later, undated]
    assert list(selectors.officer_day(user=officer, on=TODAY)) == [first]


def test_case_list_is_scoped():
    officer, _ = officer_and_director()
    mine = CaseFactory()
    _lyon_case()
    assert list(selectors.case_list(user=officer)) == [mine]
    assert timezone.localdate()  # smoke: the selectors default to today's date
    assert selectors.alert_next_action_overdue(user=officer).count() == 0
