import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from crm import services
from crm.models import Organisation
from crm.roles import Role
from tests.factories import OrganisationFactory, staff_user, valid_siren

pytestmark = pytest.mark.django_db


def test_valid_organisation_derives_its_departement():
    organisation = services.organisation_create(
        name="Atelier test", siren="123 456 782", postal_code="20000", naf_code="6201Z"
    )
    assert organisation.siren == "123456782"
    assert organisation.naf_code == "62.01Z"
    assert organisation.departement_id == "2A"


def test_siren_is_derived_from_a_siret():
    organisation = services.organisation_create(
        name="Atelier test", siret="12345678200010", postal_code="35000"
    )
    assert organisation.siren == "123456782"


def test_every_bad_field_is_reported_at_once_in_french():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.organisation_create(
            name="Atelier test",
            siren="123456789",
            siret="98765432100017",
            naf_code="99.99Z",
            postal_code="98000",
        )
    messages = error.value.message_dict
    assert messages["siren"] == [
        "Le SIREN « 123456789 » est invalide : sa clé de contrôle est fausse."
    ]
    assert "siret" in messages
    assert messages["naf_code"] == [
        "Le code NAF « 99.99Z » n'existe pas dans la NAF rév. 2 (2008)."
    ]
    assert messages["postal_code"] == [
        "Le code postal « 98000 » ne correspond à aucun département français."
    ]
    assert Organisation.objects.count() == 0


def test_siret_must_belong_to_the_siren():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.organisation_create(
            name="Atelier test", siren="732829320", siret="12345678200010", postal_code="35000"
        )
    assert error.value.message_dict["siret"] == [
        "Le SIRET « 12345678200010 » ne commence pas par le SIREN « 732829320 »."
    ]


def test_naf_code_is_checked_in_its_own_version():
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            name="Atelier test", postal_code="35000", naf_code="62.01Z", naf_version="2025"
        )
    assert "naf_code" in error.value.message_dict


def test_siren_is_unique():
    OrganisationFactory(siren=valid_siren(1))
    with pytest.raises(ValidationError) as error:
        OrganisationFactory(siren=valid_siren(1))
    assert "siren" in error.value.message_dict


def test_organisations_without_siren_do_not_collide():
    OrganisationFactory(siren=None)
    OrganisationFactory(siren="")
    assert Organisation.objects.filter(siren__isnull=True).count() == 2


def test_database_refuses_a_siret_without_siren():
    organisation = OrganisationFactory(siren=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(siret="12345678200010")


def test_only_cooperatives_cease_and_not_before_they_start():
    with pytest.raises(ValidationError) as error:
        OrganisationFactory(cooperative_ceased_on=datetime.date(2020, 1, 1))
    assert "cooperative_ceased_on" in error.value.message_dict
    cooperative = OrganisationFactory(
        cooperative_type="scop",
        cooperative_since=datetime.date(2010, 1, 1),
        cooperative_ceased_on=datetime.date(2020, 1, 1),
    )
    assert cooperative.is_cooperative and not cooperative.is_active_cooperative
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=cooperative.pk).update(
            cooperative_ceased_on=datetime.date(2000, 1, 1)
        )


def test_admin_form_refuses_bad_identifiers_in_french(client):
    director = staff_user(Role.DIRECTOR, "ouest", username="dir")
    client.force_login(director)
    response = client.post(
        "/admin/crm/organisation/add/",
        {
            "name": "Atelier test",
            "siren": "123456789",
            "siret": "",
            "naf_code": "6201Z",
            "naf_version": "rev2",
            "postal_code": "35000",
            "legal_form": "",
            "cooperative_type": "",
            "employees": "",
            "city": "",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Le SIREN « 123456789 » est invalide" in response.content.decode()
    assert Organisation.objects.count() == 0


def test_admin_creates_a_valid_organisation(client):
    director = staff_user(Role.DIRECTOR, "ouest", username="dir")
    client.force_login(director)
    response = client.post(
        "/admin/crm/organisation/add/",
        {
            "name": "Atelier test",
            "siren": "123456782",
            "siret": "",
            "naf_code": "6201Z",
            "naf_version": "rev2",
            "postal_code": "35000",
            "legal_form": "sas",
            "cooperative_type": "",
            "employees": "12",
            "city": "Rennes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get()
    assert (organisation.naf_code, organisation.departement_id) == ("62.01Z", "35")
    assert organisation.history.count() == 1


@pytest.mark.parametrize(
    "siren", ["\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0665\u0669", "000000000"]
)
def test_the_service_refuses_sirens_that_would_defeat_uniqueness(siren):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(name="Atelier test", siren=siren, postal_code="35000")
    assert "siren" in error.value.message_dict
    assert not Organisation.objects.filter(name="Atelier test").exists()


def test_the_service_compacts_dots_and_hyphens_between_digit_groups():
    organisation = services.organisation_create(
        name="Atelier test", siren="123.456.782", siret="123-456-782-00010", postal_code="35000"
    )
    assert (organisation.siren, organisation.siret) == ("123456782", "12345678200010")
