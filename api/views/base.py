"""Base classes for API views: who may call, how they are throttled."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.views import APIView

from api.authentication import PARTNER_AUTHENTICATION, STAFF_AUTHENTICATION, IsPartner, IsStaff
from api.throttling import PARTNER_THROTTLES


class PartnerAccessMixin:
    """Partner keys only; throttled per key. Mix into APIView, generics or viewsets."""

    authentication_classes = PARTNER_AUTHENTICATION
    permission_classes = [IsPartner]
    throttle_classes = PARTNER_THROTTLES


class StaffAccessMixin:
    """Staff tokens or the staff session only; selectors scope rows to the territory."""

    authentication_classes = STAFF_AUTHENTICATION
    permission_classes = [IsStaff]


class PartnerAPIView(PartnerAccessMixin, APIView):
    pass


class StaffAPIView(StaffAccessMixin, APIView):
    pass


class KnownQueryParametersMixin:
    """Lists refuse query parameters they do not know, naming them (400).

    A misspelt filter (``?stauts=closed``) would otherwise be ignored and answer with every
    row, which a client cannot tell from a filtered answer. Known: the pagination's cursor and
    page size, the list's filterset fields, and ``list_query_serializer``'s fields.
    """

    list_query_serializer = None
    # The viewset actions that list rows (their schema documents the 400).
    listing_actions = ("list",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        listing = getattr(self, "action", "list") in self.listing_actions
        if request.method != "GET" or self.pagination_class is None or not listing:
            return
        unknown = sorted(set(request.query_params) - self.known_query_parameters())
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown query parameter.")] for name in unknown}
            )

    def known_query_parameters(self) -> set[str]:
        pagination = self.pagination_class
        known = {pagination.cursor_query_param, pagination.page_size_query_param}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and getattr(self, "action", "list") == "list":
            known |= set(filterset_class.base_filters)
        if self.list_query_serializer is not None:
            known |= set(self.list_query_serializer().fields)
        return known
