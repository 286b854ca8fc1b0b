"""The API's own records: credentials, throttle overrides, logs, idempotency, rejected
submissions and the webhook outbox. Nothing here belongs to the case workflow."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Partner


class CredentialQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class Credential(models.Model):
    """A random secret shown once; only its keyed hash (HMAC-SHA256) is stored.

    The plaintext is ``<kind>_<prefix>.<secret>``: the prefix is the public lookup key,
    the hash is compared in constant time (see ``api.keys``).
    """

    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    hashed_key = models.CharField(_("hashed key"), max_length=128, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.prefix

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


class PartnerApiKey(Credential):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("partner")
    )

    class Meta(Credential.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")


class StaffToken(Credential):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )

    class Meta(Credential.Meta):
        verbose_name = _("staff API token")
        verbose_name_plural = _("staff API tokens")


class PartnerApiSettings(models.Model):
    """Per-partner overrides of the API defaults (empty field: the setting's default)."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="api_settings", verbose_name=_("partner")
    )
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), null=True, blank=True)
    rate_per_day = models.PositiveIntegerField(_("requests per day"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner API settings")
        verbose_name_plural = _("partner API settings")

    def __str__(self) -> str:
        return str(self.partner)


class ApiRequestLog(models.Model):
    """One partner request: who, which operation, outcome, duration. Never the key."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    key_prefix = models.CharField(_("key prefix"), max_length=16, blank=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    operation = models.CharField(_("operation"), max_length=200, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status_code}"


class IdempotencyRecord(models.Model):
    """An ``Idempotency-Key`` seen from a partner: its request fingerprint and, once the
    first request has finished, the response to replay. The unique constraint is the lock."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    locked_at = models.DateTimeField(_("locked at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    # The rendered JSON text, not a JSONField: PostgreSQL's jsonb reorders keys, and a replay
    # must give back the very same bytes.
    response_body = models.TextField(_("response body"), null=True, blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="api_idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return self.key


class RejectedSubmission(models.Model):
    """A partner write refused with 400/413/415/422, kept 30 days for support."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    endpoint = models.CharField(_("endpoint"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("status"))
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    body = models.TextField(_("body (truncated to the size limit)"), blank=True)
    body_truncated = models.BooleanField(_("body truncated"), default=False)

    class Meta:
        verbose_name = _("rejected submission")
        verbose_name_plural = _("rejected submissions")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.partner} {self.endpoint} {self.status_code}"


class WebhookEndpoint(models.Model):
    """The URL a partner registered to receive events, and the secret that signs them."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="webhook", verbose_name=_("partner")
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """Outbox row, written in the transaction of the change it announces.

    ``body`` holds the exact bytes signed and sent, so every retry sends the same bytes
    (PostgreSQL's jsonb would not keep ``payload``'s key order).

    A worker claims a due row for a lease (``claimed_until``, ``claim_token``) in a short
    transaction, posts with no transaction open, then records the outcome only if the token is
    still its own. A worker that dies leaves its lease to expire: the row is due again.
    """

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_type = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("payload"))
    body = models.TextField(_("body sent"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="api_webhook_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
