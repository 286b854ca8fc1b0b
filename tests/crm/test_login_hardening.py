"""Sign-in hardening: throttle per account and per address, audit trail, idle sessions."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.urls import reverse

from crm.roles import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password-123"


def _sign_in(client, username, password, ip="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_wrong_passwords_lock_the_account_with_a_french_page(client):
    staff_user(Role.OFFICER, "ouest", username="camille", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "camille", "wrong").status_code == 200
    locked = _sign_in(client, "camille", "wrong")
    assert locked.status_code == 429
    assert "Trop de mots de passe erronés" in locked.content.decode()
    # Even the right password is refused now, from another address too.
    assert _sign_in(client, "camille", PASSWORD, ip="192.0.2.99").status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked_too(client):
    for index in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, f"inconnu{index}", "wrong", ip="198.51.100.7")
    staff_user(Role.OFFICER, "ouest", username="dominique", password=PASSWORD)
    assert _sign_in(client, "dominique", PASSWORD, ip="198.51.100.7").status_code == 429
    assert _sign_in(client, "dominique", PASSWORD, ip="198.51.100.8").status_code == 302


def test_logins_failures_and_lockouts_are_kept_for_administrators(client):
    staff_user(Role.OFFICER, "ouest", username="camille", password=PASSWORD)
    _sign_in(client, "camille", "wrong")
    assert _sign_in(client, "camille", PASSWORD).status_code == 302
    assert AccessFailureLog.objects.filter(username="camille").count() == 1
    assert AccessLog.objects.filter(username="camille").count() == 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "camille", "wrong")
    assert AccessAttempt.objects.filter(username="camille").exists()
    admin = staff_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert page.status_code == 200 and "camille" in page.content.decode()


def test_sessions_last_a_working_day():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


def test_forwarded_headers_are_not_believed_without_a_proxy_setting():
    assert settings.BEHIND_PROXY is False
    assert settings.SECURE_PROXY_SSL_HEADER is None
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ["REMOTE_ADDR"]
