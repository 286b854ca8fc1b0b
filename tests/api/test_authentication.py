"""Partner keys and staff tokens: 401 with a challenge for anything but the right kind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from api.models import PartnerApiKey
from crm.roles import Role
from tests.api.conftest import assert_problem
from tests.factories import PartnerFactory, UserFactory, staff_user

PROFILE = "/api/v1/partner/"


@pytest.mark.django_db
def test_valid_key_reaches_its_partner_profile(partner_client, partner):
    response = partner_client.get(PROFILE)
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == partner.slug
    assert body["rate_limits"] == {"per_minute": 120, "per_day": 10_000}
    assert PartnerApiKey.objects.get().last_used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        None,
        "Api-Key ",
        "Api-Key rlv_deadbeef.wrong-secret",
        "Api-Key not-a-key",
        "Bearer rlv_deadbeef.whatever",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_missing_or_wrong_key_is_401_with_challenge(api_client, partner_key, header):
    if header:
        api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get(PROFILE)
    assert_problem(response, 401, "not-authenticated")
    assert response["WWW-Authenticate"].startswith("Api-Key")


@pytest.mark.django_db
def test_key_with_a_tampered_secret_is_refused(api_client, partner_key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key[:-2]}xx")
    assert_problem(api_client.get(PROFILE), 401)


@pytest.mark.django_db
def test_expired_and_revoked_keys_are_401(api_client, partner):
    expired, expired_plain = services.partner_key_create(partner=partner)
    PartnerApiKey.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    revoked, revoked_plain = services.partner_key_create(partner=partner)
    services.partner_key_revoke(prefix=revoked.prefix)
    for plaintext in (expired_plain, revoked_plain):
        api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        assert_problem(api_client.get(PROFILE), 401)


@pytest.mark.django_db
def test_key_of_an_inactive_partner_is_401(api_client, partner, partner_key):
    partner.is_active = False
    partner.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    assert_problem(api_client.get(PROFILE), 401)


@pytest.mark.django_db
def test_each_partner_sees_only_itself(api_client, partner_key):
    other = PartnerFactory(slug="banque-beta")
    _key, other_plain = services.partner_key_create(partner=other)
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_plain}")
    assert api_client.get(PROFILE).json()["slug"] == "banque-beta"


@pytest.mark.django_db
@pytest.mark.urls("tests.api.urls")
def test_staff_token_on_staff_endpoint(api_client):
    user = staff_user(Role.OFFICER, "ouest", username="camille")
    _token, plaintext = services.staff_token_create(user=user)
    for keyword in ("Bearer", "Token"):
        api_client.credentials(HTTP_AUTHORIZATION=f"{keyword} {plaintext}")
        response = api_client.get("/api/test/staff/")
        assert response.status_code == 200
        assert response.json() == {"username": "camille"}


@pytest.mark.django_db
@pytest.mark.urls("tests.api.urls")
def test_partner_key_on_staff_endpoint_is_401(api_client, partner_key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    response = api_client.get("/api/test/staff/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_staff_token_on_partner_endpoint_is_401(api_client):
    user = staff_user(Role.OFFICER, "ouest")
    _token, plaintext = services.staff_token_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert_problem(api_client.get(PROFILE), 401)


@pytest.mark.django_db
@pytest.mark.urls("tests.api.urls")
def test_revoked_staff_token_and_non_staff_users(api_client):
    user = staff_user(Role.OFFICER, "ouest")
    token, plaintext = services.staff_token_create(user=user)
    services.staff_token_revoke(prefix=token.prefix)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert_problem(api_client.get("/api/test/staff/"), 401)
    # A valid token of a user without any staff role: authenticated but refused.
    _t, outsider_plain = services.staff_token_create(user=UserFactory())
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {outsider_plain}")
    assert_problem(api_client.get("/api/test/staff/"), 403, "permission-denied")


@pytest.mark.django_db
@pytest.mark.urls("tests.api.urls")
def test_staff_session_needs_csrf_on_writes(client):
    from rest_framework.test import APIClient

    user = staff_user(Role.OFFICER, "ouest", username="dominique", password="secret-password-123")
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/test/staff/").json() == {"username": "dominique"}
    assert_problem(browser.post("/api/test/staff/", {}, format="json"), 403)


@pytest.mark.django_db
def test_session_is_not_accepted_on_partner_endpoints(client):
    client.force_login(staff_user(Role.OFFICER, "ouest", username="dominique"))
    assert_problem(client.get(PROFILE), 401)
