"""Everything under /api/ passes here: body size guard, problem+json for every error
Django produced outside DRF, partner request log and the rejected-submissions store.

Placed near the top of MIDDLEWARE, so that it sees the final response of the inner layers
(Django's 404, a 405, Django's 500 page, which it replaces without the traceback).
"""

import io
import json
import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.db import transaction

from api import selectors, services
from api.authentication import API_KEY_KEYWORD
from api.models import PartnerApiKey
from api.problems import PROBLEM_CONTENT_TYPE, problem_response

logger = logging.getLogger("api.requests")

API_PREFIX = "/api/"
_REJECTED_STATUSES = frozenset({400, 413, 415, 422})
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Headers of the original error response that still matter in the problem response.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.monotonic()
        request._api_started = started
        too_large = self._read_body_within_limit(request)
        response = too_large if too_large is not None else self.get_response(request)
        response = self._as_problem(response)
        self._record(request, response, started)
        return response

    # -- body size ------------------------------------------------------------------------

    def _read_body_within_limit(self, request):
        """Read the body now, never more than the limit + 1 byte; None when within it.

        Content-Length is checked first (nothing read); a body without one (chunked, or
        streamed under ASGI) is read in a bounded way. The body read here is what the
        views, the idempotency fingerprint and the rejected-submission store see.
        """
        limit = settings.RELEVE_API_MAX_BODY_BYTES
        declared = request.META.get("CONTENT_LENGTH") or ""
        request._api_body = b""
        try:
            if declared:
                try:
                    length = int(declared)
                except ValueError:
                    return problem_response(status_code=400)
                if length > limit:
                    request._api_body = request.read(limit + 1)
                    return problem_response(status_code=413)
                request._api_body = request.body
            elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() or (
                getattr(request, "_stream", None) is not None and request.method in _WRITE_METHODS
            ):
                data = self._read_unsized(request, limit + 1)
                request._api_body = data
                if len(data) > limit:
                    return problem_response(status_code=413)
                request._body = data
                request._stream = io.BytesIO(data)
                request._read_started = False
                request.META["CONTENT_LENGTH"] = str(len(data))
        except RequestDataTooBig:
            return problem_response(status_code=413)
        return None

    @staticmethod
    def _read_unsized(request, size: int) -> bytes:
        """Up to ``size`` bytes of a body sent without Content-Length.

        Under WSGI, Django wraps the input in a stream limited to Content-Length, i.e. to
        nothing: read the server's (already de-chunked) ``wsgi.input`` itself instead.
        """
        wsgi_input = getattr(request, "environ", {}).get("wsgi.input")
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (
            not chunked
            or wsgi_input is None
            or not isinstance(getattr(request, "_stream", None), LimitedStream)
        ):
            return request.read(size)
        chunks, remaining = [], size
        while remaining > 0:
            chunk = wsgi_input.read(min(remaining, 64 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    # -- problem+json ---------------------------------------------------------------------

    def _as_problem(self, response):
        if response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
        return problem_response(status_code=response.status_code, headers=headers)

    # -- log and rejected submissions ----------------------------------------------------

    def _record(self, request, response, started):
        if getattr(request, "_api_logged", False):
            return  # written inside the request's own transaction (request_log_in_transaction)
        key = getattr(request, "auth", None)
        if not isinstance(key, PartnerApiKey):
            # DRF did not run (unknown URL, body too large...) or refused the key.
            key = self._partner_key_from_header(request) if response.status_code != 401 else None
        claimed_partner_key = key is not None or request.headers.get(
            "Authorization", ""
        ).startswith(API_KEY_KEYWORD)
        if not claimed_partner_key:
            return
        partner = key.partner if key else None
        try:
            # A savepoint: a failed log write must not break the request's own transaction
            # (the test client and ATOMIC_REQUESTS run requests inside one).
            with transaction.atomic():
                self._write_logs(request, response, started, key, partner)
        except Exception:  # the answer matters more than its log
            logger.exception("could not record the API request %s %s", request.method, request.path)

    @staticmethod
    def _log_fields(request, response, started, key, partner) -> dict:
        match = request.resolver_match
        return {
            "partner": partner,
            "key_prefix": key.prefix if key else "",
            "method": request.method,
            "path": request.path,
            "operation": match.view_name if match else "",
            "status_code": response.status_code,
            "duration_ms": int((time.monotonic() - started) * 1000),
        }

    @staticmethod
    def _write_logs(request, response, started, key, partner):
        services.api_request_log_write(
            **ApiMiddleware._log_fields(request, response, started, key, partner)
        )
        if (
            partner is not None
            and request.method in _WRITE_METHODS
            and (response.status_code in _REJECTED_STATUSES or response.status_code >= 500)
        ):
            # A 5xx too: whatever failed, what the partner sent is kept (issue 13 §3).
            ApiMiddleware._record_rejected(request, response, partner)

    @staticmethod
    def _partner_key_from_header(request):
        header = request.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != API_KEY_KEYWORD.lower():
            return None
        return selectors.partner_key_from_plaintext(value.strip())

    @staticmethod
    def _record_rejected(request, response, partner):
        try:
            problem = json.loads(response.content)
        except (ValueError, AttributeError):
            problem = {}
        errors = problem.get("errors") or {"detail": [problem.get("detail", "")]}
        services.rejected_submission_record(
            partner=partner,
            endpoint=f"{request.method} {request.path}",
            status_code=response.status_code,
            errors=errors,
            body=getattr(request, "_api_body", b"") or b"",
            content_type=request.META.get("CONTENT_TYPE", ""),
        )


def request_log_in_transaction(request, response) -> None:
    """Write the request log of a successful partner write inside that write's transaction
    (no commit of its own, issue 14); the middleware then writes nothing more. ``request``
    is Django's; errors (4xx, 5xx) are still logged by the middleware, after the rollback."""
    fields = _log_fields_in_transaction(request, response)
    if fields is not None:
        services.api_request_log_write(**fields)


def request_log_row_in_transaction(request, response):
    """The row ``request_log_in_transaction`` would write, unsaved, for a caller that writes
    it in the same transaction with its own row (``api.idempotency``: with the stored
    response); None when the middleware logs the request itself."""
    fields = _log_fields_in_transaction(request, response)
    return services.api_request_log_row(**fields) if fields is not None else None


def _log_fields_in_transaction(request, response) -> dict | None:
    key = getattr(request, "auth", None)
    if not isinstance(key, PartnerApiKey) or response.status_code >= 400:
        return None
    started = getattr(request, "_api_started", None)
    if started is None:
        return None
    request._api_logged = True
    return ApiMiddleware._log_fields(request, response, started, key, key.partner)
