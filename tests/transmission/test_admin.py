"""The case admin: scoped, stage never editable, transitions only through the service."""

import datetime
import html

import pytest
from django.utils import timezone

from crm.roles import Role
from tests.factories import OrganisationFactory, staff_user
from tests.transmission.factories import CaseFactory, officer_and_director
from transmission.choices import Stage
from transmission.models import Case, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    officer, director = officer_and_director("ouest")
    return {"officer": officer, "director": director}


def _url(case, name):
    return f"/admin/transmission/case/{case.pk}/transition/{name}/"


def test_change_page_shows_only_the_transitions_the_user_may_run(client, team):
    case = CaseFactory(
        stage=Stage.ABANDONED,
        previous_stage=Stage.FEASIBILITY,
        abandon_reason="price_gap",
        assigned_officer=team["officer"],
    )
    client.force_login(team["officer"])
    page = client.get(f"/admin/transmission/case/{case.pk}/change/").content.decode()
    assert _url(case, "reopen") not in page
    client.force_login(team["director"])
    page = client.get(f"/admin/transmission/case/{case.pk}/change/").content.decode()
    assert _url(case, "reopen") in page


def test_a_forged_reopen_by_an_officer_is_refused(client, team):
    case = CaseFactory(
        stage=Stage.ABANDONED,
        previous_stage=Stage.FEASIBILITY,
        abandon_reason="price_gap",
        assigned_officer=team["officer"],
    )
    client.force_login(team["officer"])
    response = client.post(_url(case, "reopen"), {"version": case.version}, follow=True)
    assert "Seule la direction de l'union régionale du dossier peut faire cela." in (
        html.unescape(response.content.decode())
    )
    case.refresh_from_db()
    assert case.stage == Stage.ABANDONED
    client.force_login(team["director"])
    client.post(_url(case, "reopen"), {"version": case.version, "comment": "Nouveau repreneur"})
    case.refresh_from_db()
    assert case.stage == Stage.FEASIBILITY
    assert case.stage_changes.last().comment == "Nouveau repreneur"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DIRECTOR])
def test_another_urs_staff_cannot_move_a_case_by_forged_post(client, team, role):
    case = CaseFactory(stage=Stage.LEAD, assigned_officer=team["officer"])
    client.force_login(staff_user(role, "ara"))
    response = client.post(_url(case, "qualify"), {"version": case.version})
    assert response.status_code in (302, 404)
    case.refresh_from_db()
    assert case.stage == Stage.LEAD
    assert case.stage_changes.count() == 1


def test_the_transition_form_collects_guard_data_and_lists_every_missing_item(client, team):
    case = CaseFactory(stage=Stage.CLOSING, assigned_officer=team["officer"])
    client.force_login(team["officer"])
    page = client.get(_url(case, "incorporate")).content.decode()
    assert 'name="cooperative_siren"' in page and 'name="registered_on"' in page
    response = client.post(_url(case, "incorporate"), {"version": case.version})
    assert response.status_code == 400
    page = response.content.decode()
    for reason in (
        "Le SIREN de la nouvelle coopérative manque.",
        "La forme juridique de la coopérative manque.",
        "La date d&#x27;immatriculation manque.",
    ):
        assert reason in page
    today = timezone.localdate()
    response = client.post(
        _url(case, "incorporate"),
        {
            "version": case.version,
            "cooperative_siren": "000000018",
            "target_form": "scop_sas",
            "registered_on": today.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.INCORPORATED
    assert case.registered_on == today


def test_a_stale_form_gets_the_conflict_message(client, team):
    case = CaseFactory(stage=Stage.LEAD, assigned_officer=team["officer"])
    client.force_login(team["officer"])
    response = client.post(_url(case, "qualify"), {"version": case.version + 1}, follow=True)
    assert "Quelqu&#x27;un d&#x27;autre vient de modifier ce dossier" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.LEAD


def test_the_stage_cannot_be_posted_in_the_change_form(client, team):
    case = CaseFactory(stage=Stage.LEAD, assigned_officer=team["officer"])
    client.force_login(team["director"])
    page = client.get(f"/admin/transmission/case/{case.pk}/change/").content.decode()
    assert 'name="stage"' not in page
    client.post(
        f"/admin/transmission/case/{case.pk}/change/",
        {
            "organisation": case.organisation_id,
            "kind": case.kind,
            "stage": "incorporated",
            "source": "direct",
            "next_action": "Rappeler le cédant",
            "next_action_on": "01/07/2026",
            "stage_changes-TOTAL_FORMS": 0,
            "stage_changes-INITIAL_FORMS": 1,
            "activities-TOTAL_FORMS": 0,
            "activities-INITIAL_FORMS": 0,
        },
    )
    case.refresh_from_db()
    assert case.stage == Stage.LEAD
    assert case.next_action == "Rappeler le cédant"
    assert case.next_action_on == datetime.date(2026, 7, 1)


def test_adding_a_case_goes_through_the_service(client, team):
    organisation = OrganisationFactory(postal_code="35000")
    client.force_login(team["officer"])
    response = client.post(
        "/admin/transmission/case/add/",
        {
            "organisation": organisation.pk,
            "kind": "creation",
            "assigned_officer": team["officer"].pk,
            "source": "direct",
            "stage_changes-TOTAL_FORMS": 0,
            "stage_changes-INITIAL_FORMS": 0,
            "activities-TOTAL_FORMS": 0,
            "activities-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(organisation=organisation)
    assert case.reference.startswith("OUEST-")
    assert case.stage_changes.get().transition == "create"


def test_the_history_admin_is_read_only(client, team):
    case = CaseFactory(assigned_officer=team["officer"])
    change = StageChange.objects.filter(case=case).first()
    client.force_login(team["director"])
    assert client.get("/admin/transmission/stagechange/").status_code == 200
    response = client.post(
        f"/admin/transmission/stagechange/{change.pk}/change/", {"comment": "rewritten"}
    )
    assert response.status_code == 403
    assert client.post(f"/admin/transmission/stagechange/{change.pk}/delete/").status_code == 403
    assert StageChange.objects.get(pk=change.pk).comment == ""
    superuser = staff_user(Role.ADMINISTRATOR, is_superuser=True)
    client.force_login(superuser)
    assert client.post(f"/admin/transmission/stagechange/{change.pk}/delete/").status_code == 403
