"""The economic-citizenship page: indicators aggregated by group, national references beside,
small groups hidden for a board member, the CSV, the definitions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.roles import Role
from dashboards.selectors import citizenship
from dashboards.selectors.common import DashboardQuery
from tests.factories import regional_union, staff_user
from tests.followup.helpers import cooperative, review
from tests.transmission.factories import CaseFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # the reviews the page shows by default


def world():
    """Ouest: six Scop (one from a takeover case each but the last), Σ 39 employee members
    for 60 jobs; Auvergne-Rhône-Alpes: one Scop, 9 members for 10 jobs."""
    for n in range(6):
        follow_up = cooperative(name=f"Scop Ouest {n}")
        review(follow_up, YEAR, employee_members=4 if n == 0 else 7)
        if n < 5:
            follow_up.case = CaseFactory(kind="takeover", organisation=follow_up.organisation)
            follow_up.save(update_fields=["case"])
    lone = cooperative(name="Scop Lyonnaise Unique", postal_code="69001")
    review(lone, YEAR, employee_members=9, members=9)


def _row(frame, group, code):
    return frame[(frame["group"] == group) & (frame["code"] == code)].iloc[0]


def test_the_rows_pool_the_reviews_per_group_with_the_reference_beside():
    world()
    query = DashboardQuery(start=datetime.date(2015, 1, 1), end=timezone.localdate())
    overall = citizenship.indicator_rows(query)
    membership = _row(overall, "Toutes les coopératives", "membership_rate")
    assert membership["value"] == pytest.approx(48 / 70 * 100, abs=0.01)
    assert membership["reference"] == 68.0 and membership["cooperatives"] == 7
    by_ur = citizenship.indicator_rows(query, "ur")
    ouest = regional_union("ouest").name
    assert _row(by_ur, ouest, "membership_rate")["value"] == 65.0
    assert _row(by_ur, ouest, "survival_5_years")["value"] == 100.0
    assert _row(by_ur, ouest, "survival_5_years")["cooperatives"] == 6


def test_the_kind_filter_keeps_the_cooperatives_born_from_that_kind_of_case():
    world()
    query = DashboardQuery(
        start=datetime.date(2015, 1, 1), end=timezone.localdate(), kind="takeover"
    )
    overall = citizenship.indicator_rows(query)
    membership = overall[overall["code"] == "membership_rate"].iloc[0]
    assert membership["cooperatives"] == 5 and membership["value"] == 64.0  # (4 + 4 × 7) / 50
    by_kind = citizenship.indicator_rows(query, "kind")
    assert set(by_kind["group"]) == {"transmission d'entreprise saine"}


def test_a_board_member_reads_aggregates_with_small_groups_hidden(client):
    world()
    client.force_login(staff_user(Role.BOARD_MEMBER))
    response = client.get(reverse("dashboards:page", args=["citoyennete"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Citoyenneté économique" in body and "Gouvernance partagée" in body
    assert "Scop Lyonnaise Unique" not in body and "Scop Ouest" not in body
    assert reverse("dashboards:indicator_definitions") in body
    assert f'href="{reverse("dashboards:csv", args=["citoyennete", "par-ur"])}' in body
    csv = client.get(reverse("dashboards:csv", args=["citoyennete", "par-ur"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    ara = regional_union("ara").name
    ouest = regional_union("ouest").name
    membership = [line for line in lines if "salarié" in line and "associé" in line]
    ara_line = next(line for line in membership if ara in line)
    ouest_line = next(line for line in membership if ouest in line)
    assert "< 5" in ara_line  # one cooperative: hidden
    assert "65,0" in ouest_line and "68,0" in ouest_line  # its value, the reference beside


def test_the_definitions_page_shows_docs_indicators(client):
    client.force_login(staff_user(Role.BOARD_MEMBER))
    response = client.get(reverse("dashboards:indicator_definitions"))
    assert response.status_code == 200
    assert "membership_rate" in response.content.decode()


def test_the_definitions_need_dashboard_access(client):
    response = client.get(reverse("dashboards:indicator_definitions"))
    assert response.status_code == 302
    client.force_login(staff_user(Role.OFFICER, "ouest"))
    assert client.get(reverse("dashboards:indicator_definitions")).status_code == 200
