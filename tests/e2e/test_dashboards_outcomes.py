"""The survival and forecast pages in Chromium, as a board member: drawn offline, no console
error, no request leaving 127.0.0.1 (checked by the ``page`` fixture)."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from dashboards import cache as dashboards_cache
from dashboards.tasks import forecast_result
from tests.e2e.test_dashboards import assert_every_chart_drawn, sign_in_as_board_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_board_member_reads_the_survival_and_forecast_pages(page):
    cache.clear()
    call_command("seed_demo", "--seed=5", "--cooperatives=30", "--cases=300", stdout=io.StringIO())
    sign_in_as_board_member(page)

    page.goto("/tableaux-de-bord/survie/")
    assert page.locator("h1").inner_text() == "Survie"
    assert_every_chart_drawn(page)
    assert "79" in page.locator("main").inner_text()

    page.goto("/tableaux-de-bord/prevision/")
    assert page.locator("h1").inner_text() == "Prévision"
    assert "Aucune prévision n'a encore été calculée" in page.locator("main").inner_text()

    dashboards_cache.store_forecast(
        dashboards_cache.forecast_key("", None, None), forecast_result()
    )
    page.get_by_role("link", name="Prévision").first.click()
    page.wait_for_url("**/tableaux-de-bord/prevision/**")
    assert_every_chart_drawn(page)
    body = page.locator("main").text_content()  # the tables sit in closed <details>
    assert "Aucune prévision" not in body
    assert "Prévision il y a 12 mois" in body and "Erreur de cette prévision" in body


def test_board_member_reads_the_economic_citizenship_page(page):
    cache.clear()
    call_command("seed_demo", "--seed=5", "--cooperatives=30", "--cases=300", stdout=io.StringIO())
    sign_in_as_board_member(page)

    page.get_by_role("link", name="Citoyenneté économique").first.click()
    page.wait_for_url("**/tableaux-de-bord/citoyennete/**")
    assert page.locator("h1").inner_text() == "Citoyenneté économique"
    assert_every_chart_drawn(page)
    body = page.locator("main").text_content()
    assert "Gouvernance partagée" in body and "Référence nationale" in body
    assert "68" in body and "79" in body

    page.locator("#definitions-link").click()
    page.wait_for_url("**/tableaux-de-bord/citoyennete/definitions/")
    assert "membership_rate" in page.locator("main").inner_text()
