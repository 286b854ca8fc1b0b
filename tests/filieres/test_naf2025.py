"""NAF 2025 readiness: nomenclature and correspondence loading, classification in NAF 2025.

The fixture files are small hand-made samples shaped like INSEE's (codes and labels are not
authoritative): tests/filieres/data/.
"""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from crm import services as crm_services
from crm.actors import SYSTEM
from crm.models import NafEntry
from filieres import selectors, services
from filieres.models import Filiere, FiliereNafCode, NafCorrespondence
from tests.filieres.factories import filiere

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NOMENCLATURE = DATA / "naf2025_sample.csv"
CORRESPONDENCE = DATA / "naf_correspondence_sample.csv"


def _load_all():
    call_command("load_naf_nomenclature", str(NOMENCLATURE), stdout=io.StringIO())
    call_command("load_naf_correspondence", str(CORRESPONDENCE), stdout=io.StringIO())


def test_nomenclature_loading_dry_run_then_real_then_idempotent():
    out = io.StringIO()
    call_command("load_naf_nomenclature", str(NOMENCLATURE), "--dry-run", stdout=out)
    assert "Simulation" in out.getvalue() and "10 créé(s)" in out.getvalue()
    assert not NafEntry.objects.filter(version="2025").exists()
    call_command("load_naf_nomenclature", str(NOMENCLATURE), stdout=io.StringIO())
    entry = NafEntry.objects.get(version="2025", code="62.10Y")
    assert entry.level == "subclass" and entry.parent.code == "62.10"
    call_command("load_naf_nomenclature", str(NOMENCLATURE), stdout=io.StringIO())
    assert NafEntry.objects.filter(version="2025").count() == 10


def test_an_unknown_nomenclature_version_is_refused_by_the_command():
    with pytest.raises(CommandError, match="rev3"):
        call_command(
            "load_naf_nomenclature", str(NOMENCLATURE), "--naf-version=rev3", stdout=io.StringIO()
        )


def test_correspondence_loading_reports_errors_per_row_and_saves_nothing(tmp_path):
    call_command("load_naf_nomenclature", str(NOMENCLATURE), stdout=io.StringIO())
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "naf_rev2;naf_2025\n62.01Z;62.10Y\n99.99Z;62.10Y\n62.01Z;ABC\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("load_naf_correspondence", str(bad), stderr=err, stdout=io.StringIO())
    assert "ligne 3" in err.getvalue() and "99.99Z" in err.getvalue()
    assert "ligne 4" in err.getvalue() and "naf_2025" in err.getvalue()
    assert not NafCorrespondence.objects.exists()


def test_correspondence_needs_the_naf2025_nomenclature_first():
    report = services.naf_correspondence_load(rows=[{"naf_rev2": "62.01Z", "naf_2025": "62.10Y"}])
    assert not report.ok and "62.10Y" in report.errors[0][1]


def test_correspondence_dry_run_changes_nothing():
    call_command("load_naf_nomenclature", str(NOMENCLATURE), stdout=io.StringIO())
    before = FiliereNafCode.objects.count()
    out = io.StringIO()
    call_command("load_naf_correspondence", str(CORRESPONDENCE), "--dry-run", stdout=out)
    assert "4 créé(s)" in out.getvalue()
    assert not NafCorrespondence.objects.exists()
    assert FiliereNafCode.objects.count() == before


def test_an_organisation_stored_in_naf2025_is_classified():
    _load_all()
    assert NafCorrespondence.objects.count() == 4
    organisation = crm_services.organisation_create(
        name="Coop 2025", naf_code="6210Y", naf_version="2025", postal_code="35000"
    )
    slugs = {f.slug for f in selectors.filieres_of_organisation(organisation)}
    assert "numerique" in slugs
    plumber = crm_services.organisation_create(
        name="Plombiers 2025", naf_code="43.22Y", naf_version="2025", postal_code="35000"
    )
    slugs = {f.slug for f in selectors.filieres_of_organisation(plumber)}
    # 43.22A and 43.22B merge into 43.22Y: it inherits both of their filières.
    assert {"construction-renovation-energetique", "energies-renouvelables"} <= slugs
    classified = selectors.classify(
        type(organisation).objects.filter(pk__in=[organisation.pk, plumber.pk])
    )
    assert {f.slug for f in classified[organisation.pk]} == {"numerique"}


def test_naf2025_prefixes_apply_directly_and_follow_changes():
    _load_all()
    f = filiere("test-2025", prefixes="", prefixes_2025="K")
    assert set(FiliereNafCode.objects.filter(filiere=f).values_list("naf_version", "naf_code")) == {
        ("2025", "62.10Y")
    }
    # The correspondence follows prefix changes of the rév. 2 definition too.
    services.filiere_update(filiere=f, by=SYSTEM, prefixes="43.22A", prefixes_2025="")
    assert set(
        FiliereNafCode.objects.filter(filiere=f).values_list("naf_version", "naf_code", "source")
    ) == {("rev2", "43.22A", "prefix"), ("2025", "43.22Y", "correspondence")}
    with pytest.raises(Exception, match="prefixes_2025"):
        filiere("test-2025-bad", prefixes_2025="62.01Z")  # a rév. 2 code, unknown in 2025
    assert not Filiere.objects.filter(slug="test-2025-bad").exists()
