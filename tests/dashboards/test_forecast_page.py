"""The forecast page: enqueued in the background, cached, shown with its backtest."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from crm.roles import Role
from dashboards import cache as dashboards_cache
from dashboards.tasks import compute_forecast, forecast_result
from tests.dashboards.builders import case_with_history
from tests.factories import staff_user

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _pipeline():
    for n in range(12):
        case_with_history(
            [(700 - n, "qualification"), (500 - n, "closing"), (300 - n, "incorporated")],
            jobs_at_incorporation=4,
        )
    for n in range(8):
        case_with_history([(200 - n, "qualification")], jobs_at_stake=6)


@pytest.mark.django_db
def test_no_result_yet_says_so_in_french_and_enqueues_once(client):
    _pipeline()
    client.force_login(staff_user(Role.BOARD_MEMBER))
    url = reverse("dashboards:forecast")
    body = client.get(url).content.decode()
    assert "Aucune prévision n'a encore été calculée" in body
    assert DBTaskResult.objects.count() == 1
    client.get(url)
    assert DBTaskResult.objects.count() == 1  # one recomputation pending, not one per visit


@pytest.mark.django_db
def test_the_task_computes_forecast_and_backtest_and_the_page_shows_them(client, settings):
    _pipeline()
    settings.TASKS = IMMEDIATE
    compute_forecast.enqueue("", None, None)
    result = dashboards_cache.last_forecast(dashboards_cache.forecast_key("", None, None))
    assert result["now"].open_cases == 8
    assert result["then"].open_cases == 12  # the 12 registered later were open a year ago
    assert result["actual"][12] == (12, 48.0)  # all registered within 12 months, 4 jobs each
    client.force_login(staff_user(Role.BOARD_MEMBER))
    body = client.get(reverse("dashboards:forecast")).content.decode()
    assert "Prévision il y a 12 mois" in body and "Erreur de cette prévision" in body
    assert "12 mois" in body and "<script>" not in body
    # The shared panel template links each panel to the forecast's own CSV route.
    assert f'href="{reverse("dashboards:forecast_csv", args=["prevision"])}' in body
    assert f'href="{reverse("dashboards:forecast_csv", args=["modele"])}' in body
    csv = client.get(reverse("dashboards:forecast_csv", args=["prevision"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4 and lines[3].split(";")[1] == "12 mois"
    assert lines[3].split(";")[13] == "12"  # registered since the backtest's cutoff
    assert lines[3].split(";")[16] == "48"  # and their jobs


@pytest.mark.django_db
def test_forecast_is_seeded_and_deterministic():
    _pipeline()
    first, second = forecast_result(), forecast_result()
    assert first["now"].incorporations == second["now"].incorporations
    assert first["then"].jobs == second["then"].jobs
