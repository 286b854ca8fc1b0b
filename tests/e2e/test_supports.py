"""A support to an existing cooperative in a real browser: the officer opens its page from
the list and closes it without follow-up through the modal, which first asks for the reason.
The fixtures fail on any console error or request leaving 127.0.0.1."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from crm.roles import Role
from financement import services
from financement.choices import SupportNeed, SupportStatus
from financement.models import SupportRequest
from tests.e2e.test_backoffice import PASSWORD, sign_in
from tests.factories import OrganisationFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_officer_closes_a_support_without_follow_up(page):
    officer = staff_user(
        Role.OFFICER,
        "ouest",
        username="camille",
        password=PASSWORD,
        first_name="Camille",
        last_name="Le Goff",
    )
    cooperative = OrganisationFactory(
        name="Scop des Forges",
        postal_code="35000",
        cooperative_type="scop",
        cooperative_since=datetime.date(2019, 3, 1),
    )
    support = services.support_request_open(
        organisation=cooperative, need=SupportNeed.DEVELOPMENT, by=officer
    )

    sign_in(page, "camille")
    expect(page.locator("#day-supports")).to_contain_text("Scop des Forges")
    page.get_by_role("link", name="Accompagnements").click()
    page.locator("#support-list").get_by_role("link", name="Développement").click()
    page.wait_for_url(re.compile(rf"/accompagnements/{support.pk}/$"))
    expect(page.locator("h1")).to_contain_text("Scop des Forges")

    page.get_by_role("link", name="Classer sans suite").click()
    dialog = page.locator("dialog#modal")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Classer sans suite").click()
    expect(dialog.locator(".field.has-error")).to_contain_text(
        "Indiquez pourquoi l'accompagnement est sans suite."
    )
    dialog.locator("textarea[name=drop_reason]").fill("La coopérative a trouvé seule")
    dialog.get_by_role("button", name="Classer sans suite").click()

    page.wait_for_url(re.compile(rf"/accompagnements/{support.pk}/$"))
    expect(page.locator("#support-history li").first).to_contain_text("Classer sans suite")
    expect(page.locator(".case-header")).to_contain_text("La coopérative a trouvé seule")
    assert SupportRequest.objects.get(pk=support.pk).status == SupportStatus.DROPPED
