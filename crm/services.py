"""Writes that matter in crm: organisations, people, staff roles and the groups that follow them."""

from collections.abc import Iterable
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from crm import scoping
from crm.history import history_created_in_bulk
from crm.models import (
    Departement,
    OfficerProfile,
    Organisation,
    Partner,
    Person,
    RegionalUnion,
)
from crm.roles import STAFF_ROLES, Role
from crm.validation import full_clean_resolved

# Group names are what administrators see in the admin; the role code stays the key.
ROLE_GROUP_NAMES = {
    Role.OFFICER: "Chargé·e de développement",
    Role.DIRECTOR: "Direction régionale",
    Role.FINANCIAL_OFFICER: "Outils financiers",
    Role.BOARD_MEMBER: "Conseil d'administration",
    Role.ADMINISTRATOR: "Administration",
}


def role_permission_names() -> dict[Role, set[str]]:
    """Merge every app's ``permissions.ROLE_PERMISSIONS``; administrators get everything."""
    merged: dict[Role, set[str]] = {role: set() for role in Role}
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.permissions")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.permissions":
                raise
            continue
        for role, names in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[Role(role)].update(names)
    return merged


def _permissions(names: Iterable[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    candidates = Permission.objects.select_related("content_type").filter(
        codename__in={codename for _, codename in wanted}
    )
    return [p for p in candidates if (p.content_type.app_label, p.codename) in wanted]


@transaction.atomic
def role_groups_sync() -> dict[Role, Group]:
    """Create one group per role and give it exactly the permissions the apps declare.

    Runs after every ``migrate`` so a new app's permissions reach the roles without a
    hand-written data migration. Administrators receive every permission.
    """
    groups = {}
    declared = role_permission_names()
    for role in Role:
        group, _ = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
        if role == Role.ADMINISTRATOR:
            group.permissions.set(Permission.objects.all())
        else:
            group.permissions.set(_permissions(declared[role]))
        groups[role] = group
    return groups


@transaction.atomic
def officer_profile_set(
    *, user, role: Role, regional_union: RegionalUnion | None
) -> OfficerProfile:
    """Give a user a staff role: profile, matching group (and only that one), admin access."""
    profile = OfficerProfile.objects.filter(user=user).first() or OfficerProfile(user=user)
    profile.role = role
    profile.regional_union = regional_union
    profile.full_clean()
    profile.save()
    role_groups = Group.objects.filter(name__in=ROLE_GROUP_NAMES.values())
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role(role)]))
    user.is_staff = Role(role) in STAFF_ROLES
    user.save(update_fields=["is_staff"])
    return profile


def organisation_build(
    *, departement: Departement | None = None, by=None, resolved: bool = False, **fields
) -> Organisation:
    """An organisation validated as ``organisation_create`` validates it, not yet written
    (``organisations_insert`` writes many at once)."""
    organisation = Organisation(**fields)
    if departement is not None:
        organisation.departement_resolved(departement)
    if resolved:
        full_clean_resolved(organisation)
    else:
        organisation.full_clean()
    scoping.require_write(by, organisation)
    return organisation


def organisation_create(
    *, departement: Departement | None = None, by=None, resolved: bool = False, **fields
) -> Organisation:
    """Create an organisation after full validation (SIREN/SIRET/NAF/postal code).

    ``departement``: the one the caller already resolved from this very postal code (the
    lead intake does, to place the lead), so it is not looked up a second time.
    ``by``: the staff member writing; the organisation must land in their territory
    (without ``by``, a system write such as the lead intake).
    ``resolved``: no query re-reads what the caller resolved; the SIREN's uniqueness and the
    check constraints are left to the database, whose refusal the caller handles
    (crm.validation.full_clean_resolved).
    """
    organisation = organisation_build(departement=departement, by=by, resolved=resolved, **fields)
    # The organisation and its history row together; without a savepoint for a caller that
    # retries its whole transaction on a refusal (``resolved``: the lead intake).
    with transaction.atomic(savepoint=not resolved):
        organisation.save()
    return organisation


def organisations_insert(*, organisations: list[Organisation]) -> list[Organisation]:
    """Write organisations built by ``organisation_build``, and their history rows: the
    rows ``organisation.save()`` would write one by one, in two statements (SQLite may
    split the first at its parameter limit).

    A save's only side effects on an organisation are the timestamps (``bulk_create`` sets
    them as ``save`` does) and simple-history's ``post_save`` row, copied here by the
    database (``crm.history``); no other receiver listens to organisations (the reference
    cache listens to reference models only). The caller wraps it in a transaction and
    handles the database's refusal (a SIREN recorded meanwhile: nothing of the batch is
    written)."""
    if not organisations:
        return []
    with transaction.atomic(savepoint=False):
        Organisation.objects.bulk_create(organisations)
        history_created_in_bulk(Organisation, organisations)
    return organisations


@transaction.atomic
def organisation_update(*, organisation: Organisation, by=None, **fields) -> Organisation:
    """Change an organisation; a new postal code may not move it out of ``by``'s territory."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    scoping.require_write(by, organisation)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    scoping.require_write(by, organisation)
    organisation.save()
    return organisation


def person_create(*, by=None, resolved: bool = False, **fields) -> Person:
    """Record a person after full validation (name, contact details, lawful basis), in an
    organisation of ``by``'s territory when a staff member writes. ``resolved``: as for
    ``organisation_create``."""
    person = Person(**fields)
    if resolved:
        full_clean_resolved(person)
    else:
        person.full_clean()
    scoping.require_write(by, person)
    with transaction.atomic(savepoint=not resolved):
        person.save()
    return person


@transaction.atomic
def partner_save(*, partner: Partner, by) -> Partner:
    """Create or change a partner: regional partners in ``by``'s UR only, national ones
    (no UR) for national users only."""
    if partner.pk:
        scoping.require_write(by, Partner.objects.select_for_update().get(pk=partner.pk))
    partner.full_clean()
    scoping.require_write(by, partner)
    partner.save()
    return partner


def person_matching(*, organisation: Organisation, first_name: str, last_name: str, email: str):
    """The person of ``organisation`` this contact already is, or None.

    The same e-mail address, or the same first and last names (case-insensitive): a partner
    sending twenty leads for one company describes one contact, not twenty.
    """
    same_contact = Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip())
    if email:
        same_contact |= Q(email__iexact=email.strip())
    return Person.objects.filter(same_contact, organisation=organisation).order_by("pk").first()
