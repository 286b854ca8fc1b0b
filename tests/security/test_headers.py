"""Security headers: CSP without inline script, Permissions-Policy, no-store on the API,
X-Forwarded-Proto trusted only behind a declared proxy."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from crm.roles import Role
from crm.security import NulFreeQueryMiddleware
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url_name", ["login", "admin:index", "backoffice:home"])
def test_every_page_has_a_csp_without_inline_script_and_a_permissions_policy(client, url_name):
    client.force_login(staff_user(Role.ADMINISTRATOR, is_superuser=True, is_staff=True))
    response = client.get(reverse(url_name), follow=True)
    directives = _csp(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_no_template_holds_an_inline_script_or_event_handler():
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    offenders = []
    for template in root.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1) and "application/json" not in match.group(1):
                offenders.append(f"{template}: {match.group(0)}")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text) or "javascript:" in text:
            offenders.append(f"{template}: inline event handler")
    assert offenders == []


def test_api_answers_with_personal_data_are_never_stored(client):
    client.force_login(staff_user(Role.OFFICER, "ouest"))
    response = client.get(reverse("api:case-list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_public_schema_stays_cacheable(client):
    response = client.get(reverse("api:schema"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_swagger_page_carries_no_inline_script(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>" not in body.replace(" ", "")


def test_forwarded_proto_is_ignored_without_a_declared_proxy(client):
    assert settings.SECURE_PROXY_SSL_HEADER is None or settings.BEHIND_PROXY
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    with override_settings(SECURE_PROXY_SSL_HEADER=None):
        assert request.is_secure() is False
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        assert request.is_secure() is True


def test_behind_proxy_setting_decides_the_forwarded_proto_header(monkeypatch):
    import importlib

    import config.settings as module

    monkeypatch.setenv("BEHIND_PROXY", "false")
    assert importlib.reload(module).SECURE_PROXY_SSL_HEADER is None
    monkeypatch.setenv("BEHIND_PROXY", "true")
    assert importlib.reload(module).SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.delenv("BEHIND_PROXY")
    importlib.reload(module)


def test_no_nul_character_of_a_query_string_reaches_a_view(rf):
    # PostgreSQL refuses NUL in text: a filter reading one answered 500 (issue 13, bad input).
    seen = {}

    def view(request):
        seen.update({key: request.GET.getlist(key) for key in request.GET})
        return HttpResponse()

    NulFreeQueryMiddleware(view)(rf.get("/dossiers/", {"q": "Mo\x00rel", "n\x00": ["1", "\x00"]}))
    assert seen == {"q": ["Morel"], "n": ["1", ""]}
