"""French first: complete catalogues, compiled and committed, loading without gettext."""

import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import translation


def test_catalogues_are_complete_compiled_and_match_the_code():
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext is needed to extract strings (CI installs it)")
    result = subprocess.run(
        [sys.executable, "scripts/compile_messages.py", "--check"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compiled_catalogue_loads_without_gettext_tools():
    # Django reads .mo files with Python's gettext module: no msgfmt at run time.
    with translation.override("fr"):
        assert translation.gettext("organisation") == "organisation"
        assert translation.gettext("Sign in") == "Connexion"
        assert translation.gettext("regional union") == "union régionale"


@pytest.mark.django_db
def test_login_page_is_french(client):
    response = client.get("/connexion/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert "Connexion à Relève" in page and "Mot de passe" in page


@pytest.mark.django_db
def test_login_leads_to_the_admin(client, django_user_model):
    from crm.roles import Role
    from tests.factories import staff_user

    # Administrators land in the admin (officers on their day in the back office).
    staff_user(Role.ADMINISTRATOR, username="officer", password="secret-password-123")
    response = client.post(
        "/connexion/", {"username": "officer", "password": "secret-password-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "Administration de Relève" in response.content.decode()
