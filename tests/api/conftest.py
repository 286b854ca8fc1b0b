"""Fixtures for the API tests: partners with keys, clients carrying credentials."""

import json

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
