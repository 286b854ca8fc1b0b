"""Fixtures for the API tests: partners with keys, clients carrying credentials."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import services
from tests.factories import PartnerFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; each test starts from zero.
    cache.clear()
    yield
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
