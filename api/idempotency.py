"""``Idempotency-Key`` for partner writes (kept 24 h, scoped per partner).

Decorate a DRF handler with ``@idempotent``:

- no header: the handler runs in one transaction with the request log;
- first use of a key: the key is claimed (a row, unique per partner and key) in the same
  transaction as the handler and the storing of its response: a concurrent request with
  the same key waits on the unique index, then replays; a crash rolls the claim back;
- same key, same request (method, path and SHA-256 of the raw body): the stored response
  is replayed, same status and body, with ``Idempotent-Replayed: true``; nothing runs;
- same key, another request: 422 ``idempotency-key-reused``;
- same key while the first request runs: it waits for it (then replays, or runs when the first
  failed); 409 ``idempotency-key-in-use`` only for a claim left by an older release.

Only responses the handler *returns* with a status below 500 are kept. When it raises
(validation error, conflict...) or returns a 5xx, its work and the claim roll back, so
the partner may retry it. Either way the unit is run again when the database aborts it
for a concurrent transaction's sake (deadlock, lost unique race: crm.transactions).
"""

import functools
import hashlib
import json

from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import services
from api.authentication import partner_of
from api.middleware import request_log_in_transaction, request_log_row_in_transaction
from api.problems import Problem
from api.services import IdempotencyOutcome
from crm.transactions import retrying_transaction

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAY_HEADER = "Idempotent-Replayed"
# Response headers worth replaying (Content-Type is always JSON).
_KEPT_HEADERS = ("Location",)


class _Discard(Exception):
    def __init__(self, response):
        self.response = response


def request_fingerprint(request) -> str:
    raw = request._request.body  # read (and bounded) by ApiMiddleware
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b"\0" + request.path.encode() + b"\0")
    digest.update(raw)
    return digest.hexdigest()


def _replay(record) -> Response:
    # Parsed back in its stored key order, so DRF renders the same bytes again.
    data = json.loads(record.response_body) if record.response_body is not None else None
    response = Response(data, status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAY_HEADER] = "true"
    return response


def _storable(response) -> tuple[str | None, dict[str, str]]:
    data = response.data
    body = JSONRenderer().render(data).decode() if data is not None else None
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    return body, headers


def idempotent(handler):
    """Make a DRF partner handler (``post``, ``create``...) honour ``Idempotency-Key``."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        partner = partner_of(request)
        if partner is None:
            return handler(view, request, *args, **kwargs)
        if key is None:
            # Without a key too: the handler and the request log commit together.
            try:
                return retrying_transaction(
                    lambda: _logged(request, handler(view, request, *args, **kwargs))
                )
            except _Discard as discarded:  # a 5xx answer: its work rolled back
                return discarded.response
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise Problem(
                "validation-error",
                detail=_invalid_key_message(),
                errors={HEADER: [_invalid_key_message()]},
            )
        try:
            # The claim, the handler, the stored response and the request log commit together
            # (one commit): a concurrent request with the same key waits on the unique index
            # until this one ends, and a worker that dies midway leaves no claim behind (its
            # transaction rolls back). A deadlock or a race lost to a concurrent lead runs the
            # whole unit again (crm.transactions).
            return retrying_transaction(lambda: _claimed(view, request, key, args, kwargs))
        except _Discard as discarded:
            return discarded.response

    def _logged(request, response):
        if response.status_code >= 500:
            raise _Discard(response)
        request_log_in_transaction(request._request, response)
        return response

    def _claimed(view, request, key, args, kwargs):
        request._request._api_logged = False  # this attempt's log, if any, is not written yet
        outcome, record = services.idempotency_claim(
            partner=partner_of(request), key=key, request_hash=request_fingerprint(request)
        )
        if outcome is IdempotencyOutcome.REPLAY:
            return _logged(request, _replay(record))
        if outcome is IdempotencyOutcome.MISMATCH:
            raise Problem("idempotency-key-reused", detail=_reused_message())
        if outcome is IdempotencyOutcome.IN_PROGRESS:
            raise Problem(
                "idempotency-key-in-use",
                detail=_in_use_message(),
                headers={"Retry-After": "1"},
            )
        response = handler(view, request, *args, **kwargs)
        if response.status_code >= 500:
            raise _Discard(response)
        body, headers = _storable(response)
        # The stored response and the request log: one statement (api.services).
        services.idempotency_complete(
            record=record,
            status_code=response.status_code,
            body=body,
            headers=headers,
            request_log=request_log_row_in_transaction(request._request, response),
        )
        return response

    wrapper.releve_idempotent = True  # read by api.schema to document the header
    return wrapper


def _invalid_key_message() -> str:
    return _("The Idempotency-Key header must have 1 to 255 characters.")


def _reused_message() -> str:
    return _("This Idempotency-Key was already used with a different request.")


def _in_use_message() -> str:
    return _("A request with this Idempotency-Key is still being processed.")
