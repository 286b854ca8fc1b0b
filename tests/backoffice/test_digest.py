"""The daily digest e-mail of due tasks, and its opt-out in the user's settings."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from backoffice.models import DigestPreference
from backoffice.services import daily_digest_send
from crm.roles import Role
from tests.backoffice.conftest import days
from tests.factories import staff_user
from tests.transmission.factories import CaseFactory
from transmission import services
from transmission.choices import ActivityKind

pytestmark = pytest.mark.django_db


def test_each_officer_gets_their_due_and_overdue_tasks(officer, colleague, case, today):
    services.activity_create(
        case=case,
        by=officer,
        kind=ActivityKind.TASK,
        subject="Rappeler le cédant",
        due_on=today - days(2),
    )
    services.activity_create(
        case=case, by=officer, kind=ActivityKind.TASK, subject="Plus tard", due_on=today + days(3)
    )
    staff_user(Role.BOARD_MEMBER, email="board@example.invalid")
    assert daily_digest_send(today=today) == 1  # nothing due for the colleague
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert "Bonjour Camille Le Goff" in message.body
    assert "Rappeler le cédant" in message.body and "en retard" in message.body
    assert "Plus tard" not in message.body
    assert message.subject.startswith("Relève – votre journée du")


def test_next_actions_due_are_in_the_digest(officer, today):
    CaseFactory(assigned_officer=officer, next_action="Relancer la banque", next_action_on=today)
    call_command("send_daily_digest", stdout=__import__("io").StringIO())
    assert "Relancer la banque" in mail.outbox[0].body


def test_opting_out_in_my_settings_stops_the_digest(client, officer, case, today):
    services.activity_create(
        case=case, by=officer, kind=ActivityKind.TASK, subject="Rappeler", due_on=today
    )
    client.force_login(officer)
    page = client.get(reverse("backoffice:settings"))
    assert page.context["form"].initial["daily_digest"] is True
    response = client.post(reverse("backoffice:settings"), {})
    assert response.status_code == 302
    assert DigestPreference.objects.get(user=officer).daily_digest is False
    assert daily_digest_send(today=today) == 0
    client.post(reverse("backoffice:settings"), {"daily_digest": "on"})
    assert daily_digest_send(today=today) == 1
