import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from crm import identifiers
from crm.identifiers import departement_code_by_rule


@pytest.mark.parametrize(
    "value",
    [
        "123456782",
        "123 456 782",
        "123\u00a0456\u00a0782",
        "123.456.782",
        "123-456-782",
        " 123 456-782 ",
    ],
)
def test_valid_sirens_are_compacted_to_nine_digits(value):
    assert identifiers.normalize_siren(value) == "123456782"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("123456789", "siren_checksum"),
        ("12345678", "siren_format"),
        ("1234567820", "siren_format"),
        ("12345678A", "siren_format"),
        ("", "siren_format"),
        # Luhn-valid, but Arabic-Indic / full-width digits: nine digits "from 0 to 9" only.
        ("\u0667\u0663\u0662\u0668\u0662\u0669\u0663\u0662\u0660", "siren_format"),
        ("\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0665\u0669", "siren_format"),
        ("\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff12", "siren_format"),
        # Luhn-valid but never assigned.
        ("000000000", "siren_checksum"),
        # A separator is only compacted between digits.
        ("123456782.", "siren_format"),
        ("-123456782", "siren_format"),
    ],
)
def test_invalid_sirens(value, code):
    with pytest.raises(ValidationError) as error:
        identifiers.normalize_siren(value)
    assert error.value.code == code


def test_messages_are_french_and_name_the_field():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        identifiers.normalize_siren("123456789")
    assert error.value.messages == [
        "Le SIREN « 123456789 » est invalide : sa clé de contrôle est fausse."
    ]


def test_siret_luhn_over_fourteen_digits():
    assert identifiers.normalize_siret("123 456 782 00010") == "12345678200010"
    with pytest.raises(ValidationError):
        identifiers.normalize_siret("12345678200011")


def test_la_poste_sirets_follow_the_digit_sum_rule_not_luhn():
    # 3+5+6 + 0 … + 1 + 0 = 15: a multiple of 5, although Luhn fails.
    la_poste = "35600000000010"
    assert not identifiers.luhn_valid(la_poste)
    assert identifiers.normalize_siret(la_poste) == la_poste
    # Another establishment: digit sum 3+5+6+1+2+3 = 20.
    assert identifiers.normalize_siret("35600000012300") == "35600000012300"
    # Digit sum 3+5+6+1+1+3 = 19: refused, although it is Luhn-valid.
    assert identifiers.luhn_valid("35600000000113")
    with pytest.raises(ValidationError):
        identifiers.normalize_siret("35600000000113")


def test_la_poste_head_office_keeps_its_luhn_key():
    # Digit sum 3+5+6+4+8 = 26 is not a multiple of 5, but the head office is Luhn-valid.
    assert identifiers.luhn_valid("35600000000048")
    assert identifiers.normalize_siret("356 000 000 00048") == "35600000000048"
    with pytest.raises(ValidationError):
        identifiers.normalize_siret("35600000000049")


@pytest.mark.parametrize(
    ("siren", "vat"),
    [
        # Published VAT numbers of real companies (La Poste, Société Générale).
        ("356000000", "FR39356000000"),
        ("552 120 222", "FR27552120222"),
    ],
)
def test_vat_number_of_known_companies(siren, vat):
    assert identifiers.vat_number(siren) == vat


def test_sirets_are_compacted_and_ascii_only():
    assert identifiers.normalize_siret("123.456.782-00010") == "12345678200010"
    with pytest.raises(ValidationError):
        identifiers.normalize_siret("00000000000000")
    with pytest.raises(ValidationError):
        identifiers.normalize_siret("\uff11" + "2345678200010")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6201Z", "62.01Z"), ("62.01z", "62.01Z"), (" 01.11Z ", "01.11Z"), ("4322A", "43.22A")],
)
def test_naf_codes_are_normalised(value, expected):
    assert identifiers.normalize_naf_code(value) == expected


@pytest.mark.parametrize("value", ["62.01", "62", "J", "620Z", "62.01ZZ", "AB.CDE"])
def test_naf_codes_must_be_sub_classes(value):
    with pytest.raises(ValidationError):
        identifiers.normalize_naf_code(value)


@pytest.mark.parametrize(
    ("postal_code", "departement"),
    [
        ("35000", "35"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20199", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97100", "971"),
        ("97200", "972"),
        ("97300", "973"),
        ("97400", "974"),
        ("97600", "976"),
        ("97500", None),  # Saint-Pierre-et-Miquelon: not a département
        ("98000", None),  # Monaco
        ("00100", None),
        ("96000", None),
    ],
)
def test_departement_by_numbering_rule(postal_code, departement):
    assert departement_code_by_rule(postal_code) == departement


@pytest.mark.parametrize("value", ["3500", "350000", "35 00A", ""])
def test_postal_code_format(value):
    with pytest.raises(ValidationError):
        identifiers.normalize_postal_code(value)
