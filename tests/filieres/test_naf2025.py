"""NAF 2025: INSEE's nomenclature and rév. 2 → 2025 correspondence, shipped and loaded by the
migrations through the same writers as the load commands; classification in both versions.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from crm import reference_data
from crm import services as crm_services
from crm.actors import SYSTEM
from crm.models import NafEntry
from filieres import selectors, services
from filieres.models import Filiere, FiliereNafCode, NafCorrespondence
from tests.filieres.factories import filiere

pytestmark = pytest.mark.django_db

NOMENCLATURE = reference_data.REFERENCE_DIR / reference_data.NAF2025_FILE
CORRESPONDENCE = reference_data.REFERENCE_DIR / reference_data.NAF_CORRESPONDENCE_FILE


def test_migrations_ship_the_nomenclature_and_the_correspondence():
    assert NafEntry.objects.filter(version="2025").count() == 1794
    assert NafCorrespondence.objects.count() == 1223
    # Every rév. 2 sub-class has a NAF 2025 successor.
    rev2 = set(
        NafEntry.objects.filter(version="rev2", level="subclass").values_list("code", flat=True)
    )
    assert set(NafCorrespondence.objects.values_list("rev2_code", flat=True)) == rev2
    # A split (1 → n) and a merge (n → 1) of INSEE's table.
    assert set(
        NafCorrespondence.objects.filter(rev2_code="10.13A").values_list("naf2025_code", flat=True)
    ) == {"10.13G", "10.13H", "10.89Y"}
    assert set(
        NafCorrespondence.objects.filter(naf2025_code="41.00G").values_list("rev2_code", flat=True)
    ) == {"41.20A"}
    assert set(
        NafCorrespondence.objects.filter(naf2025_code="68.12Y").values_list("rev2_code", flat=True)
    ) == {"41.10A", "41.10B", "41.10C", "42.99Z"}


def test_the_load_command_on_the_shipped_file_changes_nothing():
    out = io.StringIO()
    call_command("load_naf_nomenclature", str(NOMENCLATURE), stdout=out)
    assert "0 créé(s), 0 mis à jour, 1794 inchangé(s)" in out.getvalue()
    out = io.StringIO()
    call_command("load_naf_correspondence", str(CORRESPONDENCE), stdout=out)
    assert "0 créé(s), 0 mis à jour, 1223 inchangé(s)" in out.getvalue()
    assert NafCorrespondence.objects.count() == 1223


def test_a_new_edition_of_the_nomenclature_updates_labels_dry_run_first(tmp_path):
    edition = tmp_path / "naf2025.csv"
    edition.write_text(
        NOMENCLATURE.read_text(encoding="utf-8").replace(
            "62.10Y,subclass,Activités de programmation informatique",
            "62.10Y,subclass,Programmation informatique (libellé révisé)",
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_naf_nomenclature", str(edition), "--dry-run", stdout=out)
    assert "Simulation" in out.getvalue() and "1 mis à jour" in out.getvalue()
    assert NafEntry.objects.get(version="2025", code="62.10Y").label == (
        "Activités de programmation informatique"
    )
    call_command("load_naf_nomenclature", str(edition), stdout=io.StringIO())
    assert NafEntry.objects.get(version="2025", code="62.10Y").label == (
        "Programmation informatique (libellé révisé)"
    )


def test_an_unknown_nomenclature_version_is_refused_by_the_command():
    with pytest.raises(CommandError, match="rev3"):
        call_command(
            "load_naf_nomenclature", str(NOMENCLATURE), "--naf-version=rev3", stdout=io.StringIO()
        )


def test_correspondence_loading_reports_errors_per_row_and_saves_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "naf_rev2;naf_2025\n62.01Z;62.20G\n99.99Z;62.10Y\n62.01Z;ABC\n62.01Z;62.01Z\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("load_naf_correspondence", str(bad), stderr=err, stdout=io.StringIO())
    assert "ligne 3" in err.getvalue() and "99.99Z" in err.getvalue()
    assert "ligne 4" in err.getvalue() and "naf_2025" in err.getvalue()
    # A rév. 2 code given as a NAF 2025 one is not read as NAF 2025.
    assert "ligne 5" in err.getvalue() and "NAF 2025" in err.getvalue()
    assert not NafCorrespondence.objects.filter(rev2_code="62.01Z", naf2025_code="62.20G")


def test_correspondence_dry_run_then_replace(tmp_path):
    partial = tmp_path / "partial.csv"
    partial.write_text("naf_rev2,naf_2025\n6201Z,62.20G\n62.01Z,62.10Y\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_naf_correspondence", str(partial), "--dry-run", stdout=out)
    assert "1 créé(s)" in out.getvalue() and "1 inchangé(s)" in out.getvalue()
    assert not NafCorrespondence.objects.filter(naf2025_code="62.20G", rev2_code="62.01Z")
    call_command("load_naf_correspondence", str(partial), "--replace", stdout=io.StringIO())
    assert set(NafCorrespondence.objects.values_list("rev2_code", "naf2025_code")) == {
        ("62.01Z", "62.20G"),
        ("62.01Z", "62.10Y"),
    }


def test_an_organisation_stored_in_naf2025_is_classified_through_the_correspondence():
    numerique = filiere("test-numerique", prefixes="62")
    organisation = crm_services.organisation_create(
        name="Coop 2025", naf_code="6210Y", naf_version="2025", postal_code="35000"
    )
    assert organisation.naf_code == "62.10Y"
    assert numerique in selectors.filieres_of_organisation(organisation)
    # 43.22B (thermal installations) became 43.22H: it keeps its filière.
    thermique = filiere("test-thermique", prefixes="43.22B")
    plumber = crm_services.organisation_create(
        name="Chauffagistes 2025", naf_code="43.22H", naf_version="2025", postal_code="35000"
    )
    assert thermique in selectors.filieres_of_organisation(plumber)
    assert thermique not in selectors.filieres_of_organisation(organisation)


def test_a_code_with_two_meanings_is_never_misread():
    # Section Q is health and social work in NAF rév. 2 but education in NAF 2025.
    assert NafEntry.objects.get(version="rev2", code="Q").label.startswith("SANTÉ HUMAINE")
    assert NafEntry.objects.get(version="2025", code="Q").label == "ENSEIGNEMENT"
    health = filiere("test-sante", prefixes="Q")
    hospital_2025 = crm_services.organisation_create(
        name="Clinique 2025", naf_code="86.10Y", naf_version="2025", postal_code="35000"
    )
    school_2025 = crm_services.organisation_create(
        name="École 2025", naf_code="85.31Y", naf_version="2025", postal_code="35000"
    )
    hospital_rev2 = crm_services.organisation_create(
        name="Clinique 2008", naf_code="86.10Z", naf_version="rev2", postal_code="35000"
    )
    # 86.10Y (section R in NAF 2025) is health through 86.10Z; 85.31Y (section Q in NAF 2025)
    # is not, although its section letter is the filière's.
    assert health in selectors.filieres_of_organisation(hospital_2025)
    assert health in selectors.filieres_of_organisation(hospital_rev2)
    assert health not in selectors.filieres_of_organisation(school_2025)
    assert not FiliereNafCode.objects.filter(filiere=health, naf_version="2025", naf_code="85.31Y")
    # A NAF 2025 prefix Q covers the schools, and only in NAF 2025.
    education = filiere("test-education-2025", prefixes="", prefixes_2025="Q")
    assert education in selectors.filieres_of_organisation(school_2025)
    assert education not in selectors.filieres_of_organisation(hospital_rev2)


def test_naf2025_prefixes_apply_directly_and_follow_changes():
    f = filiere("test-2025", prefixes="", prefixes_2025="62.10")
    assert set(FiliereNafCode.objects.filter(filiere=f).values_list("naf_version", "naf_code")) == {
        ("2025", "62.10Y")
    }
    # The correspondence follows prefix changes of the rév. 2 definition too.
    services.filiere_update(filiere=f, by=SYSTEM, prefixes="43.22A", prefixes_2025="")
    assert set(
        FiliereNafCode.objects.filter(filiere=f).values_list("naf_version", "naf_code", "source")
    ) == {("rev2", "43.22A", "prefix"), ("2025", "43.22G", "correspondence")}
    with pytest.raises(ValidationError, match="prefixes_2025"):
        filiere("test-2025-bad", prefixes_2025="62.01Z")  # a rév. 2 code, unknown in 2025
    assert not Filiere.objects.filter(slug="test-2025-bad").exists()
