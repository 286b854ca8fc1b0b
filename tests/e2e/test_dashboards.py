"""The dashboards in Chromium, as a board member: every page and chart drawn offline, the
map's 101 départements, the board report printed to PDF and one CSV downloaded."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from crm.roles import Role
from dashboards.pages import PAGES
from tests.factories import staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ALL_DRAWN = (
    "() => { const all = document.querySelectorAll('[data-figure]');"
    " return all.length > 0 && [...all].every(d => d.dataset.drawn === 'true'); }"
)


def sign_in_as_board_member(page):
    staff_user(Role.BOARD_MEMBER, username="conseil", password="secret-password-123")
    page.goto("/")
    page.get_by_label("Identifiant").fill("conseil")
    page.get_by_label("Mot de passe").fill("secret-password-123")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/tableaux-de-bord/entonnoir/")


def assert_every_chart_drawn(page):
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    charts = page.locator("[data-figure]")
    assert charts.count() > 0
    for index in range(charts.count()):
        assert charts.nth(index).locator(".main-svg").count() >= 1


def test_board_member_reads_every_dashboard_prints_the_report_and_downloads_a_csv(page):
    cache.clear()
    call_command("seed_demo", "--seed=5", "--cooperatives=30", "--cases=300", stdout=io.StringIO())
    sign_in_as_board_member(page)
    assert page.locator("h1").inner_text() == "Entonnoir"

    for slug, spec in PAGES.items():
        page.goto(f"/tableaux-de-bord/{slug}/")
        assert page.locator("h1").inner_text() == str(spec.title)
        assert_every_chart_drawn(page)
        if slug == "equite":
            # Every département drawn, shown or greyed (fewer than 5 cases), with no base map.
            assert page.locator("#panel-carte path.choroplethlocation").count() == 101

    with page.expect_download() as download:
        page.goto("/tableaux-de-bord/entonnoir/")
        page.locator("#panel-cohorte").get_by_role("link", name="Télécharger (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Périmètre;Étape;Dossiers ouverts")
    assert download.value.suggested_filename.startswith("entonnoir-cohorte-")

    page.goto("/tableaux-de-bord/rapport/?kind=creation")
    assert_every_chart_drawn(page)
    body = page.locator("main").inner_text()
    assert "Rapport au conseil d'administration" in body
    assert "Création ex nihilo" in body or "création" in body.lower()
    assert "Daté du" in body
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 7
