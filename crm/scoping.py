"""Territorial scoping: the one place that decides which rows a user may see.

Every selector and admin queryset goes through ``scope_queryset``. A model declares how it
reaches its territory with one of two class attributes:

- ``territory_ur_path``: lookup path to a ``RegionalUnion`` (e.g. ``"regional_union"``), or
  a tuple of paths when a row reaches its UR through one of several parents (a financing plan
  is a case's or a support's): the row belongs to the UR of whichever parent it has;
  add ``territory_national_when_null = True`` when a null UR means "every UR may see it",
  or ``territory_region_path`` (a lookup path to a ``Region``) when a row without a UR
  belongs to a région: the URs covering (part of) that région see it, the others do not;
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
from crm.territories import departement_codes_of, region_codes_of


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


def ur_paths(model: type[Model]) -> tuple[str, ...]:
    """The model's ``territory_ur_path`` as a tuple (empty when it has none)."""
    paths = getattr(model, "territory_ur_path", None) or ()
    return (paths,) if isinstance(paths, str) else tuple(paths)


def territory_filter(model: type[Model], regional_union_id: int) -> Q:
    """The rows of ``model`` that belong to one regional union."""
    paths = ur_paths(model)
    if paths:
        condition = Q()
        for path in paths:
            condition |= Q(**{path: regional_union_id})
        ur_path = paths[0]
        region_path = getattr(model, "territory_region_path", None)
        if region_path:
            condition |= Q(**{f"{region_path}__in": region_codes_of(regional_union_id)})
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


# --- Writes: where a row being written lands, and which choices a form may offer ----------


def _follow(obj, path: str):
    """Walk ``a__b__c`` through attributes of a (possibly unsaved) instance; None if broken."""
    for name in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def regional_union_id_of(obj: Model) -> int | None:
    """The UR a (possibly unsaved) row belongs to, from its field values, or None (national)."""
    from crm.territories import regional_union_for_departement

    model = type(obj)
    paths = ur_paths(model)
    if paths:
        for path in paths:
            union = _follow(obj, path)
            if union is not None:
                return union.pk
        return None
    departement_path = getattr(model, "territory_departement_path", None)
    if departement_path:
        departement = _follow(obj, departement_path)
        if departement is None:
            return None
        union = regional_union_for_departement(departement.pk)
        return union.pk if union else None
    raise TypeError(f"{model.__name__} declares no territory path: it cannot be scoped.")


def may_write(user, obj: Model) -> bool:
    """Whether ``obj``, as it is about to be saved, lands inside the user's territory.

    National rows (a partner without a UR, say) are for national users only; a row whose
    territory cannot be told (no département yet) is left to the model's own validation.
    """
    territory = territory_of(user)
    if territory.everything:
        return True
    if territory.nothing:
        return False
    model = type(obj)
    if not (
        getattr(model, "territory_ur_path", None)
        or getattr(model, "territory_departement_path", None)
    ):
        return True
    union_id = regional_union_id_of(obj)
    if union_id is None:
        if getattr(model, "territory_departement_path", None):
            if _follow(obj, model.territory_departement_path) is None:
                return True  # the model's validation names the missing field
        elif not (
            getattr(model, "territory_national_when_null", False)
            or getattr(model, "territory_region_path", None)
        ):
            return True  # set by the service (a new case's UR), or named missing by the model
    return union_id == territory.regional_union_id


def require_write(user, obj: Model) -> None:
    """Refuse (PermissionDenied, in French) a write landing outside the user's territory."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext

    if user is not None and not may_write(user, obj):
        raise PermissionDenied(
            gettext("This record would belong to another regional union than yours.")
        )


def is_territorial(model: type[Model]) -> bool:
    return bool(
        getattr(model, "territory_ur_path", None)
        or getattr(model, "territory_departement_path", None)
    )


def regional_unions_for(user) -> QuerySet:
    """The regional unions a user may pick in a form: their own, or all when national."""
    from crm.models import RegionalUnion

    territory = territory_of(user)
    if territory.everything:
        return RegionalUnion.objects.all()
    if territory.nothing:
        return RegionalUnion.objects.none()
    return RegionalUnion.objects.filter(pk=territory.regional_union_id)


def assignable_users(user, regional_union_id: int | None = None) -> QuerySet:
    """Accounts a case or a task may be given to: active officers and directors of the UR
    (the user's own, or ``regional_union_id`` for a national user); never board members,
    financial-tools officers or accounts of another UR."""
    from django.contrib.auth import get_user_model

    from crm.roles import REGIONAL_ROLES

    users = get_user_model().objects.filter(
        is_active=True, officer_profile__role__in=[str(role) for role in REGIONAL_ROLES]
    )
    territory = territory_of(user)
    if territory.nothing:
        return users.none()
    if not territory.everything:
        regional_union_id = territory.regional_union_id
    if regional_union_id is not None:
        users = users.filter(officer_profile__regional_union_id=regional_union_id)
    return users.order_by("last_name", "first_name", "username")


def staff_users_for(user) -> QuerySet:
    """Any account with a staff profile inside the user's territory (all for national users)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    territory = territory_of(user)
    if territory.everything:
        return users
    if territory.nothing:
        return users.none()
    return users.filter(officer_profile__regional_union_id=territory.regional_union_id)


ASSIGNEE_FIELD_NAMES = frozenset({"assigned_officer", "assignee"})


def choices_for(user, field) -> QuerySet | None:
    """The queryset a form field pointing at ``field.related_model`` may offer, or None when
    the related model is not territorial (reference data, say)."""
    from django.contrib.auth import get_user_model

    from crm.models import RegionalUnion

    related = field.related_model
    manager = related._default_manager
    if related is RegionalUnion:
        return regional_unions_for(user)
    if related is get_user_model():
        if field.name in ASSIGNEE_FIELD_NAMES:
            return assignable_users(user)
        return staff_users_for(user)
    if is_territorial(related):
        return scope_queryset(manager.all(), user)
    return None
