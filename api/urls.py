"""/api/v1/ (included by config.urls). Phase 2 registers the leads and cases viewsets on
``router``; a SimpleRouter, so there is no browsable root view."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.problems import problem_type_view
from api.views.docs import SchemaView, SwaggerView
from api.views.leads import LeadViewSet
from api.views.partner import PartnerProfileView, WebhookEndpointView
from api.views.staff import CaseViewSet

app_name = "api"

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("leads", LeadViewSet, basename="lead")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("problems/<slug:slug>/", problem_type_view, name="problem-type"),
    path("partner/", PartnerProfileView.as_view(), name="partner-profile"),
    path("webhooks/", WebhookEndpointView.as_view(), name="webhook-endpoint"),
    path("", include(router.urls)),
]
