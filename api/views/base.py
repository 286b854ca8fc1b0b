"""Base classes for API views: who may call, how they are throttled."""

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
