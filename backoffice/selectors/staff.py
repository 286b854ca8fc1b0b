"""Colleagues: who a case or a task may be given to."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from crm.roles import Role
from crm.scoping import territory_of


def union_officers(regional_union_id: int) -> QuerySet:
    """Active development officers of one regional union, by name (never board or finance)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer_profile__role=Role.OFFICER,
            officer_profile__regional_union_id=regional_union_id,
        )
        .order_by("last_name", "first_name", "username")
    )


def union_case_workers(regional_union_id: int) -> QuerySet:
    """Officers and directors of one regional union: who may hold a task on its cases."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer_profile__role__in=[Role.OFFICER, Role.DIRECTOR],
            officer_profile__regional_union_id=regional_union_id,
        )
        .order_by("last_name", "first_name", "username")
    )


def visible_officers(user) -> QuerySet:
    """Officers of the user's regional union (every officer for a national role)."""
    territory = territory_of(user)
    if territory.nothing:
        return get_user_model().objects.none()
    users = get_user_model().objects.filter(is_active=True, officer_profile__role=Role.OFFICER)
    if territory.regional_union_id is not None:
        users = users.filter(officer_profile__regional_union_id=territory.regional_union_id)
    return users.order_by("last_name", "first_name", "username")


def digest_recipients() -> QuerySet:
    """Active officers and directors with an address who did not turn the digest off."""
    return (
        get_user_model()
        .objects.filter(is_active=True, officer_profile__role__in=[Role.OFFICER, Role.DIRECTOR])
        .exclude(email="")
        .exclude(digest_preference__daily_digest=False)
        .select_related("officer_profile")
        .order_by("pk")
    )
