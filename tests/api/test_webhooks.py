"""Webhook registration, URL safety, the outbox and signed delivery with retries, against a
real HTTP receiver on 127.0.0.1."""

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from api import services
from api.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from api.webhooks.urls import WebhookUrlRefused, webhook_url_validate
from tests.api.conftest import Receiver, assert_problem

HOOKS = "/api/v1/webhooks/"


def _resolving_to(*addresses):
    infos = [(2, 1, 6, "", (address, 443)) for address in addresses]
    return mock.patch("api.webhooks.urls.socket.getaddrinfo", return_value=infos)


# --- URL safety ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "https://user:pw@hooks.example.com/x",
        "https:///nohost",
    ],
)
def test_insecure_or_malformed_urls_are_refused(url, settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = False
    with _resolving_to("93.184.216.34"), pytest.raises(WebhookUrlRefused):
        webhook_url_validate(url)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254", "::1",
     "fd00::1", "fe80::1", "0.0.0.0", "100.64.0.1", "224.0.0.1", "::ffff:127.0.0.1",
     # 6to4 carrying loopback, link-local and private; IETF protocol assignments.
     "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:1::1", "2002:a00:1::1",
     "192.0.0.8", "192.0.0.1", "192.0.0.170"],
)  # fmt: skip
def test_private_loopback_link_local_and_reserved_addresses_are_refused(address, settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = False
    with _resolving_to(address), pytest.raises(WebhookUrlRefused):
        webhook_url_validate("https://hooks.example.com/x")
    # One private address among public ones is enough to refuse.
    with _resolving_to("93.184.216.34", address), pytest.raises(WebhookUrlRefused):
        webhook_url_validate("https://hooks.example.com/x")


def test_port_zero_is_refused(settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = False
    with _resolving_to("93.184.216.34"), pytest.raises(WebhookUrlRefused):
        webhook_url_validate("https://hooks.example.com:0/x")


def test_public_https_url_is_accepted(settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = False
    with _resolving_to("93.184.216.34"):
        assert webhook_url_validate("https://hooks.example.com/x") == (
            "hooks.example.com",
            443,
            ["93.184.216.34"],
        )


def test_the_setting_is_off_by_default():
    from django.conf import settings

    assert settings.RELEVE_WEBHOOKS_ALLOW_INSECURE is False


# --- registration through the API ---------------------------------------------------------


@pytest.mark.django_db
def test_register_read_and_delete(partner_client, partner, receiver):
    assert_problem(partner_client.get(HOOKS), 404)
    created = partner_client.post(HOOKS, {"url": receiver.url}, format="json")
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith("whsec_") and WebhookEndpoint.objects.get().secret == secret
    shown = partner_client.get(HOOKS).json()
    assert shown["url"] == receiver.url and "secret" not in shown
    # Registering again replaces the URL and rotates the secret.
    again = partner_client.post(HOOKS, {"url": receiver.url + "2"}, format="json").json()
    assert again["secret"] != secret and WebhookEndpoint.objects.count() == 1
    assert partner_client.delete(HOOKS).status_code == 204
    assert_problem(partner_client.delete(HOOKS), 404)


@pytest.mark.django_db
def test_registration_refuses_loopback_unless_allowed(partner_client, settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = False
    body = assert_problem(
        partner_client.post(HOOKS, {"url": "https://127.0.0.1/hook"}, format="json"), 400
    )
    assert body["errors"]["url"]
    body = assert_problem(
        partner_client.post(HOOKS, {"url": "http://hooks.example.com/"}, format="json"), 400
    )
    assert "https" in body["errors"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_registration_refuses_unknown_fields(partner_client, receiver):
    body = assert_problem(
        partner_client.post(HOOKS, {"url": receiver.url, "secret": "mine"}, format="json"), 400
    )
    assert set(body["errors"]) == {"secret"}


# --- outbox and delivery -------------------------------------------------------------------


def _enqueue(partner, **payload):
    with transaction.atomic():
        return services.webhook_enqueue(
            partner=partner,
            event="lead.status_changed",
            payload={"lead": {"id": "42", "status": "in_progress"}, **payload},
        )


@pytest.mark.django_db
def test_enqueue_must_run_inside_the_callers_transaction(partner, endpoint):
    # The test itself runs in a transaction: pretend it does not (autocommit).
    outside = mock.Mock(in_atomic_block=False)
    with (
        mock.patch("api.services.transaction.get_connection", return_value=outside),
        pytest.raises(RuntimeError, match="inside the caller's transaction"),
    ):
        services.webhook_enqueue(partner=partner, event="lead.status_changed", payload={})


@pytest.mark.django_db
def test_outbox_row_rolls_back_with_the_change(partner, endpoint):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.webhook_enqueue(partner=partner, event="lead.status_changed", payload={})
        raise Abort
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_no_endpoint_no_delivery(partner):
    assert _enqueue(partner) is None


@pytest.mark.django_db
def test_signed_delivery_after_a_failing_receiver(partner, endpoint, receiver):
    delivery = _enqueue(partner, occurred_at="2026-11-26T10:00:00+01:00")
    receiver.statuses = [500]
    now = timezone.now()

    assert services.webhook_deliver_due(now=now) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert delivery.attempts == 1 and delivery.last_status == 500
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    assert services.webhook_deliver_due(now=now) == 0  # not due yet

    assert services.webhook_deliver_due(now=now + timedelta(minutes=1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED and delivery.attempts == 2
    assert delivery.delivered_at is not None and delivery.last_error == ""

    assert len(receiver.received) == 2
    (_headers1, body1), (headers2, body2) = receiver.received
    assert body1 == body2  # each retry sends the very same bytes
    expected = hmac.new(endpoint.secret.encode(), body2, hashlib.sha256).hexdigest()
    assert headers2["X-Releve-Signature"] == f"sha256={expected}"
    assert headers2["X-Releve-Event-Id"] == str(delivery.event_id)
    assert headers2["Content-Type"] == "application/json"
    assert json.loads(body2) == {
        "event": "lead.status_changed",
        "lead": {"id": "42", "status": "in_progress"},
        "occurred_at": "2026-11-26T10:00:00+01:00",
    }


@pytest.mark.django_db
def test_backoff_then_failed_after_six_attempts(partner, endpoint, receiver):
    delivery = _enqueue(partner)
    receiver.statuses = [503] * 10
    now = timezone.now()
    gaps = []
    for _ in range(6):
        services.webhook_deliver_due(now=now)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            gaps.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
    assert [gap.total_seconds() for gap in gaps] == [60, 300, 1800, 7200, 43200]
    assert delivery.status == WebhookDeliveryStatus.FAILED and delivery.attempts == 6
    assert len(receiver.received) == 6
    assert services.webhook_deliver_due(now=now + timedelta(days=2)) == 0


@pytest.mark.django_db
def test_unreachable_receiver_is_retried(partner, settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = True
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services.webhook_endpoint_register(partner=partner, url=f"http://127.0.0.1:{port}/")
    delivery = _enqueue(partner)
    services.webhook_deliver_due()
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_status is None
    assert "Error" in delivery.last_error and delivery.status == WebhookDeliveryStatus.PENDING


@pytest.mark.django_db
def test_address_is_checked_again_at_delivery(partner, endpoint, receiver, settings):
    # Registered while allowed; now the URL resolves to a loopback address: never called.
    delivery = _enqueue(partner)
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = False
    services.webhook_deliver_due()
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "WebhookUrlRefused" in delivery.last_error
    assert receiver.received == []


@pytest.mark.django_db
def test_worker_command_delivers(partner, endpoint, receiver, capsys):
    _enqueue(partner)
    call_command("deliver_webhooks", "--once")
    assert "1 delivery attempt" in capsys.readouterr().out
    assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.DELIVERED


@pytest.mark.django_db
def test_admin_lists_deliveries_and_failures(admin_client, partner, endpoint):
    delivery = _enqueue(partner)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDeliveryStatus.FAILED, last_error="HTTP 500"
    )
    response = admin_client.get("/admin/api/webhookdelivery/?status=failed")
    assert response.status_code == 200
    assert "lead.status_changed" in response.content.decode()
    admin_client.post(
        "/admin/api/webhookdelivery/",
        {"action": "retry_now", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.PENDING
    # The secret is never displayed in the admin.
    page = admin_client.get(f"/admin/api/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_workers_deliver_each_event_once(requires_postgresql, partner, settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = True
    server = Receiver()
    try:
        services.webhook_endpoint_register(partner=partner, url=server.url)
        for _ in range(10):
            _enqueue(partner)
        from django.db import connection

        def work():
            try:
                services.webhook_deliver_due()
            finally:
                connection.close()

        workers = [threading.Thread(target=work) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        event_ids = [headers["X-Releve-Event-Id"] for headers, _ in server.received]
        assert len(event_ids) == len(set(event_ids)) == 10
        assert WebhookDelivery.objects.filter(status="delivered").count() == 10
    finally:
        server.close()
