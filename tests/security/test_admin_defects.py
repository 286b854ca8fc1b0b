"""Issue 11's admin defects, each reproduced: no 500, a message on the field instead."""

import html

import pytest

from crm.roles import Role
from filieres.models import Filiere
from tests.factories import OrganisationFactory, staff_user
from tests.transmission.factories import CaseFactory
from transmission.models import Activity

pytestmark = pytest.mark.django_db


def test_a_view_only_officer_opens_a_filiere(client):
    filiere = Filiere.objects.first()
    assert filiere is not None
    client.force_login(staff_user(Role.OFFICER, "ouest"))
    response = client.get(f"/admin/filieres/filiere/{filiere.pk}/change/")
    assert response.status_code == 200
    assert filiere.name in html.unescape(response.content.decode())


def test_a_task_without_a_due_date_gets_the_fields_message(client):
    officer = staff_user(Role.OFFICER, "ouest")
    case = CaseFactory(
        organisation=OrganisationFactory(postal_code="35000"), assigned_officer=officer
    )
    client.force_login(officer)
    response = client.post(
        f"/admin/transmission/case/{case.pk}/change/",
        {
            "organisation": case.organisation.pk,
            "kind": case.kind,
            "source": case.source,
            "stage_changes-TOTAL_FORMS": 0,
            "stage_changes-INITIAL_FORMS": 0,
            "activities-TOTAL_FORMS": 1,
            "activities-INITIAL_FORMS": 0,
            "activities-0-kind": "task",
            "activities-0-subject": "Rappeler le cédant",
        },
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Une tâche a besoin d'une échéance." in page
    assert "Rappeler le cédant" in page
    assert not Activity.objects.filter(case=case, subject="Rappeler le cédant").exists()


def test_a_colleagues_case_is_read_only_in_the_admin(client):
    mine = staff_user(Role.OFFICER, "ouest", username="moi")
    colleague = staff_user(Role.OFFICER, "ouest", username="collegue")
    case = CaseFactory(
        organisation=OrganisationFactory(postal_code="35000"), assigned_officer=colleague
    )
    url = f"/admin/transmission/case/{case.pk}/change/"
    client.force_login(mine)
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page
    assert client.post(url, {"jobs_at_stake": "99"}).status_code == 403
    case.refresh_from_db()
    assert case.jobs_at_stake != 99
    client.force_login(colleague)
    assert 'name="_save"' in client.get(url).content.decode()
