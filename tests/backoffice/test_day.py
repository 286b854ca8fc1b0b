"""Ma journée: tasks and next actions due, alerts, unassigned leads, cases by stage."""

import pytest
from django.urls import reverse

from tests.backoffice.conftest import days
from tests.transmission.factories import CaseFactory
from transmission import services
from transmission.choices import ActivityKind
from transmission.models import Activity

pytestmark = pytest.mark.django_db


def task(case, by, subject, due_on, assignee=None):
    return services.activity_create(
        case=case,
        by=by,
        kind=ActivityKind.TASK,
        subject=subject,
        due_on=due_on,
        assignee=assignee,
    )


def test_the_day_lists_my_overdue_and_due_tasks_not_later_ones_nor_colleagues(
    client, officer, colleague, director, case, today
):
    task(case, officer, "Rappeler le cédant", today - days(3))
    task(case, officer, "Envoyer le diagnostic", today)
    task(case, officer, "Préparer le comité", today + days(5))
    task(case, director, "Tâche du collègue", today, assignee=colleague)
    client.force_login(officer)
    body = client.get(reverse("backoffice:home")).content.decode()
    assert "Rappeler le cédant" in body
    assert "Envoyer le diagnostic" in body
    assert "Préparer le comité" not in body
    assert "Tâche du collègue" not in body
    assert "Camille Le Goff" in body  # the header shows the full name, not the login


def test_next_actions_due_and_overdue_show_with_their_case(client, officer, today):
    late = CaseFactory(
        assigned_officer=officer, next_action="Relancer", next_action_on=today - days(2)
    )
    CaseFactory(assigned_officer=officer, next_action="Plus tard", next_action_on=today + days(9))
    client.force_login(officer)
    body = client.get(reverse("backoffice:home")).content.decode()
    assert "Relancer" in body and late.reference in body
    assert "Plus tard" not in body


def test_unassigned_leads_of_my_ur_only(client, officer, ara_case):
    mine = CaseFactory()  # Ouest, lead, unassigned
    client.force_login(officer)
    body = client.get(reverse("backoffice:home")).content.decode()
    assert mine.reference in body
    assert ara_case.reference not in body


def test_cases_by_stage_are_counted(client, officer):
    CaseFactory(assigned_officer=officer, stage="feasibility")
    CaseFactory(assigned_officer=officer, stage="feasibility")
    client.force_login(officer)
    by_stage = client.get(reverse("backoffice:home")).context["by_stage"]
    assert {"stage": "feasibility", "count": 2} in by_stage


def test_court_deadline_alert_for_my_case(client, officer, today):
    CaseFactory(
        kind="takeover_distress",
        assigned_officer=officer,
        court_offer_deadline=today + days(4),
        organisation__name="Fonderie en redressement",
    )
    client.force_login(officer)
    response = client.get(reverse("backoffice:home"))
    assert [c.organisation.name for c in response.context["alerts"]["court_deadline_near"]] == [
        "Fonderie en redressement"
    ]


def test_a_task_is_ticked_done_in_one_htmx_click(client, officer, case, today):
    todo = task(case, officer, "Rappeler le cédant", today)
    client.force_login(officer)
    response = client.post(
        reverse("backoffice:task_complete", args=[todo.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Fait" in response.content.decode()
    assert Activity.objects.get(pk=todo.pk).done


def test_ticking_needs_post_and_a_task_of_my_territory(client, other_officer, case, officer, today):
    todo = task(case, officer, "Rappeler le cédant", today)
    client.force_login(other_officer)
    assert client.get(reverse("backoffice:task_complete", args=[todo.pk])).status_code == 405
    assert client.post(reverse("backoffice:task_complete", args=[todo.pk])).status_code == 404
    assert not Activity.objects.get(pk=todo.pk).done


def test_a_colleague_may_not_tick_my_task(client, colleague, case, officer, today):
    todo = task(case, officer, "Rappeler le cédant", today)
    client.force_login(colleague)
    assert client.post(reverse("backoffice:task_complete", args=[todo.pk])).status_code == 403
    assert not Activity.objects.get(pk=todo.pk).done
