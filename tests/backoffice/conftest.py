"""People and cases of the back-office tests: two regional unions, every role."""

import datetime

import pytest
from django.utils import timezone

from crm.roles import Role
from tests.factories import OrganisationFactory, regional_union, staff_user
from tests.transmission.factories import CaseFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def officer(db):
    return staff_user(Role.OFFICER, "ouest", first_name="Camille", last_name="Le Goff")


@pytest.fixture
def colleague(db):
    return staff_user(Role.OFFICER, "ouest", first_name="Yann", last_name="Kerbrat")


@pytest.fixture
def director(db):
    return staff_user(Role.DIRECTOR, "ouest", first_name="Dominique", last_name="Morvan")


@pytest.fixture
def other_officer(db):
    return staff_user(Role.OFFICER, "ara", first_name="Claude", last_name="Girard")


@pytest.fixture
def board_member(db):
    return staff_user(Role.BOARD_MEMBER, first_name="Alex", last_name="Bureau")


@pytest.fixture
def financial_officer(db):
    return staff_user(Role.FINANCIAL_OFFICER, "ouest", first_name="Sacha", last_name="Fonds")


@pytest.fixture
def case(officer):
    """A case of UR Ouest assigned to ``officer``, at the first-contacts stage."""
    return CaseFactory(
        stage="qualification",
        assigned_officer=officer,
        organisation=OrganisationFactory(name="Menuiserie Guégan", postal_code="35000"),
    )


@pytest.fixture
def ara_case(db):
    return CaseFactory(
        regional_union=regional_union("ara"),
        organisation=OrganisationFactory(name="Atelier lyonnais", postal_code="69001"),
    )


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
