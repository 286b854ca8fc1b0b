"""Idempotency-Key: replay, mismatch (422), in progress (409), expiry, concurrency."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from api.models import IdempotencyRecord
from tests import scoreboard
from tests.api import urls as test_urls
from tests.api.conftest import assert_problem, post_concurrently

ECHO = "/api/test/echo/"
BODY = {"company": {"name": "Scop Test", "siren": "123456789"}, "contact": {"first_name": "Léa"}}

pytestmark = pytest.mark.urls("tests.api.urls")


@pytest.fixture(autouse=True)
def _reset_executions():
    test_urls.executions.clear()


def post(client, body=BODY, key="key-1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(ECHO, json.dumps(body), content_type="application/json", **headers, **extra)


@pytest.mark.django_db
def test_same_key_same_body_replays_the_first_response(partner_client):
    first = post(partner_client)
    second = post(partner_client)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert len(test_urls.executions) == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_every_request_runs(partner_client):
    post(partner_client, key=None)
    post(partner_client, key=None)
    assert len(test_urls.executions) == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_same_key_other_body_is_422(partner_client):
    post(partner_client)
    other = {**BODY, "contact": {"first_name": "Noé"}}
    assert_problem(post(partner_client, other), 422, "idempotency-key-reused")
    assert len(test_urls.executions) == 1


@pytest.mark.django_db
def test_key_still_in_progress_is_409(partner_client, partner):
    first = post(partner_client, key="k-progress")
    assert first.status_code == 201
    IdempotencyRecord.objects.filter(key="k-progress").update(
        completed_at=None, locked_at=timezone.now()
    )
    response = post(partner_client, key="k-progress")
    assert_problem(response, 409, "idempotency-key-in-use")
    assert response["Retry-After"]


@pytest.mark.django_db
def test_abandoned_claim_is_taken_over_after_the_lock_timeout(partner_client, settings):
    post(partner_client, key="k-dead")
    IdempotencyRecord.objects.filter(key="k-dead").update(
        completed_at=None, locked_at=timezone.now() - timedelta(seconds=301)
    )
    assert post(partner_client, key="k-dead").status_code == 201
    assert len(test_urls.executions) == 2


@pytest.mark.django_db
def test_keys_expire_after_24_hours(partner_client):
    post(partner_client)
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = post(partner_client)
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert len(test_urls.executions) == 2
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_scoped_per_partner(partner_client, api_client):
    from tests.factories import PartnerFactory

    post(partner_client)
    _k, other_plain = services.partner_key_create(partner=PartnerFactory())
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_plain}")
    response = post(api_client)
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    assert len(test_urls.executions) == 2


@pytest.mark.django_db
def test_failed_request_releases_the_key(partner_client):
    invalid = {"company": {}, "contact": {}}
    assert_problem(post(partner_client, invalid), 400)
    assert not IdempotencyRecord.objects.exists()
    # The partner fixes the body and retries with the same key.
    assert post(partner_client).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256])
def test_invalid_key_is_400(partner_client, key):
    body = assert_problem(post(partner_client, key=key), 400, "validation-error")
    assert "Idempotency-Key" in body["errors"]


@pytest.mark.django_db
def test_key_of_255_characters_is_accepted(partner_client):
    assert post(partner_client, key="k" * 255).status_code == 201


@pytest.mark.django_db
def test_webhook_registration_is_idempotent(partner_client, settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = True
    body = {"url": "http://127.0.0.1:9/hook"}
    first = partner_client.post("/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="w1")
    again = partner_client.post("/api/v1/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="w1")
    assert first.status_code == again.status_code == 201
    assert first.json()["secret"] == again.json()["secret"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_identical_requests_make_one_record(
    requires_postgresql, live_server, partner_key
):
    results = post_concurrently(
        live_server.url + ECHO,
        [json.dumps(BODY).encode()] * 20,
        {
            "Authorization": f"Api-Key {partner_key}",
            "Content-Type": "application/json",
            "Idempotency-Key": "concurrent-1",
            "X-Test-Delay": "0.5",
        },
    )

    statuses = sorted(status for status, _ in results)
    scoreboard.record("concurrency", trials=len(results), winners=len(test_urls.executions))
    assert len(results) == 20
    assert set(statuses) <= {201, 409}, statuses
    assert test_urls.executions == ["banque-alpha"]
    assert IdempotencyRecord.objects.count() == 1
    created = {body for status, body in results if status == 201}
    assert len(created) == 1  # the owner's answer, and identical replays if any
    for status, body in results:
        if status == 409:
            assert json.loads(body)["type"] == "/api/v1/problems/idempotency-key-in-use/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_claim_commits_with_the_work_so_a_crash_leaves_no_key_in_use(
    requires_postgresql, partner_client
):
    """While the handler runs, another connection sees no claim: a worker killed at that
    moment leaves nothing behind, the partner's retry runs at once (no 300 s "in use")."""
    import psycopg
    from django.db import connection
    from django.db.models.signals import post_save

    from transmission.models import LeadSubmission

    seen = []
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)

    def look_from_another_worker(sender, **kwargs):
        with psycopg.connect(**params) as other:
            seen.append(other.execute("SELECT count(*) FROM api_idempotencyrecord").fetchone()[0])

    from crm.roles import Role
    from tests.api.test_leads import post_lead
    from tests.factories import staff_user

    staff_user(Role.OFFICER, "ouest")
    post_save.connect(look_from_another_worker, sender=LeadSubmission)
    try:
        response = post_lead(partner_client, HTTP_IDEMPOTENCY_KEY="crash-1")
    finally:
        post_save.disconnect(look_from_another_worker, sender=LeadSubmission)
    assert response.status_code == 201, response.content
    assert seen and set(seen) == {0}
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_the_stored_response_and_the_request_log_are_written_together(partner):
    """On PostgreSQL one statement writes both (issue 14, P3); on SQLite two. Either way both
    rows are there, and a record that is gone is an error, not a silent log without it."""
    from django.db import DatabaseError, connection, transaction

    from api.models import ApiRequestLog
    from bench.measure import counting_statements
    from tests.conftest import is_postgresql

    with transaction.atomic():
        _outcome, record = services.idempotency_claim(
            partner=partner, key="together", request_hash="h"
        )
        log = services.api_request_log_row(
            partner=partner,
            key_prefix="abc",
            method="POST",
            path="/api/v1/leads/",
            operation="api:lead-list",
            status_code=201,
            duration_ms=7,
        )
        with counting_statements() as written:
            services.idempotency_complete(
                record=record,
                status_code=201,
                body='{"id": 1}',
                headers={"Location": "/x/"},
                request_log=log,
            )
    assert len(written.statements) == (1 if is_postgresql() else 2)
    stored = IdempotencyRecord.objects.get(pk=record.pk)
    assert stored.completed_at is not None and stored.response_status == 201
    assert (stored.response_body, stored.response_headers) == ('{"id": 1}', {"Location": "/x/"})
    assert ApiRequestLog.objects.get(pk=log.pk).duration_ms == 7
    assert not log._state.adding and log._state.db == connection.alias

    IdempotencyRecord.objects.filter(pk=record.pk).delete()
    orphan = services.api_request_log_row(
        partner=partner,
        key_prefix="abc",
        method="POST",
        path="/api/v1/leads/",
        operation="",
        status_code=201,
        duration_ms=1,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        services.idempotency_complete(
            record=record, status_code=201, body=None, headers={}, request_log=orphan
        )
    assert ApiRequestLog.objects.count() == 1
