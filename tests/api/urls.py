"""Test-only endpoints next to the real API: a staff view, a strict idempotent partner
write, and a view that crashes. Used with ``@pytest.mark.urls("tests.api.urls")``."""

import threading
import time

from django.contrib import admin
from django.urls import include, path
from rest_framework import serializers, status
from rest_framework.response import Response

from api.authentication import partner_of
from api.idempotency import idempotent
from api.serializers.base import StrictSerializer
from api.views.base import PartnerAPIView, StaffAPIView

executions: list[str] = []
executions_lock = threading.Lock()


class CompanyInput(StrictSerializer):
    name = serializers.CharField(max_length=200)
    siren = serializers.RegexField(r"^\d{9}$")


class ContactInput(StrictSerializer):
    first_name = serializers.CharField()


class EchoInput(StrictSerializer):
    company = CompanyInput()
    contact = ContactInput()
    id = serializers.UUIDField(read_only=True)


class StaffWhoAmI(StaffAPIView):
    def get(self, request):
        return Response({"username": request.user.get_username()})

    def post(self, request):
        return Response({"username": request.user.get_username()})


class PartnerEcho(PartnerAPIView):
    @idempotent
    def post(self, request):
        data = EchoInput(data=request.data)
        data.is_valid(raise_exception=True)
        delay = float(request.headers.get("X-Test-Delay", "0"))
        if delay:
            time.sleep(delay)
        with executions_lock:
            executions.append(partner_of(request).slug)
        return Response(
            {"n": len(executions), **data.validated_data},
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/test/echo/{len(executions)}/"},
        )


class Boom(PartnerAPIView):
    def get(self, request):
        raise RuntimeError("secret-internal-detail")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/test/staff/", StaffWhoAmI.as_view()),
    path("api/test/echo/", PartnerEcho.as_view()),
    path("api/test/boom/", Boom.as_view()),
]
