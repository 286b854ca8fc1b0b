"""Reads for the API layer: credential lookup, throttle limits, webhook outbox."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from api import keys
from api.models import (
    PartnerApiKey,
    PartnerApiSettings,
    StaffToken,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from crm.joined_rows import JoinedSelect, link
from crm.models import Partner


def partner_key_from_plaintext(plaintext: str) -> PartnerApiKey | None:
    """The usable key of an active partner matching ``plaintext``, or None.

    Every partner request starts here: one hand-written statement (issue 14), which brings
    the partner and its rate overrides with the key (the throttles need them next)."""
    parsed = keys.parse(plaintext)
    if parsed is None or parsed.kind != keys.PARTNER_KEY_KIND:
        return None
    sql, joined = _partner_key_sql()
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(sql, [now, parsed.prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    key, partner, api_settings = joined.instances(row)
    if not keys.matches(plaintext, key.hashed_key):
        return None
    link(key, "partner", partner)
    link(partner, "api_settings", api_settings)
    if api_settings is not None:
        link(api_settings, "partner", partner)
    return key


@functools.cache
def _partner_key_sql() -> tuple[str, JoinedSelect]:
    quote = connection.ops.quote_name
    joined = JoinedSelect(((PartnerApiKey, "k"), (Partner, "p"), (PartnerApiSettings, "s")))
    # PartnerApiKey.objects.usable() (not revoked, not expired), of an active partner.
    sql = (
        f"SELECT {joined.columns()} FROM {quote(PartnerApiKey._meta.db_table)} k "
        f"JOIN {quote(Partner._meta.db_table)} p ON p.id = k.partner_id "
        f"LEFT JOIN {quote(PartnerApiSettings._meta.db_table)} s ON s.partner_id = p.id "
        "WHERE k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > %s) "
        "AND p.is_active AND k.prefix = %s ORDER BY k.created_at DESC LIMIT 1"
    )
    return sql, joined


def staff_token_from_plaintext(plaintext: str) -> StaffToken | None:
    parsed = keys.parse(plaintext)
    if parsed is None or parsed.kind != keys.STAFF_TOKEN_KIND:
        return None
    token = (
        StaffToken.objects.usable()
        .select_related("user")
        .filter(prefix=parsed.prefix, user__is_active=True)
        .first()
    )
    if token is None or not keys.matches(plaintext, token.hashed_key):
        return None
    return token


def partner_key_list(*, partner: Partner | None = None) -> QuerySet[PartnerApiKey]:
    keys_qs = PartnerApiKey.objects.select_related("partner").order_by(
        "partner__slug", "-created_at"
    )
    return keys_qs.filter(partner=partner) if partner else keys_qs


@dataclass(frozen=True)
class RateLimits:
    per_minute: int
    per_day: int


def partner_rate_limits(partner: Partner) -> RateLimits:
    try:
        # Loaded with the request's key (partner_key_from_plaintext), else one query.
        overrides = partner.api_settings
    except PartnerApiSettings.DoesNotExist:
        overrides = None
    per_minute = overrides.rate_per_minute if overrides else None
    per_day = overrides.rate_per_day if overrides else None
    return RateLimits(
        per_minute=per_minute if per_minute is not None else settings.RELEVE_API_RATE_PER_MINUTE,
        per_day=per_day if per_day is not None else settings.RELEVE_API_RATE_PER_DAY,
    )


def partner_webhook(partner: Partner) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(partner=partner, active=True).first()


def webhook_deliveries_due(now=None) -> QuerySet[WebhookDelivery]:
    """Pending rows whose time has come and that no worker holds (or whose lease expired)."""
    now = now or timezone.now()
    return (
        WebhookDelivery.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
            status=WebhookDeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        )
        .select_related("endpoint")
        .order_by("next_attempt_at", "id")
    )
