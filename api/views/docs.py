"""The OpenAPI schema and its documentation, public and served from local static files.

Swagger UI only: drf-spectacular's Redoc template loads Google Fonts (a CDN).
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class SwaggerView(SpectacularSwaggerView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
