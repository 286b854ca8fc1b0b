"""Writes of the API layer: credentials, request logs, idempotency records, rejected
submissions and the webhook outbox. Keyword-only, each atomic where it matters."""

import json
import logging
from datetime import date, datetime, time, timedelta
from enum import Enum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import sql
from django.utils import timezone
from django.utils.translation import gettext as _

from api import keys
from api.models import (
    ApiRequestLog,
    IdempotencyRecord,
    PartnerApiKey,
    RejectedSubmission,
    StaffToken,
)
from crm.models import Partner

logger = logging.getLogger("api.requests")

# --- Credentials -------------------------------------------------------------------------


def _expiry(expires_on: date | None) -> datetime | None:
    """A key "expiring on" a date is valid through that whole day, Paris time."""
    if expires_on is None:
        return None
    if expires_on < timezone.localdate():
        raise ValidationError(_("The expiry date is in the past."))
    return timezone.make_aware(datetime.combine(expires_on + timedelta(days=1), time.min))


def _create_credential(model, kind: str, **fields):
    # A prefix collision (32 bits) is rare but possible: draw again.
    for _attempt in range(5):
        prefix, plaintext = keys.generate(kind)
        try:
            with transaction.atomic():
                obj = model.objects.create(
                    prefix=prefix, hashed_key=keys.hash_key(plaintext), **fields
                )
            return obj, plaintext
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a unique key prefix")


def partner_key_create(
    *, partner: Partner, expires_on: date | None = None
) -> tuple[PartnerApiKey, str]:
    """A new key for ``partner``; the plaintext is returned once and never stored."""
    return _create_credential(
        PartnerApiKey, keys.PARTNER_KEY_KIND, partner=partner, expires_at=_expiry(expires_on)
    )


def _revoke_credential(model, prefix: str):
    credential = model.objects.get(prefix=prefix)
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
    return credential


def partner_key_revoke(*, prefix: str) -> PartnerApiKey:
    return _revoke_credential(PartnerApiKey, prefix)


def staff_token_create(*, user, expires_on: date | None = None) -> tuple[StaffToken, str]:
    return _create_credential(
        StaffToken, keys.STAFF_TOKEN_KIND, user=user, expires_at=_expiry(expires_on)
    )


def staff_token_revoke(*, prefix: str) -> StaffToken:
    return _revoke_credential(StaffToken, prefix)


def credential_touch(credential: PartnerApiKey | StaffToken) -> None:
    """Record use, at most once a minute per credential (no write on every request)."""
    now = timezone.now()
    if credential.last_used_at and now - credential.last_used_at < timedelta(minutes=1):
        return
    type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
    credential.last_used_at = now


# --- Request log and rejected submissions ------------------------------------------------


def api_request_log_row(
    *,
    partner: Partner | None,
    key_prefix: str,
    method: str,
    path: str,
    operation: str,
    status_code: int,
    duration_ms: int,
) -> ApiRequestLog:
    """One partner request's log row, not saved yet (``api_request_log_write`` saves it; a
    completed idempotent request writes it with its record: ``idempotency_complete``)."""
    logger.info(
        "partner=%s key=%s op=%s method=%s path=%s status=%s duration_ms=%s",
        partner.slug if partner else "-",
        key_prefix or "-",
        operation or "-",
        method,
        path,
        status_code,
        duration_ms,
    )
    return ApiRequestLog(
        partner=partner,
        key_prefix=key_prefix,
        method=method,
        path=path[:300],
        operation=operation[:200],
        status_code=status_code,
        duration_ms=duration_ms,
    )


def api_request_log_write(**fields) -> ApiRequestLog:
    """Log and save one partner request (the fields of ``api_request_log_row``)."""
    row = api_request_log_row(**fields)
    row.save(force_insert=True)
    return row


def rejected_submission_record(
    *,
    partner: Partner,
    endpoint: str,
    status_code: int,
    errors: dict | list | None,
    body: bytes,
    content_type: str = "",
) -> RejectedSubmission:
    """Keep a refused partner write for support, its body cut at the API size limit.

    PostgreSQL text and jsonb cannot hold NUL characters, which a broken client may well
    send: they are kept visible as U+FFFD rather than losing the whole record.
    """
    limit = settings.RELEVE_API_MAX_BODY_BYTES
    return RejectedSubmission.objects.create(
        partner=partner,
        endpoint=_without_nul(endpoint[:300]),
        status_code=status_code,
        errors=json.loads(_without_nul(json.dumps(errors or {}))),
        content_type=_without_nul(content_type[:200]),
        body=_without_nul(body[:limit].decode("utf-8", errors="replace")),
        body_truncated=len(body) > limit,
    )


def _without_nul(text: str) -> str:
    # Also the JSON escape of NUL, for the errors serialised above.
    return text.replace("\x00", "\ufffd").replace("\\u0000", "\\ufffd")


def rejected_submissions_purge(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RELEVE_API_REJECTED_RETENTION_DAYS)
    deleted, _details = RejectedSubmission.objects.filter(received_at__lt=cutoff).delete()
    return deleted


# --- Idempotency -------------------------------------------------------------------------


class IdempotencyOutcome(Enum):
    PROCEED = "proceed"  # this request owns the key: run it
    REPLAY = "replay"  # finished before with the same body: replay its response
    MISMATCH = "mismatch"  # the key was used with another request
    IN_PROGRESS = "in_progress"  # the first request with this key is still running


def idempotency_claim(
    *, partner: Partner, key: str, request_hash: str, now: datetime | None = None
) -> tuple[IdempotencyOutcome, IdempotencyRecord | None]:
    """Claim ``key`` for this request, inside the caller's transaction (``api.idempotency``):
    the unique constraint makes exactly one of many concurrent requests the owner, the others
    wait on the index until it commits (then replay) or rolls back (then one of them owns it)."""
    now = now or timezone.now()
    ttl = timedelta(seconds=settings.RELEVE_API_IDEMPOTENCY_TTL)
    for _attempt in range(3):
        record = IdempotencyRecord(
            partner=partner,
            key=key,
            request_hash=request_hash,
            created_at=now,
            locked_at=now,
            expires_at=now + ttl,
        )
        if _insert_unless_taken(record):
            return IdempotencyOutcome.PROCEED, record
        existing = IdempotencyRecord.objects.filter(partner=partner, key=key).first()
        if existing is None:
            continue
        if existing.expires_at <= now:
            IdempotencyRecord.objects.filter(pk=existing.pk, expires_at__lte=now).delete()
            continue
        if existing.request_hash != request_hash:
            return IdempotencyOutcome.MISMATCH, existing
        if existing.completed_at is not None:
            return IdempotencyOutcome.REPLAY, existing
        # The owner's work and its completion commit together (see api.idempotency): a
        # lock older than the timeout belongs to a request that died, so nothing was kept.
        stale = now - timedelta(seconds=settings.RELEVE_API_IDEMPOTENCY_LOCK_TIMEOUT)
        taken = IdempotencyRecord.objects.filter(
            pk=existing.pk, completed_at__isnull=True, locked_at__lt=stale
        ).update(locked_at=now)
        if taken:
            return IdempotencyOutcome.PROCEED, existing
        return IdempotencyOutcome.IN_PROGRESS, existing
    return IdempotencyOutcome.IN_PROGRESS, None


def _insert_unless_taken(record: IdempotencyRecord) -> bool:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: one statement and no savepoint (an
    IntegrityError would abort the caller's transaction). A concurrent claim of the same key
    makes it wait until that transaction ends; False when the key is (then) taken."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (partner_id, key, request_hash, created_at, locked_at, "
            "expires_at, response_headers) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (partner_id, key) DO NOTHING RETURNING id",
            [
                record.partner.pk,
                record.key,
                record.request_hash,
                *(
                    connection.ops.adapt_datetimefield_value(moment)
                    for moment in (record.created_at, record.locked_at, record.expires_at)
                ),
                "{}",
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    record.pk = row[0]
    record._state.adding = False
    record._state.db = connection.alias
    return True


def idempotency_complete(
    *,
    record: IdempotencyRecord,
    status_code: int,
    body,
    headers: dict[str, str],
    request_log: ApiRequestLog | None = None,
) -> None:
    """Store the response to replay; with ``request_log`` (unsaved), write that request's log
    too, in the same transaction. On PostgreSQL both are one statement (issue 14, P3: a
    round trip less for every partner write with an Idempotency-Key)."""
    record.completed_at = timezone.now()
    record.response_status = status_code
    record.response_body = body
    record.response_headers = headers
    fields = ["completed_at", "response_status", "response_body", "response_headers"]
    if request_log is None or connection.vendor != "postgresql":
        record.save(update_fields=fields)
        if request_log is not None:
            request_log.save(force_insert=True)
        return
    _update_and_insert(
        IdempotencyRecord.objects.filter(pk=record.pk),
        {name: getattr(record, name) for name in fields},
        request_log,
    )


def _update_and_insert(queryset, values: dict, row) -> None:
    """``queryset.update(**values)`` (of one row) and ``row.save(force_insert=True)`` in one
    statement, a data-modifying WITH (PostgreSQL). Both are compiled by Django, as
    ``update()`` and ``save()`` would write them (field preparation, ``pre_save``); no signal
    is sent (the two models have no receivers). No row updated raises, as ``save()`` does."""
    update = queryset.query.chain(sql.UpdateQuery)
    update.add_update_values(values)
    update_sql, update_params = update.get_compiler(queryset.db).as_sql()
    meta = row._meta
    insert = sql.InsertQuery(row.__class__)
    insert.insert_values([f for f in meta.local_concrete_fields if f is not meta.pk], [row])
    compiler = insert.get_compiler(queryset.db)
    compiler.returning_fields = [meta.pk]
    [(insert_sql, insert_params)] = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"WITH updated AS ({update_sql} RETURNING 1) {insert_sql}, "
            "(SELECT COUNT(*) FROM updated)",
            (*update_params, *insert_params),
        )
        row.pk, updated = cursor.fetchone()
    if not updated:  # as save(update_fields=...) says it; the transaction rolls back
        raise DatabaseError("The update did not affect any rows.")
    row._state.adding = False
    row._state.db = queryset.db


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Forget a key whose request failed, so that the partner may retry it."""
    IdempotencyRecord.objects.filter(pk=record.pk, completed_at__isnull=True).delete()


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    deleted, _details = IdempotencyRecord.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted


# --- Webhooks ----------------------------------------------------------------------------
# The outbox services live with the rest of the webhook machinery; callers use them from here.

from api.webhooks.outbox import (  # noqa: E402, F401
    webhook_deliver_due,
    webhook_delivery_attempt,
    webhook_delivery_retry_now,
    webhook_endpoint_register,
    webhook_endpoint_remove,
    webhook_enqueue,
    webhook_secret_generate,
)
