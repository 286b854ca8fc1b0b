"""Imports of organisations and people: preview with the errors per row and column, all or
nothing, territory, background task with progress, templates, permissions."""

import io

import openpyxl
import pytest
import tablib
from django.urls import reverse

from backoffice import services, tasks
from backoffice.models import ImportJob, ImportStatus
from crm.models import Organisation, Person
from tests.factories import OrganisationFactory, valid_siren

pytestmark = pytest.mark.django_db

HEADERS = "name,siren,siret,naf_code,legal_form,employees,postal_code,city"
PEOPLE = "first_name,last_name,email,phone,role,organisation_siren,lawful_basis,source,consent_date"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _org_rows(count: int, start: int = 0, postal_code: str = "35000") -> list[str]:
    return [
        f"Entreprise {n},{valid_siren(n + 10_000)},,62.01Z,sarl,{n % 50},{postal_code},"
        for n in range(start, start + count)
    ]


def _csv(rows: list[str], headers: str = HEADERS) -> bytes:
    return ("\n".join([headers, *rows]) + "\n").encode()


def _messages(outcome) -> list[tuple[int, str, str]]:
    return [(e["line"], e["column"], e["message"]) for e in outcome.errors]


def test_a_clean_file_is_previewed_then_imported(officer):
    data = _csv(_org_rows(3))
    preview = services.organisations_import(file=data, format="csv", by=officer, dry_run=True)
    assert preview.ok and preview.total_rows == 3
    assert not Organisation.objects.filter(name__startswith="Entreprise ").exists()
    done = services.organisations_import(file=data, format="csv", by=officer, dry_run=False)
    assert done.ok and done.created_rows == 3
    created = Organisation.objects.get(siren=valid_siren(10_001))
    assert created.departement.code == "35" and created.employees == 1


def test_each_error_names_its_line_and_column_in_french_and_nothing_is_written(officer):
    existing = OrganisationFactory(siren=valid_siren(20_000))
    rows = [
        f"Bonne,{valid_siren(20_001)},,62.01Z,sarl,,35000,",
        "Siren faux,123456789,,,,,35000,",
        "Code postal inconnu,,,,,,99999,",
        "NAF faux,,,99.99Q,,,35000,",
        "Ambigu,,,,,,01590,",
        f"Doublon,{valid_siren(20_001)},,,,,35000,",
        f"Déjà là,{existing.siren},,,,,35000,",
        "Autre UR,,,,,,69001,Lyon",
    ]
    outcome = services.organisations_import(
        file=_csv(rows), format="csv", by=officer, dry_run=False
    )
    by_line = {line: (column, message) for line, column, message in _messages(outcome)}
    assert 2 not in by_line
    assert by_line[3][0] == "siren" and "SIREN" in by_line[3][1]
    assert by_line[4] == (
        "postal_code",
        "Le code postal « 99999 » ne correspond à aucun département français.",
    )
    assert by_line[5][0] == "naf_code" and "NAF" in by_line[5][1]
    # An ambiguous postal code asks for the commune: the error is on the city.
    assert by_line[6][0] == "city" and "plusieurs départements" in by_line[6][1]
    assert by_line[7] == ("siren", "Ce SIREN figure déjà à la ligne 2.")
    assert by_line[8] == ("siren", "Une organisation avec ce SIREN est déjà enregistrée.")
    assert by_line[9] == ("postal_code", "Ce code postal est hors de votre union régionale.")
    assert outcome.created_rows == 0
    assert not Organisation.objects.filter(siren=valid_siren(20_001)).exists()


def test_a_director_of_another_ur_cannot_import_into_ouest(other_officer):
    outcome = services.organisations_import(
        file=_csv(_org_rows(1)), format="csv", by=other_officer, dry_run=False
    )
    assert [c for _, c, _ in _messages(outcome)] == ["postal_code"]
    assert not Organisation.objects.filter(siren=valid_siren(10_000)).exists()


def test_people_are_linked_by_siren_inside_the_territory_and_duplicates_refused(officer):
    organisation = OrganisationFactory(siren=valid_siren(30_000))
    lyon = OrganisationFactory(siren=valid_siren(30_001), postal_code="69001", city="Lyon")
    Person.objects.create(
        first_name="Anne",
        last_name="Déjà",
        email="anne@example.org",
        role="owner",
        organisation=organisation,
        lawful_basis="consent",
        source="x",
        consent_date="2026-01-01",
    )
    rows = [
        f"Yann,Le Bihan,yann@example.org,,owner,{organisation.siren},legitimate_interest,salon,",
        f"Yann,Le Bihan,YANN@example.org,,owner,{organisation.siren},legitimate_interest,salon,",
        f"Anne,Autre,anne@example.org,,owner,{organisation.siren},legitimate_interest,salon,",
        f"Léa,Lyon,lea@example.org,,owner,{lyon.siren},legitimate_interest,salon,",
        f"Sans,Date,sd@example.org,,owner,{organisation.siren},consent,salon,",
        f"Avec,Date,ad@example.org,,chef,{organisation.siren},consent,salon,15/01/2026",
    ]
    outcome = services.people_import(
        file=_csv(rows, PEOPLE), format="csv", by=officer, dry_run=False
    )
    by_line = {line: (column, message) for line, column, message in _messages(outcome)}
    assert 2 not in by_line
    assert by_line[3] == ("email", "Cette personne de cette organisation figure déjà à la ligne 2.")
    assert by_line[4] == ("email", "Cette personne est déjà enregistrée pour cette organisation.")
    assert by_line[5] == (
        "organisation_siren",
        "Aucune organisation de votre territoire n'a ce SIREN.",
    )
    assert by_line[6][0] == "consent_date"
    assert by_line[7][0] == "role"
    assert not Person.objects.filter(email="yann@example.org").exists()
    fixed = [rows[0], rows[5].replace("chef", "owner")]
    done = services.people_import(file=_csv(fixed, PEOPLE), format="csv", by=officer, dry_run=False)
    assert done.ok and done.created_rows == 2
    assert str(Person.objects.get(email="ad@example.org").consent_date) == "2026-01-15"


def test_an_xlsx_file_with_number_cells(officer):
    dataset = tablib.Dataset(headers=HEADERS.split(","))
    dataset.append(["Tableur", int(valid_siren(40_000)), "", "62.01Z", "sas", 7, 35000, "Rennes"])
    outcome = services.organisations_import(
        file=dataset.export("xlsx"), format="xlsx", by=officer, dry_run=False
    )
    assert outcome.ok, outcome.errors
    assert Organisation.objects.get(siren=valid_siren(40_000)).employees == 7


def test_a_board_member_and_a_financial_officer_may_not_import(board_member, financial_officer):
    from django.core.exceptions import PermissionDenied

    for user in (board_member, financial_officer):
        with pytest.raises(PermissionDenied):
            services.organisations_import(file=_csv(_org_rows(1)), format="csv", by=user)


def _upload(client, data: bytes, name: str = "orgs.csv", kind: str = "organisations"):
    return client.post(
        reverse("backoffice:imports"),
        {"kind": kind, "file": _named(data, name)},
    )


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_screens_preview_errors_then_commit(client, officer):
    client.force_login(officer)
    page = client.get(reverse("backoffice:imports"))
    assert (
        page.status_code == 200
        and "Importer des organisations, des personnes ou des bilans annuels" in page.text
    )
    bad = _upload(client, _csv([*_org_rows(1), "Siren faux,123456789,,,,,35000,"]))
    job = ImportJob.objects.get()
    assert bad.status_code == 302 and job.status == ImportStatus.INVALID
    shown = client.get(reverse("backoffice:import_job", args=[job.pk]))
    assert "siren" in shown.text and "rien n'a été importé" in shown.text
    assert client.post(reverse("backoffice:import_job_commit", args=[job.pk])).status_code == 422
    assert not Organisation.objects.filter(siren=valid_siren(10_000)).exists()

    _upload(client, _csv(_org_rows(2)))
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.READY and not job.background
    response = client.post(reverse("backoffice:import_job_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_rows == 2 and job.committed_at
    assert "2 lignes importées." in client.get(reverse("backoffice:import_job", args=[job.pk])).text
    # Committing again imports nothing twice.
    client.post(reverse("backoffice:import_job_commit", args=[job.pk]))
    assert Organisation.objects.filter(siren=valid_siren(10_000)).count() == 1


def test_an_unreadable_file_is_refused_on_the_file_field(client, officer):
    client.force_login(officer)
    response = _upload(client, b"\xff\xfe\x00garbage", name="orgs.csv")
    assert response.status_code == 422
    assert "encodé en UTF-8" in response.text
    response = _upload(client, b"a,b\n1,2\n", name="orgs.csv")
    assert "Colonnes manquantes" in response.text
    response = _upload(client, b"a,b\n1,2\n", name="orgs.pdf")
    assert "fichier CSV ou XLSX" in response.text
    assert not ImportJob.objects.exists()


def test_someone_elses_import_is_a_404(client, officer, colleague):
    job = services.import_job_create(
        kind="organisations", file=_csv(_org_rows(1)), file_name="a.csv", by=officer
    )
    client.force_login(colleague)
    assert client.get(reverse("backoffice:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("backoffice:import_job_commit", args=[job.pk])).status_code == 404


def test_board_members_do_not_reach_the_import_screen(client, board_member, financial_officer):
    for user in (board_member, financial_officer):
        client.force_login(user)
        assert client.get(reverse("backoffice:imports")).status_code == 403


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_templates_carry_the_headers(client, officer, export_format):
    client.force_login(officer)
    response = client.get(reverse("backoffice:import_template", args=["people", export_format]))
    assert response.status_code == 200
    if export_format == "csv":
        assert response.content.decode("utf-8-sig").strip() == PEOPLE
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]] == PEOPLE.split(",")


def test_a_large_file_runs_in_the_background_with_progress(
    officer, settings, django_capture_on_commit_callbacks
):
    settings.BACKOFFICE_IMPORT_BACKGROUND_ROWS = 10
    data = _csv(_org_rows(600))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.import_job_create(
            kind="organisations", file=data, file_name="big.csv", by=officer
        )
    assert job.background and job.status == ImportStatus.CHECKING and job.processed_rows == 0
    assert len(callbacks) == 1  # the check is queued, not run in the request
    seen = []
    original = services._job_progress
    services._job_progress = lambda job_id, n: (seen.append(n), original(job_id, n))
    try:
        assert tasks.check_import.call(job.pk) == ImportStatus.READY
    finally:
        services._job_progress = original
    assert seen == [250, 500, 600]
    job.refresh_from_db()
    assert job.processed_rows == 600 and job.percent == 100
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_commit(job=job, by=officer)
    assert job.status == ImportStatus.COMMITTING
    assert not Organisation.objects.filter(name__startswith="Entreprise ").exists()
    assert tasks.commit_import.call(job.pk) == ImportStatus.DONE
    assert Organisation.objects.filter(name__startswith="Entreprise ").count() == 600


def test_a_check_delivered_late_never_rewinds_a_committed_job(
    officer, settings, django_capture_on_commit_callbacks
):
    settings.BACKOFFICE_IMPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_create(
            kind="organisations", file=_csv(_org_rows(3)), file_name="x.csv", by=officer
        )
    assert tasks.check_import.call(job.pk) == ImportStatus.READY
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_commit(job=job, by=officer)
    assert tasks.commit_import.call(job.pk) == ImportStatus.DONE
    # The same check task, run again (a queue delivering twice): the job stays imported.
    assert tasks.check_import.call(job.pk) == ImportStatus.DONE
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.processed_rows == 3


def test_the_polled_fragment_shows_the_progress_bar(client, officer, settings):
    settings.BACKOFFICE_IMPORT_BACKGROUND_ROWS = 1
    job = services.import_job_create(
        kind="organisations", file=_csv(_org_rows(3)), file_name="b.csv", by=officer
    )
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=2)
    client.force_login(officer)
    fragment = client.get(reverse("backoffice:import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert '<progress id="import-progress" max="3" value="2">' in fragment.text
    assert 'hx-trigger="every 1s"' in fragment.text
    assert "<html" not in fragment.text


def test_the_menu_offers_imports_to_case_workers_only(client, officer, financial_officer):
    client.force_login(officer)
    assert reverse("backoffice:imports") in client.get(reverse("backoffice:home")).text
    client.force_login(financial_officer)
    assert reverse("backoffice:imports") not in client.get(reverse("backoffice:home")).text


def test_a_task_stopped_by_an_unexpected_error_marks_the_job_failed(client, officer, settings):
    settings.BACKOFFICE_IMPORT_BACKGROUND_ROWS = 1
    job = services.import_job_create(
        kind="organisations", file=_csv(_org_rows(3)), file_name="c.csv", by=officer
    )
    ImportJob.objects.filter(pk=job.pk).update(format="pdf")  # unreadable now
    with pytest.raises(services.ImportFileError):
        tasks.check_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    client.force_login(officer)
    page = client.get(reverse("backoffice:import_job", args=[job.pk]))
    assert "erreur inattendue" in page.text
    assert 'hx-trigger="every 1s"' not in page.text


def test_a_siren_recorded_after_the_file_was_read_is_refused_by_the_unique_index(
    officer, monkeypatch
):
    # The file's recorded SIRENs are read once, before the rows (B8); one recorded meanwhile
    # by a colleague is refused by the database with the same message, and nothing is kept.
    from backoffice.resources import OrganisationImportResource

    existing = OrganisationFactory(siren=valid_siren(50_000))
    original = OrganisationImportResource.before_import

    def read_before_the_colleague(self, dataset, **kwargs):
        original(self, dataset, **kwargs)
        self.recorded.clear()

    monkeypatch.setattr(OrganisationImportResource, "before_import", read_before_the_colleague)
    rows = [
        f"Nouvelle,{valid_siren(50_001)},,62.01Z,sarl,,35000,",
        f"Même SIREN,{existing.siren},,62.01Z,sarl,,35000,",
        f"Après,{valid_siren(50_002)},,62.01Z,sarl,,35000,",
    ]
    outcome = services.organisations_import(
        file=_csv(rows), format="csv", by=officer, dry_run=False
    )
    assert _messages(outcome) == [
        (3, "siren", "Une organisation avec ce SIREN est déjà enregistrée.")
    ]
    assert outcome.created_rows == 0
    assert not Organisation.objects.filter(siren__in=[valid_siren(50_001), valid_siren(50_002)])


def test_the_recorded_sirens_are_read_once_for_the_file(officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    OrganisationFactory(siren=valid_siren(51_000))
    rows = [f"Ligne {n},{valid_siren(51_001 + n)},,62.01Z,sarl,,35000," for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        outcome = services.organisations_import(
            file=_csv(rows), format="csv", by=officer, dry_run=True
        )
    assert outcome.ok
    lookups = [q["sql"] for q in queries if '"crm_organisation"."siren" IN' in q["sql"]]
    assert len(lookups) == 1
    # Per row: the organisation and its history row, no query reading anything again.
    selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) < 10
