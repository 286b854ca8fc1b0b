import pytest

from crm.roles import Role
from tests.factories import OrganisationFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_officer_signs_in_in_french_and_sees_only_their_ur(page):
    staff_user(Role.OFFICER, "ouest", username="camille", password="secret-password-123")
    OrganisationFactory(name="Atelier rennais", postal_code="35000")
    OrganisationFactory(name="Atelier lyonnais", postal_code="69001")

    page.goto("/")
    assert page.locator("h1").inner_text() == "Connexion à Relève"
    page.get_by_label("Identifiant").fill("camille")
    page.get_by_label("Mot de passe").fill("wrong")
    page.get_by_role("button", name="Connexion").click()
    assert "Identifiant ou mot de passe incorrect" in page.locator("[role=alert]").inner_text()

    page.get_by_label("Mot de passe").fill("secret-password-123")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/journee/")
    assert page.locator("h1").inner_text().startswith("Ma journée")

    page.goto("/organisations/")
    listed = page.locator("main").inner_text()
    assert "Atelier rennais" in listed
    assert "Atelier lyonnais" not in listed

    page.goto("/admin/crm/organisation/")
    body = page.locator("#result_list").inner_text()
    assert "Atelier rennais" in body
    assert "Atelier lyonnais" not in body
