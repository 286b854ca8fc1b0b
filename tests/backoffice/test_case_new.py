"""New case by hand: SIREN first, a warning when the organisation already has an open case."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, valid_siren
from tests.transmission.factories import CaseFactory
from transmission.models import Case, StageChange

pytestmark = pytest.mark.django_db

URL = reverse("backoffice:case_new")


def test_a_known_siren_shows_the_organisation_and_warns_of_its_open_case(client, officer):
    organisation = OrganisationFactory(name="Imprimerie Tanguy")
    open_case = CaseFactory(organisation=organisation, stage="feasibility")
    client.force_login(officer)
    response = client.get(URL, {"siren": organisation.siren})
    assert response.context["organisation"] == organisation
    body = response.content.decode()
    assert "déjà un dossier ouvert" in body
    assert reverse("backoffice:case", args=[open_case.pk]) in body


def test_a_case_for_a_known_organisation_goes_through_case_create(client, officer):
    organisation = OrganisationFactory()
    client.force_login(officer)
    response = client.post(
        URL,
        {
            "siren": organisation.siren,
            "kind": "takeover",
            "source": "direct",
            "jobs_at_stake": "6",
            "assigned_officer": officer.pk,
        },
    )
    case = Case.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == reverse(
        "backoffice:case", args=[case.pk]
    )
    assert (case.stage, case.jobs_at_stake, case.assigned_officer) == ("lead", 6, officer)
    assert StageChange.objects.get(case=case).by == officer


def test_an_unknown_siren_creates_the_organisation_with_the_case(client, officer):
    client.force_login(officer)
    siren = valid_siren(4242)
    response = client.get(URL, {"siren": siren})
    assert response.context["organisation"] is None
    assert response.context["organisation_form"] is not None
    response = client.post(
        URL,
        {
            "siren": siren,
            "name": "Garage Le Roux",
            "postal_code": "35000",
            "city": "Rennes",
            "kind": "takeover",
            "source": "direct",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(organisation__siren=siren).organisation.name == "Garage Le Roux"


def test_a_refused_case_leaves_no_organisation_behind(client, officer):
    client.force_login(officer)
    siren = valid_siren(4343)
    # A Lyon organisation: the case would belong to ARA, which the Ouest officer may not open.
    response = client.post(
        URL,
        {
            "siren": siren,
            "name": "Hors territoire",
            "postal_code": "69001",
            "kind": "takeover",
            "source": "direct",
        },
    )
    assert response.status_code == 422
    assert "Seul" in str(response.context["case_form"].non_field_errors())
    assert not Case.objects.filter(organisation__siren=siren).exists()
    from crm.models import Organisation

    assert not Organisation.objects.filter(siren=siren).exists()


def test_bad_organisation_data_shows_on_its_field(client, officer):
    client.force_login(officer)
    response = client.post(
        URL,
        {
            "siren": "",
            "name": "Sans code",
            "postal_code": "00000",
            "kind": "creation",
            "source": "direct",
        },
    )
    assert response.status_code == 422
    assert response.context["organisation_form"].errors["postal_code"]


def test_an_invalid_siren_is_refused_in_french(client, officer):
    client.force_login(officer)
    response = client.get(URL, {"siren": "123456789"})
    assert response.context["lookup"].errors["siren"]


def test_financial_officers_do_not_open_cases(client, financial_officer, settings):
    settings.DEBUG = False
    client.force_login(financial_officer)
    assert client.get(URL).status_code == 403
