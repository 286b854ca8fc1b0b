"""Staff of two regional unions, their tokens and cases (imported by test_staff_*.py)."""

import pytest
from rest_framework.test import APIClient

from api import services
from crm.roles import Role
from tests.factories import regional_union, staff_user
from tests.transmission.factories import CaseFactory
from transmission.choices import Stage


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return {
        "officer": staff_user(Role.OFFICER, "ouest", username="officer-ouest"),
        "other_officer": staff_user(Role.OFFICER, "ouest", username="other-ouest"),
        "director": staff_user(Role.DIRECTOR, "ouest", username="director-ouest"),
        "officer_ara": staff_user(Role.OFFICER, "ara", username="officer-ara"),
        "director_ara": staff_user(Role.DIRECTOR, "ara", username="director-ara"),
        "finance": staff_user(Role.FINANCIAL_OFFICER, "ouest", username="finance-ouest"),
        "board": staff_user(Role.BOARD_MEMBER, username="board"),
    }


def client_for(user) -> APIClient:
    _token, plaintext = services.staff_token_create(user=user)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


@pytest.fixture
def clients(staff):
    return {name: client_for(user) for name, user in staff.items()}


@pytest.fixture
def case(staff):
    """A lead of UR Ouest assigned to ``officer``."""
    return CaseFactory(stage=Stage.LEAD, assigned_officer=staff["officer"])


@pytest.fixture
def case_ara(staff):
    return CaseFactory(
        stage=Stage.LEAD,
        assigned_officer=staff["officer_ara"],
        regional_union=regional_union("ara"),
    )
