"""Refused partner writes (400/413/415/422) are kept 30 days for support."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from api import services
from api.models import IdempotencyRecord, RejectedSubmission

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

ECHO = "/api/test/echo/"


def test_validation_error_is_stored_with_errors_and_body(partner_client, partner):
    raw = json.dumps({"company": {"siren": "1"}, "status": "won"})
    partner_client.post(ECHO, raw, content_type="application/json")
    rejected = RejectedSubmission.objects.get()
    assert rejected.partner == partner
    assert rejected.status_code == 400
    assert rejected.endpoint == f"POST {ECHO}"
    assert rejected.body == raw
    assert rejected.content_type == "application/json"
    assert "company.siren" in rejected.errors and "status" in rejected.errors


def test_a_body_with_nul_characters_is_stored_and_the_answer_unharmed(partner_client, partner):
    # PostgreSQL text and jsonb refuse NUL: the record keeps it visible as U+FFFD.
    raw = json.dumps({"company": {"name": "A\u0000B"}, "status\u0000": 1})
    response = partner_client.post(ECHO, raw, content_type="application/json")
    assert response.status_code == 400
    rejected = RejectedSubmission.objects.get()
    assert "\x00" not in rejected.body and "\\u0000" not in rejected.body
    assert "\\ufffd" in rejected.body or "\ufffd" in rejected.body
    assert "\x00" not in json.dumps(rejected.errors, ensure_ascii=False)


def test_unsupported_media_type_is_stored(partner_client):
    partner_client.post(ECHO, b"a=1", content_type="application/x-www-form-urlencoded")
    rejected = RejectedSubmission.objects.get()
    assert rejected.status_code == 415 and rejected.body == "a=1"


def test_too_large_body_is_stored_truncated_to_the_limit(partner_client, partner):
    raw = json.dumps({"pad": "x" * (70 * 1024)})
    partner_client.post(ECHO, raw, content_type="application/json")
    rejected = RejectedSubmission.objects.get()
    assert rejected.partner == partner and rejected.status_code == 413
    assert len(rejected.body) == 64 * 1024 and rejected.body_truncated
    assert raw.startswith(rejected.body)


def test_idempotency_mismatch_is_stored(partner_client):
    headers = {"HTTP_IDEMPOTENCY_KEY": "k"}
    ok = {"company": {"name": "A", "siren": "123456789"}, "contact": {"first_name": "A"}}
    partner_client.post(ECHO, ok, format="json", **headers)
    partner_client.post(ECHO, {**ok, "contact": {"first_name": "B"}}, format="json", **headers)
    assert RejectedSubmission.objects.get().status_code == 422


def test_reads_unauthenticated_calls_and_successes_are_not_stored(partner_client):
    from rest_framework.test import APIClient

    partner_client.get("/api/v1/nothing/")
    APIClient().post(ECHO, b"{}", content_type="application/json")  # 401: partner unknown
    ok = {"company": {"name": "A", "siren": "123456789"}, "contact": {"first_name": "A"}}
    assert partner_client.post(ECHO, ok, format="json").status_code == 201
    assert not RejectedSubmission.objects.exists()


def test_purge_keeps_30_days(partner):
    old = services.rejected_submission_record(
        partner=partner, endpoint="POST /x", status_code=400, errors={}, body=b"{}"
    )
    recent = services.rejected_submission_record(
        partner=partner, endpoint="POST /x", status_code=400, errors={}, body=b"{}"
    )
    RejectedSubmission.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - timedelta(days=31)
    )
    RejectedSubmission.objects.filter(pk=recent.pk).update(
        received_at=timezone.now() - timedelta(days=29)
    )
    IdempotencyRecord.objects.create(
        partner=partner, key="old", request_hash="x", expires_at=timezone.now()
    )
    call_command("purge_rejected_submissions")
    assert list(RejectedSubmission.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not IdempotencyRecord.objects.exists()


def test_admin_shows_rejected_submissions_read_only(admin_client, partner):
    services.rejected_submission_record(
        partner=partner, endpoint="POST /api/v1/leads/", status_code=415, errors={}, body=b"x"
    )
    response = admin_client.get("/admin/api/rejectedsubmission/")
    assert response.status_code == 200 and "/api/v1/leads/" in response.content.decode()
    assert admin_client.get("/admin/api/rejectedsubmission/add/").status_code == 403
