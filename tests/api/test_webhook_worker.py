"""Webhook delivery as a background task: queued on commit, claimed with a lease, posted with
no transaction open, and nothing lost when a worker dies mid-delivery (real ``db_worker``
processes against PostgreSQL, a real receiver on 127.0.0.1)."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from api import services
from api.models import WebhookDelivery, WebhookDeliveryStatus
from api.webhooks.tasks import deliver_webhook
from tests.api.test_webhooks import _enqueue

ROOT = Path(__file__).resolve().parents[2]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAIT_SECONDS = 60  # a deadline for a subprocess to get somewhere, never an assertion


def _event_ids(receiver) -> list[str]:
    return [headers["X-Releve-Event-Id"] for headers, _body in receiver.received]


# --- the task, in-process ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_committed_delivery_queues_its_task(
    partner, endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delivery = _enqueue(partner)
        assert not DBTaskResult.objects.exists()  # not before the commit
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "api.webhooks.tasks.deliver_webhook"
    assert queued.args_kwargs == {"args": [delivery.pk], "kwargs": {}}


@pytest.mark.django_db
def test_the_task_delivers_once_the_change_commits(
    partner, endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(partner)
        assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED and delivery.attempts == 1
    assert _event_ids(receiver) == [str(delivery.event_id)]
    assert delivery.claimed_until is None and delivery.claim_token is None


@pytest.mark.django_db
def test_a_failed_attempt_queues_its_retry_for_when_it_is_due(
    partner, endpoint, receiver, django_capture_on_commit_callbacks
):
    delivery = _enqueue(partner)
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_webhook.call(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING and delivery.last_status == 500
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [delivery.pk]
    assert retry.run_after == delivery.next_attempt_at
    # Not due yet: the retry task, if run early, does nothing.
    assert deliver_webhook.call(delivery.pk) is None
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_duplicate_task_posts_nothing(partner, endpoint, receiver):
    delivery = _enqueue(partner)
    assert deliver_webhook.call(delivery.pk) is True
    assert deliver_webhook.call(delivery.pk) is None
    assert _event_ids(receiver) == [str(delivery.event_id)]


@pytest.mark.django_db
def test_a_claimed_delivery_waits_for_its_lease_to_expire(partner, endpoint, receiver, settings):
    # The state a worker leaves when it dies after claiming: attempt counted, lease running.
    delivery = _enqueue(partner)
    now = timezone.now()
    lease = timedelta(seconds=settings.RELEVE_WEBHOOK_LEASE_SECONDS)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=1, claimed_until=now + lease, claim_token=uuid.uuid4()
    )
    assert services.webhook_deliver_due(now=now) == 0
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk, now=now) is None
    assert receiver.received == []

    assert services.webhook_deliver_due(now=now + lease) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED and delivery.attempts == 2
    assert delivery.claimed_until is None


# --- PostgreSQL: locks, transactions and real worker processes ------------------------------


def _other_transactions_open() -> int:
    """Backends of the test database, other than ours, inside a transaction right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
        )
        return cursor.fetchone()[0]


def _row_is_free(delivery_id: int) -> bool:
    """From this thread's own connection: can the row be locked at once?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                cursor.execute(
                    "SELECT id FROM api_webhookdelivery WHERE id = %s FOR UPDATE NOWAIT",
                    [delivery_id],
                )
                return True
            except OperationalError:
                return False
            finally:
                cursor.execute("ROLLBACK")
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_transaction_nor_row_lock_is_held_while_posting(
    requires_postgresql, partner, endpoint, receiver
):
    delivery = _enqueue(partner)
    seen = {}

    def check_from_the_receiver(_headers, _body):
        seen["row free"] = _row_is_free(delivery.pk)
        try:
            seen["transactions open"] = _other_transactions_open()
        finally:
            connection.close()

    receiver.on_post = check_from_the_receiver
    assert services.webhook_deliver_due() == 1
    assert seen == {"row free": True, "transactions open": 0}
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_outcome_is_recorded_only_while_the_claim_is_ours(
    requires_postgresql, partner, endpoint, receiver, settings
):
    delivery = _enqueue(partner)
    lease = timedelta(seconds=settings.RELEVE_WEBHOOK_LEASE_SECONDS)
    first = timezone.now()
    # Answered in this order: the second worker's request, then the first one's late answer.
    receiver.statuses = [200, 500]
    overtaken = []

    def overtake_once(_headers, _body):
        # While the first attempt waits, its lease expires and a second worker takes over.
        if not overtaken:
            overtaken.append(True)
            try:
                services.webhook_deliver_due(now=first + lease)
            finally:
                connections.close_all()

    receiver.on_post = overtake_once
    assert services.webhook_deliver_due(now=first) == 1
    delivery.refresh_from_db()
    # The late "HTTP 500" of the first worker did not overwrite the second one's success.
    assert delivery.status == WebhookDeliveryStatus.DELIVERED and delivery.attempts == 2
    assert delivery.last_error == "" and delivery.last_status == 200
    assert _event_ids(receiver) == [str(delivery.event_id)] * 2


def _manage(*args: str, lease_seconds: int = 1) -> subprocess.Popen:
    """``manage.py <args>`` in a child process, on the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RELEVE_WEBHOOKS_ALLOW_INSECURE": "True",
        "RELEVE_WEBHOOK_LEASE_SECONDS": str(lease_seconds),
        "REDIS_URL": "",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(condition, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            if process is not None:
                process.kill()
                pytest.fail(f"gave up waiting; worker output:\n{process.communicate()[0]}")
            pytest.fail("gave up waiting")
        time.sleep(0.1)


WORKER = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_the_queued_deliveries(requires_postgresql, partner, endpoint, receiver):
    deliveries = [_enqueue(partner) for _ in range(3)]  # each commits and queues its task
    assert DBTaskResult.objects.count() == 3
    worker = _manage(*WORKER, "--batch")
    output = worker.communicate(timeout=WAIT_SECONDS)[0]
    assert worker.returncode == 0, output
    assert sorted(_event_ids(receiver)) == sorted(str(d.event_id) for d in deliveries)
    assert WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.DELIVERED).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_delivery_loses_no_event(
    requires_postgresql, partner, endpoint, receiver
):
    """Delivery is at least once: the event reaches the receiver again after the crash, with
    the same ``X-Releve-Event-Id``, so a receiver that de-duplicates on it sees it once."""
    release = threading.Event()
    receiver.on_post = lambda _headers, _body: release.wait(WAIT_SECONDS) if not killed else None
    killed = False
    delivery = _enqueue(partner)

    worker = _manage(*WORKER)
    try:
        _wait_for(lambda: receiver.received, worker)  # the worker is posting, and hangs
        # While it waits on the receiver, it holds neither a transaction nor the row.
        assert _other_transactions_open() == 0
        assert _row_is_free(delivery.pk)
        worker.send_signal(signal.SIGKILL)
        killed = True
        worker.wait(timeout=WAIT_SECONDS)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stdout.close()
        release.set()

    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.claimed_until is not None  # the dead worker's lease, one second long
    _wait_for(lambda: timezone.now() > delivery.claimed_until)

    sweep = _manage("deliver_webhooks", "--once")
    output = sweep.communicate(timeout=WAIT_SECONDS)[0]
    assert sweep.returncode == 0 and "1 delivery attempt(s)" in output, output

    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED and delivery.attempts == 2
    assert _event_ids(receiver) == [str(delivery.event_id)] * 2
    assert len(set(_event_ids(receiver))) == 1
