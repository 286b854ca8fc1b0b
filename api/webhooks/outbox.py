"""The webhook outbox: endpoints, enqueueing, and delivery by claim, post, record.

The outbox (``WebhookDelivery``) is the source of truth; tasks only say "look at this row now".
An attempt is three steps, so that a slow receiver never pins a database connection:

1. **claim** a due row in a short transaction (``skip_locked`` on PostgreSQL, and a
   compare-and-set on ``attempts`` that holds on SQLite too), leaving a lease
   (``claimed_until``) and a fresh ``claim_token``; commit;
2. **post** the signed body with no transaction open and no row lock held;
3. **record** the outcome in a second short transaction, only if ``claim_token`` is still
   ours (once the lease has expired another worker may have claimed the row).

A worker that dies between 1 and 3 leaves a lease that expires, after which the row is due
again: delivery is **at least once** (the receiver de-duplicates on ``X-Releve-Event-Id``).
The attempt counts when claimed, so a delivery that keeps killing its worker still fails for
good after the retry schedule.

The public functions are re-exported by ``api.services``.
"""

import http.client
import json
import logging
import secrets
import uuid
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from api.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from api.selectors import webhook_deliveries_due
from api.webhooks import transport, urls
from crm.models import Partner

logger = logging.getLogger("api.webhooks")


def webhook_secret_generate() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


@transaction.atomic
def webhook_endpoint_register(*, partner: Partner, url: str) -> WebhookEndpoint:
    """Register (or replace) the partner's webhook URL with a new secret, returned once."""
    urls.webhook_url_validate(url)
    endpoint = WebhookEndpoint.objects.select_for_update().filter(partner=partner).first()
    if endpoint is None:
        endpoint = WebhookEndpoint(partner=partner)
    endpoint.url = url
    endpoint.secret = webhook_secret_generate()
    endpoint.active = True
    endpoint.save()
    return endpoint


def webhook_endpoint_remove(*, partner: Partner) -> bool:
    deleted, _details = WebhookEndpoint.objects.filter(partner=partner).delete()
    return bool(deleted)


def webhook_enqueue(*, partner: Partner, event: str, payload: dict) -> WebhookDelivery | None:
    """Write the event to the outbox and, once that commits, queue its delivery task.

    Must run inside the caller's transaction (the change and its event commit together or
    not at all). ``payload`` is merged into the body after ``"event"``; ``occurred_at`` is
    added when missing. Returns None when the partner has no active endpoint.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_enqueue must be called inside the caller's transaction")
    endpoint = WebhookEndpoint.objects.filter(partner=partner, active=True).first()
    if endpoint is None:
        return None
    now = timezone.now()
    document = {"event": event, **payload}
    document.setdefault("occurred_at", now.isoformat())
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    delivery = WebhookDelivery.objects.create(
        event_id=uuid.uuid4(),
        endpoint=endpoint,
        event_type=event,
        payload=json.loads(body),
        body=body,
        created_at=now,
        next_attempt_at=now,
    )
    _deliver_after_commit(delivery.pk)
    return delivery


def _deliver_after_commit(delivery_id: int, *, run_after: datetime | None = None) -> None:
    """Queue the delivery task once the current transaction commits.

    ``robust``: the change has committed by then, so a failure to queue must not turn into
    an error for the caller; the sweep (``webhook_deliver_due``) finds the row anyway.
    """
    from api.webhooks.tasks import deliver_webhook

    task = deliver_webhook
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # e.g. the immediate backend: the sweep retries when due
        task = task.using(run_after=run_after)
    transaction.on_commit(partial(task.enqueue, delivery_id), robust=True)


def webhook_deliver_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """The sweep: attempt due rows (retries, expired leases, tasks that never ran), one claim
    at a time; several workers may run. Returns the number of attempts made."""
    done = 0
    while done < limit:
        delivery = _claim(webhook_deliveries_due(now or timezone.now()), now=now)
        if delivery is None:
            break
        _post_and_record(delivery, now=now)
        done += 1
    return done


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> bool | None:
    """The delivery task's body: one attempt at this row if it is due and nobody holds it.

    Returns whether it was delivered, or None when there was nothing to do (delivered
    already, not due yet, claimed by another worker): a duplicate task is harmless.
    """
    due = webhook_deliveries_due(now or timezone.now()).filter(pk=delivery_id)
    delivery = _claim(due, now=now)
    if delivery is None:
        return None
    return _post_and_record(delivery, now=now)


def _claim(due, *, now: datetime | None) -> WebhookDelivery | None:
    now = now or timezone.now()
    lease = timedelta(seconds=settings.RELEVE_WEBHOOK_LEASE_SECONDS)
    for _race in range(5):
        with transaction.atomic():
            delivery = due.select_for_update(skip_locked=True, of=("self",)).first()
            if delivery is None:
                return None
            token = uuid.uuid4()
            # Compare-and-set on ``attempts``: SQLite has no row locks, and another worker
            # may have claimed the row since it was read.
            claimed = WebhookDelivery.objects.filter(
                pk=delivery.pk, attempts=delivery.attempts
            ).update(claimed_until=now + lease, claim_token=token, attempts=delivery.attempts + 1)
        if claimed:
            delivery.claimed_until, delivery.claim_token = now + lease, token
            delivery.attempts += 1
            return delivery
    return None


def _post_and_record(delivery: WebhookDelivery, *, now: datetime | None) -> bool:
    """Post with no transaction of ours open, then record the outcome if still ours."""
    endpoint, token = delivery.endpoint, delivery.claim_token
    try:
        status = transport.post_signed(
            url=endpoint.url,
            body=delivery.body.encode(),
            secret=endpoint.secret,
            event_id=str(delivery.event_id),
            event_type=delivery.event_type,
        )
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except (urls.WebhookUrlRefused, OSError, ValueError, http.client.HTTPException) as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"[:1000]

    now = now or timezone.now()
    delivery.last_status, delivery.last_error = status, error
    delivery.claimed_until = delivery.claim_token = None
    schedule = settings.RELEVE_WEBHOOK_RETRY_SCHEDULE
    if not error:
        delivery.status = WebhookDeliveryStatus.DELIVERED
        delivery.delivered_at, delivery.next_attempt_at = now, None
    elif delivery.attempts > len(schedule):
        delivery.status = WebhookDeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + timedelta(seconds=schedule[delivery.attempts - 1])
    with transaction.atomic():
        recorded = WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(
            status=delivery.status,
            delivered_at=delivery.delivered_at,
            next_attempt_at=delivery.next_attempt_at,
            last_status=status,
            last_error=error,
            claimed_until=None,
            claim_token=None,
        )
        if recorded and delivery.next_attempt_at is not None:
            _deliver_after_commit(delivery.pk, run_after=delivery.next_attempt_at)
    if not recorded:
        logger.warning("webhook %s: lease lost, outcome left to its new owner", delivery.event_id)
    elif delivery.status == WebhookDeliveryStatus.FAILED:
        logger.warning(
            "webhook %s to partner %s failed for good after %s attempts: %s",
            delivery.event_id,
            endpoint.partner_id,
            delivery.attempts,
            error,
        )
    return bool(recorded) and not error


def webhook_delivery_retry_now(*, delivery: WebhookDelivery) -> None:
    """Admin action: put a failed or pending delivery back at the head of the queue."""
    with transaction.atomic():
        delivery.status = WebhookDeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        _deliver_after_commit(delivery.pk)
