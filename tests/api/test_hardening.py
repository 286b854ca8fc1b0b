"""Small 500s found by probing (issue 13 §8): deep JSON, out-of-range UTC offsets, chunked
bodies read as empty."""

import io
import json

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from crm.roles import Role
from tests.api.conftest import assert_problem
from tests.api.staff_fixtures import case, clients, fast_passwords, staff  # noqa: F401
from tests.api.test_leads import LEADS, lead_body
from tests.factories import staff_user
from transmission.models import LeadSubmission

DEEP = ("[" * 1000 + "]" * 1000).encode()
DEEPER = ('{"a":' * 5000 + "1" + "}" * 5000).encode()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [DEEP, DEEPER])
def test_deeply_nested_json_is_400_on_every_partner_write(partner_client, body):
    for url in (LEADS, "/api/v1/webhooks/"):
        response = partner_client.post(url, body, content_type="application/json")
        assert_problem(response, 400, "malformed-request")


@pytest.mark.django_db
def test_deeply_nested_json_is_400_on_staff_writes(clients, case):  # noqa: F811
    response = clients["officer"].post(
        f"/api/v1/cases/{case.pk}/transitions/", DEEP, content_type="application/json"
    )
    assert_problem(response, 400, "malformed-request")


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59"])
def test_updated_since_offset_beyond_15_59_is_400_naming_it(clients, offset):  # noqa: F811
    response = clients["officer"].get(
        "/api/v1/cases/", {"updated_since": f"2026-01-01T10:00:00{offset}"}
    )
    body = assert_problem(response, 400)
    assert "updated_since" in body["errors"]


@pytest.mark.django_db
def test_partner_updated_since_offset_beyond_15_59_is_400_naming_it(partner_client):
    response = partner_client.get(LEADS, {"updated_since": "2026-01-01T10:00:00+16:00"})
    body = assert_problem(response, 400)
    assert "updated_since" in body["errors"]


def _wsgi_chunked(partner_key: str, body: bytes):
    """What gunicorn hands Django for ``Transfer-Encoding: chunked``: the de-chunked stream
    in ``wsgi.input`` and no CONTENT_LENGTH."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=LEADS,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_AUTHORIZATION=f"Api-Key {partner_key}",
        **{"wsgi.input": io.BytesIO(body)},
    )
    environ.pop("CONTENT_LENGTH", None)
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = int(status.split()[0])

    # As Django's test client does: the handler must not close the test's connection (on
    # PostgreSQL that would end the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        content = b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return captured["status"], content


@pytest.mark.django_db
def test_a_chunked_lead_is_read_accepted_and_stored(partner_key):
    staff_user(Role.OFFICER, "ouest")
    raw = json.dumps(lead_body()).encode()
    status, content = _wsgi_chunked(partner_key, raw)
    assert status == 201, content
    assert LeadSubmission.objects.get().raw_body == raw.decode()


@pytest.mark.django_db
def test_a_chunked_10_mb_body_is_413(partner_key):
    status, content = _wsgi_chunked(partner_key, b"x" * (10 * 1024 * 1024))
    assert status == 413
    assert json.loads(content)["status"] == 413
