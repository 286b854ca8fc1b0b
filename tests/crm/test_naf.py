import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from crm import services
from crm.naf import naf_version_for, validate_naf_code

pytestmark = pytest.mark.django_db


def test_default_version_changes_on_1_january_2027():
    assert naf_version_for(datetime.date(2026, 12, 31)) == "rev2"
    assert naf_version_for(datetime.date(2027, 1, 1)) == "2025"
    assert naf_version_for(datetime.date(2030, 6, 1)) == "2025"


@pytest.mark.parametrize(
    ("value", "version", "code"),
    [("62.01Z", "rev2", "62.01Z"), ("6201z", "rev2", "62.01Z"), ("6210Y", "2025", "62.10Y")],
)
def test_a_code_of_its_version_is_normalised(value, version, code):
    assert validate_naf_code(value, version) == code


def test_a_code_of_the_other_version_is_refused_and_named_as_such():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        validate_naf_code("62.01Z", "2025")
    assert error.value.message_dict == {
        "naf_code": [
            "Le code NAF « 62.01Z » n'existe pas dans la NAF 2025. C'est un code de la "
            "NAF rév. 2 (2008) : vérifiez la version de la nomenclature."
        ]
    }
    with pytest.raises(ValidationError) as error:
        validate_naf_code("62.10Y", "rev2", field="company.naf_code")
    assert list(error.value.message_dict) == ["company.naf_code"]


@pytest.mark.parametrize(
    ("value", "version", "field"),
    [
        ("99.99Z", "rev2", "naf_code"),
        ("6201", "rev2", "naf_code"),
        ("62.01Z", "rev3", "naf_version"),
    ],
)
def test_bad_codes_and_versions_name_the_field(value, version, field):
    with pytest.raises(ValidationError) as error:
        validate_naf_code(value, version)
    assert list(error.value.message_dict) == [field]


def test_an_organisation_checks_its_code_in_its_version():
    organisation = services.organisation_create(
        name="Coop 2025", naf_code="85.31Y", naf_version="2025", postal_code="35000"
    )
    assert (organisation.naf_code, organisation.naf_version) == ("85.31Y", "2025")
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            name="Coop mal codée", naf_code="85.31Y", naf_version="rev2", postal_code="35000"
        )
    assert list(error.value.message_dict) == ["naf_code"]
