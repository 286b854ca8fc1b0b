import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from crm import services
from crm.models import Organisation
from crm.territories import (
    commune_key,
    departement_for,
    departement_for_postal_code,
    regional_union_for_departement,
)

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
    ],
)
def test_postal_code_table_gives_the_departement(postal_code, departement):
    assert departement_for(postal_code).code == departement


# Every postal code of La Poste's table that serves communes of two départements, with one
# commune on each side (5 of them cross a regional-union border: 01410, 01590, 05700,
# 37160, 48250).
SPANNING_CODES = [
    ("01200", "Valserhône", "01", "Éloise", "74"),
    ("01410", "Chézery-Forens", "01", "Lajoux", "39"),
    ("01590", "Dortan", "01", "Lavancia-Epercy", "39"),
    ("05110", "La Saulce", "05", "Curbans", "04"),
    ("05130", "Tallard", "05", "Piégut", "04"),
    ("05160", "Savines-le-Lac", "05", "Pontis", "04"),
    ("05700", "Serres", "05", "Villebois-les-Pins", "26"),
    ("06260", "Puget-Théniers", "06", "Saint-Pierre", "04"),
    ("13780", "Cuges-les-Pins", "13", "Riboux", "83"),
    ("21340", "Nolay", "21", "Change", "71"),
    ("33220", "Pineuilh", "33", "Port-Sainte-Foy-et-Ponchapt", "24"),
    ("37160", "Descartes", "37", "Buxeuil", "86"),
    ("42620", "Saint-Martin-d'Estréaux", "42", "Saint-Pierre-Laval", "03"),
    ("43450", "Blesle", "43", "Leyvaux", "15"),
    ("48250", "Luc", "48", "Laveyrune", "07"),
    ("52100", "Saint-Dizier", "52", "Saint-Eulien", "51"),
]


@pytest.mark.parametrize(("code", "city_a", "dep_a", "city_b", "dep_b"), SPANNING_CODES)
def test_a_code_spanning_two_departements_is_resolved_by_the_commune(
    code, city_a, dep_a, city_b, dep_b
):
    assert departement_for(code, city_a).code == dep_a
    assert departement_for(code, city_b).code == dep_b


def test_the_commune_is_matched_whatever_its_spelling():
    assert departement_for("01590", "LAVANCIA EPERCY").code == "39"
    assert departement_for("42620", "st martin d estreaux").code == "42"
    assert departement_for("42620", "St-Pierre-Laval").code == "03"
    assert departement_for("33220", "Port Ste Foy et Ponchapt").code == "24"
    assert departement_for("05110", "la saulce cedex").code == "05"
    assert commune_key("Saint-Martin-d’Estréaux") == commune_key("ST MARTIN D'ESTREAUX")


def test_a_code_across_a_ur_border_lands_in_the_right_regional_union():
    # 48250: Laveyrune is in Ardèche (Auvergne-Rhône-Alpes), Luc in Lozère (Occitanie).
    assert regional_union_for_departement(departement_for("48250", "Laveyrune").code).code == (
        "ara"
    )
    assert regional_union_for_departement(departement_for("48250", "Luc").code).code == "occ"


def test_an_ambiguous_code_without_a_commune_is_refused_with_the_communes_listed():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        departement_for("01590")
    assert error.value.message_dict == {
        "city": [
            "Le code postal « 01590 » dessert des communes de plusieurs départements : "
            "indiquez la commune (Dortan (01), Chancia (39), Lavancia-Epercy (39))."
        ]
    }
    with pytest.raises(ValidationError):
        departement_for("48250", "  ")


def test_a_commune_the_ambiguous_code_does_not_serve_is_refused_naming_the_city():
    # No guess by the numbering rule: 01590's rule says Ain, but Lavancia-Epercy is in Jura.
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        departement_for("01590", "Lavancia")
    assert error.value.message_dict == {
        "city": [
            "La commune « Lavancia » ne permet pas de savoir dans quel département se trouve "
            "le code postal « 01590 » : choisissez parmi Dortan (01), Chancia (39), "
            "Lavancia-Epercy (39)."
        ]
    }


def test_a_code_serving_one_departement_needs_no_commune():
    assert departement_for("35000", "Nom de lieu-dit").code == "35"


def test_unknown_postal_codes_are_refused():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        departement_for("01999")
    assert error.value.message_dict == {
        "postal_code": ["Le code postal « 01999 » ne correspond à aucun département français."]
    }
    assert error.value.error_dict["postal_code"][0].code == "postal_code_unknown"


@pytest.mark.parametrize("postal_code", ["97500", "98000", "00000", "35999"])
def test_codes_outside_the_table_are_refused(postal_code):
    with pytest.raises(ValidationError) as error:
        departement_for(postal_code)
    assert list(error.value.message_dict) == ["postal_code"]


def test_malformed_postal_codes_name_the_field():
    with pytest.raises(ValidationError) as error:
        departement_for("3500")
    assert list(error.value.message_dict) == ["postal_code"]


def test_saint_barthelemy_and_saint_martin_are_not_guadeloupe():
    barth = departement_for("97133")
    assert (barth.code, barth.name, barth.kind) == ("977", "Saint-Barthélemy", "com")
    assert departement_for("97150").code == "978"
    assert departement_for("97110").code == "971"
    assert regional_union_for_departement("977").code == "idf"


def test_the_former_name_still_works():
    assert departement_for_postal_code("35000").code == "35"
    assert departement_for_postal_code("48250", "Laveyrune").code == "07"


def test_an_organisation_takes_its_departement_from_its_commune():
    organisation = services.organisation_create(
        name="Scierie du Jura", postal_code="01590", city="Lavancia-Epercy"
    )
    assert organisation.departement_id == "39"
    barth = services.organisation_create(name="Coop des îles", postal_code="97133")
    assert barth.departement_id == "977"


def test_an_organisation_with_an_ambiguous_code_and_no_commune_is_refused():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        services.organisation_create(name="Scierie", postal_code="01590")
    assert "indiquez la commune" in error.value.message_dict["city"][0]
    assert not Organisation.objects.exists()
