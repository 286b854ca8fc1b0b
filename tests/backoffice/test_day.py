"""Ma journée: tasks and next actions due, alerts, unassigned leads, cases by stage."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.selectors import day
from followup.revision import add_years
from tests.backoffice.conftest import days
from tests.factories import OrganisationFactory
from tests.followup.helpers import cooperative, review
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


# --- Follow-up of the cooperatives -----------------------------------------------------------


def amorcage(since, postal_code="35000", **fields):
    """A Scop d'amorçage: a cooperative that carries its deadline to 50 % of the capital."""
    follow_up = cooperative(
        since=since,
        postal_code=postal_code,
        seed_scop_until=datetime.date(since.year + 7, 12, 31),
        **fields,
    )
    return follow_up


def follow_up_world(today):
    """Ouest: a review to collect, a révision due, a Scop d'amorçage behind and one on track;
    Auvergne-Rhône-Alpes: the same three, which an Ouest officer must not see."""
    year = today.year
    for postal_code, suffix in (("35000", "Ouest"), ("69001", "ARA")):
        # Incorporated two years ago: last year's review is due (none recorded).
        cooperative(
            since=datetime.date(year - 2, 1, 10),
            postal_code=postal_code,
            name=f"Scop à relancer {suffix}",
        )
        # Incorporated five years ago, next month: its first révision is due within 180 days.
        revision = cooperative(
            since=add_years(today, -5) + days(30),
            postal_code=postal_code,
            name=f"Scop à réviser {suffix}",
        )
        for past in range(revision.organisation.cooperative_since.year, year):
            review(revision, past)
        # Transformed three years ago from 10 %: on the straight line 10 → 50 % in 7 years,
        # 21.43 % is expected at the end of its second year (last year's review); 15 % is
        # behind, 40 % is not.
        start = year - 3
        for name, share in (
            (f"Amorçage en retard {suffix}", "15"),
            (f"Amorçage à l'heure {suffix}", "40"),
        ):
            seed = amorcage(datetime.date(start, 2, 1), postal_code=postal_code, name=name)
            review(seed, start, employee_capital_share=Decimal("10"))
            for past in range(start + 1, year):
                review(seed, past, employee_capital_share=Decimal(share))


def test_the_day_shows_the_follow_up_of_my_urs_cooperatives(client, officer, today):
    follow_up_world(today)
    client.force_login(officer)
    response = client.get(reverse("backoffice:home"))
    body = response.content.decode()
    follow_up = response.context["follow_up"]
    assert "Scop à relancer Ouest" in [t.organisation_name for t in follow_up["reviews"]["rows"]]
    assert [r.organisation_name for r in follow_up["revisions"]["rows"]] == ["Scop à réviser Ouest"]
    assert [a.organisation_name for a in follow_up["seed_scops"]["rows"]] == [
        "Amorçage en retard Ouest"
    ]
    assert "Bilans annuels à collecter" in body
    assert "Révisions coopératives à prévoir" in body
    assert "Scop d'amorçage en retard sur leur trajectoire vers la moitié du capital" in body
    assert "révision périodique" in body.lower()
    assert "les salarié·es détiennent 15 % du capital" in body
    assert "ARA" not in "".join(
        row.organisation_name for rows in follow_up.values() for row in rows["rows"]
    )


def test_the_follow_up_costs_the_same_queries_whatever_the_number_of_cooperatives(
    client, officer, today, django_assert_max_num_queries
):
    follow_up_world(today)
    client.force_login(officer)
    client.get(reverse("backoffice:home"))  # session, permissions cached
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("backoffice:home"))
    for index in range(5):
        seed = amorcage(datetime.date(today.year - 3, 2, 1), name=f"Autre amorçage {index}")
        review(seed, today.year - 1, employee_capital_share=Decimal("12"))
        cooperative(since=datetime.date(today.year - 2, 1, 10), name=f"Autre Scop {index}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("backoffice:home"))
    assert response.context["follow_up"]["seed_scops"]["count"] == 6


def test_without_a_review_of_the_transformation_year_the_path_starts_from_zero(officer, today):
    seed = amorcage(datetime.date(today.year - 3, 2, 1), name="Amorçage sans bilan initial")
    # From 0 %, 2/7 of 50 % ≈ 14.29 % is expected at the end of the second year.
    review(seed, today.year - 1, employee_capital_share=Decimal("15"))
    assert day.follow_up_reminders(user=officer, today=today)["seed_scops"]["count"] == 0
    review(seed, today.year - 1, employee_capital_share=Decimal("14"))
    [alert] = day.follow_up_reminders(user=officer, today=today)["seed_scops"]["rows"]
    assert alert.expected_share == Decimal("14.29") and alert.actual_share == Decimal("14")
    assert alert.deadline == datetime.date(today.year + 4, 12, 31)


def test_a_board_member_has_no_follow_up_in_a_day(board_member, today):
    follow_up_world(today)
    reminders = day.follow_up_reminders(user=board_member, today=today)
    assert all(rows["count"] == 0 for rows in reminders.values())


def test_information_of_employees_and_hearing_alerts_for_my_cases(client, officer, today):

    CaseFactory(
        kind="takeover",
        stage="closing",
        assigned_officer=officer,
        employees_informed_on=today - days(10),
        organisation=OrganisationFactory(name="Imprimerie Le Du", employees=15),
    )
    CaseFactory(
        kind="takeover_distress",
        stage="financing",
        assigned_officer=officer,
        court_hearing_on=today + days(7),
        organisation__name="Fonderie à l'audience",
    )
    client.force_login(officer)
    response = client.get(reverse("backoffice:home"))
    [notice] = response.context["alerts"]["employee_information"]
    assert notice.organisation.name == "Imprimerie Le Du"
    assert [c.organisation.name for c in response.context["alerts"]["court_hearing_near"]] == [
        "Fonderie à l'audience"
    ]
    body = response.content.decode()
    assert "Information des salariés à vérifier avant la signature" in body
    assert "la cession ne peut pas avoir lieu avant" in body
    assert "Audience du tribunal dans les 15 jours" in body
