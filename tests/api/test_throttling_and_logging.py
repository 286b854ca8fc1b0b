"""Throttles per key (overridable per partner, shared through Redis) and the request log."""

import logging
import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from api import services
from api.models import ApiRequestLog, PartnerApiSettings
from api.throttling import PartnerMinuteThrottle
from tests.api.conftest import assert_problem
from tests.factories import PartnerFactory

PROFILE = "/api/v1/partner/"


@pytest.mark.django_db
def test_default_limits(settings):
    assert settings.RELEVE_API_RATE_PER_MINUTE == 120
    assert settings.RELEVE_API_RATE_PER_DAY == 10_000


@pytest.mark.django_db
def test_per_partner_minute_limit_gives_429_with_retry_after(partner_client, partner):
    PartnerApiSettings.objects.create(partner=partner, rate_per_minute=3)
    for _ in range(3):
        assert partner_client.get(PROFILE).status_code == 200
    response = partner_client.get(PROFILE)
    body = assert_problem(response, 429, "rate-limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert body["retry_after"] == int(response["Retry-After"])


@pytest.mark.django_db
def test_day_limit_and_other_partners_unaffected(api_client, partner, partner_key):
    PartnerApiSettings.objects.create(partner=partner, rate_per_day=2)
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    assert api_client.get(PROFILE).status_code == 200
    assert api_client.get(PROFILE).status_code == 200
    response = api_client.get(PROFILE)
    assert_problem(response, 429)
    assert int(response["Retry-After"]) <= 86_400
    _key, other_plain = services.partner_key_create(partner=PartnerFactory())
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_plain}")
    assert api_client.get(PROFILE).status_code == 200
    # The profile shows the limits in force.
    assert api_client.get(PROFILE).json()["rate_limits"]["per_day"] == 10_000


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0").ping())
    except redis.exceptions.RedisError:
        return False


@pytest.mark.django_db
def test_counters_are_shared_through_redis(partner_client, partner):
    if not _redis_available():
        pytest.skip("needs Redis at 127.0.0.1:6379 (REDIS_URL)")
    location = "redis://127.0.0.1:6379/0"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    PartnerApiSettings.objects.create(partner=partner, rate_per_minute=2)
    with override_settings(CACHES=redis_cache):
        caches["default"].clear()
        assert partner_client.get(PROFILE).status_code == 200
        # Another app server: a second, independent connection to the same Redis.
        from django.core.cache.backends.redis import RedisCache

        other_server = RedisCache(location, {"KEY_PREFIX": redis_cache["default"]["KEY_PREFIX"]})
        window_keys = [k for k in _redis_keys(location) if b"throttle:minute" in k]
        assert window_keys, "the counter is in Redis"
        raw_key = window_keys[0].decode().split(":", 2)[2]
        assert other_server.get(raw_key) == 1
        other_server.incr(raw_key)  # a request served elsewhere
        assert_problem(partner_client.get(PROFILE), 429)


def _redis_keys(location):
    import redis

    return redis.Redis.from_url(location).keys("*throttle*")


@pytest.mark.django_db
def test_throttle_ignores_unauthenticated_requests():
    class _Request:
        auth = None

    assert PartnerMinuteThrottle().allow_request(_Request(), None)


@pytest.mark.django_db
def test_each_partner_request_is_logged_without_the_key(
    partner_client, partner_key, partner, caplog
):
    with caplog.at_level(logging.INFO, logger="api.requests"):
        partner_client.get(PROFILE)
        partner_client.get("/api/v1/webhooks/")
    logs = list(ApiRequestLog.objects.order_by("created_at"))
    assert [(log.partner, log.method, log.status_code) for log in logs] == [
        (partner, "GET", 200),
        (partner, "GET", 404),
    ]
    assert logs[0].operation == "api:partner-profile"
    assert logs[0].duration_ms >= 0
    secret = partner_key.split(".", 1)[1]
    stored = " ".join(str(vars(log)) for log in logs)
    assert secret not in stored and partner_key not in stored
    assert secret not in caplog.text and "Api-Key" not in caplog.text
    assert "partner=banque-alpha" in caplog.text and "status=200" in caplog.text


@pytest.mark.django_db
def test_failed_authentication_is_logged_without_partner(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Api-Key rlv_deadbeef.nope")
    api_client.get(PROFILE)
    log = ApiRequestLog.objects.get()
    assert log.partner is None and log.status_code == 401
    assert "nope" not in str(vars(log))


@pytest.mark.django_db
def test_staff_and_public_requests_are_not_in_the_partner_log(api_client):
    api_client.get("/api/v1/schema/")
    assert not ApiRequestLog.objects.exists()
