import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from crm import services
from crm.models import OfficerProfile
from crm.roles import Role
from tests.factories import UserFactory, regional_union, staff_user

pytestmark = pytest.mark.django_db


def test_one_group_per_role_with_declared_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(services.ROLE_GROUP_NAMES.values()) <= names
    officer_group = Group.objects.get(name=services.ROLE_GROUP_NAMES[Role.OFFICER])
    codenames = set(officer_group.permissions.values_list("codename", flat=True))
    assert {"view_organisation", "change_organisation", "add_person"} <= codenames
    assert "delete_organisation" not in codenames
    board = Group.objects.get(name=services.ROLE_GROUP_NAMES[Role.BOARD_MEMBER])
    assert not board.permissions.filter(codename__in=["view_organisation", "view_person"]).exists()


def test_changing_role_moves_the_user_between_groups():
    user = staff_user(Role.OFFICER, "ouest")
    services.officer_profile_set(
        user=user, role=Role.DIRECTOR, regional_union=regional_union("ouest")
    )
    assert list(user.groups.values_list("name", flat=True)) == [
        services.ROLE_GROUP_NAMES[Role.DIRECTOR]
    ]
    assert user.is_staff
    services.officer_profile_set(user=user, role=Role.BOARD_MEMBER, regional_union=None)
    user.refresh_from_db()
    assert not user.is_staff


@pytest.mark.parametrize("role", [Role.OFFICER, Role.DIRECTOR])
def test_regional_roles_need_a_regional_union(role):
    with pytest.raises(ValidationError) as error:
        services.officer_profile_set(user=UserFactory(), role=role, regional_union=None)
    assert "regional_union" in error.value.message_dict
    assert not OfficerProfile.objects.exists()


def test_groups_are_resynced_with_declared_permissions():
    group = Group.objects.get(name=services.ROLE_GROUP_NAMES[Role.OFFICER])
    group.permissions.clear()
    services.role_groups_sync()
    assert group.permissions.filter(codename="view_organisation").exists()
