"""Services the back office added: activity_reassign (transmission), case_open_by_hand."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.services import case_open_by_hand
from crm.models import Organisation
from crm.roles import Role
from tests.factories import staff_user
from transmission import services
from transmission.choices import ActivityKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(case, officer, today):
    return services.activity_create(
        case=case, by=officer, kind=ActivityKind.TASK, subject="Visite", due_on=today
    )


def test_a_task_goes_to_an_officer_or_director_of_the_case_ur(task, officer, colleague, director):
    assert services.activity_reassign(activity=task, assignee=colleague, by=officer).assignee == (
        colleague
    )
    assert services.activity_reassign(activity=task, assignee=director, by=director).assignee == (
        director
    )


@pytest.mark.parametrize(
    "who",
    [
        lambda: staff_user(Role.OFFICER, "ara"),
        lambda: staff_user(Role.BOARD_MEMBER),
        lambda: staff_user(Role.FINANCIAL_OFFICER, "ouest"),
    ],
)
def test_a_task_never_goes_outside_the_case_ur_team(task, officer, who):
    with pytest.raises(ValidationError) as refused:
        services.activity_reassign(activity=task, assignee=who(), by=officer)
    assert "assignee" in refused.value.message_dict
    task.refresh_from_db()
    assert task.assignee == officer


def test_only_people_working_on_the_case_reassign_its_tasks(task, colleague):
    with pytest.raises(PermissionDenied):
        services.activity_reassign(activity=task, assignee=colleague, by=colleague)


def test_a_done_task_or_a_note_is_not_reassigned(task, case, officer, colleague):
    services.activity_complete(activity=task, by=officer)
    with pytest.raises(ValidationError):
        services.activity_reassign(activity=task, assignee=colleague, by=officer)
    note = services.activity_create(case=case, by=officer, kind=ActivityKind.NOTE, subject="n")
    with pytest.raises(ValidationError):
        services.activity_reassign(activity=note, assignee=colleague, by=officer)


def test_case_open_by_hand_writes_nothing_when_the_case_is_refused(other_officer):
    with pytest.raises(PermissionDenied):
        case_open_by_hand(
            by=other_officer,
            organisation_fields={"name": "Rennaise", "postal_code": "35000"},
            kind="creation",
        )
    assert not Organisation.objects.filter(name="Rennaise").exists()
