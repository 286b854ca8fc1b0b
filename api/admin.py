"""Admin for the API: keys (never their hash; the plaintext shown once at creation),
throttle overrides, request log, rejected submissions and the webhook outbox."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import services
from api.models import (
    ApiRequestLog,
    PartnerApiKey,
    PartnerApiSettings,
    RejectedSubmission,
    StaffToken,
    WebhookDelivery,
    WebhookEndpoint,
)
from crm.admin_mixins import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Request logs, rejected submissions, deliveries: written by the API only. Deleting
    stays possible for who holds the permission (old logs, a GDPR request by hand)."""

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


class CredentialForm(forms.ModelForm):
    expires_on = forms.DateField(
        label=_("expires on"),
        required=False,
        help_text=_("Last day of validity; empty for a key that does not expire."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on and expires_on < timezone.localdate():
            raise forms.ValidationError(_("The expiry date is in the past."))
        return expires_on


class CredentialAdmin(admin.ModelAdmin):
    """Created through the service; the plaintext goes to a one-time message."""

    owner_field: str
    create_service = None
    revoke_service = None
    actions = ["revoke"]
    readonly_fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [self.owner_field, "expires_on"]
        return [self.owner_field, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [self.owner_field, *self.readonly_fields] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row documents who had access

    def save_model(self, request, obj, form, change):
        if change:
            return
        created, plaintext = type(self).create_service(
            **{self.owner_field: getattr(obj, self.owner_field)},
            expires_on=form.cleaned_data.get("expires_on"),
        )
        obj.pk = created.pk
        for field in ("prefix", "hashed_key", "created_at", "expires_at"):
            setattr(obj, field, getattr(created, field))
        messages.warning(
            request,
            _("Copy this key now, it will not be shown again: %(key)s") % {"key": plaintext},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = 0
        for credential in queryset.filter(revoked_at__isnull=True):
            type(self).revoke_service(prefix=credential.prefix)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
        )


class PartnerApiKeyForm(CredentialForm):
    class Meta:
        model = PartnerApiKey
        fields = ["partner"]


@admin.register(PartnerApiKey)
class PartnerApiKeyAdmin(CredentialAdmin):
    form = PartnerApiKeyForm
    owner_field = "partner"
    create_service = staticmethod(services.partner_key_create)
    revoke_service = staticmethod(services.partner_key_revoke)
    list_display = ["prefix", "partner", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["partner"]
    search_fields = ["prefix", "partner__name", "partner__slug"]


class StaffTokenForm(CredentialForm):
    class Meta:
        model = StaffToken
        fields = ["user"]


@admin.register(StaffToken)
class StaffTokenAdmin(CredentialAdmin):
    form = StaffTokenForm
    owner_field = "user"
    create_service = staticmethod(services.staff_token_create)
    revoke_service = staticmethod(services.staff_token_revoke)
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    search_fields = ["prefix", "user__username"]
    raw_id_fields = ["user"]


@admin.register(PartnerApiSettings)
class PartnerApiSettingsAdmin(admin.ModelAdmin):
    list_display = ["partner", "rate_per_minute", "rate_per_day"]


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "partner", "method", "path", "status_code", "duration_ms"]
    list_filter = ["status_code", "method", "partner"]
    search_fields = ["path", "operation", "partner__name"]
    date_hierarchy = "created_at"


@admin.register(RejectedSubmission)
class RejectedSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "partner", "endpoint", "status_code", "content_type"]
    list_filter = ["status_code", "partner"]
    date_hierarchy = "received_at"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["partner", "url", "active", "created_at", "updated_at"]
    list_filter = ["active"]
    fields = ["partner", "url", "active", "created_at", "updated_at"]
    readonly_fields = ["partner", "url", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # partners register through the API (the URL is validated there)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "endpoint__partner__name"]
    actions = ["retry_now"]

    @admin.action(description=_("Retry the selected deliveries now"))
    def retry_now(self, request, queryset):
        for delivery in queryset.exclude(status="delivered"):
            services.webhook_delivery_retry_now(delivery=delivery)
