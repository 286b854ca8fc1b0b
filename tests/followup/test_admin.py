"""Admin of the follow-up: French, scoped to the officer's UR, writes through the services."""

import datetime

import pytest
from django.urls import reverse

from crm.roles import Role
from followup.models import AnnualReview, CooperativeFollowUp
from tests.factories import staff_user
from tests.followup.helpers import GOOD_REVIEW, cooperative, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    officer = staff_user(Role.OFFICER, "ouest", is_staff=True)
    client.force_login(officer)
    client.officer = officer
    return client


def _form(follow_up, **changes):
    data = {
        "confederation_member": "on",
        "confederation_member_since": "01/04/2020",
        "ur_member": "on",
        "ur_member_since": "01/04/2020",
        "revision_interval_years": "5",
        "last_revision_on": "",
        "ceased_on": "",
        "cause": "",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": str(follow_up.reviews.count()),
        "reviews-MIN_NUM_FORMS": "0",
        "reviews-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_lists_only_the_officers_ur_in_french(officer_client):
    ouest = cooperative()
    ara = cooperative(postal_code="69001")
    page = officer_client.get(reverse("admin:followup_cooperativefollowup_changelist"))
    text = page.content.decode()
    assert page.status_code == 200
    assert ouest.organisation.name in text and ara.organisation.name not in text
    assert "suivis de coopératives" in text.lower() or "suivi de coopérative" in text.lower()
    assert "en activité" in text
    other = officer_client.get(reverse("admin:followup_cooperativefollowup_change", args=[ara.pk]))
    assert other.status_code in (302, 404)


def test_membership_and_cessation_through_the_form(officer_client):
    follow_up = cooperative(since=datetime.date(2020, 3, 1))
    url = reverse("admin:followup_cooperativefollowup_change", args=[follow_up.pk])
    response = officer_client.post(
        url, _form(follow_up, ceased_on="15/05/2024", cause="liquidation")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    follow_up.refresh_from_db()
    follow_up.organisation.refresh_from_db()
    assert follow_up.confederation_member and follow_up.ur_member
    assert follow_up.organisation.cooperative_ceased_on == datetime.date(2024, 5, 15)
    assert follow_up.cease_cause == "liquidation"


def test_a_cessation_needs_both_date_and_cause(officer_client):
    follow_up = cooperative()
    url = reverse("admin:followup_cooperativefollowup_change", args=[follow_up.pk])
    response = officer_client.post(url, _form(follow_up, ceased_on="15/05/2024"))
    assert response.status_code == 200
    assert "indiquez sa date et sa cause" in response.content.decode()
    follow_up.organisation.refresh_from_db()
    assert follow_up.organisation.cooperative_ceased_on is None


def test_a_review_added_in_the_admin_goes_through_the_service(officer_client):
    follow_up = cooperative(since=datetime.date(2020, 3, 1))
    data = {"follow_up": str(follow_up.pk), "year": "2021"}
    data.update({k: "" if v is None else str(v) for k, v in GOOD_REVIEW.items()})
    response = officer_client.post(reverse("admin:followup_annualreview_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AnnualReview.objects.get().recorded_by == officer_client.officer
    data["year"] = "2019"
    response = officer_client.post(reverse("admin:followup_annualreview_add"), data)
    assert "ne peut pas précéder l&#x27;année d&#x27;immatriculation" in response.content.decode()


def test_reviews_of_another_ur_are_not_offered(officer_client):
    ara = cooperative(postal_code="69001")
    review(ara, 2021)
    page = officer_client.get(reverse("admin:followup_annualreview_changelist"))
    assert ara.organisation.name not in page.content.decode()
    add = officer_client.get(reverse("admin:followup_annualreview_add")).content.decode()
    assert ara.organisation.name not in add
    assert CooperativeFollowUp.objects.count() == 1
