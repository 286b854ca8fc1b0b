import pytest
from django.core.exceptions import ValidationError

from crm.territories import departement_for_postal_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("postal_code", "departement"),
    [
        ("35000", "35"),
        ("20000", "2A"),
        ("20200", "2B"),
        ("97400", "974"),
        ("97600", "976"),
        # The table knows communes served from another département's numbering.
        ("94390", "91"),
        # Codes spanning two départements: the numbering rule breaks the tie.
        ("05110", "05"),
        ("01590", "01"),
        ("48250", "48"),
    ],
)
def test_postal_code_table_first_then_rule(postal_code, departement):
    assert departement_for_postal_code(postal_code).code == departement


def test_unknown_code_falls_back_on_the_rule():
    # Not in La Poste's table (no such commune) but numbered in Ille-et-Vilaine.
    assert departement_for_postal_code("35999").code == "35"


@pytest.mark.parametrize("postal_code", ["97500", "98000", "00000"])
def test_codes_outside_any_departement_are_refused(postal_code):
    with pytest.raises(ValidationError) as error:
        departement_for_postal_code(postal_code)
    assert error.value.code == "postal_code_unknown"
