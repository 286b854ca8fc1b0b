"""The Content-Security-Policy holds in a real browser: a back-office page (htmx), the board
(Sortable), a dashboard with plotly charts, admin pages and the API docs raise no CSP
violation and no console error (the ``page`` fixture fails on any console error)."""

import pytest

from crm.roles import Role
from tests.e2e.conftest import browser, page  # noqa: F401 (fixtures)
from tests.factories import OrganisationFactory, staff_user
from tests.transmission.factories import CaseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "secret-password-123"
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile);
});
"""
CHARTS_DRAWN = (
    "() => { const all = document.querySelectorAll('[data-figure]');"
    " return all.length > 0 && [...all].every(d => d.dataset.drawn === 'true'); }"
)


def test_pages_run_under_the_csp_without_violation(page):  # noqa: F811
    director = staff_user(Role.DIRECTOR, "ouest", username="direction", password=PASSWORD)
    CaseFactory(organisation=OrganisationFactory(postal_code="35000"), assigned_officer=director)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill("direction")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/journee/")

    for url in (
        "/journee/",
        "/pipeline/",
        "/tableaux-de-bord/entonnoir/",
        "/admin/",
        "/admin/transmission/case/",
        "/admin/transmission/case/add/",
        "/api/v1/docs/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if url.startswith("/tableaux-de-bord/"):
            page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        if url == "/api/v1/docs/":
            page.wait_for_selector(".swagger-ui .info", timeout=30_000)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], url
