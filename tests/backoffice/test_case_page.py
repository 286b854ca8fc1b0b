"""The case page: header, transitions, timeline, tasks, contacts, milestones, plan, reassignment."""

from decimal import Decimal

import pytest
from django.urls import reverse

from crm.roles import Role
from financement import services as financing
from tests.backoffice.conftest import days
from tests.factories import OrganisationFactory, PartnerFactory, PersonFactory, staff_user
from tests.financement.factories import BANK_LOAN, MOVEMENT_LOAN, line_in, plan_for, session_in
from tests.transmission.factories import CaseFactory, complete_data
from transmission import services
from transmission.choices import ActivityKind
from transmission.models import Activity, LeadSubmission, StageChange

pytestmark = pytest.mark.django_db


def page(client, case):
    return client.get(reverse("backoffice:case", args=[case.pk]))


def test_header_shows_reference_kind_stage_organisation_officer_ur(client, officer, case):
    client.force_login(officer)
    body = page(client, case).content.decode()
    for text in [
        case.reference,
        "Menuiserie Guégan",
        "Premiers contacts",
        "Camille Le Goff",
        case.regional_union.name,
    ]:
        assert text in body, text


def test_transitions_offered_with_what_blocks_them(client, officer, case):
    client.force_login(officer)
    transitions = {t.name: t for t in page(client, case).context["transitions"]}
    assert not transitions["start_feasibility"].allowed
    assert transitions["start_feasibility"].permitted
    assert transitions["start_feasibility"].reasons == ["Le nombre d'emplois en jeu manque."]


def test_a_colleague_case_does_not_look_editable(client, colleague, case):
    client.force_login(colleague)
    response = page(client, case)
    assert not response.context["may_work"]
    assert not any(t.permitted for t in response.context["transitions"])
    body = response.content.decode()
    assert "Ajouter la tâche" not in body
    assert reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"]) not in body


def test_the_timeline_is_newest_first_in_french_with_every_source(client, officer, director):
    case = services.case_create(
        organisation=PersonFactory().organisation,
        kind="takeover",
        by=director,
        assigned_officer=officer,
    )
    services.case_transition(case=case, name="qualify", by=officer, comment="Premier appel")
    services.activity_create(case=case, by=officer, kind=ActivityKind.CALL, subject="Appel cédant")
    LeadSubmission.objects.create(
        partner=PartnerFactory(name="Banque du Ponant"),
        case=case,
        kind="takeover",
        raw_body="{}",
        payload={},
    )
    plan = plan_for(case, price="100000")
    line = line_in(plan, BANK_LOAN, "50000")
    financing.financing_line_decide(line=line, name="request", by=officer)
    client.force_login(officer)
    timeline = page(client, case).context["timeline"]
    titles = [entry.title for entry in timeline]
    assert titles[-1] == "Dossier ouvert"
    assert "Qualifier" in titles
    assert "Appel : Appel cédant" in titles
    assert "Signalement envoyé par Banque du Ponant" in titles
    assert any(t.startswith("Envoyer la demande") for t in titles)
    assert [e.at for e in timeline] == sorted((e.at for e in timeline), reverse=True)
    body = page(client, case).content.decode()
    assert "Signalement → Premiers contacts" in body
    assert "qualify" not in body.replace('name="qualify"', "")
    assert "lead → qualification" not in body


def test_the_case_page_runs_in_constant_queries(
    client, officer, case, django_assert_max_num_queries
):
    plan = plan_for(case, price="100000")

    def one_more_of_each(index):
        services.activity_create(case=case, by=officer, kind=ActivityKind.NOTE, subject=f"N{index}")
        services.activity_create(
            case=case,
            by=officer,
            kind=ActivityKind.TASK,
            subject=f"T{index}",
            due_on=case.created_at.date(),
        )
        line_in(plan, BANK_LOAN, "1000")
        PersonFactory(organisation=case.organisation)

    one_more_of_each(0)
    client.force_login(officer)
    with django_assert_max_num_queries(40) as few:
        page(client, case)
    for index in range(1, 15):
        one_more_of_each(index)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(client, case)


def test_the_timeline_is_paged_and_see_more_brings_the_older_entries(client, officer, case):
    from backoffice.selectors.case_page import TIMELINE_PAGE_SIZE

    for index in range(TIMELINE_PAGE_SIZE + 4):
        services.activity_create(case=case, by=officer, kind=ActivityKind.NOTE, subject=f"N{index}")
    total = case.stage_changes.count() + case.activities.count()
    assert total > TIMELINE_PAGE_SIZE + 4  # the notes and the case's own history
    client.force_login(officer)
    response = page(client, case)
    first = response.context["timeline"]
    assert len(first) == TIMELINE_PAGE_SIZE and response.context["timeline_more"]
    assert first[0].title == f"Note : N{TIMELINE_PAGE_SIZE + 3}"
    more_url = reverse("backoffice:case_timeline", args=[case.pk]) + "?page=2"
    assert more_url in response.content.decode()
    older = client.get(more_url, HTTP_HX_REQUEST="true")
    rest = older.context["timeline"]
    assert len(rest) == total - TIMELINE_PAGE_SIZE and not older.context["timeline_more"]
    assert rest[-1].title == "Dossier ouvert"
    both = [e.at for e in first + rest]
    assert both == sorted(both, reverse=True)
    assert len({(e.kind, e.title, e.at) for e in first + rest}) == total
    assert "Voir plus" not in older.content.decode()


def test_another_territory_cannot_page_the_timeline(client, other_officer, case):
    client.force_login(other_officer)
    url = reverse("backoffice:case_timeline", args=[case.pk]) + "?page=2"
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_add_a_task_and_the_missing_due_date_shows_on_the_field(client, officer, case, today):
    client.force_login(officer)
    url = reverse("backoffice:task_add", args=[case.pk])
    response = client.post(url, {"subject": "Relancer l'expert"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps the panel back in
    assert response.context["task_form"].errors["due_on"] == ["Une tâche a besoin d'une échéance."]
    assert "Relancer l&#x27;expert" in response.content.decode()  # the input is kept
    response = client.post(
        url, {"subject": "Relancer l'expert", "due_on": today.isoformat()}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    task = Activity.objects.get(case=case, subject="Relancer l'expert")
    assert (task.assignee, task.due_on) == (officer, today)


def test_complete_and_reassign_a_task_from_the_case(client, officer, colleague, case, today):
    task = services.activity_create(
        case=case, by=officer, kind=ActivityKind.TASK, subject="Visite", due_on=today
    )
    client.force_login(officer)
    response = client.post(
        reverse("backoffice:task_reassign", args=[case.pk, task.pk]), {"assignee": colleague.pk}
    )
    assert response.status_code == 302
    assert Activity.objects.get(pk=task.pk).assignee == colleague
    client.post(reverse("backoffice:task_complete", args=[task.pk]))
    assert Activity.objects.get(pk=task.pk).done


def test_a_task_cannot_go_to_someone_outside_the_ur(client, officer, other_officer, case, today):
    task = services.activity_create(
        case=case, by=officer, kind=ActivityKind.TASK, subject="Visite", due_on=today
    )
    client.force_login(officer)
    response = client.post(
        reverse("backoffice:task_reassign", args=[case.pk, task.pk]),
        {"assignee": other_officer.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Activity.objects.get(pk=task.pk).assignee == officer


def test_contacts_and_milestones(client, officer, case, today):
    PersonFactory(
        organisation=case.organisation,
        first_name="Anne",
        last_name="Cédant",
        email="anne@example.invalid",
    )
    case.owner_agreement_on = today - days(3)
    case.save()
    client.force_login(officer)
    body = page(client, case).content.decode()
    assert "Anne Cédant" in body and "anne@example.invalid" in body
    assert (today - days(3)).strftime("%d/%m/%Y") in body


def test_the_financing_plan_in_euros_with_gap_and_leverage(client, officer, case):
    plan = plan_for(case, price="200000", working_capital="50000")
    line_in(plan, BANK_LOAN, "100000", status="approved")
    line_in(plan, MOVEMENT_LOAN, "40000", status="approved")
    client.force_login(officer)
    response = page(client, case)
    figures = response.context["plan"].figures
    assert (figures.needs, figures.committed, figures.gap) == (
        Decimal("250000.00"),
        Decimal("140000.00"),
        Decimal("110000.00"),
    )
    body = response.content.decode()
    assert "250\u00a0000,00\u00a0€" in body
    assert "110\u00a0000,00\u00a0€" in body
    assert "3,50" in body  # leverage 140 000 / 40 000


def test_line_transitions_through_the_service(client, officer, financial_officer, case):
    plan = plan_for(case, price="100000")
    line = line_in(plan, MOVEMENT_LOAN, "40000", status="requested")
    session = session_in(case.regional_union)
    client.force_login(officer)
    # The officer does not decide on the movement's tools: no approval offered.
    options = {o.name: o for o in page(client, case).context["lines"][0][1]}
    assert not options["approve"].allowed
    client.force_login(financial_officer)
    url = reverse("backoffice:line_transition", args=[case.pk, line.pk, "approve"])
    response = client.post(url, {"amount_committed": "40000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        url,
        # Typed the French way, as every amount of the back office.
        {"amount_committed": "38 500,50", "committee_session": session.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()
    line.refresh_from_db()
    assert line.status == "approved"
    assert line.amount_committed == Decimal("38500.50")


def test_directors_reassign_to_officers_of_the_case_ur_only(
    client, director, officer, colleague, other_officer, case
):
    staff_user(Role.FINANCIAL_OFFICER, "ouest")
    staff_user(Role.BOARD_MEMBER)
    client.force_login(director)
    response = page(client, case)
    form = response.context["reassign_form"]
    assert set(form.fields["officer"].queryset) == {officer, colleague}
    html = response.content.decode()
    assert "Réattribuer le dossier" in html
    assert f'action="{reverse("backoffice:case_reassign", args=[case.pk])}"' in html
    response = client.post(
        reverse("backoffice:case_reassign", args=[case.pk]), {"officer": colleague.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_officer == colleague
    response = client.post(
        reverse("backoffice:case_reassign", args=[case.pk]), {"officer": other_officer.pk}
    )
    assert response.status_code == 422
    assert response.context["reassign_form"].errors["officer"]


def test_officers_get_no_reassignment(client, officer, case):
    client.force_login(officer)
    assert page(client, case).context["reassign_form"] is None
    response = client.post(
        reverse("backoffice:case_reassign", args=[case.pk]), {"officer": officer.pk}
    )
    assert response.status_code == 422
    assert "Seul" in str(response.context["reassign_form"].non_field_errors())


def test_the_information_of_employees_panel_and_the_recorded_warning(client, officer, today):

    case = CaseFactory(
        kind="takeover",
        stage="financing",
        assigned_officer=officer,
        organisation=OrganisationFactory(employees=20),
        **{**complete_data("takeover"), "employees_informed_on": today - days(10)},
    )
    # What start_closing recorded (transmission tests run it): the timeline says it as worded.
    StageChange.objects.create(
        case=case,
        transition="start_closing",
        source_stage="financing",
        target_stage="financing",
        data={"warnings": [{"rule": "employee_information", "message": "Délai trop court."}]},
    )
    client.force_login(officer)
    body = page(client, case).content.decode()
    assert "Information des salariés" in body
    assert "la cession ne peut pas avoir lieu avant" in body
    assert "⚠ Délai trop court." in body
    # A case where the rule does not apply shows no panel.
    creation = CaseFactory(kind="creation", stage="qualification", assigned_officer=officer)
    assert "Information des salariés" not in page(client, creation).content.decode()


def test_tags_are_set_on_the_case_page_by_whoever_works_on_it(client, officer, colleague, case):
    url = reverse("backoffice:case_tags", args=[case.pk])
    client.force_login(colleague)
    body = page(client, case).content.decode()
    assert "Aucune étiquette." in body and 'name="tags"' not in body
    response = client.post(url, {"tags": ["relocation"]})
    assert response.status_code == 422
    assert not case.tags.exists()
    client.force_login(officer)
    assert 'name="tags"' in page(client, case).content.decode()
    response = client.post(url, {"tags": ["relocation", "ecological_transition"]})
    assert response.status_code == 302
    assert sorted(case.tags.values_list("tag", flat=True)) == [
        "ecological_transition",
        "relocation",
    ]
    assert client.post(url, {"tags": ["made_up"]}).status_code == 422
    assert client.get(url).status_code == 405
