"""CSV import/export of filière definitions: preview, per-row errors, commands, admin."""

import io

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.urls import reverse

from crm.actors import SYSTEM
from crm.roles import Role
from filieres import selectors
from filieres.models import Filiere, FiliereNafCode, FilierePrefix
from filieres.resources import FiliereResource
from tests.factories import staff_user
from tests.filieres.factories import organisations

pytestmark = pytest.mark.django_db

HEADERS = ["slug", "name", "description", "prefixes"]


def _dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def _state():
    return (
        sorted(Filiere.objects.values_list("slug", "name", "description")),
        sorted(FilierePrefix.objects.values_list("filiere__slug", "naf_version", "code")),
        sorted(FiliereNafCode.objects.values_list("filiere_id", "naf_version", "naf_code")),
    )


def test_export_lists_prefixes_in_one_column():
    exported = FiliereResource().export()
    row = next(r for r in exported.dict if r["slug"] == "energies-renouvelables")
    assert row["prefixes"] == "35.11Z;35.14Z;35.21Z;35.30Z;43.21A;43.22B"
    assert row["prefixes_2025"] == ""


def test_dry_run_previews_without_changing_anything():
    before = _state()
    dataset = _dataset(
        ("artisanat-art", "Métiers d'art", "Nouvelle", "90.03A;3212Z"),
        ("numerique", "Numérique", "Modifiée", "62"),
    )
    result = FiliereResource(by=SYSTEM).import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "update"]
    assert _state() == before


def test_import_applies_rows_and_rebuilds_the_mapping():
    (dev,) = organisations(["63.11Z"])
    assert "numerique" in {f.slug for f in selectors.filieres_of_organisation(dev)}
    dataset = _dataset(
        ("artisanat-art", "Métiers d'art", "Nouvelle", "90.03A; 3212Z"),
        ("numerique", "Numérique", "Modifiée", "62"),
    )
    result = FiliereResource(by=SYSTEM).import_data(dataset)
    assert not result.has_errors() and not result.has_validation_errors()
    crafts = Filiere.objects.get(slug="artisanat-art")
    assert set(crafts.prefixes.values_list("code", flat=True)) == {"90.03A", "32.12Z"}
    assert "numerique" not in {f.slug for f in selectors.filieres_of_organisation(dev)}
    assert Filiere.objects.get(slug="numerique").description == "Modifiée"


def test_bad_rows_are_reported_per_row_and_nothing_is_saved():
    before = _state()
    dataset = _dataset(
        ("artisanat-art", "Métiers d'art", "", "90.03A"),
        ("faux", "Faux", "", "99.99Z;43.2"),
        ("", "Sans identifiant", "", "F"),
    )
    result = FiliereResource(by=SYSTEM).import_data(dataset)
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "99.99Z" in " ".join(invalid[2]["prefixes"])
    assert "slug" in invalid[3]
    assert _state() == before  # all or nothing


def test_import_command_dry_run_and_errors(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        "slug,name,description,prefixes\nartisanat-art,Métiers d'art,,90.03A\n", encoding="utf-8"
    )
    out = io.StringIO()
    call_command("filieres_csv", "import", str(good), "--dry-run", stdout=out)
    assert "Simulation" in out.getvalue()
    assert not Filiere.objects.filter(slug="artisanat-art").exists()
    call_command("filieres_csv", "import", str(good), stdout=io.StringIO())
    assert Filiere.objects.filter(slug="artisanat-art").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text("slug,name,description,prefixes\nfaux,Faux,,ZZ9\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("filieres_csv", "import", str(bad), stderr=err, stdout=io.StringIO())
    assert "ligne 1 : prefixes" in err.getvalue()

    exported = tmp_path / "out.csv"
    call_command("filieres_csv", "export", str(exported))
    assert "artisanat-art" in exported.read_text(encoding="utf-8")


def test_admin_import_preview_and_filiere_form(client):
    client.force_login(staff_user(Role.ADMINISTRATOR, is_superuser=True))
    before = _state()
    upload = io.BytesIO(
        "slug,name,description,prefixes\nartisanat-art,Métiers d'art,,90.03A\n".encode()
    )
    upload.name = "filieres.csv"
    response = client.post(
        "/admin/filieres/filiere/import/",
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    assert "artisanat-art" in response.content.decode()
    assert _state() == before  # the preview is a dry run

    response = client.post(
        "/admin/filieres/filiere/add/",
        {"name": "Essai", "slug": "essai", "description": "", "prefixes": "F; 99.99"},
    )
    assert response.status_code == 200
    assert "99.99" in response.content.decode()
    response = client.post(
        "/admin/filieres/filiere/add/",
        {"name": "Essai", "slug": "essai", "description": "", "prefixes": "F; 6201Z"},
    )
    assert response.status_code == 302
    assert set(Filiere.objects.get(slug="essai").prefixes.values_list("code", flat=True)) == {
        "F",
        "62.01Z",
    }


def test_only_administrators_see_and_reach_the_filiere_import(client):
    url = reverse("admin:filieres_filiere_import")
    client.force_login(staff_user(Role.OFFICER, "ouest", is_staff=True))
    assert client.get(reverse("admin:filieres_filiere_changelist")).status_code == 200
    assert client.get(url).status_code == 403
    client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True))
    assert client.get(url).status_code == 200
