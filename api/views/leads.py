"""Partner leads: ``POST /api/v1/leads/`` (intake), ``GET /api/v1/leads/`` and
``GET /api/v1/leads/{id}/`` (the partner's own leads only).

Status codes of the intake, beyond the common ones (401, 413, 415, 429, 500):
201 created (``Location`` header); 400 invalid body, unknown or forbidden field (``errors``
by field path, e.g. ``company.siren``); 409 ``external_ref`` already used by this partner
(``lead_id`` names the existing lead) or ``Idempotency-Key`` in use; 422 the lead cannot be
taken in (no regional union covers the postal code's département yet) or ``Idempotency-Key``
reused with another body.
"""

import uuid

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.authentication import partner_of
from api.idempotency import idempotent
from api.pagination import StrictCursorPagination
from api.problems import Problem
from api.schema import problem_responses
from api.serializers.leads import LeadCreateSerializer, LeadListQuerySerializer, LeadSerializer
from api.views.base import KnownQueryParametersMixin, PartnerAccessMixin
from transmission import intake
from transmission import selectors as lead_selectors
from transmission.partner_status import PartnerStatus, stages_with_status

JSON_MEDIA_TYPE = "application/json"


class LeadCursorPagination(StrictCursorPagination):
    """Ordered on the reception time, which never changes, so a page never skips a lead."""

    ordering = ("-created_at", "-id")


@extend_schema_view(
    list=extend_schema(
        operation_id="leads_list",
        parameters=[LeadListQuerySerializer],
        responses={200: LeadSerializer(many=True), **problem_responses(400)},
        description=(
            "Your own leads, the most recently received first, in cursor pages "
            "(`page_size` up to 100). Filter by partner-visible `status` or by "
            "`updated_since` (leads whose status changed at or after that instant)."
        ),
    ),
    retrieve=extend_schema(
        operation_id="leads_retrieve",
        responses={200: LeadSerializer},
        description="One of your leads; another partner's lead or an unknown id: 404.",
    ),
)
class LeadViewSet(
    PartnerAccessMixin,
    KnownQueryParametersMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = LeadSerializer
    pagination_class = LeadCursorPagination
    list_query_serializer = LeadListQuerySerializer
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return lead_selectors.lead_list(partner=partner_of(self.request))

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        query = LeadListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        # A lead that joined a case the partner may not see stays "received", changed when
        # received (transmission.intake.PARTNER_SEES_CASE).
        if "status" in query.validated_data:
            status_ = query.validated_data["status"]
            visible = intake.PARTNER_SEES_CASE & Q(case__stage__in=stages_with_status(status_))
            if status_ == PartnerStatus.RECEIVED:
                visible |= intake.PARTNER_SEES_NOT_CASE
            queryset = queryset.filter(visible)
        if "updated_since" in query.validated_data:
            since = query.validated_data["updated_since"]
            queryset = queryset.filter(
                (intake.PARTNER_SEES_CASE & Q(updated_at__gte=since))
                | (intake.PARTNER_SEES_NOT_CASE & Q(created_at__gte=since))
            )
        return queryset

    def get_object(self):
        try:
            pk = uuid.UUID(str(self.kwargs["pk"]))
        except ValueError:
            raise Problem("not-found") from None
        lead = self.get_queryset().filter(pk=pk).first()
        if lead is None:
            raise Problem("not-found")
        return lead

    @extend_schema(
        operation_id="leads_create",
        request=LeadCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                OpenApiParameter.HEADER,
                response=[201],
                description="URL of the new lead (GET it for its status).",
            )
        ],
        responses={
            201: OpenApiResponse(
                LeadSerializer,
                description=(
                    "The lead is stored and attached to a case; `Location` is its URL. "
                    "`status` is `received` for a new case; a lead attached to a case your own "
                    "earlier lead opened (`matched_existing_case`) has that case's status. "
                    "Whether another partner or the regional union already knows the company "
                    "is never disclosed: such a lead answers like a new one."
                ),
            ),
            **problem_responses(409, 422),
        },
        description=(
            "Send a lead (JSON only, at most 64 KiB). Every error is problem+json: 400 invalid "
            "body or a field you may not send (named in `errors`); 409 `external_ref` already "
            "used (`lead_id` names your existing lead) or `Idempotency-Key` in use; 422 no "
            "regional union covers the postal code's département yet, or `Idempotency-Key` "
            "reused with another body."
        ),
    )
    @idempotent
    def create(self, request):
        media_type = (request.content_type or "").split(";", 1)[0].strip().lower()
        if media_type != JSON_MEDIA_TYPE:
            raise exceptions.UnsupportedMediaType(media_type or "-")
        serializer = LeadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        raw_body = request._request.body.decode("utf-8", errors="replace")
        partner = partner_of(request)
        try:
            lead = intake.lead_submit(
                partner=partner, data=serializer.lead_data(), raw_body=raw_body
            )
        except intake.LeadDuplicate as duplicate:
            existing = duplicate.existing
            raise Problem(
                "conflict",
                detail=_("You already sent a lead with this external_ref: %(id)s.")
                % {"id": existing.pk},
                lead_id=str(existing.pk),
                lead_url=self._lead_url(existing),
            ) from None
        except intake.LeadInvalid as invalid:
            raise exceptions.ValidationError(invalid.errors) from None
        except intake.LeadRefused as refused:
            raise Problem(
                "unprocessable",
                detail=_("This lead cannot be taken in."),
                errors=refused.errors,
            ) from None
        return Response(
            LeadSerializer(lead).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": self._lead_url(lead)},
        )

    def _lead_url(self, lead) -> str:
        return reverse("api:lead-detail", kwargs={"pk": lead.pk}, request=self.request)
