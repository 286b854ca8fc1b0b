"""RFC 9457 problem details for every error under /api/.

A problem is ``application/problem+json`` with ``type``, ``title``, ``status``, ``detail``
and, for validation errors, ``errors``: ``{"company.siren": ["..."], ...}`` (field paths
joined with dots, list items by index, object-level errors under ``non_field_errors``).

Types are stable relative URIs, ``/api/v1/problems/<slug>/``, each describing itself there.
``title`` is a fixed English phrase per type (machines may match it); ``detail`` and field
messages are in French, the language of the application.

Views raise ``Problem("conflict", detail=..., **extensions)``; DRF's exceptions go through
``exception_handler``; errors produced outside DRF (unknown URL, 405 of a Django view, body
too large, server errors) are turned into problems by ``api.middleware.ApiMiddleware``.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/api/v1/problems/"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: str
    description: str

    @property
    def uri(self) -> str:
        return f"{PROBLEM_TYPE_BASE}{self.slug}/"


_TYPES = [
    ProblemType("validation-error", 400, "Validation error",
                "The body or the query is invalid; `errors` maps each field path to messages."),
    ProblemType("malformed-request", 400, "Malformed request",
                "The body is not valid JSON, or a header is malformed."),
    ProblemType("not-authenticated", 401, "Not authenticated",
                "Credentials are missing, wrong, expired or revoked, or not accepted here."),
    ProblemType("permission-denied", 403, "Permission denied",
                "The credentials are valid but do not allow this operation."),
    ProblemType("not-found", 404, "Not found",
                "No such resource, or not one the caller may see."),
    ProblemType("method-not-allowed", 405, "Method not allowed",
                "This resource does not support this HTTP method; see the `Allow` header."),
    ProblemType("not-acceptable", 406, "Not acceptable",
                "The API answers in JSON only."),
    ProblemType("conflict", 409, "Conflict",
                "The request conflicts with the current state of the resource."),
    ProblemType("idempotency-key-in-use", 409, "Idempotency key in use",
                "A request with this Idempotency-Key is still being processed; retry later."),
    ProblemType("payload-too-large", 413, "Payload too large",
                "The request body is larger than the limit (64 KiB)."),
    ProblemType("unsupported-media-type", 415, "Unsupported media type",
                "The request body must be `application/json`."),
    ProblemType("unprocessable", 422, "Unprocessable request",
                "The request is well formed but cannot be carried out."),
    ProblemType("idempotency-key-reused", 422, "Idempotency key reused",
                "This Idempotency-Key was already used with another request body."),
    ProblemType("rate-limited", 429, "Too many requests",
                "The caller exceeded its rate limit; retry after `Retry-After` seconds."),
    ProblemType("server-error", 500, "Internal server error",
                "An unexpected error; it has been logged. Nothing is leaked in the answer."),
    ProblemType("service-unavailable", 503, "Service unavailable",
                "The service is temporarily unavailable; retry later."),
]  # fmt: skip
PROBLEM_TYPES: dict[str, ProblemType] = {t.slug: t for t in _TYPES}
# The default type of a bare status code (Django's own errors, unusual DRF exceptions).
_DEFAULT_SLUG_BY_STATUS = {
    400: "malformed-request",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "unprocessable",
    429: "rate-limited",
    500: "server-error",
    503: "service-unavailable",
}


def problem_type_for_status(status_code: int) -> ProblemType | None:
    slug = _DEFAULT_SLUG_BY_STATUS.get(status_code)
    return PROBLEM_TYPES[slug] if slug else None


def default_detail(status_code: int) -> str:
    details = {
        400: _("The request is malformed."),
        401: _("Authentication credentials were missing or incorrect."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        405: _("This method is not allowed on this resource."),
        406: _("The API answers in JSON only."),
        409: _("The request conflicts with the current state of the resource."),
        413: _("The request body is larger than the limit of %(limit)s bytes."),
        415: _("The request body must be JSON (Content-Type: application/json)."),
        422: _("The request cannot be processed."),
        429: _("Too many requests."),
        500: _("An unexpected error occurred. It has been logged."),
        503: _("The service is temporarily unavailable."),
    }
    detail = details.get(status_code, _("The request failed."))
    if status_code == 413:
        from django.conf import settings

        detail = detail % {"limit": settings.RELEVE_API_MAX_BODY_BYTES}
    return detail


def problem_body(
    *,
    status_code: int,
    slug: str | None = None,
    detail: str | None = None,
    errors: dict | None = None,
    **extensions,
) -> dict:
    ptype = PROBLEM_TYPES[slug] if slug else problem_type_for_status(status_code)
    body = {
        "type": ptype.uri if ptype else "about:blank",
        "title": ptype.title if ptype else _http_reason(status_code),
        "status": status_code,
        "detail": str(detail) if detail is not None else default_detail(status_code),
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extensions)
    return body


def _http_reason(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def problem_response(
    *, status_code: int, slug: str | None = None, detail=None, errors=None, headers=None, **ext
) -> JsonResponse:
    """A plain Django response (middleware, views outside DRF)."""
    response = JsonResponse(
        problem_body(status_code=status_code, slug=slug, detail=detail, errors=errors, **ext),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class Problem(exceptions.APIException):
    """Raise from a DRF view: ``raise Problem("conflict", detail=..., existing=url)``.

    ``slug`` is one of PROBLEM_TYPES; its status is used unless ``status_code`` is given.
    Extra keyword arguments become extension members of the problem body.
    """

    def __init__(
        self,
        slug: str,
        *,
        detail=None,
        status_code: int | None = None,
        errors: dict | None = None,
        headers: dict | None = None,
        **extensions,
    ):
        ptype = PROBLEM_TYPES[slug]
        self.slug = slug
        self.status_code = status_code or ptype.status
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions
        super().__init__(detail=detail if detail is not None else default_detail(self.status_code))


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as ``{"company.siren": [...], "lines.0.amount": [...]}``."""
    flat: dict[str, list[str]] = {}
    non_field = api_settings.NON_FIELD_ERRORS_KEY

    def add(path: str, message) -> None:
        flat.setdefault(path or non_field, []).append(str(message))

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list | tuple):
            if all(not isinstance(item, dict | list | tuple) for item in node):
                for item in node:
                    add(path, item)
            else:
                for index, item in enumerate(node):
                    if item:  # a valid item of a list of objects has an empty error dict
                        walk(item, f"{path}.{index}" if path else str(index))
        else:
            add(path, node)

    walk(detail, prefix)
    return flat


_DRF_SLUGS = [
    (exceptions.ValidationError, "validation-error"),
    (exceptions.ParseError, "malformed-request"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "not-authenticated"),
    (exceptions.PermissionDenied, "permission-denied"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "rate-limited"),
]


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every API exception becomes a problem. Unexpected
    exceptions still return None: Django logs them and the middleware answers 500."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RecursionError):
        # JSON nested a thousand levels deep exhausts the parser's stack: malformed input.
        exc = exceptions.ParseError(_("The JSON body is nested too deeply."))
    response = drf_exception_handler(exc, context)  # headers, rollback
    if response is None:
        return None
    status_code = response.status_code
    errors = None
    extensions = {}
    if isinstance(exc, Problem):
        slug, detail, errors, extensions = exc.slug, exc.detail, exc.errors, exc.extensions
        for name, value in exc.headers.items():
            response[name] = value
    elif isinstance(exc, exceptions.ValidationError):
        slug, detail = "validation-error", _("The request contains invalid data.")
        errors = flatten_errors(exc.detail)
    else:
        slug = next((s for cls, s in _DRF_SLUGS if isinstance(exc, cls)), None)
        detail = exc.detail if isinstance(exc.detail, str) else None
        if slug and PROBLEM_TYPES[slug].status != status_code:
            # DRF turns 401 into 403 when no authenticator offers a challenge.
            slug = None
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extensions["retry_after"] = int(exc.wait)
    response.data = problem_body(
        status_code=status_code, slug=slug, detail=detail, errors=errors, **extensions
    )
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_type_view(request, slug: str):
    """What each problem type means (the ``type`` URIs are dereferenceable)."""
    ptype = PROBLEM_TYPES.get(slug)
    if ptype is None:
        return problem_response(status_code=status.HTTP_404_NOT_FOUND)
    return JsonResponse(
        {
            "type": ptype.uri,
            "title": ptype.title,
            "status": ptype.status,
            "description": ptype.description,
        }
    )


__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "PROBLEM_TYPES",
    "Problem",
    "exception_handler",
    "flatten_errors",
    "problem_body",
    "problem_response",
]
