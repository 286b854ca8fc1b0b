"""Survival of the cooperatives born from the pipeline: lifelines' Kaplan–Meier against a
hand-computed example with censoring, the selector and the page."""

import datetime
import math

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.roles import Role
from dashboards import survival
from dashboards.pages.survival import SURVIVAL
from dashboards.selectors import survival as selector
from dashboards.selectors.common import DashboardQuery
from tests.dashboards.builders import case_with_history
from tests.factories import OrganisationFactory, staff_user

Z = 1.959963984540054


def test_kaplan_meier_with_censoring_against_a_hand_computed_example():
    # Five cooperatives: ceased at 1 and 3 and 4 years; censored at 2 and 5 years.
    durations, events = [1, 2, 3, 4, 5], [True, False, True, True, False]
    rows = survival.kaplan_meier_bands(durations, events, [1] * 5, [0, 1, 2, 3, 4, 5])
    # By hand: S(1) = 4/5; S(3) = 4/5 × 2/3; S(4) = S(3) × 1/2.
    s1, s3 = 0.8, 0.8 * 2 / 3
    s4 = s3 / 2
    assert [round(r[1], 6) for r in rows] == [1, s1, s1, round(s3, 6), round(s4, 6), round(s4, 6)]
    # Greenwood sums Σ d / (n (n − d)) and the exponential (log(−log)) interval.
    greenwood = {1: 1 / 20, 3: 1 / 20 + 1 / 6, 4: 1 / 20 + 1 / 6 + 1 / 2}
    for time, value in ((1, s1), (3, s3), (4, s4)):
        spread = Z * math.sqrt(greenwood[time] / math.log(value) ** 2)
        lower, upper = value ** math.exp(spread), value ** math.exp(-spread)
        row = rows[time]
        assert row[2] == pytest.approx(lower, abs=1e-6)
        assert row[3] == pytest.approx(upper, abs=1e-6)
    assert [r[4] for r in rows] == [5, 5, 4, 3, 2, 1]  # still followed at each time


def _cooperative_case(kind, since, ceased=None, ur="ouest"):
    organisation = OrganisationFactory(
        cooperative_type="scop", cooperative_since=since, cooperative_ceased_on=ceased
    )
    return case_with_history(
        [(400, "incorporated")], kind=kind, ur=ur, organisation=organisation, registered_on=since
    )


@pytest.mark.django_db
def test_the_selector_reads_births_and_cessations_of_pipeline_cooperatives():
    today = timezone.localdate()
    _cooperative_case("takeover", datetime.date(2020, 1, 1), datetime.date(2022, 1, 1))
    _cooperative_case("takeover", datetime.date(2020, 1, 1))
    _cooperative_case("creation", datetime.date(2010, 1, 1))  # born before the period
    query = DashboardQuery(start=datetime.date(2015, 1, 1), end=today)
    frame = selector.durations(selector.pipeline_cooperatives(query), today)
    frame = frame.sort_values("event", ascending=False).reset_index(drop=True)
    assert list(frame["kind"]) == ["takeover", "takeover"]
    assert list(frame["event"]) == [True, False]
    assert frame.loc[0, "years"] == pytest.approx(731 / 365.25)
    assert frame.loc[1, "years"] == pytest.approx((today - datetime.date(2020, 1, 1)).days / 365.25)
    assert list(frame["cohort"]) == [2020, 2020]


@pytest.mark.django_db
def test_survival_page_for_a_board_member_hides_small_cohorts_and_serves_the_csv(client):
    for n in range(6):
        ceased = datetime.date(2021 + n % 3, 6, 1) if n < 2 else None
        _cooperative_case("takeover", datetime.date(2019, 1, 1), ceased)
    _cooperative_case("creation", datetime.date(2019, 1, 1))
    client.force_login(staff_user(Role.BOARD_MEMBER))
    query = "?start=2018-01-01"
    response = client.get(reverse("dashboards:page", args=["survie"]) + query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Survie" in body and "<script>" not in body
    assert 'href="/tableaux-de-bord/survie/' in body  # in the navigation
    csv = client.get(reverse("dashboards:csv", args=["survie", "par-origine"]) + query)
    lines = csv.content.decode("utf-8-sig").splitlines()
    creation = [line for line in lines if "ex nihilo" in line.lower()]
    takeover = [line for line in lines if "saine" in line.lower()]
    assert creation and all("< 5" in line for line in creation)  # one cooperative: hidden
    # Six takeovers, two ceased (2021, 2022): 100 % until 2 years, then 5/6, then 4/6.
    at = {line.split(";")[2]: line for line in takeover}
    assert at["1"].split(";")[5] == "100,0"
    assert at["3"].split(";")[5] == "83,3" and at["4"].split(";")[5] == "66,7"
    assert at["5"].split(";")[8] == "90,0"  # the national reference for healthy takeovers


def test_survival_is_in_the_navigation_list():
    from dashboards.pages import PAGES

    assert PAGES["survie"] is SURVIVAL
