"""Refusals in the back office: a forged write on a colleague's case comes back on the form
in French with what was typed (never a bare 403), nothing is written; board members never
reach the back office nor the admin."""

import html

import pytest
from django.urls import reverse

from transmission.choices import Stage
from transmission.models import Activity

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_task_forged_on_a_colleagues_case_comes_back_with_the_refusal(
    client, colleague, case, today
):
    client.force_login(colleague)
    response = client.post(
        reverse("backoffice:task_add", args=[case.pk]),
        {"subject": "Passer voir le cédant", "due_on": today.isoformat()},
    )
    assert response.status_code == 422
    page = text(response)
    assert "Passer voir le cédant" in page  # the input is kept
    assert response.context["task_form"].non_field_errors()
    assert "Forbidden" not in page
    assert not Activity.objects.filter(case=case).exists()


def test_a_transition_forged_on_a_colleagues_case_comes_back_with_the_refusal(
    client, colleague, case
):
    client.force_login(colleague)
    response = client.post(
        reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"]),
        {"version": case.version, "jobs_at_stake": "12"},
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.non_field_errors()
    assert form["jobs_at_stake"].value() == "12"
    case.refresh_from_db()
    assert case.stage == Stage.QUALIFICATION and case.jobs_at_stake is None


def test_board_members_never_land_on_the_admin_nor_the_back_office(client, settings, board_member):
    settings.DEBUG = False
    client.force_login(board_member)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("dashboards:home"))
    response = client.get("/admin/", follow=True)
    assert not response.redirect_chain[-1][0].startswith("/admin/")
    response = client.get(reverse("backoffice:case_new"))
    assert response.status_code == 403 and "Accès refusé" in text(response)
