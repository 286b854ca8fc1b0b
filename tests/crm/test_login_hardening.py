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


def _expiry_in_database(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_sessions_slide_after_a_working_day_of_inactivity(client, settings):
    """The expiry is pushed back by activity, but at most every SESSION_REFRESH_SECONDS."""
    import time

    from crm import security

    settings.SESSION_REFRESH_SECONDS = 600
    user = staff_user(Role.OFFICER, "ouest")
    client.force_login(user)
    first = _expiry_in_database(client)
    assert client.get(reverse("backoffice:home")).status_code == 200
    # Within the refresh window: no session write, the expiry did not move.
    assert _expiry_in_database(client) == first

    # Pretend the last refresh was 11 minutes ago: the next request slides the expiry.
    session = client.session
    session[security.REFRESHED_AT_KEY] = int(time.time()) - 660
    session.save()
    before = _expiry_in_database(client)
    assert client.get(reverse("backoffice:home")).status_code == 200
    after = _expiry_in_database(client)
    assert after > before
    from django.utils import timezone

    remaining = (after - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE


def test_an_idle_session_is_over(client, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(staff_user(Role.OFFICER, "ouest"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_audit_trail_is_in_french_in_the_admin(client):
    admin = staff_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    index = client.get(reverse("admin:index")).content.decode()
    for url_name in (
        "admin:axes_accesslog_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accessfailurelog_changelist",
    ):
        assert client.get(reverse(url_name)).status_code == 200
    assert "Connexions" in index and "Tentatives de connexion" in index
