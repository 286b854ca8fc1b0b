"""Who reaches the back office, and what another UR's officer sees of a case (nothing)."""

import pytest
from django.urls import reverse

from crm.roles import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

SCREENS = [
    reverse("backoffice:home"),
    reverse("backoffice:board"),
    reverse("backoffice:cases"),
    reverse("backoffice:organisations"),
    reverse("backoffice:people"),
    reverse("backoffice:search") + "?q=test",
    reverse("backoffice:case_new"),
]


@pytest.mark.parametrize("url", SCREENS)
def test_anonymous_visitors_go_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", SCREENS)
def test_board_members_get_the_french_403_page(client, settings, board_member, url):
    settings.DEBUG = False
    client.force_login(board_member)
    response = client.get(url)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_administrators_use_the_admin_not_the_back_office(client, settings):
    settings.DEBUG = False
    client.force_login(staff_user(Role.ADMINISTRATOR))
    assert client.get(reverse("backoffice:home")).status_code == 403


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DIRECTOR, Role.FINANCIAL_OFFICER])
def test_officers_directors_and_financial_officers_see_their_day(client, role):
    client.force_login(staff_user(role, "ouest"))
    assert client.get(reverse("backoffice:home")).status_code == 200


def test_a_case_of_another_ur_is_a_french_404_even_by_typing_its_address(
    client, settings, other_officer, case
):
    settings.DEBUG = False
    client.force_login(other_officer)
    for url in [
        reverse("backoffice:case", args=[case.pk]),
        reverse("backoffice:case_transition", args=[case.pk, "start_feasibility"]),
        reverse("backoffice:case_move", args=[case.pk, "feasibility"]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "Page introuvable" in body
        assert case.organisation.name not in body
    response = client.post(reverse("backoffice:task_add", args=[case.pk]), {"subject": "x"})
    assert response.status_code == 404


def test_the_case_is_there_for_its_own_ur(client, officer, case):
    client.force_login(officer)
    assert client.get(reverse("backoffice:case", args=[case.pk])).status_code == 200


def test_the_landing_view_is_exposed_for_the_lead():
    from backoffice.views import home

    assert reverse("backoffice:home") == "/journee/"
    assert callable(home)
