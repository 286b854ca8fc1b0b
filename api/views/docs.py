"""The OpenAPI schema and its documentation, public and served from local static files."""

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class SwaggerView(SpectacularSwaggerView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class RedocView(SpectacularRedocView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
