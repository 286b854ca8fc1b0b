"""Import of annual reviews through the back office's import screens: preview with the errors
per row and column, all or nothing, territory, background task, permissions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice import services, tasks
from backoffice.models import ImportJob, ImportStatus
from followup.models import AnnualReview
from tests.followup.helpers import cooperative, review

pytestmark = pytest.mark.django_db

HEADERS = ";".join(
    [
        "siren",
        "year",
        "jobs",
        "members",
        "employee_members",
        "employee_capital_share",
        "employee_vote_share",
        "turnover",
        "result",
    ]
)


def _row(siren, year, jobs=10, capital_share="55,5"):
    return f"{siren};{year};{jobs};8;7;{capital_share};80;1000000;25000,50"


def _csv(rows):
    return ("\n".join([HEADERS, *rows]) + "\n").encode()


@pytest.fixture
def ouest_scop():
    return cooperative(name="Scop de l'Ouest", siren="552100554")


@pytest.fixture
def ara_scop():
    return cooperative(name="Scop du Rhône", siren="732829320", postal_code="69001")


def test_a_clean_file_is_previewed_then_imported_and_a_recorded_year_replaced(officer, ouest_scop):
    review(ouest_scop, 2021, jobs=9)
    siren = ouest_scop.organisation.siren
    data = _csv([_row(siren, 2021, jobs=12), _row(siren, 2022)])
    preview = services.reviews_import(file=data, format="csv", by=officer, dry_run=True)
    assert preview.ok and preview.total_rows == 2
    assert list(AnnualReview.objects.values_list("year", "jobs")) == [(2021, 9)]
    done = services.reviews_import(file=data, format="csv", by=officer, dry_run=False)
    assert done.ok and done.created_rows == 2
    rows = dict(AnnualReview.objects.values_list("year", "employee_capital_share"))
    assert rows == {2021: Decimal("55.5"), 2022: Decimal("55.5")}
    assert AnnualReview.objects.get(year=2021).jobs == 12
    assert AnnualReview.objects.get(year=2022).result == Decimal("25000.50")


def test_each_error_names_its_line_and_column_and_nothing_is_written(officer, ouest_scop, ara_scop):
    siren = ouest_scop.organisation.siren
    data = _csv(
        [
            _row(siren, 2021),
            _row(siren, 2022, jobs="beaucoup"),
            _row(ara_scop.organisation.siren, 2022),  # another UR's cooperative
            _row(siren, 2023, capital_share="140"),
        ]
    )
    outcome = services.reviews_import(file=data, format="csv", by=officer, dry_run=False)
    errors = {(e["line"], e["column"]) for e in outcome.errors}
    assert (3, "jobs") in errors
    assert (4, "siren") in errors
    assert (5, "employee_capital_share") in errors
    assert all(e["message"] for e in outcome.errors)
    assert "Aucune coopérative suivie" in " ".join(e["message"] for e in outcome.errors)
    assert not AnnualReview.objects.exists()


def test_only_siren_and_year_are_required_columns(client, officer, ouest_scop):
    client.force_login(officer)
    data = b"siren,jobs\n552100554,4\n"
    response = client.post(
        reverse("backoffice:imports"),
        {"kind": "reviews", "file": SimpleUploadedFile("bilans.csv", data)},
    )
    assert response.status_code == 422 and "year" in response.text
    assert not ImportJob.objects.exists()


def test_the_screens_preview_then_commit_reviews(client, officer, ouest_scop):
    client.force_login(officer)
    page = client.get(reverse("backoffice:imports"))
    assert "bilans annuels des coopératives" in page.text.lower()
    response = client.post(
        reverse("backoffice:imports"),
        {
            "kind": "reviews",
            "file": SimpleUploadedFile("bilans.csv", _csv([_row("552100554", 2022)])),
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "reviews"
    assert job.status == ImportStatus.READY
    assert client.post(reverse("backoffice:import_job_commit", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_rows == 1
    assert AnnualReview.objects.get().follow_up == ouest_scop


def test_the_reviews_template_lists_every_column(client, officer):
    client.force_login(officer)
    response = client.get(reverse("backoffice:import_template", args=["reviews", "csv"]))
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:2] == ["siren", "year"] and "staff_turnover" in header


def test_a_large_file_of_reviews_runs_in_the_background(
    officer, ouest_scop, settings, django_capture_on_commit_callbacks
):
    settings.BACKOFFICE_IMPORT_BACKGROUND_ROWS = 2
    data = _csv([_row("552100554", year) for year in range(2020, 2026)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.import_job_create(
            kind="reviews", file=data, file_name="bilans.csv", by=officer
        )
    assert job.background and len(callbacks) == 1
    assert tasks.check_import.call(job.pk) == ImportStatus.READY
    assert not AnnualReview.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        job = services.import_job_commit(job=ImportJob.objects.get(pk=job.pk), by=officer)
    assert tasks.commit_import.call(job.pk) == ImportStatus.DONE
    assert AnnualReview.objects.count() == 6


def test_roles_without_the_review_permission_may_not_import_reviews(
    board_member, financial_officer, ouest_scop
):
    for user in (board_member, financial_officer):
        with pytest.raises(PermissionDenied):
            services.reviews_import(file=_csv([_row("552100554", 2022)]), format="csv", by=user)
