from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import StrictSerializer


class RateLimitsSerializer(serializers.Serializer):
    per_minute = serializers.IntegerField()
    per_day = serializers.IntegerField()


class ApiKeySummarySerializer(serializers.Serializer):
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)


class PartnerProfileSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    type = serializers.CharField()
    rate_limits = RateLimitsSerializer()
    key = ApiKeySummarySerializer()


class WebhookEndpointSerializer(serializers.Serializer):
    url = serializers.URLField()
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        help_text=_("Signing secret, shown this once: keep it to check X-Releve-Signature.")
    )


class WebhookRegistrationSerializer(StrictSerializer):
    url = serializers.URLField(max_length=500)
