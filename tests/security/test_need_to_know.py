"""Need-to-know: contact details of a lead are for roles that may read people."""

import json

import pytest

from crm.roles import Role
from tests.factories import OrganisationFactory, PartnerFactory, staff_user
from tests.transmission.factories import CaseFactory
from transmission.models import LeadSubmission

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "camille.secret@example.invalid"
SECRET_PHONE = "06 12 34 56 78"


@pytest.fixture
def submission():
    case = CaseFactory(organisation=OrganisationFactory(postal_code="35000"))
    body = {"contact": {"email": SECRET_EMAIL, "phone": SECRET_PHONE}}
    return LeadSubmission.objects.create(
        partner=PartnerFactory(),
        case=case,
        kind=case.kind,
        raw_body=json.dumps(body),
        payload=body,
    )


def test_the_financial_officer_does_not_read_a_leads_contact_details(client, submission):
    client.force_login(staff_user(Role.FINANCIAL_OFFICER, "ouest"))
    url = f"/admin/transmission/leadsubmission/{submission.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET_EMAIL not in page and "12 34 56 78" not in page


def test_an_officer_reads_them_for_support(client, submission):
    client.force_login(staff_user(Role.OFFICER, "ouest"))
    page = client.get(f"/admin/transmission/leadsubmission/{submission.pk}/change/")
    assert SECRET_EMAIL in page.content.decode()


def test_the_intake_copies_no_contact_detail_into_notes():
    from pathlib import Path

    import transmission.intake as intake

    source = Path(intake.__file__).read_text(encoding="utf-8")
    task = source[source.index("def _officer_task") :]
    task = task[: task.index("\ndef ", 10)]
    assert "email" not in task and "phone" not in task
