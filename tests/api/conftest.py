"""Fixtures for the API tests: partners with keys, clients carrying credentials, a webhook
receiver on 127.0.0.1 and the partner's endpoint pointing at it."""

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import services
from tests.factories import PartnerFactory


@pytest.fixture(autouse=True)
def _fresh_cache(django_db_setup, django_db_blocker):
    # Throttle counters live in the cache (by default a table of the test database, which
    # transactional tests do not flush); each test starts from zero.
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def partner(db):
    return PartnerFactory(slug="banque-alpha", name="Banque Alpha")


@pytest.fixture
def partner_key(partner):
    _key, plaintext = services.partner_key_create(partner=partner)
    return plaintext


@pytest.fixture
def api_client():
    return APIClient(raise_request_exception=False)


@pytest.fixture
def partner_client(api_client, partner_key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    return api_client


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    if slug:
        assert body["type"] == f"/api/v1/problems/{slug}/"
    return body


def post_concurrently(url: str, bodies: list[bytes], headers: dict) -> list[tuple[int, bytes]]:
    """POST every body at the same instant, one thread each (real HTTP, e.g. to live_server).

    Returns the (status, body) of each answer, in completion order.
    """
    barrier = threading.Barrier(len(bodies))
    results: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def send(payload: bytes) -> None:
        request = urllib.request.Request(url, data=payload, method="POST", headers=headers)
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                outcome = (response.status, response.read())
        except urllib.error.HTTPError as error:
            outcome = (error.code, error.read())
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class Receiver:
    """A local HTTP server answering the statuses queued in ``statuses`` (then 200).

    ``on_post(headers, body)``, when set, runs before the answer (a slow receiver, a check
    made while the sender waits)."""

    def __init__(self):
        self.statuses: list[int] = []
        self.received: list[tuple[dict, bytes]] = []
        self.on_post = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                if receiver.on_post is not None:
                    receiver.on_post(dict(self.headers), body)
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/releve"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.RELEVE_WEBHOOKS_ALLOW_INSECURE = True
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(partner, receiver):
    return services.webhook_endpoint_register(partner=partner, url=receiver.url)
