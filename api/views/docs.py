"""The OpenAPI schema and its documentation, public and served from local static files.

Swagger UI only: drf-spectacular's Redoc template loads Google Fonts (a CDN).
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class SwaggerView(SpectacularSwaggerSplitView):
    """Its script is served by the view itself (``?script``): no inline script, CSP holds."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
