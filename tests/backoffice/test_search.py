"""Global search: accent-insensitive, in the user's territory only."""

import pytest
from django.urls import reverse

from backoffice.search_text import fold
from tests.factories import OrganisationFactory, PersonFactory
from tests.transmission.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_fold_removes_accents_ligatures_and_case():
    assert fold("Cécile BŒUF Ærø") == "cecile boeuf aero"


def test_search_finds_cases_organisations_and_people_without_accents(client, officer, ara_case):
    organisation = OrganisationFactory(name="Fromagerie Bélair", city="Rennes")
    case = CaseFactory(organisation=organisation)
    PersonFactory(first_name="Hélène", last_name="Bélair", organisation=organisation)
    PersonFactory(first_name="Hélène", last_name="Bélair", organisation=ara_case.organisation)
    client.force_login(officer)
    response = client.get(reverse("backoffice:search"), {"q": "BELAIR"})
    results = response.context["results"]
    assert [c.pk for c in results["cases"]] == [case.pk]
    assert [o.pk for o in results["organisations"]] == [organisation.pk]
    assert [p.organisation_id for p in results["people"]] == [organisation.pk]
    response = client.get(reverse("backoffice:search"), {"q": "helene belair"})
    assert len(response.context["results"]["people"]) == 1


def test_a_one_letter_search_finds_nothing_and_says_so(client, officer):
    client.force_login(officer)
    response = client.get(reverse("backoffice:search"), {"q": "a"})
    assert response.context["empty"]
    assert "au moins deux lettres" in response.content.decode()


def test_the_header_search_box_has_its_shortcut_and_label(client, officer):
    client.force_login(officer)
    body = client.get(reverse("backoffice:home")).content.decode()
    assert 'aria-keyshortcuts="/"' in body
    assert '<label for="global-search"' in body
    assert "search-shortcut.js" in body
    assert "<script>" not in body  # no inline script (CSP)
