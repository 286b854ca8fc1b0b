"""Reviews due (the officer's day), révision reminders, scoped to the user's UR."""

import datetime
from decimal import Decimal

import pytest

from crm.roles import Role
from followup import selectors
from tests.factories import staff_user
from tests.followup.helpers import cooperative, review

pytestmark = pytest.mark.django_db


def test_reviews_due_from_a_month_before_30_june_and_until_recorded():
    follow_up = cooperative(since=datetime.date(2022, 9, 1))
    officer = staff_user(Role.OFFICER, "ouest")
    # The 2022 review is due on 30/06/2023 and shows from 31/05/2023.
    assert selectors.reviews_due(on=datetime.date(2023, 5, 30), user=officer) == []
    tasks = selectors.reviews_due(on=datetime.date(2023, 5, 31), user=officer)
    assert [(t.follow_up_id, t.year, t.due_on) for t in tasks] == [
        (follow_up.pk, 2022, datetime.date(2023, 6, 30))
    ]
    assert not tasks[0].overdue_on(datetime.date(2023, 6, 30))
    assert tasks[0].overdue_on(datetime.date(2023, 7, 1))
    # Overdue ones stay, oldest first, until the review is recorded.
    tasks = selectors.reviews_due(on=datetime.date(2024, 6, 15), user=officer)
    assert [t.year for t in tasks] == [2022, 2023]
    review(follow_up, 2022)
    assert [t.year for t in selectors.reviews_due(on=datetime.date(2024, 6, 15), user=officer)] == [
        2023
    ]


def test_reviews_stop_after_the_follow_up_years_and_at_cessation():
    from crm.actors import SYSTEM
    from followup import services

    long_ago = cooperative(since=datetime.date(2010, 1, 15))
    officer = staff_user(Role.OFFICER, "ouest")
    years = [t.year for t in selectors.reviews_due(on=datetime.date(2017, 12, 1), user=officer)]
    assert years == list(range(2010, 2010 + selectors.FOLLOW_UP_YEARS))
    ceased = cooperative(since=datetime.date(2021, 1, 1))
    services.cooperative_cease(
        organisation=ceased.organisation,
        on=datetime.date(2023, 3, 1),
        cause="liquidation",
        by=SYSTEM,
    )
    tasks = selectors.reviews_due(on=datetime.date(2025, 12, 1), user=officer)
    assert sorted(t.year for t in tasks if t.follow_up_id == ceased.pk) == [2021, 2022]
    assert long_ago.pk not in {t.follow_up_id for t in tasks}  # beyond its follow-up years


def test_reviews_due_are_scoped_to_the_officers_ur():
    ouest = cooperative(since=datetime.date(2022, 1, 1), postal_code="35000")
    ara = cooperative(since=datetime.date(2022, 1, 1), postal_code="69001")
    on = datetime.date(2023, 7, 1)
    assert {
        t.follow_up_id for t in selectors.reviews_due(on=on, user=staff_user(Role.OFFICER, "ouest"))
    } == {ouest.pk}
    assert {
        t.follow_up_id for t in selectors.reviews_due(on=on, user=staff_user(Role.OFFICER, "ara"))
    } == {ara.pk}
    assert selectors.reviews_due(on=on, user=staff_user(Role.BOARD_MEMBER)) == []


def test_revision_reminders_six_months_ahead_and_when_triggered():
    periodic = cooperative(since=datetime.date(2020, 3, 1))
    losses = cooperative(since=datetime.date(2021, 1, 1))
    for year in (2021, 2022, 2023):
        review(
            losses,
            year,
            result=Decimal("-100"),
            result_to_employees=None,
            result_to_dividends=None,
            result_to_reserves=None,
        )
    officer = staff_user(Role.OFFICER, "ouest")
    reminders = selectors.revisions_due(on=datetime.date(2024, 8, 1), user=officer)
    assert [(r.follow_up_id, r.due_on, r.reason) for r in reminders] == [
        (losses.pk, datetime.date(2024, 6, 30), "three_losses")
    ]
    assert reminders[0].overdue_on(datetime.date(2024, 8, 1))
    reminders = selectors.revisions_due(on=datetime.date(2024, 9, 2), user=officer)
    assert [r.follow_up_id for r in reminders] == [losses.pk, periodic.pk]
    assert (
        selectors.revisions_due(on=datetime.date(2024, 9, 2), user=staff_user(Role.OFFICER, "ara"))
        == []
    )
