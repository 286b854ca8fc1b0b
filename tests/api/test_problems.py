"""Every error under /api/ is RFC 9457 problem+json: DRF's, Django's and the middleware's."""

import io
import json

import pytest
from django.test import RequestFactory

from api.middleware import ApiMiddleware
from api.problems import PROBLEM_TYPES, flatten_errors
from tests.api.conftest import assert_problem

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

ECHO = "/api/test/echo/"
VALID = {"company": {"name": "Scop Test", "siren": "123456789"}, "contact": {"first_name": "Léa"}}


def test_unknown_url_under_api_is_a_problem_404(api_client):
    body = assert_problem(api_client.get("/api/v1/nothing-here/"), 404, "not-found")
    assert "<html" not in json.dumps(body).lower()


def test_unknown_url_outside_api_keeps_django_404(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/problem+json")


def test_method_not_allowed_is_405_with_allow(partner_client):
    response = partner_client.put("/api/v1/partner/", {}, format="json")
    assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response["Allow"]


def test_validation_errors_are_keyed_by_field_path(partner_client):
    payload = {
        "company": {"name": "", "siren": "12", "status": "won"},
        "contact": {},
        "id": "x",
        "partner": 3,
    }
    body = assert_problem(
        partner_client.post(ECHO, payload, format="json"), 400, "validation-error"
    )
    errors = body["errors"]
    assert set(errors) == {
        "company.name",
        "company.siren",
        "company.status",
        "contact.first_name",
        "id",
        "partner",
    }
    assert all(isinstance(messages, list) and messages for messages in errors.values())
    # French messages, as everywhere in the application.
    assert errors["contact.first_name"] == ["Ce champ est obligatoire."]
    assert errors["partner"] == ["Ce champ n'est pas autorisé."]


def test_malformed_json_is_400(partner_client):
    response = partner_client.post(ECHO, b"{not json", content_type="application/json")
    assert_problem(response, 400, "malformed-request")


def test_non_json_body_is_415(partner_client):
    response = partner_client.post(
        ECHO, b"name=x", content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 415, "unsupported-media-type")
    response = partner_client.post(ECHO, b"<a/>", content_type="text/xml")
    assert_problem(response, 415)


def test_body_over_64_kib_is_413_before_any_parsing(partner_client):
    big = json.dumps({**VALID, "pad": "x" * (64 * 1024)})
    assert_problem(partner_client.post(ECHO, big, content_type="application/json"), 413)
    # Even unauthenticated, before Django's own (HTML) limit.
    anonymous = partner_client.__class__(raise_request_exception=False)
    assert_problem(anonymous.post(ECHO, big, content_type="application/json"), 413)


def test_body_at_the_limit_is_accepted(partner_client):
    padding = 64 * 1024 - len(json.dumps({**VALID, "p": ""}))
    exact = json.dumps({**VALID, "p": "x" * padding})
    assert len(exact) == 64 * 1024
    # Accepted by the size guard; refused only for the unknown field.
    body = assert_problem(partner_client.post(ECHO, exact, content_type="application/json"), 400)
    assert set(body["errors"]) == {"p"}


def test_chunked_body_without_content_length_is_bounded():
    def view(request):  # pragma: no cover - never reached
        raise AssertionError("the body is too large: the view must not run")

    request = RequestFactory().post("/api/v1/partner/", data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request._stream = io.BytesIO(b"x" * (64 * 1024 + 10))
    response = ApiMiddleware(view)(request)
    assert_problem(response, 413, "payload-too-large")


def test_small_chunked_body_reaches_the_view():
    seen = {}

    def view(request):
        from django.http import JsonResponse

        seen["body"] = request.body
        return JsonResponse({})

    request = RequestFactory().post("/api/v1/partner/", data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request._stream = io.BytesIO(b'{"a": 1}')
    assert ApiMiddleware(view)(request).status_code == 200
    assert seen["body"] == b'{"a": 1}'


def test_djangos_request_data_too_big_is_also_a_problem(partner_client, settings):
    settings.RELEVE_API_MAX_BODY_BYTES = 10 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = partner_client.post(
        ECHO, json.dumps({"p": "x" * 2000}), content_type="application/json"
    )
    assert_problem(response, 413)


def test_server_error_is_a_problem_without_traceback(partner_client, settings):
    settings.DEBUG = True  # even the technical 500 page must not leak
    response = partner_client.get("/api/test/boom/")
    body = assert_problem(response, 500, "server-error")
    assert "secret-internal-detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert set(body) == {"type", "title", "status", "detail"}


def test_problem_types_are_dereferenceable(api_client):
    for slug, ptype in PROBLEM_TYPES.items():
        response = api_client.get(f"/api/v1/problems/{slug}/")
        assert response.status_code == 200
        assert response.json()["status"] == ptype.status
    assert_problem(api_client.get("/api/v1/problems/unknown/"), 404)


def test_any_accept_header_still_gets_json(partner_client):
    response = partner_client.get("/api/v1/partner/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_flatten_errors_handles_lists_of_objects_and_top_level_messages():
    detail = {
        "lines": [{}, {"amount": ["too big"]}],
        "non_field_errors": ["inconsistent"],
        "tags": ["bad"],
    }
    assert flatten_errors(detail) == {
        "lines.1.amount": ["too big"],
        "non_field_errors": ["inconsistent"],
        "tags": ["bad"],
    }
    assert flatten_errors(["only message"]) == {"non_field_errors": ["only message"]}
