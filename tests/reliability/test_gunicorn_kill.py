"""Issue 13, crash safety: gunicorn workers killed (SIGKILL) under lead load lose or duplicate
no lead. Partners retry a failed request with the same Idempotency-Key, as the API asks."""

import http.client
import json
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest

from api import services
from bench.benchmarks import gunicorn
from bench.load import lead_body
from crm.models import Organisation
from tests import scoreboard
from tests.factories import PartnerFactory
from transmission.models import Case, LeadSubmission

LEADS, THREADS, PER_THREAD, KILLS = 40, 4, 10, 4


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _send_until_answered(port, body, key, api_key, deadline) -> int:
    """POST, retrying the same body and key on a dropped connection, a 5xx or a 409.
    Returns the final status, or minus the last one seen when the deadline passed."""
    last = 0
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            connection.request(
                "POST",
                "/api/v1/leads/",
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Api-Key {api_key}",
                    "Idempotency-Key": key,
                },
            )
            response = connection.getresponse()
            response.read()
            connection.close()
        except OSError:
            time.sleep(0.2)
            continue
        last = response.status
        if response.status in (200, 201):
            return response.status
        if response.status == 409 or response.status >= 500:
            time.sleep(float(response.getheader("Retry-After") or 0.5))
            continue
        return response.status
    return -last


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killed_workers_lose_or_duplicate_no_lead(requires_postgresql):
    partner = PartnerFactory(slug="banque-kill", name="Banque Kill")
    _key, api_key = services.partner_key_create(partner=partner)
    serial_base = 3_000_000 + int(time.time()) % 100_000 * 10
    leads = [(serial_base + n, str(uuid.uuid4())) for n in range(LEADS)]
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    with gunicorn(workers=2) as (port, master):
        deadline = time.monotonic() + 60

        def sender(chunk):
            for serial, key in chunk:
                status = _send_until_answered(port, lead_body(serial), key, api_key, deadline)
                with lock:
                    statuses[serial] = status

        threads = [
            threading.Thread(target=sender, args=(leads[n::THREADS],)) for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        kills = 0
        while kills < KILLS and any(thread.is_alive() for thread in threads):
            time.sleep(0.4)
            workers = _children(master.pid)
            if workers:
                os.kill(workers[kills % len(workers)], signal.SIGKILL)
                kills += 1
        for thread in threads:
            thread.join()

    assert kills >= 2, "the load ended before workers could be killed"
    # Negative: the deadline passed on that status (e.g. -409, the key still "in use").
    unanswered = {serial: status for serial, status in statuses.items() if status not in (200, 201)}
    assert len(statuses) == LEADS and not unanswered, unanswered
    sirens = {json.loads(lead_body(serial))["company"]["siren"] for serial, _ in leads}
    kept = LeadSubmission.objects.filter(partner=partner).count()
    scoreboard.record(
        "kills", sent=LEADS, lost=max(LEADS - kept, 0), duplicated=max(kept - LEADS, 0)
    )
    # Each lead once: one submission, one organisation and one case per SIREN.
    assert LeadSubmission.objects.filter(partner=partner).count() == LEADS
    assert Organisation.objects.filter(siren__in=sirens).count() == LEADS
    assert Case.objects.filter(organisation__siren__in=sirens).count() == LEADS
