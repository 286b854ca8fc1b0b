import pytest

from crm.roles import Role
from tests.factories import regional_union, staff_user
from tests.financement.factories import plan_for
from tests.transmission.factories import CaseFactory, complete_data
from transmission.choices import Stage


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Nine staff accounts per test: PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return {
        "officer": staff_user(Role.OFFICER, "ouest"),
        "other_officer": staff_user(Role.OFFICER, "ouest"),
        "director": staff_user(Role.DIRECTOR, "ouest"),
        "finance": staff_user(Role.FINANCIAL_OFFICER),  # national
        "finance_ouest": staff_user(Role.FINANCIAL_OFFICER, "ouest"),
        "finance_ara": staff_user(Role.FINANCIAL_OFFICER, "ara"),
        "officer_ara": staff_user(Role.OFFICER, "ara"),
        "director_ara": staff_user(Role.DIRECTOR, "ara"),
        "board": staff_user(Role.BOARD_MEMBER),
        "ouest": regional_union("ouest"),
        "ara": regional_union("ara"),
    }


@pytest.fixture
def case(team):
    return CaseFactory(
        stage=Stage.FINANCING, assigned_officer=team["officer"], **complete_data("takeover")
    )


@pytest.fixture
def plan(case):
    return plan_for(case, price="200000", working_capital="50000", other="10000")
