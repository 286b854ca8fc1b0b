"""The calling partner's own profile and its webhook registration."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api import selectors, services
from api.authentication import partner_of
from api.idempotency import idempotent
from api.problems import Problem
from api.schema import problem_responses
from api.serializers.partner import (
    PartnerProfileSerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
    WebhookRegistrationSerializer,
)
from api.views.base import PartnerAPIView


class PartnerProfileView(PartnerAPIView):
    @extend_schema(
        operation_id="partner_profile", responses=PartnerProfileSerializer, tags=["partner"]
    )
    def get(self, request):
        partner = partner_of(request)
        limits = selectors.partner_rate_limits(partner)
        data = {
            "name": partner.name,
            "slug": partner.slug,
            "type": partner.type,
            "rate_limits": {"per_minute": limits.per_minute, "per_day": limits.per_day},
            "key": request.auth,
        }
        return Response(PartnerProfileSerializer(data).data)


class WebhookEndpointView(PartnerAPIView):
    @extend_schema(
        operation_id="webhook_retrieve",
        responses={200: WebhookEndpointSerializer, **problem_responses(404)},
        tags=["webhooks"],
        description="The registered webhook URL; 404 when none is registered.",
    )
    def get(self, request):
        endpoint = selectors.partner_webhook(partner_of(request))
        if endpoint is None:
            raise Problem("not-found")
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhook_register",
        request=WebhookRegistrationSerializer,
        responses={201: WebhookEndpointCreatedSerializer},
        tags=["webhooks"],
        description=(
            "Register or replace the webhook URL (https, public address). A new signing secret "
            "is returned, only in this answer."
        ),
    )
    @idempotent
    def post(self, request):
        serializer = WebhookRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint = services.webhook_endpoint_register(
                partner=partner_of(request), url=serializer.validated_data["url"]
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"url": exc.messages}) from exc
        return Response(
            WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        operation_id="webhook_delete",
        responses={204: None, **problem_responses(404)},
        tags=["webhooks"],
    )
    def delete(self, request):
        if not services.webhook_endpoint_remove(partner=partner_of(request)):
            raise Problem("not-found")
        return Response(status=status.HTTP_204_NO_CONTENT)
