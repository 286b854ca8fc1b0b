"""Territorial scoping: the one place that decides which rows a user may see.

Every selector and admin queryset goes through ``scope_queryset``. A model declares how it
reaches its territory with one of two class attributes:

- ``territory_ur_path``: lookup path to a ``RegionalUnion`` (e.g. ``"regional_union"``);
  add ``territory_national_when_null = True`` when a null UR means "every UR may see it";
- ``territory_departement_path``: lookup path to a ``Departement``; the row belongs to the UR
  covering that département today.

Officers and regional directors see their UR only; a financial-tools officer with a UR sees
that UR, without one the whole country; administrators see everything; board members and
users without a staff profile see no row at all (board members read aggregates only).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet

from crm.models import OfficerProfile
from crm.roles import AGGREGATE_ONLY_ROLES, Role
from crm.territories import departement_codes_of


@dataclass(frozen=True)
class Territory:
    """What a user may see: everything, one regional union, or no row."""

    everything: bool = False
    regional_union_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.regional_union_id is None


NOTHING = Territory()
EVERYTHING = Territory(everything=True)


def staff_profile(user) -> OfficerProfile | None:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    try:
        return user.officer_profile
    except OfficerProfile.DoesNotExist:
        return None


def user_role(user) -> Role | None:
    profile = staff_profile(user)
    return Role(profile.role) if profile else None


def territory_of(user) -> Territory:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    profile = staff_profile(user)
    if profile is None or profile.role in AGGREGATE_ONLY_ROLES:
        return NOTHING
    if profile.role == Role.ADMINISTRATOR:
        return EVERYTHING
    if profile.regional_union_id is None:
        # Only a national financial-tools officer gets here (the model forbids it for others).
        return EVERYTHING if profile.role == Role.FINANCIAL_OFFICER else NOTHING
    return Territory(regional_union_id=profile.regional_union_id)


def territory_filter(model: type[Model], regional_union_id: int) -> Q:
    """The rows of ``model`` that belong to one regional union."""
    ur_path = getattr(model, "territory_ur_path", None)
    if ur_path:
        condition = Q(**{ur_path: regional_union_id})
        if getattr(model, "territory_national_when_null", False):
            condition |= Q(**{f"{ur_path}__isnull": True})
        return condition
    departement_path = getattr(model, "territory_departement_path", None)
    if departement_path:
        return Q(**{f"{departement_path}__in": departement_codes_of(regional_union_id)})
    raise TypeError(f"{model.__name__} declares no territory path: it cannot be scoped.")


def scope_queryset(queryset: QuerySet, user) -> QuerySet:
    territory = territory_of(user)
    if territory.everything:
        return queryset
    if territory.nothing:
        return queryset.none()
    return queryset.filter(territory_filter(queryset.model, territory.regional_union_id))


def can_access(user, obj: Model) -> bool:
    """Whether ``obj`` is inside the user's territory (one query, same rule as selectors)."""
    if obj is None or obj.pk is None:
        return False
    return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
