"""The custom account model: people are shown by full name, one account per e-mail address."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from crm.models import User

pytestmark = pytest.mark.django_db


def test_the_project_runs_on_its_own_user_model():
    assert settings.AUTH_USER_MODEL == "crm.User"
    assert get_user_model() is User


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        (
            {"display_name": "Camille D.", "first_name": "Camille", "last_name": "Durand"},
            "Camille D.",
        ),
        ({"first_name": "Camille", "last_name": "Durand"}, "Camille Durand"),
        ({}, "cdurand"),
    ],
)
def test_a_user_is_shown_by_display_name_then_full_name_never_login_first(fields, shown):
    user = User(username="cdurand", email="c@example.invalid", **fields)
    assert str(user) == shown == user.full_name


def test_two_accounts_cannot_share_an_email_address_whatever_its_case():
    User.objects.create_user("first", email="Camille@Example.invalid")
    second = User(username="second", email="camille@example.invalid")
    second.set_password("a-long-password-1")
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "Un compte utilise déjà cette adresse e-mail." in str(refused.value)
