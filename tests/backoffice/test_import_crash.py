"""Crash safety of imports (issue 13): the commit task run in its own process, killed with
SIGKILL half-way through, leaves no row; running it again gives the same result."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from backoffice import services, tasks
from backoffice.models import ImportJob, ImportStatus
from backoffice.resources import OrganisationImportResource
from crm.models import Organisation
from tests.factories import valid_siren

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120  # a deadline for the child process, never an assertion
ROWS = 3000
HEADERS = "name,siren,siret,naf_code,legal_form,employees,postal_code,city"


def _file() -> bytes:
    rows = [
        f"Coupure {n},{valid_siren(n + 60_000)},,62.01Z,sas,{n % 40},35000,Rennes"
        for n in range(ROWS)
    ]
    return ("\n".join([HEADERS, *rows]) + "\n").encode()


def _imported() -> list[tuple]:
    return list(
        Organisation.objects.filter(name__startswith="Coupure ")
        .order_by("siren")
        .values_list(
            "name", "siren", "naf_code", "legal_form", "employees", "postal_code", "departement"
        )
    )


def _sequence_value() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('crm_organisation', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value FROM {sequence}")  # not transactional: shows inserts
        return cursor.fetchone()[0]


def _commit_in_a_child(job_id: int) -> subprocess.Popen:
    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}" if db.get("PASSWORD") else db["USER"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": "",
    }
    # The rows are written in batches (B8): the child stops for good once a third of them
    # are inserted in its open transaction, so that the kill lands half-way every time,
    # not by a race between its batches and this test's polling.
    code = "\n".join(
        [
            "import time",
            "from backoffice.resources import OrganisationImportResource as Resource",
            "insert_pending = Resource.insert_pending",
            "def insert_then_stall(self):",
            "    self.inserted = getattr(self, 'inserted', 0) + len(self.pending)",
            "    insert_pending(self)",
            f"    if self.inserted >= {ROWS // 3}:",
            f"        time.sleep({WAIT_SECONDS})",
            "Resource.insert_pending = insert_then_stall",
            "from backoffice.tasks import commit_import",
            f"print(commit_import.call({job_id}))",
        ]
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_killed_half_way_leaves_no_row_and_a_rerun_gives_the_same_result(
    requires_postgresql, officer, settings
):
    settings.BACKOFFICE_IMPORT_BACKGROUND_ROWS = 10_000  # checked in-process, here
    job = services.import_job_create(
        kind="organisations", file=_file(), file_name="coupure.csv", by=officer
    )
    assert job.status == ImportStatus.READY
    # Meaningful only when a third of the file spans whole batches, before its end.
    assert OrganisationImportResource.INSERT_BATCH <= ROWS // 3
    # As import_job_commit does for a background job, without queueing the task.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTING)

    before = _sequence_value()
    child = _commit_in_a_child(job.pk)
    deadline = time.monotonic() + WAIT_SECONDS
    # Half-way: a third of the rows inserted in the child's open transaction (batches of
    # OrganisationImportResource.INSERT_BATCH), the rest not.
    while _sequence_value() < before + ROWS // 3:
        if child.poll() is not None:
            pytest.fail(f"the import ended before it was killed:\n{child.stdout.read()}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("the import never got going")
        time.sleep(0.05)
    assert _sequence_value() < before + ROWS  # really half-way
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=WAIT_SECONDS)

    assert _imported() == []
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTING and job.created_rows == 0

    # Run again (as a worker would): the same rows as an import never interrupted.
    assert tasks.commit_import.call(job.pk) == ImportStatus.DONE
    after_crash = _imported()
    assert len(after_crash) == ROWS
    expected = sorted(
        (f"Coupure {n}", valid_siren(n + 60_000), "62.01Z", "sas", n % 40, "35000", "35")
        for n in range(ROWS)
    )
    assert sorted(after_crash, key=lambda r: r[1]) == sorted(expected, key=lambda r: r[1])
    # And once more: done is done, nothing duplicated.
    assert tasks.commit_import.call(job.pk) == ImportStatus.DONE
    assert _imported() == after_crash
