"""OpenAPI: problem responses documented on every operation, security schemes, and the
``Idempotency-Key`` header of ``@idempotent`` handlers.

``ProblemAutoSchema`` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds, unless the operation
documents them itself: 500 always; 401 when credentials are needed; 403 on staff
endpoints; 429 when throttled; 404 on paths with parameters; 400, 413 and 415 on
operations with a body; 400, 409 and 422 on idempotent ones. Anything else an operation
may answer is declared with ``extend_schema(responses={..., **problem_responses(409)})``.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from api.problems import PROBLEM_CONTENT_TYPE, problem_type_for_status


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Problem type URI, /api/v1/problems/<slug>/.")
    title = serializers.CharField(help_text="Fixed English title of the problem type.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="Human-readable explanation, in French.")


class ValidationProblemSerializer(ProblemSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field path (`company.siren`, `contact.first_name`...).",
    )


class RateLimitedProblemSerializer(ProblemSerializer):
    retry_after = serializers.IntegerField(required=False)


def _serializer_for(status_code: int):
    if status_code in (400, 422):
        return ValidationProblemSerializer
    if status_code == 429:
        return RateLimitedProblemSerializer
    return ProblemSerializer


def problem_responses(*status_codes: int) -> dict:
    """``extend_schema(responses={200: X, **problem_responses(409, 422)})``."""
    responses = {}
    for code in status_codes:
        ptype = problem_type_for_status(code)
        responses[(code, PROBLEM_CONTENT_TYPE)] = OpenApiResponse(
            response=_serializer_for(code),
            description=ptype.description if ptype else "Problem details (RFC 9457).",
        )
    return responses


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description=(
        "Optional, 1 to 255 characters, kept 24 hours per partner. The same key with the same "
        "body replays the first response; with another body: 422; while the first request "
        "runs: 409."
    ),
)


class ProblemAutoSchema(AutoSchema):
    def _handler(self):
        action = getattr(self.view, "action", None)
        return getattr(self.view, action or self.method.lower(), None)

    def _is_idempotent(self) -> bool:
        return bool(getattr(self._handler(), "releve_idempotent", False))

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._is_idempotent():
            parameters = [*parameters, IDEMPOTENCY_KEY_PARAMETER]
        return parameters

    def _default_problem_statuses(self) -> list[int]:
        from api.authentication import StaffSessionAuthentication, StaffTokenAuthentication

        codes = [500]
        permissions = self.view.get_permissions()
        if not all(isinstance(p, AllowAny) for p in permissions):
            codes.append(401)
            authenticators = self.view.get_authenticators()
            if any(
                isinstance(a, StaffTokenAuthentication | StaffSessionAuthentication)
                for a in authenticators
            ):
                codes.append(403)
        if self.view.get_throttles():
            codes.append(429)
        if "{" in self.path:
            codes.append(404)
        if self.method in ("POST", "PUT", "PATCH"):
            codes += [400, 413, 415]
        if self._is_idempotent():
            codes += [400, 409, 422]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(set(self._default_problem_statuses())):
            if str(code) in responses:
                continue
            responses[str(code)] = self._get_response_for_code(
                OpenApiResponse(
                    response=_serializer_for(code),
                    description=problem_type_for_status(code).description,
                ),
                str(code),
                [PROBLEM_CONTENT_TYPE],
                direction,
            )
        return dict(sorted(responses.items()))


class PartnerApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PartnerApiKeyAuthentication"
    name = "partnerApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Partner key: `Authorization: Api-Key rlv_<prefix>.<secret>`.",
        }


class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.StaffTokenAuthentication"
    name = "staffToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Staff token: `Authorization: Bearer rlvs_<prefix>.<secret>` "
            "(or `Token ...`), from `manage.py staff_token create`.",
        }


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.StaffSessionAuthentication"
    name = "staffSession"

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The back office's session; unsafe methods need the CSRF token.",
        }
