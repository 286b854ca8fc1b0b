"""B8's adapter to the back office's organisation import, through the import screen's own
path (``backoffice.services``: ``import_job_create`` records and checks the file,
``import_job_commit`` commits it, by the background task ``commit_import`` for a file above
``import_background_rows()``), and its bulk_create baseline."""

from __future__ import annotations

import csv
import io
import time

from backoffice.resources import ORGANISATION_COLUMNS

# The officer of the demo's Ouest union imports, as in the back office: rows are in 35.
IMPORTER = "officer.ouest"


def _rows(count: int, offset: int) -> list[dict]:
    from crm.identifiers import luhn_check_digit

    rows = []
    for serial in range(offset, offset + count):
        partial = f"9{serial:07d}"
        rows.append(
            {
                "name": f"Import banc {serial} (démo)",
                "siren": partial + luhn_check_digit(partial),
                "siret": "",
                "naf_code": "62.01Z",
                "legal_form": "sarl",
                "employees": 5,
                "postal_code": "35000",
                "city": "Rennes",
            }
        )
    return rows


_offset: list[int] = []


def _next_rows(count: int) -> list[dict]:
    if not _offset:
        # Past the rows of an earlier run on the same (kept, --reuse) database.
        _offset.append(_last_serial_used())
    _offset[0] += count
    return _rows(count, _offset[0])


def _last_serial_used() -> int:
    from crm.models import Organisation

    last = (
        Organisation.objects.filter(name__startswith="Import banc ", siren__startswith="9")
        .order_by("-siren")
        .values_list("siren", flat=True)
        .first()
    )
    return int(last[1:8]) + 1 if last else 0


def _csv(count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ORGANISATION_COLUMNS)
    writer.writeheader()
    writer.writerows(_next_rows(count))
    return buffer.getvalue().encode()


# The background tasks run in this process as the worker runs them: enqueued when the
# service enqueues them, run at once (nothing is left queued in the bench database).
IN_PROCESS_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def checked_import_job(count: int):
    """A file of ``count`` new organisations uploaded and checked, as the import screen
    leaves it when the officer is shown the preview: (job, officer, seconds the check took).
    Above the background threshold the check is the task ``check_import``."""
    from django.test.utils import override_settings

    from backoffice import services
    from backoffice.models import ImportKind, ImportStatus
    from crm.models import User

    by = User.objects.get(username=IMPORTER)
    content = _csv(count)
    start = time.perf_counter()
    with override_settings(TASKS=IN_PROCESS_TASKS):
        job = services.import_job_create(
            kind=ImportKind.ORGANISATIONS, file=content, file_name="banc.csv", by=by
        )
    checked = time.perf_counter() - start
    job.refresh_from_db()
    if job.status != ImportStatus.READY:
        raise RuntimeError(f"B8: the check refused the file: {job.status} {job.errors[:3]}")
    return job, by, checked


def commit_import_job(job, by) -> float:
    """Seconds the officer's "Importer" takes: ``import_job_commit``, which for a background
    job enqueues the task ``commit_import`` (one transaction). A refused row is a broken
    benchmark, not a figure."""
    from django.test.utils import override_settings

    from backoffice import services
    from backoffice.models import ImportStatus

    start = time.perf_counter()
    with override_settings(TASKS=IN_PROCESS_TASKS):
        services.import_job_commit(job=job, by=by)
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    if job.status != ImportStatus.DONE or job.created_rows != job.total_rows:
        raise RuntimeError(f"B8: the import refused rows: {job.status} {job.errors[:3]}")
    return elapsed


def bulk_create_organisations(count: int) -> None:
    from crm.models import Departement, Organisation

    departement = Departement.objects.get(code="35")
    Organisation.objects.bulk_create(
        Organisation(departement=departement, **row) for row in _next_rows(count)
    )
