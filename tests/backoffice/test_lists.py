"""Lists of cases, organisations and people: search, filters, sorting, exports, query counts."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory
from tests.transmission.factories import CaseFactory
from transmission import services as case_services

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [row.organisation.name for row in response.context["page"]]


@pytest.fixture
def cases(officer, colleague, ara_case):
    return [
        CaseFactory(
            organisation=OrganisationFactory(
                name="Scierie Kervella", city="Quimper", postal_code="29000"
            ),
            assigned_officer=officer,
            stage="feasibility",
            jobs_at_stake=5,
        ),
        CaseFactory(
            organisation=OrganisationFactory(name="Café des Halles", city="Rennes"),
            assigned_officer=colleague,
            kind="creation",
            jobs_at_stake=2,
        ),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=kervella", ["Scierie Kervella"]),
        ("q=cafe", ["Café des Halles"]),  # accents do not matter
        ("q=quimper", ["Scierie Kervella"]),
        ("q=kerbrat", ["Café des Halles"]),  # the officer's name
        ("etape=feasibility", ["Scierie Kervella"]),
        ("type=creation", ["Café des Halles"]),
        ("q=lyonnais", []),  # another UR's case
        ("tri=jobs", ["Café des Halles", "Scierie Kervella"]),
        ("tri=-jobs", ["Scierie Kervella", "Café des Halles"]),
        ("tri=drop table", ["Café des Halles", "Scierie Kervella"]),  # unknown: default order
    ],
)
def test_case_list_search_filters_and_sorting(client, officer, cases, query, expected):
    client.force_login(officer)
    response = client.get(reverse("backoffice:cases") + "?" + query)
    if query.startswith("tri=drop"):
        assert sorted(names(response)) == sorted(expected)
    else:
        assert names(response) == expected


def test_case_search_by_contact_person_and_reference(client, officer, cases):
    PersonFactory(organisation=cases[0].organisation, last_name="Le Bihan", email="lb@exemple.fr")
    client.force_login(officer)
    for term in ["bihan", "lb@exemple", cases[1].reference.lower()]:
        response = client.get(reverse("backoffice:cases"), {"q": term})
        assert len(names(response)) == 1, term


def test_case_export_csv_of_the_filtered_list(client, officer, cases):
    client.force_login(officer)
    response = client.get(reverse("backoffice:cases"), {"q": "kervella", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["référence", "organisation"]
    assert [row[1] for row in rows[1:]] == ["Scierie Kervella"]
    assert rows[1][6] == "Camille Le Goff"


def test_case_export_xlsx(client, officer, cases):
    client.force_login(officer)
    response = client.get(reverse("backoffice:cases"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "référence"
    assert {row[1] for row in values[1:]} == {"Scierie Kervella", "Café des Halles"}


def test_lists_run_in_constant_queries(client, officer, django_assert_max_num_queries):
    client.force_login(officer)
    organisation = OrganisationFactory()
    CaseFactory(organisation=organisation, assigned_officer=officer)
    PersonFactory(organisation=organisation)
    urls = [
        reverse("backoffice:cases"),
        reverse("backoffice:organisations"),
        reverse("backoffice:people"),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as captured:
            client.get(url)
        counts[url] = len(captured.captured_queries)
    for _ in range(12):
        organisation = OrganisationFactory()
        CaseFactory(organisation=organisation, assigned_officer=officer)
        PersonFactory(organisation=organisation)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_organisation_list_search_and_export(client, officer, cases):
    client.force_login(officer)
    response = client.get(reverse("backoffice:organisations"), {"q": "halles"})
    assert [o.name for o in response.context["page"]] == ["Café des Halles"]
    response = client.get(reverse("backoffice:organisations"), {"q": "halles", "export": "csv"})
    assert "Café des Halles" in response.content.decode("utf-8-sig")
    assert "Atelier lyonnais" not in response.content.decode("utf-8-sig")


def test_person_list_search_without_accents_and_export(client, officer, ara_case):
    PersonFactory(first_name="Cécile", last_name="Guéguen")
    PersonFactory(first_name="Cécile", last_name="Lyon", organisation=ara_case.organisation)
    client.force_login(officer)
    response = client.get(reverse("backoffice:people"), {"q": "cecile gueguen"})
    assert [p.last_name for p in response.context["page"]] == ["Guéguen"]
    response = client.get(reverse("backoffice:people"), {"q": "cecile", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Guéguen"]


def test_organisation_page_lists_its_cases_and_people(client, officer, cases, settings):
    PersonFactory(organisation=cases[0].organisation, first_name="Jo", last_name="Kervella")
    client.force_login(officer)
    response = client.get(reverse("backoffice:organisation", args=[cases[0].organisation_id]))
    body = response.content.decode()
    assert cases[0].reference in body and "Jo Kervella" in body


def test_organisation_page_of_another_ur_is_404(client, officer, ara_case, settings):
    settings.DEBUG = False
    client.force_login(officer)
    response = client.get(reverse("backoffice:organisation", args=[ara_case.organisation_id]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def _exported_rows(response, export_format: str) -> list[list]:
    if export_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("url_name", "query", "expected", "absent"),
    [
        ("backoffice:cases", "kervella", "Scierie Kervella", "Café des Halles"),
        ("backoffice:organisations", "halles", "Café des Halles", "Scierie Kervella"),
        ("backoffice:people", "gueguen", "Guéguen", "Lyon"),
    ],
)
def test_every_list_exports_its_filtered_rows_in_both_formats(
    client, officer, cases, ara_case, url_name, query, expected, absent, export_format
):
    """Cases, organisations and people: CSV and XLSX hold the filtered list, of the UR only."""
    PersonFactory(first_name="Cécile", last_name="Guéguen")
    PersonFactory(first_name="Cécile", last_name="Lyon", organisation=ara_case.organisation)
    client.force_login(officer)
    response = client.get(reverse(url_name), {"q": query, "export": export_format})
    assert response.status_code == 200
    assert f".{export_format}" in response["Content-Disposition"]
    cells = [str(cell) for row in _exported_rows(response, export_format)[1:] for cell in row]
    assert any(expected in cell for cell in cells)
    assert not any(absent in cell for cell in cells)
    everything = client.get(reverse(url_name), {"export": export_format})
    all_cells = [str(c) for row in _exported_rows(everything, export_format)[1:] for c in row]
    assert not any(ara_case.organisation.name in cell for cell in all_cells)


def test_case_list_filters_by_tag_each_case_once(client, officer, cases):
    scierie, cafe = cases[0], cases[1]
    case_services.case_set_tags(
        case=scierie, by=officer, tags=["relocation", "collective_know_how"]
    )
    client.force_login(officer)
    response = client.get(reverse("backoffice:cases") + "?etiquette=relocation")
    assert names(response) == [scierie.organisation.name]
    assert cafe.organisation.name not in names(response)
    assert "Relocalisation de la production" in response.content.decode()
    # An unknown tag filters nothing (never a 500).
    response = client.get(reverse("backoffice:cases") + "?etiquette=nope")
    assert len(names(response)) == 2
