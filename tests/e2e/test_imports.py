"""An import of 5,000 organisations in a real browser: the file is checked by the background
worker (the real django-tasks database worker, run in a thread of the test so that it shares
the live server's test database), the page shows the progress, then the commit is done.
The fixtures fail on any console error or request leaving 127.0.0.1."""

import re
import threading

import pytest
from playwright.sync_api import expect

from backoffice.models import ImportJob, ImportStatus
from crm.models import Organisation
from crm.roles import Role
from tests.e2e.test_backoffice import sign_in
from tests.factories import staff_user, valid_siren

# PostgreSQL only: on SQLite the live server's in-memory test database is one shared cache,
# where a second writer (the worker) makes the page requests fail at once ("table is locked")
# instead of waiting; the import itself is tested on SQLite in tests/backoffice/test_imports.py.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 5000
HEADERS = "name,siren,siret,naf_code,legal_form,employees,postal_code,city"
SLOW = 600_000  # ms: a deadline for the worker on a busy 2-core machine, not an assertion


@pytest.fixture
def worker():
    """``db_worker``'s loop (django_tasks_db.Worker) in a thread, stopped after the test."""
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    loop = Worker(
        queue_names=["default"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e-imports",
        excluded_queue_names=[],
    )

    def run():
        try:
            loop.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield loop
    loop.running = False
    thread.join(timeout=60)


def _file() -> bytes:
    rows = [
        f"Atelier {n},{valid_siren(n + 70_000)},,62.01Z,sarl,{n % 30},35000,Rennes"
        for n in range(ROWS)
    ]
    return ("\n".join([HEADERS, *rows]) + "\n").encode()


def test_an_import_of_5000_rows_shows_progress_and_commits(requires_postgresql, page, worker):
    staff_user(Role.OFFICER, "ouest", username="camille", first_name="Camille", last_name="Le Goff")
    sign_in(page, "camille")
    page.get_by_role("link", name="Imports").click()
    expect(page.locator("h1")).to_have_text(
        "Importer des organisations, des personnes ou des bilans annuels"
    )
    page.get_by_label("Contenu du fichier").select_option("organisations")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(
        {"name": "ateliers.csv", "mimeType": "text/csv", "buffer": _file()}
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))

    status = page.locator("#import-status")
    # The check runs in the background: the page polls and the bar moves.
    progress = page.locator("#import-progress")
    expect(progress).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Vérifiées : [1-9][\d\u202f\xa0 ]* lignes sur 5000"))
    ).to_be_visible(timeout=SLOW)
    partial = int(progress.get_attribute("value") or 0)
    assert 0 < partial < ROWS or status.get_attribute("data-status") == "ready"

    button = page.get_by_role("button", name="Importer 5000 lignes")
    expect(button).to_be_visible(timeout=SLOW)
    assert not Organisation.objects.filter(name__startswith="Atelier ").exists()
    button.click()
    expect(page.get_by_text("5000 lignes importées.")).to_be_visible(timeout=SLOW)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.background and job.created_rows == ROWS
    assert Organisation.objects.filter(name__startswith="Atelier ").count() == ROWS
