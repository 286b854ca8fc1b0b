"""Bad input, generally (issue 13): whatever a query string holds, a page answers, never a 500.

Each list, board and dashboard page is opened with values people and scanners do send:
digits ``int`` refuses (``²``, Arabic-Indic digits), numbers beyond the database's integers,
negative ids, impossible dates, SQL and markup fragments, a NUL byte.
"""

import pytest
from django.urls import reverse

from tests.transmission.factories import CaseFactory

pytestmark = pytest.mark.django_db

ODD_VALUES = [
    "²",
    "٣",
    "99999999999999999999",
    "-1",
    "0",
    "2026-13-45",
    "' OR 1=1 --",
    "<script>",
    "\x00",
    "",
]
# Every parameter the pages read (backoffice lists and board, dashboards' filter forms).
PARAMETERS = [
    "page",
    "q",
    "etape",
    "type",
    "charge",
    "ouverts",
    "tri",
    "export",
    "departement",
    "role",
    "filiere",
    "partenaire",
    "mes_dossiers",
    "ur",
    "kind",
    "year",
    "cohort",
    "period",
    "start",
    "end",
    "siren",
]
OFFICER_PAGES = [
    "backoffice:home",
    "backoffice:board",
    "backoffice:cases",
    "backoffice:organisations",
    "backoffice:people",
    "backoffice:search",
    "backoffice:case_new",
]
BOARD_PAGES = [
    ("dashboards:page", {"slug": "entonnoir"}),
    ("dashboards:page", {"slug": "equite"}),
    ("dashboards:forecast", {}),
]


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_a_back_office_page_answers_whatever_the_query(client, officer, name, value):
    CaseFactory(assigned_officer=officer)
    client.force_login(officer)
    response = client.get(reverse(name), {parameter: value for parameter in PARAMETERS})
    assert response.status_code in (200, 302), (name, value, response.status_code)


@pytest.mark.parametrize("value", ODD_VALUES)
def test_a_board_column_page_answers_whatever_the_page(client, officer, value):
    CaseFactory(assigned_officer=officer, stage="qualification")
    client.force_login(officer)
    url = reverse("backoffice:board_column", kwargs={"stage": "qualification"})
    response = client.get(url, {"page": value, "charge": value, "filiere": value})
    assert response.status_code == 200, (value, response.status_code)


@pytest.mark.parametrize("value", ODD_VALUES)
def test_a_case_timeline_page_answers_whatever_the_page(client, officer, value):
    case = CaseFactory(assigned_officer=officer)
    client.force_login(officer)
    url = reverse("backoffice:case_timeline", kwargs={"pk": case.pk})
    assert client.get(url, {"page": value}).status_code == 200, value


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("name, kwargs", BOARD_PAGES)
def test_a_dashboard_answers_whatever_the_query(client, board_member, name, kwargs, value):
    client.force_login(board_member)
    response = client.get(reverse(name, kwargs=kwargs), {p: value for p in PARAMETERS})
    assert response.status_code in (200, 400), (name, value, response.status_code)
